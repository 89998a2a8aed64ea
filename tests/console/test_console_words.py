"""The console shows words, not the codes the data holds (issue 22): statuses, reasons,
channels, kinds, decisions, roles and audit actions on the queue, request, knowledge,
analytics and log pages; and "take" is offered only for a request nobody has taken."""

from __future__ import annotations

import re
from collections.abc import Callable

from doubles.console import form_token
from fastapi.testclient import TestClient

from api.services import Services
from bot.conversation.records import HANDOFF_REASONS
from bot.desk.accounts import Role, StaffAccount
from bot.desk.words import WORDS, country, word

LoggedIn = Callable[[Role], tuple[StaffAccount, str]]
CODES = {code for group in WORDS.values() for code in group if "_" in code or (code.isascii() and code.islower())}
"""Every code the console has a word for (the words themselves are checked not to be codes)."""
CELL = re.compile(r"<(td|dd|span class=\"status[^\"]*\"|span class=\"decision\")[^>]*>([^<]*)<")


def shown(page: str) -> list[str]:
    """The text of the table cells, detail values, statuses and decisions of a page."""
    return [text.strip() for _, text in CELL.findall(page) if text.strip()]


def test_pages_show_words_and_take_is_offered_only_before_someone_takes_it(
    client: TestClient, sample_services: Services, logged_in: LoggedIn
) -> None:
    store = sample_services.assistant().store
    escalations = []
    for n, (channel, reason) in enumerate(zip(["web", "telegram"] * 4, HANDOFF_REASONS, strict=False)):
        conversation = store.start_conversation(store.contact(channel, f"words-{n}", name="Tessuti Srl"), "it")
        store.add_message(conversation, "user", f"Domanda {n} sulla missione in Giappone")
        escalations.append(store.open_escalation(conversation, reason, f"Domanda {n}", {"company": "Tessuti Srl"}))
    _, csrf = logged_in("admin")
    taken = escalations[0]
    client.post(f"/console/escalations/{taken}/claim", data={"csrf_token": csrf})
    client.post(f"/console/escalations/{escalations[1]}/resolve", data={"csrf_token": csrf})

    pages = {path: client.get(path).text for path in (
        "/console/escalations", "/console/escalations?view=resolved", f"/console/escalations/{taken}",
        f"/console/escalations/{escalations[2]}", "/console/knowledge", "/console/analytics", "/console/admin/audit",
    )}  # fmt: skip
    for path, page in pages.items():
        codes = sorted({text for text in shown(page) if text in CODES})
        assert codes == [], (path, codes)
    queue = pages["/console/escalations"]
    assert "pratica personale" in queue and "chat del sito" in queue and "da prendere" in queue
    assert "presa in carico" in pages[f"/console/escalations/{taken}"]
    assert "Prendi in carico" not in pages[f"/console/escalations/{taken}"]  # taken: not offered again
    assert "Prendi in carico" in pages[f"/console/escalations/{escalations[2]}"]
    assert form_token(pages[f"/console/escalations/{escalations[2]}"])


def test_every_word_is_a_word_in_each_language() -> None:
    for group, words in WORDS.items():
        for code, (italian, english, french) in words.items():
            assert (italian and italian != code) or code in ("faq", "staff"), (group, code)
            assert english and french, (group, code)
            assert word(code, group, "en") == english and word(code, group, "fr") == french
    assert word("no_such_code", "status", "en") == "no_such_code"  # shown as itself, not lost
    assert country("JP", "it") == "Giappone" and country("JP", "en") == "Japan" and country("JP", "fr") == "Japon"
