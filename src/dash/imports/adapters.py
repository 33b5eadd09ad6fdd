"""Adapters: one export row in, validated rows out. One small function per format.

Every source column lands somewhere documented (docs/imports.md): an event field, the event's
source document, or verbatim in the event's ``extra`` JSON. The precision codes map onto the
store's vocabulary in the two tables below.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .. import vocab
from .rows import DocumentRow, EventRow, EventSourceRow, error_message


class RowError(Exception):
    """A row that cannot be stored, with the column, the value and the reason."""

    def __init__(self, column: str, value: object, reason: str) -> None:
        super().__init__(f"{column}={value!r}: {reason}")
        self.column, self.value, self.reason = column, value, reason


@dataclass
class Converted:
    event: EventRow
    documents: list[DocumentRow] = field(default_factory=list)
    sources: list[EventSourceRow] = field(default_factory=list)


# --- shared parsing --------------------------------------------------------------------------


def _text(row: dict[str, str], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


def _int(row: dict[str, str], column: str, *, required: bool = False) -> int | None:
    raw = _text(row, column)
    if raw is None:
        if required:
            raise RowError(column, row.get(column), "a number is required")
        return None
    try:
        number = float(raw)
    except ValueError:
        raise RowError(column, raw, "not a number") from None
    if number != int(number) or number < 0:
        raise RowError(column, raw, "not a whole number ≥ 0")
    return int(number)


def _float(row: dict[str, str], column: str) -> float | None:
    raw = _text(row, column)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        raise RowError(column, raw, "not a number") from None


def _date(row: dict[str, str], column: str) -> dt.date:
    raw = _text(row, column)
    if raw is None:
        raise RowError(column, row.get(column), "a date is required")
    if len(raw) >= 10 and raw[4] == "-":
        try:  # the usual ISO date, without strptime's per-call locale lookup
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw[:10] if fmt == "%Y-%m-%d" else raw, fmt).date()
        except ValueError:
            continue
    raise RowError(column, raw, "not a date (expected YYYY-MM-DD or '24 December 2024')")


def _code(row: dict[str, str], column: str, table: dict[str, str]) -> str:
    raw = _text(row, column)
    if raw is None or raw.split(".")[0] not in table:
        raise RowError(column, row.get(column), f"expected one of {', '.join(table)}")
    return table[raw.split(".")[0]]


def _extra(row: dict[str, str], used: set[str]) -> dict[str, str]:
    """Every column not mapped elsewhere, verbatim (empty ones left out)."""
    return {k: v for k in sorted(row.keys() - used) if (v := row[k]) is not None and v.strip()}


# Checks across fields, and the column a user should look at when one fails.
_MODEL_RULES = (
    ("event type", "event_type"),
    ("fatalities", "fatalities"),
    ("date_start", "date"),
    ("latitude", "latitude"),
    ("coordinates", "latitude"),
)


def _validated(row: dict[str, str], make: Callable[[], Any]) -> Any:
    try:
        return make()
    except ValidationError as exc:
        err = exc.errors()[0]
        message = error_message(err)
        column = ".".join(str(p) for p in err["loc"])
        if not column:
            column = next((col for word, col in _MODEL_RULES if word in message), "row")
            raise RowError(column, row.get(column, "(several columns)"), message) from None
        raise RowError(column, row.get(column, err.get("input")), message) from None


# --- ACLED -----------------------------------------------------------------------------------

ACLED_ID = "event_id_cnty"
# The header of an ACLED export, in ACLED's order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
# time_precision: 1 = the day is known; 2 = within the week (ACLED's date is a day in it);
# 3 = within the month.
ACLED_TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
# geo_precision: 1 = the named town; 2 = near it (part of a region around it); 3 = only a larger
# region is known and ACLED placed it at that region's capital or centre.
ACLED_GEO_PRECISION = {"1": "exact", "2": "near", "3": "province"}
ACLED_MAPPED = {
    ACLED_ID, "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
}  # fmt: skip


def _acled_window(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    if precision == "week":
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    if precision == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    return day, day


def acled(row: dict[str, str]) -> Converted:
    """One ACLED export row: fatalities are ACLED's single (conservative) count."""
    event_id = _text(row, ACLED_ID)
    if event_id is None:
        raise RowError(ACLED_ID, row.get(ACLED_ID), "an event id is required")
    precision = _code(row, "time_precision", ACLED_TIME_PRECISION)
    start, end = _acled_window(_date(row, "event_date"), precision)
    killed = _int(row, "fatalities", required=True)
    lat, lon = _float(row, "latitude"), _float(row, "longitude")
    sub = _text(row, "sub_event_type")
    place = (
        _text(row, "location")
        or _text(row, "admin2")
        or _text(row, "admin1")
        or _text(row, "country")
    )
    eid = f"acled:{event_id}"
    event = _validated(
        row,
        lambda: EventRow(
            id=eid,
            origin="acled",
            origin_id=event_id,
            title=f"{sub or _text(row, 'event_type') or 'Event'} — {place or 'place unknown'}",
            summary=_text(row, "notes"),
            date_start=start,
            date_end=end,
            date_precision=precision,
            country=_text(row, "country"),
            admin1=_text(row, "admin1"),
            admin2=_text(row, "admin2"),
            admin3=_text(row, "admin3"),
            location=_text(row, "location"),
            latitude=lat,
            longitude=lon,
            geo_precision=_code(row, "geo_precision", ACLED_GEO_PRECISION)
            if lat is not None
            else None,
            event_type=_text(row, "event_type") or "",
            sub_event_type=sub or "",
            actor1=_text(row, "actor1"),
            assoc_actor1=_text(row, "assoc_actor_1"),
            actor2=_text(row, "actor2"),
            assoc_actor2=_text(row, "assoc_actor_2"),
            fatalities_low=killed,
            fatalities_best=killed,
            fatalities_high=killed,
            fatalities_basis="ACLED's fatality count (one figure, ACLED's conservative estimate)",
            extra=_extra(row, ACLED_MAPPED),
        ),
    )
    converted = Converted(event)
    source = _text(row, "source")
    if source:
        # One document per distinct source line ("Dawn; Pajhwok Afghan News"), shared by every
        # event that names it: ACLED repeats a few thousand lines across a million events.
        doc_id = "acled-source:" + hashlib.sha1(source.encode()).hexdigest()[:16]  # noqa: S324 - a name, not security
        converted.documents.append(
            _validated(
                row,
                lambda: DocumentRow(
                    id=doc_id,
                    publisher=source[:300],
                    kind="dataset",
                    citation=f"Source(s) named by ACLED: {source}",
                    original_agency="ACLED",
                ),
            )
        )
        converted.sources.append(EventSourceRow(event_id=eid, document_id=doc_id))
    return converted


