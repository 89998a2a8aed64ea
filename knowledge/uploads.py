"""Documents uploaded in the console, kept in the database so that every process finds them.

A process ingests files from a folder (``SPORTELLO_CONSOLE__UPLOAD_DIR``). With several
processes, or several machines, an upload received by one must be in every other's folder
before that one re-ingests, or its ingest would not know the file. The database is the one
place they all share, so an upload is stored here first and each process writes the stored
uploads into its own folder before it ingests (``materialise``). The folder must have the
same path on every process: a document's identity is its path (``knowledge.documents``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Integer, LargeBinary, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc

LEDGER = ".sportello-uploads.json"


class UploadRow(Base):
    __tablename__ = "knowledge_uploads"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class StoredUpload:
    """One upload, without its bytes."""

    name: str
    sha256: str
    size: int
    uploaded_by: str | None
    uploaded_at: dt.datetime


class UploadStore:
    """The uploaded documents: one row per file name (an upload of the same name replaces it)."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    def put(self, name: str, data: bytes, uploaded_by: str | None = None) -> None:
        """Store ``data`` as ``name`` (committed on return), replacing an upload of that name."""
        values = {
            "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "content": data,
            "uploaded_by": uploaded_by, "uploaded_at": self._now(),
        }  # fmt: skip
        for _ in range(2):  # two processes storing a new name at once: one inserts, the other updates
            try:
                with self._sessions.begin() as session:
                    row = session.get(UploadRow, name)
                    if row is None:
                        session.add(UploadRow(name=name, **values))
                    else:
                        for key, value in values.items():
                            setattr(row, key, value)
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not store the upload {name!r}")

    def listing(self) -> list[StoredUpload]:
        """Every upload, by name."""
        columns = (UploadRow.name, UploadRow.sha256, UploadRow.size, UploadRow.uploaded_by, UploadRow.uploaded_at)
        with self._sessions() as session:
            rows = session.execute(select(*columns).order_by(UploadRow.name)).all()
        return [StoredUpload(name, sha, size, by, as_utc(at)) for name, sha, size, by, at in rows]

    def materialise(self, folder: Path) -> list[str]:
        """Write into ``folder`` every stored upload it lacks, or holds in a version this method
        wrote before (one file at a time: memory holds one); returns the names written.

        The folder remembers which versions came from the database (``.sportello-uploads.json``,
        hidden from ingest like every dotfile), so what an admin does there by hand stands: a
        file changed by hand stays as it is, and a file deleted by hand is forgotten here too
        (unless a newer version was uploaded since). Files the console never stored are left alone.
        """
        written = []
        ledger_path = folder / LEDGER
        ledger = read_ledger(ledger_path)
        before = dict(ledger)
        for upload in self.listing():
            if Path(upload.name).name != upload.name or upload.name.startswith("."):
                continue  # never a path: the console stores plain file names
            target = folder / upload.name
            local = _sha256(target) if target.is_file() else None
            if local is None and ledger.get(upload.name) == upload.sha256:
                self._forget(upload.name, upload.sha256)  # deleted by hand after it was written here
                del ledger[upload.name]
                continue
            if local is not None and local != upload.sha256 and local != ledger.get(upload.name):
                continue  # edited by hand since it was written here
            if local != upload.sha256:
                with self._sessions() as session:
                    data = session.scalar(select(UploadRow.content).where(UploadRow.name == upload.name))
                if data is None:
                    continue  # gone meanwhile
                folder.mkdir(parents=True, exist_ok=True)
                write_atomically(target, data)
                written.append(upload.name)
            ledger[upload.name] = upload.sha256
        if ledger != before:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(ledger_path, json.dumps(ledger, sort_keys=True).encode())
        return written

    def _forget(self, name: str, sha256: str) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(UploadRow).where(UploadRow.name == name, UploadRow.sha256 == sha256))


def read_ledger(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(target: Path, data: bytes) -> None:
    """A reader (an ingest of another process on a shared folder) sees the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
