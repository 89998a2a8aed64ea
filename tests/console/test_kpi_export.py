"""The KPI export from the console (staff, admins with personal data) and from the shell."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.services import Services
from bot.desk.accounts import Role, StaffAccount
from bot.desk.kpi import KPI_COLUMNS

LoggedIn = Callable[[Role], tuple[StaffAccount, str]]


def sme_with_a_request(services: Services, company: str, *, consent: bool) -> str:
    """A web contact that asked for a person and gave its company and e-mail; its e-mail is returned."""
    store = services.assistant().store
    who = uuid.uuid4().hex[:8]
    contact = store.contact("web", who, name=f"Persona {who}")
    if consent:
        store.record_consent(contact)
    conversation = store.start_conversation(contact, "fr")
    store.add_message(conversation, "user", "Notre PME peut-elle participer à la mission au Japon ?")
    email = f"{who}@pme.example.fr"
    store.open_escalation(conversation, "user_request", "Mission Japon", {"company": company, "email": email})
    return email


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # spreadsheets read the accents
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_staff_download_the_kpis_without_personal_data(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    logged_in("staff")
    company = f"Textiles {uuid.uuid4().hex[:6]} SARL"
    email = sme_with_a_request(sample_services, company, consent=True)
    answer = client.get("/console/analytics/kpi.csv?days=0")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    table = rows(answer.text)
    assert tuple(table[0]) == KPI_COLUMNS
    sme = next(row for row in table if row["dimension"] == "sme" and row["label"] == company)
    assert (sme["conversations"], sme["questions"], sme["handoffs"]) == ("1", "1", "1")
    assert email not in answer.text
    assert {row["dimension"] for row in table} >= {"all", "sme", "mission", "call"}
    assert client.get("/console/analytics/kpi.csv?personal=1").status_code == 403  # staff may not


def test_admins_add_personal_data_only_for_consenting_contacts(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    logged_in("admin")
    consenting = sme_with_a_request(sample_services, f"Consenting {uuid.uuid4().hex[:6]} srl", consent=True)
    silent = sme_with_a_request(sample_services, f"Silent {uuid.uuid4().hex[:6]} srl", consent=False)
    text = client.get("/console/analytics/kpi.csv?days=0&personal=1").text
    assert consenting in text and silent not in text
    assert "kpi" in client.get("/console/admin/audit").text


@pytest.mark.parametrize(
    "query",
    ["since=2027-01-01", "since=2027-06-30&until=2027-01-01", "since=yesterday&until=today", "days=-1", "days=99999"],
)
def test_a_bad_period_is_refused(client: TestClient, logged_in: LoggedIn, query: str) -> None:
    logged_in("staff")
    assert client.get(f"/console/analytics/kpi.csv?{query}").status_code == 422


def test_a_reporting_period_by_dates(client: TestClient, logged_in: LoggedIn) -> None:
    logged_in("staff")
    answer = client.get("/console/analytics/kpi.csv?since=2020-01-01&until=2020-06-30")
    assert answer.status_code == 200
    assert "sportello-kpi-20200101-20200630.csv" in answer.headers["content-disposition"]
    everything = next(row for row in rows(answer.text) if row["dimension"] == "all")
    assert everything["conversations"] == "0"


def test_the_export_needs_a_login(client: TestClient) -> None:
    assert client.get("/console/analytics/kpi.csv", follow_redirects=False).status_code in (303, 401)


def test_the_kpis_from_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SPORTELLO_EMBEDDING__PROVIDER", "hashing")
    runner = CliRunner()
    printed = runner.invoke(app, ["kpi", "--days", "0", "--language", "en"])
    assert printed.exit_code == 0, printed.output
    assert printed.output.splitlines()[0] == ",".join(KPI_COLUMNS)
    assert runner.invoke(app, ["kpi", "--since", "2027-13-01", "--until", "2027-12-31"]).exit_code == 2
    assert runner.invoke(app, ["kpi", "--since", "2027-01-01"]).exit_code == 2
    assert runner.invoke(app, ["kpi", "--language", "de"]).exit_code == 2
