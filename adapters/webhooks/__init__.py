"""WebhookSender over HTTP: Standard Webhooks signatures, no private targets unless allowed."""
