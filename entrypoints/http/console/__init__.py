"""The browser consoles: the tenant's at `/`, the administrator's at `/admin/` (static files)."""
