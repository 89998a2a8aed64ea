"""The sample knowledge base's day and throw-away settings, shared by fixtures and tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from api.settings import EmbeddingSettings, Settings

# The sample knowledge base was written on this day: two calls closed, two open, one upcoming.
SAMPLE_TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def fake_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for a throw-away data directory with the deterministic fake embedder."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        embedding=EmbeddingSettings(provider="hashing", dimensions=256),
        **overrides,  # type: ignore[arg-type]
    )
