"""The sources block every answer ends with, and an answer without it.

Kept apart from the composers: the assistant appends the block to any composition, and the
channels that show citations themselves (the widget, Telegram) take it off again.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answers.composers.base import Citation
from bot.conversation.phrases import language_name, say


def sources_block(citations: Sequence[Citation], language: str) -> str:
    """``Fonti:`` and one line per source: ``[1] Title — Section, p. 3 (link)``."""
    lines = [say("sources", language)]
    for citation in citations:
        line = f"[{citation.n}] {citation.label()}"
        if citation.url:
            line += f" – {citation.url}"
        if citation.language and citation.language != language:
            line += " " + say("source_in", language, name=language_name(citation.language, language))
        lines.append(line)
    return "\n".join(lines)


def answer_body(text: str, citations: Sequence[Citation], language: str) -> str:
    """A stored reply without the sources block it ends with (for channels that show the sources themselves)."""
    if not citations:
        return text
    block = sources_block(citations, language)
    return text[: -len(block)].rstrip() if text.endswith(block) else text
