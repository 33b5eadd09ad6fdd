"""UCDP GED exports (as UCDP publishes them, and HDX's copy with iso3 and an HXL row).

Every row UCDP publishes is kept: a row whose ``low``/``best``/``high`` are out of order in the
source is stored with ``best`` as published and ``low``/``high`` widened (``parsing.fatalities``)
and a data-quality note. ``deaths_a`` and ``deaths_b`` are attributed to victim categories by the
rule in ``side_category``; the raw codes (``type_of_violence``, ``where_prec``, ``date_prec``) and
the conflict and dyad names stay in ``extra`` beside the store's own fields.
"""

from __future__ import annotations

import datetime as dt
import re

from .parsing import (
    AmbiguousDates,
    Converted,
    ReadOptions,
    RowError,
    coordinates,
    count,
    count_problem,
    date,
    extra,
    fatalities,
    parse_date,
    place,
    place_quality,
    place_rows,
    text,
    unreadable,
    validated,
)
from .rows import DocumentRow, EventRow, EventSourceRow, QualityNoteRow

ID = "id"
# date_prec: 1 = exact day; 2 = 2–6 days; 3 = within a week; 4 = within a month; 5 = longer.
DATE_PRECISION = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
# where_prec: 1 = exact place; 2 = within ~25 km; 3 = second-order unit (district); 4 = first-order
# unit (province); 5 = a line or area between places (placed conservatively at province level);
# 6 = country; 7 = international waters or airspace (country level at best). The raw code is
# kept in extra: 4/5 and 6/7 share the store's precision but not their meaning.
WHERE_PRECISION = {"1": "exact", "2": "near", "3": "district", "4": "province", "5": "province",
                   "6": "country", "7": "country"}  # fmt: skip
# type_of_violence: 1 state-based, 2 non-state, 3 one-sided (against civilians). The ACLED
# typology is finer; these are the nearest pairs, and the UCDP code stays in extra as
# type_of_violence with its name in ucdp_violence_type.
TYPES = {
    "1": ("Battles", "Armed clash", "state-based"),
    "2": ("Battles", "Armed clash", "non-state"),
    "3": ("Violence against civilians", "Attack", "one-sided"),
}
MAPPED = {
    ID, "side_a", "side_b", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "country", "date_start", "date_end", "deaths_civilians",
    "deaths_unknown", "deaths_a", "deaths_b", "best", "high", "low", "source_article",
    "source_office", "source_date", "source_headline",
}  # fmt: skip


# UCDP's own file names: a GED release's CSV, a month's candidates, the year's so far.
_RELEASE = re.compile(r"GEDEvent_v(\d{2})_([1-9])\.(?:csv|xlsx)", re.IGNORECASE)
_MONTH = re.compile(r"GEDEvent_v(\d{2})_0_(\d{1,2})\.(?:csv|xlsx)", re.IGNORECASE)
_YEAR_SO_FAR = re.compile(r"GEDEvent_v(\d{2})_01_(\d{2})_(\d{2})\.(?:csv|xlsx)", re.IGNORECASE)
# extra.ucdp_status of an event from a candidate file. One wording for every candidate file, so
# the same event in the next month's or the year-so-far file is not a change; the final release
# (which vets it) leaves the key out, and that change is recorded as a revision.
CANDIDATE = "candidate event — unvetted, from UCDP's monthly data; the next GED release vets it"


def release_of(file_name: str) -> tuple[int, int] | None:
    """(YY, N) for the CSV of GED release YY.N (GEDEvent_vYY_N.csv); None for any other name."""
    found = _RELEASE.fullmatch(file_name)
    return (int(found[1]), int(found[2])) if found else None


def candidate_year_of(file_name: str) -> int | None:
    """The year of a candidate file's events (GEDEvent_vYY_0_M.csv, GEDEvent_vYY_01_YY_MM.csv);
    None for a GED release or any other name."""
    month = _MONTH.fullmatch(file_name)
    so_far = _YEAR_SO_FAR.fullmatch(file_name)
    if month and 1 <= int(month[2]) <= 12:
        return 2000 + int(month[1])
    if so_far and 1 <= int(so_far[3]) <= 12:
        return 2000 + int(so_far[2])
    return None


def status_of(file_name: str) -> str | None:
    """CANDIDATE for UCDP's candidate files, by UCDP's own file names; None otherwise."""
    return CANDIDATE if candidate_year_of(file_name) else None


def side_category(side: str | None) -> str:
    """Who a side's deaths were, by one rule: a state's forces ("Government of …") → security
    forces; "Civilians" → civilians; any other side (a non-state armed group) → militants."""
    name = (side or "").strip().casefold()
    if name.startswith("government of"):
        return "security_forces"
    if name == "civilians":
        return "civilians"
    return "militants"


def _victims(row: dict[str, str]) -> dict[str, int | None]:
    out: dict[str, int | None] = {
        "civilians": count(row, "deaths_civilians"),
        "security_forces": None,
        "militants": None,
        "unknown": count(row, "deaths_unknown"),
    }
    for deaths, side in (("deaths_a", "side_a"), ("deaths_b", "side_b")):
        n = count(row, deaths)
        if n is None:
            continue
        category = side_category(text(row, side))
        out[category] = (out[category] or 0) + n
    return out


