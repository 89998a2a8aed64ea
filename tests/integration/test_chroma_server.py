"""The same index code against a real Chroma server started on 127.0.0.1 (scale-out path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services
from api.settings import ChromaSettings, EmbeddingSettings, Settings
from knowledge.ingest import IngestReport

pytestmark = pytest.mark.integration


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
