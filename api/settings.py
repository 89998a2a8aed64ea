"""The one place that reads configuration: ``SPORTELLO_*`` environment variables and ``.env``.

Nested groups use ``__``: ``SPORTELLO_EMBEDDING__PROVIDER=openai``. Built in entry points
only (the CLI, later ``create_app``), never at import time. Every field is documented in
the README's configuration table (a test keeps the two in step).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.settings_channels import ConsoleSettings, EmailSettings, TelegramSettings, WebhookSettings, WebSettings
from api.settings_claims import ClaimSettings
from api.settings_sources import SourcesSettings
from knowledge.loaders import ParseBudget


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/sportello``, i.e. ``~/.local/share/sportello`` on most systems."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sportello"


class DatabaseSettings(BaseModel):
    """The connection pool of a server database (PostgreSQL); SQLite opens a file and ignores these."""

    pool_size: int = Field(default=5, ge=1, le=200, description="Connections kept open per process.")
    max_overflow: int = Field(default=10, ge=0, le=500, description="Extra connections under a burst.")
    pool_timeout_seconds: float = Field(default=10.0, gt=0, description="Wait for a free connection before failing.")
    pool_recycle_seconds: int = Field(
        default=1800, ge=60, description="Reopen connections older than this (proxies and poolers drop idle ones)."
    )
    pre_ping: bool = Field(
        default=True, description="Test a connection before use: a dropped one is replaced, not a 500."
    )


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
    threads: int | None = Field(
        default=None, ge=1, le=64,
        description="Threads per call of the bundled model. Unset: 1 in `serve`, `worker` and `telegram`, where "
        "turns run side by side (about a quarter more answers a second on two cores), every core in one-shot "
        "commands such as `ingest` (fastest alone).",
    )  # fmt: skip

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
    # Budgets for reading one file (docs/knowledge.md, "Limits"): a file over one is refused, naming it.
    max_text_chars: int = Field(default=2_000_000, ge=1000, description="Text one file may yield (~1,000 pages).")
    max_pdf_pages: int = Field(default=1000, ge=1, description="Pages one PDF may have.")
    max_archive_members: int = Field(default=1000, ge=10, description="Files inside one DOCX.")
    max_unpacked_mb: float = Field(default=64.0, gt=0, description="What one DOCX may unpack to.")
    max_compression_ratio: float = Field(default=100.0, ge=2, description="Unpacked over packed size of a DOCX.")
    max_parse_seconds: float = Field(default=60.0, gt=0, description="Time reading one file may take.")
    max_parse_memory_mb: int = Field(
        default=512, ge=64, description="Memory reading one uploaded file may add (it is read in a child process)."
    )

    def budget(self) -> ParseBudget:
        """These limits as the loaders take them."""
        return ParseBudget(
            max_text_chars=self.max_text_chars, max_pdf_pages=self.max_pdf_pages,
            max_archive_members=self.max_archive_members,
            max_unpacked_bytes=int(self.max_unpacked_mb * 1024 * 1024),
            max_compression_ratio=self.max_compression_ratio, max_seconds=self.max_parse_seconds,
            max_memory_mb=self.max_parse_memory_mb,
        )  # fmt: skip

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
    name_weight: float = Field(
        default=1.0,
        ge=0,
        description="Weight of each telling word the question names that a page's title or address carries.",
    )


PolicyTopic = Literal["legal", "disputes", "tax"]
POLICY_TOPIC_NAMES: tuple[PolicyTopic, ...] = ("legal", "disputes", "tax")


class AssistantSettings(BaseModel):
    """How the assistant behaves: limits, thresholds, office hours, topics left to staff."""

    max_input_chars: int = Field(default=1000, ge=20, description="Longer messages get a polite request to shorten.")
    default_language: Literal["it", "en", "fr"] = Field(
        default="it", description="Language of a first message too short to tell."
    )
    answer_threshold: float = Field(
        default=0.45, ge=0, le=1, description="Retrieval confidence needed to answer from documents (calibrated)."
    )
    faq_threshold: float = Field(
        default=0.93, ge=0, le=1, description="Similarity to a FAQ question needed to give its answer as written."
    )
    closing_soon_days: int = Field(
        default=14, ge=0, description="A call closing within this many days is 'closing soon'."
    )
    policy_topics: list[PolicyTopic] = Field(
        default_factory=lambda: list(POLICY_TOPIC_NAMES),
        description="Topics always handed to staff (JSON list).",
    )
    office_timezone: str = Field(default="Europe/Rome", description="Time zone of the desk's office hours.")
    office_days: str = Field(
        default="mon-fri", description="Open days: a range like mon-fri or a list like mon,wed,fri."
    )
    office_opens: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$", description="Opening time (HH:MM).")
    office_closes: str = Field(default="17:00", pattern=r"^\d{2}:\d{2}$", description="Closing time (HH:MM).")

    @model_validator(mode="after")
    def _office_hours_valid(self) -> AssistantSettings:
        office_day_numbers(self.office_days)
        try:
            ZoneInfo(self.office_timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.office_timezone!r}") from exc
        if self.office_opens >= self.office_closes:
            raise ValueError("assistant.office_opens must be before assistant.office_closes")
        return self


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office_day_numbers(spec: str) -> tuple[int, ...]:
    """``mon-fri`` → (0, 1, 2, 3, 4); ``mon,wed`` → (0, 2)."""
    numbers: list[int] = []
    for part in spec.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError(f"office days {spec!r}: use mon..sun, as a range (mon-fri) or a list (mon,wed)")
        start, end = _DAYS.index(first), _DAYS.index(last or first)
        numbers.extend(range(start, end + 1))
    return tuple(sorted(set(numbers)))


class LlmSettings(BaseModel):
    """An optional language model for composing answers (the default needs none)."""

    provider: Literal["none", "openai", "ollama"] = Field(
        default="none",
        description="none = extractive answers only; openai = any OpenAI-compatible server (vLLM, llama.cpp, "
        "OpenAI, Mistral); ollama = Ollama's OpenAI-compatible endpoint.",
    )
    base_url: str | None = Field(
        default=None, description="Server root, e.g. http://127.0.0.1:8000/v1 (ollama: defaults to its local /v1)."
    )
    model: str = Field(default="", description="Model name sent to the server.")
    api_key: SecretStr = Field(default=SecretStr("not-needed"), description="Key for the server, if it wants one.")
    timeout_seconds: float = Field(default=20.0, gt=0, le=300, description="Longest a whole answer may take.")
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(default=600, ge=16, le=8000, description="Longest answer, in tokens.")
    streaming: bool = Field(default=True, description="Stream tokens to channels as they are generated.")

    @model_validator(mode="after")
    def _endpoint_complete(self) -> LlmSettings:
        if self.provider == "openai" and not self.base_url:
            raise ValueError("llm.provider=openai needs llm.base_url")
        if self.provider != "none" and not self.model:
            raise ValueError(f"llm.provider={self.provider} needs llm.model")
        return self

    def resolved_base_url(self) -> str:
        """The server root (Ollama's local default when unset)."""
        return self.base_url or "http://127.0.0.1:11434/v1"


class PrivacySettings(BaseModel):
    """Retention of conversations (GDPR)."""

    retention_days: int | None = Field(
        default=365, ge=1, description="Conversations idle longer than this are purged; unset = kept until erased."
    )
    retention_mode: Literal["delete", "anonymise"] = Field(
        default="anonymise",
        description="delete = remove old conversations; anonymise = keep their figures, drop texts and identities.",
    )
    purge_hours: float = Field(default=24.0, gt=0, description="How often `sportello serve` runs the purge.")
    policy_url: str | None = Field(
        default=None, pattern=r"^https://[^\s<>\"']+$",
        description="The cluster's privacy policy (https): the consent in the widget and on Telegram links to it.",
    )  # fmt: skip


class QualitySettings(BaseModel):
    """Golden questions an ingest or a console upload must keep answering before it is published."""

    golden_questions: Path | None = Field(
        default=None,
        description="Question file (JSON Lines, as for `sportello eval`); set, every ingest and upload is checked "
        "against the live knowledge base first and refused when it answers worse.",
    )
    max_drop: float = Field(
        default=0.02, ge=0, le=1, description="How much a figure may drop against the live knowledge base."
    )
    min_fact_recall: float | None = Field(default=None, ge=0, le=1, description="Minimum fact recall to publish.")
    min_resolution: float | None = Field(default=None, ge=0, le=1, description="Minimum resolution to publish.")
    min_handoff_recall: float | None = Field(default=None, ge=0, le=1, description="Minimum handoff recall to publish.")
    min_out_of_scope: float | None = Field(
        default=None, ge=0, le=1, description="Minimum share of out-of-scope and hostile inputs handled."
    )
    min_hit_at_3: float | None = Field(default=None, ge=0, le=1, description="Minimum retrieval hit@3 to publish.")


class Settings(BaseSettings):
    """All of Sportello's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="SPORTELLO_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir, description="Database, index and caches live here.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset = SQLite file sportello.db in the data directory."
    )
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    assistant: AssistantSettings = Field(default_factory=AssistantSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    sources: SourcesSettings = Field(default_factory=SourcesSettings)
    claims: ClaimSettings = Field(default_factory=ClaimSettings)
    redis_url: str | None = Field(
        default=None,
        pattern=r"^rediss?://",
        description="Redis for rate limits and login throttles shared by every process, e.g. "
        "redis://127.0.0.1:6379/0; unset = counted in each process's memory.",
    )
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

    def for_serving(self) -> Settings:
        """These settings for a long-running server: one model thread per turn unless set (turns
        already run side by side on the other cores; a query on every core at once would
        contend with them, benchmarks/README.md "Web load")."""
        if self.embedding.threads is not None:
            return self
        return self.model_copy(update={"embedding": self.embedding.model_copy(update={"threads": 1})})

    @property
    def upload_dir(self) -> Path:
        """Where the console stores uploaded documents."""
        return self.console.upload_dir or self.data_dir / "documents"

    @property
    def web_dir(self) -> Path:
        """Where the web sources' pages are written for the ingest."""
        return self.sources.dir or self.data_dir / "web"

    @property
    def cache_dir(self) -> Path:
        """Caches (the tokenizer file)."""
        return self.data_dir / "cache"