def _source_date(raw: str | None, options: ReadOptions) -> dt.date | None:
    """The earliest date UCDP gives for its sources (it lists one per article, ';'-separated)."""
    dates = []
    for part in (raw or "").replace(",", ";").split(";"):
        if part.strip():
            try:
                dates.append(parse_date(part, "source_date", options))
            except (RowError, ValueError, AmbiguousDates):
                continue  # the document's date stays unknown; the raw text is in its citation
    return min(dates) if dates else None


def convert(row: dict[str, str], options: ReadOptions) -> Converted:
    """One UCDP GED row."""
    event_id = text(row, ID)
    if event_id is None:
        raise RowError(ID, row.get(ID), "an event id is required")
    kind = (text(row, "type_of_violence") or "").split(".")[0]
    if kind not in TYPES:
        raise RowError("type_of_violence", row.get("type_of_violence"), "expected 1, 2 or 3")
    event_type, sub_type, violence = TYPES[kind]
    eid = f"ucdp:{event_id}"
    notes: list[QualityNoteRow] = []

    def note(kind_: str, detail: str) -> None:
        notes.append(QualityNoteRow(event_id=eid, kind=kind_, detail=detail))

    start, end = date(row, "date_start", options), date(row, "date_end", options)
    if start > end:
        note("date_window_reversed", f"UCDP date_start {start} is after date_end {end}")
        start, end = end, start
    raw_prec = (text(row, "date_prec") or "").split(".")[0]
    precision = DATE_PRECISION.get(raw_prec)
    if precision is None:
        precision = "day" if start == end else "days" if (end - start).days < 7 else "month"
        note("precision_code_unknown", f"UCDP date_prec {row.get('date_prec')!r}; the window "
             f"{start} – {end} is kept and called {precision!r}")  # fmt: skip
    unread = unreadable(
        row, "low", "best", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"
    )
    if unread:
        note("fatalities_unreadable", "UCDP " + "; ".join(f"{c} {count_problem(row[c])}"
                                                          for c in unread))  # fmt: skip
    low, best, high, reordered = fatalities(
        count(row, "low"), count(row, "best"), count(row, "high"), "UCDP"
    )
    if reordered:
        note("fatalities_reordered", reordered)
    geo = WHERE_PRECISION.get((text(row, "where_prec") or "").split(".")[0])
    lat, lon, dropped = coordinates(row, "latitude", "longitude", geo)
    if dropped:
        note("coordinates_dropped", f"UCDP {dropped} (where_prec {text(row, 'where_prec')!r})")
    where = place(text(row, "country"), text(row, "adm_1"), text(row, "adm_2"))
    victims = _victims(row)
    kept = {**extra(row, MAPPED), "ucdp_violence_type": violence}
    if options.status:
        kept["ucdp_status"] = options.status
    for column in ("low", "best", "high", "deaths_a", "deaths_b"):
        if (value := text(row, column)) is not None:
            kept[f"published_{column}"] = value
    if dropped:
        kept.update({k: v for k in ("latitude", "longitude") if (v := text(row, k))})
    label = text(row, "where_coordinates") or where.fields["admin2"] or where.fields["admin1"]
    event = validated(
        row,
        lambda: EventRow(
            id=eid,
            origin="ucdp",
            origin_id=event_id,
            title=f"{text(row, 'dyad_name') or 'Violence'} — "
            f"{label or where.fields['country'] or 'place unknown'}",
            summary=text(row, "where_description"),
            date_start=start,
            date_end=end,
            date_precision=precision,
            **where.fields,
            location=text(row, "where_coordinates"),
            latitude=lat,
            longitude=lon,
            geo_precision=geo if lat is not None else None,
            event_type=event_type,
            sub_event_type=sub_type,
            actor1=text(row, "side_a"),
            actor2=text(row, "side_b"),
            fatalities_low=low,
            fatalities_best=best,
            fatalities_high=high,
            fatalities_basis="UCDP GED low / best / high estimates",
            deaths_civilians=victims["civilians"],
            deaths_security_forces=victims["security_forces"],
            deaths_militants=victims["militants"],
            deaths_unknown=victims["unknown"],
            extra=kept,
        ),
    )
    notes += place_quality(eid, where, "UCDP")
    converted = Converted(
        event, places=place_rows(eid, where), notes=notes, unknown_places=where.unknown
    )
    office, headline = text(row, "source_office"), text(row, "source_headline")
    if office or headline or text(row, "source_article"):
        doc_id = f"ucdp-source:{event_id}"
        parts = [p for p in (headline, office, text(row, "source_date")) if p]
        converted.documents.append(
            validated(
                row,
                lambda: DocumentRow(
                    id=doc_id,
                    publisher=office or "Sources named by UCDP",
                    title=headline,
                    published=_source_date(text(row, "source_date"), options),
                    kind="dataset",
                    citation=f"UCDP GED event {event_id}: " + "; ".join(parts)
                    if parts
                    else f"UCDP GED event {event_id}",
                    original_agency="UCDP",
                    note=text(row, "source_article"),
                ),
            )
        )
        converted.sources.append(EventSourceRow(event_id=eid, document_id=doc_id))
    return converted
