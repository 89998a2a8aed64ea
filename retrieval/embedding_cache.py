"""Passage vectors stored in the database by model and text hash (see ``CachedEmbedder``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy import DateTime, LargeBinary, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base


class CachedVector(Base):
    """One passage vector (float32 bytes)."""

    __tablename__ = "retrieval_embedding_cache"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SqlVectorCache:
    """``VectorCache`` on SQLite or PostgreSQL."""

    _BATCH = 500

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, list[float]]:
        """Vectors found for ``keys``."""
        found: dict[str, list[float]] = {}
        unique = list(dict.fromkeys(keys))
        with self._sessions() as session:
            for start in range(0, len(unique), self._BATCH):
                batch = unique[start : start + self._BATCH]
                rows = session.execute(
                    select(CachedVector.text_hash, CachedVector.vector).where(
                        CachedVector.model == model, CachedVector.text_hash.in_(batch)
                    )
                ).all()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def put_many(self, model: str, items: dict[str, list[float]]) -> None:
        """Store vectors; a key already present is left as it is."""
        if not items:
            return
        now = dt.datetime.now(dt.UTC)
        rows = [
            {"model": model, "text_hash": key, "vector": np.asarray(vec, dtype=np.float32).tobytes(), "created_at": now}
            for key, vec in items.items()
        ]
        with self._sessions.begin() as session:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            for start in range(0, len(rows), self._BATCH):
                statement = insert(CachedVector).values(rows[start : start + self._BATCH])
                session.execute(statement.on_conflict_do_nothing())
