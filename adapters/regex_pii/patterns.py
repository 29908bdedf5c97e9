"""The patterns, each with a validator where the format has a checksum."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass


def luhn(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Pattern:
    entity: str
    regex: re.Pattern[str]
    score: float
    valid: Callable[[str], bool] = lambda value: True


PATTERNS = (
    Pattern("EMAIL_ADDRESS", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), 1.0),
    Pattern("CREDIT_CARD", re.compile(r"\b(?:\d[ -]?){12,18}\d\b"), 1.0, luhn),
    Pattern("IBAN_CODE", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"), 1.0, iban),
    Pattern("US_SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), 0.8),
    Pattern(
        "IP_ADDRESS",
        re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-fA-F:]{2,39}:[0-9a-fA-F]{1,4}\b"),
        0.9,
        ip,
    ),
    Pattern(
        "PHONE_NUMBER",
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){2,4}\b"),
        0.7,
        lambda value: 9 <= sum(c.isdigit() for c in value) <= 15,
    ),
)
