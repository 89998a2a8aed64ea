"""The widget's reimbursement claim: files sent one per request, the checklist, the submission
(contract: docs/web.md, "Claims"). Every step goes through ``bot.claims.desk.ClaimDesk``.

A file is the raw request body, one file per request: its name and the widget's client id in the
query, its declared media type in ``Content-Type``. Raw rather than multipart, on purpose: no
parser stands between the socket and the count, so the bytes counted are the file's own, and
the route stops reading (413) the moment they pass ``claims.max_file_mb``, never holding more.

The order is the chat's: the file is stored under ``web:<client_id>`` and committed before
anything is acknowledged, then read in a worker thread (the reader runs in a child process),
and the desk stores its message to the SME with the reading. A resend with the same client id
gets the stored file and its message back (200), never a second file. A process that dies
between the two leaves the file for ``sportello serve``'s recovery loop, whose message reaches
the widget through ``GET /api/events``.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.limits import per_minute
from api.web.chat import (
    CHANNEL,
    CLIENT_ID_PATTERN,
    ConversationDep,
    StateDep,
    WebState,
    check_limit,
    conversation_language,
    limit_ip,
    message_json,
)
from api.web.protection import API_RESPONSES, error_body
from bot.claims.desk import ClaimDesk, Told
from bot.claims.store import MIB, ClaimFileRefusedError
from bot.claims.stored import StoredClaimFile
from bot.conversation.phrases import say

router = APIRouter(prefix="/api/claim", tags=["claims"], responses=API_RESPONSES)

FILE_TYPES = (".pdf", ".docx", ".jpg", ".jpeg", ".png")
"""What the widget offers to send; the reader decides what a file is from its bytes, not from this."""
MAX_NAME_QUERY = 1000
"""A file name as sent (the store keeps its last path part, cleaned, in 200 characters)."""
MEDIA_TYPES = (
    "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/jpeg",
    "image/png", "application/octet-stream",
)  # fmt: skip
"""As the schema lists them; any other ``Content-Type`` is taken too (and stored as what was declared)."""
_BINARY = {"schema": {"type": "string", "format": "binary"}}


class ClaimStep(BaseModel):
    client_id: str = Field(
        pattern=CLIENT_ID_PATTERN, description="The widget's id for this press: a resend gets the stored message."
    )


class MissionChoice(ClaimStep):
    mission_id: str = Field(min_length=1, max_length=80, description="One of the missions the desk offered.")


def claim_desk(state: StateDep) -> ClaimDesk:
    return state.services.claims()


DeskDep = Annotated[ClaimDesk, Depends(claim_desk)]


def limit_uploads(state: StateDep, conversation: ConversationDep) -> None:
    """Files one session may send a minute (``claims.uploads_per_minute``), counted before the body is read."""
    check_limit(state, per_minute(state.services.settings.claims.uploads_per_minute), "claim-upload", str(conversation))


def limit_session(state: StateDep, conversation: ConversationDep) -> None:
    """A claim's steps count against the session's messages, as a chat message does."""
    check_limit(state, state.session_limit, "session", str(conversation))


@router.post(
    "/files", status_code=201, dependencies=[Depends(limit_ip), Depends(limit_uploads)],
    responses={
        200: {"description": "Sent before (same client_id): the stored file and its message."},
    },
    openapi_extra={"requestBody": {"required": True, "content": dict.fromkeys(MEDIA_TYPES, _BINARY)}},
)  # fmt: skip
async def upload_file(
    request: Request, response: Response, state: StateDep, desk: DeskDep, conversation: ConversationDep, *,
    name: Annotated[str, Query(min_length=1, max_length=MAX_NAME_QUERY, description="The file's name.")],
    client_id: Annotated[str, Query(pattern=CLIENT_ID_PATTERN, description="The widget's id for this file.")],
) -> dict[str, Any]:  # fmt: skip
    """One file of the claim, as the raw body: stored, then read, with what was read said back.

    201 with the file and the desk's message (what the file was read as, or why it could not
    be); 200 for a resend of the same ``client_id``; 413 past ``claims.max_file_mb``; 422 for
    an empty file or one past the claim's limits, with the SME-facing reason, nothing stored;
    """
    language = await run_in_threadpool(conversation_language, state, conversation)
    data = await _body(request, desk, language)
    if not data:
        raise _refused(desk, ClaimFileRefusedError("empty", "the file is empty"), language)
    key = file_key(conversation, client_id)
    media_type = request.headers.get("content-type") or "application/octet-stream"
    receive = partial(desk.receive, conversation, CHANNEL, key, name=name, media_type=media_type, data=data)
    try:
        file, new = await run_in_threadpool(receive)  # committed: from here on, the file is the desk's
    except ClaimFileRefusedError as exc:
        raise _refused(desk, exc, language) from exc
    except KeyError as exc:  # the conversation was erased meanwhile
        raise _gone() from exc
    told = await run_in_threadpool(desk.read, file)  # seconds: a child process reads it
    if told is None:
        raise _gone()
    response.status_code = 201 if new else 200
    return {
        "file": {
            "id": file.id,
            "name": file.name,
            "size": file.size,
            "claim_id": file.claim_id,
            "usable": await run_in_threadpool(_usable_now, desk, conversation, file.id),
        },
        "message": await run_in_threadpool(_stored_message, state, conversation, told.message_id),
        "actions": _actions(told.actions, told.language),
    }


@router.post("/check", dependencies=[Depends(limit_ip), Depends(limit_session)])
def check(body: ClaimStep, state: StateDep, desk: DeskDep, conversation: ConversationDep) -> dict[str, Any]:
    """The claim checked against the mission's rule: what is complete, missing or doubtful, with its clauses."""
    return _told(state, conversation, desk.check(conversation, f"claim:check:{body.client_id}"))


