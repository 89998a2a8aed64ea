"""Who is working on a stored inbound event right now: a lease, so that a message is answered by
one process at a time, and one left behind by a process that died is taken over.

A lease names its holder ``host:pid:boot#claim``. It is free when it has expired, or when its
holder ran on this host and is gone: another pid that no longer runs, or this pid from an
earlier life (a container restarted by SIGKILL gets the same pid back). A holder on another
host is trusted until its lease expires. ``claim`` makes each taking unique, so taking a
lease is a compare-and-set on the holder column.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket

_BOOT = secrets.token_hex(4)
"""This process's life: a pid reused after a restart is not taken for the old holder."""


def this_process() -> str:
    """This process as a lease holder (host, pid and life)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_BOOT}"


def new_claim() -> str:
    """A holder value for one taking of a lease."""
    return f"{this_process()}#{secrets.token_hex(4)}"


def held_here(holder: str | None) -> bool:
    """Whether ``holder`` is this process."""
    return holder is not None and holder.partition("#")[0] == this_process()


def is_free(holder: str | None, until: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a lease held by ``holder`` until ``until`` may be taken at ``now``."""
    if holder is None or until is None or until <= now:
        return True
    host, pid, boot = _parts(holder.partition("#")[0])
    if host != socket.gethostname() or pid is None:
        return False
    if pid == os.getpid():
        return boot != _BOOT
    return not _running(pid)


def _parts(process: str) -> tuple[str, int | None, str]:
    host, _, rest = process.partition(":")
    pid, _, boot = rest.partition(":")
    return host, int(pid) if pid.isdigit() else None, boot


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True
