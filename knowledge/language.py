"""Language detection for chunks and queries (lingua, offline)."""

from __future__ import annotations

import unicodedata
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = ("it", "en", "fr")
LANGUAGES = ("it", "en", "fr", "de", "es")
"""Languages detected (and accepted as a document's declared language)."""
# German and Spanish are detected too so that such a text is labelled truthfully
# instead of being forced into one of the three supported languages.
_LANGUAGES = (Language.ITALIAN, Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH)


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_LANGUAGES).with_preloaded_language_models().build()


def detect_language(text: str, default: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``default`` when it cannot tell."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < 3:
        return default
    found = _detector().detect_language_of(sample)
    if found is None:
        return default
    return str(found.iso_code_639_1.name).lower()


def language_confidences(text: str) -> list[tuple[str, float]]:
    """Every detectable language of ``text`` with lingua's confidence (0–1), best first."""
    sample = text[:2000]
    if sum(ch.isalpha() for ch in sample) < 2:
        return []
    values = _detector().compute_language_confidence_values(sample)
    return [(str(v.language.iso_code_639_1.name).lower(), float(v.value)) for v in values]


def fold_accents(text: str) -> str:
    """Lower-cased, accents removed: "Indonésie" and "indonesie" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
