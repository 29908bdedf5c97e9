"""Images: decoded by Pillow after a size check, their text read by the text_recognizer adapter."""