@router.post("/mission", dependencies=[Depends(limit_ip), Depends(limit_session)])
def choose_mission(
    body: MissionChoice, state: StateDep, desk: DeskDep, conversation: ConversationDep
) -> dict[str, Any]:
    """The mission the claim is for (one the desk offered), then the checklist."""
    key = f"claim:mission:{body.client_id}"
    return _told(state, conversation, desk.choose_mission(conversation, body.mission_id, key))


@router.post("/submit", dependencies=[Depends(limit_ip), Depends(limit_session)])
def submit(body: ClaimStep, state: StateDep, desk: DeskDep, conversation: ConversationDep) -> dict[str, Any]:
    """The claim sent to the staff (an escalation); the SME is told it is not a confirmation of payment."""
    return _told(state, conversation, desk.submit(conversation, f"claim:submit:{body.client_id}"))


@router.get("", dependencies=[Depends(limit_ip)])
def claim_state(state: StateDep, desk: DeskDep, conversation: ConversationDep) -> dict[str, Any]:
    """The conversation's current claim as the widget shows it after a reload: its id, status and
    files, and what may be pressed (a file sent after the staff closed it opens the next claim)."""
    claim, files = desk.state(conversation)
    status = None if claim is None else claim.status
    actions: tuple[str, ...] = ("check",) if files and status == "open" else ()
    settings = state.services.settings.claims
    return {
        "id": None if claim is None else claim.id,
        "status": status,
        "files": [
            {"id": f.id, "name": f.name, "size": f.size, "read": f.reading is not None, "usable": _usable(f)}
            for f in files
        ],
        "actions": _actions(actions, conversation_language(state, conversation)),
        "limits": {"max_file_mb": settings.max_file_mb, "max_files": settings.max_files, "types": list(FILE_TYPES)},
    }


# -- helpers --------------------------------------------------------------------------------


async def _body(request: Request, desk: ClaimDesk, language: str) -> bytes:
    """The body, counted as it arrives: past the desk's file limit a 413, having held no more than it."""
    limit = desk.max_file_mb * MIB
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(desk, language)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(desk, language)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(desk: ClaimDesk, language: str) -> HTTPException:
    refused = ClaimFileRefusedError("too_large", f"a file may have {desk.max_file_mb} MB")
    return HTTPException(413, error_body("too_large", desk.refusal_message(refused, language)))


def file_key(conversation: int, client_id: str) -> str:
    """A widget file's idempotency key: the conversation is part of it, so another session's same
    client id is another file (and finds nothing of this one)."""
    return f"{CHANNEL}:{conversation}:{client_id}"


def _refused(desk: ClaimDesk, error: ClaimFileRefusedError, language: str) -> HTTPException:
    """A file the store refused before storing it: 422 with the reason in the SME's words."""
    return HTTPException(422, error_body(error.code, desk.refusal_message(error, language)))


def _gone() -> HTTPException:
    return HTTPException(401, error_body("unauthorized", "This session does not exist (any more)."))


def _usable(file: StoredClaimFile) -> bool:
    """Whether the file can count in the claim: not refused by the reader (it is kept for the staff)."""
    return file.reading is None or file.reading.refusal is None


def _usable_now(desk: ClaimDesk, conversation: int, file_id: int) -> bool:
    """``_usable`` of the file as stored now, read."""
    _claim, files = desk.state(conversation)
    return next((_usable(f) for f in files if f.id == file_id), True)


def _actions(actions: tuple[str, ...], language: str) -> list[dict[str, str]]:
    """The buttons under a desk message, labelled as the message names them (``claim_button_*``)."""
    return [{"action": action, "label": say(f"claim_button_{action}", language)} for action in actions]


def _stored_message(state: WebState, conversation: int, message_id: int) -> dict[str, Any]:
    """The desk's message as the history and the live events show it."""
    stored = next(
        (m for m in state.front_door.messages(conversation, after=message_id - 1) if m.id == message_id), None
    )
    if stored is None:
        raise _gone()
    return message_json(stored)


def _told(state: WebState, conversation: int, told: Told) -> dict[str, Any]:
    return {
        "message": _stored_message(state, conversation, told.message_id),
        "actions": _actions(told.actions, told.language),
        "missions": [{"id": mission_id, "title": title} for mission_id, title in told.missions],
    }
