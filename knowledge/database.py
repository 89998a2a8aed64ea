"""The one SQLAlchemy declarative base and engine factory every package's tables share.

It lives in the lowest layer because every package may own tables and none may import
upwards. SQLite (the default) gets WAL mode and foreign keys on every connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base of all Sportello tables (one metadata for Alembic)."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, a busy timeout and foreign keys."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL keeps every commit atomic and survives a crash of the process; only an
    # operating-system crash or power cut may lose the last commits. FULL would fsync each of a
    # chat turn's commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextlib.contextmanager
def try_advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    """On PostgreSQL, a session-level advisory lock on ``name``, held on one connection for the
    block; yields whether it was taken (never waits). Elsewhere yields ``True``: SQLite lives in one
    data directory, whose file lock is the caller's."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with engine.connect() as connection:
        taken = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        try:
            yield taken
        finally:
            if taken:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def session_factory(engine: Engine) -> sessionmaker[Any]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; every time Sportello stores is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@contextlib.contextmanager
def transaction(sessions: sessionmaker[Session], within: Session | None = None) -> Iterator[Session]:
    """A transaction of its own, committed on exit — or, ``within`` an enclosing one, that one
    (committed by its owner): how several stores write one state change atomically."""
    if within is not None:
        yield within
        return
    with sessions.begin() as session:
        yield session
