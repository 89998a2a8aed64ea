"""Answers computed from the catalog's records: status and deadlines, what is open, estimates.

Dates, amounts and statuses here come from the structured records, never from text, so
a closed call is said to be closed, on its date, whatever a passage says. The
assistant tries these first and falls back to retrieval when the question is not one
of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from bot.answers.catalog_fields import asked_fields, field_lines, rule_lines
from bot.answers.catalog_matching import (
    CALL_WORD,
    DEFINITE,
    LIST_CUE,
    MISSION_WORD,
    MONEY_MARK,
    OVERVIEW_CUE,
    PARENTHESES,
    REIMBURSE_CUE,
    SECTOR_SYNONYMS,
    STATUS_CUE,
    TRIP_CUE,
    days_left_text,
    entry_tokens,
    has_sector,
    is_offer,
    offer_entry,
    record_citation,
    step_text,
    title_tokens,
    titled,
    word_stem,
    word_tokens,
)
from bot.answers.catalog_status import EntryStatus, entry_countries, entry_dates, entry_status, find_entries
from bot.answers.composers.base import Citation
from bot.answers.reimbursement import estimate_reimbursement, parse_expenses
from bot.conversation.phrases import say
from knowledge.catalog import Call, Mission, ReimbursementRule
from knowledge.catalog_text import format_amount, format_date, format_deadline, format_percent
from knowledge.countries import country_name
from knowledge.store import CatalogRecord
from retrieval.passages import Passage

CatalogReplyKind = Literal["status", "facts", "list", "not_in_catalog", "estimate", "ask", "clarify", "handoff"]


@dataclass(frozen=True)
class Option:
    """A choice offered to the SME (clarification), with what it resolves to."""

    label: str
    entry_id: str


@dataclass(frozen=True)
class CatalogReply:
    """What the catalog has to say about a message."""

    kind: CatalogReplyKind
    text: str
    citations: list[Citation] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    entry_ids: list[str] = field(default_factory=list)


class CatalogDesk:
    """The catalog at a moment: which entries a message names, and the answers the records give."""

    def __init__(
        self, records: Sequence[CatalogRecord], now: dt.datetime, closing_soon_days: int = 14,
        page_titles: Sequence[str] = (),
    ) -> None:  # fmt: skip
        self._records = list(records)
        self._page_tokens = [tokens for title in page_titles if (tokens := title_tokens(title))]
        self._now = now
        self._closing_soon_days = closing_soon_days
        self._tokens = {r.entry.id: entry_tokens(r.entry) for r in self._records if is_offer(r)}
        counts: dict[str, int] = {}
        for tokens in self._tokens.values():
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
        self._distinctive = {
            entry_id: {t for t in tokens if counts[t] == 1} for entry_id, tokens in self._tokens.items()
        }

    @property
    def records(self) -> list[CatalogRecord]:
        """Every record the desk knows."""
        return self._records

    def record(self, entry_id: str) -> CatalogRecord | None:
        """The record with this id."""
        return next((r for r in self._records if r.entry.id == entry_id), None)

    def is_past(self, entry_id: str) -> bool:
        """A closed call or mission, or a reimbursement rule only closed missions use (a past edition)."""
        record = self.record(entry_id)
        if record is None:
            return False
        if isinstance(record.entry, Call | Mission):
            return self.status(record.entry).state == "closed"
        users = [
            r.entry for r in self._records if isinstance(r.entry, Mission) and r.entry.reimbursement_rule == entry_id
        ]
        return bool(users) and all(self.status(m).state == "closed" for m in users)

    def current_first(self, passages: Sequence[Passage], named: Sequence[CatalogRecord]) -> list[Passage]:
        """Passages of past editions after the others, unless the question names that record."""
        named_ids = {r.entry.id for r in named}

        def past(passage: Passage) -> bool:
            entry_id = passage.source.split("#", 1)[1] if "#" in passage.source else ""
            return bool(entry_id) and entry_id not in named_ids and self.is_past(entry_id)

        return sorted(passages, key=past)

    def status(self, entry: Call | Mission) -> EntryStatus:
        """The entry's state now."""
        return entry_status(entry, self._now, self._closing_soon_days)

    def named(self, text: str, countries: Sequence[str]) -> list[CatalogRecord]:
        """Calls and missions the message names: missions by country, calls by words of their title."""
        words = {word_stem(w) for w in word_tokens(text)}
        by_country = [r for r in self._records if isinstance(r.entry, Mission) and r.entry.country in countries]
        by_title = [
            r for r in self._records if isinstance(r.entry, Call) and self._distinctive.get(r.entry.id, set()) & words
        ]
        best_page = self._best_page(words)
        if best_page:
            # A page that is not in the catalog (a call's own web page) and carries more of the
            # message's words names it better: the catalog's calls sharing a word are not meant.
            return [r for r in by_country + by_title if len(self._tokens.get(r.entry.id, set()) & words) >= best_page]
        return by_country + by_title

    def _best_page(self, words: set[str]) -> int:
        """How many of ``words`` the call or mission page outside the catalog that carries most of them carries."""
        return max((len(tokens & words) for tokens in self._page_tokens), default=0)

    def names_a_page(self, text: str) -> bool:
        """Whether the message names a call or mission page that is not in the catalog better than any entry."""
        words = {word_stem(w) for w in word_tokens(text)}
        best_page = self._best_page(words)
        return best_page > 0 and all(len(tokens & words) < best_page for tokens in self._tokens.values())

    def offers(self, kind: Literal["call", "mission"] | None = None) -> list[CatalogRecord]:
        """Calls and missions (of ``kind``) that are open, closing soon or upcoming, soonest deadline first."""
        states = find_entries(
            [r.entry for r in self._records], self._now, kinds=(kind,) if kind else ("call", "mission"),
            states=("upcoming", "open", "closing_soon"), closing_soon_days=self._closing_soon_days,
        )  # fmt: skip
        ids = [s.entry.id for s in states]
        return sorted((r for r in self._records if r.entry.id in ids), key=lambda r: ids.index(r.entry.id))

    def answer(self, text: str, countries: Sequence[str], language: str) -> CatalogReply | None:
        """The records' answer to ``text``, or ``None`` when the question is not about the catalog's facts."""
        named = self.named(text, countries)
        if REIMBURSE_CUE.search(text):
            estimate = self._estimate(text, named, language)
            if estimate is not None:
                return estimate
            if STATUS_CUE.search(text):
                # "entro quando devo mandare la richiesta di rimborso?" is the claim's deadline,
                # not the registration's.
                return self._claim_deadlines(named, language)
            rule_facts = self._rule_facts(text, named, language)
            if rule_facts is not None:
                return rule_facts
        listing_asked = LIST_CUE.search(text) or (
            countries and not named and MISSION_WORD.search(text) and not self.names_a_page(text)
        )
        # Without calls or missions in the catalog (a desk that only ingests pages), the
        # documents answer "what is open": "nothing is open" would be the catalog's silence.
        if listing_asked and any(is_offer(r) for r in self._records):
            return self._listing(text, countries, named, language)
        missions = [r for r in named if isinstance(r.entry, Mission)]
        if missions and TRIP_CUE.search(text):
            return self._trips(missions, language)
        if named and STATUS_CUE.search(text):
            return self._status(named, language)
        if len(named) == 1 and OVERVIEW_CUE.search(text) and not asked_fields(text):
            return self.overview(named[0], language)
        if named:
            facts = self._facts(text, named, language)
            if facts is not None:
                return facts
        if not named and not countries and STATUS_CUE.search(text) and not self.names_a_page(text):
            # "Entro quando scade la missione?" — which one? Dates differ: ask, offering those open.
            options = self.options_for(text)
            if len(options) >= 2:
                key = "clarify_mission" if MISSION_WORD.search(text) else "clarify_call"
                listed = " ".join(f"{i}. {o.label}" for i, o in enumerate(options, start=1))
                return CatalogReply("clarify", say(key, language, options=listed), options=options)
        return None

    def options_for(self, text: str) -> list[Option]:
        """When a message asks about "the mission" or "the call" without saying which: the open ones."""
        if not DEFINITE.search(text):
            return []  # "una missione", "le missioni": a general question, not about one of them
        if MISSION_WORD.search(text) and not CALL_WORD.search(text):
            kind: Literal["call", "mission"] | None = "mission"
        elif CALL_WORD.search(text) and not MISSION_WORD.search(text):
            kind = "call"
        else:
            return []
        return [Option(r.entry.title, r.entry.id) for r in self.offers(kind)]

    def status_line(self, entry: Call | Mission, language: str) -> str:
        """One line with the entry's state, dates and days left (a mission's are its registration's)."""
        status = self.status(entry)
        opens = format_date(status.opens, language) if status.opens else ""
        key = f"mission_status_{status.state}" if isinstance(entry, Mission) else f"status_{status.state}"
        return say(
            key, language, title=entry.title, deadline=format_deadline(status.deadline, language), opens=opens,
            since=say("since", language, date=opens) if opens else "",
            days_left=days_left_text(status.days_left, language),
        )  # fmt: skip

    def overview(self, record: CatalogRecord, language: str) -> CatalogReply:
        """A call's or mission's sheet: its status, a mission's dates and place, the summary and link."""
        entry = offer_entry(record)
        lines = [self.status_line(entry, language)]
        if isinstance(entry, Mission):
            lines.append(self._trips([record], language).text.removesuffix(" [1]"))
        if entry.summary.strip():
            lines.append(entry.summary.strip())
        text = "\n".join(lines) + " [1]"
        return CatalogReply("status", text, [record_citation(1, record)], entry_ids=[entry.id])

    def _claim_deadlines(self, named: list[CatalogRecord], language: str) -> CatalogReply | None:
        """The reimbursement claim's deadline: the mission's last day plus the rule's days."""
        missions = [r for r in named if isinstance(r.entry, Mission)]
        lines: list[str] = []
        citations: list[Citation] = []
        for mission_record in missions:
            mission = mission_record.entry
            assert isinstance(mission, Mission)
            rule_record = self.record(mission.reimbursement_rule) if mission.reimbursement_rule else None
            if rule_record is None or not isinstance(rule_record.entry, ReimbursementRule):
                continue
            days = rule_record.entry.claim_deadline_days
            if days is None:
                continue
            n = len(citations) + 1
            due = mission.ends + dt.timedelta(days=days)
            lines.append(
                say(
                    "claim_deadline",
                    language,
                    title=mission.title,
                    days=days,
                    ends=format_date(mission.ends, language),
                    due=format_date(due, language),
                )
                + f" [{n}]"
            )
            citations.append(record_citation(n, rule_record))
        if not lines:
            return None
        return CatalogReply("status", "\n".join(lines), citations, entry_ids=[r.entry.id for r in missions])

    def _facts(self, text: str, named: list[CatalogRecord], language: str) -> CatalogReply | None:
        """The fields the question asks for, of each named call or mission that has them."""
        blocks: list[str] = []
        answered: list[CatalogRecord] = []
        for record in named:
            lines = field_lines(offer_entry(record), text, language)
            if lines and self.status(offer_entry(record)).state in ("closed", "closing_soon"):
                lines.append(self.status_line(offer_entry(record), language))  # never a closed call as if open
            if lines:
                blocks.append(titled(record.entry.title, lines) + f" [{len(answered) + 1}]")
                answered.append(record)
        if not blocks:
            return None
        citations = [record_citation(n, record) for n, record in enumerate(answered, start=1)]
        return CatalogReply("facts", "\n\n".join(blocks), citations, entry_ids=[r.entry.id for r in answered])

    def _rule_facts(self, text: str, named: list[CatalogRecord], language: str) -> CatalogReply | None:
        """What a mission's rule pays back for the categories asked about (no expenses given)."""
        missions = [r for r in named if isinstance(r.entry, Mission)]
        rules = self._rules_for(missions)
        if len({rule.entry.id for _, rule in rules}) != 1:
            return None  # no rule, or several missions with different rules: the documents answer
        mission, rule_record = rules[0]
        assert isinstance(rule_record.entry, ReimbursementRule)
        lines = rule_lines(rule_record.entry, text, language)
        if not lines:
            return None
        text_out = titled(rule_record.entry.title, lines) + " [1]"
        ids = [rule_record.entry.id] + ([mission.entry.id] if mission else [])
        return CatalogReply("facts", text_out, [record_citation(1, rule_record)], entry_ids=ids)

    def _trips(self, missions: list[CatalogRecord], language: str) -> CatalogReply:
        """When and where the missions take place (not their registration)."""
        lines: list[str] = []
        citations: list[Citation] = []
        for n, record in enumerate(missions, start=1):
            mission = record.entry
            assert isinstance(mission, Mission)
            cities = (", ".join(mission.cities) or country_name(mission.country, language)).rstrip(".")
            lines.append(
                say(
                    "mission_dates",
                    language,
                    title=mission.title,
                    starts=format_date(mission.starts, language),
                    ends=format_date(mission.ends, language),
                    cities=cities,
                )
                + f" [{n}]"
            )
            citations.append(record_citation(n, record))
        return CatalogReply("status", "\n".join(lines), citations, entry_ids=[r.entry.id for r in missions])

    def _status(self, named: list[CatalogRecord], language: str) -> CatalogReply:
        lines, citations = [], []
        for n, record in enumerate(named, start=1):
            entry = record.entry
            assert isinstance(entry, Call | Mission)
            lines.append(f"{self.status_line(entry, language)} [{n}]")
            citations.append(record_citation(n, record))
        return CatalogReply("status", "\n".join(lines), citations, entry_ids=[r.entry.id for r in named])

    def _listing(self, text: str, countries: Sequence[str], named: list[CatalogRecord], language: str) -> CatalogReply:
        kind: Literal["call", "mission"] | None = None
        if MISSION_WORD.search(text) and not CALL_WORD.search(text):
            kind = "mission"
        elif CALL_WORD.search(text) and not MISSION_WORD.search(text):
            kind = "call"
        today = format_date(self._now.date(), language)
        sector = self._sector_in(text)
        if countries:
            country = countries[0]
            for_country = [r for r in self._records if is_offer(r) and country in entry_countries(offer_entry(r))]
            if kind:
                for_country = [r for r in for_country if r.entry.kind == kind]
            if not for_country:
                items = [r.entry.title for r in self.offers(kind)]
                text_out = say("nothing_for_country", language, country=country_name(country, language))
                if items:
                    text_out += " " + say("available_instead", language, items="; ".join(items))
                return CatalogReply("not_in_catalog", text_out, entry_ids=[])
            chosen = sorted(
                for_country,
                key=lambda r: (self.status(offer_entry(r)).state == "closed", entry_dates(offer_entry(r))[1]),
            )
            intro = say("open_list_country", language, country=country_name(country, language), today=today)
        else:
            chosen = [r for r in self.offers(kind) if sector is None or has_sector(r.entry, sector)]
            intro = say("open_list_intro", language, today=today)
            if not chosen:
                return CatalogReply("list", say("nothing_open", language))
        if not countries:
            return self._grouped_listing(intro, chosen, language)
        lines = [intro]
        citations = []
        for n, record in enumerate(chosen, start=1):
            lines.append(f"- {self.status_line(offer_entry(record), language)} [{n}]")
            citations.append(record_citation(n, record))
        return CatalogReply("list", "\n".join(lines), citations, entry_ids=[r.entry.id for r in chosen])

    def _grouped_listing(self, intro: str, chosen: list[CatalogRecord], language: str) -> CatalogReply:
        """Open, closing soon and upcoming apart: a call that opens next month is never listed as open."""
        lines = [intro]
        citations: list[Citation] = []
        ordered: list[CatalogRecord] = []
        for state in ("closing_soon", "open", "upcoming"):
            group = [r for r in chosen if self.status(offer_entry(r)).state == state]
            if not group:
                continue
            lines.append(say(f"list_{state}", language))
            for record in group:
                n = len(citations) + 1
                lines.append(f"- {self.status_line(offer_entry(record), language)} [{n}]")
                citations.append(record_citation(n, record))
                ordered.append(record)
        return CatalogReply("list", "\n".join(lines), citations, entry_ids=[r.entry.id for r in ordered])

    def _estimate(self, text: str, named: list[CatalogRecord], language: str) -> CatalogReply | None:
        missions = [r for r in named if isinstance(r.entry, Mission)]
        rules = self._rules_for(missions)
        if not rules:
            return None
        if not MONEY_MARK.search(text):
            return None  # no amount given ("quanto mi rimborsate del volo?"): the documents answer it
        mission, rule_record = rules[0]
        rule = rule_record.entry
        assert isinstance(rule, ReimbursementRule)
        # Several missions with different rules share the categories' words: parsing with the first
        # tells whether expenses were given; it is the parse used once the rule is the only one.
        parsed = parse_expenses(PARENTHESES.sub(" ", text), rule)
        if not parsed.expenses:
            return None  # a question about reimbursement in general: the documents answer it
        if len({other.entry.id for _, other in rules}) > 1:
            options = [Option(m.entry.title, m.entry.id) for m, _ in rules if m is not None]
            listed = " ".join(f"{i}. {o.label}" for i, o in enumerate(options, start=1))
            return CatalogReply("clarify", say("estimate_which_mission", language, options=listed), options=options)
        estimate = estimate_reimbursement(rule, parsed.expenses)
        asks = []
        # Parts without a figure are the question itself ("quanto mi rimborsate?"), not expenses.
        unclear = [part for part in parsed.not_understood if any(ch.isdigit() for ch in part)]
        if unclear:
            asks.append(say("estimate_not_understood", language, items="; ".join(f"«{p}»" for p in unclear)))
        for question in estimate.questions:
            name = question.split(":", 1)[1]
            label = next((c.label for c in rule.categories if c.name == name), name)
            asks.append(say("estimate_units", language, label=label))

        def money(value: Decimal) -> str:
            return format_amount(value, rule.currency, language)

        cap = money(rule.cap) if rule.cap is not None else "—"
        lines = [say("estimate_intro", language, rule=rule.title, rate=format_percent(rule.rate), cap=cap) + " [1]"]
        for line in estimate.lines:
            steps = "; ".join(step_text(step, rule.currency, language) for step in line.steps)
            if (
                line.category.cap is not None
                and line.category.cap_per == "trip"
                and line.reimbursed < line.category.cap
            ):
                steps += f"; {say('cap_label', language)} {money(line.category.cap)}"
            lines.append(f"- {line.category.label}: {money(line.claimed)} → {money(line.reimbursed)} ({steps})")
        if estimate.lines:
            key = "estimate_total_capped" if estimate.rule_cap_applied else "estimate_total"
            lines.append(say(key, language, total=money(estimate.total), subtotal=money(estimate.subtotal), cap=cap))
            lines.append(say("estimate_caveat", language))
        lines.extend(asks)
        ids = [rule.id] + ([mission.entry.id] if mission else [])
        kind: CatalogReplyKind = "ask" if asks and not estimate.lines else "estimate"
        return CatalogReply(kind, "\n".join(lines), [record_citation(1, rule_record)], entry_ids=ids)

    def _rules_for(self, missions: list[CatalogRecord]) -> list[tuple[CatalogRecord | None, CatalogRecord]]:
        """(mission, rule) pairs: the named missions', or every open mission's when none is named."""
        candidates = missions or [r for r in self.offers("mission")]
        pairs: list[tuple[CatalogRecord | None, CatalogRecord]] = []
        for mission in candidates:
            entry = mission.entry
            if isinstance(entry, Mission) and entry.reimbursement_rule:
                rule = self.record(entry.reimbursement_rule)
                if rule is not None:
                    pairs.append((mission, rule))
        if not missions and len({rule.entry.id for _, rule in pairs}) == 1:
            return [(None, pairs[0][1])]  # every open mission shares the rule: no need to ask which
        return pairs

    def _sector_in(self, text: str) -> str | None:
        words = {SECTOR_SYNONYMS.get(word_stem(w), word_stem(w)) for w in word_tokens(text)}
        for record in self._records:
            for sector in getattr(record.entry, "sectors", []):
                first = word_stem(word_tokens(sector)[0]) if word_tokens(sector) else ""
                if first and first in words and first not in {"tutti", "all"}:
                    return first
        return None
