"""Language detection (lingua, offline) and token counting (tiktoken with the bundled BPE file)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from knowledge.language import detect_language
from knowledge.tokens import ENCODING_NAME, count_tokens, encoding, install_offline_encoding

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"

# --- Language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Vorrei sapere quando scade il bando per la missione in Giappone.", "it"),
        ("Posso chiedere il rimborso del volo se parto da Milano?", "it"),
        ("When is the deadline for the Japan mission registration?", "en"),
        ("Can I claim back the cost of my flight?", "en"),
        ("Quelle est la date limite pour s'inscrire à la mission en Indonésie ?", "fr"),
        ("Est-ce que les frais de visa sont remboursés ?", "fr"),
        # Detected too, so that such a question is labelled truthfully rather than forced into it/en/fr.
        ("Wann ist die Frist für die Anmeldung zur Mission?", "de"),
        ("¿Cuándo termina el plazo para inscribirse en la misión?", "es"),
    ],
)
def test_detects_the_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "ok", "12/06/2027", "€ 3.000 - 50%", "!!! ???", "🇮🇹🇯🇵"])
def test_short_or_non_alphabetic_text_gives_the_default(text: str) -> None:
    assert detect_language(text, default="it") == "it"
    assert detect_language(text) is None


def test_only_the_start_of_a_long_text_is_read() -> None:
    italian = "Le imprese possono chiedere il rimborso delle spese di viaggio e di alloggio. " * 30
    english = "Companies can claim back their travel and accommodation costs. " * 200

    assert len(italian) >= 2000
    assert detect_language(italian + english) == "it"


# --- Tokens --------------------------------------------------------------------------------


def test_count_tokens_uses_cl100k_base() -> None:
    assert encoding().name == ENCODING_NAME == "cl100k_base"
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2
    assert count_tokens("Scadenza: 15 marzo 2027, ore 17:00") == len(
        encoding().encode("Scadenza: 15 marzo 2027, ore 17:00")
    )


def test_special_token_text_is_counted_as_plain_text() -> None:
    # Hostile input must not be read as a control token (nor crash the count).
    assert count_tokens("<|endoftext|>") > 1


def test_install_offline_encoding_writes_the_file_tiktoken_expects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "restored-after-the-test")
    cache_dir = tmp_path / "nested" / "tiktoken"

    target = install_offline_encoding(cache_dir)

    assert target == cache_dir / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == CL100K_SHA256
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(cache_dir)
    assert [p.name for p in cache_dir.iterdir()] == [target.name]  # no temporary file left behind


def test_install_offline_encoding_keeps_a_good_file_and_repairs_a_bad_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    target = install_offline_encoding(tmp_path)
    stamp = target.stat().st_mtime_ns

    assert install_offline_encoding(tmp_path) == target
    assert target.stat().st_mtime_ns == stamp

    target.write_bytes(b"truncated download")
    install_offline_encoding(tmp_path)

    assert hashlib.sha256(target.read_bytes()).hexdigest() == CL100K_SHA256


def test_count_tokens_works_offline_from_an_empty_cache(tmp_path: Path) -> None:
    # A fresh process with an empty cache and every HTTP(S) request sent to a closed port:
    # the count must come from the bundled file, while a download (the control) fails.
    script = textwrap.dedent(
        """
        import tiktoken
        from knowledge.tokens import count_tokens
        print(count_tokens("hello world"))
        try:
            tiktoken.get_encoding("r50k_base")
        except Exception as exc:
            print("download refused:", type(exc).__name__)
        """
    )
    dead_proxy = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "cache"),
        "HTTP_PROXY": dead_proxy,
        "HTTPS_PROXY": dead_proxy,
        "http_proxy": dead_proxy,
        "https_proxy": dead_proxy,
        "NO_PROXY": "",
        "no_proxy": "",
    }
    run = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, env=env, timeout=120
    )

    assert run.returncode == 0, run.stderr
    count, control = run.stdout.splitlines()
    assert count == "2"
    assert control.startswith("download refused:")
    assert (tmp_path / "cache" / hashlib.sha1(CL100K_URL.encode()).hexdigest()).exists()
