"""BlobStore on S3 or an S3-compatible server, with CloudFront signed URLs for downloads."""
