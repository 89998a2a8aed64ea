"""Follow-ups, policy topics, confidence, office hours and the details collected for staff."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.conversation.handoff import Details, OfficeHours, missing_details, parse_details
from bot.conversation.policy import editions_first, policy_topic, resolve_follow_up, retrieval_confidence
from bot.conversation.state import ConversationState, Pending, Topic
from knowledge.countries import countries_in
from retrieval.passages import Passage

JAPAN = Topic("Entro quando mi iscrivo alla missione in Giappone?", "Missione in Giappone 2027", ["JP"], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("e per il Canada?", "Entro quando mi iscrivo alla missione in Canada?"),
        ("And for the USA?", "Entro quando mi iscrivo alla missione in USA?"),
        ("et pour l'Indonésie ?", "Entro quando mi iscrivo alla missione in Indonésie?"),
        ("quanto costa?", "quanto costa? (Missione in Giappone 2027)"),
        ("how much is it?", "how much is it? (Missione in Giappone 2027)"),
        ("Che cos'è il DURC?", "Che cos'è il DURC?"),
    ],
)
def test_follow_ups_are_resolved_against_the_topic(text: str, expected: str) -> None:
    assert resolve_follow_up(text, countries_in(text), JAPAN) == expected


def test_without_a_topic_the_question_stands_alone() -> None:
    assert resolve_follow_up("e per il Canada?", ["CA"], Topic()) == "e per il Canada?"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Come devo contabilizzare il contributo ai fini IRAP?", "tax"),
        ("Vogliamo fare ricorso: ci serve un avvocato?", "legal"),
        ("We want to dispute the decision, can you give legal advice?", "legal"),
        ("Sono un freelance con partita IVA, posso candidarmi?", None),
    ],
)
def test_policy_topics(text: str, topic: str | None) -> None:
    assert policy_topic(text, ("legal", "disputes", "tax")) == topic


def test_a_topic_not_configured_is_not_handed_off() -> None:
    assert policy_topic("ai fini IRAP?", ("legal",)) is None


def _passage(text: str, dense: float) -> Passage:
    return Passage(
        chunk_id="c", doc_id="d", source="s.md", title="Rimborsi", section=(), page=None, kind="faq",
        language="it", programme=None, countries=(), url=None, opens=None, deadline=None, text=text,
        dense_score=dense,
    )  # fmt: skip


def test_retrieval_confidence_grows_with_similarity_and_coverage() -> None:
    question = "Entro quando si chiede il rimborso?"
    weak = retrieval_confidence(question, [_passage("Orari dello sportello.", 0.79)])
    strong = retrieval_confidence(question, [_passage("Il rimborso si chiede entro 30 giorni.", 0.89)])
    assert 0 <= weak < strong <= 1
    assert retrieval_confidence(question, []) == 0


def test_retrieval_confidence_counts_words_across_languages() -> None:
    """A French question on an Italian page: "téléphone" is "telefono", "remboursements" "rimborsi"."""
    page = _passage("Ufficio Rimborsi: telefono +39 015 555 0145.", 0.84)
    french = retrieval_confidence("Quel est le numéro de téléphone du bureau des remboursements ?", [page])
    unrelated = retrieval_confidence("Avez-vous une aide pour les brevets européens ?", [page])
    assert french >= 0.45 > unrelated


ROME = OfficeHours()


def test_office_hours_in_rome() -> None:
    saturday = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
    monday_morning = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)  # 10:30 in Rome
    assert not ROME.is_open(saturday)
    assert ROME.is_open(monday_morning)
    assert ROME.next_opening(saturday) == dt.datetime(2026, 11, 23, 9, 0, tzinfo=ROME.next_opening(saturday).tzinfo)
    assert "lunedì 23/11 alle 09:00" in ROME.expectation(saturday, "it")
    assert "open now (until 17:00)" in ROME.expectation(monday_morning, "en")
    friday_evening = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)
    assert "lundi" in ROME.expectation(friday_evening, "fr")


def test_details_are_read_from_a_free_reply() -> None:
    details = parse_details("Tessile Rossi srl, mario@rossi.it, 011 123 4567")
    assert details == Details(company="Tessile Rossi srl", email="mario@rossi.it", phone="011 123 4567")
    assert parse_details("azienda: Filati Bianchi, missione Giappone", ("giappone",)).company == "Filati Bianchi"
    assert parse_details("no").declined
    assert parse_details("preferisco di no").declined


def test_missing_details_are_named_in_the_users_language() -> None:
    assert missing_details(Details(), has_topic=False, language="en") == [
        "your company's name", "an e-mail address or phone number", "which mission or call it is about",
    ]  # fmt: skip
    assert missing_details(Details(declined=True), has_topic=False, language="it") == []


def test_conversation_state_survives_broken_json() -> None:
    state = ConversationState(topic=JAPAN, pending=Pending("clarify", "q", [{"label": "A", "entry_id": "a"}]))
    assert ConversationState.from_dict(state.to_dict()) == state
    assert ConversationState.from_dict({"topic": {"nonsense": 1}}) == ConversationState()


def test_a_year_in_the_question_puts_other_editions_last() -> None:
    def page(title: str) -> Passage:
        return Passage(
            chunk_id=title, doc_id=title, source=f"{title}.md", title=title, section=(), page=None, kind="other",
            language="it", programme=None, countries=(), url=None, opens=None, deadline=None, text="…",
        )  # fmt: skip

    pages = [page("SME Fund 2022"), page("SME Fund 2021"), page("Guida")]
    assert [p.title for p in editions_first("Fondo PMI 2021: rimborso massimo?", pages)] == [
        "SME Fund 2021", "Guida", "SME Fund 2022",
    ]  # fmt: skip
    assert editions_first("rimborso massimo?", pages) == pages


def test_names_no_document_mentions_are_found_vocabulary_and_shouting_are_not() -> None:
    from bot.conversation.policy import unknown_names

    def page(text: str) -> Passage:
        return Passage(
            chunk_id="c", doc_id="d", source="d.md", title="Consulenza", section=(), page=None, kind="other",
            language="it", programme=None, countries=(), url=None, opens=None, deadline=None, text=text,
        )  # fmt: skip

    pages = [page("Il polo offre consulenza gratuita alle PMI associate sul marchio CE e sull'EORI.")]
    assert unknown_names("Offrite consulenza per la certificazione ISO 9001?", pages) == ["ISO 9001"]
    assert unknown_names("consulenza sul codice EORI per le SME?", pages) == []  # named, and translated
    assert unknown_names("Fondo PMI 2022: consulenza HACCP?", pages) == ["HACCP"]  # the year is no standard
    assert unknown_names("OFFRITE CONSULENZA ISO?", pages) == []  # all capitals: shouting, not names
