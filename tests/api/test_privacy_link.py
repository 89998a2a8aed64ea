"""The consent links to the cluster's privacy policy when one is configured: in the widget's
configuration and in the Telegram notice. Only an https address is accepted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.services import Services
from api.settings import PrivacySettings
from api.web.app import create_app

POLICY = "https://www.cluster-esempio.it/privacy"


def test_the_widget_config_carries_the_policy_link_only_when_set(sample_services: Services) -> None:
    with TestClient(create_app(services=sample_services)) as client:
        assert client.get("/api/config", params={"lang": "fr"}).json()["privacy_url"] is None
    linked = sample_services.settings.model_copy(update={"privacy": PrivacySettings(policy_url=POLICY)})
    original = sample_services.settings
    sample_services.settings = linked
    try:
        with TestClient(create_app(services=sample_services)) as client:
            assert client.get("/api/config", params={"lang": "fr"}).json()["privacy_url"] == POLICY
    finally:
        sample_services.settings = original


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "http://www.cluster-esempio.it/privacy", 'https://x.example/"><script>', ""]
)
def test_only_a_plain_https_address_is_a_policy(url: str) -> None:
    with pytest.raises(ValidationError):
        PrivacySettings(policy_url=url)


def test_the_favicon_is_served(sample_services: Services) -> None:
    with TestClient(create_app(services=sample_services)) as client:
        for path in ("/favicon.ico", "/favicon.svg"):
            icon = client.get(path)
            assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
            assert icon.text.startswith("<svg")
