"""The console in the staff member's language (it, en or fr, a setting of each account): every
page speaks it, with words for the codes the data holds and nothing left in Italian; the member
changes it from the header and it stays; the login page follows the browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser

import pytest
from doubles.console import login, new_account
from fastapi.testclient import TestClient

from api.services import Services
from bot.conversation.records import HANDOFF_REASONS
from bot.desk.accounts import Language, Role, StaffAccount
from bot.desk.words import WORDS, word

LoggedIn = Callable[[Role], tuple[StaffAccount, str]]
CHECKED_GROUPS = ("status", "reason", "channel", "kind", "decision", "outcome", "action", "detail")
ITALIAN = (
    "Richieste", "Conversazione", "Prendi in carico", "Invia risposta", "Chiudi", "Nessuna", "Esci", "Dettagli",
    "Motivo", "Canale", "Assegnata a", "Assegna", "Salva", "Note interne", "Restituisci", "Conoscenza",
    "Analisi", "Registro", "Base di conoscenza", "Carica", "Reindicizza", "Ultima indicizzazione", "Scadenza",
    "Periodo", "ultimi 30 giorni", "Scarica", "conversazioni", "valutazioni", "Risposte per tipo", "Per paese",
    "Account dello staff", "Ruolo", "Nuovo account", "Conservazione", "Quando", "Azione", "Dettagli",
    "da prendere", "presa in carico", "chiusa", "chat del sito", "pratica personale", "risposta incerta",
    "amministratore", "accesso", "Impresa", "Assistente", "Sistema", "confidenza", "Domanda", "Aperta",
    "Contatto", "Lingua", "Salvato", "Cancella", "Promuovi", "Tempo di risposta", "impresa",
)  # fmt: skip
"""Italian a page in another language must not hold (none of it is in the test's own data)."""


class VisibleText(HTMLParser):
    """The text a reader sees (text nodes, not markup or attribute values, not scripts), and apart
    from it the attributes a reader meets too: labels for screen readers, tooltips, confirmations."""

    READ_ALOUD = frozenset({"aria-label", "title", "placeholder", "data-confirm", "alt"})

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self.attributes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.attributes += [value for name, value in attrs if name in self.READ_ALOUD and value]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible(page: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(page)
    return parser


def raw_codes(nodes: Iterable[str], language: Language) -> list[str]:
    """Codes shown as they are: one with an underscore anywhere (no word has one), or any code as a
    whole text node (a cell, a badge, an option). A code spelt like a word of ``language`` ("approved",
    "mission"; "open", a catalog entry's state) is that word there, not a leak."""
    words = {word(code, group, language) for group, codes in WORDS.items() for code in codes}
    codes = {code for group in CHECKED_GROUPS for code in WORDS[group]} - words
    found = []
    for node in nodes:
        found += [token for token in re.findall(r"\b\w+_\w+\b", node) if token in codes]
        if node.strip(" ()·,.:;—") in codes:
            found.append(node)
    return found


def italian(texts: Iterable[str]) -> list[str]:
    joined = "\n".join(texts)
    return [term for term in ITALIAN if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", joined)]


def log_in_speaking(client: TestClient, services: Services, language: Language, role: Role = "admin") -> str:
    """Log in as a new account whose console speaks ``language``; returns the session's CSRF token."""
    account = new_account(services, role, name=f"Member {language}")
    services.accounts().update(account.id, language=language)
    return login(client, account.email)


def requests_in_english(services: Services) -> list[int]:
    """One request per reason, on both channels, written in English (so no Italian comes from the data)."""
    store = services.assistant().store
    ids = []
    for n, (channel, reason) in enumerate(zip(["web", "telegram"] * 4, HANDOFF_REASONS, strict=False)):
        contact = store.contact(channel, f"languages-{n}", name="Woolworks Ltd", language="en")
        conversation = store.start_conversation(contact, "en")
        store.add_message(conversation, "user", f"Question {n} about the trade fair in Osaka", language="en")
        store.add_message(conversation, "assistant", "Let me pass you to a colleague.", language="en",
                          decision="handoff", reason=reason, confidence=0.41)  # fmt: skip
        details = {"company": "Woolworks Ltd", "email": "anne@woolworks.example", "phone": "+44 20 7946 0000"}
        ids.append(store.open_escalation(conversation, reason, f"Question {n} about the fair", details))
    return ids


def pages_after_some_work(client: TestClient, services: Services, csrf: str) -> dict[str, str]:
    """The queue (open and closed), a request taken, one open, one closed, and the other pages,
    after a claim, a note, a closing and an upload refused (so the log holds several actions)."""
    taken, waiting, closed, *_ = requests_in_english(services)
    client.post(f"/console/escalations/{taken}/claim", data={"csrf_token": csrf})
    client.post(f"/console/escalations/{taken}/notes", data={"csrf_token": csrf, "text": "Call them back."})
    client.post(f"/console/escalations/{closed}/resolve", data={"csrf_token": csrf})
    client.post("/console/knowledge/upload", data={"csrf_token": csrf}, files={"file": ("x.exe", b"MZ")})
    paths = (
        "/console/escalations", "/console/escalations?view=resolved", f"/console/escalations/{taken}",
        f"/console/escalations/{waiting}", f"/console/escalations/{closed}", f"/console/escalations/{closed}/faq",
        "/console/faqs", "/console/knowledge", "/console/analytics", "/console/admin/staff", "/console/admin/audit",
        "/console/knowledge?error=type", f"/console/escalations/{taken}?done=note_saved", "/console/sources",
        "/console/proposals",
    )  # fmt: skip
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[path] = response.text
    return pages


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_speaks_the_members_language(
    client: TestClient, sample_services: Services, language: Language
) -> None:
    csrf = log_in_speaking(client, sample_services, language)
    pages = pages_after_some_work(client, sample_services, csrf)
    for path, page in pages.items():
        seen = visible(page)
        assert f'<html lang="{language}">' in page, path
        assert raw_codes(seen.nodes, language) == [], path
        assert italian(seen.nodes + seen.attributes) == [], (path, [n for n in seen.nodes if italian([n])])
    queue = " ".join(visible(pages["/console/escalations"]).nodes)
    request = " ".join(visible(next(page for path, page in pages.items() if "done=note_saved" in path)).nodes)
    if language == "en":
        assert "Requests to staff" in queue and "website chat" in queue and "to take" in queue
        assert "Take it" not in request and "taken" in request and "Note saved." in request
        assert "Send reply" in request and "company" in request and "asked for by the company" in queue
    else:
        assert "Demandes à l'équipe" in queue and "chat du site" in queue and "à prendre" in queue
        assert "Prendre en charge" not in request and "prise en charge" in request and "Note enregistrée." in request
        assert "Envoyer la réponse" in request and "Téléphone" in request and "demandée par l'entreprise" in queue


def test_an_italian_member_sees_the_console_as_before(client: TestClient, logged_in: LoggedIn) -> None:
    logged_in("staff")
    page = client.get("/console/escalations").text
    assert '<html lang="it">' in page and "Richieste allo staff" in page and ">Esci<" in page


def test_a_member_changes_their_language_and_it_stays(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    account, csrf = logged_in("staff")
    changed = client.post(
        "/console/account/language", data={"csrf_token": csrf, "language": "en", "next": "/console/faqs?done=saved"},
        follow_redirects=False,
    )  # fmt: skip
    assert changed.status_code == 303 and changed.headers["location"] == "/console/faqs?done=saved"
    assert 'lang="en"' in client.get("/console/faqs").text
    stored = sample_services.accounts().get(account.id)
    assert stored is not None and stored.language == "en"
    assert any(
        entry.action == "account_update" and entry.detail == {"language": "en"}
        for entry in sample_services.audit().recent(20) if entry.actor == account.email
    )  # fmt: skip
    client.post("/console/logout", data={"csrf_token": csrf})
    login(client, account.email)  # a new session: the same language
    page = client.get("/console/escalations").text
    assert '<html lang="en">' in page and "Requests to staff" in page and "Sign out" in page
    assert '<option value="en" lang="en" selected>English</option>' in page

    csrf = re.findall(r'name="csrf_token" value="([^"]+)"', page)[0]
    refused = client.post("/console/account/language", data={"csrf_token": csrf, "language": "de"})
    assert refused.status_code == 422
    elsewhere = client.post(
        "/console/account/language", data={"csrf_token": csrf, "language": "fr", "next": "https://evil.example/"},
        follow_redirects=False,
    )  # fmt: skip
    assert elsewhere.headers["location"] == "/console"
    assert "Demandes à l'équipe" in visible(client.get("/console/escalations").text).nodes
    without_token = client.post("/console/account/language", data={"language": "it"}, follow_redirects=False)
    assert without_token.status_code == 403
    assert sample_services.accounts().get(account.id).language == "fr"  # type: ignore[union-attr]


def test_an_admin_sets_a_members_language(client: TestClient, sample_services: Services, logged_in: LoggedIn) -> None:
    member = new_account(sample_services, "staff")
    _, csrf = logged_in("admin")
    page = client.get("/console/admin/staff").text
    assert f'aria-label="Lingua della console di {member.email}"' in page
    form = {"csrf_token": csrf, "role": "staff", "active": "yes", "language": "fr"}
    assert client.post(f"/console/admin/staff/{member.id}", data=form, follow_redirects=False).status_code == 303
    assert sample_services.accounts().get(member.id).language == "fr"  # type: ignore[union-attr]
    form = {"csrf_token": csrf, "email": "nouvelle@cluster.example.eu", "password": "correct horse battery",
            "role": "staff", "language": "en"}  # fmt: skip
    assert client.post("/console/admin/staff", data=form, follow_redirects=False).status_code == 303
    created = sample_services.accounts().find("nouvelle@cluster.example.eu")
    assert created is not None and created.language == "en"


@pytest.mark.parametrize(
    ("header", "language", "button"),
    [
        (None, "it", "Accedi"),
        ("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", "fr", "Se connecter"),
        ("de-DE,de;q=0.9,en;q=0.7,it;q=0.5", "en", "Sign in"),
        ("en-GB;q=0.3, it-IT;q=0.8", "it", "Accedi"),
        ("es, pt;q=bad", "it", "Accedi"),
    ],
)
def test_the_login_page_follows_the_browser(
    client: TestClient, header: str | None, language: Language, button: str
) -> None:
    page = client.get("/console/login", headers={"Accept-Language": header} if header else {}).text
    assert f'<html lang="{language}">' in page and f">{button}</button>" in page


def test_errors_speak_the_readers_language(client: TestClient, sample_services: Services) -> None:
    log_in_speaking(client, sample_services, "en", role="staff")
    forbidden = client.get("/console/admin/staff")
    assert forbidden.status_code == 403 and "This page is for administrators only." in forbidden.text
    missing = client.get("/console/escalations/999999")
    assert missing.status_code == 404
    assert "Request #999999 does not exist (or its data has been erased)." in missing.text
    assert italian(visible(missing.text).nodes) == []
    stale = client.post("/console/escalations/1/claim", data={"csrf_token": "stale"})
    assert "The form has expired or does not come from this console" in stale.text
    refused = TestClient(client.app).post(
        "/console/login", data={"email": "a@b.example", "password": "x"}, headers={"Accept-Language": "fr"}
    )
    assert refused.status_code == 403 and "Le formulaire a expiré : réessayez." in refused.text
