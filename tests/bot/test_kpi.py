"""KPIs per SME, call, mission and country on SQLite and PostgreSQL, checked against figures counted by hand."""

from __future__ import annotations

import csv
import io

import pytest
from doubles.desk_clock import T0, Clock
from sqlalchemy.orm import Session, sessionmaker
from test_analytics import (
    HORIZON,
    JAPAN,
    answer,
    catalog,
    cite,
    conversation,
)

from bot.conversation.store import ConversationStore
from bot.desk.analytics_csv import kpi_csv
from bot.desk.kpi import KPI_COLUMNS, KpiBreakdown, KpiRow
from bot.desk.privacy import PrivacyDesk

DAY = T0 - T0.replace(day=T0.day - 1)


@pytest.fixture
def kpi(sessions: sessionmaker[Session]) -> KpiBreakdown:
    return KpiBreakdown(sessions, catalog)


def by_key(rows: list[KpiRow]) -> dict[tuple[str, str], KpiRow]:
    return {(row.dimension, row.key): row for row in rows}


def a_period(store: ConversationStore, clock: Clock) -> dict[str, int]:
    """Three SMEs: Textiles Lyon on the widget and on Telegram, Tessile Rossi, and one that gave no company."""
    lyon_web = conversation(store, clock, 0, "web", "claire-web", language="fr")
    store.add_message(lyon_web, "user", "La mission au Japon est-elle ouverte ?")
    japan_answer = answer(store, lyon_web, "catalog", citations=cite(JAPAN, chunk_id=""))
    store.add_feedback(japan_answer, 1)
    store.add_message(lyon_web, "user", "Je voudrais parler à un conseiller")
    escalation = store.open_escalation(
        lyon_web, "user_request", "Peut-on participer ?",
        {"company": "Textiles Lyon SARL", "email": "claire@textiles-lyon.example", "name": "Claire Dubois",
         "topic": "Missione EU-ALLIANCE in Giappone 2027"},
    )  # fmt: skip
    clock.at(30)
    store.add_message(lyon_web, "staff", "Oui, jusqu'au 29 janvier.", author="anna@cluster.example")
    store.set_escalation_status(escalation, "resolved")

    lyon_telegram = conversation(store, clock, 60, "telegram", "4242", language="fr")
    store.add_message(lyon_telegram, "user", "Et le remboursement ?")
    store.open_escalation(lyon_telegram, "personal_case", "Remboursement", {"company": "textiles  lyon sarl"})
    clock.at(180)
    store.add_message(lyon_telegram, "staff", "Voici les règles.", author="anna@cluster.example")

    rossi = conversation(store, clock, 90, "web", "mario", language="it")
    store.add_message(rossi, "user", "Il bando Horizon scade quando?")
    horizon_answer = answer(store, rossi, "documents", citations=cite(HORIZON, chunk_id=""))
    store.add_feedback(horizon_answer, -1)
    store.open_escalation(rossi, "low_confidence", "Horizon", {"company": "Tessile Rossi srl"})

    anonymous = conversation(store, clock, 100, "web", "nobody", language="en")
    store.add_message(anonymous, "user", "Hello")
    answer(store, anonymous, "no_source")
    return {"lyon_web": lyon_web, "lyon_telegram": lyon_telegram, "rossi": rossi, "anonymous": anonymous}


