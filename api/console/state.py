"""What the console works with, built once per app from the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.limits import LoginPolicy, LoginThrottle
from api.quality_gate import QualityGate
from api.services import Services
from bot.conversation.assistant import Assistant
from bot.desk.accounts import StaffAccounts
from bot.desk.analytics import DeskAnalytics
from bot.desk.audit import AuditLog
from bot.desk.escalation_notes import EscalationNotes
from bot.desk.staff import StaffDesk
from bot.desk.staff_faq import StaffFaqs
from bot.outbound.outbox import Outbox


@dataclass
class ConsoleState:
    """The console's services (one per app)."""

    services: Services
    assistant: Assistant
    accounts: StaffAccounts
    audit: AuditLog
    notes: EscalationNotes
    faqs: StaffFaqs
    outbox: Outbox
    desk: StaffDesk
    analytics: DeskAnalytics
    login_throttle: LoginThrottle
    quality_gate: QualityGate | None = None
    """Golden questions an upload or re-ingest must keep answering (``SPORTELLO_QUALITY__*``)."""


def build_console_state(services: Services) -> ConsoleState:
    """The console over these services."""
    return ConsoleState(
        services=services,
        assistant=services.assistant(),
        accounts=services.accounts(),
        audit=services.audit(),
        notes=EscalationNotes(services.sessions, services.now),
        faqs=StaffFaqs(services.sessions, services.now),
        outbox=services.outbox(),
        desk=services.staff_desk(),
        analytics=DeskAnalytics(services.sessions, services.embedder.embed_query, services.manifest.catalog_entries),
        login_throttle=LoginThrottle(
            services.limits(),
            LoginPolicy(
                attempts_per_minute=services.settings.console.login_attempts_per_minute,
                free_failures=services.settings.console.login_free_failures,
            ),
        ),
        quality_gate=QualityGate.from_settings(services.settings.quality),
    )


def console_state(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state


ConsoleDep = Annotated[ConsoleState, Depends(console_state)]
