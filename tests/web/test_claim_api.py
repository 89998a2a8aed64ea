"""The widget's claim API (api/web/claim_files.py) through a real uvicorn on 127.0.0.1, with the
real services and the real reader (a child process per file): a file is stored before it is
acknowledged and told once however often it is sent, the checklist quotes the rule's clauses,
hostile files and floods are refused or read as text without harming what is stored, and
another session's token sees and touches nothing of the claim."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from doubles.claim_samples import write_samples

from api.web.chat import CHANNEL
from api.web.claim_files import file_key

MIB = 1024 * 1024
FORBIDDEN_IN_TEXT = ("<", ">", "\u202e", "/etc/")


class LiveServer:
    """What tests/web/conftest.py's ``live_server`` offers (typed loosely: a fixture's object)."""

    url: str
    services: Any

    def conversation_for_token(self, token: str) -> int: ...


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_samples(tmp_path_factory.mktemp("claims"))


@pytest.fixture
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        yield client


def new_id() -> str:
    return uuid.uuid4().hex


class Sme:
    """One widget session, talking to the claim API as widget.js does."""

    def __init__(self, http: httpx.Client, language: str = "it") -> None:
        self.http = http
        started = http.post("/api/sessions", json={"consent": True, "language": language})
        assert started.status_code == 201
        self.token: str = started.json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def upload(
        self, content: bytes | Path | Iterator[bytes], name: str | None = None, client_id: str | None = None,
        media_type: str = "application/pdf",
    ) -> httpx.Response:  # fmt: skip
        if isinstance(content, Path):
            name = name or content.name
            content = content.read_bytes()
        params = {"name": name or "file.pdf", "client_id": client_id or new_id()}
        headers = self.headers | {"Content-Type": media_type}
        return self.http.post("/api/claim/files", params=params, content=content, headers=headers)

    def step(self, action: str, **body: str) -> httpx.Response:
        return self.http.post(f"/api/claim/{action}", json={"client_id": new_id(), **body}, headers=self.headers)

    def claim(self) -> dict[str, Any]:
        answer = self.http.get("/api/claim", headers=self.headers)
        assert answer.status_code == 200
        state: dict[str, Any] = answer.json()
        return state

    def history(self) -> dict[str, Any]:
        history: dict[str, Any] = self.http.get("/api/history", headers=self.headers).json()
        return history


def told(answer: httpx.Response, status: int = 201) -> str:
    """The desk's message text from a successful upload or step."""
    assert answer.status_code == status, answer.text
    message = answer.json()["message"]
    assert message["role"] == "assistant" and message["decision"] is None
    text: str = message["text"]
    return text


def test_a_file_is_stored_then_read_and_told_once_and_a_resend_gets_the_same_back(
    http: httpx.Client, live_server: LiveServer, samples: Path
) -> None:
    sme = Sme(http)
    assert sme.claim() == {
        "id": None, "status": None, "files": [], "actions": [],
        "limits": {"max_file_mb": 10, "max_files": 30, "types": [".pdf", ".docx", ".jpg", ".jpeg", ".png"]},
    }  # fmt: skip
    hotel = samples / "complete" / "hotel-sakura-shinjuku.pdf"
    client_id = new_id()
    first = sme.upload(hotel, client_id=client_id)
    assert told(first).startswith(
        "Ho ricevuto «hotel-sakura-shinjuku.pdf»: conto d'albergo del 14 giugno 2027, JPY 88.000, "
        "HOTEL SAKURA SHINJUKU. Quando hai mandato tutti i documenti, premi «Verifica la pratica»."
    )
    body = first.json()
    claim_id = sme.claim()["id"]
    assert body["file"] == {"id": body["file"]["id"], "name": hotel.name, "size": hotel.stat().st_size,
                            "claim_id": claim_id, "usable": True}  # fmt: skip
    assert body["actions"] == [{"action": "check", "label": "Verifica la pratica"}]
    assert set(body["message"]) == {"id", "role", "text", "citations", "created_at", "decision", "language",
                                    "client_id", "pending", "author"}  # fmt: skip

    again = sme.upload(hotel, client_id=client_id)  # the widget's resend after a lost answer
    assert again.status_code == 200
    assert again.json()["file"] == body["file"] and again.json()["message"] == body["message"]

    state = sme.claim()
    assert state["status"] == "open" and state["actions"] == body["actions"]
    assert state["files"] == [{"id": body["file"]["id"], "name": hotel.name, "size": hotel.stat().st_size,
                               "read": True, "usable": True}]  # fmt: skip
    history = sme.history()["messages"]
    assert [m["id"] for m in history] == [body["message"]["id"]]  # told once, and kept for a reload
    conversation = live_server.conversation_for_token(sme.token)
    assert len(live_server.services.claims().claims.files(conversation_id=conversation)) == 1


