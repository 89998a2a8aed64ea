"""A reimbursement claim as a conversation: files in, what was read said back, the checklist on
request, the dossier sent to the staff, their outcome back to the SME on the same channel.

Every channel (the widget, Telegram) goes through here, so each step is durable the same way:

- ``receive`` stores the file under its channel's idempotency key and commits; only then may
  the channel acknowledge it. A second delivery finds the first.
- ``read`` reads a stored file (in a child process: ``read_isolated``) and, in **one**
  transaction, records the reading and the message that tells the SME what was read (queued
  in the outbox for a push channel). Only the first reading of a file is recorded, so a file
  read by a request and by the recovery loop at once is announced once.
- ``recover`` reads what a stopped process stored and never read.
- ``check``, ``choose_mission`` and ``submit`` store their message under the request's key, so
  a resend (a retried POST, a Telegram button pressed twice) gets the stored message back.
- The staff's ``correct``, ``decide``, ``assign_mission`` and ``resolve`` are audited; the
  outcome is a staff message in the conversation, with its outbox row, in the claim's
  resolving transaction.

Desk messages are the assistant's (role ``assistant``, key ``claim:…``): they come from no
turn, so a channel shows them as they are stored (the widget's live events, Telegram's outbox).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.claims.checklist import claim_message
from bot.claims.checks import ClaimReview, review_claim
from bot.claims.desk_text import file_message, staff_summary
from bot.claims.documents import ReadDocument
from bot.claims.dossier import Dossier, Told
from bot.claims.file_text import ClaimFileError
from bot.claims.findings import CostKey, cost_key
from bot.claims.missions import claimable_missions, mission_of, rule_of
from bot.claims.store import MIB, ClaimFileRefusedError, ClaimStore, documents_of
from bot.claims.stored import Decision, StoredClaim, StoredClaimFile
from bot.conversation.phrases import say
from bot.conversation.records import StoredConversation, StoredEscalation
from bot.conversation.store import ConversationStore
from bot.desk.audit import AuditLog
from bot.outbound.alerts import PUSH_CHANNELS
from bot.outbound.outbox import Outbox
from knowledge.catalog import Catalog, Mission

__all__ = ["MIB", "ClaimDesk", "ClaimFileRefusedError", "Dossier", "FileReader", "Told"]

FileReader = Callable[[str, bytes], ReadDocument]
"""Reads a file's bytes (``read_isolated``); raises ``ClaimFileError`` for a file it refuses."""
MAX_STAFF_NOTE = 4000


