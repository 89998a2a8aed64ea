"""Staff e-mail: the outbox's ``email`` rows sent over SMTP.

A notice or reminder queued for a staff address (``StaffDesk.queue_notices`` or
``queue_reminders`` with ``StaffNotices(EMAIL_CHANNEL, address)``) goes out as plain UTF-8
text, one SMTP connection per batch. The subject is built from the escalation's id and
fixed words only; what an SME wrote stays in the body, which is never read as headers.

A failure the server or the network may get over (connection refused, timeout,
disconnection, a 4xx answer, a login refused) is retried with the outbox's backoff; a
recipient or message refused for good (5xx) is left ``undeliverable`` with the server's
answer, for staff to see.

Synchronous (``smtplib``): async callers run ``send_due`` with ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr

from bot.conversation.phrases import say
from bot.desk.words import word
from bot.outbound.outbox import Outbox, OutboxItem

EMAIL_CHANNEL = "email"
"""The outbox channel of staff e-mail; the row's address is the recipient's e-mail address."""

log = logging.getLogger(__name__)

_SUBJECTS = {"staff_notice": "email_subject_notice", "staff_reminder": "email_subject_reminder"}
_NOT_A_TOKEN = re.compile(r"[^a-z0-9_]")
_POLICY = SMTP_POLICY.clone(cte_type="7bit", max_line_length=998)
"""CRLF lines; a non-ASCII body goes quoted-printable or base64 (no 8BITMIME needed); short headers unfolded."""


@dataclass(frozen=True, kw_only=True)
class EmailConfig:
    """The SMTP server, how to log in, who the mail is from, and where the console is."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    """Upgrade the plain connection with STARTTLS (port 587); exclusive with ``use_ssl``."""
    use_ssl: bool = False
    """TLS from the first byte (port 465)."""
    sender: str
    """The From address, bare (``desk@example.it``) or with a name (``Sportello <desk@example.it>``)."""
    timeout_seconds: float = 30.0
    console_url: str | None = None
    """The console's public base URL (``https://desk.example.it``): mails link to the escalation there."""

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("an SMTP host is needed")
        if self.starttls and self.use_ssl:
            raise ValueError("starttls and use_ssl exclude each other (587 uses STARTTLS, 465 SSL)")
        if mailbox(self.sender) is None:
            raise ValueError(f"the sender is not an e-mail address: {self.sender!r}")
        if self.console_url is not None and not self.console_url.startswith(("https://", "http://")):
            raise ValueError(f"the console URL must start with https:// or http://: {self.console_url!r}")


def mailbox(value: str) -> str | None:
    """The bare address in ``value`` (``a@b.it`` or ``Name <a@b.it>``), or ``None`` when there is none."""
    if any(char in value for char in "\r\n\0,;"):
        return None
    address = parseaddr(value)[1]
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(char.isspace() or char in "<>" for char in address):
        return None
    return address


def console_link(console_url: str, escalation_id: int) -> str:
    """The escalation's page in the console."""
    return f"{console_url.rstrip('/')}/console/escalations/{escalation_id}"


