"""The Telegram channel: the assistant as a public bot, the staff group, alerts.

The only package that imports python-telegram-bot (an import-linter contract keeps it so).
``application.build_application`` wires the handlers once; ``TelegramChannel`` runs them by
long polling (``sportello telegram``) or behind the FastAPI webhook route, with the outbox
sender and the periodic scans beside them. See docs/telegram.md.
"""

import os

# python-telegram-bot 22 warns whenever it reads a duration as seconds (e.g. ``RetryAfter``)
# unless the process opts into its next major version's ``timedelta`` durations. We opt in
# (our code reads either), before the library is imported by any module of this package.
os.environ.setdefault("PTB_TIMEDELTA", "true")
