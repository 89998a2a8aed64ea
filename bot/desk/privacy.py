"""Privacy (GDPR): erase one contact, export one contact's data, purge old conversations.

Where a contact's data lives, and what each operation does with it (docs/privacy.md says
the same for the desk):

=====================  ==========================================  =========================
table                  holds                                       reached through
=====================  ==========================================  =========================
bot_contacts           channel, chat id or web token hash, name    the contact
bot_conversations      times, the assistant's state (the topic     contact_id
                       asked, company/e-mail/phone given for staff)
bot_messages           every text, both ways, with citations       conversation_id
bot_escalations        summary (the SME's question) and details    conversation_id
bot_escalation_notes   staff's internal notes on an escalation     escalation_id
bot_feedback           thumbs and comments                         message_id
bot_unanswered         questions the assistant could not answer    conversation_id
bot_outbox             staff replies and alerts *to* the SME;      contact_id, conversation_id,
                       notices, follow-ups, reminders *about* it   escalation_id, message_id,
                       to staff (group, e-mail: they quote it)     or the contact's address
bot_subscriptions      alert topics                                contact_id
bot_alert_log          which alerts it was sent                    contact_id
bot_staff_faqs         FAQs staff promoted from an escalation      escalation_id (see
                       (added with the FAQ feature)                ``_derived_faqs``)
claims                 a reimbursement claim: mission, status,     conversation_id
                       the staff's outcome note
claim_files            the receipts sent for it (bytes), what was  conversation_id
                       read from them, the staff's corrections
=====================  ==========================================  =========================

Nothing else holds conversation text: ``bot_telegram_updates`` keeps bare update ids; the
embedding cache (``retrieval_embedding_cache``) keeps passage vectors only, because
``CachedEmbedder.embed_query`` (the one way a question is embedded) is not cached; the
knowledge index (Chroma and BM25) is built from documents alone. tests/bot/test_privacy.py
checks all three.

- ``erase``: the contact and everything above that hangs from it are deleted, children
  first in one transaction (no reliance on ``ON DELETE CASCADE``, so it holds on a
  connection without ``PRAGMA foreign_keys``).
- ``purge``: conversations whose last message is older than the retention period are
  deleted, or anonymised: every text (all roles: answers and staff replies quote the SME
  too) becomes ``ANONYMISED_TEXT``, escalation details and the assistant's state are
  emptied, open escalations are closed (so they are not announced to staff again), their
  outbox rows go, and the conversation moves to a contact of its own with no name and no
  address (``anonymised-<conversation id>``): what stays — times, decisions, reasons,
  confidence, ratings, citations (they name documents, not people), staff authors — is no
  longer linked to anyone, and feeds the analytics. Claims and their files are deleted in
  both modes: a receipt names the company, the traveller and their card, and nothing of it
  is anonymous. Then contacts left with no conversation and created before the cutoff are
  deleted, unless they keep alert subscriptions: those are SMEs that asked to be written
  to, and stay reachable until they unsubscribe, erase, or Telegram reports the chat
  blocked (which drops the subscriptions). Sent alerts older than the cutoff leave the
  outbox too.
- ``export``: everything of one contact as JSON-ready data; no other contact's data and no
  server internals (a web session's token hash, a citation's file path, the staff group's
  address, delivery errors). A claim's files are listed with what was read from them, not
  their bytes (the export says so; the desk sends copies on request).

On SQLite, deletion and anonymisation run with ``PRAGMA secure_delete`` and end with a WAL
checkpoint, so the erased bytes do not linger in free pages or in the write-ahead log.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.claims.tables import ClaimFileRow, ClaimRow
from bot.conversation.changes import DESK, conversation_topic, note_change
from bot.conversation.tables import ContactRow, ConversationRow, EscalationRow, FeedbackRow, MessageRow, UnansweredRow
from bot.desk.escalation_notes import EscalationNoteRow
from bot.desk.privacy_export import EXPORT_FORMAT, export_contact, export_conversation, export_outbox, iso_time
from bot.desk.privacy_reports import ErasureReport, PurgeMode, PurgeReport, Removed
from bot.desk.staff_faq import StaffFaqRow
from bot.outbound.alerts import AlertLogRow, SubscriptionRow
from bot.outbound.outbox import OutboxRow

log = logging.getLogger(__name__)

ANONYMISED_TEXT = "[anonymised]"
"""What an anonymised message, question, summary or comment reads."""
ANONYMISED_STATE = '{"anonymised": true}'
"""The state of an anonymised conversation (how a later purge knows it is done)."""
ANONYMISED_PREFIX = "anonymised-"
"""External id of the contact an anonymised conversation moves to: reaches no chat."""
_BATCH = 200


class PrivacyDesk:
    """Erasure, export and retention over the conversation tables; every call commits before it returns."""

    def __init__(self, sessions: sessionmaker[Session], now: Callable[[], dt.datetime]) -> None:
        self._sessions = sessions
        self._now = now

    # -- erasure ---------------------------------------------------------------------------

    def erase(self, contact_id: int) -> ErasureReport:
        """Delete the contact and everything derived from it (right to erasure)."""
        with self._sessions.begin() as session:
            _secure_delete(session)
            owned = session.scalars(select(ConversationRow.id).where(ConversationRow.contact_id == contact_id))
            note_change(session, DESK, *(conversation_topic(conversation) for conversation in owned))
            removed = _delete_contacts(session, select(ContactRow.id).where(ContactRow.id == contact_id))
        _checkpoint(self._sessions)
        return ErasureReport(contact_id, removed.contacts == 1, removed)

    # -- export ----------------------------------------------------------------------------

    def export(self, contact_id: int) -> dict[str, Any]:
        """Everything stored about the contact, JSON-ready (right of access and portability).

        Raises ``KeyError`` for an unknown contact.
        """
        with self._sessions() as session:
            contact = session.get(ContactRow, contact_id)
            if contact is None:
                raise KeyError(f"no contact {contact_id}")
            conversations = session.scalars(
                select(ConversationRow).where(ConversationRow.contact_id == contact_id).order_by(ConversationRow.id)
            )
            subscriptions = session.scalars(
                select(SubscriptionRow).where(SubscriptionRow.contact_id == contact_id).order_by(SubscriptionRow.id)
            )
            alerts = session.scalars(
                select(AlertLogRow).where(AlertLogRow.contact_id == contact_id).order_by(AlertLogRow.id)
            )
            outbox = session.scalars(
                select(OutboxRow)
                .where(_outbox_of_contacts(session, select(ContactRow.id).where(ContactRow.id == contact_id)))
                .order_by(OutboxRow.id)
            )
            return {
                "format": EXPORT_FORMAT,
                "exported_at": iso_time(self._now()),
                "contact": export_contact(contact),
                "conversations": [export_conversation(session, row) for row in conversations],
                "alert_subscriptions": [
                    {"kind": row.kind, "value": row.value, "created_at": iso_time(row.created_at)}
                    for row in subscriptions
                ],
                "alerts_sent": [
                    {"entry_id": row.entry_id, "reason": row.reason, "created_at": iso_time(row.created_at)}
                    for row in alerts
                ],
                "outbox": [export_outbox(row, contact) for row in outbox],
            }

    # -- retention -------------------------------------------------------------------------

    def purge(self, older_than: dt.timedelta, mode: PurgeMode = "delete") -> PurgeReport:
        """Delete or anonymise conversations whose last message is older than ``older_than``.

        Runs in batches of a few hundred conversations, each its own transaction, so a long
        run never holds the database for long; stopping half-way leaves whole conversations
        done or untouched, and the next run carries on.
        """
        if older_than <= dt.timedelta(0):
            raise ValueError("the retention period must be positive")
        if mode not in ("delete", "anonymise"):
            raise ValueError(f"unknown purge mode {mode!r}")
        cutoff = self._now() - older_than
        conversations = Removed()
        while True:
            with self._sessions.begin() as session:
                _secure_delete(session)
                batch = (
                    _delete_conversations(session, cutoff)
                    if mode == "delete"
                    else _anonymise_conversations(session, cutoff, self._now())
                )
            if batch is None:
                break
            conversations = conversations.plus(batch)
        contacts = Removed()
        while True:
            with self._sessions.begin() as session:
                _secure_delete(session)
                lapsed = _lapsed_contacts(cutoff)
                leftover = list(session.scalars(lapsed.order_by(ContactRow.id).limit(_BATCH)))
                if not leftover:
                    break
                # Checked again as it is deleted: a contact that wrote meanwhile has a conversation and stays.
                contacts = contacts.plus(_delete_contacts(session, lapsed.where(ContactRow.id.in_(leftover))))
        with self._sessions.begin() as session:
            alerts_sent = _rowcount(
                session.execute(
                    delete(OutboxRow)
                    .where(OutboxRow.kind == "alert", OutboxRow.status != "pending", OutboxRow.created_at < cutoff)
                    .execution_options(synchronize_session=False)
                )
            )
        _checkpoint(self._sessions)
        return PurgeReport(mode, cutoff, conversations, contacts, alerts_sent)


# -- deleting ----------------------------------------------------------------------------------


def _delete_contacts(session: Session, contacts: Select[int]) -> Removed:
    """Contacts and everything that hangs from them, children first.

    Each statement selects what it deletes as it runs (subqueries, not lists read earlier):
    from the first write on, SQLite holds the write lock, so the statements agree.
    """
    conversations = select(ConversationRow.id).where(ConversationRow.contact_id.in_(contacts))
    outbox = _execute(session, delete(OutboxRow).where(_outbox_of_contacts(session, contacts)))
    removed = _delete_conversation_rows(session, conversations, erase=True)
    subscriptions = _execute(session, delete(SubscriptionRow).where(SubscriptionRow.contact_id.in_(contacts)))
    alerts = _execute(session, delete(AlertLogRow).where(AlertLogRow.contact_id.in_(contacts)))
    count = _execute(session, delete(ContactRow).where(ContactRow.id.in_(contacts)))
    return removed.plus(Removed(contacts=count, outbox=outbox, subscriptions=subscriptions, alerts=alerts))


def _delete_conversations(session: Session, cutoff: dt.datetime) -> Removed | None:
    """One batch of conversations older than ``cutoff``, deleted; ``None`` when none is left."""
    ids = _stale_conversations(session, cutoff, anonymised_too=True)
    if not ids:
        return None
    stale = _still_stale(ids, cutoff)
    outbox = _execute(session, delete(OutboxRow).where(_outbox_of_conversations(stale)))
    return _delete_conversation_rows(session, stale, erase=False).plus(Removed(outbox=outbox))


def _delete_conversation_rows(session: Session, conversations: Select[int], *, erase: bool) -> Removed:
    """The conversations' rows in every table but the outbox, children first."""
    messages = select(MessageRow.id).where(MessageRow.conversation_id.in_(conversations))
    escalations = select(EscalationRow.id).where(EscalationRow.conversation_id.in_(conversations))
    faqs = _derived_faqs(session, escalations, erase=erase)
    notes = _execute(session, delete(EscalationNoteRow).where(EscalationNoteRow.escalation_id.in_(escalations)))
    feedback = _execute(session, delete(FeedbackRow).where(FeedbackRow.message_id.in_(messages)))
    unanswered = _execute(session, delete(UnansweredRow).where(UnansweredRow.conversation_id.in_(conversations)))
    claims, claim_files = _delete_claims(session, conversations)
    escalation_count = _execute(session, delete(EscalationRow).where(EscalationRow.conversation_id.in_(conversations)))
    message_count = _execute(session, delete(MessageRow).where(MessageRow.conversation_id.in_(conversations)))
    conversation_count = _execute(session, delete(ConversationRow).where(ConversationRow.id.in_(conversations)))
    return Removed(
        conversations=conversation_count, messages=message_count, escalations=escalation_count, notes=notes,
        feedback=feedback, unanswered=unanswered, faqs=faqs, claims=claims, claim_files=claim_files,
    )  # fmt: skip


