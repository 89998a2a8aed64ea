"""compose.yaml and the Dockerfile say what the deployment test runs (no Docker daemon here to
build them): the same commands, the same settings on every Sportello process, the web-only
ones on web processes only, and an image that runs as a non-root user with a health check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from doubles.deployment import SHARED_SETTING_NAMES, WEB_COMMAND, WEB_ONLY_SETTINGS, WEBHOOK_COMMAND, WORKER_COMMAND

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_SETTINGS = {name for name in SHARED_SETTING_NAMES if name.startswith(("EMAIL__", "TELEGRAM__"))}
"""Secrets and addresses of the operator's own: in .env (deploy/env.example), not in compose.yaml."""


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "compose.yaml").read_text()))


def _sportello_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if s.get("image") == "sportello:latest"}


def _env_example() -> dict[str, str]:
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    pairs = (line.lstrip("# ").split("=", 1) for line in lines if "=" in line and line.lstrip("# ").startswith("SP"))
    return {name.removeprefix("SPORTELLO_"): value for name, value in pairs}


def test_compose_runs_the_commands_of_the_deployment_test() -> None:
    services = _sportello_services(_compose())
    commands = {name: service["command"] for name, service in services.items()}
    assert commands["web-1"] == commands["web-2"] == ["sportello", *WEB_COMMAND]
    assert commands["worker"] == ["sportello", *WORKER_COMMAND]
    assert commands["telegram-webhook"][:-1] == ["sportello", *WEBHOOK_COMMAND]
    assert commands["telegram-webhook"][-1].endswith("/telegram/webhook")


def test_every_sportello_process_gets_the_settings_of_the_deployment_test() -> None:
    services = _sportello_services(_compose())
    example = _env_example()
    for name, service in services.items():
        environment = {key.removeprefix("SPORTELLO_"): str(value) for key, value in service["environment"].items()}
        named = set(environment) | set(example)
        assert set(SHARED_SETTING_NAMES) - {"TELEGRAM__API_URL"} <= named, name  # the real Bot API by default
        assert CHANNEL_SETTINGS - {"TELEGRAM__API_URL"} <= set(example)
        for key, value in WEB_ONLY_SETTINGS.items():
            assert (environment.get(key) == value) is name.startswith("web-"), (name, key)
    shared = [service["environment"] for service in services.values()]
    common = {key for key in shared[0] if all(env.get(key) == shared[0][key] for env in shared)}
    assert {f"SPORTELLO_{key}" for key in SHARED_SETTING_NAMES} - {f"SPORTELLO_{c}" for c in CHANNEL_SETTINGS} <= common


def test_every_named_setting_is_one_sportello_reads() -> None:
    """A misspelt setting would be ignored in silence (the settings ignore unknown names)."""
    fields = {name.upper() for name in Settings.model_fields}
    services = _sportello_services(_compose())
    names = {key.removeprefix("SPORTELLO_") for s in services.values() for key in s["environment"]}
    for name in names | set(_env_example()):
        section, _, field = name.partition("__")
        assert section in fields, name
        if field:
            model = Settings.model_fields[section.lower()].annotation
            assert field.lower() in model.model_fields, name  # type: ignore[union-attr]


def test_the_image_runs_as_a_user_with_a_health_check_and_downloads_nothing_at_start() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line.split(None, 1) for line in dockerfile.splitlines() if line and not line.startswith(("#", " "))]
    keywords = [parts[0] for parts in instructions]
    assert keywords[0] == "FROM" and "HEALTHCHECK" in keywords
    assert [parts[1] for parts in instructions if parts[0] == "USER"] == ["sportello"]
    assert keywords.index("USER") < keywords.index("CMD")
    assert "/readyz" in dockerfile and "HF_HUB_OFFLINE=1" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests"} <= set(ignored)
