"""Images read by OCR (RapidOCR, PP-OCR models shipped in its wheel)."""
