"""A Telegram Bot API server double on 127.0.0.1, for tests that run the real python-telegram-bot.

Mocking PTB's ``Bot`` would test our guesses about the library; this double lets the real
library (its parameter encoding, error mapping, polling loop) talk HTTP to a server that
answers like Telegram where our code can go wrong: it parses ``parse_mode=HTML`` as
strictly as Telegram does (an escaping bug becomes a ``BadRequest``), counts length in
UTF-16 code units after parsing, refuses no-op edits, confirms updates by ``offset``, and
fails on request with 429/403/… the way Telegram does::

    with BotApiDouble() as api:
        app = ApplicationBuilder().token(api.token).base_url(f"{api.root}/bot").base_file_url(f"{api.root}/file/bot")
        ...  # build and start the application in polling mode
        api.push_update(api.message_update(42, "/start"))
        api.wait_for(lambda: bool(api.sent(42)))
    assert api.sent(42)[0].text.startswith("Ciao")

Requests are ``POST {root}/bot{token}/{method}`` with form-encoded, multipart or JSON
parameters; files users sent (``document_update``, ``photo_update``) are fetched with ``getFile``
and ``GET {root}/file/bot{token}/{file_path}`` (``doubles.telegram_files``). It is served by
starlette under uvicorn in a daemon thread.
"""

from __future__ import annotations

import asyncio
import copy
import email
import email.policy
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from doubles.network import free_port
from doubles.telegram_files import MAX_DOWNLOAD_BYTES, TelegramFiles

MAX_POLL_WAIT = 0.5
"""Long polling waits at most this long (Telegram waits ``timeout`` seconds), to keep tests fast."""

MAX_TEXT_LENGTH = 4096
"""Telegram's limit on a message's text after entity parsing, in UTF-16 code units."""

FIRST_BOT_MESSAGE_ID = 1000

_INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id", "user_id"})
# Free text is never JSON-decoded: a reply may well start with "[1]" or be the word "true".
_TEXT_FIELDS = frozenset(
    {"text", "caption", "data", "url", "secret_token", "parse_mode", "callback_query_id", "inline_message_id"}
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API error: answered as ``{"ok": false, ...}`` with the HTTP status equal to ``error_code``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code, self.description, self.retry_after = error_code, description, retry_after

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return JSONResponse(body, status_code=self.error_code)


@dataclass(frozen=True)
class ApiCall:
    """One request the double received: the method as sent and its decoded parameters."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass
class SentMessage:
    """A message the bot created with ``sendMessage``; edits update it in place (``edits`` keeps each text)."""

    chat_id: int
    message_id: int
    text: str
    html: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    links: list[str]
    edits: list[str]
    at: float
    reply_to_message_id: int | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    date: int = 0
    deleted: bool = False


@dataclass
class _Failure:
    method: str
    chat_id: int | None
    error: ApiError
    remaining: int


@dataclass
class _Queued:
    update: dict[str, Any]
    delivered: bool = False


class BotApiDouble:
    """A scriptable Bot API server on ``127.0.0.1``: push updates in, read back what the bot sent.

    Thread-safe: tests call it from their thread while it serves from its own.
    """

    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "sportello_test_bot", bot_id: int = 999
    ) -> None:
        self.token, self.bot_username, self.bot_id = token, bot_username, bot_id
        self.calls: list[ApiCall] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self._lock = threading.Lock()
        self._pushed = threading.Condition(self._lock)
        self._stopping = False
        self._queue: list[_Queued] = []
        self._messages: list[SentMessage] = []
        self._next_bot_message_id: dict[int, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: list[_Failure] = []
        self._last_update_id = 0
        self._last_user_message_id = 0
        self._last_callback_id = 0
        self._port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers = self._method_handlers()
        self.files = TelegramFiles()
        """What users sent: ``getFile`` finds it, the file route serves it."""
        self.confirmed: set[int] = set()
        """Update ids Telegram has forgotten: a later ``getUpdates`` offset passed them after delivery."""
        self.before_call: Callable[[str, dict[str, Any]], None] | None = None
        """Called with each request's method and parameters before it is served; raising ``ApiError``
        fails the request (a test kills the bot's process here, at a chosen point of its work)."""

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def root(self) -> str:
        """``http://127.0.0.1:<port>``, what ``SPORTELLO_TELEGRAM__API_URL`` is set to."""
        if self._port is None:
            raise RuntimeError("the double is not running: call start() or use it as a context manager")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> None:
        """Serve on a free port of 127.0.0.1 from a daemon thread; return once it accepts connections."""
        port = free_port()
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            loop="asyncio",
            timeout_graceful_shutdown=2,
        )
        self._stopping = False
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="telegram-api-double", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the Bot API double did not start on port {port}")
            time.sleep(0.01)
        self._port = port

    def stop(self) -> None:
        """Stop serving; a long poll still waiting returns at once."""
        with self._pushed:
            self._stopping = True
            self._pushed.notify_all()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread, self._port = None, None, None

    def __enter__(self) -> BotApiDouble:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- what tests read and script ----------------------------------------------------------

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The parameters of each call to ``method``, oldest first."""
        with self._lock:
            return [call.params for call in self.calls if call.method == method]

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages created by ``sendMessage`` (to ``chat_id`` only, if given), oldest first; live objects."""
        with self._lock:
            return [m for m in self._messages if chat_id is None or m.chat_id == chat_id]

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue ``update`` for ``getUpdates``, giving it the next ``update_id`` if it has none; returns the id.

        Pushing the same update again delivers it again, as Telegram redelivers an unconfirmed update.
        """
        with self._pushed:
            if "update_id" not in update:
                self._last_update_id += 1
                update["update_id"] = self._last_update_id
            self._last_update_id = max(self._last_update_id, int(update["update_id"]))
            self._remember_chats(update)
            self._queue.append(_Queued(copy.deepcopy(update)))
            self._pushed.notify_all()
            return int(update["update_id"])

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (for ``chat_id`` only, if given) fail with that error."""
        with self._lock:
            self._failures.append(_Failure(method, chat_id, ApiError(error_code, description, retry_after), times))

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll ``predicate`` every 20 ms until it holds; AssertionError naming the last calls on timeout."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                with self._lock:
                    last = [call.method for call in self.calls[-10:]]
                raise AssertionError(f"condition not met within {timeout} s; the last calls were {last}")
            time.sleep(0.02)

    # -- update builders ---------------------------------------------------------------------

    def message_update(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Anna",
        chat_type: str = "private",
        reply_to: SentMessage | dict[str, Any] | None = None,
        update_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """An update with a user's text message, its command and mention entities as Telegram adds them."""
        content: dict[str, Any] = {"text": text}
        if entities := _user_entities(text):
            content["entities"] = entities
        return self._user_message(chat_id, content, user_id, first_name, chat_type, reply_to, update_id, language_code)

    def document_update(
        self,
        chat_id: int,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str = "Anna",
        chat_type: str = "private",
        reply_to: SentMessage | dict[str, Any] | None = None,
        update_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """An update with a file sent as a document (kept in ``files``: the bot can fetch it)."""
        content = {"document": self.files.document(data, file_name, mime_type), **_caption(caption)}
        return self._user_message(chat_id, content, user_id, first_name, chat_type, reply_to, update_id, language_code)

    def photo_update(
        self,
        chat_id: int,
        image: bytes,
        *,
        caption: str | None = None,
        user_id: int | None = None,
        first_name: str = "Anna",
        chat_type: str = "private",
        reply_to: SentMessage | dict[str, Any] | None = None,
        update_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """An update with a photo (a JPEG or PNG picture), in the sizes Telegram makes of it."""
        content = {"photo": self.files.photo(image), **_caption(caption)}
        return self._user_message(chat_id, content, user_id, first_name, chat_type, reply_to, update_id, language_code)

    def _user_message(
        self,
        chat_id: int,
        content: dict[str, Any],
        user_id: int | None,
        first_name: str,
        chat_type: str,
        reply_to: SentMessage | dict[str, Any] | None,
        update_id: int | None,
        language_code: str | None,
    ) -> dict[str, Any]:
        with self._lock:
            self._last_user_message_id += 1
            message_id = self._last_user_message_id
        chat = _user_chat(chat_id, chat_type, first_name)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": _user(user_id, chat_id, chat_type, first_name, language_code),
            **content,
        }
        if isinstance(reply_to, SentMessage):
            message["reply_to_message"] = self._bot_message_json(reply_to, chat)
        elif reply_to is not None:
            message["reply_to_message"] = reply_to
        return _with_update_id({"message": message}, update_id)

    def callback_update(
        self,
        chat_id: int,
        data: str,
        *,
        message: SentMessage,
        user_id: int | None = None,
        first_name: str = "Anna",
        update_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """An update with a user's press of an inline button carrying ``data`` under the bot's ``message``."""
        with self._lock:
            self._last_callback_id += 1
            callback_id = str(self._last_callback_id)
            chat = self._chats.get(chat_id) or _user_chat(chat_id, "private" if chat_id > 0 else "group", first_name)
        query = {
            "id": callback_id,
            "from": _user(user_id, chat_id, chat["type"], first_name, language_code),
            "chat_instance": "ci",
            "data": data,
            "message": self._bot_message_json(message, chat),
        }
        return _with_update_id({"callback_query": query}, update_id)

    # -- HTTP ----------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await _read_params(request)
        with self._lock:
            self.calls.append(ApiCall(method, params, time.monotonic()))
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            self._raise_scripted_failure(method, params)
            if self.before_call is not None:
                await asyncio.to_thread(self.before_call, method, params)
            if method.lower() == "getupdates":
                result = await asyncio.to_thread(self._get_updates, params)
            else:
                handler = self._handlers.get(method.lower())
                if handler is None:
                    raise ApiError(404, "Not Found: method not found")
                result = handler(params)
        except ApiError as error:
            return error.response()
        return JSONResponse({"ok": True, "result": result})

    def _method_handlers(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        always_true = {"setmycommands", "deletemycommands", "sendchataction", "answercallbackquery", "close", "logout"}
        handlers: dict[str, Callable[[dict[str, Any]], Any]] = {name: lambda _params: True for name in always_true}
        return handlers | {
            "getme": lambda _params: self._bot_user(full=True),
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "getfile": self._get_file,
        }

    async def _download(self, request: Request) -> Response:
        """``GET /file/bot<token>/<file_path>``: the file's bytes, as Telegram's file server sends them
        (recorded in ``calls`` as method ``download``: a test checks what the bot fetched, and what not)."""
        with self._lock:
            self.calls.append(ApiCall("download", {"file_path": request.path_params["file_path"]}, time.monotonic()))
        if request.path_params["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        stored = self.files.by_path(request.path_params["file_path"])
        if stored is None:
            return ApiError(404, "Not Found").response()
        return Response(stored.data, media_type="application/octet-stream")

    def _raise_scripted_failure(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            for failure in self._failures:
                if failure.method == method and failure.chat_id in (None, params.get("chat_id")):
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                    raise failure.error

    # -- methods ---------------------------------------------------------------------------------

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self.webhook_url, self.webhook_secret = params.get("url") or None, params.get("secret_token")
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self.webhook_url, self.webhook_secret = None, None
            if params.get("drop_pending_updates") is True:
                self._queue.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"url": self.webhook_url or "", "has_custom_certificate": False, "pending_update_count": 0}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Confirm what ``offset`` confirms, then return what is queued, waiting up to ``MAX_POLL_WAIT`` for it."""
        offset, limit = params.get("offset"), params.get("limit")
        wait = min(_float(params.get("timeout")), MAX_POLL_WAIT)
        deadline = time.monotonic() + wait
        with self._pushed:
            if self.webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                    "the webhook first",
                )
            if isinstance(offset, int):
                self._confirm(offset)
            while not self._queue and not self._stopping and (remaining := deadline - time.monotonic()) > 0:
                self._pushed.wait(remaining)
            batch = self._queue[: limit if isinstance(limit, int) and 1 <= limit <= 100 else 100]
            for queued in batch:
                queued.delivered = True
            return [copy.deepcopy(queued.update) for queued in batch]

    def _confirm(self, offset: int) -> None:
        """Drop delivered updates below ``offset`` (a negative offset keeps only the last ``-offset``).

        An update never delivered stays even below ``offset``: that is a redelivery a test pushed.
        """
        if offset < 0:
            del self._queue[:offset]
            return
        kept = [q for q in self._queue if not q.delivered or q.update["update_id"] >= offset]
        kept_ids = {id(q) for q in kept}
        self.confirmed.update(q.update["update_id"] for q in self._queue if id(q) not in kept_ids)
        self._queue = kept

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.by_id(params.get("file_id"))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return stored.as_file()

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        html, parse_mode = _text_param(params), params.get("parse_mode")
        text, entities, links = _parse_text(html, parse_mode, params.get("entities"))
        with self._lock:
            chat_id = self._resolve_chat(params.get("chat_id"))
            message_id = self._next_bot_message_id.get(chat_id, FIRST_BOT_MESSAGE_ID)
            self._next_bot_message_id[chat_id] = message_id + 1
            reply_parameters = params.get("reply_parameters")
            reply_to = params.get("reply_to_message_id")
            if isinstance(reply_parameters, dict):
                reply_to = reply_parameters.get("message_id")
            message = SentMessage(
                chat_id=chat_id,
                message_id=message_id,
                text=text,
                html=html,
                parse_mode=parse_mode,
                reply_markup=_markup_param(params),
                links=links,
                edits=[],
                at=time.monotonic(),
                reply_to_message_id=int(reply_to) if reply_to is not None else None,
                entities=entities,
                date=int(time.time()),
            )
            self._messages.append(message)
            return self._bot_message_json(message, self._chat(chat_id))

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        html, parse_mode = _text_param(params), params.get("parse_mode")
        text, entities, links = _parse_text(html, parse_mode, params.get("entities"))
        markup = _markup_param(params)
        with self._lock:
            message = self._find(params, "message to edit not found")
            # Telegram drops the inline keyboard of a text edit that does not send it again.
            if (text, entities, _inline(markup)) == (message.text, message.entities, _inline(message.reply_markup)):
                raise ApiError(400, _NOT_MODIFIED)
            message.text, message.html, message.parse_mode, message.entities = text, html, parse_mode, entities
            message.links, message.reply_markup = links, markup
            message.edits.append(text)
            return self._bot_message_json(message, self._chat(message.chat_id))

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        markup = _markup_param(params)
        with self._lock:
            message = self._find(params, "message to edit not found")
            if _inline(markup) == _inline(message.reply_markup):
                raise ApiError(400, _NOT_MODIFIED)
            message.reply_markup = markup
            return self._bot_message_json(message, self._chat(message.chat_id))

    def _delete_message(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._find(params, "message to delete not found").deleted = True
        return True

    # -- state helpers (called with the lock held) -----------------------------------------------

    def _find(self, params: dict[str, Any], not_found: str) -> SentMessage:
        chat_id = self._resolve_chat(params.get("chat_id"))
        for message in self._messages:
            if message.chat_id == chat_id and message.message_id == params.get("message_id") and not message.deleted:
                return message
        raise ApiError(400, f"Bad Request: {not_found}")

    def _resolve_chat(self, chat_id: Any) -> int:
        if isinstance(chat_id, int) and chat_id != 0:
            return chat_id
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        for known in self._chats.values():
            if isinstance(chat_id, str) and known.get("username") == chat_id.removeprefix("@"):
                return int(known["id"])
        raise ApiError(400, "Bad Request: chat not found")

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return _user_chat(chat_id, "private", "Anna")
        return _user_chat(chat_id, "supergroup" if str(chat_id).startswith("-100") else "group", "Anna")

    def _remember_chats(self, update: dict[str, Any]) -> None:
        for key in ("message", "edited_message", "channel_post"):
            if isinstance(chat := (update.get(key) or {}).get("chat"), dict):
                self._chats[int(chat["id"])] = dict(chat)

    def _bot_user(self, full: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Sportello",
            "username": self.bot_username,
        }
        if full:
            user |= {"can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        return user

    def _bot_message_json(self, message: SentMessage, chat: dict[str, Any]) -> dict[str, Any]:
        """The Message object Telegram returns for one of the bot's messages."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date or int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": message.text,
        }
        if message.entities:
            body["entities"] = message.entities
        # A Message carries only an inline keyboard; reply keyboards are not echoed back.
        if inline := _inline(message.reply_markup):
            body["reply_markup"] = inline
        if message.edits:
            body["edit_date"] = int(time.time())
        if message.reply_to_message_id is not None:
            stub = {"message_id": message.reply_to_message_id, "date": body["date"], "chat": chat}
            body["reply_to_message"] = stub
        return body


# -- request decoding ------------------------------------------------------------------------------


async def _read_params(request: Request) -> dict[str, Any]:
    """The request's parameters, decoded from the query string and a form, multipart or JSON body."""
    params: dict[str, Any] = {name: _decode(name, value) for name, value in request.query_params.items()}
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json") and body:
        params |= json.loads(body)
    elif content_type.startswith("multipart/form-data"):
        params |= _multipart(body, content_type)
    elif body:
        params |= {name: _decode(name, value) for name, value in parse_qsl(body.decode(), keep_blank_values=True)}
    return params


def _multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """Multipart fields (files as bytes), parsed with the stdlib since python-multipart is not installed."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.HTTP
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition") or "")
        payload = part.get_payload(decode=True)
        payload = payload if isinstance(payload, bytes) else b""
        fields[name] = payload if part.get_filename() else _decode(name, payload.decode())
    return fields


def _decode(name: str, value: str) -> Any:
    """A form value as PTB meant it: nested objects are JSON inside the form, numbers and booleans are text."""
    if name in _TEXT_FIELDS:
        return value
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if value in ("true", "false"):
        return value == "true"
    if name in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _float(value: Any) -> float:
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 0.0


def _text_param(params: dict[str, Any]) -> str:
    text = params.get("text")
    return text if isinstance(text, str) else ""


def _markup_param(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) else None


def _inline(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    return markup if markup and markup.get("inline_keyboard") else None


# -- message text ------------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _parse_text(source: str, parse_mode: Any, entities: Any) -> tuple[str, list[dict[str, Any]], list[str]]:
    """Plain text, entities and link targets of a message text, validated as Telegram validates it."""
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        try:
            parsed = HtmlText(source)
        except HtmlError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from error
        text, entities, links = parsed.text, parsed.entities, parsed.links
    else:
        # Markdown modes are not parsed: the text is kept as sent.
        text, entities = source, entities if isinstance(entities, list) else []
        links = [e["url"] for e in entities if isinstance(e, dict) and e.get("type") == "text_link" and "url" in e]
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_length(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return text, entities, links


class HtmlError(ValueError):
    """Text that Telegram's HTML parse mode rejects."""


_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*"
_VALUE = r"\"[^\"]*\"|'[^']*'|[^\s\"'>]+"
_START_TAG = re.compile(rf"<({_NAME})((?:\s+{_NAME}(?:\s*=\s*(?:{_VALUE}))?)*)\s*>")
_END_TAG = re.compile(rf"</({_NAME})\s*>")
_ATTRIBUTE = re.compile(rf"({_NAME})(?:\s*=\s*({_VALUE}))?")
_CHAR_REF = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z][a-zA-Z0-9]*));")


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int


class HtmlText:
    """Telegram's HTML parse mode, strictly: only its tags, properly nested, only its character entities.

    Telegram lets a bare ``&`` through as text; here it is an error too, since it means the text was
    not escaped and the next ``&lt;`` in it would be misread.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.entities: list[dict[str, Any]] = []
        self.links: list[str] = []
        self._chunks: list[str] = []
        self._offset = 0  # in UTF-16 code units, as entity offsets count
        self._open: list[_OpenTag] = []
        self._parse()
        self.text = "".join(self._chunks)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))

    def _parse(self) -> None:
        source, position = self.source, 0
        while position < len(source):
            nxt = min((i for i in (source.find("<", position), source.find("&", position)) if i >= 0), default=-1)
            if nxt < 0:
                self._append(source[position:])
                break
            self._append(source[position:nxt])
            position = self._entity(nxt) if source[nxt] == "&" else self._tag(nxt)
        if self._open:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self._open[-1].name}"')

    def _append(self, text: str) -> None:
        self._chunks.append(text)
        self._offset += utf16_length(text)

    def _entity(self, position: int) -> int:
        match = _CHAR_REF.match(self.source, position)
        if match is None:
            raise HtmlError(f'Unescaped "&" at byte offset {self._byte_offset(position)}')
        self._append(_decode_char_ref(match, self._byte_offset(position)))
        return match.end()

    def _tag(self, position: int) -> int:
        if end := _END_TAG.match(self.source, position):
            self._close(end.group(1).lower(), position)
            return end.end()
        start = _START_TAG.match(self.source, position)
        if start is None:
            raise HtmlError(f'Unsupported start tag "" or unescaped "<" at byte offset {self._byte_offset(position)}')
        name = start.group(1).lower()
        if name not in _ENTITY_TYPES:
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(position)}')
        attributes = {
            attribute.group(1).lower(): _attribute_value(attribute.group(2) or "", self._byte_offset(position))
            for attribute in _ATTRIBUTE.finditer(start.group(2))
        }
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(position)}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise HtmlError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {self._byte_offset(position)}'
            )
        self._open.append(_OpenTag(name, attributes, self._offset))
        return start.end()

    def _close(self, name: str, position: int) -> None:
        if not self._open:
            raise HtmlError(f'Unexpected end tag "{name}" at byte offset {self._byte_offset(position)}')
        tag = self._open.pop()
        if tag.name != name:
            raise HtmlError(
                f'Unmatched end tag at byte offset {self._byte_offset(position)}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPES[name],
            "offset": tag.offset,
            "length": self._offset - tag.offset,
        }
        if name == "a" and "href" in tag.attributes:
            entity["url"] = tag.attributes["href"]
            self.links.append(tag.attributes["href"])
        elif name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attributes["emoji-id"]
        elif name == "code" and self._open and self._open[-1].name == "pre":
            # <pre><code class="language-x"> is one pre entity with a language, not two entities.
            self._open[-1].attributes["language"] = tag.attributes.get("class", "").removeprefix("language-")
            return
        elif name == "pre" and tag.attributes.get("language"):
            entity["language"] = tag.attributes["language"]
        if entity["length"] > 0:
            self.entities.append(entity)

    def _byte_offset(self, position: int) -> int:
        return len(self.source[:position].encode())


def _attribute_value(raw: str, byte_offset: int) -> str:
    value = raw[1:-1] if raw[:1] in ("'", '"') else raw
    if "&" in _CHAR_REF.sub("", value):
        raise HtmlError(f'Unescaped "&" in an attribute at byte offset {byte_offset}')
    return _CHAR_REF.sub(lambda match: _decode_char_ref(match, byte_offset), value)


def _decode_char_ref(match: re.Match[str], byte_offset: int) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            raise HtmlError(f'Unsupported HTML entity "&{name};" at byte offset {byte_offset}')
        return _NAMED_ENTITIES[name]
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f'Invalid character entity "{match.group(0)}" at byte offset {byte_offset}')
    return chr(code)


# -- update building -------------------------------------------------------------------------------

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?")
_MENTION = re.compile(r"(?<![A-Za-z0-9_@/])@[A-Za-z0-9_]{1,32}")
DEFAULT_GROUP_USER_ID = 4242


def _user_chat(chat_id: int, chat_type: str, first_name: str) -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": first_name}
    return {"id": chat_id, "type": chat_type, "title": "Group"}


def _user(
    user_id: int | None, chat_id: int, chat_type: str, first_name: str, language_code: str | None = None
) -> dict[str, Any]:
    if user_id is None:
        user_id = chat_id if chat_type == "private" else DEFAULT_GROUP_USER_ID
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code  # the user's app language, as Telegram adds it
    return user


def _caption(caption: str | None) -> dict[str, Any]:
    """A file's caption with the entities Telegram detects in it (a mention of the bot, in a group)."""
    if not caption:
        return {}
    content: dict[str, Any] = {"caption": caption}
    if entities := _user_entities(caption):
        content["caption_entities"] = entities
    return content


def _user_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram detects in a user's plain text: a leading command, @mentions (UTF-16 offsets)."""
    entities = []
    if command := _COMMAND.match(text):
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_length(command.group(0))})
    for mention in _MENTION.finditer(text):
        if command is None or mention.start() >= command.end():
            offset = utf16_length(text[: mention.start()])
            entities.append({"type": "mention", "offset": offset, "length": utf16_length(mention.group(0))})
    return entities


def _with_update_id(update: dict[str, Any], update_id: int | None) -> dict[str, Any]:
    return update if update_id is None else {"update_id": update_id, **update}
