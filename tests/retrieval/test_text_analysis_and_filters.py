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
    base: dict[str, object] = {"kind": "call", "programme": "EU-ALLIANCE", "language": "it", "opens_ts": 0}
    base.update(values)
    return base


def ts(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


def passes(filters: SearchFilters, meta: dict[str, object], now: dt.datetime = AT) -> bool:
    """The filter rules written out plainly: the oracle for the index's vectorised version."""
    if filters.kinds and meta.get("kind") not in filters.kinds:
        return False
    if filters.programme and meta.get("programme") != filters.programme:
        return False
    if filters.country and filters.country.upper() not in (meta.get("countries") or ()):  # type: ignore[operator]
        return False
    if filters.language and meta.get("language") != filters.language:
        return False
    if filters.status:
        at = int((filters.at or now).timestamp())
        deadline, opens = int(meta.get("deadline_ts", 0)), int(meta.get("opens_ts", 0))  # type: ignore[call-overload]
        if deadline <= 0:
            return False
        return {
            "open": opens <= at <= deadline,
            "closed": deadline < at,
            "upcoming": opens > at,
        }[filters.status]
    return True


def search_ids(records: list[tuple[str, str, dict[str, object]]], filters: SearchFilters) -> set[str]:
    from retrieval.keyword_index import KeywordIndex

    index = KeywordIndex.build(records, "g1")
    return {hit.chunk_id for hit in index.search("bando", len(records), filters, AT)}


def record(chunk_id: str, **meta: object) -> tuple[str, str, dict[str, object]]:
    return chunk_id, "bando rimborso missione", {"section": "[]", "title": "bando", **metadata(**meta)}


def test_status_filters_follow_the_clock() -> None:
    records = [
        record("closed", deadline_ts=ts(2026, 10, 1)),
        record("open", opens_ts=ts(2026, 10, 15), deadline_ts=ts(2027, 2, 26)),
        record("upcoming", opens_ts=ts(2027, 1, 18), deadline_ts=ts(2027, 4, 15)),
        record("undated", kind="faq"),
    ]
    for status in ("open", "closed", "upcoming"):
        assert search_ids(records, SearchFilters(status=status)) == {status}  # type: ignore[arg-type]


def test_status_at_an_explicit_date_overrides_the_clock() -> None:
    records = [record("voucher", opens_ts=ts(2026, 10, 15), deadline_ts=ts(2027, 2, 26))]
    later = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    assert search_ids(records, SearchFilters(status="closed", at=later)) == {"voucher"}
    assert search_ids(records, SearchFilters(status="open", at=later)) == set()


def test_a_call_opens_at_midnight_in_its_own_time_zone() -> None:
    from knowledge.chunking import Chunk
    from retrieval.passages import chunk_metadata

    rome = dt.timezone(dt.timedelta(hours=1))
    chunk = Chunk(
        chunk_id="c", doc_id="d", origin="o", source="s", title="Bando", section=(), page=None, kind="call",
        language="it", programme=None, countries=(), url=None, opens=dt.date(2026, 11, 22),
        deadline=dt.datetime(2027, 1, 31, 17, 0, tzinfo=rome), text="Bando", content_hash="h",
    )  # fmt: skip
    meta = chunk_metadata(chunk)
    just_after_midnight_in_rome = dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)
    index_ids = search_ids(
        [("c", "bando", {"section": "[]", "title": "bando", **meta})],
        SearchFilters(status="open", at=just_after_midnight_in_rome),
    )
    assert index_ids == {"c"}


def test_keyword_index_filters_agree_with_the_rules() -> None:
    """The vectorised filter columns of the BM25 index follow the plainly written rules."""
    import itertools

    records = []
    combos = itertools.product(
        ("call", "mission", "faq"),
        (["JP"], ["US", "CA"], []),
        ("it", "fr"),
        (0, ts(2026, 10, 15), ts(2027, 1, 18)),
        (0, ts(2026, 6, 30), ts(2027, 4, 15)),
    )
    for i, (kind, country, lang, opens, deadline) in enumerate(combos):
        extra: dict[str, object] = {"countries": country} if country else {}
        records.append(record(f"c{i}", kind=kind, language=lang, opens_ts=opens, deadline_ts=deadline, **extra))
    cases = [
        SearchFilters(kinds=("call", "faq")),
        SearchFilters(country="jp"),
        SearchFilters(language="fr", status="open"),
        SearchFilters(status="closed"),
        SearchFilters(status="upcoming", kinds=("mission",)),
        SearchFilters(status="open", at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC), country="US"),
        SearchFilters(programme="EU-ALLIANCE", language="it"),
    ]
    for filters in cases:
        expected = {chunk_id for chunk_id, _, meta in records if passes(filters, meta)}
        assert search_ids(records, filters) == expected, filters


def test_empty_filters_are_empty() -> None:
    assert SearchFilters().empty
    assert not SearchFilters(language="it").empty


def test_snippet_lands_on_the_rare_query_words() -> None:
    from retrieval.passages import snippet

    text = (
        "Missione in Giappone. " * 12
        + "Apertura iscrizioni: 1 dicembre 2026. Scadenza iscrizioni: 15 marzo 2027, ore 17:00. "
        + "Altre informazioni sulla missione. " * 10
    )
    shown = snippet(text, "Entro quando devo iscrivermi alla missione in Giappone?", width=160)
    assert "15 marzo 2027" in shown
    assert len(shown) <= 162
    assert snippet("breve", "qualsiasi") == "breve"


def test_query_terms_cross_languages_for_the_words_of_calls_and_regulations() -> None:
    # "reserved for SMEs in southern Italy" must meet "riservato alle PMI del Sud"
    terms = set(query_terms("How much is reserved for southern SMEs? what about the loan interest?"))
    assert {"riserv", "sud", "prestit", "interess"} <= terms, terms


def test_keyword_search_meets_cognates_no_stemmer_or_lexicon_joins() -> None:
    from retrieval.keyword_index import KeywordIndex

    records = [
        ("prospezione", "Assicurazione per la prospezione dei mercati esteri.", {"language": "it"}),
        ("fiere", "Contributi per le fiere all'estero delle imprese artigiane.", {"language": "it"}),
    ]  # fmt: skip
    index = KeywordIndex.build(records, "g1")
    now = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)

    hits = index.search("prospection", 2, None, now)

    assert [hit.chunk_id for hit in hits] == ["prospezione"]  # "prospection" / "prospezione"
    assert index.search("zzzzzzz qqqqqqq", 2, None, now) == []  # nothing shared, nothing found
