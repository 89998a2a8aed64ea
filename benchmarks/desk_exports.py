"""The desk's exports at a year's scale: the KPI breakdown per SME, call, mission and country, and
the webhooks' delivery to a receiver on 127.0.0.1 (issue 22).

    .venv/bin/python benchmarks/desk_exports.py                 # 20,000 conversations
    .venv/bin/python benchmarks/desk_exports.py --conversations 5000 --json

Fills a throw-away SQLite database in bulk (contacts, conversations, questions, answers citing
catalog entries, requests with company details, staff replies, ratings), then times
``KpiBreakdown.rows`` and its CSV over the whole period and measures the process's peak
memory; then records ``--webhooks N`` handoffs through the store with an endpoint configured
(two events each) and times their delivery to a receiver on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import _common
from sqlalchemy import insert

from api.services import SAMPLE_KNOWLEDGE_DIR, Services, build_services, webhook_endpoints
from api.settings import EmbeddingSettings, Settings
from api.settings_channels import WebhookEndpointSettings, WebhookSettings
from bot.conversation.tables import ContactRow, ConversationRow, EscalationRow, FeedbackRow, MessageRow
from bot.desk.analytics_csv import kpi_csv
from bot.desk.kpi import KpiBreakdown
from bot.outbound.webhooks import WebhookSender
from knowledge.store import CatalogRecord

START = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
SECRET = "benchmark-webhook-secret-0123456789"


class Receiver(BaseHTTPRequestHandler):
    """Accepts every POST (what a CRM's endpoint does when it is up)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def fill(services: Services, catalog: list[CatalogRecord], conversations: int, rng: random.Random) -> None:
    """A year of the desk written in bulk (one transaction per table): a question and an answer
    citing a call or mission in each conversation, a rating on 30 %, a request on 20 % with the
    company and e-mail given, replied to by staff within 1–30 hours and closed."""
    contacts = [
        {"id": n + 1, "channel": rng.choice(["web", "telegram"]), "external_id": f"c{n}", "name": None,
         "language": None, "consent_at": START, "created_at": START}
        for n in range(conversations // 2)
    ]  # fmt: skip
    rows: dict[type, list[dict[str, object]]] = {
        ConversationRow: [], MessageRow: [], EscalationRow: [], FeedbackRow: []
    }  # fmt: skip
    companies = [f"Impresa {n} srl" for n in range(max(1, conversations // 4))]
    message_id = 0
    for n in range(conversations):
        at = START + dt.timedelta(minutes=25 * n)
        contact = rng.randint(1, len(contacts))
        language = rng.choice(["it", "en", "fr"])
        rows[ConversationRow].append(
            {"id": n + 1, "contact_id": contact, "language": language, "started_at": at, "last_message_at": at}
        )
        entry = rng.choice(catalog)
        citation = json.dumps([{"n": 1, "title": entry.entry.title, "source": entry.source, "chunk_id": ""}])
        for role, text, citations in (
            ("user", "Entro quando mi iscrivo?", "[]"),
            ("assistant", "Risposta [1]", citation),
        ):
            message_id += 1
            rows[MessageRow].append({"id": message_id, "conversation_id": n + 1, "role": role, "text": text,
                                     "citations_json": citations, "decision": "answer" if role == "assistant" else None,
                                     "created_at": at})  # fmt: skip
        if rng.random() < 0.3:
            rows[FeedbackRow].append({"message_id": message_id, "rating": rng.choice([1, 1, -1]), "created_at": at})
        if rng.random() < 0.2:
            details = {"company": rng.choice(companies), "email": f"x{n}@pmi.example", "topic": entry.entry.title}
            replied = at + dt.timedelta(hours=rng.randint(1, 30))
            rows[EscalationRow].append({
                "conversation_id": n + 1, "reason": "user_request", "status": "resolved", "summary": "Domanda",
                "details_json": json.dumps(details), "created_at": at, "answered_at": replied, "resolved_at": replied,
                "outcome": "resolved",
            })  # fmt: skip
            message_id += 1
            rows[MessageRow].append({"id": message_id, "conversation_id": n + 1, "role": "staff", "text": "Risposta",
                                     "citations_json": "[]", "author": "Anna", "created_at": replied})  # fmt: skip
    with services.sessions.begin() as session:
        session.execute(insert(ContactRow), contacts)
        for table, values in rows.items():
            if values:
                session.execute(insert(table), values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--webhooks", type=int, default=300, help="Handoffs delivered to a loopback receiver.")
    _common.add_json_option(parser, "desk_exports")
    args = parser.parse_args()
    rng = random.Random(22)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    endpoint = WebhookEndpointSettings.model_validate({"name": "crm", "url": url, "secret": SECRET})
    clock = {"now": START}
    with tempfile.TemporaryDirectory(prefix="sportello-bench-exports-") as tmp:
        settings = Settings(
            _env_file=None, data_dir=Path(tmp), embedding=EmbeddingSettings(provider="hashing", dimensions=64),
            webhooks=WebhookSettings(endpoints=[endpoint]),
        )  # fmt: skip
        services = build_services(settings, now=lambda: clock["now"])
        try:
            services.ingest_pipeline().run([SAMPLE_KNOWLEDGE_DIR])
            catalog = [r for r in services.manifest.catalog_entries() if r.entry.kind in ("call", "mission")]
            filled = time.perf_counter()
            fill(services, catalog, args.conversations, rng)
            clock["now"] = START + dt.timedelta(minutes=25 * args.conversations)
            store = services.assistant().store
            for n in range(args.webhooks):  # through the store: each records its webhook events
                conversation = store.start_conversation(store.contact("web", f"hook{n}"), "it")
                store.open_escalation(conversation, "user_request", "Domanda", {"company": f"Impresa {n} srl"})
            fill_seconds = time.perf_counter() - filled
            breakdown = KpiBreakdown(services.sessions, services.manifest.catalog_entries)
            timings = []
            for _ in range(3):
                began = time.perf_counter()
                rows = breakdown.rows(None, clock["now"] + dt.timedelta(days=1), personal=True)
                text = kpi_csv(rows)
                timings.append(time.perf_counter() - began)
            outbox = services.outbox()
            queued = len(outbox.items("webhook", status="pending"))
            sender = WebhookSender(outbox, webhook_endpoints(services.settings), time.time)
            began = time.perf_counter()
            posted = 0
            while outbox.items("webhook", status="pending") and posted < queued:
                posted += sender.send_due()
            post_seconds = time.perf_counter() - began
            sender.close()
        finally:
            services.close()
            server.shutdown()
    figures = {
        "conversations": args.conversations,
        "fill_seconds": round(fill_seconds, 1),
        "kpi_rows": len(rows),
        "kpi_csv_kib": round(len(text.encode()) / 1024, 1),
        "kpi_seconds_best": round(min(timings), 3),
        "kpi_seconds_worst": round(max(timings), 3),
        "webhook_events": queued,
        "webhook_posted": posted,
        "webhook_events_per_second": round(posted / post_seconds, 1) if post_seconds else None,
        "peak_rss_mib": round(_common.peak_rss_mb(), 1),
    }
    for key, value in figures.items():
        print(f"{key:28s} {value}")
    if args.json is not None:
        results = {"figures": figures, "machine": _common.machine_info()}
        print(f"written to {_common.write_json(Path(args.json), results)}", file=sys.stderr)


if __name__ == "__main__":
    main()
