"""What every loader needs: safe reading, decoding, front matter and metadata hints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.documents import KINDS, Document, Kind, Section, document_id
from knowledge.errors import BinaryContentError, EmptyDocumentError, EncodingError, FileTooLargeError
from knowledge.language import LANGUAGES

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_KIND_HINTS: tuple[tuple[str, Kind], ...] = (
    ("faq", "faq"),
    ("glossar", "glossary"),
    ("glossaire", "glossary"),
    ("rimbors", "reimbursement"),
    ("reimburs", "reimbursement"),
    ("rembours", "reimbursement"),
    ("mission", "mission"),
    ("bando", "call"),
    ("bandi", "call"),
    ("call", "call"),
    ("appel", "call"),
)


@dataclass
class Hints:
    """Metadata a file states about itself (front matter, meta tags, document properties)."""

    title: str | None = None
    kind: Kind | None = None
    programme: str | None = None
    countries: tuple[str, ...] = ()
    url: str | None = None
    language: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def read_checked(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` before reading them, and empty ones."""
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(str(path), f"{size:,} bytes is over the limit of {max_bytes:,} bytes")
    if size == 0:
        raise EmptyDocumentError(str(path), "the file is empty")
    return path.read_bytes()


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 text, refusing binary content and other encodings with a named error."""
    head = data[:8192]
    if b"\x00" in head or _control_ratio(head) > 0.1:
        raise BinaryContentError(source, "the file holds binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            source,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        ) from exc
    if not text.strip():
        raise EmptyDocumentError(source, "the file holds only whitespace")
    return text


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(data)


def split_front_matter(text: str, source: str) -> tuple[Hints, str]:
    """Front matter between ``---`` lines at the top, as hints, and the remaining body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return Hints(), text
    try:
        raw = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        # "title: Network turns 15: celebrate!" is no valid YAML, but is plainly front matter:
        # read it line by line. Anything else (a Markdown horizontal rule, say) keeps the text whole.
        raw = _plain_fields(match.group(1))
        if raw is None:
            return Hints(), text
    if not isinstance(raw, dict):
        return Hints(), text
    return hints_from_mapping({str(k): v for k, v in raw.items()}), text[match.end() :]


_PLAIN_FIELD = re.compile(r"([A-Za-z_][\w-]*):\s+(.*)")


def _plain_fields(block: str) -> dict[str, object] | None:
    """``key: value`` lines (the value taken as written), or ``None`` if a line is not one."""
    fields: dict[str, object] = {}
    for line in block.splitlines():
        if not line.strip():
            continue
        match = _PLAIN_FIELD.fullmatch(line.strip())
        if match is None:
            return None
        fields[match.group(1)] = match.group(2).strip()
    return fields or None


def parse_keywords(keywords: str | None) -> dict[str, str]:
    """``"kind=glossary; programme=EU-ALLIANCE"`` (PDF/DOCX keywords) as a mapping."""
    pairs: dict[str, str] = {}
    for part in (keywords or "").split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            pairs[key.strip().lower()] = value.strip()
    return pairs


def hints_from_mapping(raw: dict[str, object]) -> Hints:
    """Hints from a front-matter or keyword mapping; unknown kinds are ignored, not trusted."""
    kind_value = str(raw.get("kind", "")).strip().lower()
    countries_value = raw.get("countries") or ()
    if isinstance(countries_value, str):
        countries_value = countries_value.split(",")
    countries = (
        tuple(str(c).strip().upper() for c in countries_value if isinstance(c, str) and c.strip())
        if isinstance(countries_value, list | tuple)
        else ()
    )
    return Hints(
        title=_text_or_none(raw.get("title")),
        kind=next((k for k in KINDS if k == kind_value), None),
        programme=_text_or_none(raw.get("programme")),
        countries=countries,
        url=_text_or_none(raw.get("url")),
        language=_language(raw.get("language")),
    )


def _language(value: object) -> str | None:
    """An ISO 639-1 code from a hint ("it", "it-IT", "fr_FR"); anything else is ignored and detected instead."""
    code = str(value or "").strip().lower()[:2]
    return code if code in LANGUAGES else None


def _text_or_none(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def infer_kind(path: Path) -> Kind:
    """A kind guessed from the file name, for files that do not state one."""
    name = path.stem.lower()
    return next((kind for hint, kind in _KIND_HINTS if hint in name), "other")


def build_document(path: Path, sections: list[Section], hints: Hints, fallback_title: str | None) -> Document:
    """Assemble a Document, refusing one without text."""
    kept = tuple(s for s in sections if s.text.strip())
    if not kept:
        raise EmptyDocumentError(str(path), "no text could be extracted")
    source = str(path)
    return Document(
        doc_id=document_id(source),
        origin=source,
        source=source,
        title=hints.title or fallback_title or path.stem.replace("-", " ").replace("_", " "),
        sections=kept,
        kind=hints.kind or infer_kind(path),
        language=hints.language,
        programme=hints.programme,
        countries=hints.countries,
        url=hints.url,
    )


def collapse_blank_lines(text: str) -> str:
    """Trim trailing spaces and squeeze runs of blank lines, keeping paragraph breaks."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class SectionBuilder:
    """Collects text under a heading path as a loader walks a document in order.

    ``heading(level, title)`` closes the current section and moves into a new one
    (dropping deeper or equal levels from the path); ``add`` appends a block of text.
    """

    def __init__(self, joiner: str = "\n\n") -> None:
        self._joiner = joiner
        self._stack: list[tuple[int, str]] = []
        self._blocks: list[str] = []
        self.sections: list[Section] = []

    def heading(self, level: int, title: str) -> None:
        """Start a section under ``title`` at ``level`` (1 = top)."""
        self.close()
        self._stack = [(lvl, t) for lvl, t in self._stack if lvl < level] + [(level, title)]

    def add(self, text: str) -> None:
        """Append a block of text to the current section."""
        self._blocks.append(text)

    def close(self) -> list[Section]:
        """Finish the current section (if it has text); returns all sections so far."""
        content = collapse_blank_lines(self._joiner.join(self._blocks))
        if content:
            self.sections.append(Section(text=content, heading_path=tuple(t for _, t in self._stack)))
        self._blocks.clear()
        return self.sections