def test_a_claim_in_french_gets_its_checklist_with_the_clauses_and_is_submitted(
    http: httpx.Client, samples: Path
) -> None:
    sme = Sme(http, "fr")
    folder = samples / "incomplete"
    # Every PDF of the French company's claim, and the restaurant's receipt as a photo (OCR).
    files = [*sorted(folder.glob("*.pdf")), folder / "ricevuta-ristorante.jpg"]
    for path in files:
        media_type = "image/jpeg" if path.suffix == ".jpg" else "application/pdf"
        assert told(sme.upload(path, media_type=media_type)).startswith(f"J'ai reçu « {path.name} » : ")
    assert "dépense non éligible" not in "".join(m["text"] for m in sme.history()["messages"])

    check_id = new_id()
    checked = http.post("/api/claim/check", json={"client_id": check_id}, headers=sme.headers)
    checklist = told(checked, 200)
    assert checklist.startswith("J'ai vérifié les documents de votre demande de remboursement : elle n'est pas")
    assert "- Il manque : « carte d'imbarco di andata e ritorno (o biglietti del treno) »." in checklist
    assert "- « ricevuta-ristorante.jpg » : dépense non éligible selon la règle : « pasti, bevande" in checklist
    assert "- « facture-hotel-7-nuits.pdf » : 154 000 JPY, sans relevé bancaire en euros" in checklist
    assert "ce message ne confirme aucun paiement" in checklist
    assert checked.json()["actions"] == [
        {"action": "check", "label": "Vérifier mon dossier"},
        {"action": "submit", "label": "Envoyer le dossier à l'équipe"},
    ]
    assert checked.json()["missions"] == []
    resent = http.post("/api/claim/check", json={"client_id": check_id}, headers=sme.headers)
    assert resent.json()["message"]["id"] == checked.json()["message"]["id"]  # a resend is not a second check

    submitted = sme.step("submit")
    text = told(submitted, 200)
    assert text.startswith(f"J'ai envoyé le dossier à l'équipe avec {len(files)} documents")
    assert "ne confirme aucun paiement" in text and submitted.json()["actions"] == []
    assert sme.claim()["status"] == "submitted"
    assert sme.history()["escalation"]["status"] == "open"  # in the staff's queue, the banner says so


def test_the_mission_is_asked_when_the_dates_do_not_say_and_chosen_among_those_offered(
    http: httpx.Client, samples: Path
) -> None:
    sme = Sme(http, "en")
    told(sme.upload(samples / "complete" / "visura-camerale.pdf"))  # dated in May: no mission's days
    asked = sme.step("check")
    assert told(asked, 200) == "Which mission is this reimbursement claim for?"
    missions = asked.json()["missions"]
    assert {
        "id": "missione-giappone-2027",
        "title": "Missione EU-ALLIANCE in Giappone 2027 (Tokyo e Osaka)",
    } in missions
    assert asked.json()["actions"] == []

    assert told(sme.step("mission", mission_id="missione-inventata"), 200) == asked.json()["message"]["text"]
    chosen = sme.step("mission", mission_id="missione-giappone-2027")
    checklist = told(chosen, 200)
    assert checklist.startswith("I checked the documents of your reimbursement claim: it is not complete yet.")
    assert "- Missing: «carte d'imbarco di andata e ritorno (o biglietti del treno)»." in checklist
    assert [a["label"] for a in chosen.json()["actions"]] == ["Check my claim", "Send the claim to the staff"]


# (name sent, media type, content, what the desk says, as a prefix)
HOSTILE_NAMES = [
    ("<script>alert(1)</script>.pdf", "Ho ricevuto «script_.pdf»"),
    ("../../etc/passwd", "Ho ricevuto «passwd»"),
    ("fattura\u202efdp.exe", "Ho ricevuto «fattura_fdp.exe»"),
    ("r" * 296 + ".pdf", "Ho ricevuto «" + "r" * 60 + "…»"),
]


