"""The web sources in the console, synced for real from the fake cluster site on 127.0.0.1:
admins add, sync, pause and remove sources and turn catalog proposals into entries the
assistant reasons on; staff only look; what a site wrote stays text; every action is audited."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import httpx
import pytest
from doubles.console import login, new_account
from doubles.fake_site import BANDO_EXPORT, BANDO_FIERE, HOME, RESERVED, FakeSite, cluster_site
from fastapi.testclient import TestClient
from test_console_languages import italian, raw_codes, visible

from api.console.catalog_form import WEB_CATALOG, number, slug
from api.console.sources import linkable
from api.console.state import ConsoleState
from api.services import Services
from api.settings_channels import WebSettings
from api.settings_sources import SourcesSettings
from api.web.app import create_app
from bot.desk.accounts import Language, Role
from knowledge.catalog import Call, parse_catalog
from knowledge.web.proposals import Proposal, Proposals
from knowledge.web.sources import WebSources

HOSTILE = "/eventi/buyer-day"
HOSTILE_TITLE = '<script>alert("sportello")</script> Buyer day'
ROME = ZoneInfo("Europe/Rome")


@dataclass
class Desk:
    """The console over services of its own, with an admin logged in (``csrf`` is the admin's)."""

    client: TestClient
    services: Services
    csrf: str

    @property
    def state(self) -> ConsoleState:
        state: ConsoleState = self.client.app.state.console  # type: ignore[attr-defined]
        return state

    def post(self, path: str, **data: object) -> httpx.Response:
        return self.client.post(path, data={"csrf_token": self.csrf, **data}, follow_redirects=False)

    def log_in(self, role: Role, language: Language = "it") -> None:
        account = new_account(self.services, role)
        self.services.accounts().update(account.id, language=language)
        self.post("/console/logout")
        self.csrf = login(self.client, account.email)

    def actions(self) -> list[str]:
        return [entry.action for entry in self.state.audit.recent()]


@pytest.fixture
def desk(make_services: Callable[..., Services]) -> Iterator[Desk]:
    services = make_services(
        sources=SourcesSettings(allow_networks=["127.0.0.0/8"], host_interval_seconds=0, schedule=False),
        web=WebSettings(desk_tasks=False),  # nothing syncs behind the test's back
    )
    with TestClient(create_app(services=services)) as client:
        admin = new_account(services, "admin")
        yield Desk(client, services, login(client, admin.email))


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with cluster_site() as served:
        served.publish(HOSTILE, _hostile_page())
        served.edit(HOME, "<ul>", f'<ul><li><a href="{HOSTILE}">Buyer day</a></li>')
        yield served


def _hostile_page() -> str:
    escaped = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{escaped}</title></head>'
        f"<body><main><h1>{escaped}</h1><p>Una giornata di incontri con buyer esteri per le imprese del cluster, "
        "con tavoli per settore e interpreti.</p></main></body></html>"
    )


def _form(url: str = "https://cluster.example.eu/", **fields: object) -> dict[str, object]:
    defaults = {"url": url, "mode": "page", "include": "", "exclude": "", "max_pages": 50, "max_depth": 2,
                "language": "", "kind": "", "every_hours": 24}  # fmt: skip
    return defaults | fields


def _add(desk: Desk, url: str, **fields: object) -> int:
    response = desk.post("/console/sources", **_form(url, **fields))
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/console/sources/(\d+)\?done=source_added", response.headers["location"])
    assert found is not None, response.headers["location"]
    return int(found.group(1))


def _synced(desk: Desk, site: FakeSite) -> int:
    source_id = _add(desk, site.url(HOME))
    response = desk.post(f"/console/sources/{source_id}/sync")
    assert response.headers["location"] == f"/console/sources/{source_id}?done=synced"
    return source_id


def _proposal(desk: Desk, url: str) -> Proposal:
    store = Proposals(desk.services.sessions, desk.services.now)
    return next(p for p in store.listing(None) if p.url == url)


def _web_documents(desk: Desk, source_id: int) -> list[str]:
    folder = str(desk.services.settings.web_dir / f"source-{source_id}") + "/"
    return [doc.source for doc in desk.services.manifest.documents() if doc.source.startswith(folder)]


def _call(site: FakeSite, **fields: str) -> dict[str, str]:
    """The confirm form for the voucher call as an admin corrects it (deadline: 10 July, noon)."""
    return {
        "id": "voucher-export-2027", "title": "Bando Voucher export 2027", "programme": "Fondi del cluster",
        "organiser": "Cluster Export Alpi", "opens": "2027-01-15", "deadline_date": "2027-07-10",
        "deadline_time": "12:00", "countries": "IT", "sectors": "", "funding_rate": "", "max_amount": "20.000",
        "url": site.url(BANDO_EXPORT), "language": "it",
        "summary": "Contributo a fondo perduto fino a 20.000 euro per fiere, consulenze e traduzioni.",
    } | fields  # fmt: skip


