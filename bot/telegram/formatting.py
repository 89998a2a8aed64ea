"""Telegram HTML: every piece of text escaped, sources as links, split at Telegram's limit.

Telegram refuses a message whose HTML does not parse, so nothing from a document, an SME
or staff is ever sent unescaped; the only tags are the ones built here (``<b>``, ``<a>``),
and a message is only ever cut between whole blocks or inside escaped plain text, never
inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.answers.composers.base import Citation
from bot.conversation.phrases import language_name, say

MESSAGE_LIMIT = 4096
"""Telegram's limit for a message's text, in UTF-16 code units after entity parsing."""


def escape(text: str) -> str:
    """Text made safe for Telegram's HTML mode (``<``, ``>``, ``&``)."""
    return html.escape(text, quote=False)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def reply_messages(body: str, citations: Sequence[Citation], language: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """An assistant reply as Telegram HTML messages: its body (``Reply.body``), then its sources as links."""
    blocks = [escape(part) for part in _paragraphs(body)]
    if citations:
        blocks.append(sources_html(citations, language))
    return pack(blocks, limit)


def sources_html(citations: Sequence[Citation], language: str) -> str:
    """``Fonti:`` and one line per source, linked when it has a web address."""
    lines = [f"<b>{escape(say('sources', language))}</b>"]
    for citation in citations:
        label = escape(citation.label())
        if citation.url and _is_web(citation.url):
            label = f'<a href="{html.escape(citation.url, quote=True)}">{label}</a>'
        line = f"[{citation.n}] {label}"
        if citation.language and citation.language != language:
            line += " " + escape(say("source_in", language, name=language_name(citation.language, language)))
        lines.append(line)
    return "\n".join(lines)


def plain_messages(text: str, *, heading: str = "", limit: int = MESSAGE_LIMIT) -> list[str]:
    """Plain text (a staff reply, an alert) as escaped messages, with an optional bold heading."""
    blocks = [f"<b>{escape(heading)}</b>"] if heading else []
    blocks.extend(escape(part) for part in _paragraphs(text))
    return pack(blocks, limit)


def pack(blocks: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks of Telegram HTML joined by blank lines into as few messages as fit ``limit``.

    A block too long for one message is cut at line, then word boundaries of its text.
    Lengths are counted on the HTML, which is never shorter than the text Telegram counts.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fitting(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if utf16_length(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fitting(block: str, limit: int) -> list[str]:
    """``block`` itself, or (too long) pieces of it that each fit."""
    if utf16_length(block) <= limit:
        return [block]
    if "<" in block:
        # Only the sources block carries tags; it is cut between its lines, which are whole.
        return _cut_lines(block.split("\n"), limit)
    return [escape(piece) for piece in _cut_text(html.unescape(block), limit)]


def _cut_lines(lines: list[str], limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if utf16_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = line if utf16_length(line) <= limit else ""
        if not current:  # one link line longer than a message: keep its text, drop the markup
            pieces.extend(escape(p) for p in _cut_text(re.sub(r"<[^>]+>", "", html.unescape(line)), limit))
    if current:
        pieces.append(current)
    return pieces


def _cut_text(text: str, limit: int) -> list[str]:
    """Plain text in pieces whose escaped form fits ``limit``: at a line end, else a space, else anywhere."""
    pieces: list[str] = []
    rest = text
    while rest:
        if utf16_length(escape(rest)) <= limit:
            pieces.append(rest)
            break
        end = _longest_prefix(rest, limit)
        cut = max(rest.rfind("\n", 0, end), rest.rfind(" ", 0, end))
        if cut <= end // 2:
            cut = end
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [p for p in pieces if p]


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of ``text`` fit ``limit`` once escaped (binary search)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if utf16_length(escape(text[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _paragraphs(text: str) -> list[str]:
    return [part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip()]


def _is_web(url: str) -> bool:
    return url.startswith(("https://", "http://"))
