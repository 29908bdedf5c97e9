"""JobQueue on Redis streams (production): one stream per modality and tenant, read in turns."""