def test_an_admin_adds_a_source_and_a_refused_one_stores_nothing(desk: Desk) -> None:
    source_id = _add(desk, "https://cluster.example.eu/sitemap.xml", mode="sitemap", include="/bandi/\n", kind="call")
    page = desk.client.get(f"/console/sources/{source_id}?done=source_added").text
    assert "Fonte aggiunta" in page and "mappa del sito" in page and "<code>/bandi/</code>" in page
    assert "https://cluster.example.eu/sitemap.xml" in desk.client.get("/console/sources").text
    refusals = [
        ({"url": "ftp://cluster.example.eu/"}, "Indirizzo non valido"),
        ({"url": "https://user:secret@cluster.example.eu/"}, "Indirizzo non valido"),
        ({"include": "bandi/(["}, "Schema non valido"),
        ({"max_pages": 0}, "Pagine per sincronizzazione: fra 1 e 10.000."),
        ({"every_hours": 0.1}, "Frequenza"),
    ]
    for fields, message in refusals:
        sent = _form(**({"url": "https://cluster.example.eu/news"} | fields))
        response = desk.post("/console/sources", **sent)
        assert response.status_code == 400 and message in response.text, fields
        assert 'aria-invalid="true"' in response.text
        assert f'value="{sent["url"]}"' in response.text  # the form again, as typed
    assert [s.id for s in WebSources(desk.services.sessions, desk.services.now).all()] == [source_id]
    assert desk.actions().count("source_added") == 1


def test_staff_may_look_but_only_admins_change_sources_and_proposals(desk: Desk, site: FakeSite) -> None:
    source_id = _synced(desk, site)
    proposal = _proposal(desk, site.url(BANDO_EXPORT))
    desk.log_in("staff")
    for path in ("/console/sources", f"/console/sources/{source_id}", "/console/proposals"):
        page = desk.client.get(path)
        assert page.status_code == 200 and "Sincronizza ora" not in page.text and "Conferma" not in page.text
    assert "Bando Voucher export 2027" in desk.client.get("/console/proposals").text  # read, without the form
    for path in (
        "/console/sources", f"/console/sources/{source_id}/sync", f"/console/sources/{source_id}/pause",
        f"/console/sources/{source_id}/resume", f"/console/sources/{source_id}/remove",
        f"/console/proposals/{proposal.id}/confirm", f"/console/proposals/{proposal.id}/dismiss",
    ):  # fmt: skip
        response = desk.post(path, **_form("https://cluster.example.eu/"), confirm="yes")
        assert response.status_code == 403 and "riservata agli amministratori" in response.text, path
    assert WebSources(desk.services.sessions, desk.services.now).get(source_id) is not None
    assert _proposal(desk, site.url(BANDO_EXPORT)).status == "pending"
    assert desk.actions().count("source_synced") == 1 and "source_removed" not in desk.actions()


def test_sync_now_indexes_the_pages_and_the_log_shows_the_page_robots_refused(desk: Desk, site: FakeSite) -> None:
    source_id = _synced(desk, site)
    page = desk.client.get(f"/console/sources/{source_id}?done=synced").text
    assert "Sincronizzazione terminata" in page and "Bando Voucher export 2027" in page
    assert f'<a href="{site.url(BANDO_EXPORT)}" rel="noopener noreferrer nofollow">' in page
    assert "30/06/2027" in page and "15/09/2027" in page  # the deadlines read from the call pages
    log = page.split("Ultime sincronizzazioni")[1]
    assert "rifiutata" in log and site.url(RESERVED) in log and "robots.txt" in log
    assert log.index(site.url(RESERVED)) < log.index(site.url(BANDO_EXPORT))  # what to act on first
    assert len(_web_documents(desk, source_id)) >= 7  # home, two calls, about, news, the PDF, the buyer day
    listing = desk.client.get("/console/sources").text
    assert "riuscita" in listing and "aggiunte: 7" in listing and "rifiutate: 1" in listing
    audited = next(e for e in desk.state.audit.recent() if e.action == "source_synced")
    assert (
        audited.detail["outcome"] == "ok" and audited.detail["refused"] == 1 and audited.target == f"source {source_id}"
    )


