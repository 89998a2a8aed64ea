"""Fixtures shared by the desk's figures tests (analytics, KPIs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from doubles.desk_clock import Clock
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.store import ConversationStore
from knowledge.database import Base, make_engine, session_factory


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """An empty database with every table, on SQLite and on PostgreSQL (skipped when unreachable)."""
    url = (
        f"sqlite:///{tmp_path / 'analytics.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")  # skips when PostgreSQL is not reachable
    )
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(sessions: sessionmaker[Session], clock: Clock) -> ConversationStore:
    return ConversationStore(sessions, now=clock)
