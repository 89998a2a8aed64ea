"""Web sources of the knowledge base: fetching pages, sitemaps and feeds safely, and keeping them in sync."""
