"""The catalog entry a staff member makes from a web proposal: the form pre-filled from what the
page said, read back into a ``Call`` or ``Mission``, and the console's own catalog file that
holds the entries confirmed so far.

A proposal is a machine's reading of prose; the entry is what the assistant reasons on (open or
closed by date, amounts). So the form is checked by the same models as any catalog file, and a
deadline is a date and a time in the desk's time zone, as staff read it on the call's page.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, Field, ValidationError

from api.console.translations import Message
from knowledge.catalog import Call, Catalog, CatalogEntry, Mission

WEB_CATALOG = "catalogo-web.yaml"
"""The upload holding the entries confirmed from web proposals (one file, replaced as a whole)."""
DEFAULT_TIME = "23:59"
"""A page that gives a deadline's day but no hour means the end of that day."""
ENTRY_ID = r"[a-z0-9][a-z0-9_-]{1,79}"
"""A catalog id (``knowledge.catalog``'s pattern), checked here to say it in the reader's language."""
EntryKind = Literal["call", "mission"]
CALL_FIELDS = (
    "id", "title", "programme", "organiser", "opens", "deadline_date", "deadline_time", "countries", "sectors",
    "funding_rate", "max_amount", "url", "language", "summary",
)  # fmt: skip
MISSION_FIELDS = (
    "id", "title", "programme", "organiser", "country", "cities", "starts", "ends", "deadline_date",
    "deadline_time", "url", "language", "summary",
)  # fmt: skip
_MODEL_FIELDS = {"deadline": "deadline_date", "registration_deadline": "deadline_date", "country": "country"}
"""A model's field → the form field that holds it, where the names differ."""
_RULES = {
    "opens must not be after the deadline": Message("L'apertura non può essere dopo la scadenza."),
    "starts must not be after ends": Message("L'inizio non può essere dopo la fine."),
    "registration_deadline must not be after the mission starts": Message(
        "La scadenza delle iscrizioni non può essere dopo l'inizio della missione."
    ),
}
"""The models' own cross-field rules, in the reader's language."""


class EntryForm(BaseModel):
    """The fields of the confirm form, as text (both kinds: a call's form leaves a mission's fields empty)."""

    id: str = Field(default="", max_length=80)
    title: str = Field(default="", max_length=500)
    programme: str = Field(default="", max_length=300)
    organiser: str = Field(default="", max_length=300)
    opens: str = Field(default="", max_length=10)
    deadline_date: str = Field(default="", max_length=10)
    deadline_time: str = Field(default=DEFAULT_TIME, max_length=5)
    countries: str = Field(default="", max_length=500)
    sectors: str = Field(default="", max_length=1000)
    funding_rate: str = Field(default="", max_length=20)
    max_amount: str = Field(default="", max_length=40)
    url: str = Field(default="", max_length=2000)
    language: str = Field(default="it", max_length=2)
    summary: str = Field(default="", max_length=4000)
    country: str = Field(default="", max_length=2)
    cities: str = Field(default="", max_length=500)
    starts: str = Field(default="", max_length=10)
    ends: str = Field(default="", max_length=10)


