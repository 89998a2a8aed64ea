"""The sample claims of scripts/make_sample_claims.py, for the tests that send them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_sample_claims.py"


def generator() -> ModuleType:
    """scripts/ is not a package: the generator loaded from its file (registered, for its dataclass)."""
    known = sys.modules.get("make_sample_claims")
    if known is not None:
        return known
    spec = importlib.util.spec_from_file_location("make_sample_claims", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def write_samples(folder: Path) -> Path:
    """The complete, incomplete and hostile claims written into ``folder`` (with truth.jsonl)."""
    generator().generate(folder)
    return folder