def test_hostile_files_are_refused_or_read_as_text_and_harm_nothing(
    http: httpx.Client, live_server: LiveServer, samples: Path
) -> None:
    sme = Sme(http)
    good = told(sme.upload(samples / "complete" / "taxi-osaka.pdf"))
    kept = sme.claim()["files"]
    hostile = samples / "hostile"

    def unharmed(added: int) -> None:
        files = sme.claim()["files"]
        assert files[: len(kept)] == kept and len(files) == len(kept) + added
        assert sme.history()["messages"][0]["text"] == good

    cases = [
        (hostile / "fattura-hotel.pdf", "Non posso usare «fattura-hotel.pdf»: non è un PDF, un DOCX o una foto"),
        (hostile / "ricevuta.pdf", "Non posso usare «ricevuta.pdf»: non è un PDF, un DOCX o una foto"),
        (hostile / "bomba.docx", "Non posso usare «bomba.docx»: supera i limiti di lettura (pagine, pixel o "
         "contenuto compresso)."),
        (hostile / "estratto-conto-protetto.pdf", "Ho ricevuto «estratto-conto-protetto.pdf», ma non riesco a "
         "leggerne il testo (è protetto da password)"),
        (hostile / "fattura-rovinata.pdf", "Non posso usare «fattura-rovinata.pdf»: il file è danneggiato."),
        (hostile / "nota-integrativa.pdf", "Ho ricevuto «nota-integrativa.pdf»: documento, Nota per l'ufficio"),
    ]  # fmt: skip
    for added, (path, expected) in enumerate(cases, start=1):
        answer = sme.upload(path)
        assert told(answer).startswith(expected), path.name
        # A file the reader refused is kept for the staff, but the widget does not count it.
        assert answer.json()["file"]["usable"] is not expected.startswith("Non posso usare"), path.name
        assert sme.claim()["files"][-1]["usable"] is answer.json()["file"]["usable"]
        unharmed(added)
    garbage = sme.upload(os.urandom(4096), name="garbage.jpg", media_type="image/jpeg")
    assert told(garbage).startswith("Non posso usare «garbage.jpg»: non è un PDF, un DOCX o una foto")
    unharmed(len(cases) + 1)
    receipt = (samples / "complete" / "taxi-osaka.pdf").read_bytes()
    for name, expected in HOSTILE_NAMES:
        answer = sme.upload(receipt, name=name)
        assert told(answer).startswith(expected), name
        stored = answer.json()["file"]["name"]
        assert len(stored) <= 200 and not any(c in stored for c in "/\\<>\u202e"), stored
    unharmed(len(cases) + 1 + len(HOSTILE_NAMES))

    # Empty, or nothing but blanks: refused before anything is stored, in the SME's words.
    for content in (b"", b" \n\t "):
        empty = sme.upload(content, name="vuoto.pdf")
        assert empty.status_code == 422
        assert empty.json() == {"error": {"code": "empty", "message": "Il file è vuoto."}}
    unharmed(len(cases) + 1 + len(HOSTILE_NAMES))

    # The note that asks to approve everything is text: the check still finds what is missing.
    checklist = told(sme.step("check"), 200)
    assert "non è ancora completa" in checklist and "approv" not in checklist.lower()
    for message in sme.history()["messages"]:
        assert not any(bad in message["text"] for bad in FORBIDDEN_IN_TEXT), message["text"]
    stored = live_server.services.claims().claims.files(conversation_id=live_server.conversation_for_token(sme.token))
    assert all(f.reading is not None for f in stored)


def test_an_oversized_file_is_refused_declared_or_streamed_and_nothing_is_stored(
    http: httpx.Client, samples: Path
) -> None:
    sme = Sme(http)
    told(sme.upload(samples / "complete" / "taxi-osaka.pdf"))
    before = sme.claim()
    declared = sme.upload(b"%PDF-1.7\n" + b"0" * (10 * MIB), name="enorme.pdf")
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "too_large"

    sent = 0

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked, counted as it comes
        nonlocal sent
        for _ in range(40):
            sent += MIB
            yield b"%PDF" + b"1" * (MIB - 4)

    streamed = sme.upload(chunks(), name="flusso.pdf")
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "too_large"
    assert sme.claim() == before
    exact = sme.upload(b"%PDF-1.7\n" + b"x" * (10 * MIB - 9), name="al-limite.pdf")
    assert told(exact).startswith("Non posso usare «al-limite.pdf»: il file è danneggiato.")  # counted, not refused


def test_a_flood_of_uploads_meets_the_limit_with_retry_after(http: httpx.Client, samples: Path) -> None:
    sme = Sme(http)
    told(sme.upload(samples / "complete" / "taxi-osaka.pdf"))
    statuses = [sme.upload(b"", name=f"vuoto-{n}.pdf").status_code for n in range(25)]
    assert statuses == [422] * 19 + [429] * 6  # 20 uploads a minute, the first file included
    flooded = sme.upload(samples / "complete" / "hotel-sakura-shinjuku.pdf")
    assert flooded.status_code == 429 and int(flooded.headers["Retry-After"]) >= 1
    assert flooded.json()["error"]["code"] == "rate_limited" and flooded.json()["error"]["retry_after"] >= 1
    assert [f["name"] for f in sme.claim()["files"]] == ["taxi-osaka.pdf"]  # reading the claim is not an upload
    assert "non è ancora completa" in told(sme.step("check"), 200)


