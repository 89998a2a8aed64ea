"""The claims' tables as the migrations build them (0013, 0014), on SQLite and PostgreSQL: the
models and the migrations agree, stored files join their claim on upgrade, and a downgrade never
deletes a claim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text

from api.services import MIGRATIONS_DIR, migrate
from bot.claims.store import ClaimStore
from knowledge.database import Base, make_engine, session_factory

PDF = b"%PDF-1.4 a receipt"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_migration_builds_the_tables_the_models_describe(
    request: pytest.FixtureRequest, tmp_path: Path, database: str
) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert [d for d in differences if "claim" in repr(d)] == []


def test_upgrading_gives_each_stored_file_its_claim_and_downgrading_never_deletes_a_claim(tmp_path: Path) -> None:
    """0014 on a database holding 0013's one claim per conversation: the files join that claim."""
    engine = make_engine(f"sqlite:///{tmp_path / 'claims.db'}")
    try:
        migrate(engine, "0013")
        with engine.begin() as connection:
            now = "2027-07-01 10:00:00"
            connection.execute(text(f"INSERT INTO bot_contacts (id, channel, external_id, created_at) VALUES "
                                    f"(1, 'telegram', '42', '{now}')"))  # fmt: skip
            connection.execute(text(f"INSERT INTO bot_conversations (id, contact_id, started_at, last_message_at) "
                                    f"VALUES (7, 1, '{now}', '{now}')"))  # fmt: skip
            connection.execute(text(f"INSERT INTO claims (id, conversation_id, status, created_at, updated_at) "
                                    f"VALUES (3, 7, 'resolved', '{now}', '{now}')"))  # fmt: skip
            for n in (1, 2):
                connection.execute(text(
                    "INSERT INTO claim_files (conversation_id, channel, idempotency_key, name, media_type, size, "
                    f"sha256, content, uploaded_at) VALUES (7, 'telegram', 'tg:{n}', 'r{n}.pdf', 'application/pdf', "
                    f"3, 'x', X'414243', '{now}')"
                ))  # fmt: skip
        migrate(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT number FROM claims")).scalars().all() == [1]
            assert connection.execute(text("SELECT claim_id FROM claim_files")).scalars().all() == [3, 3]
        sessions = session_factory(engine)
        claims = ClaimStore(sessions, lambda: dt.datetime(2027, 9, 1, tzinfo=dt.UTC))
        file, new = claims.add_file(7, "telegram", "tg:3", name="r3.pdf", media_type="application/pdf", data=PDF)
        later = claims.claim_of(7)
        assert new and later is not None and later.number == 2 and file.claim_id == later.id != 3

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        # 0013 holds one claim per conversation: the downgrade refuses rather than delete a closed claim.
        with pytest.raises(RuntimeError, match="1 claims were opened after an earlier one"), engine.begin() as c:
            config.attributes["connection"] = c
            command.downgrade(config, "0013")
        with engine.begin() as connection:
            connection.execute(text(f"DELETE FROM claims WHERE id = {later.id}"))
            config.attributes["connection"] = connection
            command.downgrade(config, "0013")
        with engine.connect() as connection:  # the first claim, with its files, as 0013 had it
            assert connection.execute(text("SELECT id FROM claims")).scalars().all() == [3]
            assert connection.execute(text("SELECT name FROM claim_files ORDER BY id")).scalars().all() == [
                "r1.pdf", "r2.pdf",
            ]  # fmt: skip
    finally:
        engine.dispose()
