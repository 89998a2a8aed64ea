"""Staff accounts, login sessions, the failed-login backoff and the audit log, on a real SQLite database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from doubles.sample import SAMPLE_TODAY
from doubles.telegram_bot import MovableClock
from sqlalchemy import select

from api.services import Services
from bot.desk.accounts import (
    FREE_ATTEMPTS,
    AccountError,
    LoginRefusedError,
    LoginThrottledError,
    StaffAccountRow,
    StaffAccounts,
    StaffSessionRow,
)
from bot.desk.audit import AuditLog

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(SAMPLE_TODAY)


@pytest.fixture
def accounts(make_services: Callable[..., Services], clock: MovableClock) -> StaffAccounts:
    services = make_services()
    cheap = PasswordHasher(time_cost=1, memory_cost=1024)
    return StaffAccounts(services.sessions, clock, session_hours=8, hasher=cheap)


def test_an_account_stores_an_argon2_hash_never_the_password(accounts: StaffAccounts) -> None:
    account = accounts.add("  Anna.Rossi@Cluster.example.eu ", PASSWORD, "admin", "Anna Rossi", telegram_user_id=77)
    assert account.email == "anna.rossi@cluster.example.eu" and account.is_admin and account.telegram_user_id == 77
    with accounts._sessions() as session:
        stored = session.scalars(select(StaffAccountRow.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.by_telegram(77) == account and accounts.by_telegram(78) is None


@pytest.mark.parametrize(
    ("email", "password", "role", "problem"),
    [
        ("not-an-email", PASSWORD, "staff", "not an e-mail"),
        ("a@b.example.eu", "short", "staff", "at least 10"),
        ("a@b.example.eu", "x" * 2000, "staff", "at most"),
        ("a@b.example.eu", PASSWORD, "root", "role"),
        ("x'; DROP TABLE staff_accounts; --@evil.example.eu", PASSWORD, "staff", "not an e-mail"),
        ("<script>@evil.example.eu", PASSWORD, "staff", "not an e-mail"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(
    accounts: StaffAccounts, email: str, password: str, role: str, problem: str
) -> None:
    with pytest.raises(AccountError, match=problem):
        accounts.add(email, password, role, None)  # type: ignore[arg-type]
    assert accounts.all() == []


def test_an_email_and_a_telegram_id_belong_to_one_account(accounts: StaffAccounts) -> None:
    accounts.add("one@cluster.example.eu", PASSWORD, "staff", telegram_user_id=5)
    with pytest.raises(AccountError, match="exists already"):
        accounts.add("ONE@cluster.example.eu", PASSWORD, "staff")
    with pytest.raises(AccountError, match="linked to another"):
        accounts.add("two@cluster.example.eu", PASSWORD, "staff", telegram_user_id=5)


def test_login_gives_a_session_that_expires(accounts: StaffAccounts, clock: MovableClock) -> None:
    accounts.add("anna@cluster.example.eu", PASSWORD, "staff")
    token, session = accounts.login("Anna@cluster.example.eu", PASSWORD)
    assert len(token) >= 40 and len(session.csrf_token) >= 40
    assert accounts.session(token) == session
    with accounts._sessions() as db:
        assert token not in {row.token_hash for row in db.scalars(select(StaffSessionRow))}  # only its hash
    clock.advance(hours=8, seconds=1)
    assert accounts.session(token) is None
    assert accounts.session("") is None and accounts.session("x" * 500) is None


def test_logout_password_change_and_disabling_end_sessions(accounts: StaffAccounts) -> None:
    account = accounts.add("anna@cluster.example.eu", PASSWORD, "staff")
    first, _ = accounts.login(account.email, PASSWORD)
    accounts.logout(first)
    assert accounts.session(first) is None
    second, _ = accounts.login(account.email, PASSWORD)
    accounts.update(account.id, password="another long password")
    assert accounts.session(second) is None
    third, _ = accounts.login(account.email, "another long password")
    accounts.update(account.id, active=False)
    assert accounts.session(third) is None
    with pytest.raises(LoginRefusedError):
        accounts.login(account.email, "another long password")


def test_wrong_passwords_back_off_doubling_and_reset_on_success(accounts: StaffAccounts, clock: MovableClock) -> None:
    accounts.add("anna@cluster.example.eu", PASSWORD, "staff")
    for _ in range(FREE_ATTEMPTS - 1):
        with pytest.raises(LoginRefusedError):
            accounts.login("anna@cluster.example.eu", "wrong password!")
    with pytest.raises(LoginRefusedError):
        accounts.login("anna@cluster.example.eu", "wrong password!")  # the fifth: now it waits 30 s
    with pytest.raises(LoginThrottledError) as waiting:
        accounts.login("anna@cluster.example.eu", PASSWORD)  # even the right password waits
    assert 29 < waiting.value.retry_after <= 30
    clock.advance(seconds=31)
    with pytest.raises(LoginRefusedError):
        accounts.login("anna@cluster.example.eu", "wrong again!!")
    with pytest.raises(LoginThrottledError) as longer:
        accounts.login("anna@cluster.example.eu", PASSWORD)
    assert 59 < longer.value.retry_after <= 60  # doubled
    clock.advance(seconds=61)
    accounts.login("anna@cluster.example.eu", PASSWORD)
    with pytest.raises(LoginRefusedError):  # the count started again: no wait after one failure
        accounts.login("anna@cluster.example.eu", "wrong password!")
    accounts.login("anna@cluster.example.eu", PASSWORD)


def test_unknown_addresses_back_off_the_same_way(accounts: StaffAccounts) -> None:
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(LoginRefusedError, match="wrong e-mail or password"):
            accounts.login("nobody@cluster.example.eu", PASSWORD)
    with pytest.raises(LoginThrottledError):
        accounts.login("nobody@cluster.example.eu", PASSWORD)


def test_the_longest_wait_is_capped(accounts: StaffAccounts, clock: MovableClock) -> None:
    for _ in range(40):
        clock.advance(minutes=16)
        with pytest.raises(LoginRefusedError):
            accounts.login("nobody@cluster.example.eu", "guess guess guess")
    with pytest.raises(LoginThrottledError) as waiting:
        accounts.login("nobody@cluster.example.eu", "guess guess guess")
    assert waiting.value.retry_after <= dt.timedelta(minutes=15).total_seconds()


def test_the_audit_log_keeps_actions_newest_first(make_services: Callable[..., Services], clock: MovableClock) -> None:
    services = make_services()
    audit = AuditLog(services.sessions, clock)
    audit.record("anna@cluster.example.eu", "claim", "escalation 3")
    clock.advance(minutes=1)
    audit.record("luca@cluster.example.eu", "contact_erase", "contact 9", {"messages": 4})
    entries = audit.recent()
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("luca@cluster.example.eu", "contact_erase", "contact 9"),
        ("anna@cluster.example.eu", "claim", "escalation 3"),
    ]
    assert entries[0].detail == {"messages": 4} and entries[0].at == SAMPLE_TODAY + dt.timedelta(minutes=1)
    assert [e.action for e in audit.recent(actor="anna@cluster.example.eu")] == ["claim"]


def test_an_account_speaks_italian_unless_told_otherwise(accounts: StaffAccounts) -> None:
    italian = accounts.add("it@cluster.example.eu", PASSWORD, "staff")
    french = accounts.add("fr@cluster.example.eu", PASSWORD, "staff", language="fr")
    assert italian.language == "it" and french.language == "fr"
    with pytest.raises(AccountError, match="language must be one of it, en, fr"):
        accounts.add("de@cluster.example.eu", PASSWORD, "staff", language="de")  # type: ignore[arg-type]
    assert accounts.update(italian.id, language="en").language == "en"
    with pytest.raises(AccountError, match="language"):
        accounts.update(italian.id, language="xx")  # type: ignore[arg-type]
    assert accounts.get(italian.id).language == "en"  # type: ignore[union-attr]
    assert accounts.find("de@cluster.example.eu") is None
