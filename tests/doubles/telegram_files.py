"""Files users send a bot, kept as the Bot API keeps them (the storage behind ``BotApiDouble``).

A user's document or photo reaches a bot as file ids in the update, with what the sending app
declared; the bot calls ``getFile`` for a ``file_path`` and downloads
``{root}/file/bot<token>/<file_path>``. What the double keeps honest, because a bot can get it
wrong:

- a document carries its ``file_name``, the MIME type the app guessed from that name (never
  from the bytes: a zip named ``.pdf`` is ``application/pdf``) and its ``file_size``;
- a photo is several sizes, smallest first, each a JPEG Telegram re-encoded (a PNG sent as a
  photo arrives as a JPEG); only the largest is the picture the user sent, at most 2560 px;
- a bot may download 20 MB at most: ``getFile`` answers "file is too big" past that;
- Telegram delivers no empty file (its apps refuse to send one).
"""

from __future__ import annotations

import io
import mimetypes
import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
"""What the Bot API lets a bot download (``getFile`` refuses larger files)."""
PHOTO_SIDES = (90, 320, 800)
"""The longest side of the smaller sizes Telegram makes of a photo (``s``, ``m``, ``x``)."""
LARGEST_PHOTO_SIDE = 2560
_KNOWN_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@dataclass(frozen=True)
class StoredFile:
    """One file on Telegram's side."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes

    def as_file(self) -> dict[str, Any]:
        """The ``File`` object ``getFile`` returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class TelegramFiles:
    """The files users sent: looked up by id (``getFile``) and by path (downloads). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add(self, data: bytes, folder: str, suffix: str) -> StoredFile:
        """Keep ``data`` as a new file under ``folder/`` (``documents``, ``photos``)."""
        if not data:
            raise ValueError("Telegram delivers no empty file: its apps refuse to send one")
        with self._lock:
            self._count += 1
            number = self._count
            # Real ids are long opaque strings; these keep the shape and say which file they are.
            stored = StoredFile(
                file_id=f"BQACAgQAAxkBAAI{number:06d}{'x' * 40}", file_unique_id=f"AgAD{number:06d}",
                file_path=f"{folder}/file_{number}{suffix}", data=data,
            )  # fmt: skip
            self._by_id[stored.file_id] = stored
            self._by_path[stored.file_path] = stored
        return stored

    def document(self, data: bytes, file_name: str, mime_type: str | None = None) -> dict[str, Any]:
        """A ``Document`` as the update carries it; the MIME type guessed from the name unless given."""
        suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        stored = self.add(data, "documents", suffix)
        declared = mime_type or _KNOWN_TYPES.get(suffix) or mimetypes.guess_type(file_name)[0]
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "file_size": len(data),
        }
        if declared:
            document["mime_type"] = declared
        return document

    def photo(self, image: bytes) -> list[dict[str, Any]]:
        """The ``PhotoSize`` list of a photo, smallest first, each size a re-encoded JPEG of its own."""
        with Image.open(io.BytesIO(image)) as opened:
            picture = opened.convert("RGB")
        longest = max(picture.size)
        sides = [side for side in PHOTO_SIDES if side < longest] + [min(longest, LARGEST_PHOTO_SIDE)]
        sizes = []
        for side in sides:
            scaled = picture.copy()
            scaled.thumbnail((side, side))
            buffer = io.BytesIO()
            scaled.save(buffer, "JPEG", quality=87)
            stored = self.add(buffer.getvalue(), "photos", ".jpg")
            sizes.append({
                "file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": scaled.width,
                "height": scaled.height, "file_size": len(stored.data),
            })  # fmt: skip
        return sizes

    def by_id(self, file_id: Any) -> StoredFile | None:
        """The file ``getFile`` asks about, if it exists."""
        with self._lock:
            return self._by_id.get(file_id) if isinstance(file_id, str) else None

    def by_path(self, file_path: str) -> StoredFile | None:
        """The file a download asks for, if it exists."""
        with self._lock:
            return self._by_path.get(file_path)

    def data(self, file_id: str) -> bytes:
        """The bytes Telegram keeps for ``file_id`` (what a bot downloading it gets)."""
        stored = self.by_id(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    def path_of(self, file_id: str) -> str:
        """The ``file_path`` of ``file_id``."""
        stored = self.by_id(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.file_path
