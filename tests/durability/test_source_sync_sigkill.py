"""A web source synced on schedule by a real ``sportello serve``, SIGKILLed mid-sync: the next
process takes the source over at once (its holder is dead on this host), keeps what the dead
one stored, and publishes every page once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
from doubles.fake_site import BANDO_EXPORT, BANDO_FIERE, HOME, NEWS, Route, cluster_site
from doubles.network import free_port
from doubles.processes import PROJECT_ROOT, SportelloProcess, sportello_env


def _rows(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(query).fetchall()


def test_a_sync_killed_mid_way_is_finished_by_the_next_process(tmp_path: Path) -> None:
    with cluster_site() as site:
        slow = site.routes[NEWS]
        assert isinstance(slow, Route)
        site.routes[NEWS] = dataclasses.replace(slow, delay=30.0)  # the sync hangs here until killed
        port = free_port()
        env = sportello_env(
            tmp_path / "data", WEB__PORT=str(port), SOURCES__ALLOW_NETWORKS='["127.0.0.0/8"]',
            SOURCES__HOST_INTERVAL_SECONDS="0", SOURCES__CHECK_SECONDS="0.2", SOURCES__TIMEOUT_SECONDS="60",
        )  # fmt: skip
        added = subprocess.run(
            [sys.executable, "-m", "api.cli", "sources", "add", site.url(HOME), "--no-sync"],
            env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stdout + added.stderr
        url = f"http://127.0.0.1:{port}"
        serve = SportelloProcess(
            ["serve"], env, tmp_path / "serve.log", lambda: httpx.get(f"{url}/readyz", timeout=1).status_code == 200
        )
        database = tmp_path / "data" / "sportello.db"
        serve.start()
        try:
            site.wait_for(lambda: bool(site.hits(NEWS)), timeout=60)
            with serve.killed():
                stored = {row[0] for row in _rows(database, "SELECT url FROM web_pages")}
                holder = _rows(database, "SELECT leased_by, leased_until FROM web_sources")[0]
            assert holder[0] is not None  # the dead process still holds the lease (for two hours)
            assert site.url(BANDO_EXPORT) in stored or site.url(BANDO_FIERE) in stored

            site.routes[NEWS] = slow
            serve.start()
            site.wait_for(lambda: bool(_rows(database, "SELECT id FROM web_sync_runs WHERE outcome = 'ok'")), 60)
        finally:
            serve.kill()

    pages = _rows(database, "SELECT url, file_name FROM web_pages")
    assert len(pages) == len({url for url, _ in pages}) == 6  # five pages and the PDF, once each
    names = {str(name) for _, name in pages}
    origins = [str(row[0]) for row in _rows(database, "SELECT origin FROM knowledge_source_files")]
    assert names <= {Path(origin).relative_to(tmp_path / "data" / "web").as_posix() for origin in origins
                     if "/web/" in origin}  # fmt: skip
    started = dt.datetime.fromisoformat(str(_rows(database, "SELECT started_at FROM web_sync_runs ORDER BY id")[0][0]))
    lease_end = dt.datetime.fromisoformat(str(holder[1]))
    assert started < lease_end  # taken over at once, not after the dead holder's lease
