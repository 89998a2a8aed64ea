"""The Telegram channel: the assistant as a public bot, the staff group, alerts.

The only package that imports python-telegram-bot (an import-linter contract keeps it so).
``application.build_application`` wires the handlers once; ``TelegramChannel`` runs them by
long polling (``sportello telegram``) or behind the FastAPI webhook route, with the outbox
sender and the periodic scans beside them. See docs/telegram.md.
"""
