"""ACLED exports, current and older: one row in, the store's rows out.

Both layouts are read: the current one (``disorder_type``, ``civilian_targeting``, ``tags``,
``timestamp``) and the older one (``data_id``, ``iso``, ``event_id_no_cnty``, ``iso3``), with
dates as ACLED writes them or as a spreadsheet leaves them (``2020-05-09``, ``09 May 2020``,
``9-May-20``). Every column not mapped to an event field is kept verbatim in ``extra``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from .. import vocab
from .parsing import (
    Converted,
    ReadOptions,
    RowError,
    coordinates,
    count,
    count_problem,
    date,
    extra,
    place,
    place_quality,
    place_rows,
    text,
    unreadable,
    validated,
)
from .rows import DocumentRow, EventRow, EventSourceRow, QualityNoteRow

ID = "event_id_cnty"
# The header of a current ACLED export, in ACLED's order.
COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
# time_precision: 1 = the day is known; 2 = within the week (ACLED's date is a day in it);
# 3 = within the month.
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
# geo_precision: 1 = the named town; 2 = near it (part of a region around it); 3 = only a larger
# region is known and ACLED placed it at that region's capital or centre.
GEO_PRECISION = {"1": "exact", "2": "near", "3": "province"}
MAPPED = {
    ID, "event_date", "time_precision", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
}  # fmt: skip


def _window(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    if precision == "week":
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    if precision == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    return day, day


def _code(row: dict[str, str], column: str, table: dict[str, str]) -> str | None:
    raw = text(row, column)
    return table.get(raw.split(".")[0]) if raw else None


@functools.lru_cache(maxsize=65_536)
def source_document(source: str) -> DocumentRow:
    """The document a source line names ("Dawn; Pajhwok Afghan News"), shared by every event
    that names it: ACLED repeats a few thousand lines across a million events, so each is
    validated once (the row is immutable, and the same line always gives the same row)."""
    return DocumentRow(
        id="acled-source:" + hashlib.sha1(source.encode()).hexdigest()[:16],  # noqa: S324 - a name, not security
        publisher=source,
        kind="dataset",
        citation=f"Source(s) named by ACLED: {source}",
        original_agency="ACLED",
    )


def convert(row: dict[str, str], options: ReadOptions) -> Converted:
    """One ACLED row: fatalities are ACLED's single (conservative) count."""
    event_id = text(row, ID)
    if event_id is None:
        raise RowError(ID, row.get(ID), "an event id is required")
    precision = _code(row, "time_precision", TIME_PRECISION)
    if precision is None:
        raise RowError(
            "time_precision", row.get("time_precision"), "expected 1, 2 or 3: without it the "
            "date window cannot be known"
        )  # fmt: skip
    start, end = _window(date(row, "event_date", options), precision)
    eid = f"acled:{event_id}"
    notes: list[QualityNoteRow] = []

    def note(kind: str, detail: str) -> None:
        notes.append(QualityNoteRow(event_id=eid, kind=kind, detail=detail))

    killed = count(row, "fatalities")
    if unreadable(row, "fatalities"):
        note(
            "fatalities_unreadable",
            f"ACLED fatalities {count_problem(row['fatalities'])}",
        )
    geo = _code(row, "geo_precision", GEO_PRECISION)
    lat, lon, dropped = coordinates(row, "latitude", "longitude", geo)
    if dropped:
        note(
            "coordinates_dropped", f"ACLED {dropped} (geo_precision {text(row, 'geo_precision')!r})"
        )
    where = place(text(row, "country"), text(row, "admin1"), text(row, "admin2"))
    kind, sub = vocab.event_type_pair(text(row, "event_type"), text(row, "sub_event_type"))
    label = text(row, "location") or where.fields["admin2"] or where.fields["admin1"]
    kept = extra(row, MAPPED)
    if dropped:
        kept.update({k: v for k in ("latitude", "longitude") if (v := text(row, k))})
    event = validated(
        row,
        lambda: EventRow(
            id=eid,
            origin="acled",
            origin_id=event_id,
            title=f"{sub or kind or 'Event'} — "
            f"{label or where.fields['country'] or 'place unknown'}",
            summary=text(row, "notes"),
            date_start=start,
            date_end=end,
            date_precision=precision,
            **where.fields,
            admin3=text(row, "admin3"),
            location=text(row, "location"),
            latitude=lat,
            longitude=lon,
            geo_precision=geo if lat is not None else None,
            event_type=kind or "",
            sub_event_type=sub or "",
            actor1=text(row, "actor1"),
            assoc_actor1=text(row, "assoc_actor_1"),
            actor2=text(row, "actor2"),
            assoc_actor2=text(row, "assoc_actor_2"),
            fatalities_low=killed,
            fatalities_best=killed,
            fatalities_high=killed,
            fatalities_basis="ACLED's fatality count (one figure, ACLED's conservative estimate)",
            extra=kept,
        ),
    )
    notes += place_quality(eid, where, "ACLED")
    converted = Converted(
        event, places=place_rows(eid, where), notes=notes, unknown_places=where.unknown
    )
    source = text(row, "source")
    if source:
        document = validated(row, lambda: source_document(source))
        converted.documents.append(document)
        converted.sources.append(EventSourceRow(event_id=eid, document_id=document.id))
    return converted
