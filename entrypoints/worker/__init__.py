"""The worker entry point: consumes one modality's ingestion queue (Taskiq on Redis)."""
