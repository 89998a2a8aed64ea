"""Shared fixtures: a fixed clock, throw-away services with the fake embedder, and the
session-wide real index of the sample knowledge base (built once: the real model
embeds about 1,000 tokens a second here)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from doubles.network import free_port
from doubles.sample import SAMPLE_TODAY, fake_settings
from doubles.smtp import Inbox, start_smtp

from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services
from api.settings import ChromaSettings, EmbeddingSettings, Settings
from knowledge.ingest import IngestReport


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's SPORTELLO_* variables, .env or home data directory."""
    for name in list(os.environ):
        if name.startswith("SPORTELLO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.getbasetemp() / "xdg-data"))


@pytest.fixture
def make_services(tmp_path: Path) -> Iterator[Callable[..., Services]]:
    """Build services on a fresh data directory (fake embedder, fixed clock); closed after the test."""
    built: list[Services] = []

    def factory(data_dir: Path | None = None, **overrides: object) -> Services:
        services = build_services(fake_settings(data_dir or tmp_path / "data", **overrides), now=lambda: SAMPLE_TODAY)
        built.append(services)
        return services

    yield factory
    for services in built:
        services.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives, and its port."""
    port = free_port()
    controller, inbox = start_smtp(port)
    yield inbox, port
    controller.stop()


REDIS_URL = os.environ.get("SPORTELLO_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """Redis database 15, emptied before and after one test; skipped when no Redis answers."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="session")
def real_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, IngestReport]]:
    """The sample knowledge base ingested once with the real model, Chroma and SQLite."""
    data_dir = tmp_path_factory.mktemp("real-index")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=None,
        embedding=EmbeddingSettings(provider="e5"),
        chroma=ChromaSettings(),
    )
    services = build_services(settings, now=lambda: SAMPLE_TODAY)
    report = services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR])
    yield services, report
    services.close()


POSTGRES_ADMIN = os.environ.get("SPORTELLO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards; skipped when none answers."""
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN}")
    name = f"sportello_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def sample_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The sample knowledge base behind the fake embedder (fast), SQLite and embedded Chroma, fixed clock.

    Shared by the assistant's tests: each test starts its own conversations.
    """
    services = build_services(fake_settings(tmp_path_factory.mktemp("sample")), now=lambda: SAMPLE_TODAY)
    report = services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR])
    assert report.ok
    yield services
    services.close()
