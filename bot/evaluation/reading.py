"""What a reader sees of a reply: its body before the sources, and its first sentence.

An SME reads the first sentence and decides whether the answer is there; the evaluation
counts how often it is (``first_sentence_fact``) and how long the bodies are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answers.composers.base import Citation
from bot.answers.composers.sources import answer_body

_MARKER = re.compile(r"\s*\[\d+\]")
# A sentence ends at . ! ? followed by a capital or an opening quote; not "art. 5", "3.000", "p. 12".
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«\"“(])")
_BULLET = re.compile(r"^\s*(?:[-•*]|\d+[.)]|[a-z][.)])\s+")


def body_of(text: str, citations: Sequence[Citation], language: str) -> str:
    """The reply without its sources block and without the ``[n]`` markers."""
    return _MARKER.sub("", answer_body(text, citations, language)).strip()


def first_sentence(body: str) -> str:
    """The first sentence of ``body``; a first line ending with ":" brings the list it opens
    ("Documents to send:" is read with its items, as a reader reads it)."""
    lines = [line.strip() for line in body.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    first = lines[0]
    if first.endswith(":"):
        items = []
        for line in lines[1:]:
            if not _BULLET.match(line):
                break
            items.append(line)
        return "\n".join([first, *items])
    return _SENTENCE_END.split(first, maxsplit=1)[0]
