"""Text in pictures read by RapidOCR (PP-OCR models shipped in its wheel)."""
