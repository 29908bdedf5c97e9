"""MediaExtractor for text documents: plain text, Markdown, HTML, PDF and Word."""