# --- UCDP GED --------------------------------------------------------------------------------

UCDP_ID = "id"
# date_prec: 1 = exact day; 2 = 2–6 days; 3 = within a week; 4 = within a month; 5 = longer.
UCDP_DATE_PRECISION = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
# where_prec: 1 = exact place; 2 = within ~25 km; 3 = second-order unit (district); 4 = first-order
# unit (province); 5 = a line or area between places (placed conservatively at province level);
# 6 = country; 7 = international waters or airspace (country level at best).
UCDP_WHERE_PRECISION = {"1": "exact", "2": "near", "3": "district", "4": "province", "5": "province",
                        "6": "country", "7": "country"}  # fmt: skip
# type_of_violence: 1 state-based, 2 non-state, 3 one-sided (against civilians). The ACLED
# typology is finer; these are the nearest pairs, and the UCDP code is kept in extra.
UCDP_TYPES = {
    "1": ("Battles", "Armed clash"),
    "2": ("Battles", "Armed clash"),
    "3": ("Violence against civilians", "Attack"),
}
UCDP_MAPPED = {
    UCDP_ID, "type_of_violence", "side_a", "side_b", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "country", "date_prec",
    "date_start", "date_end", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "source_article", "source_office", "source_date", "source_headline", "dyad_name",
}  # fmt: skip


def ucdp(row: dict[str, str]) -> Converted:
    """One UCDP GED row (as published by UCDP, or the HDX variant with iso3 and HXL)."""
    event_id = _text(row, UCDP_ID)
    if event_id is None:
        raise RowError(UCDP_ID, row.get(UCDP_ID), "an event id is required")
    kind = _text(row, "type_of_violence")
    if kind not in UCDP_TYPES:
        raise RowError("type_of_violence", kind, "expected 1, 2 or 3")
    event_type, sub_type = UCDP_TYPES[kind]
    lat, lon = _float(row, "latitude"), _float(row, "longitude")
    place = (
        _text(row, "where_coordinates")
        or _text(row, "adm_2")
        or _text(row, "adm_1")
        or _text(row, "country")
    )
    eid = f"ucdp:{event_id}"
    event = _validated(
        row,
        lambda: EventRow(
            id=eid,
            origin="ucdp",
            origin_id=event_id,
            title=f"{_text(row, 'dyad_name') or 'Violence'} — {place or 'place unknown'}",
            summary=_text(row, "where_description"),
            date_start=_date(row, "date_start"),
            date_end=_date(row, "date_end"),
            date_precision=_code(row, "date_prec", UCDP_DATE_PRECISION),
            country=_text(row, "country"),
            admin1=_text(row, "adm_1"),
            admin2=_text(row, "adm_2"),
            location=_text(row, "where_coordinates"),
            latitude=lat,
            longitude=lon,
            geo_precision=_code(row, "where_prec", UCDP_WHERE_PRECISION)
            if lat is not None
            else None,
            event_type=event_type,
            sub_event_type=sub_type,
            actor1=_text(row, "side_a"),
            actor2=_text(row, "side_b"),
            fatalities_low=_int(row, "low", required=True),
            fatalities_best=_int(row, "best", required=True),
            fatalities_high=_int(row, "high", required=True),
            fatalities_basis="UCDP GED low / best / high estimates",
            deaths_civilians=_int(row, "deaths_civilians"),
            deaths_unknown=_int(row, "deaths_unknown"),
            extra=_extra(row, UCDP_MAPPED),
        ),
    )
    converted = Converted(event)
    office, headline = _text(row, "source_office"), _text(row, "source_headline")
    if office or headline or _text(row, "source_article"):
        doc_id = f"ucdp-source:{event_id}"
        parts = [p for p in (headline, office, _text(row, "source_date")) if p]
        converted.documents.append(
            _validated(
                row,
                lambda: DocumentRow(
                    id=doc_id,
                    publisher=(office or "Sources named by UCDP")[:300],
                    title=headline[:500] if headline else None,
                    kind="dataset",
                    citation=f"UCDP GED event {event_id}: " + "; ".join(parts)
                    if parts
                    else f"UCDP GED event {event_id}",
                    original_agency="UCDP",
                    note=_text(row, "source_article"),
                ),
            )
        )
        converted.sources.append(EventSourceRow(event_id=eid, document_id=doc_id))
    return converted


ADAPTERS: dict[str, tuple[Callable[[dict[str, str]], Converted], str]] = {
    "acled": (acled, ACLED_ID),
    "ucdp": (ucdp, UCDP_ID),
}

assert set(ACLED_GEO_PRECISION.values()) <= set(vocab.GEO_PRECISIONS)
assert set(UCDP_WHERE_PRECISION.values()) <= set(vocab.GEO_PRECISIONS)
