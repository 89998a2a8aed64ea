"""Telling the staff when a page that feeds a call or a mission changes its deadline or goes away.

Such a page is one whose kind is ``call`` or ``mission`` (set on its source, or read from its
text), or one a catalog entry not yet closed links to. The alert goes where the staff's notices
go (e-mail, the Telegram staff group), queued in the outbox under a key naming the page and the
change, so a change is announced once however many processes sync.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from api.services import Services
from api.staff_recipients import email_recipients, staff_group
from bot.answers.catalog_status import entry_status
from bot.conversation.phrases import say
from knowledge.catalog import Call, Mission
from knowledge.web.sources import WebSource

if TYPE_CHECKING:
    from api.sources.crawl import PageChange

EVENT_KINDS = ("call", "mission")


def queue_page_alerts(services: Services, source: WebSource, changes: list[PageChange]) -> int:
    """Queue the alerts ``changes`` call for; returns how many rows were queued (per recipient)."""
    targets = email_recipients(services)
    group = staff_group(services)
    if group is not None:
        targets.append(group)
    if not targets:
        return 0
    watched = _open_entry_urls(services)
    queued = 0
    outbox = services.outbox()
    for change in changes:
        page, before = change.page, change.before
        if before is None or (page.kind not in EVENT_KINDS and page.url not in watched):
            continue
        text, event = _alert(services, change)
        if text is None:
            continue
        for target in targets:
            key = f"source_alert:{page.id}:{event}:{target.channel}:{target.address}"[:200]
            outbox.enqueue(target.channel, target.address, "source_alert", text, key=key,
                           payload={"source_id": source.id, "page_id": page.id, "event": event})  # fmt: skip
            queued += 1
    return queued


def _alert(services: Services, change: PageChange) -> tuple[str | None, str]:
    page, before = change.page, change.before
    title = page.title or page.url
    if change.outcome == "changed" and before is not None and before.deadline != page.deadline:
        old, new = _day(before.deadline), _day(page.deadline)
        text = say("source_deadline_changed", "it", title=title, url=page.url, old=old, new=new)
        return text, f"deadline:{old}>{new}:{page.content_sha[:12]}"  # the same move made again is news again
    if change.outcome in ("missing", "retired") and (before is None or before.status != "missing"):
        grace = dt.timedelta(days=services.settings.sources.retire_after_days)
        retire = (services.now() + grace).date().isoformat()
        reason = change.reason[:120] or "?"
        text = say("source_page_gone", "it", title=title, url=page.url, reason=reason, retire=retire)
        return text, f"gone:{services.now():%Y-%m-%dT%H:%M}"  # each time it goes missing (one sync holds the page)
    return None, ""


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "—"


def _open_entry_urls(services: Services) -> set[str]:
    """The pages catalog entries still open or upcoming link to."""
    now = services.now()
    urls: set[str] = set()
    for record in services.manifest.catalog_entries():
        entry = record.entry
        if isinstance(entry, Call | Mission) and entry.url and entry_status(entry, now).state != "closed":
            urls.add(entry.url)
    return urls
