"""Keyword analysis (stems, stopwords, lexicon) and metadata filters."""

from __future__ import annotations

import datetime as dt

from retrieval.filters import SearchFilters
from retrieval.text_analysis import passage_terms, query_terms, words

AT = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


def test_words_drop_stopwords_and_split_elisions() -> None:
    assert words("Qual è la scadenza dell'iscrizione?") == ["qual", "scadenza", "iscrizione"]


def test_passage_terms_use_the_passage_language() -> None:
    assert passage_terms("rimborsi delle missioni", "it") == ["rimbors", "mission"]
    assert passage_terms("remboursement des missions", "fr") == ["rembours", "mission"]


def test_query_terms_meet_italian_stems_from_a_french_question() -> None:
    terms = query_terms("date limite d'inscription mission Japon")
    italian = set(passage_terms("Scadenza iscrizioni missione Giappone", "it"))
    assert italian <= set(terms)


def test_query_terms_without_expansion_keep_only_own_words() -> None:
    terms = query_terms("Japon", expand=False)
    assert "giappon" not in terms
    assert "japon" in terms


def test_hostile_text_is_just_words() -> None:
    assert set(query_terms("'; DROP TABLE messages; --", expand=False)) == {"drop", "tabl", "messag", "messages"}


def metadata(**values: object) -> dict[str, object]:
    base: dict[str, object] = {"kind": "call", "programme": "EU-ALLIANCE", "language": "it", "opens_day": 0}
    base.update(values)
    return base


def test_empty_filters_match_everything() -> None:
    filters = SearchFilters()
    assert filters.empty
    assert filters.matches({}, AT)


def test_status_filters_follow_the_clock() -> None:
    deadline_passed = metadata(deadline_ts=int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp()))
    open_now = metadata(opens_day=20261015, deadline_ts=int(dt.datetime(2027, 2, 26, tzinfo=dt.UTC).timestamp()))
    upcoming = metadata(opens_day=20270118, deadline_ts=int(dt.datetime(2027, 4, 15, tzinfo=dt.UTC).timestamp()))
    undated = metadata(kind="faq")

    def statuses(item: dict[str, object]) -> list[str]:
        return [s for s in ("open", "closed", "upcoming") if SearchFilters(status=s).matches(item, AT)]  # type: ignore[arg-type]

    assert statuses(deadline_passed) == ["closed"]
    assert statuses(open_now) == ["open"]
    assert statuses(upcoming) == ["upcoming"]
    assert statuses(undated) == []


def test_status_at_an_explicit_date_overrides_the_clock() -> None:
    item = metadata(opens_day=20261015, deadline_ts=int(dt.datetime(2027, 2, 26, tzinfo=dt.UTC).timestamp()))
    later = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    assert SearchFilters(status="closed", at=later).matches(item, AT)
    assert not SearchFilters(status="open", at=later).matches(item, AT)


def test_country_filter_on_metadata() -> None:
    assert SearchFilters(country="JP").matches(metadata(countries=["JP", "US"]), AT)
    assert not SearchFilters(country="JP").matches(metadata(countries=["CA"]), AT)
    assert not SearchFilters(country="JP").matches(metadata(), AT)


def test_keyword_index_filters_agree_with_filter_rules() -> None:
    """The vectorised filter columns of the BM25 index follow exactly ``SearchFilters.matches``."""
    import itertools
    import json

    from retrieval.keyword_index import KeywordIndex

    records = []
    for i, (kind, country, lang, opens, deadline) in enumerate(
        itertools.product(
            ("call", "mission", "faq"),
            (["JP"], ["US", "CA"], []),
            ("it", "fr"),
            (0, 20261015, 20270118),
            (
                0,
                int(dt.datetime(2026, 6, 30, tzinfo=dt.UTC).timestamp()),
                int(dt.datetime(2027, 4, 15, tzinfo=dt.UTC).timestamp()),
            ),
        )
    ):
        meta: dict[str, object] = {"kind": kind, "language": lang, "opens_day": opens, "deadline_ts": deadline,
                                   "section": json.dumps([]), "title": "bando"}  # fmt: skip
        if country:
            meta["countries"] = country
        records.append((f"c{i}", "bando rimborso missione", meta))
    index = KeywordIndex.build(records, "g1")
    by_id = {chunk_id: meta for chunk_id, _, meta in records}
    cases = [
        SearchFilters(kinds=("call", "faq")),
        SearchFilters(country="jp"),
        SearchFilters(language="fr", status="open"),
        SearchFilters(status="closed"),
        SearchFilters(status="upcoming", kinds=("mission",)),
        SearchFilters(status="open", at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC), country="US"),
    ]
    for filters in cases:
        found = {hit.chunk_id for hit in index.search("bando", len(records), filters, AT)}
        expected = {chunk_id for chunk_id, meta in by_id.items() if filters.matches(meta, AT)}
        assert found == expected, filters
