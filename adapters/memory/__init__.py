"""In-memory fakes that pass the same contract suites as the real adapters (for tests and demos)."""
