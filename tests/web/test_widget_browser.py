"""The embeddable widget (api/web/static/widget.js) in a real Chromium against the real server.

Playwright's CSS selectors pierce the widget's open shadow root, so ``.msg.assistant`` finds
elements inside it. Every page fails its test on a JavaScript error, on an ``alert`` (or any
dialog) and on a request that leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from doubles.browser import CHROMIUM, Watched, chromium
from sqlalchemy import select

from api.services import Services
from bot.conversation.tables import FeedbackRow

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Locator, Page, Route, expect

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
JAPAN = "Entro quando posso iscrivermi alla missione in Giappone?"
ANSWER_TIMEOUT_MS = 20_000
expect.set_options(timeout=ANSWER_TIMEOUT_MS)  # an answer on a cold server can take seconds


class LiveServer(Protocol):
    """What tests/web/conftest.py's ``live_server`` offers."""

    url: str
    services: Services

    def conversation_for_token(self, token: str) -> int: ...

    def staff_reply(self, conversation_id: int, text: str) -> int: ...


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@contextmanager
def watched_page(browser: Browser, live_server: LiveServer, **context_options: Any) -> Iterator[Watched]:
    """A fresh browser context (its own localStorage) with one watched page."""
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 800}} | context_options))
    context.set_default_timeout(ANSWER_TIMEOUT_MS)
    watched = Watched(context.new_page(), live_server.url)
    try:
        yield watched
        watched.check()
    finally:
        context.close()


@pytest.fixture
def watched(browser: Browser, live_server: LiveServer) -> Iterator[Watched]:
    with watched_page(browser, live_server) as watched:
        yield watched


@pytest.fixture
def page(watched: Watched) -> Page:
    return watched.page


# -- helpers ----------------------------------------------------------------------------------


def shadow_eval(page: Page, body: str) -> Any:
    """Evaluate ``body`` (a function of the widget's shadow root) in the page."""
    return page.evaluate(f"(() => {{ const root = document.querySelector('sportello-chat').shadowRoot; {body} }})()")


def focused(page: Page) -> str:
    """What has the focus inside the widget, as ``tag.class`` (or ``outside``)."""
    return str(
        page.evaluate(
            """() => {
                const host = document.querySelector('sportello-chat');
                if (document.activeElement !== host) return 'outside';
                const el = host.shadowRoot.activeElement;
                return el ? el.tagName.toLowerCase() + '.' + [...el.classList].join('.') : 'none';
            }"""
        )
    )


def open_and_consent(page: Page, url: str) -> None:
    page.goto(url + "/")
    page.locator("button.launcher").click()
    page.locator("button.agree").click()
    expect(page.locator("textarea")).to_be_focused()


def ask(page: Page, text: str) -> Locator:
    """Send ``text`` and wait for the finished answer; returns it."""
    done = page.locator(".msg.assistant[data-done]")
    before = done.count()
    page.locator("textarea").fill(text)
    page.locator("textarea").press("Enter")
    expect(done).to_have_count(before + 1)
    return done.last


def token_of(page: Page, url: str) -> str:
    token = page.evaluate("key => localStorage.getItem(key)", f"sportello:{url}")
    assert isinstance(token, str) and token
    return token


# Records, in order, the text nodes put into an unfinished answer (the streamed draft) and the
# moment an answer is marked done. A MutationObserver keeps every record, so a draft replaced
# within the same task is still seen.
TRACE_DRAFTS = """() => {
    const log = document.querySelector('sportello-chat').shadowRoot.querySelector('.log');
    window.__trace = [];
    new MutationObserver(records => {
        for (const r of records) {
            if (r.type === 'attributes') window.__trace.push(['done', '']);
            else if (r.target.classList && r.target.classList.contains('body'))
                for (const n of r.addedNodes) if (n.nodeType === 3) window.__trace.push(['draft', n.data]);
        }
    }).observe(log, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-done']});
}"""


def assert_within_viewport(page: Page, locator: Locator, *, vertically: bool = True) -> None:
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 0.5, (box, viewport)
    if vertically:
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 0.5, (box, viewport)