def test_rows_per_sme_call_mission_and_country(store: ConversationStore, clock: Clock, kpi: KpiBreakdown) -> None:
    a_period(store, clock)
    store.record_consent(store.contact("web", "claire-web"))
    rows = kpi.rows(None, T0 + 7 * DAY)
    keyed = by_key(rows)
    assert rows[0].dimension == "all"
    everything = keyed["all", "all"]
    assert (everything.conversations, everything.questions, everything.answers, everything.handoffs) == (4, 5, 3, 3)
    assert (everything.requests_resolved, everything.resolved_by_assistant) == (1, 1)
    assert (everything.feedback_up, everything.feedback_down, everything.satisfaction) == (1, 1, 0.5)
    assert (everything.median_reply_seconds, everything.p90_reply_seconds) == (4500.0, 7200.0)  # 1800 s and 7200 s

    # The widget and Telegram contacts gave the same company: one SME.
    lyon = keyed["sme", "company:textiles lyon sarl"]
    assert lyon.label in ("Textiles Lyon SARL", "textiles lyon sarl")
    assert (lyon.conversations, lyon.questions, lyon.handoffs, lyon.requests_resolved) == (2, 3, 2, 1)
    assert (lyon.median_reply_seconds, lyon.feedback_up) == (4500.0, 1)
    rossi = keyed["sme", "company:tessile rossi srl"]
    assert (rossi.label, rossi.conversations, rossi.answers, rossi.feedback_down, rossi.satisfaction) == (
        "Tessile Rossi srl", 1, 1, 1, 0.0,
    )  # fmt: skip
    assert rossi.median_reply_seconds is None
    anonymous_key = f"contact:{store.contact('web', 'nobody')}"
    assert (keyed["sme", anonymous_key].label, keyed["sme", anonymous_key].resolved_by_assistant) == ("", 1)
    # Personal data only when asked for.
    assert all(row.contact_name == row.contact_email == "" for row in rows)

    japan = keyed["mission", "missione-giappone-2027"]
    assert (japan.conversations, japan.handoffs, japan.feedback_up) == (1, 1, 1)
    assert keyed["mission", "missione-usa-2027"].conversations == 0  # every mission listed, zeros included
    horizon = keyed["call", "horizon-cascade-smart-textiles-2027"]
    assert (horizon.conversations, horizon.feedback_down) == (1, 1)
    assert keyed["country", "JP"].conversations == 2  # the Japan mission and the Horizon call (JP, US, CA)
    assert keyed["country", "JP"].label == "Giappone"
    assert by_key(kpi.rows(None, T0 + 7 * DAY, language="en"))["country", "JP"].label == "Japan"


def test_personal_columns_only_with_consent(store: ConversationStore, clock: Clock, kpi: KpiBreakdown) -> None:
    a_period(store, clock)
    store.record_consent(store.contact("web", "claire-web"))  # the Telegram contact never accepted
    keyed = by_key(kpi.rows(None, T0 + 7 * DAY, personal=True))
    lyon = keyed["sme", "company:textiles lyon sarl"]
    assert (lyon.contact_name, lyon.contact_email) == ("Claire Dubois", "claire@textiles-lyon.example")
    assert keyed["sme", "company:tessile rossi srl"].contact_name == ""  # no consent recorded


def test_an_erased_contact_still_counts_without_its_details(
    sessions: sessionmaker[Session], store: ConversationStore, clock: Clock, kpi: KpiBreakdown
) -> None:
    a_period(store, clock)
    PrivacyDesk(sessions, now=clock).erase(store.contact("web", "mario"))
    rows = kpi.rows(None, T0 + 7 * DAY, personal=True)
    assert not any("Rossi" in row.label for row in rows)
    assert by_key(rows)["all", "all"].conversations in (3, 4)  # erased conversations may be deleted or kept


def test_the_period_and_the_csv(store: ConversationStore, clock: Clock, kpi: KpiBreakdown) -> None:
    a_period(store, clock)
    hostile = conversation(store, clock, 200, "web", "hostile")
    store.add_message(hostile, "user", '=HYPERLINK("http://evil")')
    store.open_escalation(hostile, "user_request", "x", {"company": "=cmd|' /C calc'!A0 srl"})
    # A period that holds only the first conversation.
    first_hour = kpi.rows(T0, T0 + (T0.replace(hour=10) - T0))
    assert by_key(first_hour)["all", "all"].conversations == 1
    with pytest.raises(ValueError, match="before"):
        kpi.rows(T0, T0)
    text = kpi_csv(kpi.rows(None, T0 + 7 * DAY, personal=True))
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == KPI_COLUMNS
    assert all(len(line) == len(KPI_COLUMNS) for line in table)
    hostile_row = next(line for line in table if "cmd" in line[2])
    assert hostile_row[2].startswith("'=")  # shown as text by a spreadsheet, never run
    totals = next(line for line in table if line[0] == "all")
    assert totals[KPI_COLUMNS.index("satisfaction")] == "0.5000"
