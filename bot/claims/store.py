"""Where claims live: every file an SME sends for its reimbursement, and the claim it belongs to
(a conversation's latest; a file after the staff closed it opens the next), with all of their queries.

A file is stored, bytes and all, with its channel's idempotency key (the widget's client id,
Telegram's file id and message id) and committed before the channel acknowledges it; the
same key again finds the first row. Reading comes after, because OCR takes half a second and
the process may die meanwhile: ``unread`` lists what was stored and never read, for the
recovery loop to read after a crash. The bytes live in the database, not in a folder, so
every process finds them and erasure and retention reach them (``bot.desk.privacy``).

What the staff add stays beside the reading, never over it: a correction of a field is kept
apart and applied on top (``documents``), so the console can show both and a later re-read
does not undo the staff's work; a rejected file stays stored but leaves the checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.claims.documents import ReadDocument
from bot.claims.records import (
    corrected,
    correction_fields,
    correction_values,
    document_from_json,
    document_to_json,
    json_object,
    safe_file_name,
)
from bot.claims.stored import Decision, StoredClaim, StoredClaimFile
from bot.claims.tables import MAX_KEY_CHARS, ClaimFileRow, ClaimRow
from bot.conversation.tables import ConversationRow, storable
from knowledge.database import as_utc, transaction

RefusalCode = Literal["too_many_files", "too_large", "claim_too_large", "empty"]
MIB = 1024 * 1024

MAX_NOTE_CHARS = 20_000
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")


class ClaimFileRefusedError(Exception):
    """A file refused before anything was stored; ``code`` says why, for the channel to word it."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: RefusalCode = code
        self.message = message


