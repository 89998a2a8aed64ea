"""Desk administration from the shell: staff accounts (``sportello staff …``) and personal
data (``sportello purge``, ``sportello contact export|erase``)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.cli_common import command_services, err, out
from bot.desk.accounts import AccountError, Language, Role, StaffAccount, StaffAccounts

staff_app = typer.Typer(help="Staff accounts of the console.", no_args_is_help=True)
contact_app = typer.Typer(help="One contact's personal data (GDPR requests).", no_args_is_help=True)
CLI_ACTOR = "cli"
LANGUAGE_HELP = "The console's language for this member: it, en or fr."


@staff_app.command("add")
def staff_add(
    email: Annotated[str, typer.Argument(help="The staff member's e-mail (the login).")],
    role: Annotated[Role, typer.Option(help="staff answers escalations; admin also manages accounts and data.")],
    name: Annotated[
        str | None, typer.Option(help="Name shown to SMEs with each reply (default: from the e-mail).")
    ] = None,
    telegram_id: Annotated[
        int | None, typer.Option("--telegram-id", help="Telegram user id, to answer from the staff group.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (for scripts).")
    ] = False,
    language: Annotated[Language, typer.Option(help=LANGUAGE_HELP)] = "it",
) -> None:
    """Create a console account (the password is asked twice, or read from stdin)."""
    password = _password(password_stdin)
    with command_services() as services:
        try:
            account = services.accounts().add(email, password, role, name, telegram_id, language=language)
        except AccountError as exc:
            err.print(f"[red]Not created:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        detail = {"role": role, "language": language}
        services.audit().record(CLI_ACTOR, "account_add", f"account {account.id}", detail)
    out.print(f"Created {escape(account.email)} ({account.role}). Log in at /console/login.")


@staff_app.command("update")
def staff_update(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    language: Annotated[Language | None, typer.Option(help=LANGUAGE_HELP)] = None,
    role: Annotated[Role | None, typer.Option(help="staff or admin.")] = None,
    name: Annotated[str | None, typer.Option(help="Name shown to SMEs with each reply.")] = None,
) -> None:
    """Change an account's console language, role or name."""
    if language is None and role is None and name is None:
        err.print("Nothing to change: pass --language, --role or --name.")
        raise typer.Exit(2)
    with command_services() as services:
        accounts = services.accounts()
        account = _existing(accounts, email)
        try:
            account = accounts.update(account.id, language=language, role=role, name=name)
        except AccountError as exc:
            err.print(f"[red]Not changed:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        detail: dict[str, object] = {key: value for key, value in (("language", language), ("role", role)) if value}
        if name:
            detail["name_changed"] = True
        services.audit().record(CLI_ACTOR, "account_update", f"account {account.id}", detail)
    out.print(
        f"Updated {escape(account.email)}: {account.role}, named {escape(account.name)}, console in {account.language}."
    )


@staff_app.command("password")
def staff_password(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set a new password (every open session of the account ends)."""
    password = _password(password_stdin)
    with command_services() as services:
        accounts = services.accounts()
        account = _existing(accounts, email)
        try:
            accounts.update(account.id, password=password)
        except AccountError as exc:
            err.print(f"[red]Not changed:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        services.audit().record(CLI_ACTOR, "account_update", f"account {account.id}",
                                                         {"password_changed": True})  # fmt: skip
    out.print(f"Password of {escape(account.email)} changed.")


@staff_app.command("disable")
def staff_disable(email: Annotated[str, typer.Argument(help="The account's e-mail.")]) -> None:
    """Disable an account (it can no longer log in; its sessions end)."""
    with command_services() as services:
        accounts = services.accounts()
        account = _existing(accounts, email)
        accounts.update(account.id, active=False)
        services.audit().record(CLI_ACTOR, "account_update", f"account {account.id}",
                                                         {"active": "no"})  # fmt: skip
    out.print(f"Disabled {escape(account.email)}.")


@staff_app.command("list")
def staff_list() -> None:
    """Every account with its role."""
    with command_services() as services:
        accounts = services.accounts().all()
    if not accounts:
        out.print("No accounts yet: sportello staff add EMAIL --role admin")
        return
    header = ("e-mail", "name", "role", "active", "telegram", "last login")
    rows = [
        (account.email, account.name, account.role, "yes" if account.active else "no",
         str(account.telegram_user_id or "—"),
         account.last_login_at.strftime("%Y-%m-%d %H:%M") if account.last_login_at else "—")
        for account in accounts
    ]  # fmt: skip
    if not out.is_terminal:  # piped or redirected: whole values, one tab-separated line each, for other tools
        for row in (header, *rows):
            print("\t".join(value.replace("\t", " ") for value in row))
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*(escape(value) for value in row))
    out.print(table)


def purge(
    days: Annotated[
        int | None, typer.Option(help="Override SPORTELLO_PRIVACY__RETENTION_DAYS for this run.", min=1)
    ] = None,
) -> None:
    """Delete or anonymise conversations idle longer than the retention period."""
    with command_services() as services:
        privacy = services.settings.privacy
        keep_days = days or privacy.retention_days
        if keep_days is None:
            err.print("No retention period: set SPORTELLO_PRIVACY__RETENTION_DAYS or pass --days.")
            raise typer.Exit(2)
        report = services.privacy().purge(dt.timedelta(days=keep_days), privacy.retention_mode)
        services.audit().record(CLI_ACTOR, "purge", "conversations", {"days": keep_days})
    out.print(f"Purge ({privacy.retention_mode}, older than {keep_days} days): {escape(str(report))}")


@contact_app.command("export")
def contact_export(contact_id: Annotated[int, typer.Argument(help="The contact's id (shown in the console).")]) -> None:
    """Print everything stored about one contact as JSON."""
    with command_services() as services:
        try:
            data = services.privacy().export(contact_id)
        except KeyError as exc:
            err.print(f"[red]No contact[/red] {contact_id}")
            raise typer.Exit(1) from exc
        services.audit().record(CLI_ACTOR, "contact_export", f"contact {contact_id}")
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@contact_app.command("erase")
def contact_erase(
    contact_id: Annotated[int, typer.Argument(help="The contact's id (shown in the console).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase one contact and everything derived from it."""
    if not yes and not typer.confirm(f"Erase contact {contact_id} and all its data? This cannot be undone"):
        raise typer.Exit(1)
    with command_services() as services:
        report = services.privacy().erase(contact_id)
        services.audit().record(CLI_ACTOR, "contact_erase", f"contact {contact_id}")
    out.print(f"Erased contact {contact_id}: {escape(str(report))}")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("Again: ") != first:
        err.print("[red]The two passwords differ.[/red]")
        raise typer.Exit(1)
    return first


def _existing(accounts: StaffAccounts, email: str) -> StaffAccount:
    """The account with this e-mail, or exit 1 saying there is none."""
    account = accounts.find(email)
    if account is None:
        err.print(f"[red]No account[/red] {escape(email)}")
        raise typer.Exit(1)
    return account
