"""The deployment an operator runs, under load, with processes killed mid-run (issue 21).

Scaled: two ``sportello serve`` and one ``sportello worker`` on PostgreSQL, a Chroma server
and Redis, every process with the same settings (``tests/doubles/deployment.py``, which
``compose.yaml`` mirrors). Single: the default ``sportello serve`` on SQLite. Both with the
bundled model, e-mail to an SMTP double and Telegram by webhook against the Bot API double.

What runs, at once: 100 widget conversations (34 handed to staff) spread over the web
processes, six Telegram chats (three handed to staff) posted to the webhook of either (one
asks before accepting the privacy notice, on one process, and accepts it on the other), and
one document uploaded in the console of each web process. Once 40 conversations are done,
the first web process and the worker are SIGKILLed and started again; clients move to
another process or wait, resending what was not acknowledged, as the widget and Telegram do.

Then, as the staff and the SMEs see it: every acknowledged turn is stored once and answered;
each notice reached each recipient once (a message on the wire when its sender died may be
repeated, with the same Message-ID for e-mail: counted from the outbox at the kill); one
ingest ran at a time and both uploads answer on every process; a staff reply made on one
process reaches the widget streaming from another at once; the rate limit holds across
processes.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import itertools
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from doubles.console import PASSWORD, csrf_of, login
from doubles.deployment import STAFF_CHAT, WEBHOOK_COMMAND, Deployment, scaled, shared_settings, single
from doubles.hostile_files import docx_bytes
from doubles.scenario import Clients, TelegramClients
from doubles.served import ADMIN
from doubles.smtp import Inbox
from doubles.telegram_api import BotApiDouble

pytestmark = pytest.mark.integration

PUBLIC_URL = "https://sportello.cluster.example.eu"
RECIPIENTS = ["desk@cluster.example.eu", "boss@cluster.example.eu"]
CONVERSATIONS = 100
ESCALATE_EVERY = 3
TELEGRAM_CHATS = (8101, 8102, 8103, 8104, 8105, 8106)
KILL_AFTER = 40
QUESTIONS = [
    "Entro quando ci si iscrive alla missione in Giappone?",
    "What share of the costs is reimbursed for a trade mission?",
    "Quels documents faut-il pour le remboursement ?",
    "Quali spese sono ammissibili per il voucher internazionalizzazione?",
]
UPLOADS = {
    "premio-vetrina-tessile.docx": ("Il Premio Vetrina Tessile accetta candidature fino al 3 marzo.",
                                    "Fino a quando ci si candida al Premio Vetrina Tessile?", "3 marzo"),
    "borsa-meccatronica.docx": ("La Borsa Meccatronica di Lione si tiene il 14 ottobre.",
                                "Quando si tiene la Borsa Meccatronica di Lione?", "14 ottobre"),
}  # fmt: skip


@pytest.fixture
def api() -> BotApiDouble:
    with BotApiDouble() as double:
        yield double


@pytest.mark.parametrize("mode", ["scaled", "single"])
def test_the_deployment_loses_nothing_and_repeats_nothing(
    mode: str, request: pytest.FixtureRequest, smtp: tuple[Inbox, int], api: BotApiDouble, tmp_path: Path
) -> None:
    inbox, smtp_port = smtp
    settings = shared_settings(
        tmp_path, smtp_port=smtp_port, recipients=RECIPIENTS, bot_api_root=api.root, bot_token=api.token,
        CONSOLE__NOTIFY_SECONDS="0.3", WEB__IP_REQUESTS_PER_MINUTE="1000", WEB__SESSION_MESSAGES_PER_MINUTE="1000",
    )  # fmt: skip
    if mode == "scaled":
        servers = {name: request.getfixturevalue(name) for name in ("postgres_url", "chroma_server", "redis_url")}
        deployment = scaled(tmp_path, 2, settings, postgres_url=servers["postgres_url"],
                            chroma_url=servers["chroma_server"], redis_url=servers["redis_url"])  # fmt: skip
    else:
        deployment = single(tmp_path, settings)
    with deployment.running():
        added = deployment.cli("staff", "add", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD)
        assert added.returncode == 0, added.stderr
        # Registered as compose.yaml's one-shot does; the test then plays Telegram, posting to either process.
        hooked = deployment.cli(*WEBHOOK_COMMAND, f"{PUBLIC_URL}/telegram/webhook")
        assert hooked.returncode == 0, hooked.stderr
        assert api.calls_to("setWebhook")[-1]["url"] == f"{PUBLIC_URL}/telegram/webhook"
        run(deployment, inbox, api)


def run(deployment: Deployment, inbox: Inbox, api: BotApiDouble) -> None:
    web = Clients(deployment)
    telegram = TelegramClients(deployment, api)
    in_flight: set[tuple[str, int]] = set()  # (channel, escalation) whose notice was being sent at the kill
    kill_done = threading.Event()

    def kill_mid_run() -> None:
        web.progress.wait_for(KILL_AFTER)
        for outcome in uploads:  # an ingest killed half-way is another test's (tests/durability)
            outcome.result()
        victims = [deployment.webs[0], *([deployment.worker] if deployment.worker else [])]
        with contextlib.ExitStack() as dead:
            for victim in victims:
                dead.enter_context(victim.frozen_then_killed())
            in_flight.update(notices_being_sent(deployment.database_url, [victim.pid for victim in victims]))
        for victim in victims:
            victim.ensure_running()  # the supervisor brings them back
        kill_done.set()

    with ThreadPoolExecutor(max_workers=12) as pool:
        uploads = [pool.submit(upload, deployment.urls[n % len(deployment.urls)], name)
                   for n, name in enumerate(UPLOADS)]  # fmt: skip
        killer = pool.submit(kill_mid_run)
        chats = [pool.submit(telegram.converse, chat, escalate=n % 2 == 0, ask_first=n == 1)
                 for n, chat in enumerate(TELEGRAM_CHATS)]  # fmt: skip
        conversations = [pool.submit(web.converse, n, QUESTIONS[n % len(QUESTIONS)], n % ESCALATE_EVERY == 0)
                         for n in range(CONVERSATIONS)]  # fmt: skip
        web_escalations = {e for future in conversations if (e := future.result()) is not None}
        telegram_escalations = {e for future in chats if (e := future.result()) is not None}
        killer.result()
        assert [outcome.result() for outcome in uploads] == ["Documento caricato e indicizzato."] * len(UPLOADS)
    assert kill_done.is_set()
    escalations = web_escalations | telegram_escalations
    assert len(web_escalations) == 34 and len(telegram_escalations) == 3 and len(escalations) == 37

    # Nothing acknowledged is lost, nothing is stored twice: every turn the widget was told was
    # received is in its history once, answered.
    for conversation in web.conversations:
        web.check_history(conversation)

    # One ingest at a time, and both uploads answer on every process.
    assert_no_overlapping_ingests(deployment.database_url)
    for url in deployment.urls:
        for _, question, fact in UPLOADS.values():
            assert fact in web.ask_once(url, question), (url, question)

    # A staff reply made on the first process reaches the widget streaming from the last at once:
    # on PostgreSQL every web process hears the others' changes (LISTEN/NOTIFY).
    hears = "every process (LISTEN/NOTIFY)" if deployment.worker else "this process"
    assert [httpx.get(f"{url}/readyz", timeout=10).json()["live_events"] for url in deployment.urls] == [hears] * len(
        deployment.urls
    )
    streamed = next(conversation for conversation in web.conversations if conversation.escalation is not None)
    latency = web.staff_reply_latency(streamed, reply_on=deployment.urls[0], stream_from=deployment.urls[-1])
    print(f"staff reply to a widget on another process: {latency:.2f} s")
    assert latency < 5.0  # with a listener, the fallback read is every 30 s: this came by the notice

    # Staff answer the Telegram requests from the console: each SME reads the answer once.
    telegram.staff_replies(web)
    web.close()

    # Each notice once per recipient, as the recipient sees it.
    wait_until_outbox_drained(deployment.database_url)
    telegram.check_staff_replies_once()
    mails = collections.Counter()
    ids_per_notice: dict[tuple[str, int], set[str]] = collections.defaultdict(set)
    for envelope, message in zip(inbox.received, inbox.messages(), strict=True):
        found = re.search(r"#(\d+)", message["Subject"])
        if found is None or "Promemoria" in message["Subject"]:
            continue
        for recipient in envelope.rcpt_tos:
            mails[(recipient, int(found.group(1)))] += 1
            ids_per_notice[(recipient, int(found.group(1)))].add(message["Message-ID"])
    assert set(mails) == {(r, e) for r in RECIPIENTS for e in escalations}
    assert all(len(ids) == 1 for ids in ids_per_notice.values())  # a resend threads as the same message
    assert all(n == 1 or ("email", e) in in_flight for (_, e), n in mails.items()), mails
    group = collections.Counter(
        int(found.group(1)) for m in api.sent(STAFF_CHAT) if (found := re.match(r"🆘 Richiesta #(\d+)", m.text))
    )
    assert set(group) == escalations
    assert all(n == 1 or ("telegram", e) in in_flight for e, n in group.items()), group
    print(f"{sum(mails.values())} e-mails and {sum(group.values())} group notices for {len(escalations)} "
          f"escalations; in flight at the kill: {sorted(in_flight)}")  # fmt: skip

    # One rate limit for every process: 1,200 calls at 1,000 a minute.
    urls = deployment.urls * (1200 // len(deployment.urls))
    with ThreadPoolExecutor(max_workers=8) as pool:
        calls = list(pool.map(timed_config_call, urls))
    assert_moving_window_held(calls, limit=1000, window=60.0)


def timed_config_call(url: str) -> tuple[float, float, int]:
    """When a call left, when its answer came, and the status: the server counted it in between."""
    sent = time.monotonic()
    status = httpx.get(f"{url}/api/config", timeout=10).status_code
    return sent, time.monotonic(), status


def assert_moving_window_held(calls: list[tuple[float, float, int]], *, limit: int, window: float) -> None:
    """No span of ``window`` seconds accepted more than ``limit`` calls, and calls past it were refused.

    Judged from the client's clock, so only spans that surely hold a call are counted: a call
    sent at or after a span's start and answered before its end. On a slow machine the calls
    can take longer than the window, and earlier ones rightly stop counting (the CI run that
    saw 1,015 accepted out of 1,200 was one such).
    """
    assert {status for _, _, status in calls} <= {200, 429}
    for start, _, _ in calls:
        inside = [status for sent, answered, status in calls if sent >= start and answered < start + window]
        assert inside.count(200) <= limit, (start, inside.count(200))
    first = min(sent for sent, _, _ in calls)
    inside_first = [status for sent, answered, status in calls if answered < first + window]
    assert inside_first.count(429) >= len(inside_first) - limit, (len(inside_first), inside_first.count(429))
    assert inside_first.count(200) > 0, "every call was refused: a limiter, not a limit"


def upload(url: str, name: str) -> str:
    fact = UPLOADS[name][0]
    with httpx.Client(base_url=url, timeout=300, follow_redirects=True) as console:
        login(console, ADMIN)
        page = console.post("/console/knowledge/upload", data={"csrf_token": csrf_of(console)},
                            files={"file": (name, docx_bytes(fact))})  # fmt: skip
    found = re.search(r'<p class="notice[^"]*"[^>]*>([^<]+)</p>', page.text)
    assert found is not None, page.text[:2000]
    return found.group(1).strip()


def notices_being_sent(database_url: str, pids: list[int]) -> set[tuple[str, int]]:
    """Staff notices claimed by one of ``pids`` (stopped) and not settled: the ones a sender
    killed now may have put on the wire without recording it."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT channel, escalation_id, claimed_by FROM bot_outbox WHERE status = 'pending'"
                " AND claimed_by IS NOT NULL AND kind = 'staff_notice'"
            )).all()  # fmt: skip
    finally:
        engine.dispose()
    return {(channel, int(escalation)) for channel, escalation, holder in rows
            if escalation is not None and holder.split(":")[1] in {str(pid) for pid in pids}}  # fmt: skip


def wait_until_outbox_drained(database_url: str, timeout: float = 90.0) -> None:
    """Until no outbox row waits to be sent: nothing more can reach anyone."""
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with engine.connect() as connection:
                waiting = connection.execute(sa.text("SELECT count(*) FROM bot_outbox WHERE status = 'pending'"))
                if waiting.scalar() == 0:
                    return
            assert time.monotonic() < deadline, "the outbox never drained"
            time.sleep(0.2)
    finally:
        engine.dispose()


def assert_no_overlapping_ingests(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(
                sa.text("SELECT started_at, finished_at FROM knowledge_sync_runs ORDER BY started_at")
            ).all()
    finally:
        engine.dispose()
    assert len(runs) >= 3  # the sample, and one per upload
    times = [(_time(started), _time(finished)) for started, finished in runs]
    for (_, finished), (started, _) in itertools.pairwise(times):
        assert finished <= started, runs


def _time(value: object) -> dt.datetime:
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
