"""docs/configuration.md is the generated reference: every key of the service and of every built-in
adapter, with its type, default and meaning; regenerate it when a setting changes."""

from pathlib import Path

from ragloom.entrypoints.reference import configuration_reference
from ragloom.plugins import load_registry

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_the_reference_is_current():
    generated = configuration_reference(load_registry(load_entry_points=False))
    assert DOCS.read_text() == generated, "regenerate: ragloom config-reference > docs/configuration.md"


def test_every_key_is_explained():
    generated = configuration_reference(load_registry(load_entry_points=False))
    unexplained = [
        line for line in generated.splitlines() if line.startswith("| `") and line.endswith("|  |")
    ]
    assert unexplained == []
    assert "`plugins.blob_store.s3`" in generated and "`http.trusted_proxies`" in generated
