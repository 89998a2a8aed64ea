"""Call and mission status against an injected clock, on the shipped sample catalog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answers.catalog_status import entry_status, find_entries
from knowledge.catalog import Call, CatalogEntry, Mission, load_catalog

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "catalog"
ROME = ZoneInfo("Europe/Rome")
TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=ROME)


@pytest.fixture(scope="module")
def entries() -> list[CatalogEntry]:
    return [entry for path in sorted(SAMPLE.glob("*.yaml")) for entry in load_catalog(path).entries()]


def by_id(entries: list[CatalogEntry], entry_id: str) -> Call | Mission:
    entry = next(e for e in entries if e.id == entry_id)
    assert isinstance(entry, Call | Mission)
    return entry


def test_sample_calls_are_closed_open_and_upcoming_on_the_sample_date(entries: list[CatalogEntry]) -> None:
    states = {s.entry.id: s.state for s in find_entries(entries, TODAY, kinds=("call",))}
    assert states == {
        "voucher-internazionalizzazione-piemonte-2026": "closed",
        "eic-accelerator-ottobre-2026": "closed",
        "smp-voucher-cluster-go-international-2027": "open",
        "finanziamento-fiere-missioni-2027": "open",
        "horizon-cascade-smart-textiles-2027": "upcoming",
    }


def test_days_left_and_closing_soon(entries: list[CatalogEntry]) -> None:
    call = by_id(entries, "smp-voucher-cluster-go-international-2027")  # deadline 26 Feb 2027 17:00
    assert entry_status(call, TODAY).days_left == 97
    status = entry_status(call, dt.datetime(2027, 2, 20, 9, 0, tzinfo=ROME))
    assert (status.state, status.days_left) == ("closing_soon", 6)
    assert entry_status(call, dt.datetime(2027, 2, 26, 16, 59, tzinfo=ROME)).days_left == 0


def test_deadline_is_exact_to_the_minute_in_its_time_zone(entries: list[CatalogEntry]) -> None:
    call = by_id(entries, "smp-voucher-cluster-go-international-2027")
    deadline = call.deadline
    assert entry_status(call, deadline).is_open
    assert entry_status(call, deadline + dt.timedelta(minutes=1)).state == "closed"
    # 16:30 UTC is 17:30 in Rome: already closed, whatever the server's zone.
    utc_after = deadline.astimezone(dt.UTC) + dt.timedelta(minutes=30)
    assert entry_status(call, utc_after).state == "closed"


def test_a_closed_call_is_never_open(entries: list[CatalogEntry]) -> None:
    closed = find_entries(entries, TODAY, states=("closed",))
    assert {s.entry.id for s in closed} >= {"voucher-internazionalizzazione-piemonte-2026", "missione-canada-2026"}
    assert not any(s.is_open for s in closed)
    assert all(s.days_left is None for s in closed)


def test_missions_follow_their_registration_dates(entries: list[CatalogEntry]) -> None:
    states = {s.entry.id: s.state for s in find_entries(entries, TODAY, kinds=("mission",))}
    assert states["missione-usa-2027"] == "open"  # registration 2 Nov 2026 – 29 Jan 2027
    assert states["missione-giappone-2027"] == "upcoming"  # registration opens 1 Dec 2026
    assert states["missione-canada-2026"] == "closed"


def test_find_by_country_and_sector(entries: list[CatalogEntry]) -> None:
    japan = find_entries(entries, TODAY, country="jp")
    assert {s.entry.id for s in japan} == {"missione-giappone-2027", "smp-voucher-cluster-go-international-2027"}
    textiles = find_entries(entries, TODAY, sector="TESSIL", states=("open", "closing_soon", "upcoming"))
    assert textiles
    assert all(any("tessil" in sector for sector in s.entry.sectors) for s in textiles)
    assert [s.deadline for s in textiles] == sorted(s.deadline for s in textiles)


def test_naive_clock_is_refused(entries: list[CatalogEntry]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        entry_status(by_id(entries, "missione-usa-2027"), dt.datetime(2026, 11, 21, 10, 0))
