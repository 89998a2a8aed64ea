"""Outbound: the outbox every pushed message is recorded in first, e-mail delivery, and the
alerts on new calls and deadlines."""
