"""Query rewriters: follow-up questions made standalone for search."""