def _delete_claims(session: Session, conversations: Select[int]) -> tuple[int, int]:
    """The conversations' claims and their files, bytes and all (retention anonymises nothing of a
    receipt); how many of each."""
    files = _execute(session, delete(ClaimFileRow).where(ClaimFileRow.conversation_id.in_(conversations)))
    return _execute(session, delete(ClaimRow).where(ClaimRow.conversation_id.in_(conversations))), files


def _derived_faqs(session: Session, escalations: Select[int], *, erase: bool) -> int:
    """FAQs staff promoted from these escalations (``bot_staff_faqs.escalation_id``), before the escalations go.

    Erasure deletes them: a promoted FAQ may quote the SME, and the SME asked for everything
    derived from its data to go. Retention only clears the link: staff wrote the FAQ for every
    SME (the form asks for generic wording), and a year-old answer is still the desk's knowledge.
    """
    derived = StaffFaqRow.escalation_id.in_(escalations)
    if erase:
        return _execute(session, delete(StaffFaqRow).where(derived))
    return _execute(session, update(StaffFaqRow).where(derived).values(escalation_id=None))


# -- anonymising -------------------------------------------------------------------------------


def _anonymise_conversations(session: Session, cutoff: dt.datetime, now: dt.datetime) -> Removed | None:
    """One batch of conversations older than ``cutoff``, anonymised; ``None`` when none is left."""
    ids = _stale_conversations(session, cutoff, anonymised_too=False)
    if not ids:
        return None
    stale = _still_stale(ids, cutoff)
    messages = select(MessageRow.id).where(MessageRow.conversation_id.in_(stale))
    escalations = select(EscalationRow.id).where(EscalationRow.conversation_id.in_(stale))
    outbox = _execute(session, delete(OutboxRow).where(_outbox_of_conversations(stale)))
    faqs = _derived_faqs(session, escalations, erase=False)
    claims, claim_files = _delete_claims(session, stale)
    message_count = _execute(
        session, update(MessageRow).where(MessageRow.conversation_id.in_(stale)).values(text=ANONYMISED_TEXT)
    )
    feedback = _execute(
        session,
        update(FeedbackRow).where(FeedbackRow.message_id.in_(messages), FeedbackRow.comment.is_not(None))
        .values(comment=ANONYMISED_TEXT),
    )  # fmt: skip
    unanswered = _execute(
        session,
        update(UnansweredRow).where(UnansweredRow.conversation_id.in_(stale)).values(question=ANONYMISED_TEXT),
    )
    escalation_count = _execute(
        session,
        update(EscalationRow).where(EscalationRow.conversation_id.in_(stale))
        .values(summary=ANONYMISED_TEXT, details_json="{}"),
    )  # fmt: skip
    notes = _execute(
        session,
        update(EscalationNoteRow).where(EscalationNoteRow.escalation_id.in_(escalations)).values(text=ANONYMISED_TEXT),
    )
    # Left open, an escalation would be announced to staff again (its notice rows are gone).
    _execute(
        session,
        update(EscalationRow).where(EscalationRow.conversation_id.in_(stale), EscalationRow.status != "resolved")
        .values(status="resolved", resolved_at=now),
    )  # fmt: skip
    conversations = list(session.scalars(select(ConversationRow).where(ConversationRow.id.in_(stale))))
    owners = select(ContactRow.id, ContactRow.channel).where(
        ContactRow.id.in_({row.contact_id for row in conversations})
    )
    channels: dict[int, str] = {contact_id: channel for contact_id, channel in session.execute(owners)}
    for row in conversations:
        # A contact of its own per conversation: what stays is linked to no one, not even to the SME's other chats.
        anonymous = ContactRow(
            channel=channels[row.contact_id], external_id=f"{ANONYMISED_PREFIX}{row.id}", name=None,
            language=row.language, consent_at=None, created_at=row.started_at,
        )  # fmt: skip
        session.add(anonymous)
        session.flush()
        row.contact_id = anonymous.id
        row.state_json = ANONYMISED_STATE
    return Removed(
        conversations=len(conversations), messages=message_count, escalations=escalation_count, notes=notes,
        feedback=feedback, unanswered=unanswered, outbox=outbox, faqs=faqs, claims=claims, claim_files=claim_files,
    )  # fmt: skip


