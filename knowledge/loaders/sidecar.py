"""A file's public address and title, stated beside it.

A PDF or DOCX fetched from a website has no front matter to say where it came from, and its
own properties rarely do. A hidden sidecar (``.name.pdf.meta.json`` beside ``name.pdf``,
hidden from the ingest like every dotfile) gives its URL, title, language and kind, so the
answer cites the page the SME can open rather than a path on the server.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from knowledge.documents import KINDS, Document
from knowledge.language import LANGUAGES

MAX_SIDECAR_BYTES = 64 * 1024


def sidecar_path(path: Path) -> Path:
    """Where the sidecar of ``path`` lives."""
    return path.with_name(f".{path.name}.meta.json")


def read_sidecar(path: Path) -> bytes:
    """The sidecar's bytes (empty without one, or one too large to be what we write)."""
    side = sidecar_path(path)
    try:
        if side.stat().st_size > MAX_SIDECAR_BYTES:
            return b""
        return side.read_bytes()
    except OSError:
        return b""


def apply_sidecar(document: Document, raw: bytes) -> Document:
    """``document`` with what its sidecar states (an unreadable sidecar states nothing)."""
    try:
        meta = json.loads(raw) if raw else {}
    except ValueError:
        return document
    if not isinstance(meta, dict):
        return document
    url, title = meta.get("url"), meta.get("title")
    language, kind = meta.get("language"), meta.get("kind")
    return dataclasses.replace(
        document,
        url=url if isinstance(url, str) and url.startswith(("http://", "https://")) else document.url,
        title=title.strip()[:500] if isinstance(title, str) and title.strip() else document.title,
        language=language if language in LANGUAGES else document.language,
        kind=kind if kind in KINDS else document.kind,
    )
