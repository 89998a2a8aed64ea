"""Country names in Italian, English and French: how a catalog entry writes a country, and
which countries a message names (names, short forms, adjectives).

Missions are by country, so "e per il Canada?" or "la mission au Japon" must find the
ISO code. Countries without a mission are listed too: "una missione in Brasile?" must be
recognised as a country the catalog does not cover, not as an unknown word.
"""

from __future__ import annotations

import re
from functools import cache

from knowledge.language import fold_accents

# The first three names are how each country is written in Italian, English and French.
_NAMES: dict[str, tuple[str, ...]] = {
    "US": (
        "Stati Uniti",
        "United States",
        "États-Unis",
        "stati uniti",
        "usa",
        "u.s.a.",
        "america",
        "stati uniti d'america",
        "statunitense",
        "americano",
        "americana",
        "united states",
        "the us",
        "the u.s.",
        "american",
        "états-unis",
        "etats-unis",
        "américain",
        "américaine",
    ),
    "CA": ("Canada", "Canada", "Canada", "canada", "canadese", "canadian", "canadien", "canadienne"),
    "JP": (
        "Giappone",
        "Japan",
        "Japon",
        "giappone",
        "giapponese",
        "japan",
        "japanese",
        "japon",
        "japonais",
        "japonaise",
        "tokyo",
        "osaka",
    ),
    "ID": (
        "Indonesia",
        "Indonesia",
        "Indonésie",
        "indonesia",
        "indonesiano",
        "indonesiana",
        "indonesian",
        "indonésie",
        "indonesie",
        "indonésien",
        "giacarta",
        "jakarta",
    ),
    "CN": ("Cina", "China", "Chine", "cina", "cinese", "china", "chinese", "chine", "chinois", "chinoise"),
    "IN": ("India", "India", "Inde", "india", "indiano", "indiana", "indian", "inde", "indien", "indienne"),
    "BR": (
        "Brasile",
        "Brazil",
        "Brésil",
        "brasile",
        "brasiliano",
        "brazil",
        "brazilian",
        "brésil",
        "bresil",
        "brésilien",
    ),
    "MA": ("Marocco", "Morocco", "Maroc", "marocco", "morocco", "maroc", "marocain"),
    "MX": ("Messico", "Mexico", "Mexique", "messico", "mexico", "mexique"),
    "KR": (
        "Corea del Sud",
        "South Korea",
        "Corée du Sud",
        "corea del sud",
        "corea",
        "south korea",
        "korea",
        "corée du sud",
        "corée",
    ),
    "VN": ("Vietnam", "Vietnam", "Viêt Nam", "vietnam", "viet nam"),
    "SG": ("Singapore", "Singapore", "Singapour", "singapore", "singapour"),
    "AU": ("Australia", "Australia", "Australie", "australia", "australie"),
    "AE": (
        "Emirati Arabi Uniti",
        "United Arab Emirates",
        "Émirats arabes unis",
        "emirati arabi",
        "emirati",
        "dubai",
        "united arab emirates",
        "uae",
        "émirats arabes unis",
        "émirats",
    ),
    "SA": ("Arabia Saudita", "Saudi Arabia", "Arabie saoudite", "arabia saudita", "saudi arabia", "arabie saoudite"),
    "TR": ("Turchia", "Turkey", "Turquie", "turchia", "turkey", "türkiye", "turquie"),
    "GB": (
        "Regno Unito",
        "United Kingdom",
        "Royaume-Uni",
        "regno unito",
        "inghilterra",
        "united kingdom",
        "uk",
        "england",
        "royaume-uni",
        "angleterre",
    ),
    "DE": ("Germania", "Germany", "Allemagne", "germania", "germany", "allemagne"),
    "FR": ("Francia", "France", "France", "francia", "france"),
    "ES": ("Spagna", "Spain", "Espagne", "spagna", "spain", "espagne"),
    "NL": ("Paesi Bassi", "Netherlands", "Pays-Bas", "paesi bassi", "olanda", "netherlands", "holland", "pays-bas"),
    "BE": ("Belgio", "Belgium", "Belgique", "belgio", "belgium", "belgique"),
    "CH": ("Svizzera", "Switzerland", "Suisse", "svizzera", "switzerland", "suisse"),
    "ZA": ("Sudafrica", "South Africa", "Afrique du Sud", "sudafrica", "south africa", "afrique du sud"),
    "EG": ("Egitto", "Egypt", "Égypte", "egitto", "egypt", "égypte"),
    "CL": ("Cile", "Chile", "Chili", "cile", "chile", "chili"),
    "AR": ("Argentina", "Argentina", "Argentine", "argentina", "argentine"),
    "PT": ("Portogallo", "Portugal", "Portugal", "portogallo", "portugal"),
    "PL": ("Polonia", "Poland", "Pologne", "polonia", "poland", "pologne"),
    "IT": ("Italia", "Italy", "Italie", "italia", "italy", "italie"),
}


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    by_name = {fold_accents(name): code for code, names in _NAMES.items() for name in names}
    alternatives = "|".join(re.escape(name) for name in sorted(by_name, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])"), by_name


def countries_in(text: str) -> list[str]:
    """ISO codes of the countries named in ``text``, in order of first mention."""
    pattern, by_name = _pattern()
    found = [by_name[m.group(0)] for m in pattern.finditer(fold_accents(text))]
    return list(dict.fromkeys(found))


def replace_countries(text: str, replacement: str) -> str:
    """``text`` with its first country name replaced by ``replacement`` and any other removed.

    Used for follow-ups: "Entro quando per il Giappone?" then "e per il Canada?" becomes
    "Entro quando per il Canada?".
    """
    pattern, _ = _pattern()
    folded = fold_accents(text)
    # Folding keeps one character per character for the accents folded here; if not
    # (a rare ligature), work on the folded text rather than cut the original wrongly.
    source = text if len(folded) == len(text) else folded
    pieces: list[str] = []
    last = 0
    for number, match in enumerate(pattern.finditer(folded)):
        pieces.append(source[last : match.start()])
        pieces.append(replacement if number == 0 else "")
        last = match.end()
    pieces.append(source[last:])
    return " ".join("".join(pieces).split())


def country_name(code: str, language: str) -> str:
    """How ``code`` is written in ``language`` (it/en/fr), or the code itself."""
    names = _NAMES.get(code)
    return names[{"it": 0, "en": 1, "fr": 2}.get(language, 0)] if names else code
