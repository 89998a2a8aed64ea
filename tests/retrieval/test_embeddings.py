"""Embedders: the fake's determinism, the cache, and the OpenAI-compatible client against a local double."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from knowledge.database import Base, make_engine, session_factory
from retrieval.embedding_cache import SqlVectorCache
from retrieval.embeddings import CachedEmbedder, HashingEmbedder, OpenAICompatibleEmbedder


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder(dimensions=64)
    first, again = embedder.embed_query("rimborso volo"), HashingEmbedder(dimensions=64).embed_query("rimborso volo")
    assert first == again
    assert abs(sum(v * v for v in first) - 1.0) < 1e-9


def test_hashing_embedder_puts_shared_words_closer() -> None:
    embedder = HashingEmbedder()
    query = embedder.embed_query("rimborso del volo")
    near, far = embedder.embed_documents(["il rimborso del volo è al 50%", "orari dello sportello"])
    assert sum(a * b for a, b in zip(query, near, strict=True)) > sum(a * b for a, b in zip(query, far, strict=True))


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(dimensions=32)
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return super().embed_documents(texts)


def test_cached_embedder_embeds_each_text_once(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cache.db'}")
    Base.metadata.create_all(engine)
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, SqlVectorCache(session_factory(engine)))

    first = cached.embed_documents(["a", "b", "a"])
    second = cached.embed_documents(["b", "c"])

    assert inner.embedded == ["a", "b", "c"]
    assert first[0] == first[2] == pytest.approx(inner.embed_query("a"), abs=1e-6)
    assert second[0] == pytest.approx(first[1], abs=1e-6)
    assert (cached.hits, cached.misses) == (2, 3)


class _EmbeddingsDouble(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible /v1/embeddings server (loopback only)."""

    requests: list[dict[str, Any]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]} for i, t in enumerate(inputs)
        ]
        payload = json.dumps({"object": "list", "data": data, "model": body["model"], "usage": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def embeddings_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmbeddingsDouble)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_compatible_embedder_sends_raw_text(embeddings_server: str) -> None:
    _EmbeddingsDouble.requests.clear()
    embedder = OpenAICompatibleEmbedder(embeddings_server, "e5-small", "secret", dimensions=3)

    vectors = embedder.embed_documents(["ciao", "rimborso"])
    query = embedder.embed_query("volo")

    assert [v[0] for v in vectors] == [4.0, 8.0]
    assert query[0] == 4.0
    sent = _EmbeddingsDouble.requests[0]
    assert sent["path"] == "/v1/embeddings"
    assert sent["input"] == ["ciao", "rimborso"]  # strings, not token ids
    assert sent["auth"] == "Bearer secret"
    assert embedder.name == "openai-compatible/e5-small"
