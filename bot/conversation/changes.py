"""Who waits for a conversation or the desk's queue to change, and how they are woken.

The database stays the one truth: a widget's live events and the console's queue read what
changed from it. This module only says *when* to read. A store notes a change inside the
transaction that makes it (``note_change``), and the change is announced when that
transaction commits, never before and never for one rolled back:

- in this process, by the ``after_commit`` hook of the sessions (``ChangeHub.watch``);
- to every process, on PostgreSQL, by ``pg_notify`` in the same transaction, which the
  server delivers at commit to each process's ``PostgresListener`` (one connection each;
  the process that made the change is woken twice, which costs one more read).

PostgreSQL's LISTEN/NOTIFY rather than Redis pub/sub: it is transactional (a notice cannot
go out for a change that did not commit, nor be lost between the commit and a publish), it
needs no second service, and several processes already need PostgreSQL. A waiter still
reads the database after a quiet interval, so a listener that lost its connection costs
latency, never a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Iterable

import psycopg
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

CHANNEL = "sportello_changes"
DESK = "desk"
"""The topic of the escalation queue: opened, taken, answered, resolved."""
_NOTED = "sportello_changed_topics"
MAX_PAYLOAD = 7000  # PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more


def conversation_topic(conversation_id: int) -> str:
    """The topic of one conversation: a message stored in it, its escalation moved."""
    return f"conversation:{conversation_id}"


def note_change(session: Session, *topics: str) -> None:
    """Announce ``topics`` when ``session``'s transaction commits (here, and to other processes
    on PostgreSQL)."""
    noted: set[str] = session.info.setdefault(_NOTED, set())
    fresh = set(topics) - noted
    if not fresh:
        return
    noted.update(fresh)
    if session.get_bind().dialect.name == "postgresql":
        for payload in _payloads(sorted(fresh)):
            session.execute(select(func.pg_notify(CHANNEL, payload)))


def _payloads(topics: list[str]) -> list[str]:
    """Topics joined by commas in payloads under PostgreSQL's limit, never cutting one."""
    payloads: list[str] = []
    current = ""
    for topic in topics:
        if current and len(current) + 1 + len(topic) > MAX_PAYLOAD:
            payloads.append(current)
            current = ""
        current = f"{current},{topic}" if current else topic
    return [*payloads, current] if current else payloads


class Subscription:
    """One waiter's interest in some topics; ``changed`` returns when one of them changes."""

    def __init__(self, topics: frozenset[str]) -> None:
        self.topics = topics
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def wake(self) -> None:
        """From any thread."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
            self._loop.call_soon_threadsafe(self._event.set)

    async def changed(self, timeout: float) -> bool:
        """Wait until a topic changes (``True``) or ``timeout`` seconds pass (``False``). A change
        that came while the caller was reading the database is not missed: it returns at once."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


class ChangeHub:
    """This process's waiters, woken by changes committed here or announced by the database."""

    def __init__(self, recheck_seconds: float = 1.0, listening_recheck_seconds: float = 30.0) -> None:
        self._recheck = recheck_seconds
        self._listening_recheck = listening_recheck_seconds
        self.listening = False
        """Whether a ``PostgresListener`` hears the changes of every process."""
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Announce the changes noted in ``sessions``' transactions when they commit."""
        event.listen(sessions, "after_commit", self._committed)
        event.listen(sessions, "after_rollback", _forget)

    @contextlib.asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[Subscription]:
        """Interest in ``topics`` for the block (subscribe *before* reading the database)."""
        subscription = Subscription(frozenset(topics))
        with self._lock:
            self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            with self._lock:
                self._subscriptions.discard(subscription)

    def publish(self, topics: Iterable[str]) -> None:
        """Wake every waiter on one of ``topics`` (from any thread)."""
        changed = set(topics)
        with self._lock:
            woken = [s for s in self._subscriptions if not s.topics.isdisjoint(changed)]
        for subscription in woken:
            subscription.wake()

    def wake_all(self) -> None:
        """Everyone reads the database again (after notices may have been missed)."""
        with self._lock:
            woken = list(self._subscriptions)
        for subscription in woken:
            subscription.wake()

    @property
    def patience(self) -> float:
        """How long a waiter trusts the silence before reading the database anyway: long while a
        listener hears every process, short otherwise (another process, a CLI, may write unheard)."""
        return self._listening_recheck if self.listening else self._recheck

    @property
    def waiting(self) -> int:
        """How many waiters there are now."""
        with self._lock:
            return len(self._subscriptions)

    def _committed(self, session: Session) -> None:
        topics = session.info.pop(_NOTED, None)
        if topics:
            # Even with a listener, which hears this commit too: a connection that died without
            # an error must not delay this process's own changes (a second wake costs one read).
            self.publish(topics)


def _forget(session: Session) -> None:
    session.info.pop(_NOTED, None)


class PostgresListener:
    """One connection per process that LISTENs for the changes every process announces."""

    def __init__(self, engine: Engine, hub: ChangeHub, retry_seconds: float = 2.0) -> None:
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._hub = hub
        self._retry_seconds = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        """Listen in the running event loop until ``stop``."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="sportello-listen")

    async def stop(self) -> None:
        """Stop listening; waiters go back to reading the database on their own."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._hub.listening = False

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: listen again, never leave ``listening`` set
                log.warning("listening for changes failed (%s); retrying in %.0f s", exc, self._retry_seconds)
            self._hub.listening = False
            self.connected.clear()
            self._hub.wake_all()  # what was announced while deaf is read from the database
            await asyncio.sleep(self._retry_seconds)

    async def _listen(self) -> None:
        # TCP keepalives: a connection that died silently (a failover, a NAT timeout) errors
        # within about a minute instead of leaving the process deaf.
        async with await psycopg.AsyncConnection.connect(
            self._dsn, autocommit=True, keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3
        ) as connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self._hub.listening = True
            self.connected.set()
            self._hub.wake_all()  # changes made before LISTEN took hold
            async for notice in connection.notifies():
                self._hub.publish(notice.payload.split(","))


def listener_for(engine: Engine, hub: ChangeHub) -> PostgresListener | None:
    """A listener when the database can announce changes (PostgreSQL); ``None`` on SQLite."""
    return PostgresListener(engine, hub) if engine.dialect.name == "postgresql" else None
