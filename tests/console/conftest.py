"""A console client over the shared sample services, and a way to log in as a new staff member."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from doubles.console import login, new_account
from fastapi.testclient import TestClient

from api.services import Services
from api.web.app import create_app
from bot.desk.accounts import Role, StaffAccount


@pytest.fixture
def client(sample_services: Services) -> Iterator[TestClient]:
    sample_services.limits().storage.reset()  # every TestClient is one address: start each test afresh
    with TestClient(create_app(services=sample_services), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def logged_in(client: TestClient, sample_services: Services) -> Callable[[Role], tuple[StaffAccount, str]]:
    def as_role(role: Role = "staff") -> tuple[StaffAccount, str]:
        account = new_account(sample_services, role)
        return account, login(client, account.email)

    return as_role
