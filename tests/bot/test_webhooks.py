"""Outgoing webhooks: events recorded with their change, signed, delivered once to a receiver on
loopback that verifies them, retried after the receiver fails, personal data only where allowed."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator

import pytest
from doubles.sample import SAMPLE_TODAY
from doubles.webhook_receiver import WebhookReceiver
from pydantic import ValidationError

from api.services import Services
from api.settings_channels import WebhookEndpointSettings, WebhookSettings
from bot.outbound.outbox import Outbox
from bot.outbound.webhooks import (
    MAX_ATTEMPTS,
    WEBHOOK_CHANNEL,
    WebhookEndpoint,
    WebhookSender,
    enqueue_event,
    knowledge_event,
    sign,
    verify_signature,
)

SECRET = "a-shared-secret-of-32-characters!"


class MovingClock:
    """The outbox's clock, moved by the test (retries wait for it)."""

    def __init__(self) -> None:
        self.now = SAMPLE_TODAY

    def __call__(self) -> dt.datetime:
        return self.now

    def later(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as running:
        yield running


def with_endpoints(make_services: Callable[..., Services], *endpoints: dict[str, object]) -> Services:
    settings = WebhookSettings(endpoints=[WebhookEndpointSettings.model_validate(e) for e in endpoints])
    return make_services(webhooks=settings)


def endpoint(url: str, name: str = "crm", **more: object) -> dict[str, object]:
    return {"name": name, "url": url, "secret": SECRET} | more


def sender(services: Services, clock: MovingClock) -> WebhookSender:
    from api.services import webhook_endpoints

    return WebhookSender(Outbox(services.sessions, clock), webhook_endpoints(services.settings), time.time)


def a_request_answered(services: Services) -> dict[str, int]:
    """An SME asks for a person, staff take the request, reply and close it; the SME rates the reply."""
    store = services.assistant().store
    contact = store.contact("web", "claire", name="Claire Dubois")
    conversation = store.start_conversation(contact, "fr")
    store.add_message(conversation, "user", "Je voudrais parler à un conseiller <script>alert(1)</script>")
    escalation = store.open_escalation(
        conversation, "user_request", "Mission au Japon ?", {"company": "Textiles Lyon SARL", "email": "c@t.fr"}
    )
    store.set_escalation_status(escalation, "assigned", assignee="anna@cluster.example.eu")
    reply = store.add_message(conversation, "staff", "Oui, jusqu'au 29 janvier.", author="Anna Rossi")
    store.set_escalation_status(escalation, "resolved")
    store.add_feedback(reply, 1, "Merci !")
    return {"conversation": conversation, "escalation": escalation, "reply": reply, "contact": contact}


def test_a_signature_verifies_only_the_same_body_recently_with_the_same_secret() -> None:
    body = b'{"id":"handoff.requested:1"}'
    now = 1_800_000_000
    header = sign(SECRET, now, body)
    assert header.startswith(f"t={now},v1=") and len(header.split("v1=")[1]) == 64
    assert verify_signature(SECRET, header, body, now + 10)
    assert not verify_signature(SECRET, header, body + b" ", now)  # tampered
    assert not verify_signature("another-secret-of-enough-length", header, body, now)
    assert not verify_signature(SECRET, header, body, now + 301)  # replayed six minutes later
    assert not verify_signature(SECRET, header, body, now - 301)
    for broken in ("", "t=,v1=", f"v1={'0' * 64},t={now}", f"t={now},v1={'z' * 64}", "t=1;DROP TABLE x"):
        assert not verify_signature(SECRET, broken, body, now)


def test_every_event_is_recorded_with_its_change_and_sent_once(
    make_services: Callable[..., Services], receiver: WebhookReceiver
) -> None:
    services = with_endpoints(make_services, endpoint(receiver.url, personal=True))
    ids = a_request_answered(services)
    clock = MovingClock()
    post = sender(services, clock)
    assert post.send_due() == 6
    assert post.send_due() == 0  # nothing twice
    events = receiver.events()
    assert [e["type"] for e in events] == [
        "conversation.started", "handoff.requested", "request.assigned", "staff.replied", "request.resolved",
        "feedback.given",
    ]  # fmt: skip
    assert all(attempt.verified for attempt in receiver.attempts)
    handoff = events[1]
    assert handoff["id"] == f"handoff.requested:{ids['escalation']}"
    assert handoff["data"] | {} == {
        "request_id": ids["escalation"], "conversation_id": ids["conversation"], "reason": "user_request",
        "summary": "Mission au Japon ?", "details": {"company": "Textiles Lyon SARL", "email": "c@t.fr"},
    }  # fmt: skip
    assert events[3]["data"]["text"] == "Oui, jusqu'au 29 janvier." and events[3]["data"]["author"] == "Anna Rossi"
    assert events[4]["data"]["outcome"] == "resolved"
    assert events[5]["data"]["rating"] == 1 and events[5]["data"]["comment"] == "Merci !"
    first = receiver.attempts[0]
    assert first.headers["Sportello-Event"] == "conversation.started"
    assert first.headers["Sportello-Event-Id"] == f"conversation.started:{ids['conversation']}"
    assert first.headers["Content-Type"].startswith("application/json")
    log = Outbox(services.sessions, clock).items(WEBHOOK_CHANNEL)
    assert {item.status for item in log} == {"sent"} and len(log) == 6


def test_without_personal_permission_an_endpoint_gets_ids_and_statuses_only(
    make_services: Callable[..., Services], receiver: WebhookReceiver
) -> None:
    services = with_endpoints(make_services, endpoint(receiver.url, events=["handoff.requested", "staff.replied"]))
    a_request_answered(services)
    sender(services, MovingClock()).send_due()
    events = receiver.events()
    assert [e["type"] for e in events] == ["handoff.requested", "staff.replied"]  # only those asked for
    text = json.dumps(events)
    for personal in ("Textiles", "c@t.fr", "Japon", "janvier", "Anna Rossi", "Claire"):
        assert personal not in text
    assert events[0]["data"]["reason"] == "user_request"


def test_a_change_rolled_back_sends_nothing(make_services: Callable[..., Services]) -> None:
    services = with_endpoints(make_services, endpoint("http://127.0.0.1:9/"))
    store = services.assistant().store
    conversation = store.start_conversation(store.contact("web", "rolled"), "it")
    with pytest.raises(RuntimeError), services.sessions.begin() as session:
        store.add_message(conversation, "staff", "Mai inviata", author="Anna", within=session)
        raise RuntimeError("the reply's transaction fails")
    kinds = [json.loads(item.text)["type"] for item in Outbox(services.sessions, MovingClock()).items(WEBHOOK_CHANNEL)]
    assert kinds == ["conversation.started"]


def test_a_failing_receiver_gets_the_event_again_after_the_backoff(
    make_services: Callable[..., Services], receiver: WebhookReceiver
) -> None:
    services = with_endpoints(make_services, endpoint(receiver.url, events=["handoff.requested"]))
    a_request_answered(services)
    clock = MovingClock()
    post = sender(services, clock)
    receiver.fail_next = 2
    assert post.send_due() == 0
    assert post.send_due() == 0  # not due yet: backing off
    clock.later(2)
    assert post.send_due() == 0  # the second failure
    clock.later(4)
    assert post.send_due() == 1
    assert [a.status for a in receiver.attempts] == [500, 500, 204]
    assert len({a.event["id"] for a in receiver.attempts}) == 1  # the same event id each time
    (item,) = Outbox(services.sessions, clock).items(WEBHOOK_CHANNEL)
    assert (item.status, item.attempts, item.last_error) == ("sent", 3, "HTTP 500: ")


def test_a_receiver_that_never_answers_is_given_up_and_logged(make_services: Callable[..., Services]) -> None:
    services = with_endpoints(make_services, endpoint("http://127.0.0.1:9/hooks", events=["handoff.requested"]))
    a_request_answered(services)
    clock = MovingClock()
    post = sender(services, clock)
    for _ in range(MAX_ATTEMPTS):
        post.send_due()
        clock.later(3600)
    (item,) = Outbox(services.sessions, clock).items(WEBHOOK_CHANNEL)
    assert item.status == "undeliverable" and item.attempts == MAX_ATTEMPTS
    assert item.last_error is not None and "gave up" in item.last_error and "ConnectError" in item.last_error


def test_erasing_a_contact_drops_the_events_still_queued_about_it(make_services: Callable[..., Services]) -> None:
    services = with_endpoints(make_services, endpoint("http://127.0.0.1:9/", personal=True))
    ids = a_request_answered(services)
    services.privacy().erase(ids["contact"])
    left = Outbox(services.sessions, MovingClock()).items(WEBHOOK_CHANNEL)
    assert not any("Textiles" in item.text or "Claire" in item.text for item in left)


def test_knowledge_updates_are_announced_once_per_sync_run(make_services: Callable[..., Services]) -> None:
    services = with_endpoints(make_services, endpoint("http://127.0.0.1:9/", events=["knowledge.updated"]))
    outbox = services.outbox()
    endpoints = [WebhookEndpoint("crm", "http://127.0.0.1:9/", SECRET, ("knowledge.updated",))]
    event = knowledge_event(7, SAMPLE_TODAY, {"added": 3, "updated": 1, "removed": 0, "failed": 0})
    assert enqueue_event(outbox, endpoints, event) == 1
    assert enqueue_event(outbox, endpoints, event) == 0  # the same run again: a no-op
    (item,) = outbox.items(WEBHOOK_CHANNEL)
    assert json.loads(item.text) == {
        "id": "knowledge.updated:7", "type": "knowledge.updated", "created_at": SAMPLE_TODAY.isoformat(),
        "data": {"run_id": 7, "added": 3, "updated": 1, "removed": 0, "failed": 0},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"name": "crm", "url": "http://127.0.0.1/", "secret": "short"}, "at least 16"),
        ({"name": "crm", "url": "ftp://x/", "secret": SECRET}, "pattern"),
        ({"name": "CRM!", "url": "http://127.0.0.1/", "secret": SECRET}, "pattern"),
        ({"name": "crm", "url": "http://127.0.0.1/", "secret": SECRET, "events": ["everything"]}, "unknown events"),
    ],
)
def test_a_bad_endpoint_is_refused_at_startup(config: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        WebhookEndpointSettings.model_validate(config)


def test_hostile_text_travels_as_data(make_services: Callable[..., Services], receiver: WebhookReceiver) -> None:
    services = with_endpoints(make_services, endpoint(receiver.url, events=["staff.replied"], personal=True))
    store = services.assistant().store
    conversation = store.start_conversation(store.contact("web", "hostile"), "it")
    hostile = '"},"type":"request.resolved","x":{"' + "</script>\u2028'; DROP TABLE bot_outbox; --" + "é" * 30_000
    store.add_message(conversation, "staff", hostile, author="Anna")
    assert sender(services, MovingClock()).send_due() == 1
    (event,) = receiver.events()
    assert event["type"] == "staff.replied" and event["data"]["text"].startswith('"},"type"')
    assert len(event["data"]["text"]) == 4000 and event["data"]["text"].endswith("…")  # cut, still whole JSON
