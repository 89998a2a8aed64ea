"""The Chroma collection holding chunk vectors, text and metadata.

Embedded on disk by default (``PersistentClient``); a Chroma server when a URL is set
(``HttpClient``) — the same code either way. Chroma's own embedding function is never
used (it would download a model): vectors always come from our ``Embedder``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from retrieval.errors import IndexMismatchError

_PAGE = 2000


def open_chroma(path: Path | None = None, url: str | None = None) -> ClientAPI:
    """A Chroma client: a server at ``url`` if given, else embedded at ``path``."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    if path is None:
        raise ValueError("an embedded Chroma needs a path")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


@dataclass(frozen=True)
class VectorHit:
    """One nearest neighbour: cosine similarity, stored text and metadata."""

    chunk_id: str
    similarity: float
    text: str
    metadata: dict[str, Any]


class VectorIndex:
    """Chunks in one Chroma collection, bound to one embedding model."""

    def __init__(self, client: ClientAPI, collection: str, embedder_name: str) -> None:
        self._collection = client.get_or_create_collection(
            collection,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder_name, "generation": "empty"},
        )
        self._client = client
        self._name = collection
        stored = (self._collection.metadata or {}).get("embedder")
        if stored and stored != embedder_name:
            raise IndexMismatchError(
                f"the index {collection!r} was built with {stored!r}, not {embedder_name!r}: "
                "re-ingest into a new data directory or collection"
            )

    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], texts: Sequence[str],
               metadatas: Sequence[dict[str, Any]]) -> None:  # fmt: skip
        """Add or overwrite chunks."""
        for start in range(0, len(ids), _PAGE):
            end = start + _PAGE
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                documents=list(texts[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    def chunk_ids(self, doc_ids: Sequence[str]) -> list[str]:
        """Ids of every chunk of these documents."""
        if not doc_ids:
            return []
        where: Any = {"doc_id": {"$in": list(doc_ids)}}
        return list(self._collection.get(where=where, include=[])["ids"])

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        for start in range(0, len(chunk_ids), _PAGE):
            self._collection.delete(ids=list(chunk_ids[start : start + _PAGE]))

    def query(self, vector: Sequence[float], k: int, among: Sequence[str] | None = None) -> list[VectorHit]:
        """The ``k`` nearest chunks, only ``among`` these ids when given."""
        if k <= 0 or (among is not None and not among):
            return []
        result = self._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=min(k, len(among)) if among is not None else k,
            ids=list(among) if among is not None else None,
            include=["distances", "documents", "metadatas"],
        )
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        documents = (result["documents"] or [[]])[0]
        metadatas = (result["metadatas"] or [[]])[0]
        return [
            VectorHit(chunk_id, 1.0 - float(distance), text or "", dict(metadata or {}))
            for chunk_id, distance, text, metadata in zip(ids, distances, documents, metadatas, strict=True)
        ]

    def fetch(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Text and metadata of chunks by id."""
        if not chunk_ids:
            return {}
        result = self._collection.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        documents = result["documents"] or []
        metadatas = result["metadatas"] or []
        return {
            chunk_id: (text or "", dict(metadata or {}))
            for chunk_id, text, metadata in zip(result["ids"], documents, metadatas, strict=True)
        }

    def scan(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every chunk, page by page (for rebuilding the keyword index)."""
        offset = 0
        while True:
            page = self._collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            documents = page["documents"] or []
            metadatas = page["metadatas"] or []
            for chunk_id, text, metadata in zip(ids, documents, metadatas, strict=True):
                yield chunk_id, text or "", dict(metadata or {})
            offset += len(ids)

    def count(self) -> int:
        """Number of chunks."""
        return int(self._collection.count())

    def generation(self) -> str:
        """Token that changes whenever the content changes (read fresh from Chroma)."""
        collection = self._client.get_collection(self._name, embedding_function=None)
        return str((collection.metadata or {}).get("generation", ""))

    def new_generation(self) -> str:
        """Mark the content as changed; returns the new token."""
        token = uuid.uuid4().hex
        metadata = dict(self._collection.metadata or {})
        metadata["generation"] = token
        self._collection.modify(metadata=metadata)
        return token
