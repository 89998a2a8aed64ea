"""A database connection dropped under the pool (PostgreSQL restarted, a failover, an idle
connection cut by a proxy) is replaced before use, not turned into an error for the user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from api.services import Services
from api.settings import DatabaseSettings

pytestmark = pytest.mark.integration


def _cut_every_connection(services: Services) -> int:
    """What a server restart does to the pool's idle connections: each is terminated."""
    with services.engine.connect() as connection:
        cut = connection.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )).scalar()  # fmt: skip
        connection.commit()
    return int(cut or 0)


def _warm_pool(services: Services) -> None:
    """Several connections in the pool, idle, as after some traffic."""
    connections = [services.engine.connect() for _ in range(3)]
    for connection in connections:
        connection.execute(sa.text("SELECT 1"))
    for connection in connections:
        connection.close()


@pytest.mark.parametrize("pre_ping", [True, False])
def test_a_cut_connection_is_replaced_before_use(
    pre_ping: bool, postgres_url: str, make_services: Callable[..., Services], tmp_path: Path
) -> None:
    services = make_services(data_dir=tmp_path / "data", database_url=postgres_url,
                             database=DatabaseSettings(pre_ping=pre_ping))  # fmt: skip
    store = services.assistant().store
    _warm_pool(services)
    assert _cut_every_connection(services) >= 1
    if not pre_ping:  # the test can fail: without the ping, the first use meets the dead connection
        with pytest.raises(OperationalError):
            for _ in range(3):
                store.contact("web", "after-the-cut")
        return
    for n in range(5):  # every pooled connection was cut: each is replaced in turn
        store.start_conversation(store.contact("web", f"after-the-cut-{n}"))
    assert store.find_contact("web", "after-the-cut-4") is not None
