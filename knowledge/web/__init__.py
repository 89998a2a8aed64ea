"""Web sources: pure functions that turn fetched pages, sitemaps and feeds into documents (no network here)."""
