"""The webhooks' delivery log in the console: admins see endpoints and deliveries (no secret,
no token in a URL) in their language, and send a given-up delivery again."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from doubles.console import login, new_account
from fastapi.testclient import TestClient

from api.services import Services
from api.settings_channels import WebhookEndpointSettings, WebhookSettings
from api.web.app import create_app
from bot.outbound.outbox import Outbox
from bot.outbound.webhooks import WEBHOOK_CHANNEL

SECRET = "console-log-secret-0123456789"


@pytest.fixture
def desk(make_services: Callable[..., Services]) -> Iterator[tuple[TestClient, Services]]:
    endpoint = {"name": "crm", "url": "http://127.0.0.1:9/hooks?token=abc123", "secret": SECRET}
    services = make_services(webhooks=WebhookSettings(endpoints=[WebhookEndpointSettings.model_validate(endpoint)]))
    with TestClient(create_app(services=services), raise_server_exceptions=False) as client:
        yield client, services


def test_admins_read_the_log_and_send_a_delivery_again(desk: tuple[TestClient, Services]) -> None:
    client, services = desk
    store = services.assistant().store
    conversation = store.start_conversation(store.contact("web", "log"), "it")
    store.open_escalation(conversation, "user_request", "Aiuto")
    outbox = services.outbox()
    handoff = next(i for i in outbox.items(WEBHOOK_CHANNEL) if i.payload["event"] == "handoff.requested")
    outbox.mark_undeliverable(handoff.id, "gave up after 12 attempts; last: HTTP 500: <b>down</b>")

    admin = new_account(services, "admin")
    csrf = login(client, admin.email)
    with services.sessions.begin() as session:  # read in English
        from bot.desk.accounts import StaffAccountRow

        session.get(StaffAccountRow, admin.id).language = "en"  # type: ignore[union-attr]
    page = client.get("/console/admin/webhooks")
    assert page.status_code == 200
    text = page.text
    assert "http://127.0.0.1:9/hooks" in text and "abc123" not in text and SECRET not in text
    assert "handoff requested" in text and "given up" in text and "conversation started" in text
    assert "&lt;b&gt;down&lt;/b&gt;" in text  # a receiver's answer shows as text
    retried = client.post(
        f"/console/admin/webhooks/{handoff.id}/retry", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert retried.status_code == 303 and "retry_queued" in retried.headers["location"]
    again = Outbox(services.sessions, services.now).get(handoff.id)
    assert again is not None and (again.status, again.attempts) == ("pending", 0)
    assert "webhook queued again" in client.get("/console/admin/audit").text
    forged = client.post(f"/console/admin/webhooks/{handoff.id}/retry", data={"csrf_token": "forged"})
    assert forged.status_code in (400, 403)
    missing = client.post("/console/admin/webhooks/999999/retry", data={"csrf_token": csrf}, follow_redirects=False)
    assert "error=failed" in missing.headers["location"]


def test_staff_members_may_not_see_the_log(desk: tuple[TestClient, Services]) -> None:
    client, services = desk
    login(client, new_account(services, "staff").email)
    assert client.get("/console/admin/webhooks").status_code == 403
