"""PiiScrubber with regular expressions and checksums only (no model): e-mail addresses, phone
numbers, payment cards (Luhn), IBANs (mod 97), IP addresses and US social security numbers."""
