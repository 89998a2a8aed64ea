"""The request page tells the staff what the SME said (issue 22): her name, company, e-mail and
question as she wrote them, the mission she named (and only it), and the answers as she saw them."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from api.services import Services
from bot.desk.accounts import Role, StaffAccount

LoggedIn = Callable[[Role], tuple[StaffAccount, str]]
CLAIRE = (
    "Je m'appelle Claire Dubois, de Textiles Lyon SARL (claire.dubois@textiles-lyon.fr). Notre PME française "
    "peut-elle participer à la mission au Japon de mars ? J'aimerais parler à un conseiller."
)


class Visible(HTMLParser):
    """The text a reader sees (no tags, no attribute values)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def widget_turns(client: TestClient, *texts: str) -> int:
    """An SME writes ``texts`` in the widget; returns the request the conversation ends with."""
    token = client.post("/api/sessions", json={"consent": True}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for text in texts:
        answer = client.post("/api/messages", json={"text": text}, headers=headers)
        assert answer.status_code == 200, answer.text
    escalation = client.get("/api/history", headers=headers).json()["escalation"]
    assert escalation is not None, "no request was opened"
    return int(escalation["id"])


def test_claires_request_shows_her_name_company_email_and_question(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    escalation = widget_turns(client, CLAIRE)
    logged_in("staff")
    page = client.get(f"/console/escalations/{escalation}")
    assert page.status_code == 200
    details = visible(page.text.split("<aside", 1)[1])
    assert "Claire Dubois" in details and "Textiles Lyon SARL" in details
    assert "claire.dubois@textiles-lyon.fr" in details
    assert "Notre PME française peut-elle participer à la mission au Japon de mars ?" in details
    assert "J'aimerais parler" not in details.split("Domanda", 1)[1].split("Aperta", 1)[0]
    assert "Giappone" in details  # the mission she named…
    assert "SMART" not in details and "Voucher" not in details  # …and no call she did not
    queue = visible(client.get("/console/escalations").text)
    assert "Claire Dubois" in queue


def test_the_question_comes_from_earlier_messages(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    escalation = widget_turns(
        client,
        "Notre PME française peut-elle participer à la mission au Japon de mars ?",
        "Bonjour, je voudrais parler à un conseiller",
        "Claire Dubois, Textiles Lyon SARL, claire.dubois@textiles-lyon.fr",
    )
    logged_in("staff")
    details = visible(client.get(f"/console/escalations/{escalation}").text.split("<aside", 1)[1])
    question = details.split("Domanda", 1)[1].split("Aperta", 1)[0]
    assert "mission au Japon" in question and "conseiller" not in question
    assert "Textiles Lyon SARL" in details


def test_the_transcript_shows_answers_as_the_sme_saw_them(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    escalation = widget_turns(
        client, "Quali documenti servono per chiedere il rimborso?", "Vorrei parlare con una persona",
        "Tessuti Rossi srl, anna@tessuti.example.it",
    )  # fmt: skip
    logged_in("staff")
    page = client.get(f"/console/escalations/{escalation}").text
    transcript = page.split("<aside", 1)[0]
    assert re.search(r"<ul>\s*<li>", transcript), "the list of documents is a list"
    assert "Fonti:" not in visible(transcript)  # the sources block is not inside the message…
    assert transcript.count('class="citations"') >= 1  # …but listed once under it
    data_dir = str(sample_services.settings.data_dir)
    for path in (data_dir, "/knowledge/sample", ".yaml#", "/work/", "/tmp/"):
        assert path not in page, path
