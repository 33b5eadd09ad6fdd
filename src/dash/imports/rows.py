"""The validated row types every importer produces and the store writer consumes.

Validation happens here, before anything touches the database, so a bad row is reported with
what is wrong in words rather than surfacing later as a bare SQLite constraint error.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .. import vocab


def _one_of(choices: dict[str, str] | tuple[str, ...], what: str):
    allowed = tuple(choices)

    def check(value: str | None) -> str | None:
        if value is not None and value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; expected one of: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


# Stripped and non-empty, checked inside pydantic-core: a Python validator per text field was
# the largest single cost of importing a million rows.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def error_message(error: Mapping[str, Any]) -> str:
    """A pydantic error in the words a user of the importers and the curated files reads."""
    if error.get("type") == "string_too_short":
        return "must not be blank"
    return str(error["msg"]).removeprefix("Value error, ")


Count = Annotated[int, Field(ge=0)]
GeoPrecision = Annotated[str, _one_of(vocab.GEO_PRECISIONS, "location precision")]


@functools.cache
def _typed_fields(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a row type that hold dates, and those that hold booleans."""

    def holds(annotation: Any, kind: type) -> bool:
        return annotation is kind or kind in getattr(annotation, "__args__", ())

    fields = model.model_fields.items()
    return (
        tuple(k for k, f in fields if holds(f.annotation, dt.date)),
        tuple(k for k, f in fields if holds(f.annotation, bool)),
    )


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def record(self) -> dict[str, Any]:
        """The row as the store's columns: dates as ISO text, booleans as 0/1."""
        # Read the validated fields directly, converting only the date and boolean ones:
        # model_dump's serializer costs more than the whole conversion, and imports call this
        # for every row.
        out = dict(self.__dict__)
        dates, flags = _typed_fields(type(self))
        for key in dates:
            if out[key] is not None:
                out[key] = out[key].isoformat()
        for key in flags:
            out[key] = int(out[key])
        return out


class DocumentRow(Row):
    id: Text
    publisher: Text
    title: Text | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    published: dt.date | None = None
    kind: Annotated[str, _one_of(vocab.DOCUMENT_KINDS, "document kind")]
    language: Text = "en"
    original_agency: Text | None = None
    citation: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _citable(self) -> DocumentRow:
        if self.url is None and self.citation is None:
            raise ValueError("a document needs a url or a full citation")
        return self


# An origin is a registered dataset name: lowercase letters, digits, '-' and '_'.
OriginId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]


