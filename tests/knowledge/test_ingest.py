"""The ingest pipeline against an in-memory sink (a fake of the ChunkSink boundary) and a real SQLite manifest."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine

from knowledge.chunking import Chunk
from knowledge.database import Base, make_engine, session_factory
from knowledge.ingest import IngestConfig, IngestPipeline
from knowledge.store import ManifestStore

NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)

RULE_YAML = """
reimbursement_rules:
  - id: regola-base
    title: Regola base
    programme: EU-ALLIANCE
    rate: 50
    cap: 2500
    categories:
      - {name: travel, label: Volo, cap: 800}
"""

MISSION_YAML = """
missions:
  - id: missione-giappone
    title: Missione in Giappone
    programme: EU-ALLIANCE
    organiser: Po.in.tex
    country: JP
    starts: 2027-06-14
    ends: 2027-06-18
    registration_deadline: 2027-03-15T17:00:00+01:00
    reimbursement_rule: regola-base
  - id: missione-usa
    title: Missione negli Stati Uniti
    programme: EU-ALLIANCE
    organiser: NTT
    country: US
    starts: 2027-04-19
    ends: 2027-04-23
    registration_deadline: 2027-01-29T17:00:00+01:00
    reimbursement_rule: regola-base
"""


class MemorySink:
    """Records what the pipeline sends; can be told to fail on a document."""

    def __init__(self) -> None:
        self.documents: dict[str, list[Chunk]] = {}
        self.replaced: list[str] = []
        self.deleted: list[str] = []
        self.commits = 0
        self.fail_on_title: str | None = None

    def replace(self, doc_id: str, chunks: Sequence[Chunk]) -> None:
        if self.fail_on_title and any(c.title == self.fail_on_title for c in chunks):
            raise RuntimeError("embedding server unavailable")
        self.documents[doc_id] = list(chunks)
        self.replaced.append(doc_id)

    def delete(self, doc_ids: Sequence[str]) -> None:
        for doc_id in doc_ids:
            self.documents.pop(doc_id, None)
            self.deleted.append(doc_id)

    def commit(self) -> None:
        self.commits += 1

    def count(self) -> int:
        return sum(len(chunks) for chunks in self.documents.values())


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'manifest.db'}")
    Base.metadata.create_all(engine)
    return engine


@pytest.fixture
def manifest(engine: Engine) -> ManifestStore:
    return ManifestStore(session_factory(engine))


@pytest.fixture
def sink() -> MemorySink:
    return MemorySink()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    (folder / "catalog").mkdir(parents=True)
    (folder / "faq.md").write_text(
        "# FAQ\n\n## Posso partecipare a due missioni?\nSì, al massimo a due missioni.\n\n"
        "## Quando arriva il rimborso?\nEntro 90 giorni dalla richiesta completa.\n",
        encoding="utf-8",
    )
    (folder / "contatti.txt").write_text(
        "Contatti\n\nSportello aperto dal lunedì al venerdì, 9-13.\n", encoding="utf-8"
    )
    (folder / "catalog" / "regole.yaml").write_text(RULE_YAML, encoding="utf-8")
    (folder / "catalog" / "missioni.yaml").write_text(MISSION_YAML, encoding="utf-8")
    return folder


def pipeline(sink: MemorySink, manifest: ManifestStore, **config: int) -> IngestPipeline:
    return IngestPipeline(sink, manifest, IngestConfig(**config), now=lambda: NOW)  # type: ignore[arg-type]


def test_first_run_adds_every_document_and_records_the_run(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    report = pipeline(sink, manifest).run([corpus])

    assert report.ok
    # two files + one rule + two missions
    assert report.counts()["added"] == 5
    assert len(sink.documents) == 5
    assert sink.commits == 1
    last = manifest.last_run()
    assert last is not None and last.report["counts"]["added"] == 5  # type: ignore[index]
    assert {r.entry.id for r in manifest.catalog_entries()} == {"regola-base", "missione-giappone", "missione-usa"}


def test_unchanged_files_are_skipped_without_embedding(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    pipeline(sink, manifest).run([corpus])
    sink.replaced.clear()

    report = pipeline(sink, manifest).run([corpus])

    assert report.counts() == {"added": 0, "updated": 0, "removed": 0, "unchanged": 5, "failed": 0, "skipped": 0}
    assert sink.replaced == []
    assert report.chunks_indexed == 0


def test_changed_file_is_replaced_and_only_it(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    pipeline(sink, manifest).run([corpus])
    sink.replaced.clear()
    faq = corpus / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n## Nuova domanda?\nNuova risposta.\n", encoding="utf-8")

    report = pipeline(sink, manifest).run([corpus])

    assert report.updated == [str(faq.resolve())]
    assert len(sink.replaced) == 1
    assert any("Nuova risposta" in c.text for c in sink.documents[sink.replaced[0]])


def test_changed_catalog_touches_only_the_changed_entry(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    pipeline(sink, manifest).run([corpus])
    sink.replaced.clear()
    missions = corpus / "catalog" / "missioni.yaml"
    missions.write_text(MISSION_YAML.replace("2027-03-15T17:00", "2027-03-20T17:00"), encoding="utf-8")

    report = pipeline(sink, manifest).run([corpus])

    assert [Path(s).name for s in report.updated] == ["missioni.yaml#missione-giappone"]
    assert "missioni.yaml#missione-usa" in [Path(s).name for s in report.unchanged]
    assert len(sink.replaced) == 1


def test_entry_removed_from_catalog_is_pruned(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    pipeline(sink, manifest).run([corpus])
    missions = corpus / "catalog" / "missioni.yaml"
    missions.write_text(MISSION_YAML.split("  - id: missione-usa", maxsplit=1)[0], encoding="utf-8")

    report = pipeline(sink, manifest).run([corpus])

    assert [Path(s).name for s in report.removed] == ["missioni.yaml#missione-usa"]
    assert {r.entry.id for r in manifest.catalog_entries()} == {"regola-base", "missione-giappone"}


def test_file_gone_from_folder_is_pruned(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    pipeline(sink, manifest).run([corpus])
    (corpus / "contatti.txt").unlink()

    report = pipeline(sink, manifest).run([corpus])

    assert [Path(s).name for s in report.removed] == ["contatti.txt"]
    assert len(sink.documents) == 4
    assert all(Path(d.origin).name != "contatti.txt" for d in manifest.documents())


def test_files_outside_the_ingested_folder_are_not_pruned(
    sink: MemorySink, manifest: ManifestStore, corpus: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.md"
    other.write_text("# Altro\n\nUn documento fuori dalla cartella.\n", encoding="utf-8")
    pipeline(sink, manifest).run([other])

    report = pipeline(sink, manifest).run([corpus])

    assert report.removed == []
    assert str(other.resolve()) in {d.origin for d in manifest.documents()}


def test_bad_files_fail_by_name_and_the_rest_is_ingested(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    (corpus / "rotto.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    (corpus / "immagine.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "vuoto.txt").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes("Perch\xe9 no?".encode("latin-1"))
    (corpus / "grande.md").write_text("# Grande\n\n" + "parola " * 5000, encoding="utf-8")
    (corpus / "catalog" / "rotto.yaml").write_text("calls:\n  - id: x1\n    title: Senza scadenza\n", encoding="utf-8")
    (corpus / "foto.png").write_bytes(b"\x89PNG")

    report = pipeline(sink, manifest, max_file_bytes=20_000).run([corpus])

    codes = {Path(f.source).name: f.code for f in report.failed}
    assert codes == {
        "rotto.pdf": "corrupt_file",
        "immagine.md": "binary_content",
        "vuoto.txt": "empty_document",
        "latin1.txt": "not_utf8",
        "grande.md": "file_too_large",
        "rotto.yaml": "catalog_schema",
    }
    assert next(f for f in report.failed if f.code == "catalog_schema").message.count("calls[0]") == 1
    assert [Path(p).name for p in report.skipped] == ["foto.png"]
    assert report.counts()["added"] == 5
    assert not report.ok


def test_a_file_that_turns_bad_keeps_its_previous_content(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    pipeline(sink, manifest).run([corpus])
    before = dict(sink.documents)
    (corpus / "faq.md").write_bytes(b"\x00\x01\x02 binary now")

    report = pipeline(sink, manifest).run([corpus])

    assert [f.code for f in report.failed] == ["binary_content"]
    assert sink.documents == before
    assert "faq.md" in {Path(d.origin).name for d in manifest.documents()}


def test_mission_pointing_to_unknown_rule_names_the_field(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    (corpus / "catalog" / "regole.yaml").unlink()

    report = pipeline(sink, manifest).run([corpus])

    failure = next(f for f in report.failed if f.source.endswith("missioni.yaml"))
    assert failure.code == "catalog_schema"
    assert "missions[0].reimbursement_rule" in failure.message


def test_index_failure_marks_the_file_failed_and_keeps_the_manifest(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    sink.fail_on_title = "FAQ"

    report = pipeline(sink, manifest).run([corpus])

    assert [(Path(f.source).name, f.code) for f in report.failed] == [("faq.md", "index_error")]
    assert "faq.md" not in {Path(d.origin).name for d in manifest.documents()}
    assert report.counts()["added"] == 4

    sink.fail_on_title = None
    retry = pipeline(sink, manifest).run([corpus])
    assert [Path(s).name for s in retry.added] == ["faq.md"]


def test_missing_path_and_unsupported_file_are_reported(
    sink: MemorySink, manifest: ManifestStore, tmp_path: Path
) -> None:
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ\x90\x00")

    report = pipeline(sink, manifest).run([tmp_path / "nope", program])

    assert sorted(f.code for f in report.failed) == ["not_found", "unsupported_format"]
    assert sink.documents == {}


def test_progress_reports_every_chunk(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    calls: list[tuple[int, int]] = []

    pipeline(sink, manifest).run([corpus], on_progress=lambda done, total, _: calls.append((done, total)))

    totals = {total for _, total in calls}
    assert len(totals) == 1
    assert calls[-1][0] == totals.pop()
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"


@pytest.mark.parametrize("name", ["regolamento-rimborsi.pdf", "glossario.docx"])
def test_damaged_binary_files_never_stop_the_run(
    sink: MemorySink, manifest: ManifestStore, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "buono.txt").write_text("Buono\n\nUn documento leggibile.\n", encoding="utf-8")
    original = (SAMPLE / name).read_bytes()
    for step in (7, 13, 101):  # several deterministic ways of damaging the middle of the file
        data = bytearray(original)
        for position in range(len(data) // 3, len(data) // 3 + 400, step):
            data[position] ^= 0xFF
        (folder / f"rotto-{step}{Path(name).suffix}").write_bytes(bytes(data))

    report = pipeline(sink, manifest).run([folder])

    assert "buono.txt" in {Path(s).name for s in report.added}
    assert {f.code for f in report.failed} <= {"corrupt_file", "empty_document"}


def test_file_name_that_is_not_utf8_is_refused_by_name(
    sink: MemorySink, manifest: ManifestStore, tmp_path: Path
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "buono.txt").write_text("Buono\n\nTesto.\n", encoding="utf-8")
    os.close(os.open(os.path.join(os.fsencode(folder), b"citt\xe0.txt"), os.O_CREAT | os.O_WRONLY))

    report = pipeline(sink, manifest).run([folder])

    assert [f.code for f in report.failed] == ["bad_file_name"]
    assert [Path(s).name for s in report.added] == ["buono.txt"]


def test_an_index_that_lost_its_content_is_refilled(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    pipeline(sink, manifest).run([corpus])
    sink.documents.clear()  # a new collection, or a deleted index folder

    report = pipeline(sink, manifest).run([corpus])

    assert len(sink.documents) == 5
    assert report.chunks_indexed > 0


def test_force_reindexes_unchanged_files(sink: MemorySink, manifest: ManifestStore, corpus: Path) -> None:
    pipeline(sink, manifest).run([corpus])
    sink.replaced.clear()

    report = pipeline(sink, manifest).run([corpus], force=True)

    assert len(sink.replaced) == 5
    assert report.counts()["updated"] == 5


def test_prune_missing_forgets_files_deleted_anywhere(
    sink: MemorySink, manifest: ManifestStore, corpus: Path, tmp_path: Path
) -> None:
    single = tmp_path / "singolo.md"
    single.write_text("# Singolo\n\nUn file ingerito da solo.\n", encoding="utf-8")
    pipeline(sink, manifest).run([single])
    single.unlink()

    kept = pipeline(sink, manifest).run([corpus])
    pruned = pipeline(sink, manifest).run([corpus], prune_missing=True)

    assert kept.removed == []
    assert [Path(s).name for s in pruned.removed] == ["singolo.md"]
    assert all(Path(d.origin).name != "singolo.md" for d in manifest.documents())


def test_deleting_the_rules_file_flags_missions_that_still_point_to_it(
    sink: MemorySink, manifest: ManifestStore, corpus: Path
) -> None:
    pipeline(sink, manifest).run([corpus])
    (corpus / "catalog" / "regole.yaml").unlink()
    (corpus / "catalog" / "missioni.yaml").write_text(MISSION_YAML + "\n# edited\n", encoding="utf-8")

    report = pipeline(sink, manifest).run([corpus])

    assert any(f.code == "catalog_schema" and "reimbursement_rule" in f.message for f in report.failed)
    assert not report.ok


def test_repeated_index_failures_stop_trying(sink: MemorySink, manifest: ManifestStore, tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    for i in range(6):
        (folder / f"doc{i}.md").write_text(f"# Documento {i}\n\nTesto {i}.\n", encoding="utf-8")

    class BrokenSink(MemorySink):
        calls = 0

        def replace(self, doc_id: str, chunks: Sequence[Chunk]) -> None:
            BrokenSink.calls += 1
            raise ConnectionError("embedding server unavailable")

    report = pipeline(BrokenSink(), manifest).run([folder])

    assert BrokenSink.calls == 3
    assert len(report.failed) == 6
    assert "files in a row failed" in report.failed[-1].message
