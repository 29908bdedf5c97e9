"""ragloom's pure domain: value objects, ports and use cases (stdlib and typing only)."""
