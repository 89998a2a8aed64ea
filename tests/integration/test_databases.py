"""Migrations and stores on SQLite, and on PostgreSQL when one is reachable on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from api.services import MIGRATIONS_DIR, Services, migrate
from knowledge.database import make_engine

pytestmark = pytest.mark.integration

TABLES = {"knowledge_source_files", "knowledge_documents", "knowledge_sync_runs", "retrieval_embedding_cache"}


def test_sqlite_migrations_go_up_and_down(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate(engine)  # and back up again
    engine.dispose()


def test_postgresql_runs_the_same_ingest_and_search(
    postgres_url: str, make_services: Callable[..., Services], tmp_path: Path
) -> None:
    kb = tmp_path / "kb"
    for part in range(6):  # a path well over a thousand characters
        kb = kb / (f"cartella-{part}-" + "x" * 200)
    kb.mkdir(parents=True)
    assert len(str(kb)) > 1200
    (kb / "faq.md").write_text("# FAQ\n\n## Rimborso\nIl rimborso arriva entro 90 giorni.\n", encoding="utf-8")
    services = make_services(database_url=postgres_url)
    assert services.engine.dialect.name == "postgresql"
    assert set(inspect(services.engine).get_table_names()) >= TABLES

    first = services.ingest_pipeline().run([kb])
    second = services.ingest_pipeline().run([kb])

    assert first.counts()["added"] == 1
    assert second.counts()["unchanged"] == 1
    assert services.embedder.misses == 1  # the second run re-embedded nothing
    assert services.searcher.search("rimborso", k=1).passages[0].source.endswith("faq.md")
    last = services.manifest.last_run()
    assert last is not None and last.report["counts"]["unchanged"] == 1  # type: ignore[index]


def test_upgrading_sqlite_keeps_the_manifest(make_services: Callable[..., Services], tmp_path: Path) -> None:
    """Batch migrations rebuild tables; rows must survive (foreign keys are off while migrating)."""
    from knowledge.database import Base  # noqa: F401

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO knowledge_source_files (origin, file_hash, size, ingested_at) "
                "VALUES ('/kb/faq.md', 'h', 10, '2026-11-21 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO knowledge_documents (doc_id, origin, source, title, kind, language, content_hash, "
                "chunk_count, ingested_at) VALUES ('d1', '/kb/faq.md', '/kb/faq.md', 'FAQ', 'faq', 'it', 'c', 3, "
                "'2026-11-21 10:00:00')"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM knowledge_documents")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