# -- selections --------------------------------------------------------------------------------


def _stale_conversations(session: Session, cutoff: dt.datetime, *, anonymised_too: bool) -> list[int]:
    """A batch of conversations last written before ``cutoff`` (locked on PostgreSQL until commit)."""
    query = select(ConversationRow.id).where(ConversationRow.last_message_at < cutoff)
    if not anonymised_too:
        query = query.where(ConversationRow.state_json != ANONYMISED_STATE)
    return list(session.scalars(query.order_by(ConversationRow.id).limit(_BATCH).with_for_update()))


def _still_stale(ids: Sequence[int], cutoff: dt.datetime) -> Select[int]:
    """The conversations of a batch, checked again as each statement runs (one may have had a new message)."""
    return select(ConversationRow.id).where(ConversationRow.id.in_(ids), ConversationRow.last_message_at < cutoff)


def _lapsed_contacts(cutoff: dt.datetime) -> Select[int]:
    """Contacts created before ``cutoff`` with no conversation and no alert subscription."""
    return select(ContactRow.id).where(
        ContactRow.created_at < cutoff,
        ~select(ConversationRow.id).where(ConversationRow.contact_id == ContactRow.id).exists(),
        ~select(SubscriptionRow.id).where(SubscriptionRow.contact_id == ContactRow.id).exists(),
    )


