"""CloudFront signed URLs (canned policy): the distribution serves an object until the expiry only
to a holder of a URL signed with the key group's private key (RSA, SHA-1 as CloudFront requires)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ragloom.core.errors import ProviderUnavailable

from .settings import CloudFrontSettings


class CloudFrontLinks:
    def __init__(self, domain: str, key_pair_id: str, key: rsa.RSAPrivateKey) -> None:
        self._domain = domain.rstrip("/")
        self._signer = CloudFrontSigner(
            key_pair_id, lambda message: key.sign(message, padding.PKCS1v15(), hashes.SHA1())
        )

    @classmethod
    def from_settings(cls, settings: CloudFrontSettings) -> CloudFrontLinks:
        """ProviderUnavailable (at start) if the key cannot be read or is not an RSA private key."""
        try:
            pem = (
                settings.private_key.get_secret_value().encode()
                if settings.private_key is not None
                else Path(settings.private_key_file or "").read_bytes()
            )
            key = serialization.load_pem_private_key(pem, password=None)
        except (OSError, ValueError, TypeError) as error:
            raise ProviderUnavailable(
                f"cannot read the CloudFront private key: {error}", retryable=False
            ) from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ProviderUnavailable("the CloudFront private key must be an RSA key", retryable=False)
        return cls(settings.domain, settings.key_pair_id, key)

    def signed_url(self, name: str, expires: datetime) -> str:
        """The object's URL on the distribution, valid until `expires`."""
        return self._signer.generate_presigned_url(f"{self._domain}/{quote(name)}", date_less_than=expires)
