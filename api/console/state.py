"""What the console works with, built once per app from the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.quality_gate import QualityGate
from api.services import Services
from bot.conversation.assistant import Assistant
from bot.conversation.store import ConversationStore
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
    quality_gate: QualityGate | None = None
    """Golden questions an upload or re-ingest must keep answering (``SPORTELLO_QUALITY__*``)."""

    @property
    def store(self) -> ConversationStore:
        """The conversations, escalations and messages."""
        return self.assistant.store


def build_console_state(services: Services) -> ConsoleState:
    """The console over these services."""
    assistant = services.assistant()
    outbox = Outbox(services.sessions, services.now)
    return ConsoleState(
        services=services,
        assistant=assistant,
        accounts=staff_accounts(services),
        audit=AuditLog(services.sessions, services.now),
        notes=EscalationNotes(services.sessions, services.now),
        faqs=StaffFaqs(services.sessions, services.now),
        outbox=outbox,
        desk=StaffDesk(assistant.store, outbox),
        analytics=DeskAnalytics(services.sessions, services.embedder.embed_query, services.manifest.catalog_entries),
        quality_gate=QualityGate.from_settings(services.settings.quality),
    )


def staff_accounts(services: Services) -> StaffAccounts:
    """The accounts store with the configured session length (the CLI uses it too)."""
    return StaffAccounts(services.sessions, services.now, session_hours=services.settings.console.session_hours)


def console_state(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state


ConsoleDep = Annotated[ConsoleState, Depends(console_state)]
