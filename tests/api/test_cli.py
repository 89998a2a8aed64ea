"""The ``sportello`` commands, in process (typer's runner) with the fake embedder, and as a real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SPORTELLO_EMBEDDING__PROVIDER", "hashing")
    return data_dir


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "faq.md").write_text(
        "# FAQ\n\n## Serve la visura camerale?\nSì, la visura camerale aggiornata è obbligatoria.\n"
        "\n## Quando arriva il rimborso?\nEntro 90 giorni.\n",
        encoding="utf-8",
    )
    return folder


runner = CliRunner()


def test_init_without_sample_creates_the_database(cli_env: Path) -> None:
    result = runner.invoke(app, ["init", "--no-sample"])
    assert result.exit_code == 0, result.output
    assert (cli_env / "sportello.db").exists()
    assert "Ready: 0 passages indexed." in result.output


def test_init_ingests_the_sample_knowledge_base_once(cli_env: Path) -> None:
    first = runner.invoke(app, ["init"])
    second = runner.invoke(app, ["init"])
    assert first.exit_code == 0, first.output
    assert "Ingest: added 19" in first.output
    assert "Ingesting" not in second.output


def test_ingest_then_search(cli_env: Path, kb: Path) -> None:
    ingested = runner.invoke(app, ["ingest", str(kb)])
    found = runner.invoke(app, ["search", "visura camerale", "-k", "1"])

    assert ingested.exit_code == 0, ingested.output
    assert "added 1" in ingested.output
    assert found.exit_code == 0, found.output
    assert "1. FAQ — Serve la visura camerale?" in found.output
    assert "fused" in found.output and "bm25" in found.output


def test_search_json_lists_passages_with_scores(cli_env: Path, kb: Path) -> None:
    runner.invoke(app, ["ingest", str(kb)])
    result = runner.invoke(app, ["search", "rimborso", "--json", "--kind", "faq"])
    data = json.loads(result.output)
    assert data["query"] == "rimborso"
    assert data["passages"][0]["rank"] == 1
    assert {"dense_score", "keyword_score", "fused_score", "citation", "source"} <= set(data["passages"][0])


def test_ingest_exit_code_says_a_file_failed(cli_env: Path, kb: Path) -> None:
    (kb / "rotto.docx").write_bytes(b"PK\x03\x04 not a real docx")
    result = runner.invoke(app, ["ingest", str(kb), "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["counts"]["added"] == 1
    assert report["failed"][0]["code"] == "corrupt_file"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "   "], "the question is empty"),
        (["search", "x" * 1001], "limit is 1000"),
        (["search", "bando", "--status", "aperto"], "status must be one of"),
        (["search", "bando", "--at", "21/11/2026"], "YYYY-MM-DD"),
    ],
)
def test_bad_search_input_gets_a_clear_error(cli_env: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_eval_refuses_a_broken_question_file(cli_env: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a"}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(questions)])
    assert result.exit_code == 2
    assert "q.jsonl:1" in result.output


def test_status_reports_last_sync(cli_env: Path, kb: Path) -> None:
    assert "never" in runner.invoke(app, ["status"]).output
    runner.invoke(app, ["ingest", str(kb)])
    result = runner.invoke(app, ["status", "--documents"])
    assert "Last sync" in result.output and "never" not in result.output
    assert "hashing-384" in result.output
    assert "faq.md" in result.output


def test_bad_configuration_is_reported_not_raised(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPORTELLO_EMBEDDING__PROVIDER", "openai")
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert "needs embedding.base_url" in result.output


def test_console_script_is_installed(cli_env: Path, kb: Path) -> None:
    executable = Path(sys.executable).parent / "sportello"
    env = {**os.environ}
    result = subprocess.run(
        [str(executable), "ingest", str(kb)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout


def test_ask_gives_a_cited_answer_and_its_decision(cli_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["ask", "Entro quando posso iscrivermi alla missione negli USA?"])
    assert result.exit_code == 0, result.output
    assert "29 gennaio 2027, ore 17:00" in result.output
    assert "Fonti:" in result.output and "answer · catalog" in result.output


def test_ask_json_and_continuing_a_conversation(cli_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    first = json.loads(
        runner.invoke(app, ["ask", "--json", "Entro quando mi iscrivo alla missione in Giappone?"]).output
    )
    follow = runner.invoke(app, ["ask", "--json", "--conversation", str(first["conversation"]), "e per il Canada?"])
    reply = json.loads(follow.output)
    assert reply["conversation"] == first["conversation"]
    assert "Canada" in reply["text"] and reply["decision"] == "answer"
    missing = runner.invoke(app, ["ask", "--conversation", "9999", "ciao"])
    assert missing.exit_code == 2 and "No conversation 9999" in missing.output


def test_chat_keeps_the_conversation_until_quit(cli_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    session = "Entro quando mi iscrivo alla missione in Giappone?\ne per il Canada?\n/new\nciao\n/quit\n"
    result = runner.invoke(app, ["chat"], input=session)
    assert result.exit_code == 0, result.output
    assert "15 marzo 2027" in result.output and "15 aprile 2026" in result.output
    assert "New conversation." in result.output