class ClaimDesk:
    """Claims on every channel, for the SME and the staff."""

    def __init__(
        self, claims: ClaimStore, conversations: ConversationStore, outbox: Outbox, catalog: Callable[[], Catalog],
        read: FileReader, *, zone: ZoneInfo, audit: AuditLog | None = None, max_file_mb: int = 10,
        recovery_grace: dt.timedelta = dt.timedelta(seconds=60),
    ) -> None:  # fmt: skip
        self.claims = claims
        self.conversations = conversations
        self.outbox = outbox
        self._catalog = catalog
        self._read = read
        self._zone = zone
        self._audit = audit
        self._now = conversations.clock
        self.max_file_mb = max_file_mb
        self._recovery_grace = recovery_grace
        """A file stored this recently may be in a live request's hands: recovery leaves it alone."""

    # -- the SME's side -----------------------------------------------------------------------

    def receive(
        self, conversation_id: int, channel: str, key: str, *, name: str, media_type: str, data: bytes
    ) -> tuple[StoredClaimFile, bool]:
        """Store a file (committed on return: the channel may acknowledge it now). Raises
        ``ClaimFileRefusedError`` past a limit, before anything is stored."""
        return self.claims.add_file(conversation_id, channel, key, name=name, media_type=media_type, data=data)

    def refusal_message(self, error: ClaimFileRefusedError, language: str, *, max_file_mb: int | None = None) -> str:
        """What the SME reads about a file ``receive`` refused (nothing was stored: nothing to record);
        ``max_file_mb``: a channel's own lower limit (Telegram lets bots download 20 MB)."""
        if error.code == "too_many_files":
            return say("claim_refused_too_many_files", language, n=self.claims.max_files)
        if error.code == "claim_too_large":
            return say("claim_refused_claim_too_large", language, mb=self.claims.max_claim_bytes // MIB)
        if error.code == "too_large":
            return say("claim_refused_too_large", language, mb=min(self.max_file_mb, max_file_mb or self.max_file_mb))
        return say(f"claim_refused_{error.code}", language)

    def read(self, file: StoredClaimFile) -> Told | None:
        """Read a stored file and tell the SME what was read (``None``: erased meanwhile). A file read
        before is not read again: its stored message is returned."""
        key = f"claim:file:{file.id}"
        if file.reading is None:
            document = self._reading(file)
            conversation = self.conversations.conversation(file.conversation_id)
            language = conversation.language or "it"
            first, later_claim = self._place(file)
            text = file_message(document, language, self.max_file_mb, next_step=first)
            if first and later_claim:
                text = f"{say('claim_new_after_resolved', language)}\n\n{text}"
            with self.conversations.sessions.begin() as session:
                if self.claims.record_reading(file.id, document, first=True, within=session):
                    return self._tell(session, conversation, text, key, actions=("check",), claim=file.claim_id)
        return self._stored(file.conversation_id, key, ("check",))

    def _place(self, file: StoredClaimFile) -> tuple[bool, bool]:
        """Whether the file is its claim's first, and whether that claim came after a closed one."""
        claim = self.claims.claim(file.claim_id)
        first = next(iter(self.claims.files(file.claim_id)), None)
        return first is not None and first.id == file.id, claim is not None and claim.number > 1

    def recover(self, limit: int = 20) -> int:
        """Read files stored by a process that stopped before reading them; how many were read."""
        pending = self.claims.unread(limit, stored_before=self._now() - self._recovery_grace)
        for file in pending:
            self.read(file)
        return len(pending)

    def check(self, conversation_id: int, key: str) -> Told:
        """Review the claim and tell the SME: the checklist, or which mission, or that nothing came yet."""
        known = self._stored(conversation_id, key, ("check", "submit"))
        if known is not None:
            return known
        conversation = self.conversations.conversation(conversation_id)
        language = conversation.language or "it"
        claim = self.claims.claim_of(conversation_id)
        if claim is None or not self.claims.files(claim.id):
            return self._say(conversation, say("claim_no_files", language), key)
        if claim.status == "resolved":
            return self._say(conversation, say("claim_already_resolved", language), key)
        self._read_waiting(conversation_id)
        catalog = self._catalog()
        documents = self.claims.documents(claim.id)
        mission, candidates = self._mission(catalog, claim, documents)
        submit = say("claim_button_submit", language)
        if mission is None and candidates:
            choices = tuple((m.id, m.title) for m in candidates[:8])
            return self._say(conversation, say("claim_which_mission", language), key, missions=choices, claim=claim.id)
        review = None if mission is None else self._review(catalog, claim, mission, documents)
        if review is None:
            no_mission = say("claim_no_mission", language, submit=submit)
            return self._say(conversation, no_mission, key, ("submit",), claim=claim.id)
        actions: tuple[str, ...] = ("check",) if claim.status == "submitted" else ("check", "submit")
        text = claim_message(review, language)
        if "submit" in actions:
            ready = "claim_ready_to_submit" if review.complete else "claim_ready_to_submit_incomplete"
            text = f"{text}\n\n{say(ready, language, submit=submit)}"
        return self._say(conversation, text, key, actions, claim=claim.id)

    def choose_mission(self, conversation_id: int, mission_id: str, key: str) -> Told:
        """The SME says which mission (one of the choices ``check`` offered), then the checklist."""
        claim = self.claims.claim_of(conversation_id)
        today = self._today()
        if (
            claim is not None
            and claim.status != "resolved"
            and mission_id in {m.id for m in claimable_missions(self._catalog(), today)}
        ):
            self.claims.set_mission(claim.id, mission_id)
        return self.check(conversation_id, key)

    def submit(self, conversation_id: int, key: str) -> Told:
        """Send the claim to the staff: submitted, an escalation for the queue and the SME told, at once."""
        known = self._stored(conversation_id, key, ())
        if known is not None:
            return known
        conversation = self.conversations.conversation(conversation_id)
        language = conversation.language or "it"
        claim = self.claims.claim_of(conversation_id)
        files = [] if claim is None else self.claims.files(claim.id)
        if claim is None or not files:
            return self._say(conversation, say("claim_no_files", language), key)
        if claim.status == "resolved":
            return self._say(conversation, say("claim_already_resolved", language), key)
        self._read_waiting(conversation_id)
        catalog = self._catalog()
        documents = self.claims.documents(claim.id)
        mission, _candidates = self._mission(catalog, claim, documents)
        review = None if mission is None else self._review(catalog, claim, mission, documents)
        summary = staff_summary(claim, len(files), mission, review)
        with self.conversations.sessions.begin() as session:
            self.claims.submit(claim.id, within=session)
            escalation = self.conversations.open_escalation(
                conversation_id, "expense_claim", summary, {"claim": str(claim.id)}, within=session
            )
            # An escalation already open (the SME asked for a person before) is returned as it is: it
            # takes the claim, so the staff find the dossier from it and its close closes both.
            self.conversations.complete_escalation_details(escalation, {"claim": str(claim.id)}, within=session)
            submitted = (
                say("claim_submitted_one", language)
                if len(files) == 1
                else say("claim_submitted", language, n=len(files))
            )
            return self._tell(session, conversation, submitted, key)

    def state(self, conversation_id: int) -> tuple[StoredClaim | None, list[StoredClaimFile]]:
        """The conversation's claim and its files, as a channel shows them after a reload."""
        claim = self.claims.claim_of(conversation_id)
        return claim, [] if claim is None else self.claims.files(claim.id)

    # -- the staff's side ---------------------------------------------------------------------

    def dossier(self, claim_id: int) -> Dossier:
        """The claim with its files, mission, review and escalation; ``KeyError`` when it is gone."""
        claim = self.claims.claim(claim_id)
        if claim is None:
            raise KeyError(f"no claim {claim_id}")
        catalog = self._catalog()
        files = self.claims.files(claim_id)
        documents = documents_of(files)
        mission, candidates = self._mission(catalog, claim, documents)
        unread = sum(1 for f in files if f.reading is None)
        review = None if mission is None or unread else self._review(catalog, claim, mission, documents)
        return Dossier(
            claim, self.conversations.conversation(claim.conversation_id), files, mission,
            None if mission is None else rule_of(catalog, mission), candidates, review,
            self._escalation(claim), unread,
            tuple(c for c in self.claims.claims_of(claim.conversation_id) if c.id != claim.id),
        )  # fmt: skip

    def file_content(self, file: StoredClaimFile, actor: str) -> bytes:
        """A file's bytes as the SME sent them (``KeyError`` when gone). Audited like an export: a
        receipt or a bank statement is personal data, and who opened it is a question for the DPO."""
        data = self.claims.content(file.id)
        self._audited(actor, "claim_download", file, {"bytes": str(file.size)})  # no name: it may be personal
        return data

    def correct(self, file_id: int, fields: dict[str, Any], actor: str) -> StoredClaimFile:
        """Correct a reading (``ValueError`` for a wrong field or value); audited."""
        file = self.claims.correct(file_id, fields, actor)
        self._audited(actor, "claim_correct", file, {"fields": ",".join(sorted(fields))})
        return file

    def decide(self, file_id: int, decision: Decision | None, actor: str) -> StoredClaimFile:
        """Accept or reject a file for the claim (``None`` withdraws it); audited."""
        file = self.claims.decide(file_id, decision, actor)
        self._audited(actor, "claim_decide", file, {"decision": decision or "withdrawn"})
        return file

    def assign_mission(self, claim_id: int, mission_id: str, actor: str) -> StoredClaim:
        """The staff say which mission the claim is for (any mission of the catalog with a rule)."""
        catalog = self._catalog()
        mission = next((m for m in catalog.missions if m.id == mission_id), None)
        if mission is None or rule_of(catalog, mission) is None:
            raise ValueError(f"no reimbursed mission {mission_id!r} in the catalog")
        claim = self.claims.set_mission(claim_id, mission_id)
        if self._audit is not None:
            self._audit.record(actor, "claim_mission", f"claim {claim_id}", {"mission": mission_id})
        return claim

    def resolve(self, claim_id: int, note: str, *, author: str, actor: str) -> int:
        """Close the claim and send the SME the staff's outcome, in one transaction; the stored message's id."""
        note = note.strip()
        if not note or len(note) > MAX_STAFF_NOTE:
            raise ValueError(f"the outcome for the company needs 1 to {MAX_STAFF_NOTE} characters")
        claim = self.claims.claim(claim_id)
        if claim is None:
            raise KeyError(f"no claim {claim_id}")
        if claim.status == "resolved":
            raise ValueError(f"claim {claim_id} is already resolved")
        conversation = self.conversations.conversation(claim.conversation_id)
        escalation = self._escalation(claim)
        with self.conversations.sessions.begin() as session:
            self.claims.resolve(claim_id, actor, note, within=session)
            message_id = self.conversations.add_message(
                conversation.id, "staff", note, author=author, client_key=f"claim:outcome:{claim_id}", within=session
            )
            if escalation is not None and escalation.status != "resolved":
                self.conversations.set_escalation_status(escalation.id, "resolved", within=session)
            if conversation.channel in PUSH_CHANNELS:
                self.outbox.enqueue(
                    conversation.channel, conversation.external_id, "staff_reply", note,
                    payload={"author": author, "language": conversation.language}, contact_id=conversation.contact_id,
                    conversation_id=conversation.id, escalation_id=escalation.id if escalation else None,
                    message_id=message_id, within=session,
                )  # fmt: skip
        if self._audit is not None:
            self._audit.record(actor, "claim_resolve", f"claim {claim_id}", {"message": message_id})
        return message_id

    # -- helpers ------------------------------------------------------------------------------

    def _reading(self, file: StoredClaimFile) -> ReadDocument:
        try:
            data = self.claims.content(file.id)
        except KeyError:  # erased meanwhile: recorded as nothing to read, never retried
            return ReadDocument(name=file.name, kind="other", readable="unreadable", problems=("gone",))
        try:
            return self._read(file.name, data)
        except ClaimFileError as exc:
            return ReadDocument(name=file.name, kind="other", readable="unreadable", problems=(f"refused:{exc.code}",))

    def _read_waiting(self, conversation_id: int) -> None:
        """Read the conversation's files not read yet (stored a moment ago, or left by a crash)."""
        for file in self.claims.unread(50, conversation_id=conversation_id):
            self.read(file)

    def _mission(
        self, catalog: Catalog, claim: StoredClaim, documents: list[ReadDocument]
    ) -> tuple[Mission | None, list[Mission]]:
        candidates = claimable_missions(catalog, self._today())
        if claim.mission_id is not None:
            chosen = next((m for m in catalog.missions if m.id == claim.mission_id), None)
            if chosen is not None and rule_of(catalog, chosen) is not None:
                return chosen, candidates
        return mission_of(candidates, documents), candidates

    def _review(
        self, catalog: Catalog, claim: StoredClaim, mission: Mission, documents: list[ReadDocument]
    ) -> ClaimReview | None:
        rule = rule_of(catalog, mission)
        if rule is None:
            return None
        submitted = claim.submitted_at or self._now()
        day = submitted.astimezone(self._zone).date()
        return review_claim(mission, rule, documents, submitted_on=day, earlier=self._earlier_costs(claim))

    def _earlier_costs(self, claim: StoredClaim) -> dict[CostKey, tuple[str, int]]:
        """The costs of the conversation's claims before this one: a receipt sent again later is flagged."""
        costs: dict[CostKey, tuple[str, int]] = {}
        for earlier in self.claims.claims_of(claim.conversation_id):
            if earlier.number < claim.number:
                for document in self.claims.documents(earlier.id):
                    key = cost_key(document)
                    if key is not None:
                        costs.setdefault(key, (document.name, earlier.id))
        return costs

    def _escalation(self, claim: StoredClaim) -> StoredEscalation | None:
        mine = [
            e
            for e in self.conversations.escalations_of(claim.conversation_id)
            if e.details.get("claim") == str(claim.id)
        ]
        return mine[-1] if mine else None

    def _today(self) -> dt.date:
        return self._now().astimezone(self._zone).date()

    def _stored(self, conversation_id: int, key: str, actions: tuple[str, ...]) -> Told | None:
        message_id = self.conversations.message_with_key(conversation_id, key)
        if message_id is None:
            return None
        message = next(m for m in self.conversations.messages(conversation_id, after=message_id - 1))
        return Told(message.id, message.text, message.language or "it", actions)

    def _say(
        self, conversation: StoredConversation, text: str, key: str, actions: tuple[str, ...] = (),
        missions: tuple[tuple[str, str], ...] = (), *, claim: int | None = None,
    ) -> Told:  # fmt: skip
        with self.conversations.sessions.begin() as session:
            return self._tell(session, conversation, text, key, actions=actions, missions=missions, claim=claim)

    def _tell(
        self, session: Session, conversation: StoredConversation, text: str, key: str, *,
        actions: tuple[str, ...] = (), missions: tuple[tuple[str, str], ...] = (), claim: int | None = None,
    ) -> Told:  # fmt: skip
        """Store the desk's message (and queue it for a push channel) within the caller's transaction;
        ``claim``: the claim its buttons act on (a push channel's buttons stay in the chat for good)."""
        language = conversation.language or "it"
        message_id = self.conversations.add_message(
            conversation.id, "assistant", text, language=language, client_key=key, within=session
        )
        if conversation.channel in PUSH_CHANNELS:
            self.outbox.enqueue(
                conversation.channel, conversation.external_id, "claim_update", text,
                payload={"language": language, "actions": list(actions), "missions": [list(m) for m in missions],
                         "claim": claim},
                contact_id=conversation.contact_id, conversation_id=conversation.id, message_id=message_id,
                key=f"claim_update:{message_id}", within=session,
            )  # fmt: skip
        return Told(message_id, text, language, actions, missions, claim)

    def _audited(self, actor: str, action: str, file: StoredClaimFile, detail: dict[str, str]) -> None:
        if self._audit is not None:
            self._audit.record(actor, action, f"claim file {file.id}", detail)
