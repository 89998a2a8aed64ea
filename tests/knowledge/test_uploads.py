"""Uploads kept in the database and written into any process's folder before it ingests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from api.services import Services
from knowledge.uploads import UploadStore


def test_an_upload_is_stored_replaced_and_written_where_it_is_missing_or_old(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    store = make_services().uploads()
    store.put("bando.md", b"# Bando\n\nScade il 3 marzo.", "staff@cluster.example.eu")
    store.put("faq.md", b"# FAQ\n\nRisposte.")
    folder = tmp_path / "other-process"
    assert store.materialise(folder) == ["bando.md", "faq.md"]
    assert (folder / "bando.md").read_bytes() == b"# Bando\n\nScade il 3 marzo."
    assert store.materialise(folder) == []  # up to date: nothing is written again

    store.put("bando.md", b"# Bando\n\nScade il 10 marzo.")  # a new version, from another process
    store.put("faq.md", b"# FAQ\n\nAltre risposte.")
    (folder / "faq.md").write_text("# FAQ corretta a mano")  # the admin's edit in this folder
    (folder / "hand-copied.md").write_text("# A mano")
    assert store.materialise(folder) == ["bando.md"]
    assert (folder / "bando.md").read_bytes() == b"# Bando\n\nScade il 10 marzo."
    assert (folder / "faq.md").read_text() == "# FAQ corretta a mano"  # an edit by hand is kept
    assert (folder / "hand-copied.md").exists()  # never stored by the console: left alone
    assert [u.name for u in store.listing()] == ["bando.md", "faq.md"]
    assert store.listing()[0].uploaded_by is None  # the replacing upload named nobody
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [".sportello-uploads.json"]

    (folder / "bando.md").unlink()  # the admin removes the call by hand: it stays removed
    assert store.materialise(folder) == []
    assert not (folder / "bando.md").exists() and [u.name for u in store.listing()] == ["faq.md"]
    store.put("bando.md", b"# Bando 2027")  # uploaded again later: back
    assert store.materialise(folder) == ["bando.md"]


def test_hostile_names_and_bytes_are_stored_as_data(make_services: Callable[..., Services], tmp_path: Path) -> None:
    store = make_services().uploads()
    name = "x'); DROP TABLE knowledge_uploads; --.md"
    store.put(name, b"\x00\xff binary \x00")
    for path in ("../../escaped.md", "/etc/sportello.md", ".hidden.md"):  # never written outside, or hidden
        store.put(path, b"# no")
    root = tmp_path / "root"
    folder = root / "uploads"
    assert store.materialise(folder) == [name]
    assert (folder / name).read_bytes() == b"\x00\xff binary \x00"
    assert sorted(p.name for p in root.rglob("*") if p.is_file()) == [".sportello-uploads.json", name]


@pytest.mark.integration
def test_two_processes_storing_one_new_name_at_once_keep_one_row(
    postgres_url: str, make_services: Callable[..., Services], tmp_path: Path
) -> None:
    stores = [make_services(data_dir=tmp_path / name, database_url=postgres_url).uploads() for name in "ab"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def put(store: UploadStore, data: bytes) -> None:
        barrier.wait()
        try:
            store.put("nuovo.md", data)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(store, f"v{n}".encode())) for n, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    listing = stores[0].listing()
    assert [u.name for u in listing] == ["nuovo.md"] and listing[0].size == 2
