"""Bombs uploaded in the console of a real ``sportello serve``: each refused within seconds with
its limit named, the server's memory (children included) bounded, and a normal upload right
after goes through: no lock is left held, nothing refused is kept."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from doubles.console import csrf_of, login
from doubles.hostile_files import bombs, docx_bytes
from doubles.served import ADMIN, PeakMemory, rss_mib, served

MEMORY_HEADROOM_MIB = 300


@pytest.mark.integration
def test_bombs_are_refused_quickly_with_memory_bounded_then_a_normal_upload_succeeds(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    # Uploads up to 20 MB, so that the 10 MB PDF meets the parse budgets and not the size limit.
    with (
        served(tmp_path, CONSOLE__MAX_UPLOAD_MB="20") as server,
        httpx.Client(base_url=server.url, follow_redirects=True, timeout=120) as client,
    ):
        login(client, ADMIN)
        csrf = csrf_of(client)
        idle = rss_mib(server.process.pid)
        for path, limit in bombs(files):
            started = time.monotonic()
            with PeakMemory(server.process.pid) as memory:
                page = client.post(
                    "/console/knowledge/upload",
                    data={"csrf_token": csrf},
                    files={"file": (path.name, path.read_bytes())},
                )
            took = time.monotonic() - started
            after = rss_mib(server.process.pid)
            print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MB, refused in {took:.1f} s, memory idle "
                  f"{idle:.0f} MiB, peak {memory.peak:.0f} MiB, after {after:.0f} MiB")  # fmt: skip
            assert page.status_code == 200 and "non è stato accettato" in page.text, page.text[:2000]
            assert limit in page.text, (path.name, page.text[:2000])
            assert took < 15, (path.name, took)
            assert memory.peak - idle < MEMORY_HEADROOM_MIB, (path.name, idle, memory.peak)
        normal = docx_bytes("Il Premio Vetrina Tessile accetta candidature fino al 3 marzo.")
        page = client.post(
            "/console/knowledge/upload", data={"csrf_token": csrf},
            files={"file": ("premio-vetrina-tessile.docx", normal)},
        )  # fmt: skip
        assert "Documento caricato e indicizzato." in page.text, page.text[:2000]
        uploads = server.data_dir / "documents"
        kept = sorted(p.name for p in uploads.iterdir() if p.is_file() and not p.name.startswith("."))
        assert kept == ["premio-vetrina-tessile.docx"]  # the hidden file is the uploads' ledger
        assert not any((uploads / ".pending").iterdir())
        token = httpx.post(f"{server.url}/api/sessions", json={"consent": True}, timeout=30).json()["token"]
        answer = httpx.post(
            f"{server.url}/api/messages", json={"text": "Fino a quando si candida al Premio Vetrina Tessile?"},
            headers={"Authorization": f"Bearer {token}"}, timeout=60,
        )  # fmt: skip
        assert "3 marzo" in answer.json()["reply"]["text"], answer.text