# -- tests ------------------------------------------------------------------------------------


def test_a_question_streams_its_answer_with_sources_and_survives_a_reload(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    launcher = page.locator("button.launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    panel = page.locator("[role=dialog]")
    expect(panel).to_be_visible()
    expect(panel).to_have_accessible_name("Sportello Cluster Europa")
    # Nothing is sent before consent; the consent button has the focus.
    expect(page.locator("button.agree")).to_be_focused()
    expect(page.locator("button.agree")).to_have_text("Accetto")
    expect(page.locator("textarea")).to_be_hidden()
    # The host page styles every button hot pink with !important: not inside the shadow root.
    background = page.locator("button.agree").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(11, 92, 173)"
    page.locator("button.agree").click()
    expect(page.locator("textarea")).to_be_focused()
    expect(page.locator(".suggest button").first).to_be_visible()

    page.evaluate(TRACE_DRAFTS)
    with page.expect_response(lambda r: r.url.endswith("/api/messages")) as streamed:
        answer = ask(page, JAPAN)
    response = streamed.value
    assert response.request.headers["accept"] == "text/event-stream"
    assert response.headers["content-type"].startswith("text/event-stream")
    # Tokens were shown as they came, before the `done` reply replaced them with its text.
    trace = page.evaluate("window.__trace")
    drafts = [text for kind, text in trace[: trace.index(["done", ""])] if kind == "draft"]
    assert drafts and "Giappone" in drafts[-1], trace
    token = token_of(page, live_server.url)
    history = httpx.get(f"{live_server.url}/api/history", headers={"Authorization": f"Bearer {token}"}).json()
    reply = history["messages"][-1]
    assert reply["role"] == "assistant"
    expected_text = " ".join(reply["text"].replace("**", "").split())
    assert " ".join(answer.locator(".body").inner_text().split()) == expected_text
    expect(answer).to_contain_text("15 marzo 2027")
    expect(page.locator(".suggest")).to_be_hidden()
    source = answer.locator(".sources a").first
    expect(source).to_have_attribute("href", re.compile(r"^https?://"))
    expect(source).to_have_attribute("rel", "noopener noreferrer")
    expect(source).to_have_attribute("target", "_blank")
    expect(answer.locator(".sources li").first).to_contain_text("[1] ")
    # Screen readers hear the finished answer once, from the live region.
    expect(page.locator("[aria-live=polite]")).to_have_text(expected_text)

    answer.get_by_role("button", name="Risposta utile").click()
    expect(answer.get_by_role("button", name="Risposta utile")).to_have_attribute("aria-pressed", "true")
    expect(answer.locator(".fb-status")).to_have_text("Grazie, riscontro registrato.")
    with live_server.services.sessions() as session:
        ratings = session.scalars(select(FeedbackRow.rating).where(FeedbackRow.message_id == reply["id"]))
        assert list(ratings) == [1]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "widget-desktop.png")

    page.reload()
    page.locator("button.launcher").click()
    expect(page.locator(".msg.user")).to_have_text(re.compile(re.escape(JAPAN)))
    restored = page.locator(".msg.assistant", has_text="15 marzo 2027")
    expect(restored.locator(".sources a").first).to_have_attribute("href", re.compile(r"^https?://"))
    expect(page.locator("textarea")).to_be_focused()
    expect(page.locator(".suggest")).to_be_hidden()

    # Starting over forgets the session.
    page.get_by_role("button", name="Nuova conversazione").click()
    expect(page.locator(".msg")).to_have_count(0)
    assert page.evaluate("key => localStorage.getItem(key)", f"sportello:{live_server.url}") is None


def test_a_person_is_asked_for_and_a_staff_reply_arrives_live(page: Page, live_server: LiveServer) -> None:
    open_and_consent(page, live_server.url)
    page.get_by_role("button", name="Parla con una persona").click()
    expect(page.locator(".msg.assistant[data-done]")).to_have_count(1)  # the welcome is not a reply
    ask(page, "no")  # the assistant asks for contact details first; "no" hands over without them

    token = token_of(page, live_server.url)
    history = httpx.get(f"{live_server.url}/api/history", headers={"Authorization": f"Bearer {token}"}).json()
    expected = history["escalation"]["expected_reply"]
    banner = page.locator(".banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(expected)

    conversation = live_server.conversation_for_token(token)
    live_server.staff_reply(conversation, "Buongiorno, sono Giulia dello sportello: la richiamo lunedì mattina.")
    staff = page.locator(".msg.staff")
    expect(staff).to_contain_text("la richiamo lunedì mattina", timeout=10_000)
    expect(staff.locator(".who")).to_have_text("Operatore:")
    expect(page.locator("[aria-live=polite]")).to_contain_text("Operatore: Buongiorno")

    page.reload()
    page.locator("button.launcher").click()
    expect(page.locator(".msg.staff")).to_contain_text("la richiamo lunedì mattina")
    expect(page.locator(".banner")).to_contain_text(expected)


def test_untrusted_text_is_shown_as_text_never_run(page: Page, live_server: LiveServer) -> None:
    open_and_consent(page, live_server.url)
    payload = "<img src=x onerror=alert(1)> <script>alert(2)</script>"
    ask(page, payload)
    expect(page.locator(".msg.user").last).to_contain_text(payload)

    # Staff text goes through the widget's Markdown subset: formatting yes, markup and scripts no.
    token = token_of(page, live_server.url)
    live_server.staff_reply(
        live_server.conversation_for_token(token),
        "**Importante**: vedi [il bando](https://example.org/bando) e [questo](javascript:alert(3)), "
        "oppure https://example.org/faq.\n\n- primo punto\n- <img src=x onerror=alert(4)>",
    )
    staff = page.locator(".msg.staff")
    expect(staff).to_be_visible(timeout=10_000)
    expect(staff.locator("strong")).to_have_text("Importante")
    expect(staff.locator("li")).to_have_count(2)
    expect(staff.locator("li").last).to_have_text("<img src=x onerror=alert(4)>")
    links = staff.locator("a")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [
        "https://example.org/bando",
        "https://example.org/faq",
    ]
    for i in range(2):
        expect(links.nth(i)).to_have_attribute("rel", "noopener noreferrer")
    expect(staff).to_contain_text("questo")
    assert shadow_eval(page, "return root.querySelectorAll('img, script, iframe, [onerror]').length;") == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.wait_for_timeout(300)  # a late onerror would fire now; the page fixture fails on any dialog


def test_the_whole_conversation_works_from_the_keyboard(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page) == "button.launcher":
            break
    assert focused(page) == "button.launcher"
    page.keyboard.press("Enter")
    expect(page.locator("[role=dialog]")).to_be_visible()
    expect(page.locator("button.agree")).to_be_focused()
    page.keyboard.press("Enter")
    textarea = page.locator("textarea")
    expect(textarea).to_be_focused()

    # Shift+Enter is a new line; Enter sends.
    page.keyboard.type("riga uno")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("riga due")
    expect(textarea).to_have_value("riga uno\nriga due")
    expect(page.locator(".msg.user")).to_have_count(0)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    page.keyboard.type(JAPAN)
    page.keyboard.press("Enter")
    answer = page.locator(".msg.assistant[data-done]")
    expect(answer).to_contain_text("15 marzo 2027")
    expect(textarea).to_have_value("")
    expect(textarea).to_be_focused()

    # Back from the input to the answer's thumbs, and rate it.
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "button.fb.down"
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "button.fb.up"
    page.keyboard.press("Enter")
    expect(answer.locator("button.fb.up")).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("Escape")
    expect(page.locator("[role=dialog]")).to_be_hidden()
    assert focused(page) == "button.launcher"
    expect(page.locator("button.launcher")).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(textarea).to_be_focused()


def test_no_serious_accessibility_violations_with_a_conversation_open(page: Page, live_server: LiveServer) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")

    open_and_consent(page, live_server.url)
    ask(page, JAPAN)
    results = axe.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()


@pytest.mark.parametrize("width", [320, 360])
def test_a_small_phone_gets_the_whole_panel(browser: Browser, live_server: LiveServer, width: int) -> None:
    viewport = {"width": width, "height": 740}
    with watched_page(browser, live_server, viewport=viewport, device_scale_factor=2) as watched:
        page = watched.page
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.scrollWidth") == width  # the page never scrolls sideways
        assert_within_viewport(page, page.locator("button.launcher"))
        page.locator("button.launcher").click()
        panel = page.locator("[role=dialog]")
        assert_within_viewport(page, panel)
        box = panel.bounding_box()
        assert box is not None and box["width"] == width  # full width on small screens
        page.locator("button.agree").click()
        # A suggested question is one tap away, and sends itself.
        suggestion = page.locator(".suggest button").first
        question = suggestion.inner_text()
        suggestion.click()
        expect(page.locator(".msg.user")).to_have_text(re.compile(re.escape(question)))
        expect(page.locator(".msg.assistant[data-done]")).to_have_count(1)
        for part in ("textarea", "button.send", "button.x"):
            assert_within_viewport(page, page.locator(part))
        # A long answer scrolls inside the log, but never sideways.
        assert_within_viewport(page, page.locator(".msg.assistant[data-done]"), vertically=False)
        assert shadow_eval(page, "const log = root.querySelector('.log'); return log.scrollWidth <= log.clientWidth;")
        assert page.evaluate("document.documentElement.scrollWidth") == width
        if width == 360:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / "widget-phone.png")


def embedding_page(url: str, attributes: str) -> str:
    return (
        "<!doctype html><html lang='x'><head><meta charset='utf-8'><title>Embed</title></head>"
        "<body><main><h1>Embed</h1><div id='chat'></div></main>"
        f"<script src='{url}/widget.js' data-sportello-url='{url}' {attributes} async></script></body></html>"
    )


def test_english_interface_follows_data_lang(page: Page, live_server: LiveServer) -> None:
    url = live_server.url
    page.route(
        f"{url}/embed-en",
        lambda route: route.fulfill(content_type="text/html", body=embedding_page(url, "data-lang='en'")),
    )
    with page.expect_request(lambda r: "/api/config" in r.url) as config_request:
        page.goto(f"{url}/embed-en")
        expect(page.locator("button.launcher")).to_have_accessible_name("Open the chat: Help desk")
        page.locator("button.launcher").click()
    assert config_request.value.url.endswith("/api/config?lang=en")
    expect(page.locator("[role=dialog]")).to_have_accessible_name("Help desk")
    expect(page.locator("button.agree")).to_have_text("I agree")
    privacy = httpx.get(f"{url}/api/config", params={"lang": "en"}).json()["privacy"]
    expect(page.locator(".consent p")).to_have_text(privacy)
    expect(page.get_by_role("button", name="Close the chat", exact=True)).to_be_visible()


def test_without_data_lang_the_browser_language_is_used(browser: Browser, live_server: LiveServer) -> None:
    url = live_server.url
    with watched_page(browser, live_server, locale="fr-FR") as watched:
        page = watched.page
        page.route(f"{url}/embed", lambda route: route.fulfill(content_type="text/html", body=embedding_page(url, "")))
        page.goto(f"{url}/embed")
        expect(page.locator("button.launcher")).to_have_accessible_name("Ouvrir le chat: Guichet")


def test_french_inline_widget_under_a_strict_content_security_policy(page: Page, live_server: LiveServer) -> None:
    url = live_server.url
    strict = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'"
    attributes = (
        "data-lang='fr' data-mode='inline' data-target='#chat' data-title='Guichet Cluster' data-color='#ffd23f'"
    )
    page.route(
        f"{url}/embed-fr",
        lambda route: route.fulfill(
            content_type="text/html", headers={"Content-Security-Policy": strict}, body=embedding_page(url, attributes)
        ),
    )
    page.goto(f"{url}/embed-fr")
    region = page.locator("#chat [role=region]")
    expect(region).to_be_visible()
    expect(region).to_have_accessible_name("Guichet Cluster")
    expect(page.locator("button.launcher")).to_have_count(0)
    # Styled although the page forbids inline <style>: the sheet is a constructed one.
    assert region.evaluate("el => getComputedStyle(el).display") == "flex"
    agree = page.locator("button.agree")
    expect(agree).to_have_text("J'accepte")
    # A light brand colour gets dark text on it (contrast 4.5:1 or more).
    assert agree.evaluate("b => getComputedStyle(b).color") == "rgb(26, 26, 26)"
    agree.click()
    expect(page.get_by_role("textbox", name="Écrivez votre question")).to_be_visible()
    suggestions = httpx.get(f"{url}/api/config", params={"lang": "fr"}).json()["suggestions"]
    expect(page.locator(".suggest button").first).to_have_text(suggestions[0])
    expect(page.get_by_role("button", name="Parler à une personne")).to_be_visible()


def test_busy_server_and_failures_get_a_kind_message(page: Page, live_server: LiveServer) -> None:
    open_and_consent(page, live_server.url)
    messages = f"{live_server.url}/api/messages"
    textarea = page.locator("textarea")

    def too_many(route: Route) -> None:
        route.fulfill(
            status=429,
            headers={"Retry-After": "17"},
            json={"error": {"code": "rate_limited", "message": "Too many", "retry_after": 17}},
        )

    page.route(messages, too_many)
    textarea.fill("Una domanda")
    textarea.press("Enter")
    expect(page.locator(".notice").last).to_have_text("Troppi messaggi, riprova tra 17 secondi.")
    expect(textarea).to_have_value("Una domanda")  # kept, to send again later
    expect(page.locator(".msg.user")).to_have_count(0)  # the server did not take it
    page.unroute(messages)

    # A server error or a stream cut short: the message stays queued with its client id, the
    # widget says so and sends it again by itself; once the server answers, one turn is stored.
    sent_ids: list[str] = []

    def failing(route: Route) -> None:
        sent_ids.append(json.loads(route.request.post_data or "{}")["client_id"])
        route.fulfill(status=500, json={"error": {"code": "internal", "message": "x"}})

    page.route(messages, failing)
    textarea.press("Enter")
    expect(page.locator(".msg.user .pending-note")).to_have_text("Non ancora inviato: riprovo appena possibile…")
    expect(textarea).to_have_value("")  # the widget holds it now
    page.unroute(messages)
    broken = (
        'event: token\ndata: {"text": "Una risposta a me"}\n\n'
        'event: error\ndata: {"code": "internal", "message": "x"}\n\n'
    )

    def cut_short(route: Route) -> None:
        sent_ids.append(json.loads(route.request.post_data or "{}")["client_id"])
        route.fulfill(status=200, content_type="text/event-stream", body=broken)

    page.route(messages, cut_short)
    for _ in range(200):  # the widget's own backoff (1 s, then 2 s) resends it
        if len(sent_ids) >= 2:
            break
        page.wait_for_timeout(50)
    assert len(sent_ids) >= 2 and len(set(sent_ids)) == 1  # the same message, the same id
    page.unroute(messages)
    answered = page.locator(".msg.assistant[data-done]")
    expect(answered).to_have_count(1, timeout=20_000)  # the real server answers the resend
    expect(page.locator(".msg.user .pending-note")).to_have_count(0)
    expect(page.locator(".msg.user")).to_have_count(1)
    token = token_of(page, live_server.url)
    history = httpx.get(f"{live_server.url}/api/history", headers={"Authorization": f"Bearer {token}"}).json()
    history = history["messages"]
    assert [(m["role"], m["client_id"]) for m in history] == [("user", sent_ids[0]), ("assistant", None)]

    # Still working: a stream with CRLF line ends, then a plain JSON reply (no stream).
    citation = {"n": 1, "title": "Guida", "section": "Spese", "page": 4, "url": "ftp://127.0.0.1/guida.pdf"}
    reply = {
        "message_id": 999_998, "text": "Risposta **in streaming** [1].\n\n- uno\n- due", "language": "it",
        "decision": "answer", "reason": "", "outcome": "", "citations": [citation], "options": [], "escalation": None,
    }  # fmt: skip
    crlf = sse("token", {"text": "Bozza"}) + sse("citation", citation) + sse("done", reply)
    page.route(messages, lambda route: route.fulfill(content_type="text/event-stream", body=crlf.replace("\n", "\r\n")))
    textarea.fill("Ancora una")
    textarea.press("Enter")
    streamed = page.locator(".msg.assistant[data-done]").last
    expect(streamed.locator("strong")).to_have_text("in streaming")
    expect(streamed.locator(".body li")).to_have_count(2)
    # Only http(s) sources become links.
    expect(streamed.locator(".sources li")).to_have_text("[1] Guida — Spese, p. 4")
    expect(streamed.locator(".sources a")).to_have_count(0)
    expect(textarea).to_have_value("")
    page.unroute(messages)

    page.route(
        messages, lambda route: route.fulfill(json={"reply": reply | {"message_id": 999_999, "text": "In JSON."}})
    )
    textarea.fill("E una terza")
    textarea.press("Enter")
    expect(page.locator(".msg.assistant[data-done]").last.locator(".body")).to_have_text("In JSON.")


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def staff_message(message_id: int, text: str) -> dict[str, Any]:
    return {
        "id": message_id, "role": "staff", "text": text, "citations": [], "created_at": "2026-11-21T10:00:00+00:00",
        "decision": None, "outcome": None,
    }  # fmt: skip


def test_live_replies_reconnect_and_resume_after_the_last_message(page: Page, live_server: LiveServer) -> None:
    """The events stream ends (a proxy timeout, a restart): the widget reconnects after the last id it saw."""
    calls: list[str] = []

    def events(route: Route) -> None:
        calls.append(route.request.url)
        body = ": ping\n\n"
        if len(calls) == 1:
            body = sse("message", staff_message(900_001, "Prima risposta"))
        elif len(calls) == 2:  # the first message again (ignored), a new one, the escalation's new state
            body = (
                sse("message", staff_message(900_001, "Prima risposta"))
                + sse("message", staff_message(900_002, "Seconda risposta"))
                + sse("escalation", {"escalation": {"id": 1, "status": "assigned", "expected_reply": "Entro oggi."}})
            )
        route.fulfill(content_type="text/event-stream", body=body)

    page.route("**/api/events?*", events)
    open_and_consent(page, live_server.url)
    expect(page.locator(".msg.staff")).to_have_count(1)
    page.keyboard.press("Escape")  # closed: the next reply shows as a count on the launcher
    expect(page.locator(".msg.staff")).to_have_count(2)
    assert calls[0].endswith("/api/events?after=0") and calls[1].endswith("/api/events?after=900001")
    expect(page.locator(".badge")).to_have_text("1")
    expect(page.locator("button.launcher")).to_have_accessible_name(re.compile(r"\(1 nuovi messaggi\)$"))
    page.locator("button.launcher").click()
    expect(page.locator(".badge")).to_be_hidden()
    expect(page.locator(".banner")).to_have_text("La conversazione è stata passata a un operatore. Entro oggi.")


def test_markup_inside_a_source_document_is_shown_as_text(browser: Browser, hostile_server: str) -> None:
    server = type("Server", (), {"url": hostile_server})()
    with watched_page(browser, server) as watched:  # type: ignore[arg-type]
        page = watched.page
        open_and_consent(page, hostile_server)
        answer = ask(page, "Qual è la scadenza del bando Zeta?")
        # Ingestion keeps a Markdown page's words, not its inline HTML; the title's markup is shown as text.
        expect(answer).to_contain_text("3 marzo 2027 entro le 12 & non oltre")
        expect(answer).to_contain_text("Bando Zeta <img src=x onerror=alert(1)>")
        assert shadow_eval(page, "return root.querySelectorAll('img, script, b[onmouseover], u').length;") == 0
        page.wait_for_timeout(300)
