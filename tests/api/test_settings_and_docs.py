"""Settings read the environment as documented, and the README stays true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from api.cli import app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _env_names(model: type[BaseModel], prefix: str = "SPORTELLO_") -> list[str]:
    names: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _env_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [name for name in _env_names(Settings) if f"`{name}`" not in README]
    assert missing == []


def test_environment_and_nested_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPORTELLO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SPORTELLO_SEARCH__CANDIDATES", "50")
    monkeypatch.setenv("SPORTELLO_EMBEDDING__API_KEY", "s3cret")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.data_dir == tmp_path
    assert settings.search.candidates == 50
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'sportello.db'}"
    assert "s3cret" not in repr(settings)


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SPORTELLO_LOG_LEVEL=DEBUG\nSPORTELLO_CHROMA__COLLECTION=altro\n", encoding="utf-8")
    settings = Settings()
    assert settings.log_level == "DEBUG"
    assert settings.chroma.collection == "altro"


def test_default_data_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert Settings(_env_file=None).data_dir == tmp_path / "sportello"  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SPORTELLO_CHROMA__COLLECTION", "a b"),
        ("SPORTELLO_INGEST__CHUNK_TOKENS", "10"),
        ("SPORTELLO_LOG_LEVEL", "LOUD"),
    ],
)
def test_invalid_settings_are_refused(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_readme_commands_exist() -> None:
    registered = {command.name or command.callback.__name__ for command in app.registered_commands}  # type: ignore[union-attr]
    registered |= {group.name for group in app.registered_groups if group.name}
    mentioned = set(re.findall(r"`sportello (\w+)", README))
    assert mentioned <= registered
    assert registered <= mentioned


def test_readme_quick_start_has_exactly_two_commands() -> None:
    for block in ("main", "tests"):
        match = re.search(
            rf"<!-- quickstart:{block} -->\n```bash\n(.+?)\n```\n<!-- /quickstart:{block} -->", README, re.S
        )
        assert match, block
        assert len(match.group(1).strip().splitlines()) == 1


def test_chunk_overlap_must_be_smaller_than_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPORTELLO_INGEST__CHUNK_TOKENS", "60")
    monkeypatch.setenv("SPORTELLO_INGEST__CHUNK_OVERLAP", "100")
    with pytest.raises(ValidationError, match="chunk_overlap must be smaller"):
        Settings(_env_file=None)  # type: ignore[call-arg]
