"""The app's own signed file links: valid until they expire, and only for what they name."""

import pytest

from ragloom.core.errors import NotFound, TenantDenied
from ragloom.core.models import TenantId
from ragloom.entrypoints.http.links import LinkSigner, SignedFile

FILE = SignedFile(TenantId("acme"), "documents/d1/original", "application/pdf", "report q1.pdf")


def _params(url: str) -> tuple[str, str, dict[str, str]]:
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    _, _, tenant, key = parts.path.split("/", 3)
    return unquote(tenant), unquote(key), dict(parse_qsl(parts.query))


def test_a_link_verifies_until_it_expires():
    signer = LinkSigner(b"k" * 32)
    url, expires = signer.url(FILE, 60, now=1000)
    assert expires == 1060 and url.startswith("/files/acme/documents/d1/original?")
    tenant, key, params = _params(url)
    assert signer.verify(tenant, key, params, now=1059) == FILE
    with pytest.raises(TenantDenied, match="expired"):
        signer.verify(tenant, key, params, now=1061)


@pytest.mark.parametrize(
    "change",
    [
        {"tenant": "other"},
        {"key": "documents/d2/original"},
        {"type": "text/html"},
        {"name": "x.html"},
        {"expires": "999999"},
        {"signature": "AAAA"},
        {"signature": "é\u00e7\u2603"},  # not ASCII: still a refusal, not a crash
    ],
)
def test_changing_anything_breaks_the_signature(change):
    signer = LinkSigner(b"k" * 32)
    tenant, key, params = _params(signer.url(FILE, 60, now=1000)[0])
    tenant = change.pop("tenant", tenant)
    key = change.pop("key", key)
    with pytest.raises(TenantDenied, match="signature"):
        signer.verify(tenant, key, {**params, **change}, now=1001)


def test_another_secret_or_a_missing_parameter_is_refused():
    tenant, key, params = _params(LinkSigner(b"k" * 32).url(FILE, 60, now=1000)[0])
    with pytest.raises(TenantDenied):
        LinkSigner(b"j" * 32).verify(tenant, key, params, now=1001)
    with pytest.raises(NotFound):
        LinkSigner(b"k" * 32).verify(tenant, key, {k: v for k, v in params.items() if k != "expires"})