class ClaimStore:
    """The claims and their files; every call commits before it returns."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime], *, max_files: int = 30,
        max_file_bytes: int = 10 * MIB, max_claim_bytes: int = 60 * MIB,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._now = now
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes
        self._max_claim_bytes = max_claim_bytes

    # -- files --------------------------------------------------------------------------------

    def add_file(
        self, conversation_id: int, channel: str, key: str, *, name: str, media_type: str, data: bytes
    ) -> tuple[StoredClaimFile, bool]:
        """Store a file sent in the conversation (committed on return) in its current claim, opening
        one when there is none or the staff closed the last one.

        Returns the file and whether it is new: a second delivery under the same ``(channel,
        key)`` stores nothing and returns the first. Raises ``ClaimFileRefusedError`` before
        storing anything when a limit would be passed, ``KeyError`` for an unknown conversation.
        """
        if not key or len(key) > MAX_KEY_CHARS:
            raise ValueError(f"an idempotency key has 1 to {MAX_KEY_CHARS} characters")
        if len(data) > self._max_file_bytes:
            raise ClaimFileRefusedError("too_large", f"{len(data):,} bytes; a file may have {self._max_file_bytes:,}")
        if not data.strip():
            raise ClaimFileRefusedError("empty", "the file is empty")
        values = {
            "conversation_id": conversation_id, "channel": channel, "idempotency_key": key,
            "name": safe_file_name(name), "media_type": _media_type(media_type), "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "content": data, "uploaded_at": self._now(),
        }  # fmt: skip
        for _ in range(3):
            try:
                with self._sessions.begin() as session:
                    return self._add(session, ClaimFileRow(**values))
            except IntegrityError:
                # Another process opened the claim, or stored this very key, between our read and our
                # write: the next attempt finds its row (claims are unique by conversation and number).
                continue
        raise RuntimeError(f"could not store the file {channel}:{key}")

    def _add(self, session: Session, row: ClaimFileRow) -> tuple[StoredClaimFile, bool]:
        now = self._now()
        # A write first, changing nothing: it locks the conversation's claims on PostgreSQL, and takes
        # SQLite's write lock before anything is read, so two deliveries of one conversation's files
        # queue here and the second sees what the first stored (the limits and the key are checked
        # under the lock). The current claim is then read FOR UPDATE: a claim another delivery opened
        # while this one waited was not among the rows locked, and a staff member may be closing it.
        # The first claim of a conversation has no row to lock: two files opening it at once collide
        # on the claims' unique number, and the loser's next attempt finds it.
        session.execute(
            update(ClaimRow)
            .where(ClaimRow.conversation_id == row.conversation_id)
            .values(status=ClaimRow.status)
            .execution_options(synchronize_session=False)
        )
        known = session.scalars(
            select(ClaimFileRow).where(
                ClaimFileRow.channel == row.channel, ClaimFileRow.idempotency_key == row.idempotency_key
            )
        ).first()
        if known is not None:
            return _stored(known), False
        claim = _current_claim(session, row.conversation_id, lock=True)
        if claim is None or claim.status == "resolved":
            if claim is None and session.get(ConversationRow, row.conversation_id) is None:
                raise KeyError(f"no conversation {row.conversation_id}")
            number = 1 if claim is None else claim.number + 1
            claim = ClaimRow(
                conversation_id=row.conversation_id, number=number, status="open", created_at=now, updated_at=now
            )
            session.add(claim)
            session.flush()
        count, total = session.execute(
            select(func.count(ClaimFileRow.id), func.coalesce(func.sum(ClaimFileRow.size), 0)).where(
                ClaimFileRow.claim_id == claim.id
            )
        ).one()
        if count >= self._max_files:
            raise ClaimFileRefusedError("too_many_files", f"a claim may have {self._max_files} files")
        if total + row.size > self._max_claim_bytes:
            raise ClaimFileRefusedError(
                "claim_too_large", f"the claim's files may have {self._max_claim_bytes:,} bytes in all"
            )
        row.claim_id = claim.id
        claim.updated_at = now
        session.add(row)
        session.flush()
        return _stored(row), True

    @property
    def max_files(self) -> int:
        """Files one claim may have."""
        return self._max_files

    @property
    def max_file_bytes(self) -> int:
        """Bytes one file may have."""
        return self._max_file_bytes

    @property
    def max_claim_bytes(self) -> int:
        """Bytes all of a claim's files may have together."""
        return self._max_claim_bytes

    def files(self, claim_id: int | None = None, *, conversation_id: int | None = None) -> list[StoredClaimFile]:
        """The files of a claim, or of all a conversation's claims, in the order they came."""
        if (claim_id is None) == (conversation_id is None):
            raise TypeError("files() takes a claim id or a conversation id")
        with self._sessions() as session:
            query = select(ClaimFileRow).order_by(ClaimFileRow.id)
            if claim_id is not None:
                query = query.where(ClaimFileRow.claim_id == claim_id)
            else:
                query = query.where(ClaimFileRow.conversation_id == conversation_id)
            return [_stored(row) for row in session.scalars(query)]

    def content(self, file_id: int) -> bytes:
        """A file's bytes; ``KeyError`` when it is gone."""
        with self._sessions() as session:
            data = session.scalar(select(ClaimFileRow.content).where(ClaimFileRow.id == file_id))
        if data is None:
            raise KeyError(f"no claim file {file_id}")
        return data

    def unread(
        self, limit: int = 20, *, stored_before: dt.datetime | None = None, conversation_id: int | None = None
    ) -> list[StoredClaimFile]:
        """Files stored but never read, oldest first: what the recovery loop reads after a crash
        (``stored_before``: leave alone what a live request is reading right now).

        A file the reader refuses, or that kills it, must still be recorded (an ``unreadable``
        reading with the reason in ``problems``), or it would come back here every time.
        """
        with self._sessions() as session:
            query = select(ClaimFileRow).where(ClaimFileRow.read_at.is_(None))
            if stored_before is not None:
                query = query.where(ClaimFileRow.uploaded_at < stored_before)
            if conversation_id is not None:
                query = query.where(ClaimFileRow.conversation_id == conversation_id)
            return [_stored(row) for row in session.scalars(query.order_by(ClaimFileRow.id).limit(limit))]

    def record_reading(
        self, file_id: int, document: ReadDocument, *, first: bool = False, within: Session | None = None
    ) -> bool:
        """Keep what was read from the file (replacing an earlier reading, never the staff's
        corrections); ``False`` when the file is gone meanwhile (erased, purged) or, with
        ``first``, already read (by another process: only one records it, and says so once)."""
        reading = document_to_json(document)
        query = update(ClaimFileRow).where(ClaimFileRow.id == file_id)
        if first:
            query = query.where(ClaimFileRow.read_at.is_(None))
        with transaction(self._sessions, within) as session:
            result = session.execute(
                query.values(read_json=storable(reading, len(reading)), read_at=self._now()).execution_options(
                    synchronize_session=False
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- the staff's work on a file -----------------------------------------------------------

    def correct(self, file_id: int, fields: dict[str, Any], by: str) -> StoredClaimFile:
        """Correct fields of the file's reading (added to earlier corrections; ``None`` says the
        field is absent). ``ValueError`` for a field that cannot be corrected or a wrong value."""
        checked = correction_fields(fields)
        with self._sessions.begin() as session:
            row = _file(session, file_id)
            earlier = json_object(row.correction_json) or {}
            merged = {**earlier.get("fields", {}), **checked}
            row.correction_json = json.dumps(
                {"fields": merged, "by": storable(by, 200), "at": self._now().isoformat()}, ensure_ascii=False
            )
            return _stored(row)

    def decide(self, file_id: int, decision: Decision | None, by: str) -> StoredClaimFile:
        """Accept or reject the file for the claim (``None`` withdraws the decision); a rejected
        file stays stored, for the record, but leaves the checks."""
        if decision not in ("accepted", "rejected", None):
            raise ValueError(f"unknown decision {decision!r}")
        with self._sessions.begin() as session:
            row = _file(session, file_id)
            row.decision = decision
            row.decided_by = None if decision is None else storable(by, 200)
            row.decided_at = None if decision is None else self._now()
            return _stored(row)

    def documents(self, claim_id: int) -> list[ReadDocument]:
        """What the checks take: each read file's reading with the staff's corrections on top, in
        the order the files came; rejected files are left out, and so are unread ones (wait for
        ``unread`` to be empty before reviewing, or a document would look missing)."""
        return documents_of(self.files(claim_id))

    # -- the claim ----------------------------------------------------------------------------

    def claim_of(self, conversation_id: int) -> StoredClaim | None:
        """The conversation's current claim (its latest), if a file was ever sent in it."""
        with self._sessions() as session:
            row = _current_claim(session, conversation_id)
            return None if row is None else _claim(row)

    def claims_of(self, conversation_id: int) -> list[StoredClaim]:
        """All the conversation's claims, first to latest."""
        with self._sessions() as session:
            query = select(ClaimRow).where(ClaimRow.conversation_id == conversation_id).order_by(ClaimRow.number)
            return [_claim(row) for row in session.scalars(query)]

    def claim(self, claim_id: int) -> StoredClaim | None:
        """The claim, if it (still) exists."""
        with self._sessions() as session:
            row = session.get(ClaimRow, claim_id)
            return None if row is None else _claim(row)

    def open_claims(self) -> list[StoredClaim]:
        """Claims not resolved yet, oldest first: the staff's queue."""
        with self._sessions() as session:
            query = select(ClaimRow).where(ClaimRow.status != "resolved").order_by(ClaimRow.id)
            return [_claim(row) for row in session.scalars(query)]

    def resolved_claims(self, limit: int = 200) -> list[StoredClaim]:
        """Claims the staff closed, latest first."""
        with self._sessions() as session:
            query = select(ClaimRow).where(ClaimRow.status == "resolved")
            rows = session.scalars(query.order_by(ClaimRow.updated_at.desc(), ClaimRow.id.desc()).limit(limit))
            return [_claim(row) for row in rows]

    def set_mission(self, claim_id: int, mission_id: str) -> StoredClaim:
        """Say which catalog mission the claim is for."""
        if not mission_id or len(mission_id) > 80:
            raise ValueError(f"not a catalog entry id: {mission_id!r}")
        return self._change(claim_id, None, mission_id=mission_id)

    def submit(self, claim_id: int, *, within: Session | None = None) -> StoredClaim:
        """The SME says the claim is complete; the first submission's time is the claim's date."""
        with transaction(self._sessions, within) as session:
            row = _claim_row(session, claim_id)
            if row.status == "resolved":
                raise ValueError(f"claim {claim_id} is resolved")
            now = self._now()
            row.status, row.updated_at = "submitted", now
            row.submitted_at = row.submitted_at or now
            return _claim(row)

    def resolve(self, claim_id: int, by: str, note: str, *, within: Session | None = None) -> StoredClaim:
        """The staff close the claim, saying how it ended."""
        return self._change(
            claim_id, within, status="resolved", resolved_by=storable(by, 200),
            outcome_note=storable(note, MAX_NOTE_CHARS),
        )  # fmt: skip

    def _change(self, claim_id: int, within: Session | None, **values: Any) -> StoredClaim:
        with transaction(self._sessions, within) as session:
            row = _claim_row(session, claim_id)
            for name, value in {**values, "updated_at": self._now()}.items():
                setattr(row, name, value)
            return _claim(row)


def documents_of(files: Sequence[StoredClaimFile]) -> list[ReadDocument]:
    """``ClaimStore.documents`` of files already loaded."""
    return [
        file.reading if file.correction is None else corrected(file.reading, file.correction)
        for file in files
        if file.reading is not None and file.decision != "rejected"
    ]


def _current_claim(session: Session, conversation_id: int, *, lock: bool = False) -> ClaimRow | None:
    query = select(ClaimRow).where(ClaimRow.conversation_id == conversation_id).order_by(ClaimRow.number.desc())
    if lock:
        query = query.with_for_update()
    return session.scalars(query.limit(1)).first()


def _claim_row(session: Session, claim_id: int) -> ClaimRow:
    row = session.get(ClaimRow, claim_id, with_for_update=True)
    if row is None:
        raise KeyError(f"no claim {claim_id}")
    return row


def _file(session: Session, file_id: int) -> ClaimFileRow:
    row = session.get(ClaimFileRow, file_id, with_for_update=True)
    if row is None:
        raise KeyError(f"no claim file {file_id}")
    return row


def _media_type(declared: str) -> str:
    """The declared media type if it looks like one (it is shown and sent back), else the generic one."""
    value = declared.split(";", 1)[0].strip().lower()
    return value if _MEDIA_TYPE.match(value) else "application/octet-stream"


def _stored(row: ClaimFileRow) -> StoredClaimFile:
    correction = json_object(row.correction_json)
    return StoredClaimFile(
        id=row.id, conversation_id=row.conversation_id, claim_id=row.claim_id, channel=row.channel, name=row.name,
        media_type=row.media_type, size=row.size, sha256=row.sha256, uploaded_at=as_utc(row.uploaded_at),
        reading=None if row.read_json is None else document_from_json(row.read_json),
        read_at=None if row.read_at is None else as_utc(row.read_at),
        correction=None if correction is None else correction_values(correction["fields"]),
        corrected_by=None if correction is None else correction.get("by"),
        decision=row.decision if row.decision in ("accepted", "rejected") else None,  # type: ignore[arg-type]
        decided_by=row.decided_by, decided_at=None if row.decided_at is None else as_utc(row.decided_at),
    )  # fmt: skip


def _claim(row: ClaimRow) -> StoredClaim:
    return StoredClaim(
        id=row.id, conversation_id=row.conversation_id, number=row.number, mission_id=row.mission_id,
        status=row.status,  # type: ignore[arg-type]
        submitted_at=None if row.submitted_at is None else as_utc(row.submitted_at),
        created_at=as_utc(row.created_at), updated_at=as_utc(row.updated_at), resolved_by=row.resolved_by,
        outcome_note=row.outcome_note,
    )  # fmt: skip
