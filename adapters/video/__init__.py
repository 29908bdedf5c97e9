"""Videos: the audio track transcribed, keyframes read by OCR, each with its time range."""
