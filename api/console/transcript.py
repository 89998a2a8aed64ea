"""A conversation's messages as the SME saw them, for the request page.

Answers are stored as text channels print them: Markdown (paragraphs, "- " lists, **bold**,
links, sometimes a table), then a "Fonti:" / "Sources:" block. The widget and Telegram show
the body and list the sources themselves; so does the transcript: the body rendered with
markdown-it-py (raw HTML off, line breaks kept, so a list of caps stays a list; links only
to http(s), opened in a new tab; no images, so nothing loads from elsewhere), then each
source once — its title, section and page, linked when it has a public address, never the
path of a file on the server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

_SOURCES_BLOCK = re.compile(r"\n\s*\n(?:Fonti|Sources) ?:\n(?:\[\d+\][^\n]*(?:\n|$))+\s*\Z")
"""The block ``bot.answers.composers.sources.sources_block`` appends, in any of the three languages."""
_PUBLIC = re.compile(r"^https?://", re.IGNORECASE)
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table").disable("image")
_MARKDOWN.validateLink = lambda url: bool(_PUBLIC.match(url.strip()))  # type: ignore[method-assign]


@dataclass(frozen=True)
class Source:
    """One source under an answer, as the SME saw it."""

    n: int
    label: str
    url: str | None
    """A public http(s) address, or None (a file on the server is never linked nor named)."""


def body_without_sources(text: str) -> str:
    """The answer without the sources block it ends with (the sources are listed apart)."""
    return _SOURCES_BLOCK.sub("", text).rstrip()


def rendered(text: str, role: str) -> Markup:
    """The message as HTML: what an SME wrote as plain text (line breaks kept), what the assistant
    or staff wrote as the widget renders it (Markdown, sources block taken off)."""
    if role == "user":
        return Markup("<p>{}</p>").format(text).replace("\n", Markup("<br>\n"))
    html = _MARKDOWN.render(body_without_sources(text))
    return Markup(html.replace("<a href=", '<a target="_blank" rel="noopener noreferrer" href='))


def sources(citations: Sequence[dict[str, Any]]) -> list[Source]:
    """Each cited source once, numbered as in the answer."""
    seen: dict[int, Source] = {}
    for index, citation in enumerate(citations, start=1):
        if not isinstance(citation, dict):
            continue
        given = citation.get("n")
        n = given if isinstance(given, int) else index
        parts = [str(citation.get(key) or "").strip() for key in ("title", "section")]
        label = " — ".join(part for part in parts if part) or "—"
        if citation.get("page") not in (None, ""):
            label += f", p. {citation['page']}"
        url = str(citation.get("url") or "").strip()
        seen.setdefault(n, Source(n, label, url if _PUBLIC.match(url) else None))
    return sorted(seen.values(), key=lambda source: source.n)
