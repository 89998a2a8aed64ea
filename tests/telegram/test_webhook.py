"""Webhook mode: Telegram posts updates to ``sportello serve`` (real uvicorn, the real model and index)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace

import httpx
import pytest
from doubles.network import free_port, serve_in_thread
from doubles.telegram_api import BotApiDouble
from typer.testing import CliRunner

from api.cli import app as cli
from api.services import Services
from api.settings_channels import TelegramSettings
from api.telegram import SECRET_HEADER, WEBHOOK_PATH
from api.web.app import create_app
from knowledge.ingest import IngestReport

SECRET = "webhook-secret-for-tests_0123"
UPDATE_IDS = itertools.count(900_000)
pytestmark = pytest.mark.integration


@dataclass
class Webhook:
    url: str
    api: BotApiDouble

    def post(self, update: dict[str, object], secret: str | None = SECRET) -> httpx.Response:
        """Post ``update`` as Telegram does (given an update id the first time it is posted)."""
        update.setdefault("update_id", next(UPDATE_IDS))
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return httpx.post(self.url, json=update, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def webhook(real_services: tuple[Services, IngestReport], bot_api: BotApiDouble) -> Iterator[Webhook]:
    services, _ = real_services
    settings = services.settings.model_copy(update={
        "telegram": TelegramSettings(token=bot_api.token, api_url=bot_api.root, webhook_secret=SECRET),
    })  # fmt: skip
    port = free_port()
    server, thread = serve_in_thread(create_app(services=replace(services, settings=settings)), port)
    yield Webhook(f"http://127.0.0.1:{port}{WEBHOOK_PATH}", bot_api)
    server.should_exit = True
    thread.join(timeout=15)


def test_the_app_starts_the_bot_and_refuses_unsigned_or_malformed_updates(webhook: Webhook) -> None:
    api = webhook.api
    assert api.calls_to("getMe") and len(api.calls_to("setMyCommands")) >= 4
    update = api.message_update(6001, "/start")
    assert webhook.post(update, secret=None).status_code == 403
    assert webhook.post(update, secret="wrong-secret-wrong-secret").status_code == 403
    bad = httpx.post(
        webhook.url, content=b"\x00\xff not json", headers={SECRET_HEADER: SECRET, "content-type": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
    for not_an_update in ({"hello": "world"}, {"update_id": "5"}, ["update_id", 5]):
        refused = httpx.post(webhook.url, json=not_an_update, headers={SECRET_HEADER: SECRET})
        assert refused.status_code == 400
    assert api.sent(6001) == []  # nothing handled


def test_a_cited_answer_through_the_webhook_and_a_duplicate_handled_once(webhook: Webhook) -> None:
    api, chat = webhook.api, 6002
    assert webhook.post(api.message_update(chat, "/start")).status_code == 200
    [notice] = api.sent(chat)  # handled before the request was answered
    assert webhook.post(api.callback_update(chat, "consent", message=notice)).status_code == 200
    question = api.message_update(chat, "Quali documenti servono per chiedere il rimborso delle spese di missione?")
    assert webhook.post(question).status_code == 200
    assert webhook.post(question).status_code == 200  # Telegram retried: acknowledged, not answered twice
    messages = api.sent(chat)
    assert len(messages) == 3
    answer = messages[-1]
    assert "Fonti:" in answer.text and answer.links
    assert "[1]" in answer.text
    buttons = [b["callback_data"] for row in (answer.reply_markup or {})["inline_keyboard"] for b in row]
    assert any(data.startswith("fb:u:") for data in buttons) and "person" in buttons


def test_the_cli_registers_and_deletes_the_webhook(bot_api: BotApiDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPORTELLO_TELEGRAM__TOKEN", bot_api.token)
    monkeypatch.setenv("SPORTELLO_TELEGRAM__API_URL", bot_api.root)
    runner = CliRunner()
    refused = runner.invoke(cli, ["telegram", "set-webhook", "https://bot.example/telegram/webhook"])
    assert refused.exit_code == 2 and "WEBHOOK_SECRET" in refused.output
    monkeypatch.setenv("SPORTELLO_TELEGRAM__WEBHOOK_SECRET", SECRET)
    assert runner.invoke(cli, ["telegram", "set-webhook", "http://insecure.example/x"]).exit_code == 2
    done = runner.invoke(cli, ["telegram", "set-webhook", "https://bot.example/telegram/webhook"])
    assert done.exit_code == 0, done.output
    assert (bot_api.webhook_url, bot_api.webhook_secret) == ("https://bot.example/telegram/webhook", SECRET)
    assert runner.invoke(cli, ["telegram", "delete-webhook"]).exit_code == 0
    assert not bot_api.webhook_url


def test_the_cli_explains_a_missing_token() -> None:
    result = CliRunner().invoke(cli, ["telegram"])
    assert result.exit_code == 2 and "BotFather" in result.output