def _outbox_of_conversations(conversations: Select[int]) -> ColumnElement[bool]:
    """Outbox rows about these conversations, their escalations or their messages."""
    return or_(
        OutboxRow.conversation_id.in_(conversations),
        OutboxRow.escalation_id.in_(select(EscalationRow.id).where(EscalationRow.conversation_id.in_(conversations))),
        OutboxRow.message_id.in_(select(MessageRow.id).where(MessageRow.conversation_id.in_(conversations))),
    )


def _outbox_of_contacts(session: Session, contacts: Select[int]) -> ColumnElement[bool]:
    """Outbox rows for or about these contacts: by id, through their conversations, or by address."""
    conversations = select(ConversationRow.id).where(ConversationRow.contact_id.in_(contacts))
    addresses = [
        and_(OutboxRow.channel == channel, OutboxRow.address == address)
        for channel, address in session.execute(
            select(ContactRow.channel, ContactRow.external_id).where(ContactRow.id.in_(contacts))
        )
    ]
    return or_(OutboxRow.contact_id.in_(contacts), _outbox_of_conversations(conversations), *addresses, false())


# -- plumbing ----------------------------------------------------------------------------------


def _execute(session: Session, statement: Any) -> int:
    """Run a bulk DELETE or UPDATE (no loaded objects to keep in step); rows affected."""
    return _rowcount(session.execute(statement.execution_options(synchronize_session=False)))


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


def _secure_delete(session: Session) -> None:
    """SQLite overwrites what it deletes with zeros (Debian builds default to it; others do not)."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")


def _checkpoint(sessions: sessionmaker[Session]) -> None:
    """On SQLite, copy the write-ahead log into the database and empty it: the old pages go with it."""
    with sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            return
        busy, _, _ = session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            log.warning("WAL checkpoint after erasure was blocked by a reader; it completes at the next checkpoint")
