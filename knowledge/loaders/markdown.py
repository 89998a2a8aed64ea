"""Markdown and plain text: headings become the section path."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.documents import Document, Section
from knowledge.loaders._common import (
    SectionBuilder,
    build_document,
    collapse_blank_lines,
    decode_text,
    read_checked,
    split_front_matter,
)
from knowledge.loaders.budget import ParseBudget, check_text_size

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def load_markdown(path: Path, max_bytes: int, budget: ParseBudget) -> Document:
    """Sections under each heading, with the heading path (H1 > H2 > H3) kept."""
    text = decode_text(read_checked(path, max_bytes), str(path))
    check_text_size(len(text), str(path), budget)
    hints, body = split_front_matter(text, str(path))
    builder = SectionBuilder(joiner="\n")
    first_h1: str | None = None
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            builder.add(line)
            continue
        if in_fence:
            builder.add(line)  # code is kept verbatim
            continue
        heading = _HEADING.match(line)
        if heading:
            level, title = len(heading.group(1)), _inline(heading.group(2))
            first_h1 = first_h1 or (title if level == 1 else None)
            builder.heading(level, title)
        else:
            builder.add(_inline(line))
    return build_document(path, builder.close(), hints, first_h1)


def load_text(path: Path, max_bytes: int, budget: ParseBudget) -> Document:
    """Plain text; lines in capitals ("ORARI DI APERTURA") are read as headings.

    The first line is the title unless front matter gives one.
    """
    text = decode_text(read_checked(path, max_bytes), str(path))
    check_text_size(len(text), str(path), budget)
    hints, body = split_front_matter(text, str(path))
    body = collapse_blank_lines(body)
    lines = body.splitlines()
    first_line = lines[0].strip() if lines else ""
    title = _sentence_case(first_line) if first_line and len(first_line) <= 120 else None
    builder = SectionBuilder(joiner="\n")
    for index, line in enumerate(lines):
        if _is_caps_heading(line):
            if index > 0:  # the first line is the title, already taken
                builder.heading(1, _sentence_case(line.strip()))
        else:
            builder.add(line)
    sections = builder.close()
    if not sections:
        # Only headings (a notice written all in capitals): the lines are the content.
        sections.append(Section(text=body))
    return build_document(path, sections, hints, title)


def _is_caps_heading(line: str) -> bool:
    stripped = line.strip()
    letters = [ch for ch in stripped if ch.isalpha()]
    mostly_letters = len(letters) >= 0.6 * len(stripped.replace(" ", ""))  # not a code such as an IBAN
    return (
        len(letters) >= 3
        and len(stripped) <= 80
        and mostly_letters
        and all(ch.isupper() for ch in letters)
        and not stripped.endswith(".")
    )


def _sentence_case(text: str) -> str:
    if not any(ch.islower() for ch in text):
        return text[:1].upper() + text[1:].lower()
    return text


def _inline(line: str) -> str:
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1 (\2)", line)
    line = _HTML_TAG.sub("", line)
    return _EMPHASIS.sub(r"\2", _STRONG.sub(r"\2", line))
