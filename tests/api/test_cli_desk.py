"""``sportello staff …``, ``purge`` and ``contact …`` in process, on a throw-away data directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli_common import command_services

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SPORTELLO_EMBEDDING__PROVIDER", "hashing")
    return tmp_path


def test_staff_accounts_from_the_shell(cli_env: Path) -> None:
    added = runner.invoke(
        app, ["staff", "add", "Anna@Cluster.example.eu", "--role", "admin", "--name", "Anna Rossi",
              "--telegram-id", "77", "--password-stdin"],
        input="correct horse battery\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "anna@cluster.example.eu (admin)" in added.output
    again = runner.invoke(app, ["staff", "add", "anna@cluster.example.eu", "--role", "staff", "--password-stdin"],
                          input="correct horse battery\n")  # fmt: skip
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(app, ["staff", "add", "b@cluster.example.eu", "--role", "staff", "--password-stdin"],
                          input="short\n")  # fmt: skip
    assert short.exit_code == 1 and "at least 10" in short.output
    listed = runner.invoke(app, ["staff", "list"])  # piped, as `sportello staff list | cat`: whole values, tabs
    lines = listed.output.splitlines()
    assert lines[0] == "e-mail\tname\trole\tactive\ttelegram\tlast login"
    anna = next(line.split("\t") for line in lines if line.startswith("anna@"))
    assert anna[0] == "anna@cluster.example.eu" and anna[2:5] == ["admin", "yes", "77"]
    changed = runner.invoke(app, ["staff", "password", "anna@cluster.example.eu", "--password-stdin"],
                            input="another long password\n")  # fmt: skip
    assert changed.exit_code == 0
    assert runner.invoke(app, ["staff", "disable", "anna@cluster.example.eu"]).exit_code == 0
    assert runner.invoke(app, ["staff", "disable", "nobody@cluster.example.eu"]).exit_code == 1


def test_purge_and_an_unknown_contact(cli_env: Path) -> None:
    purged = runner.invoke(app, ["purge", "--days", "30"])
    assert purged.exit_code == 0 and "older than 30 days" in purged.output
    assert runner.invoke(app, ["contact", "export", "999"]).exit_code == 1
    erased = runner.invoke(app, ["contact", "erase", "999", "--yes"])
    assert erased.exit_code == 0


def test_a_members_console_language_from_the_shell(cli_env: Path) -> None:
    added = runner.invoke(
        app, ["staff", "add", "claire@cluster.example.eu", "--role", "staff", "--language", "fr", "--password-stdin"],
        input="correct horse battery\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    refused = runner.invoke(
        app, ["staff", "add", "hans@cluster.example.eu", "--role", "staff", "--language", "xx", "--password-stdin"],
        input="correct horse battery\n",
    )  # fmt: skip
    said = " ".join(re.sub(r"[│╭╮╰╯─]", " ", refused.output).split())  # the words, without rich's box
    assert refused.exit_code == 2
    assert "Invalid value for '--language'" in said and "'xx' is not one of 'it', 'en', 'fr'" in said
    updated = runner.invoke(app, ["staff", "update", "claire@cluster.example.eu", "--language", "en"])
    assert updated.exit_code == 0 and "console in en" in updated.output
    assert runner.invoke(app, ["staff", "update", "claire@cluster.example.eu", "--language", "de"]).exit_code == 2
    assert runner.invoke(app, ["staff", "update", "claire@cluster.example.eu"]).exit_code == 2
    assert runner.invoke(app, ["staff", "update", "nobody@cluster.example.eu", "--language", "fr"]).exit_code == 1
    with command_services() as services:
        claire = services.accounts().find("claire@cluster.example.eu")
        entries = services.audit().recent(10)
    assert claire is not None and claire.language == "en"
    assert services.accounts().find("hans@cluster.example.eu") is None
    assert [entry.detail for entry in entries if entry.action == "account_update"] == [{"language": "en"}]
