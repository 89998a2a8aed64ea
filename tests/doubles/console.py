"""Console helpers for tests: a new staff account, logging in through the form."""

from __future__ import annotations

import itertools
import re

import httpx
from argon2 import PasswordHasher

from api.services import Services
from bot.desk.accounts import Role, StaffAccount, StaffAccounts

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def new_account(services: Services, role: Role = "staff", name: str | None = None) -> StaffAccount:
    """An account with a unique e-mail (cheap argon2 parameters: the hash records them)."""
    accounts = StaffAccounts(services.sessions, services.now, hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    return accounts.add(f"member{next(_numbers)}@cluster.example.eu", PASSWORD, role, name)


def form_token(page: str) -> str:
    """The CSRF token of the form on a console page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page[:500]
    return found.group(1)


def login_form_token(client: httpx.Client, next: str | None = None) -> str:
    """Open the login form (as a browser would, getting its cookie); returns the form's CSRF token."""
    return form_token(client.get("/console/login", params={"next": next} if next else None).text)


def login(client: httpx.Client, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (read from the next page)."""
    response = client.post(
        "/console/login", data={"email": email, "password": password, "csrf_token": login_form_token(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return csrf_of(client)


def csrf_of(client: httpx.Client) -> str:
    return form_token(client.get("/console/escalations").text)
