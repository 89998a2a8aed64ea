"""The structured catalog: calls, missions and reimbursement rules kept as typed records.

Dates, amounts and rates are where a wrong answer costs an SME money, so they live in
YAML validated here rather than only in free text. A catalog file holds any of three
top-level lists::

    calls: [...]
    missions: [...]
    reimbursement_rules: [...]

Entries stay structured (the assistant reasons over them: open/closed by date,
reimbursement estimates) and are also rendered to text for retrieval
(``knowledge.catalog_text``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from knowledge.errors import CatalogError

_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,79}$"


def _upper_country(code: str) -> str:
    if len(code) != 2 or not code.isalpha():
        raise ValueError(f"country must be an ISO 3166-1 alpha-2 code such as 'JP', got {code!r}")
    return code.upper()


CountryCode = Annotated[str, AfterValidator(_upper_country)]
Percent = Annotated[Decimal, Field(ge=0, le=100)]
Amount = Annotated[Decimal, Field(ge=0)]
EntryId = Annotated[str, Field(pattern=_ID_PATTERN)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Record):
    """Who answers questions about an entry."""

    name: str
    email: str | None = None
    phone: str | None = None


class CostCategory(_Record):
    """One eligible cost category of a reimbursement rule, with its own cap."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable key, e.g. 'travel'.")
    label: str = Field(description="How the category is called in the source, e.g. 'Volo A/R'.")
    cap: Amount | None = Field(default=None, description="Maximum reimbursable, in currency.")
    cap_per: Literal["trip", "night", "day"] = "trip"
    max_units: int | None = Field(
        default=None, ge=1, description="For caps per night or day: how many nights or days count at most."
    )
    rate: Percent | None = Field(default=None, description="Overrides the rule's rate if set.")


class _Entry(_Record):
    """What every catalog entry has: an id, a title, its programme, and where to read more."""

    id: EntryId
    title: str
    programme: str
    url: str | None = None
    language: Literal["it", "en", "fr"] = "it"
    summary: str = ""
    currency: str = "EUR"
    contact: Contact | None = None


class Call(_Entry):
    """An open call for proposals (bando)."""

    kind: Literal["call"] = "call"
    organiser: str
    countries: list[CountryCode] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    opens: dt.date
    deadline: AwareDatetime = Field(description="Deadline with time and timezone.")
    budget: Amount | None = None
    funding_rate: Percent | None = None
    max_amount: Amount | None = None
    eligibility: list[str] = Field(default_factory=list)
    eligible_costs: list[str] = Field(default_factory=list)
    ineligible_costs: list[str] = Field(default_factory=list)
    required_documents: list[str] = Field(default_factory=list)
    how_to_apply: str = ""

    @model_validator(mode="after")
    def _opens_before_deadline(self) -> Call:
        if self.opens > self.deadline.date():
            raise ValueError("opens must not be after the deadline")
        return self


class Mission(_Entry):
    """A trade mission abroad that SMEs can join."""

    kind: Literal["mission"] = "mission"
    organiser: str
    country: CountryCode
    cities: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    starts: dt.date
    ends: dt.date
    registration_opens: dt.date | None = None
    registration_deadline: AwareDatetime
    places: int | None = Field(default=None, ge=0)
    participation_fee: Amount | None = None
    organiser_covers: list[str] = Field(default_factory=list)
    reimbursement_rule: EntryId | None = Field(default=None, description="Id of the reimbursement_rule that applies.")
    b2b_meetings: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Mission:
        if self.starts > self.ends:
            raise ValueError("starts must not be after ends")
        if self.registration_deadline.date() > self.starts:
            raise ValueError("registration_deadline must not be after the mission starts")
        return self


class ReimbursementRule(_Entry):
    """How much of an SME's costs a programme pays back, and on what conditions."""

    kind: Literal["reimbursement_rule"] = "reimbursement_rule"
    rate: Percent = Field(description="Share of eligible costs reimbursed, in percent.")
    cap: Amount | None = Field(default=None, description="Maximum total per SME and trip.")
    categories: list[CostCategory] = Field(min_length=1)
    ineligible_costs: list[str] = Field(default_factory=list)
    required_documents: list[str] = Field(default_factory=list)
    claim_deadline_days: int | None = Field(
        default=None, ge=1, description="Days after the mission ends to send the claim."
    )
    payment_timing: str = ""


CatalogEntry = Call | Mission | ReimbursementRule
_ENTRY_TYPES: dict[str, type[Call] | type[Mission] | type[ReimbursementRule]] = {
    "call": Call,
    "mission": Mission,
    "reimbursement_rule": ReimbursementRule,
}


def entry_from_json(kind: str, data: str) -> CatalogEntry:
    """Rebuild a stored entry (see ``ManifestStore.catalog_entries``)."""
    return _ENTRY_TYPES[kind].model_validate_json(data)


class Catalog(_Record):
    """All entries of one catalog file, cross-checked."""

    calls: list[Call] = Field(default_factory=list)
    missions: list[Mission] = Field(default_factory=list)
    reimbursement_rules: list[ReimbursementRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_unique(self) -> Catalog:
        seen: set[str] = set()
        for entry in self.entries():
            if entry.id in seen:
                raise ValueError(f"duplicate id {entry.id!r}")
            seen.add(entry.id)
        return self

    def entries(self) -> list[CatalogEntry]:
        """Every entry, calls first, in file order."""
        return [*self.calls, *self.missions, *self.reimbursement_rules]

    def rule(self, rule_id: str) -> ReimbursementRule | None:
        """The reimbursement rule with this id, if the catalog has it."""
        return next((r for r in self.reimbursement_rules if r.id == rule_id), None)


class _CatalogLoader(yaml.SafeLoader):
    """``safe_load`` refusing aliases: ``*name`` is how a few hundred bytes of YAML expand into a
    billion nodes for the schema to walk, and no catalog needs one."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a catalog", mark)
        return super().compose_node(parent, index)


def parse_catalog(text: str, source: str) -> Catalog:
    """Parse and validate catalog YAML; errors name ``source`` and the failing field."""
    try:
        raw = yaml.load(text, Loader=_CatalogLoader)  # a SafeLoader that refuses aliases
    except yaml.YAMLError as exc:
        raise CatalogError(source, f"not valid YAML: {exc}") from exc
    if raw is None:
        raise CatalogError(source, "the file is empty")
    if not isinstance(raw, dict):
        raise CatalogError(source, "top level must be a mapping with calls/missions/reimbursement_rules")
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _format_location(first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise CatalogError(source, f"{where}: {first['msg']}{more}", field=where) from exc


def load_catalog(path: Path) -> Catalog:
    """Read and validate one catalog file."""
    from knowledge.loaders._common import decode_text  # the same UTF-8 and binary checks as every file

    return parse_catalog(decode_text(path.read_bytes(), str(path)), str(path))


def _format_location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"