class EntryFormError(ValueError):
    """A field the entry cannot be made from: ``field`` names the form's input, ``message`` says why."""

    def __init__(self, field: str, message: Message) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def slug(title: str) -> str:
    """A catalog id from a title: ``Bando Voucher export 2027`` → ``bando-voucher-export-2027``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")
    return text if len(text) >= 2 else f"voce-{text or 'web'}"


def prefilled(fields: dict[str, Any], today: dt.date, known: CatalogEntry | None = None) -> EntryForm:
    """The form for a proposal's ``fields``: what the page says, over what staff confirmed for it
    before (``known``: the page's earlier entry keeps its id, programme, organiser and summary)."""
    values: dict[str, str] = {}
    if isinstance(known, Call | Mission):
        values = form_of(known)
    amounts = [str(amount) for amount in fields.get("amounts") or []]
    rate = next((number(a) for a in amounts if a.rstrip().endswith("%")), None)
    amount = next((number(a) for a in amounts if not a.rstrip().endswith("%")), None)
    countries = [str(code) for code in fields.get("countries") or []]
    read = {
        "title": fields.get("title") or "", "url": fields.get("url") or "", "language": fields.get("language") or "",
        "opens": fields.get("opens") or "", "deadline_date": fields.get("deadline") or "",
        "countries": ", ".join(countries), "country": countries[0] if countries else "",
        "sectors": ", ".join(str(sector) for sector in fields.get("sectors") or []),
        "funding_rate": rate or "", "max_amount": amount or "", "organiser": fields.get("publisher") or "",
        "starts": fields.get("starts") or "", "ends": fields.get("ends") or "",
    }  # fmt: skip
    values |= {name: value for name, value in read.items() if value}
    values.setdefault("id", slug(values.get("title", "")))
    if fields.get("kind") != "mission":
        values.setdefault("opens", today.isoformat())  # a call's page rarely says when it opened: it is open
    if values.get("language") not in ("it", "en", "fr"):
        values["language"] = "it"
    return EntryForm(**values)


def form_of(entry: Call | Mission) -> dict[str, str]:
    """A catalog entry as the form's text (to change it after a new reading of its page)."""
    common = {
        "id": entry.id, "title": entry.title, "programme": entry.programme, "organiser": entry.organiser,
        "url": entry.url or "", "language": entry.language, "summary": entry.summary,
    }  # fmt: skip
    if isinstance(entry, Call):
        deadline = entry.deadline
        return common | {
            "opens": entry.opens.isoformat(), "deadline_date": deadline.date().isoformat(),
            "deadline_time": deadline.strftime("%H:%M"), "countries": ", ".join(entry.countries),
            "sectors": ", ".join(entry.sectors), "max_amount": str(entry.max_amount or ""),
            "funding_rate": str(entry.funding_rate or ""),
        }  # fmt: skip
    deadline = entry.registration_deadline
    return common | {
        "country": entry.country, "cities": ", ".join(entry.cities), "starts": entry.starts.isoformat(),
        "ends": entry.ends.isoformat(), "deadline_date": deadline.date().isoformat(),
        "deadline_time": deadline.strftime("%H:%M"),
    }  # fmt: skip


def entry_from(kind: EntryKind, form: EntryForm, zone: ZoneInfo) -> Call | Mission:
    """The entry the form describes, checked as a catalog file would be (``EntryFormError`` otherwise)."""
    deadline = _moment(form.deadline_date, form.deadline_time, zone)
    common: dict[str, Any] = {
        "id": form.id.strip(), "title": form.title.strip(), "programme": form.programme.strip(),
        "organiser": form.organiser.strip(), "url": form.url.strip() or None, "language": form.language,
        "summary": form.summary.strip(),
    }  # fmt: skip
    if not re.fullmatch(ENTRY_ID, common["id"]):
        raise EntryFormError("id", Message("Da 2 a 80 lettere minuscole, cifre, - o _, come bando-export-2027."))
    for name in ("title", "programme", "organiser"):
        if not common[name]:
            raise EntryFormError(name, Message("Campo obbligatorio."))
    try:
        if kind == "call":
            return Call(
                **common, opens=_day(form.opens, "opens"), deadline=deadline, countries=_listed(form.countries),
                sectors=_listed(form.sectors), funding_rate=number(form.funding_rate) or None,
                max_amount=number(form.max_amount) or None,
            )  # fmt: skip
        return Mission(
            **common, country=form.country.strip(), cities=_listed(form.cities), starts=_day(form.starts, "starts"),
            ends=_day(form.ends, "ends"), registration_deadline=deadline,
        )  # fmt: skip
    except ValidationError as exc:
        raise _form_error(exc) from exc


def with_entry(catalog: Catalog, entry: Call | Mission) -> Catalog:
    """``catalog`` with ``entry`` added, or in place of the entry with its id."""
    lists: dict[str, list[Any]] = {
        "calls": [c for c in catalog.calls if c.id != entry.id],
        "missions": [m for m in catalog.missions if m.id != entry.id],
        "reimbursement_rules": [r for r in catalog.reimbursement_rules if r.id != entry.id],
    }
    lists["calls" if isinstance(entry, Call) else "missions"].append(entry)
    return Catalog(**lists)


def catalog_yaml(catalog: Catalog) -> bytes:
    """The catalog as a file ``knowledge.catalog.parse_catalog`` reads back to the same entries."""
    data = catalog.model_dump(mode="json", exclude_defaults=True)
    header = "# Voci confermate nella console dalle proposte delle fonti web (/console/proposals).\n"
    return (header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)).encode("utf-8")


def number(text: str) -> str:
    """An amount or a rate as staff or a page write it (``20.000 euro``, ``€ 1.500,50``, ``50%``,
    ``20,000``) as a plain decimal (``20000``, ``1500.50``, ``50``); ``""`` for none."""
    digits = re.sub(r"[^\d.,]", "", text)
    if not digits:
        return ""
    if "," in digits and "." in digits:  # the later one is the decimal mark
        thousands, decimal = (".", ",") if digits.rfind(",") > digits.rfind(".") else (",", ".")
        return digits.replace(thousands, "").replace(decimal, ".")
    mark = "," if "," in digits else "."
    if re.fullmatch(rf"\d{{1,3}}(\{mark}\d{{3}})+", digits):
        return digits.replace(mark, "")  # 20.000 or 20,000: thousands
    return digits.replace(",", ".")


def _moment(day: str, time: str, zone: ZoneInfo) -> dt.datetime:
    try:
        clock = dt.time.fromisoformat(time.strip() or DEFAULT_TIME)
    except ValueError as exc:
        raise EntryFormError("deadline_time", Message("Un'ora come 23:59.")) from exc
    return dt.datetime.combine(_day(day, "deadline_date"), clock, tzinfo=zone)


def _day(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise EntryFormError(field, Message("Una data come 2027-06-30.")) from exc


def _listed(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;\n]", text) if item.strip()]


def _form_error(exc: ValidationError) -> EntryFormError:
    first = exc.errors()[0]
    where = str(first["loc"][0]) if first["loc"] else "deadline_date"  # a rule across fields: the dates
    reason = str(first["msg"]).removeprefix("Value error, ")
    field = _MODEL_FIELDS.get(where, where)
    return EntryFormError(field, _RULES.get(reason) or Message("{field}: {reason}", field=where, reason=reason))
