"""The composition root: builds every service from ``Settings`` and closes them in reverse.

Nothing below ``api`` reads settings or builds its own dependencies; they are passed in
from here (tests pass their own embedder or clock the same way).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from api.limits import Limits
from api.settings import Settings, office_day_numbers
from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.llm import LlmComposer, LlmConfig
from bot.answers.knowledge_view import KnowledgeView
from bot.claims.desk import ClaimDesk
from bot.claims.isolated import read_isolated
from bot.claims.missions import catalog_of
from bot.claims.store import MIB, ClaimStore
from bot.conversation.assistant import Assistant, AssistantConfig
from bot.conversation.changes import ChangeHub
from bot.conversation.events import EVENT_TYPES, EventType
from bot.conversation.front_door import FrontDoor
from bot.conversation.handoff import OfficeHours
from bot.conversation.policy import Thresholds
from bot.conversation.router import SemanticRouter
from bot.conversation.store import ConversationStore
from bot.conversation.understanding import TurnLimits
from bot.desk.accounts import StaffAccounts
from bot.desk.audit import AuditLog
from bot.desk.privacy import PrivacyDesk
from bot.desk.staff import StaffDesk
from bot.desk.staff_faq import StaffFaqs
from bot.outbound.outbox import Outbox
from bot.outbound.webhooks import WebhookEndpoint, install_webhooks
from knowledge.chunking import ChunkingConfig
from knowledge.database import make_engine, session_factory, try_advisory_lock
from knowledge.ingest import IngestConfig, IngestPipeline
from knowledge.store import ManifestStore
from knowledge.tokens import install_offline_encoding
from knowledge.uploads import UploadStore
from retrieval.embedding_cache import SqlVectorCache
from retrieval.embeddings import (
    CachedEmbedder,
    E5Embedder,
    Embedder,
    HashingEmbedder,
    OpenAICompatibleEmbedder,
    VectorCache,
)
from retrieval.hybrid import HybridSearcher, SearchConfig
from retrieval.index import KnowledgeIndex
from retrieval.vector_index import VectorIndex, open_chroma

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SAMPLE_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "sample"

Clock = Callable[[], dt.datetime]
T = TypeVar("T")


class IngestBusyError(RuntimeError):
    """Another ingest holds the data directory."""


@dataclass
class Services:
    """Everything a command or the app needs, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    manifest: ManifestStore
    embedder: CachedEmbedder
    index: KnowledgeIndex
    searcher: HybridSearcher
    now: Clock
    _closers: list[Callable[[], None]] = field(default_factory=list)
    _built: dict[str, Any] = field(default_factory=dict)
    _building: threading.RLock = field(default_factory=threading.RLock)

    def _once(self, name: str, build: Callable[[], T]) -> T:
        """Each service is built once, on first use, and shared by every part of the process."""
        with self._building:
            if name not in self._built:
                self._built[name] = build()
            return cast(T, self._built[name])

    def assistant(self) -> Assistant:
        """The assistant, built on first use (its router embeds ~70 examples: ~1 s with e5)."""
        return self._once("assistant", lambda: build_assistant(self))

    def front_door(self) -> FrontDoor:
        """The one entry of every channel's inbound messages (``bot.conversation.front_door``)."""
        return self._once("front_door", lambda: FrontDoor(self.assistant()))

    def changes(self) -> ChangeHub:
        """Who waits for a conversation or the queue to change (``bot.conversation.changes``)."""
        return self._once("changes", self._watched_hub)

    def _watched_hub(self) -> ChangeHub:
        hub = ChangeHub()
        hub.watch(self.sessions)
        return hub

    def outbox(self) -> Outbox:
        """Every message pushed to a channel, recorded before it is sent."""
        return self._once("outbox", lambda: Outbox(self.sessions, self.now))

    def audit(self) -> AuditLog:
        """Who did what at the desk."""
        return self._once("audit", lambda: AuditLog(self.sessions, self.now))

    def staff_desk(self) -> StaffDesk:
        """Staff actions on escalations, audited by the desk itself."""
        return self._once("staff_desk", lambda: StaffDesk(self.assistant().store, self.outbox(), self.audit()))

    def privacy(self) -> PrivacyDesk:
        """Access, erasure and retention."""
        return self._once("privacy", lambda: PrivacyDesk(self.sessions, self.now))

    def uploads(self) -> UploadStore:
        """Documents uploaded in the console, kept where every process finds them."""
        return self._once("uploads", lambda: UploadStore(self.sessions, self.now))

    def claims(self) -> ClaimDesk:
        """Reimbursement claims: files stored, read in a child process, checked, handed to staff."""
        return self._once("claims", self._claim_desk)

    def _claim_desk(self) -> ClaimDesk:
        claims = self.settings.claims
        store = ClaimStore(
            self.sessions, self.now, max_files=claims.max_files, max_file_bytes=claims.max_file_mb * MIB,
            max_claim_bytes=claims.max_claim_mb * MIB,
        )  # fmt: skip
        read = partial(
            read_isolated, max_bytes=claims.max_file_mb * MIB, memory_mb=claims.read_memory_mb,
            seconds=claims.read_seconds, ocr=claims.ocr,
        )  # fmt: skip
        zone = ZoneInfo(self.settings.assistant.office_timezone)
        return ClaimDesk(
            store, self.assistant().store, self.outbox(), lambda: catalog_of(self.manifest.catalog_entries()), read,
            zone=zone, audit=self.audit(), max_file_mb=claims.max_file_mb,
            recovery_grace=dt.timedelta(seconds=claims.recovery_grace_seconds),
        )  # fmt: skip

    def limits(self) -> Limits:
        """Rate-limit counters: in this process's memory, or in Redis when ``redis_url`` is set."""
        return self._once("limits", lambda: Limits(self.settings.redis_url or "memory://"))

    def accounts(self) -> StaffAccounts:
        """Console accounts, with the configured session length."""
        hours = self.settings.console.session_hours
        return self._once("accounts", lambda: StaffAccounts(self.sessions, self.now, session_hours=hours))

    def ingest_pipeline(self) -> IngestPipeline:
        """A pipeline writing to this index and manifest."""
        ingest = self.settings.ingest
        config = IngestConfig(
            max_file_bytes=int(ingest.max_file_mb * 1024 * 1024),
            budget=ingest.budget(),
            chunking=ChunkingConfig(max_tokens=ingest.chunk_tokens, overlap_tokens=ingest.chunk_overlap),
        )
        return IngestPipeline(self.index, self.manifest, config, now=self.now)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """One ingest at a time per data directory (embedded Chroma is not multi-process safe) and,
        on PostgreSQL, per index for every process sharing the database (an advisory lock)."""
        path = self.settings.data_dir / ".ingest.lock"
        with path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IngestBusyError(
                    f"another ingest is running on {self.settings.data_dir}; try again when it ends"
                ) from exc
            try:
                with try_advisory_lock(self.engine, f"sportello-ingest:{self.settings.chroma.collection}") as taken:
                    if not taken:
                        raise IngestBusyError("another process is ingesting into this knowledge base; try again later")
                    yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        """Release resources, last built first."""
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedding model (without cache)."""
    config = settings.embedding
    if config.provider == "e5":
        return E5Embedder(batch_size=config.batch_size, threads=config.threads)
    if config.provider == "hashing":
        return HashingEmbedder(dimensions=config.dimensions)
    assert config.base_url is not None  # checked by EmbeddingSettings
    return OpenAICompatibleEmbedder(
        config.base_url,
        config.model,
        config.api_key.get_secret_value(),
        config.dimensions,
        batch_size=config.batch_size,
    )


def build_assistant(
    services: Services,
    llm: LlmComposer | None = None,
    store: ConversationStore | None = None,
    extractive: ExtractiveComposer | None = None,
) -> Assistant:
    """The assistant over these services, with the configured language model if any.

    ``store`` replaces the conversation store (the evaluation keeps its conversations apart);
    ``extractive`` the extractive composer (the line ranker's training records what it reads).
    """
    settings = services.settings
    config = settings.assistant
    assistant_config = AssistantConfig(
        limits=TurnLimits(max_chars=config.max_input_chars),
        thresholds=Thresholds(answer=config.answer_threshold, faq=config.faq_threshold),
        office_hours=OfficeHours(
            timezone=config.office_timezone,
            days=office_day_numbers(config.office_days),
            opens=dt.time.fromisoformat(config.office_opens),
            closes=dt.time.fromisoformat(config.office_closes),
        ),
        policy_topics=tuple(config.policy_topics),
        default_language=config.default_language,
        closing_soon_days=config.closing_soon_days,
    )
    return Assistant(
        store or ConversationStore(services.sessions, services.now),
        services.searcher,
        KnowledgeView(services.index, services.manifest, StaffFaqs(services.sessions, services.now)),
        SemanticRouter(services.embedder),
        config=assistant_config,
        llm=llm or build_llm(settings),
        extractive=extractive,
        now=services.now,
    )


def build_llm(settings: Settings) -> LlmComposer | None:
    """The configured language-model composer, or ``None`` for extractive answers only."""
    llm = settings.llm
    if llm.provider == "none":
        return None
    return LlmComposer(
        LlmConfig(
            base_url=llm.resolved_base_url(),
            model=llm.model,
            api_key=llm.api_key.get_secret_value(),
            timeout_seconds=llm.timeout_seconds,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
            streaming=llm.streaming,
        )
    )


def migrate(engine: Engine, target: str = "head") -> None:
    """Bring the database schema to the latest (or ``target``) Alembic revision."""
    if not MIGRATIONS_DIR.is_dir():
        raise RuntimeError(
            f"Alembic migrations not found at {MIGRATIONS_DIR}; install Sportello from a checkout with "
            "`pip install -e .` (see README)"
        )
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite migrations rebuild tables (batch mode); with foreign keys on, dropping the
            # old table would cascade-delete the rows that point at it. Off while migrating.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            if not sqlite:
                # Several workers may start at once: one migrates, the others wait (released at commit).
                connection.execute(text("SELECT pg_advisory_xact_lock(7716504)"))
            config.attributes["connection"] = connection
            command.upgrade(config, target)
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _pool(settings: Settings) -> dict[str, Any]:
    """Pool options for a server database; SQLite keeps SQLAlchemy's own."""
    if settings.resolved_database_url().startswith("sqlite"):
        return {}
    pool = settings.database
    return {
        "pool_size": pool.pool_size, "max_overflow": pool.max_overflow, "pool_timeout": pool.pool_timeout_seconds,
        "pool_recycle": pool.pool_recycle_seconds, "pool_pre_ping": pool.pre_ping,
    }  # fmt: skip


def webhook_endpoints(settings: Settings) -> list[WebhookEndpoint]:
    """The configured webhook receivers (``SPORTELLO_WEBHOOKS__ENDPOINTS``)."""
    endpoints = []
    for e in settings.webhooks.endpoints:
        events = tuple(cast(list[EventType], e.events)) or EVENT_TYPES
        secret = e.secret.get_secret_value()
        endpoints.append(WebhookEndpoint(e.name, e.url, secret, events, e.personal, e.timeout_seconds))
    return endpoints


def build_services(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    now: Clock | None = None,
    vector_cache: VectorCache | None = None,
) -> Services:
    """Build database, embedder, index and searcher from settings.

    ``embedder`` and ``now`` replace the configured model and the clock (tests, eval);
    ``vector_cache`` lets a throw-away index share another data directory's embedding cache.
    """
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    install_offline_encoding(settings.cache_dir / "tiktoken")

    engine = make_engine(settings.resolved_database_url(), **_pool(settings))
    migrate(engine)
    sessions = session_factory(engine)
    install_webhooks(sessions, webhook_endpoints(settings))
    model = embedder or build_embedder(settings)
    cached = CachedEmbedder(model, vector_cache or SqlVectorCache(sessions))
    client = open_chroma(settings.chroma_dir, settings.chroma.url)
    vectors = VectorIndex(client, settings.chroma.collection, model.name)
    index = KnowledgeIndex(vectors, cached, settings.keyword_dir)
    search = settings.search
    searcher = HybridSearcher(
        index,
        SearchConfig(
            candidates=search.candidates,
            rrf_k=search.rrf_k,
            dense_weight=search.dense_weight,
            keyword_weight=search.keyword_weight,
            expansion_weight=search.expansion_weight,
            max_per_document=search.max_per_document,
            name_weight=search.name_weight,
            max_query_chars=search.max_query_chars,
        ),
        now=clock,
    )
    services = Services(settings, engine, sessions, ManifestStore(sessions), cached, index, searcher, clock)
    services._closers.append(engine.dispose)
    return services
