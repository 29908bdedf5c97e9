"""Ed25519 signatures of the audit records."""

from ragloom.adapters.ed25519.settings import Ed25519Settings
from ragloom.contracts import AdapterSpec, Port, hookimpl, lazy


@hookimpl
def ragloom_adapters() -> list[AdapterSpec]:
    return [
        AdapterSpec(
            Port.AUDIT_SIGNER,
            "ed25519",
            lazy("ragloom.adapters.ed25519.signing:open_audit_signer"),
            Ed25519Settings,
            "Ed25519 signatures (cryptography) with a key from the config or a 0600 file",
        ),
    ]
