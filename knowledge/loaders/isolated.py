"""Reading an untrusted file in a child process with a memory ceiling and a wall clock.

The budgets in ``knowledge.loaders.budget`` refuse the hostile files we know of before they
cost anything. This is the backstop for the ones we do not: before an uploaded file is kept,
``check_isolated`` reads it in ``python -m knowledge.loaders.isolated``, which caps its own
address space (``RLIMIT_AS``: what it has after imports plus ``max_memory_mb``) and is killed
after ``max_seconds``. The server's memory and its workers never see the parse; the child
answers with one line of JSON, never with objects the parent would have to trust.

A fresh interpreter per check costs about half a second: right for an upload, which is why the
ingest of files already checked (or placed by an admin) reads them in process, under the same
budgets. ``multiprocessing`` was tried and left: its children re-import the server's main
module (the whole app) before they run. At most ``MAX_CHILDREN`` checks run at once.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

from knowledge.errors import CorruptFileError, KnowledgeError, OverBudgetError
from knowledge.loaders import load_document
from knowledge.loaders.budget import ParseBudget, over_time

MAX_CHILDREN = 2
_SLOTS = threading.BoundedSemaphore(MAX_CHILDREN)
_ERRORS: dict[str, type[KnowledgeError]] = {error.code: error for error in KnowledgeError.__subclasses__()}


def check_isolated(path: Path, max_bytes: int, budget: ParseBudget) -> None:
    """Read ``path`` as ``load_document`` would, in a child process; raises what it would raise,
    or ``OverBudgetError`` when the child runs out of time or memory."""
    source = str(path)
    command = [sys.executable, "-m", "knowledge.loaders.isolated", source, str(max_bytes)]
    with _SLOTS:
        try:
            done = subprocess.run(
                command, input=json.dumps(dataclasses.asdict(budget)), capture_output=True, text=True,
                timeout=budget.max_seconds, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise over_time(source, budget.max_seconds) from None
    lines = done.stdout.strip().splitlines()
    verdict = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    if not isinstance(verdict, dict):
        # Ended without a verdict: killed by the kernel, or a crash inside a C parser.
        raise OverBudgetError(source, _memory_reason(budget))
    if verdict.get("ok"):
        return
    error = _ERRORS.get(str(verdict.get("code")), CorruptFileError)
    raise error(source, str(verdict.get("reason") or "the file cannot be read"))


def _child(source: str, max_bytes: int, budget: ParseBudget) -> dict[str, object]:
    """In the child: cap the address space, read the file, say how it went."""
    current = _address_space()
    if current is not None:
        ceiling = current + budget.max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    try:
        load_document(Path(source), max_bytes, budget)
    except KnowledgeError as exc:
        return {"ok": False, "code": exc.code, "reason": exc.reason}
    except MemoryError:
        return {"ok": False, "code": OverBudgetError.code, "reason": _memory_reason(budget)}
    except Exception as exc:  # a parser's own error on a damaged file
        reason = f"the file is damaged or not what its extension says ({type(exc).__name__}: {exc})"
        return {"ok": False, "code": CorruptFileError.code, "reason": reason[:500]}
    return {"ok": True}


def _memory_reason(budget: ParseBudget) -> str:
    return f"reading it needs more than {budget.max_memory_mb:,} MB of memory (setting ingest.max_parse_memory_mb)"


def _address_space() -> int | None:
    """This process's virtual size now (the ceiling is set above it, so the limit is what a parse adds);
    ``None`` where ``/proc`` is missing (then only the clock bounds the child)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


if __name__ == "__main__":
    limits = ParseBudget(**json.loads(sys.stdin.read()))
    print(json.dumps(_child(sys.argv[1], int(sys.argv[2]), limits)), flush=True)