class EventRow(Row):
    id: Text
    origin: OriginId
    origin_id: Text
    title: Text
    summary: Text | None = None
    date_start: dt.date
    date_end: dt.date
    date_precision: Annotated[str, _one_of(vocab.DATE_PRECISIONS, "date precision")]
    country: Text | None = None
    admin1: Text | None = None
    admin2: Text | None = None
    admin3: Text | None = None
    location: Text | None = None
    admin1_as_published: Text | None = None
    admin2_as_published: Text | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    geo_precision: GeoPrecision | None = None
    place_source_id: Text | None = None
    event_type: Text
    sub_event_type: Text
    actor1: Text | None = None
    assoc_actor1: Text | None = None
    actor2: Text | None = None
    assoc_actor2: Text | None = None
    cross_border: bool = False
    fatalities_low: Count | None = None
    fatalities_best: Count | None = None
    fatalities_high: Count | None = None
    fatalities_basis: Text | None = None
    injured: Count | None = None
    deaths_civilians: Count | None = None
    deaths_security_forces: Count | None = None
    deaths_militants: Count | None = None
    deaths_unknown: Count | None = None
    grading: Annotated[str, _one_of(vocab.GRADINGS, "grading")] | None = None
    grading_basis: Text | None = None
    extra: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EventRow:
        if self.date_start > self.date_end:
            raise ValueError(f"date_start {self.date_start} is after date_end {self.date_end}")
        if self.event_type not in vocab.EVENT_TYPOLOGY:
            raise ValueError(
                f"{self.event_type!r} is not an ACLED event type; expected one of: "
                + ", ".join(vocab.EVENT_TYPOLOGY)
            )
        if self.sub_event_type not in vocab.EVENT_TYPOLOGY[self.event_type]:
            raise ValueError(
                f"sub-type {self.sub_event_type!r} is not one of the event type "
                f"{self.event_type!r}'s: " + ", ".join(vocab.EVENT_TYPOLOGY[self.event_type])
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude must both be given or both be empty")
        if self.latitude is not None and self.geo_precision is None:
            raise ValueError("coordinates need a geo_precision")
        low, best, high = self.fatalities_low, self.fatalities_best, self.fatalities_high
        for a_name, a, b_name, b in (
            ("low", low, "best", best),
            ("best", best, "high", high),
            ("low", low, "high", high),
        ):
            if a is not None and b is not None and a > b:
                raise ValueError(f"fatalities {a_name} ({a}) is greater than {b_name} ({b})")
        return self

    def record(self) -> dict[str, Any]:
        out = super().record()
        if self.extra is not None:
            import json

            out["extra"] = json.dumps(self.extra, sort_keys=True, ensure_ascii=False)
        return out


class ClaimRow(Row):
    id: Text
    event_id: Text
    party_id: Annotated[str, _one_of(tuple(p[0] for p in vocab.PARTIES), "party")]
    claimant: Text
    via: Text | None = None
    document_id: Text
    claimed_start: dt.date | None = None
    claimed_end: dt.date | None = None
    account: Text
    target: Text | None = None
    victims: Annotated[str, _one_of(vocab.VICTIM_FRAMINGS, "victim framing")] = "unspecified"
    responsibility: Annotated[str, _one_of(vocab.RESPONSIBILITY, "responsibility")] = (
        "not_addressed"
    )
    killed: Count | None = None
    killed_high: Count | None = None
    killed_qualifier: Annotated[str, _one_of(vocab.QUALIFIERS, "qualifier")] | None = None
    injured: Count | None = None
    civilians_killed: Count | None = None
    women_children_killed: Count | None = None
    militants_killed: Count | None = None
    security_forces_killed: Count | None = None
    figures_text: Text | None = None
    quote: Text | None = None
    # Computed by the rule in dash.credibility from the event's other claims, never set by hand.
    credibility: Annotated[int, Field(ge=1, le=6)] | None = None
    credibility_basis: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ClaimRow:
        if self.claimed_start and self.claimed_end and self.claimed_start > self.claimed_end:
            raise ValueError("claimed_start is after claimed_end")
        if self.killed_high is not None and (self.killed is None or self.killed > self.killed_high):
            raise ValueError("killed_high needs a killed figure no greater than it")
        return self


class StatisticRow(Row):
    id: Text
    tracker: Text
    document_id: Text
    report: Text | None = None
    period_start: dt.date
    period_end: dt.date
    period_note: Text | None = None
    region: Text
    metric: Annotated[str, _one_of(vocab.STATISTIC_METRICS, "metric")]
    value: Count
    qualifier: Annotated[str, _one_of(vocab.QUALIFIERS, "qualifier")] = "exact"
    definition: Text
    note: Text | None = None

    @model_validator(mode="after")
    def _period(self) -> StatisticRow:
        if self.period_start > self.period_end:
            raise ValueError("period_start is after period_end")
        return self


class PlaceRow(Row):
    """A further province (and district) of an event that spans more than one."""

    event_id: Text
    country: Text | None = None
    admin1: Text
    admin2: Text | None = None
    as_published: Text | None = None


class QualityNoteRow(Row):
    """What an import repaired or could not resolve in a row it stored, in words."""

    event_id: Text
    kind: Annotated[str, _one_of(vocab.QUALITY_NOTE_KINDS, "data-quality note kind")]
    detail: Text


class LinkRow(Row):
    event_id: Text
    other_event_id: Text
    kind: Annotated[str, _one_of(vocab.LINK_KINDS, "link kind")]
    basis: Text
    document_id: Text | None = None


class EventSourceRow(Row):
    event_id: Text
    document_id: Text
