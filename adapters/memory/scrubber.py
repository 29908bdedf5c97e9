"""A fake PiiScrubber (tests and demos): masks e-mail addresses only, as <EMAIL_ADDRESS>."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ragloom.core.models import Scrubbed, TenantId

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


class EmailScrubber:
    async def scrub(self, tenant: TenantId, texts: Sequence[str]) -> Sequence[Scrubbed]:
        results = []
        for text in texts:
            masked, count = _EMAIL.subn("<EMAIL_ADDRESS>", text)
            results.append(Scrubbed(masked, {"EMAIL_ADDRESS": count} if count else {}))
        return results
