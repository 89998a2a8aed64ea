"""Alembic environment: one metadata for every package's tables.

Run through ``api.services.migrate`` (``sportello init`` and every command), which passes
an open connection; ``alembic`` on the command line works too with ``sqlalchemy.url``
set in a config file or ``SPORTELLO_DATABASE_URL``.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

import bot.claims.store
import bot.conversation.tables
import bot.desk.accounts
import bot.desk.audit
import bot.desk.escalation_notes
import bot.desk.staff_faq
import bot.outbound.alerts
import bot.outbound.outbox
import bot.telegram.held
import bot.telegram.updates  # noqa: F401  (registers the Telegram update log)
import knowledge.store
import knowledge.uploads
import knowledge.web.pages
import knowledge.web.proposals
import knowledge.web.sources  # noqa: F401
import retrieval.embedding_cache  # noqa: F401  (registers the retrieval tables)
from knowledge.database import Base, make_engine

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or os.environ["SPORTELLO_DATABASE_URL"]
    with make_engine(url).connect() as fresh:
        _run(fresh)
        fresh.commit()