def test_what_a_site_wrote_stays_text(desk: Desk, site: FakeSite) -> None:
    source_id = _synced(desk, site)
    page = desk.client.get(f"/console/sources/{source_id}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;sportello&#34;)&lt;/script&gt; Buyer day" in page
    assert linkable("https://cluster.example.eu/") and linkable("HTTP://cluster.example.eu/")
    assert not linkable("javascript:alert(1)") and not linkable(" javascript:alert(1)") and not linkable(None)


def test_the_proposals_page_lists_the_two_call_pages_with_their_forms(desk: Desk, site: FakeSite) -> None:
    _synced(desk, site)
    page = desk.client.get("/console/proposals").text
    for path in (BANDO_EXPORT, BANDO_FIERE):
        assert f'<a href="{site.url(path)}" rel="noopener noreferrer nofollow">' in page
    assert "20.000 euro" in page and "30/06/2027" in page and "50%" in page and "15/09/2027" in page
    assert 'value="bando-voucher-export-2027"' in page and 'value="2027-06-30"' in page and 'value="23:59"' in page
    assert 'value="20000"' in page and 'value="50"' in page  # the amount and the rate, as numbers
    assert "Proposte per il catalogo da rivedere: 2" in desk.client.get("/console/knowledge").text
    assert "Proposte per il catalogo da rivedere: 2" in desk.client.get("/console/sources").text


def test_a_confirmed_proposal_becomes_a_catalog_entry_the_assistant_uses(desk: Desk, site: FakeSite) -> None:
    _synced(desk, site)
    proposal = _proposal(desk, site.url(BANDO_EXPORT))
    response = desk.post(f"/console/proposals/{proposal.id}/confirm", **_call(site))
    assert response.headers["location"] == "/console/proposals?done=proposal_confirmed"
    records = {r.entry.id: r for r in desk.services.manifest.catalog_entries()}
    entry = records["voucher-export-2027"].entry
    assert isinstance(entry, Call) and entry.deadline == dt.datetime(2027, 7, 10, 12, 0, tzinfo=ROME)
    assert entry.max_amount == 20000 and entry.countries == ["IT"] and entry.opens == dt.date(2027, 1, 15)
    assert records["voucher-export-2027"].source.startswith(str(desk.services.settings.upload_dir / WEB_CATALOG))
    assert desk.state.assistant.catalog_desk().record("voucher-export-2027") is not None
    assert "scadenza 10 luglio 2027, ore 12:00" in _ask(desk, "Qual è la scadenza del Bando Voucher export 2027?")
    assert _proposal(desk, site.url(BANDO_EXPORT)).entry_id == "voucher-export-2027"
    assert site.url(BANDO_EXPORT) not in desk.client.get("/console/proposals").text
    audited = next(e for e in desk.state.audit.recent() if e.action == "proposal_confirmed")
    assert audited.detail["deadline_read"] == "2027-06-30" and audited.detail["deadline"] == "2027-07-10T12:00:00+02:00"

    fiere = _proposal(desk, site.url(BANDO_FIERE))
    second = _call(site, id="fiere-2027", title="Bando Fiere internazionali 2027", opens="2027-01-10",
                   deadline_date="2027-09-15", deadline_time="23:59", funding_rate="50", max_amount="")  # fmt: skip
    assert desk.post(f"/console/proposals/{fiere.id}/confirm", **second).status_code == 303
    stored = (desk.services.settings.upload_dir / WEB_CATALOG).read_text(encoding="utf-8")
    assert [c.id for c in parse_catalog(stored, WEB_CATALOG).calls] == ["voucher-export-2027", "fiere-2027"]
    assert WEB_CATALOG in [upload.name for upload in desk.services.uploads().listing()]


def test_a_refused_field_shows_the_form_again_and_stores_nothing(desk: Desk, site: FakeSite) -> None:
    _synced(desk, site)
    proposal = _proposal(desk, site.url(BANDO_EXPORT))
    for fields, message in (
        ({"opens": "2027-08-01"}, "L'apertura non può essere dopo la scadenza."),
        ({"id": "Voucher Export!"}, "Da 2 a 80 lettere minuscole"),
        ({"deadline_date": "30/06/2027"}, "Una data come 2027-06-30."),
        ({"organiser": " "}, "Campo obbligatorio."),
        ({"countries": "Italia"}, "countries"),
    ):
        response = desk.post(f"/console/proposals/{proposal.id}/confirm", **_call(site, **fields))
        page = response.text.replace("&#39;", "'")
        assert response.status_code == 400 and message in page, fields
        assert f'aria-describedby="problem-{proposal.id}"' in page and 'value="Fondi del cluster"' in page
    assert "voucher-export-2027" not in {r.entry.id for r in desk.services.manifest.catalog_entries()}
    assert _proposal(desk, site.url(BANDO_EXPORT)).status == "pending" and desk.services.uploads().listing() == []
    assert "proposal_confirmed" not in desk.actions()


def test_dismissing_takes_a_proposal_off_the_list(desk: Desk, site: FakeSite) -> None:
    _synced(desk, site)
    proposal = _proposal(desk, site.url(BANDO_FIERE))
    response = desk.post(f"/console/proposals/{proposal.id}/dismiss")
    assert response.headers["location"] == "/console/proposals?done=proposal_dismissed"
    page = desk.client.get("/console/proposals").text
    assert site.url(BANDO_FIERE) not in page and site.url(BANDO_EXPORT) in page
    assert _proposal(desk, site.url(BANDO_FIERE)).status == "dismissed"
    again = desk.post(f"/console/proposals/{proposal.id}/dismiss")
    assert again.headers["location"] == "/console/proposals?error=proposal_decided"
    assert desk.actions().count("proposal_dismissed") == 1


def test_pausing_and_resuming_a_source(desk: Desk) -> None:
    source_id = _add(desk, "https://cluster.example.eu/")
    assert desk.post(f"/console/sources/{source_id}/pause").headers["location"] == "/console/sources?done=source_paused"
    assert [s.enabled for s in WebSources(desk.services.sessions, desk.services.now).all()] == [False]
    assert "in pausa" in desk.client.get("/console/sources").text
    assert desk.post(f"/console/sources/{source_id}/resume").status_code == 303
    assert [s.enabled for s in WebSources(desk.services.sessions, desk.services.now).all()] == [True]
    assert desk.post("/console/sources/999/pause").status_code == 404
    assert [a for a in desk.actions() if a.startswith("source_")] == ["source_resumed", "source_paused", "source_added"]


def test_removing_a_source_takes_its_pages_out_of_the_index(desk: Desk, site: FakeSite) -> None:
    source_id = _synced(desk, site)
    assert _web_documents(desk, source_id)
    unconfirmed = desk.post(f"/console/sources/{source_id}/remove")
    assert unconfirmed.headers["location"] == f"/console/sources/{source_id}?error=confirm_remove"
    assert WebSources(desk.services.sessions, desk.services.now).get(source_id) is not None
    response = desk.post(f"/console/sources/{source_id}/remove", confirm="yes")
    assert response.headers["location"] == "/console/sources?done=source_removed"
    assert WebSources(desk.services.sessions, desk.services.now).get(source_id) is None
    assert _web_documents(desk, source_id) == []
    assert not list((desk.services.settings.web_dir / f"source-{source_id}").glob("*"))
    audited = next(e for e in desk.state.audit.recent() if e.action == "source_removed")
    assert audited.detail["documents_removed"] >= 7 and audited.detail["url"] == site.url(HOME)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_web_source_pages_speak_the_members_language(desk: Desk, site: FakeSite, language: Language) -> None:
    source_id = _synced(desk, site)
    desk.log_in("admin", language)
    paths = ("/console/sources", f"/console/sources/{source_id}?done=synced", "/console/proposals",
             "/console/proposals?error=proposal_decided", "/console/knowledge")  # fmt: skip
    for path in paths:
        page = desk.client.get(path).text
        seen = visible(page)
        assert f'<html lang="{language}">' in page, path
        assert raw_codes(seen.nodes, language) == [], path
        assert _italian_beyond_the_site(seen.nodes + seen.attributes) == [], path
    audit = desk.client.get("/console/admin/audit").text
    assert ("web source synced" if language == "en" else "source web synchronisée") in audit


def _italian_beyond_the_site(texts: list[str]) -> list[str]:
    """Italian on the page that the fake site did not write (its titles and text are Italian)."""
    site_words = ("Cluster Export Alpi", "Chi siamo", "Missione imprenditoriale", "Bando", "guida export", "euro")
    return italian(t for t in texts if not any(word in t for word in site_words))


def _ask(desk: Desk, question: str) -> str:
    assistant = desk.state.assistant
    return assistant.reply(assistant.start("web", uuid.uuid4().hex), question).text


def test_form_helpers() -> None:
    assert slug("Bando Voucher export 2027") == "bando-voucher-export-2027" and slug("Élan") == "elan"
    assert slug("!") == "voce-web"
    assert number("20.000 euro") == "20000" and number("€ 1.500,50") == "1500.50" and number("20,000") == "20000"
    assert number("50%") == "50" and number("2,5") == "2.5" and number("") == ""
