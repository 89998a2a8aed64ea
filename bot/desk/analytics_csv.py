"""The analytics report as one flat CSV, and the KPI rows as another, that a spreadsheet opens (cells safe from
formula injection)."""

from __future__ import annotations

import csv
import io

from bot.desk.analytics_report import AnalyticsReport
from bot.desk.kpi import KPI_COLUMNS, KpiRow

CSV_HEADER = ("section", "key", "value", "detail")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_csv(report: AnalyticsReport) -> str:
    """The report as one flat CSV (section, key, value, detail) a spreadsheet opens.

    Cells that a spreadsheet would run as a formula get a leading apostrophe: questions come
    from the public.
    """
    rows: list[tuple[object, ...]] = [
        ("period", "since", report.since.isoformat() if report.since else "", ""),
        ("period", "until", report.until.isoformat(), ""),
        ("totals", "conversations", report.conversations, ""),
        ("totals", "contacts", report.contacts, ""),
        ("totals", "user_messages", report.user_messages, ""),
    ]
    rows += [("conversations_by_channel", key, value, "") for key, value in report.by_channel.items()]
    rows += [("conversations_by_language", key, value, "") for key, value in report.by_language.items()]
    rate = report.resolution_rate
    rows += [
        ("resolution", "engaged_conversations", report.engaged, "conversations with a user message"),
        ("resolution", "resolved_conversations", report.resolved, "no handoff"),
        ("resolution", "resolution_rate", "" if rate is None else f"{rate:.4f}", ""),
    ]
    rows += [("handoffs_by_reason", key, value, "") for key, value in report.handoffs_by_reason.items()]
    replies = report.staff_replies
    rows += [
        ("staff_replies", "escalations", replies.escalations, ""),
        ("staff_replies", "replied", replies.replied, ""),
        ("staff_replies", "awaiting_reply", replies.awaiting, ""),
        ("staff_replies", "resolved_without_reply", replies.resolved_without_reply, ""),
        ("staff_replies", "median_seconds", _number(replies.median_seconds), ""),
        ("staff_replies", "p90_seconds", _number(replies.p90_seconds), ""),
        ("feedback", "up", report.feedback_up, ""),
        ("feedback", "down", report.feedback_down, ""),
    ]
    rows += [("answers_by_kind", key, value, "") for key, value in report.answers_by_kind.items()]
    rows += [
        ("questions", "total", report.questions_total, "unanswered and low-confidence"),
        ("questions", "grouped", report.questions_grouped, "the latest ones"),
    ]
    rows += [
        (
            "question_group",
            group.representative,
            group.count,
            f"languages: {', '.join(group.languages) or '?'}; unanswered: {group.unanswered}; "
            f"low confidence: {group.low_confidence}; last: {group.last_asked.isoformat()}; "
            f"examples: {' | '.join(group.examples)}",
        )
        for group in report.question_groups
    ]
    rows += [
        (entry.kind, entry.entry_id, entry.conversations, f"{entry.title} ({', '.join(entry.countries)})")
        for entry in report.entries
    ]
    rows += [("country", key, value, "") for key, value in report.countries.items()]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows([_safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def kpi_csv(rows: list[KpiRow]) -> str:
    """The KPI rows as a CSV with ``KPI_COLUMNS`` as its header (cells safe from formula injection)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(KPI_COLUMNS)
    for row in rows:
        satisfaction = row.satisfaction
        cells = (
            row.dimension, row.key, row.label, row.conversations, row.questions, row.answers, row.handoffs,
            row.requests_resolved, row.resolved_by_assistant, row.feedback_up, row.feedback_down,
            "" if satisfaction is None else f"{satisfaction:.4f}", _number(row.median_reply_seconds),
            _number(row.p90_reply_seconds), row.contact_name, row.contact_email,
        )  # fmt: skip
        writer.writerow([_safe_cell(cell) for cell in cells])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _safe_cell(cell: object) -> str:
    """The cell as text; one a spreadsheet would read as a formula is prefixed with an apostrophe."""
    text = str(cell)
    return f"'{text}" if text.startswith(_FORMULA_START) else text
