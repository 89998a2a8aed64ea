"""The same index code against a real Chroma server started on 127.0.0.1 (scale-out path)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from doubles.network import free_port

from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services
from api.settings import ChromaSettings, EmbeddingSettings, Settings
from knowledge.ingest import IngestReport

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    executable = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [executable, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Chroma server did not start")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_ingest_and_search_through_a_chroma_server(
    chroma_server: str, real_services: tuple[Services, IngestReport], tmp_path: Path
) -> None:
    embedded, _ = real_services
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        embedding=EmbeddingSettings(provider="e5"),
        chroma=ChromaSettings(url=chroma_server, collection="sportello-server-test"),
    )
    # Borrow the session index's embedding cache: same model, same texts, no re-embedding.
    services = build_services(settings, now=embedded.now, vector_cache=embedded.embedder.cache)
    try:
        report = services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR])
        assert report.ok
        assert services.index.vectors.count() == embedded.index.vectors.count()

        query = "Entro quando devo iscrivermi alla missione in Giappone?"
        via_server = services.searcher.search(query, k=3).passages
        in_process = embedded.searcher.search(query, k=3).passages
        assert [p.chunk_id for p in via_server] == [p.chunk_id for p in in_process]
        assert not (settings.data_dir / "chroma").exists()
    finally:
        services.close()
