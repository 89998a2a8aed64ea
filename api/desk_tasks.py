"""What ``sportello serve`` (or, for several processes, ``sportello worker``) does on a timer
besides answering: staff notices and SLA reminders (e-mail, and reminders in the Telegram
staff group), sending the e-mail, posting the webhooks' events, the retention purge, and
syncing the web sources that are due (``api.sources.sync``, a loop of its own).

Every step is idempotent and stored in the database: a notice is queued under a key naming
its event and recipient (a second enqueue is a no-op) and sent only by the process the outbox
leases it to (``bot.outbound.outbox``), so a restart loses nothing and any number of
processes running these tasks send each notice once. A failing step is logged and tried
again on the next tick, never allowed to stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging

from api.recovery import Periodic
from api.services import Services, webhook_endpoints
from api.settings import Settings
from api.sources.sync import SourceSync
from api.staff_recipients import email_recipients, staff_group
from bot.desk.staff import StaffNotices
from bot.outbound.email_delivery import EmailConfig, EmailSender
from bot.outbound.webhooks import WebhookSender, enqueue_event, knowledge_event

KNOWLEDGE_LOOKBACK = dt.timedelta(days=1)
"""Sync runs this recent are announced (``knowledge.updated``); older ones predate the endpoint."""

log = logging.getLogger(__name__)


def email_config(settings: Settings) -> EmailConfig | None:
    """The SMTP configuration, or ``None`` when no host is set."""
    email = settings.email
    if not email.host:
        return None
    return EmailConfig(
        host=email.host, port=email.port, username=email.username,
        password=email.password.get_secret_value() if email.password else None,
        starttls=email.starttls and not email.ssl, use_ssl=email.ssl, sender=email.sender,
        timeout_seconds=email.timeout_seconds, console_url=settings.console.public_url,
    )  # fmt: skip


class DeskTasks:
    """The periodic staff and privacy work of one ``serve`` process."""

    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings
        self.outbox = services.outbox()
        self.desk = services.staff_desk()
        config = email_config(settings)
        self.email = EmailSender(self.outbox, config) if config else None
        self.endpoints = webhook_endpoints(settings)
        self.webhooks = (
            WebhookSender(self.outbox, self.endpoints, lambda: services.now().timestamp()) if self.endpoints else None
        )
        self.sla = dt.timedelta(hours=settings.console.sla_hours)
        self._last_purge: dt.datetime | None = None
        self._loop = Periodic("desk-tasks", self.run_once, lambda: services.settings.console.notify_seconds)
        # Web sources sync on a loop of their own: a crawl takes minutes, the notices must not wait for it.
        self._sources = (
            Periodic("web-sources", SourceSync(services).run_due, lambda: settings.sources.check_seconds)
            if settings.sources.schedule
            else None
        )

    def start(self) -> None:
        """Run in the background until ``stop``."""
        self._loop.start()
        if self._sources is not None:
            self._sources.start()

    async def stop(self) -> None:
        """Stop (waits for a step in progress to end)."""
        await self._loop.stop()
        if self._sources is not None:
            await self._sources.stop()
        if self.webhooks is not None:
            self.webhooks.close()

    def run_once(self) -> dict[str, int]:
        """One tick: queue notices and reminders, send due e-mail, purge when due. Returns counts."""
        counts = {"queued": 0, "emailed": 0, "posted": 0, "purged": 0}
        for notices in self.email_recipients():
            counts["queued"] += self.desk.queue_notices(notices)
            counts["queued"] += self.desk.queue_reminders(notices, self.sla, self.services.now())
        group = staff_group(self.services)
        if group is not None:  # the bot itself queues the group's notices
            counts["queued"] += self.desk.queue_reminders(group, self.sla, self.services.now())
        if self.email is not None:
            counts["emailed"] = self.email.send_due()
        if self.webhooks is not None:
            counts["queued"] += self.queue_knowledge_events()
            counts["posted"] = self.webhooks.send_due()
        counts["purged"] = self.purge_if_due()
        return counts

    def queue_knowledge_events(self) -> int:
        """``knowledge.updated`` for each recent sync run that changed something (once: keyed by run)."""
        since = self.services.now() - KNOWLEDGE_LOOKBACK
        return sum(
            enqueue_event(self.outbox, self.endpoints, knowledge_event(run_id, finished, counts))
            for run_id, finished, counts in self.services.manifest.changing_runs(since)
        )

    def email_recipients(self) -> list[StaffNotices]:
        """Who gets e-mail (see ``email_recipients``)."""
        return email_recipients(self.services) if self.email is not None else []

    def purge_if_due(self) -> int:
        """Apply the retention period every ``purge_hours`` (first at startup)."""
        privacy = self.services.settings.privacy
        now = self.services.now()
        if privacy.retention_days is None:
            return 0
        if self._last_purge is not None and now - self._last_purge < dt.timedelta(hours=privacy.purge_hours):
            return 0
        self._last_purge = now
        report = self.services.privacy().purge(dt.timedelta(days=privacy.retention_days), privacy.retention_mode)
        log.info("retention purge (%s, %d days): %s", privacy.retention_mode, privacy.retention_days, report)
        return report.conversations.conversations
