"""A webhook receiver on 127.0.0.1, as a CRM would run one: it verifies each POST's signature
and timestamp, keeps what it accepts, and can be told to fail the next requests."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.outbound.webhooks import SIGNATURE_HEADER, verify_signature


@dataclass
class Received:
    """One POST as it arrived."""

    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int
    """What the receiver answered."""

    @property
    def event(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


@dataclass
class WebhookReceiver:
    """A real HTTP server; ``accepted`` holds the verified events, ``attempts`` every POST."""

    secret: str
    fail_next: int = 0
    """Answer this many next POSTs with 500 (the receiver is down)."""
    attempts: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signature = self.headers.get(SIGNATURE_HEADER, "")
                verified = verify_signature(receiver.secret, signature, body, time.time())
                with receiver._lock:
                    failing = receiver.fail_next > 0
                    receiver.fail_next -= 1 if failing else 0
                    status = 500 if failing else 204 if verified else 401
                    receiver.attempts.append(Received(dict(self.headers.items()), body, verified, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/sportello"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The events accepted (signature verified, answered 2xx), in arrival order."""
        with self._lock:
            return [a.event for a in self.attempts if a.status < 300
                    and (event_type is None or a.event["type"] == event_type)]  # fmt: skip