def test_another_sessions_token_sees_and_touches_nothing_of_the_claim(
    http: httpx.Client, live_server: LiveServer, samples: Path
) -> None:
    owner, other = Sme(http), Sme(http)
    client_id = new_id()
    owned = owner.upload(samples / "complete" / "taxi-osaka.pdf", client_id=client_id)
    told(owned)
    state = owner.claim()

    assert other.claim()["files"] == [] and other.claim()["status"] is None
    mine = other.upload(samples / "complete" / "hotel-sakura-shinjuku.pdf", client_id=client_id)
    assert mine.status_code == 201 and "taxi" not in mine.text  # the same client id in another session: its own file
    assert [f["name"] for f in other.claim()["files"]] == ["hotel-sakura-shinjuku.pdf"]
    assert owner.claim() == state
    assert [m["id"] for m in owner.history()["messages"]] == [owned.json()["message"]["id"]]

    for method, path in [("POST", "/api/claim/check"), ("POST", "/api/claim/submit"), ("GET", "/api/claim")]:
        assert http.request(method, path, json={"client_id": new_id()}).status_code == 401
        bad = http.request(method, path, json={"client_id": new_id()}, headers={"Authorization": "Bearer " + "x" * 43})
        assert bad.status_code == 401
    anonymous = http.post("/api/claim/files", params={"name": "a.pdf", "client_id": new_id()}, content=b"%PDF")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    "params",
    [{"name": "a.pdf"}, {"name": "a.pdf", "client_id": "../../x"}, {"name": "a.pdf", "client_id": "short"},
     {"client_id": "abcdefgh12"}, {"name": "", "client_id": "abcdefgh12"}],
)  # fmt: skip
def test_a_file_without_a_valid_name_or_client_id_is_refused(http: httpx.Client, params: dict[str, str]) -> None:
    sme = Sme(http)
    answer = http.post("/api/claim/files", params=params, content=b"%PDF-1.7", headers=sme.headers)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid"
    assert sme.claim()["files"] == []


def test_a_file_read_by_the_recovery_loop_reaches_the_widget_live(
    http: httpx.Client, live_server: LiveServer, samples: Path
) -> None:
    sme = Sme(http)
    conversation = live_server.conversation_for_token(sme.token)
    desk = live_server.services.claims()
    hotel = samples / "complete" / "hotel-sakura-shinjuku.pdf"
    client_id = new_id()
    # The request stored the file and died before reading it: what `sportello serve` recovers.
    file, new = desk.receive(conversation, CHANNEL, file_key(conversation, client_id), name=hotel.name,
                             media_type="application/pdf", data=hotel.read_bytes())  # fmt: skip
    assert new and sme.claim()["files"][0]["read"] is False

    arrived: list[dict[str, Any]] = []
    listening = threading.Event()

    def listen() -> None:
        with httpx.stream("GET", f"{live_server.url}/api/events", headers=sme.headers, timeout=30) as events:
            listening.set()
            for line in events.iter_lines():
                if line.startswith("data: "):
                    arrived.append(json.loads(line[6:]))
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert listening.wait(10)
    recovered = desk.read(file)  # as ClaimDesk.recover does it
    listener.join(20)
    assert recovered is not None and len(arrived) == 1
    assert arrived[0]["id"] == recovered.message_id and arrived[0]["role"] == "assistant"
    assert arrived[0]["text"].startswith("Ho ricevuto «hotel-sakura-shinjuku.pdf»: conto d'albergo")

    # The widget sends the file again on its next load: the same file and message, nothing new.
    again = sme.upload(hotel, client_id=client_id)
    assert again.status_code == 200 and again.json()["message"]["id"] == recovered.message_id
    assert [m["id"] for m in sme.history()["messages"]] == [recovered.message_id]


def test_a_file_after_the_staffs_outcome_opens_the_next_claim(
    http: httpx.Client, live_server: LiveServer, samples: Path
) -> None:
    sme = Sme(http)
    first = sme.upload(samples / "complete" / "hotel-sakura-shinjuku.pdf").json()["file"]
    assert told(sme.step("submit"), 200).startswith("Ho inviato la pratica allo staff")
    desk = live_server.services.claims()
    desk.resolve(first["claim_id"], "Rimborso approvato.", author="Anna", actor="anna@cluster.example")
    closed = sme.claim()
    assert closed["id"] == first["claim_id"] and closed["status"] == "resolved" and closed["actions"] == []

    later = sme.upload(samples / "complete" / "taxi-osaka.pdf")
    text = told(later)
    assert text.startswith("La tua pratica precedente è stata chiusa dallo staff, quindi ho aperto una nuova pratica")
    assert "Ho ricevuto «taxi-osaka.pdf»" in text
    now = sme.claim()
    assert later.json()["file"]["claim_id"] == now["id"] != first["claim_id"]
    assert (now["status"], [f["name"] for f in now["files"]]) == ("open", ["taxi-osaka.pdf"])
    assert [f.name for f in desk.claims.files(first["claim_id"])] == ["hotel-sakura-shinjuku.pdf"]