class EmailSender:
    """Sends the outbox's due e-mail over one SMTP connection per batch and settles each message."""

    def __init__(self, outbox: Outbox, config: EmailConfig, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.outbox = outbox
        self.config = config
        self._ssl_context = ssl_context
        self._from = mailbox(config.sender) or config.sender
        self._domain = self._from.rpartition("@")[2]

    def send_due(self, limit: int = 100) -> int:
        """Send what is due; returns how many messages the server accepted."""
        items = self.outbox.claim_due(EMAIL_CHANNEL, limit)
        if not items:
            return 0
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:  # down, unreachable, TLS or login refused: retried
            error = f"SMTP {self.config.host}:{self.config.port}: {_describe(exc)}"
            delay = 0.0
            for item in items:
                delay = self.outbox.mark_failed(item.id, error)
            log.warning("%s; %d e-mail(s) retried in %.0f s", error, len(items), delay)
            return 0
        sent = 0
        try:
            for index, item in enumerate(items):
                accepted, connected = self._send(smtp, item)
                sent += accepted
                if not connected:  # the rest are given back: the next batch reconnects
                    self.outbox.release([rest.id for rest in items[index + 1 :]])
                    break
        finally:
            _close(smtp)
        return sent

    def message(self, item: OutboxItem, recipient: str) -> EmailMessage:
        """The e-mail for ``item``: headers from ids and configuration only, the item's text as the body."""
        message = EmailMessage(policy=_POLICY)
        message["From"] = self.config.sender
        message["To"] = recipient
        message["Subject"] = subject(item)
        message["Date"] = format_datetime(item.created_at)
        # The same id on every attempt: a retry after a lost acknowledgement can be recognised.
        message["Message-ID"] = f"<sportello.outbox.{item.id}@{self._domain}>"
        if item.escalation_id is not None:  # notice and reminders of one escalation in one thread
            message["References"] = f"<sportello.escalation.{item.escalation_id}@{self._domain}>"
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
        message.set_content(self.body(item), charset="utf-8")
        return message

    def body(self, item: OutboxItem) -> str:
        """The text of the mail: the notice, where to answer, and that replying to the mail reaches no one."""
        lines = [item.text.strip()]
        if item.escalation_id is not None:
            url = self.config.console_url
            answer = say("email_answer_at", "it", url=console_link(url, item.escalation_id)) if url else None
            lines += ["", answer or say("email_answer_in_console", "it")]
        lines += ["", "-- ", say("email_footer", "it")]
        return "\n".join(lines) + "\n"

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp: smtplib.SMTP
        if config.use_ssl:
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout_seconds, context=self._tls())
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
        try:
            smtp.ehlo()
            if config.starttls:
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if config.username:
                smtp.login(config.username, config.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _tls(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context()
        return self._ssl_context

    def _send(self, smtp: smtplib.SMTP, item: OutboxItem) -> tuple[int, bool]:
        """Send one item and settle it; returns (1 if accepted, whether the connection is still usable)."""
        outbox = self.outbox
        recipient = mailbox(item.address)
        if recipient is None:
            outbox.mark_undeliverable(item.id, f"not an e-mail address: {item.address!r}")
            return 0, True
        try:
            message = self.message(item, recipient)
        except ValueError as exc:  # the e-mail package refused a header (e.g. an address it cannot encode)
            outbox.mark_undeliverable(item.id, f"cannot build the e-mail: {exc}")
            return 0, True
        try:
            smtp.send_message(message, from_addr=self._from, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()), (0, b""))
            error = f"{code} {_text(answer)}"
            if 500 <= code < 600:
                outbox.mark_undeliverable(item.id, error)
                log.error("e-mail %s to %s refused for good: %s", item.id, recipient, error)
                return 0, True
            self._failed(item, error)
            return 0, code != 421  # 421: the server closed the connection
        except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address and no SMTPUTF8
            outbox.mark_undeliverable(item.id, _describe(exc))
            return 0, True
        except smtplib.SMTPServerDisconnected as exc:
            self._failed(item, _describe(exc))
            return 0, False
        except smtplib.SMTPResponseException as exc:  # MAIL FROM or DATA refused
            error = _describe(exc)
            if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
                outbox.mark_undeliverable(item.id, error)  # this message is refused: sending it again will not help
                log.error("e-mail %s refused for good: %s", item.id, error)
                return 0, True
            self._failed(item, error)  # a refused sender is a configuration to fix: kept until then
            return 0, exc.smtp_code != 421
        except (OSError, smtplib.SMTPException) as exc:  # timeout, reset: the connection's state is unknown
            self._failed(item, _describe(exc))
            return 0, False
        message_id = str(message["Message-ID"])
        outbox.mark_sent(item.id, message_id if len(message_id) <= 64 else None)
        return 1, True

    def _failed(self, item: OutboxItem, error: str) -> None:
        delay = self.outbox.mark_failed(item.id, error)
        log.warning("e-mail %s failed (%s); retry in %.0f s", item.id, error, delay)


def subject(item: OutboxItem) -> str:
    """The subject of ``item``'s mail: fixed words, the escalation's id, its channel and the word for its reason —
    nothing an SME wrote."""
    key = _SUBJECTS.get(item.kind)
    if key is not None and item.escalation_id is not None:
        channel, reason = _token(item.payload.get("channel")), _token(item.payload.get("reason"))
        return say(key, "it", id=item.escalation_id, channel=channel, reason=word(reason, "reason", "it"))
    if item.escalation_id is not None:
        return say("email_subject_escalation", "it", id=item.escalation_id)
    if item.kind == "source_alert":
        return say("email_subject_source", "it")
    return say("email_subject_other", "it")


def _token(value: object) -> str:
    """An enum value (channel, reason) fit for a subject: lowercase letters, digits and ``_`` only."""
    return _NOT_A_TOKEN.sub("", str(value or "").lower())[:20] or "?"


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
