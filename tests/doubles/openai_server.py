"""An OpenAI-compatible chat server double on 127.0.0.1, for tests of anything that talks to a model.

It serves ``POST /v1/chat/completions`` (plain JSON, or ``text/event-stream`` when the
request asks for ``"stream": true``) and ``GET /v1/models``. Each test scripts the reply
and how the server misbehaves, then reads back the JSON bodies it received::

    with OpenAIServerDouble(reply="Si chiude il 15 marzo 2027 [1].") as server:
        config = LlmConfig(base_url=server.base_url, model=server.model)
        ...  # run the code under test
        server.mode = "error"  # the next request gets an HTTP 500
    assert server.requests[0]["messages"][0]["role"] == "system"

As a fixture::

    @pytest.fixture
    def openai_server() -> Iterator[OpenAIServerDouble]:
        with OpenAIServerDouble() as server:
            yield server
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

Mode = Literal["ok", "error", "slow", "garbage"]
"""``ok``: answer ``reply``; ``error``: HTTP 500 with an OpenAI-style JSON error;
``slow``: wait ``delay_seconds`` before answering and between streamed chunks;
``garbage``: HTTP 200 with a body that is not JSON (non-streaming) or broken SSE (streaming)."""


class OpenAIServerDouble:
    """A scriptable OpenAI-compatible chat server on ``127.0.0.1`` (never another interface).

    ``reply``, ``mode``, ``delay_seconds`` and ``chunk_chars`` (0: stream one chunk per word with its
    spaces; n: chunks of n characters, cutting words and markers) may be changed between requests;
    ``requests`` holds the JSON body of every chat-completion request, oldest first.
    """

    def __init__(
        self,
        reply: str = "OK [1].",
        mode: Mode = "ok",
        delay_seconds: float = 0.5,
        model: str = "double-model",
        chunk_chars: int = 0,
    ) -> None:
        self.reply = reply
        self.mode: Mode = mode
        self.delay_seconds = delay_seconds
        self.chunk_chars = chunk_chars
        self.model = model
        self.requests: list[dict[str, Any]] = []
        # Set on stop so that a "slow" handler still sleeping returns at once.
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``, what an OpenAI client takes as ``base_url``."""
        if self._server is None:
            raise RuntimeError("the server is not running: call start() or use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> OpenAIServerDouble:
        """Listen on a free port of 127.0.0.1 and serve from a daemon thread."""
        handler = type("Handler", (_Handler,), {"double": self})
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        # A short poll interval so that stop() (shutdown) returns at once rather than within 0.5 s.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, name="openai-double", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; handlers still waiting in ``slow`` mode give up."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> OpenAIServerDouble:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _pause(self) -> bool:
        """Wait ``delay_seconds`` in ``slow`` mode; False when the server is stopping meanwhile."""
        if self.mode != "slow":
            return True
        return not self._stopping.wait(self.delay_seconds)


class _Handler(BaseHTTPRequestHandler):
    double: OpenAIServerDouble

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        """``/v1/models``: the one model the double serves."""
        if self.path.rstrip("/") != "/v1/models":
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        model = {"id": self.double.model, "object": "model", "created": 0, "owned_by": "double"}
        self._send_json(200, {"object": "list", "data": [model]})

    def do_POST(self) -> None:
        """``/v1/chat/completions``: record the request, then answer as the mode says."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        request = json.loads(body)
        self.double.requests.append(request)
        # A client that gave up (a timeout under test) has nothing left to be told.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(request)

    def _answer(self, request: dict[str, Any]) -> None:
        double, streaming = self.double, bool(request.get("stream"))
        if double.mode == "error":
            self._send_json(500, {"error": {"message": "the double failed on purpose", "type": "server_error"}})
        elif double.mode == "garbage" and not streaming:
            self._send(200, "application/json", b"<html>this is not JSON")
        elif streaming:
            self._stream(request)
        elif double._pause():
            self._send_json(200, _completion(double.reply, str(request.get("model", double.model))))

    def _stream(self, request: dict[str, Any]) -> None:
        double = self.double
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if double.mode == "garbage":
            self._event('{"id": "chatcmpl-broken", "choices": [{"delta": {"content": "Hal')
            self._event("[DONE]")
            return
        chunk = _Chunk(str(request.get("model", double.model)))
        self._event(chunk.json({"role": "assistant", "content": ""}))
        for piece in _pieces(double.reply, double.chunk_chars):
            if not double._pause():
                return
            self._event(chunk.json({"content": piece}))
        self._event(chunk.json({}, finish_reason="stop"))
        if (request.get("stream_options") or {}).get("include_usage"):
            self._event(chunk.json(None, usage=_usage(double.reply)))
        self._event("[DONE]")

    def _event(self, data: str) -> None:
        self.wfile.write(f"data: {data}\n\n".encode())
        self.wfile.flush()

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(payload).encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Chunk:
    """``chat.completion.chunk`` events of one streamed completion, sharing id and timestamp."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.id = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        self.created = int(time.time())

    def json(self, delta: dict[str, Any] | None, finish_reason: str | None = None, usage: Any = None) -> str:
        choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
        chunk = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model}
        return json.dumps({**chunk, "choices": choices, "usage": usage})


def _pieces(reply: str, chunk_chars: int) -> list[str]:
    if chunk_chars > 0:
        return [reply[i : i + chunk_chars] for i in range(0, len(reply), chunk_chars)] or [reply]
    return re.findall(r"\s*\S+\s*", reply) or [reply]


def _completion(reply: str, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"},
        ],
        "usage": _usage(reply),
    }


def _usage(reply: str) -> dict[str, int]:
    completion = len(reply.split())
    return {"prompt_tokens": 0, "completion_tokens": completion, "total_tokens": completion}
