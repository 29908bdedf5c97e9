"""Use cases: they depend on ports only."""
