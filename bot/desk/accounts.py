"""Staff accounts: who may use the console, their login sessions and the failed-login backoff.

Passwords are argon2id hashes at OWASP's recommended cost (19 MiB, 2 passes: 25 ms on a
2-core box, against 134 ms for argon2-cffi's default), and at most ``HASHING_AT_ONCE`` are
computed at once, so a login flood costs bounded memory (the default's 64 MiB per attempt
took a server past 1 GB under 200 attempts); hashes made at an older cost are upgraded at
the next login.

A session is a random token whose SHA-256 alone is stored, with its own CSRF token beside
it. After ``FREE_ATTEMPTS`` wrong passwords for one e-mail address, each further attempt
waits twice as long as the one before (30 s, 60 s, … up to 15 min), whether the address
exists or not, so the backoff tells an attacker nothing about which addresses are real.
(The console adds a throttle per client address: ``api.limits``.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from knowledge.database import Base, as_utc

Role = Literal["staff", "admin"]
ROLES: tuple[Role, ...] = ("staff", "admin")
Language = Literal["it", "en", "fr"]
LANGUAGES: tuple[Language, ...] = ("it", "en", "fr")
"""The languages the console speaks; each account picks its own (Italian, the desk's, by default)."""
_SPOKEN: dict[str, Language] = {code: code for code in LANGUAGES}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
FREE_ATTEMPTS = 5
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)
HASHING_AT_ONCE = 2
HASHING_QUEUE_SECONDS = 10.0
_HASHING = threading.BoundedSemaphore(HASHING_AT_ONCE)
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$")


class StaffAccountRow(Base):
    """A person who may log in to the console."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str] = mapped_column(String(5), default="it", server_default="it")


class StaffSessionRow(Base):
    """A login: the token's hash, its CSRF token, and when it ends."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRow(Base):
    """Wrong passwords in a row for one e-mail address (known or not)."""

    __tablename__ = "staff_login_failures"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class StaffAccount:
    """An account as read back (never with its hash)."""

    id: int
    email: str
    name: str
    role: Role
    telegram_user_id: int | None
    active: bool
    last_login_at: dt.datetime | None = None
    language: Language = "it"
    """The language the console speaks to this member."""

    @property
    def is_admin(self) -> bool:
        """Admins also manage accounts, erase contacts and read the audit log."""
        return self.role == "admin"


@dataclass(frozen=True)
class StaffSession:
    """A valid login."""

    account: StaffAccount
    csrf_token: str
    expires_at: dt.datetime


class AccountError(ValueError):
    """An account that cannot be created or changed as asked (the message says why)."""


class LoginRefusedError(Exception):
    """Wrong e-mail or password, or a disabled account (one message for all: no hints)."""


class LoginThrottledError(Exception):
    """Too many wrong passwords for this address: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed logins; try again in {int(retry_after) + 1} s")
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    """The address as stored: trimmed and lower-cased."""
    return email.strip().lower()


def check_password(password: str) -> None:
    """Refuse a password too short or too long to hash sensibly."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"a password is at most {MAX_PASSWORD_CHARS} characters")


def check_language(language: str) -> None:
    """Refuse a language the console does not speak."""
    if language not in LANGUAGES:
        raise AccountError(f"language must be one of {', '.join(LANGUAGES)}")


