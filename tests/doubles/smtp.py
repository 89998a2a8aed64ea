"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it accepts."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """An aiosmtpd handler: keeps what it accepts, refuses the recipients it is told to."""

    received: list[Any] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    connections: list[Any] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(envelope)
        if not any(known is session for known in self.connections):
            self.connections.append(session)
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.received]


def start_smtp(port: int, inbox: Inbox | None = None, **options: Any) -> tuple[Controller, Inbox]:
    """An SMTP server on 127.0.0.1:``port`` handing what it accepts to ``inbox`` (a new one by default)."""
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, inbox
