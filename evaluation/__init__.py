"""Measuring ragloom from outside its use cases: retrieval on a BEIR corpus (`ragloom eval beir`),
abstention on one (`ragloom eval answerability`), answer suites (`ragloom eval answers`) and labelled
personal data (`ragloom eval pii`).

The harness sits below the CLI and above the core: ragloom.entrypoints imports it, and it drives an
open runtime through the core's use cases only, as `runtime.Runtime` declares them. It imports no
entry point, plugin or adapter (import-linter contracts in pyproject.toml)."""
