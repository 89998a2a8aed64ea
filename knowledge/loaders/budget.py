"""Budgets for reading one file: what a hostile or careless upload may cost before it is refused.

A 1 MB DOCX can unpack to 300 MB of XML, an 8 MB PDF can hold 100,000 pages, a text file can be
all text. Each loader checks the budget that bounds its format *before* the expensive step
(unpacking, walking pages, building a tree) and the text it yields after; the isolated parser
(``knowledge.loaders.isolated``) adds a wall-clock and a memory ceiling for whatever a check
did not foresee. Every refusal names the limit, its value and the setting that raises it.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from knowledge.errors import CorruptFileError, OverBudgetError

_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


@dataclass(frozen=True)
class ParseBudget:
    """Limits for one file; the defaults fit a 2-core server (docs/knowledge.md, "Limits")."""

    max_text_chars: int = 2_000_000
    """Extracted text, about 1,000 pages: more would take many minutes to embed."""
    max_pdf_pages: int = 1_000
    max_archive_members: int = 1_000
    """Files inside a DOCX (a real one holds a few dozen)."""
    max_unpacked_bytes: int = 64 * 1024 * 1024
    max_compression_ratio: float = 100.0
    """Unpacked size over packed size; text XML compresses about 5–20 times."""
    max_seconds: float = 60.0
    max_memory_mb: int = 512
    """Address space a parse may add (the isolated parser's ceiling)."""


class Deadline:
    """Raises once a parse has run longer than its budget (checked between pages or blocks)."""

    def __init__(self, source: str, budget: ParseBudget) -> None:
        self._source = source
        self._seconds = budget.max_seconds
        self._ends = time.monotonic() + budget.max_seconds

    def check(self) -> None:
        """Raise ``OverBudgetError`` if the time is up."""
        if time.monotonic() > self._ends:
            raise over_time(self._source, self._seconds)


def over_time(source: str, seconds: float) -> OverBudgetError:
    """The refusal for a parse that ran out of time."""
    return OverBudgetError(source, f"reading took longer than {seconds:g} s (setting ingest.max_parse_seconds)")


def check_text_size(chars: int, source: str, budget: ParseBudget) -> None:
    """Refuse ``chars`` characters of text if that is over ``max_text_chars``."""
    if chars > budget.max_text_chars:
        raise OverBudgetError(
            source,
            f"it holds over {budget.max_text_chars:,} characters of text (setting ingest.max_text_chars); "
            "split it into smaller documents",
        )


def check_archive(path: Path, budget: ParseBudget) -> None:
    """A DOCX (a zip) checked before anything unpacks it: member count, unpacked size, ratio, no DTDs.

    Sizes come from the zip's directory, so they are checked without inflating a byte; the first
    bytes of each XML part are then inflated to refuse DTDs (an OOXML part never has one, and
    entity expansion is how an XML "billion laughs" grows).
    """
    source = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > budget.max_archive_members:
                raise OverBudgetError(
                    source,
                    f"the archive holds {len(members):,} files, over the limit of {budget.max_archive_members:,} "
                    "(setting ingest.max_archive_members)",
                )
            unpacked = sum(member.file_size for member in members)
            packed = max(1, sum(member.compress_size for member in members))
            if unpacked > budget.max_unpacked_bytes:
                raise OverBudgetError(
                    source,
                    f"it unpacks to {_mb(unpacked)}, over the limit of {_mb(budget.max_unpacked_bytes)} "
                    "(setting ingest.max_unpacked_mb)",
                )
            if unpacked / packed > budget.max_compression_ratio:
                raise OverBudgetError(
                    source,
                    f"it unpacks {unpacked / packed:,.0f} times its size, over the limit of "
                    f"{budget.max_compression_ratio:g} (setting ingest.max_compression_ratio): a compression bomb?",
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        head = part.read(2048)
                    if any(marker in head for marker in _DTD_MARKERS):
                        raise OverBudgetError(source, f"{member.filename} declares a DTD, which a DOCX never does")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise CorruptFileError(source, f"not a valid DOCX file ({type(exc).__name__})") from exc


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