class StaffAccounts:
    """Creates and reads accounts, logs staff in and out."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        now: Callable[[], dt.datetime],
        *,
        session_hours: float = 12.0,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._session_length = dt.timedelta(hours=session_hours)
        self._hasher = hasher or PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
        # Verified against when the address is unknown, so both cases take as long.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    def add(
        self,
        email: str,
        password: str,
        role: Role,
        name: str | None = None,
        telegram_user_id: int | None = None,
        *,
        language: Language = "it",
    ) -> StaffAccount:
        """A new account; the e-mail must be new."""
        email = normalise_email(email)
        if not _EMAIL.match(email):
            raise AccountError(f"{email!r} is not an e-mail address")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        check_language(language)
        check_password(password)
        with self._sessions.begin() as session:
            if session.scalar(select(StaffAccountRow.id).where(StaffAccountRow.email == email)) is not None:
                raise AccountError(f"an account for {email} exists already")
            if telegram_user_id is not None:
                self._check_telegram_free(session, telegram_user_id, None)
            row = StaffAccountRow(
                email=email, name=(name or email.split("@")[0]).strip()[:200], role=role,
                password_hash=self._hasher.hash(password), telegram_user_id=telegram_user_id, active=True,
                created_at=self._now(), language=language,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _account(row)

    def update(
        self,
        account_id: int,
        *,
        role: Role | None = None,
        active: bool | None = None,
        name: str | None = None,
        telegram_user_id: int | Literal["keep"] | None = "keep",
        password: str | None = None,
        language: Language | None = None,
    ) -> StaffAccount:
        """Change an account; a disabled account's sessions end at once."""
        with self._sessions.begin() as session:
            row = session.get(StaffAccountRow, account_id)
            if row is None:
                raise AccountError(f"no account {account_id}")
            if role is not None:
                if role not in ROLES:
                    raise AccountError(f"role must be one of {', '.join(ROLES)}")
                row.role = role
            if language is not None:
                check_language(language)
                row.language = language
            if name is not None and name.strip():
                row.name = name.strip()[:200]
            if telegram_user_id != "keep":
                if telegram_user_id is not None:
                    self._check_telegram_free(session, telegram_user_id, account_id)
                row.telegram_user_id = telegram_user_id
            if password is not None:
                check_password(password)
                row.password_hash = self._hasher.hash(password)
                session.execute(delete(StaffSessionRow).where(StaffSessionRow.account_id == account_id))
            if active is not None:
                row.active = active
                if not active:
                    session.execute(delete(StaffSessionRow).where(StaffSessionRow.account_id == account_id))
            return _account(row)

    def all(self) -> list[StaffAccount]:
        """Every account, by e-mail."""
        with self._sessions() as session:
            return [_account(row) for row in session.scalars(select(StaffAccountRow).order_by(StaffAccountRow.email))]

    def get(self, account_id: int) -> StaffAccount | None:
        """One account by id."""
        with self._sessions() as session:
            row = session.get(StaffAccountRow, account_id)
            return _account(row) if row else None

    def find(self, email: str) -> StaffAccount | None:
        """One account by e-mail."""
        with self._sessions() as session:
            row = session.scalars(
                select(StaffAccountRow).where(StaffAccountRow.email == normalise_email(email))
            ).first()
            return _account(row) if row else None

    def by_telegram(self, user_id: int) -> StaffAccount | None:
        """The active account a Telegram user id is linked to."""
        with self._sessions() as session:
            row = session.scalars(
                select(StaffAccountRow).where(
                    StaffAccountRow.telegram_user_id == user_id, StaffAccountRow.active.is_(True)
                )
            ).first()
            return _account(row) if row else None

    def login(self, email: str, password: str) -> tuple[str, StaffSession]:
        """A new session token (to put in a cookie) and its session, or an error.

        Raises ``LoginThrottledError`` while the address waits, ``LoginRefusedError`` otherwise.
        """
        email = normalise_email(email)[:254]
        now = self._now()
        with self._sessions.begin() as session:
            failure = session.get(LoginFailureRow, email)
            if failure is not None and failure.locked_until is not None and as_utc(failure.locked_until) > now:
                raise LoginThrottledError((as_utc(failure.locked_until) - now).total_seconds())
            row = session.scalars(select(StaffAccountRow).where(StaffAccountRow.email == email)).first()
            if not self._verify(row.password_hash if row else self._decoy, password) or row is None or not row.active:
                self._count_failure(session, failure, email, now)
                row = None  # refused below, once the failure is committed
            else:
                if failure is not None:
                    session.delete(failure)
                if self._hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = self._hasher.hash(password)
                row.last_login_at = now
                token = secrets.token_urlsafe(32)
                stored = StaffSessionRow(
                    token_hash=_token_hash(token), account_id=row.id, csrf_token=secrets.token_urlsafe(32),
                    created_at=now, expires_at=now + self._session_length,
                )  # fmt: skip
                session.add(stored)
                session.execute(delete(StaffSessionRow).where(StaffSessionRow.expires_at < now))
                result = token, StaffSession(_account(row), stored.csrf_token, stored.expires_at)
        if row is None:
            raise LoginRefusedError("wrong e-mail or password")
        return result

    def session(self, token: str) -> StaffSession | None:
        """The session of a cookie's token, if it is valid and its account active."""
        if not token or len(token) > 200:
            return None
        with self._sessions() as session:
            stored = session.get(StaffSessionRow, _token_hash(token))
            if stored is None or as_utc(stored.expires_at) <= self._now():
                return None
            account = session.get(StaffAccountRow, stored.account_id)
            if account is None or not account.active:
                return None
            return StaffSession(_account(account), stored.csrf_token, as_utc(stored.expires_at))

    def logout(self, token: str) -> None:
        """End a session."""
        with self._sessions.begin() as session:
            session.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == _token_hash(token)))

    def _verify(self, password_hash: str, password: str) -> bool:
        if not _HASHING.acquire(timeout=HASHING_QUEUE_SECONDS):
            raise LoginThrottledError(HASHING_QUEUE_SECONDS)  # a flood from many addresses: come back later
        try:
            return self._hasher.verify(password_hash, password[:MAX_PASSWORD_CHARS])
        except (VerificationError, InvalidHashError):
            return False
        finally:
            _HASHING.release()

    def _count_failure(self, session: Session, failure: LoginFailureRow | None, email: str, now: dt.datetime) -> None:
        if failure is None:
            failure = LoginFailureRow(email=email, failures=0, locked_until=None)
            session.add(failure)
        failure.failures += 1
        beyond = failure.failures - FREE_ATTEMPTS
        if beyond >= 0:
            wait = min(FIRST_WAIT * (2 ** min(beyond, 10)), LONGEST_WAIT)
            failure.locked_until = now + wait

    @staticmethod
    def _check_telegram_free(session: Session, user_id: int, account_id: int | None) -> None:
        owner = session.scalar(select(StaffAccountRow.id).where(StaffAccountRow.telegram_user_id == user_id))
        if owner is not None and owner != account_id:
            raise AccountError(f"Telegram user {user_id} is linked to another account already")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(row: StaffAccountRow) -> StaffAccount:
    return StaffAccount(
        id=row.id, email=row.email, name=row.name, role=row.role,  # type: ignore[arg-type]
        telegram_user_id=row.telegram_user_id, active=row.active,
        last_login_at=as_utc(row.last_login_at) if row.last_login_at else None,
        language=_SPOKEN.get(row.language, "it"),
    )  # fmt: skip
