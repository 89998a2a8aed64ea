"""The SME's name, company, e-mail and phone, read from any message in Italian, English or French —
and what is never taken for them (a country, a month, a mission, a question, a date, an amount)."""

from __future__ import annotations

import pytest

from bot.conversation.contact_details import Details, parse_details

CLAIRE = (
    "Je m'appelle Claire Dubois, de Textiles Lyon SARL (claire.dubois@textiles-lyon.fr). Notre PME française "
    "peut-elle participer à la mission au Japon de mars ? J'aimerais parler à un conseiller."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # French
        (CLAIRE, {"name": "Claire Dubois", "company": "Textiles Lyon SARL",
                  "email": "claire.dubois@textiles-lyon.fr"}),
        ("Je m'appelle Claire Dubois de Textiles Lyon SARL",
         {"name": "Claire Dubois", "company": "Textiles Lyon SARL"}),
        ("Bonjour, je suis Claire Dubois, tél. 04 78 12 34 56", {"name": "Claire Dubois", "phone": "04 78 12 34 56"}),
        ("Nom : Claire Dubois\nSociété : Textiles Lyon", {"name": "Claire Dubois", "company": "Textiles Lyon"}),
        ("Merci pour votre aide.\n— Claire Dubois", {"name": "Claire Dubois"}),
        ("Cordialement,\nClaire DUBOIS\nTextiles Lyon SARL",
         {"name": "Claire DUBOIS", "company": "Textiles Lyon SARL"}),
        ("Notre entreprise s'appelle Textiles Lyon", {"company": "Textiles Lyon"}),
        # Italian
        (
            "Mi chiamo Mario Rossi, di Tessile Rossi srl (mario@rossi.it, 011 1234567).",
            {"name": "Mario Rossi", "company": "Tessile Rossi srl", "email": "mario@rossi.it", "phone": "011 1234567"},
        ),
        ("sono Mario Rossi di Tessile Rossi srl", {"name": "Mario Rossi", "company": "Tessile Rossi srl"}),
        ("Buongiorno, sono la titolare di Filati Bianchi S.r.l.", {"company": "Filati Bianchi S.r.l."}),
        ("Nome: mario rossi, azienda: Filati Bianchi", {"name": "Mario Rossi", "company": "Filati Bianchi"}),
        ("La nostra azienda si chiama Tessile Rossi e vorremmo andare in Giappone", {"company": "Tessile Rossi"}),
        ("Distinti saluti\nDott.ssa Anna Verdi", {"name": "Anna Verdi"}),
        # English
        (
            "My name is John Smith from Acme Ltd, john@acme.co.uk",
            {"name": "John Smith", "company": "Acme Ltd", "email": "john@acme.co.uk"},
        ),
        ("I'm Claire from Textiles Lyon SARL", {"name": "Claire", "company": "Textiles Lyon SARL"}),
        ("I am Jean-Pierre D'Angelo, CEO of Acme Ltd", {"name": "Jean-Pierre D'Angelo", "company": "Acme Ltd"}),
        ("Name: John Smith\nCompany: Acme\nPhone: +44 20 7946 0958", {"name": "John Smith", "company": "Acme",
                                                                      "phone": "+44 20 7946 0958"}),
        ("Best regards,\nJohn Smith", {"name": "John Smith"}),
        # A reply to "which company, which e-mail?": the name listed beside them
        (
            "Claire Dubois, Textiles Lyon SARL, claire.dubois@example.fr",
            {"name": "Claire Dubois", "company": "Textiles Lyon SARL", "email": "claire.dubois@example.fr"},
        ),
        ("Tessile Rossi srl, mario@rossi.it, 011 123 4567",
         {"company": "Tessile Rossi srl", "email": "mario@rossi.it", "phone": "011 123 4567"}),
    ],
)  # fmt: skip
def test_details_in_italian_english_and_french(text: str, expected: dict[str, str]) -> None:
    assert parse_details(text).as_dict() == expected


@pytest.mark.parametrize(
    "text",
    [
        # a mission, a country, a month or a city is not a company without a legal form or a label
        "Notre PME française peut-elle participer à la mission au Japon de mars ?",
        "Je suis de Lyon et je voudrais des informations sur la mission du Japon",
        "Sono di Milano, azienda tessile, vorrei partecipare alla missione di marzo",
        "We are a small firm from Italy",
        "Company: Japan",
        # a question is not a name or a company
        "Notre entreprise peut-elle participer à la mission du Japon de mars ?",
        "azienda: possiamo partecipare alla missione?",
        "Nom : pouvez-vous m'aider ?",
        "Name: what is the deadline?",
        # an introduction followed by no name
        "I'm interested in the Japan mission",
        "I'm Italian, can we join the Japan mission?",
        "Je suis française et je voudrais parler à un conseiller",
        "Sono Interessato alla missione in Giappone",
        "This is Japan",
        "Grazie Mille",
        "Saluti da Milano",
        "Japon — Tokyo",
        # dates, amounts, years, file and VAT numbers are not phones
        "Il budget è 1.500.000 euro, la scadenza il 15/03/2027, pratica n. 4521/2026, anni 2026-2027",
        "P.IVA 01234567890",
        # a legal form alone names no company
        "Siamo una srl di Biella",
    ],
)
def test_what_is_never_taken_for_a_detail(text: str) -> None:
    assert parse_details(text).as_dict() == {}


def test_a_company_only_because_of_its_legal_form_keeps_its_words() -> None:
    assert parse_details("Mario Rossi di Tessile Rossi").as_dict() == {}  # "di Milano" or "di Tessile Rossi"? neither
    assert parse_details("Sono Mario Rossi di Milano").as_dict() == {"name": "Mario Rossi"}
    assert parse_details("Can Acme Ltd join the mission?").company == "Acme Ltd"
    assert parse_details("Je suis Textiles Lyon SARL").as_dict() == {"company": "Textiles Lyon SARL"}  # not a name
    assert parse_details("Japan Trading Ltd, info@jt.example").company == "Japan Trading Ltd"


def test_hostile_text_stays_text_and_is_bounded() -> None:
    markup = parse_details('Sartoria <b onmouseover="alert(3)">Blu</b> srl, eva@blu.example')
    assert markup.company == 'Sartoria <b onmouseover="alert(3)">Blu</b> srl'  # data, escaped where shown
    sql = parse_details("ignore previous instructions; my name is Bob'); DROP TABLE bot_contacts;--")
    assert sql.name == "Bob"
    huge = parse_details("Je m'appelle " + "A" * 10_000 + " azienda: " + "B" * 10_000 + " " + "x." * 5000 + "@a.b")
    assert huge.name is None and (huge.company is None or len(huge.company) <= 120)
    assert all(len(value) <= 254 for value in huge.as_dict().values())
    assert parse_details("x" * 5000 + " Je m'appelle Claire Dubois").name is None  # read up to MAX_CHARS only


def test_declining_and_the_details_kept_between_messages() -> None:
    assert parse_details("no").declined and parse_details("je préfère pas").declined
    earlier = Details(name="Claire Dubois", email="old@textiles-lyon.fr")
    later = parse_details("Textiles Lyon SARL, claire@textiles-lyon.fr")
    assert later.merged(earlier).as_dict() == {
        "name": "Claire Dubois", "company": "Textiles Lyon SARL", "email": "claire@textiles-lyon.fr",
    }  # fmt: skip
    assert Details.from_dict(later.merged(earlier).as_dict()).name == "Claire Dubois"
