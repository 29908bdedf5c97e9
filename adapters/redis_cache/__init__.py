"""The semantic cache of the production profile, in Redis."""
