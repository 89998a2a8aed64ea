"""The clock of the desk's figures tests (analytics, KPIs): a fixed start, moved by the test."""

from __future__ import annotations

import datetime as dt

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


class Clock:
    """The store's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, minutes: float) -> None:
        self.now = T0 + dt.timedelta(minutes=minutes)
