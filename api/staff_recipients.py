"""Who the staff's notices go to: e-mail recipients and the Telegram staff group, as configured."""

from __future__ import annotations

from api.services import Services
from bot.desk.staff import StaffNotices
from bot.outbound.email_delivery import EMAIL_CHANNEL


def email_recipients(services: Services) -> list[StaffNotices]:
    """Who gets the staff's e-mail: the configured recipients, or every active staff account (none
    without an SMTP host)."""
    if not services.settings.email.host:
        return []
    addresses = services.settings.email.recipients or [
        account.email for account in services.accounts().all() if account.active
    ]
    return [StaffNotices(EMAIL_CHANNEL, address) for address in addresses]


def staff_group(services: Services) -> StaffNotices | None:
    """The staff's Telegram group, when the bot has one."""
    telegram = services.settings.telegram
    if telegram.staff_chat_id is None or telegram.token is None:
        return None
    return StaffNotices("telegram", str(telegram.staff_chat_id))
