"""Hostile files are refused by the budget that bounds them, with the limit named, before the
expensive step; the isolated check adds a clock and a memory ceiling; good files still load."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from doubles.hostile_files import (
    docx_billion_laughs,
    docx_bytes,
    docx_zip_bomb,
    huge_text,
    pdf_with_pages,
)

from knowledge.catalog import parse_catalog
from knowledge.errors import CatalogError, CorruptFileError, OverBudgetError
from knowledge.ingest import IngestConfig, IngestPipeline
from knowledge.loaders import ParseBudget, load_document
from knowledge.loaders.isolated import check_isolated

MAX_BYTES = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "zip bomb": docx_zip_bomb(folder / "bomba.docx", unpacked_mb=300),
        "billion laughs": docx_billion_laughs(folder / "risate.docx"),
        "100,000 pages": pdf_with_pages(folder / "pagine.pdf", pages=100_000),
        "pages under a lying count": pdf_with_pages(folder / "bugiardo.pdf", pages=100_000, declared=1),
        "text beyond the budget": huge_text(folder / "enorme.txt", chars=3_000_000),
    }


@pytest.mark.parametrize(
    ("name", "setting"),
    [
        ("zip bomb", "ingest.max_unpacked_mb"),
        ("billion laughs", "declares a DTD"),
        ("100,000 pages", "ingest.max_pdf_pages"),
        ("pages under a lying count", "ingest.max_pdf_pages"),
        ("text beyond the budget", "ingest.max_text_chars"),
    ],
)
def test_each_hostile_file_is_refused_by_its_budget_in_process_and_isolated(
    hostile: dict[str, Path], name: str, setting: str
) -> None:
    path = hostile[name]
    started = time.monotonic()
    with pytest.raises(OverBudgetError) as in_process:
        load_document(path, MAX_BYTES)
    with pytest.raises(OverBudgetError) as isolated:
        check_isolated(path, MAX_BYTES, ParseBudget())
    assert time.monotonic() - started < 30, name
    assert setting in in_process.value.reason and isolated.value.reason == in_process.value.reason
    assert str(path) in str(isolated.value)


def test_a_ratio_beyond_the_limit_is_refused_even_under_the_size_limit(tmp_path: Path) -> None:
    bomb = docx_zip_bomb(tmp_path / "piccola-bomba.docx", unpacked_mb=20)
    with pytest.raises(OverBudgetError, match=r"ingest\.max_compression_ratio"):
        load_document(bomb, MAX_BYTES)
    many = ParseBudget(max_archive_members=5)
    with pytest.raises(OverBudgetError, match=r"ingest\.max_archive_members"):
        load_document(_write(tmp_path / "bando.docx", docx_bytes()), MAX_BYTES, many)


def test_good_files_pass_the_isolated_check_and_load_the_same(tmp_path: Path) -> None:
    word = _write(tmp_path / "bando.docx", docx_bytes("Il bando chiude il 30 giugno 2027."))
    pdf = pdf_with_pages(tmp_path / "poche-pagine.pdf", pages=3)
    check_isolated(word, MAX_BYTES, ParseBudget())
    assert "30 giugno 2027" in load_document(word, MAX_BYTES).text()
    with pytest.raises(Exception, match="no text layer"):  # blank pages: readable, but nothing to index
        check_isolated(pdf, MAX_BYTES, ParseBudget())


def test_the_isolated_check_stops_a_slow_or_greedy_parse(tmp_path: Path) -> None:
    slow = pdf_with_pages(tmp_path / "lenta.pdf", pages=900)
    started = time.monotonic()
    with pytest.raises(OverBudgetError, match=r"longer than 0.2 s \(setting ingest.max_parse_seconds\)"):
        check_isolated(slow, MAX_BYTES, ParseBudget(max_seconds=0.2))
    assert time.monotonic() - started < 5
    page = tmp_path / "pagina.html"
    page.write_text("<html><body>" + "<div><p>riga</p></div>" * 90_000 + "</body></html>")
    with pytest.raises(OverBudgetError, match=r"more than 64 MB of memory \(setting ingest.max_parse_memory_mb\)"):
        check_isolated(page, MAX_BYTES, ParseBudget(max_memory_mb=64))


def test_the_isolated_check_reports_damage_and_type_as_in_process(tmp_path: Path) -> None:
    fake = _write(tmp_path / "finto.pdf", b"PK\x03\x04 not a pdf at all")
    with pytest.raises(CorruptFileError, match="no %PDF header"):
        check_isolated(fake, MAX_BYTES, ParseBudget())
    broken = _write(tmp_path / "rotto.docx", docx_bytes()[:2000])
    with pytest.raises(CorruptFileError):
        check_isolated(broken, MAX_BYTES, ParseBudget())


def test_pipeline_check_stores_nothing_and_catalog_aliases_are_refused(tmp_path: Path) -> None:
    pipeline = IngestPipeline(_NoSink(), _NoManifest(), IngestConfig())  # type: ignore[arg-type]
    with pytest.raises(OverBudgetError):
        pipeline.check(huge_text(tmp_path / "enorme.md", chars=2_100_000))
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b]\n"
    with pytest.raises(CatalogError, match="aliases"):
        parse_catalog(laughs, "bandi.yaml")
    catalog = tmp_path / "bandi.yaml"
    catalog.write_text(laughs)
    with pytest.raises(CatalogError, match="aliases"):
        pipeline.check(catalog)


class _NoSink:
    """``check`` must not touch the index: any call fails the test."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"check() used the sink's {name}")


class _NoManifest(_NoSink):
    pass


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
