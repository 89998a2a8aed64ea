"""The sample cluster's website, served on this machine so a newcomer can watch a sync
(``sportello sources demo-site``): pages with a menu, a cookie banner and a footer, a call and a
mission with their dates, a news item, a page robots.txt keeps out, a sitemap and a feed.

The files are in ``knowledge/demo_site`` (sample content, like ``knowledge/sample``); the sitemap
and feed name the address the site is served at.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEMO_SITE_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "demo_site"


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(DEMO_SITE_DIR), **kwargs)

    def do_GET(self) -> None:
        if not self.path.split("?")[0].endswith(".xml"):
            super().do_GET()
            return
        target = DEMO_SITE_DIR / self.path.split("?")[0].lstrip("/")
        if not target.is_file() or DEMO_SITE_DIR not in target.resolve().parents:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        port = self.server.server_address[1]  # type: ignore[index]  # an (address, port) pair: TCP
        body = target.read_text(encoding="utf-8").replace("{base}", f"http://127.0.0.1:{port}").encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the sync's own log says what was fetched


def demo_site(port: int = 8765, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The site's server, bound (call ``serve_forever``, or ``start_demo_site`` for a thread)."""
    return ThreadingHTTPServer((host, port), _Handler)


def start_demo_site(port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve the site in a thread on 127.0.0.1 (``port`` 0: any free one); returns it and its address."""
    server = demo_site(port)
    threading.Thread(target=server.serve_forever, name="sportello-demo-site", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
