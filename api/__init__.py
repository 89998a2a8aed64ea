"""The outer layer: settings, the composition root, the CLI (and later the HTTP API)."""
