"""Personal-data scrubbers: Presidio with spaCy, or regular expressions only."""

from ragloom.adapters.presidio.settings import PresidioSettings
from ragloom.adapters.regex_pii.scrubber import RegexPiiSettings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.PII_SCRUBBER,
            "presidio",
            lazy("ragloom.adapters.presidio.scrubber:open_presidio_scrubber"),
            PresidioSettings,
            "Presidio analyzer with spaCy en_core_web_sm: people, e-mail, phone, card, IBAN and more",
        ),
        AdapterSpec(
            Port.PII_SCRUBBER,
            "regex",
            lazy("ragloom.adapters.regex_pii.scrubber:open_regex_scrubber"),
            RegexPiiSettings,
            "regular expressions and checksums only: e-mail, phone, card, IBAN, IP, SSN (no names)",
        ),
    ]
