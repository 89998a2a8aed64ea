"""The one place that reads configuration: ``SPORTELLO_*`` environment variables and ``.env``.

Nested groups use ``__``: ``SPORTELLO_EMBEDDING__PROVIDER=openai``. Built in entry points
only (the CLI, later ``create_app``), never at import time. Every field is documented in
the README's configuration table (a test keeps the two in step).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/sportello``, i.e. ``~/.local/share/sportello`` on most systems."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sportello"


class EmbeddingSettings(BaseModel):
    """Which embedding model turns text into vectors."""

    provider: Literal["e5", "openai", "hashing"] = Field(
        default="e5",
        description="e5 = bundled multilingual-e5-small (offline); openai = an OpenAI-compatible "
        "endpoint; hashing = deterministic fake for tests and quick dev runs (not for real use).",
    )
    base_url: str | None = Field(
        default=None, description="OpenAI-compatible server root, e.g. http://127.0.0.1:8080/v1."
    )
    model: str = Field(default="text-embedding-3-small", description="Model name sent to the endpoint.")
    api_key: SecretStr = Field(default=SecretStr("not-needed"), description="Key for the endpoint, if it wants one.")
    dimensions: int = Field(default=384, ge=8, description="Vector size the endpoint returns.")
    batch_size: int = Field(default=8, ge=1, le=256, description="Passages per model call (8 is fastest for e5).")

    @model_validator(mode="after")
    def _endpoint_needs_url(self) -> EmbeddingSettings:
        if self.provider == "openai" and not self.base_url:
            raise ValueError("embedding.provider=openai needs embedding.base_url")
        return self


class ChromaSettings(BaseModel):
    """Where vectors live."""

    url: str | None = Field(
        default=None, description="Chroma server URL (e.g. http://127.0.0.1:8000); unset = embedded on disk."
    )
    collection: str = Field(default="sportello", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")


class IngestSettings(BaseModel):
    """Limits and chunk sizes for ingestion."""

    max_file_mb: float = Field(default=20.0, gt=0, description="Files larger than this are refused.")
    chunk_tokens: int = Field(default=320, ge=50, le=480, description="Chunk size in cl100k tokens.")
    chunk_overlap: int = Field(default=40, ge=0, le=200, description="Overlap between consecutive chunks.")

    @model_validator(mode="after")
    def _overlap_smaller_than_chunk(self) -> IngestSettings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError("ingest.chunk_overlap must be smaller than ingest.chunk_tokens")
        return self


class SearchSettings(BaseModel):
    """Hybrid search knobs."""

    max_query_chars: int = Field(default=1000, ge=10, description="Longer questions are refused with a clear error.")
    candidates: int = Field(default=30, ge=5, le=500, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0, description="Weight of the vector ranking in the fusion.")
    keyword_weight: float = Field(default=0.7, ge=0, description="Weight of the BM25 ranking in the fusion.")
    expansion_weight: float = Field(
        default=0.7, ge=0, le=1, description="Weight of the it/en/fr lexicon translations of query words in BM25."
    )
    max_per_document: int = Field(default=2, ge=1, description="Passages from one document before others get a turn.")


class Settings(BaseSettings):
    """All of Sportello's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="SPORTELLO_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir, description="Database, index and caches live here.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset = SQLite file sportello.db in the data directory."
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    def resolved_database_url(self) -> str:
        """The configured URL, or the default SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'sportello.db'}"

    @property
    def chroma_dir(self) -> Path:
        """Embedded Chroma's folder."""
        return self.data_dir / "chroma"

    @property
    def keyword_dir(self) -> Path:
        """The BM25 index's folder (one per collection)."""
        return self.data_dir / "bm25" / self.chroma.collection

    @property
    def cache_dir(self) -> Path:
        """Caches (the tokenizer file)."""
        return self.data_dir / "cache"
