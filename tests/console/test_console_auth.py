"""Who may reach which console route: every route is enumerated from the app, so a new route
without its guard fails here. Also CSRF, the login form, cookies and hostile SME text."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from doubles.console import PASSWORD, csrf_of, login, login_form_token, new_account
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.services import Services
from api.web.app import create_app
from bot.desk.accounts import Role, StaffAccount

PUBLIC = {("GET", "/console/login"), ("POST", "/console/login")}


def console_routes() -> list[tuple[str, str]]:
    """(method, path with ids filled in) of every console route the app serves."""
    app = create_app(services=None)
    served: list[tuple[str, set[str]]] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            served.append((route.path, route.methods))
        elif hasattr(route, "effective_route_contexts"):  # FastAPI keeps included routers as one entry
            served.extend((context.path, context.methods) for context in route.effective_route_contexts())
    routes = []
    for path, methods in served:
        if path.startswith("/console"):
            routes.extend((method, re.sub(r"\{[^}]+\}", "1", path)) for method in sorted(methods - {"HEAD"}))
    return routes


ROUTES = console_routes()
GUARDED = [route for route in ROUTES if (route[0], route[1]) not in PUBLIC]
ADMIN = [route for route in GUARDED if route[1].startswith("/console/admin")]


def test_the_enumeration_found_the_console() -> None:
    assert len(GUARDED) >= 20 and len(ADMIN) >= 6
    assert ("POST", "/console/escalations/1/reply") in GUARDED
    assert ("POST", "/console/admin/contacts/1/erase") in ADMIN


@pytest.mark.parametrize(("method", "path"), GUARDED)
def test_without_a_session_pages_redirect_to_login_and_actions_get_401(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, data={"csrf_token": "x"}, follow_redirects=False)
    if method == "GET":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=")
    else:
        assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), ADMIN)
def test_a_staff_role_cannot_do_admin_actions(
    client: TestClient, logged_in: Callable[[Role], tuple[StaffAccount, str]], method: str, path: str
) -> None:
    _, csrf = logged_in("staff")
    response = client.request(method, path, data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 403
    assert "riservata agli amministratori" in response.text


def test_an_admin_reaches_the_admin_pages(
    client: TestClient, logged_in: Callable[..., tuple[StaffAccount, str]]
) -> None:
    logged_in("admin")
    for path in ("/console/admin/staff", "/console/admin/audit"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("token", ["", "wrong-token", None])
def test_state_changes_without_the_right_csrf_token_are_refused(
    client: TestClient, logged_in: Callable[..., tuple[StaffAccount, str]], token: str | None
) -> None:
    logged_in("admin")
    data = {} if token is None else {"csrf_token": token}
    for path in ("/console/escalations/1/claim", "/console/knowledge/reingest", "/console/logout"):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
        assert "non viene da questa console" in response.text
    assert client.get("/console/escalations").status_code == 200  # still logged in: logout was refused too


def test_another_sessions_csrf_token_is_refused(client: TestClient, sample_services: Services) -> None:
    first = new_account(sample_services)
    second = new_account(sample_services)
    with TestClient(create_app(services=sample_services)) as other:
        other_token = login(other, second.email)
    login(client, first.email)
    response = client.post("/console/logout", data={"csrf_token": other_token}, follow_redirects=False)
    assert response.status_code == 403


def test_the_csrf_header_works_for_scripts(
    client: TestClient, logged_in: Callable[..., tuple[StaffAccount, str]]
) -> None:
    _, csrf = logged_in("staff")
    response = client.post("/console/logout", headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/console/escalations", follow_redirects=False).status_code == 303  # logged out


def test_login_sets_a_strict_httponly_cookie_and_logout_clears_it(
    client: TestClient, sample_services: Services
) -> None:
    account = new_account(sample_services)
    token = login_form_token(client)
    response = client.post(
        "/console/login", data={"email": account.email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "sportello_staff=" in v)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http here: a Secure cookie would never come back
    assert response.headers["location"] == "/console"
    csrf = csrf_of(client)
    out = client.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and client.get("/console/faqs", follow_redirects=False).status_code == 303


def test_over_https_the_cookie_is_secure(sample_services: Services) -> None:
    account = new_account(sample_services)
    with TestClient(create_app(services=sample_services), base_url="https://testserver") as client:
        token = login_form_token(client)
        response = client.post(
            "/console/login", data={"email": account.email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )  # fmt: skip
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "sportello_staff=" in v)
    assert "Secure" in cookie


def test_the_login_form_has_its_own_csrf_check_and_no_open_redirect(
    client: TestClient, sample_services: Services
) -> None:
    account = new_account(sample_services)
    forged = client.post(
        "/console/login", data={"email": account.email, "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )  # fmt: skip
    assert forged.status_code == 403
    for target in ("https://evil.example.com/", "//evil.example.com", "/console\\@evil"):
        token = login_form_token(client, next=target)
        response = client.post(
            "/console/login",
            data={"email": account.email, "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/console"
        client.cookies.clear()


def test_wrong_passwords_get_401_then_429_with_retry_after(client: TestClient, sample_services: Services) -> None:
    account = new_account(sample_services)
    statuses = []
    for attempt in range(6):
        token = login_form_token(client)
        password = "wrong password" if attempt < 5 else PASSWORD
        response = client.post(
            "/console/login", data={"email": account.email, "password": password, "csrf_token": token},
            follow_redirects=False,
        )  # fmt: skip
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 401, 401, 429]
    assert "Troppi tentativi" in response.text and int(response.headers["Retry-After"]) > 0
    assert "E-mail o password errate" not in response.text


@pytest.mark.parametrize(
    "email", ["' OR '1'='1", "admin@x.eu'; DROP TABLE staff_accounts; --", "\x00", "a" * 300, "<script>@x.eu"]
)
def test_hostile_logins_are_just_wrong(client: TestClient, sample_services: Services, email: str) -> None:
    token = login_form_token(client)
    response = client.post(
        "/console/login", data={"email": email, "password": "whatever!!", "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code in (401, 422)
    assert "<script>@" not in response.text


def test_sme_text_is_inert_in_the_console(
    client: TestClient, sample_services: Services, logged_in: Callable[..., tuple[StaffAccount, str]]
) -> None:
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    store = sample_services.assistant().store
    contact = store.contact("web", "xss-contact", name=f"Eve {payload}")
    conversation = store.start_conversation(contact, "it")
    store.add_message(conversation, "user", f"Domanda {payload}")
    escalation = store.open_escalation(
        conversation, "user_request", f"Domanda {payload}", {"company": payload, "topic": payload}
    )
    logged_in("staff")
    for path in ("/console/escalations", f"/console/escalations/{escalation}"):
        page = client.get(path).text
        assert "<script>alert(2)</script>" not in page and '<img src=x onerror="alert(1)">' not in page
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    csp = client.get("/console/escalations").headers["content-security-policy"]
    assert "script-src 'self'" in csp  # and no inline script would run even if one slipped through
