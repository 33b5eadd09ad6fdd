"""Any event spreadsheet, through a small human-written mapping file (TOML).

The mapping says which column (or fixed value, or combination) gives each event field, how the
file is encoded and delimited, how its dates read, and which origin the rows belong to. The
origin is registered in the store with its licence. Rows then go through the same path as ACLED
and UCDP rows: validated onto ``EventRow``, repaired by the same rules, one name per place,
region, one transaction. ``docs/mapped-import.md`` documents the format with a full example;
``suggest`` drafts a mapping from a file's header and a sample of its rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .. import vocab
from .adapters import Format
from .mapping import (
    Fixed,
    Hashed,
    Joined,
    Mapping,
    MappingError,
    Source,
    check_header,
    columns_used,
    load_mapping,
)
from .parsing import (
    AmbiguousDates,
    Converted,
    ReadOptions,
    RowError,
    coordinates,
    count,
    count_problem,
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

__all__ = ["MappedFormat", "MappingError", "check_header", "load_mapping"]


def _value(row: dict[str, str], source: Source | None) -> str | None:
    if source is None:
        return None
    if isinstance(source, Fixed):
        return source.value.strip() or None
    if isinstance(source, Joined):
        parts = [text(row, c) for c in source.join]
        return source.separator.join(p for p in parts if p) or None
    return text(row, source)


def _count(
    row: dict[str, str], source: Source | None, notes: list[str], field: str = ""
) -> int | None:
    raw = _value(row, source)
    if raw is None:
        return None
    value = count({"v": raw}, "v")
    if unreadable({"v": raw}, "v"):
        notes.append(f"{field + ': ' if field else ''}{count_problem(raw)}")
    return value


_SPACE = re.compile(r"\s")


def _name(source: Source | None) -> str:
    return source if isinstance(source, str) else "(mapped)"


@dataclass
class MappedFormat:
    """A mapping turned into the importer's format: its origin, id column and converter."""

    mapping: Mapping

    @property
    def origin(self) -> str:
        return self.mapping.origin.id

    @property
    def id_column(self) -> str:
        """The column a data row must have (the id, else the date): rows without it are
        totals, notes or footers."""
        f = self.mapping.fields
        # A hashed id's first column may be empty in a real row; its date is never.
        for source in (f.id, f.date) if isinstance(f.id, str) else (f.date, f.id):
            if isinstance(source, str):
                return source
            if isinstance(source, Hashed):
                return source.hash[0]
            if isinstance(source, Joined):
                return source.join[0]
        raise MappingError("the mapping's id and date name no column of the file")

    def format(self) -> Format:
        o = self.mapping.origin
        return Format(
            self.origin, self.convert, self.id_column, (o.name, o.licence, o.terms, o.url)
        )

    def convert(self, row: dict[str, str], options: ReadOptions) -> Converted:
        m, f = self.mapping, self.mapping.fields
        # --date-order on the command line overrides the mapping's date_order
        read = ReadOptions(date_order=options.date_order or m.file.date_order)
        raw_start = _value(row, f.date)
        if raw_start is None:
            raise RowError(_name(f.date), row.get(_name(f.date)), "a date is required")
        start = parse_date(raw_start, _name(f.date), read)
        raw_end = _value(row, f.date_end)
        end = parse_date(raw_end, _name(f.date_end), read) if raw_end else start
        if isinstance(f.id, Hashed):
            read_as = ((f.date, start), (f.date_end, end)) if f.id.dates == "read" else ()
            dates = {column: day for column, day in read_as if isinstance(column, str)}
            key = "\x1f".join(
                d.isoformat() if (d := dates.get(c)) is not None else text(row, c) or ""
                for c in f.id.hash
            )
            if not key.strip("\x1f"):
                raise RowError(",".join(f.id.hash), "", "the columns the id is made from are empty")
            origin_id = hashlib.sha256(key.encode()).hexdigest()[:16]
        else:
            origin_id = text(row, f.id)
            if origin_id is None:
                raise RowError(f.id, row.get(f.id), "an event id is required")
        eid = f"{m.origin.id}:{origin_id}"
        notes: list[QualityNoteRow] = []

        def note(kind: str, detail: str) -> None:
            notes.append(QualityNoteRow(event_id=eid, kind=kind, detail=detail))

        if start > end:
            note("date_window_reversed", f"start {start} is after end {end}")
            start, end = end, start
        precision = _value(row, f.date_precision) or ("day" if start == end else "days")
        if precision not in vocab.DATE_PRECISIONS:
            note("precision_code_unknown", f"date precision {precision!r}")
            precision = "day" if start == end else "days"
        event_type, sub_type = self._type(row)
        problems: list[str] = []
        low = _count(
            row, f.killed or f.killed_low, problems, "killed" if f.killed else "killed_low"
        )
        high = _count(
            row, f.killed or f.killed_high, problems, "killed" if f.killed else "killed_high"
        )
        best = _count(row, f.killed_best, problems, "killed_best")
        if problems:  # one killed column read as low and high: said once
            note("fatalities_unreadable", "; ".join(dict.fromkeys(problems)))
        low, best, high, reordered = fatalities(low, best, high, m.origin.name)
        if reordered:
            note("fatalities_reordered", reordered)
        geo = _value(row, f.geo_precision)
        if geo is not None and geo not in vocab.GEO_PRECISIONS:
            note("precision_code_unknown", f"location precision {geo!r}")
            geo = None
        point = {"lat": _value(row, f.latitude) or "", "lon": _value(row, f.longitude) or ""}
        lat, lon, dropped = coordinates(point, "lat", "lon", geo)
        if dropped:
            note("coordinates_dropped", dropped)
        where = place(_value(row, f.country), _value(row, f.admin1), _value(row, f.admin2))
        notes += place_quality(eid, where, m.origin.name)
        label = _value(row, f.location) or where.fields["admin2"] or where.fields["admin1"]
        others: list[str] = []  # injured and the victims' breakdown, named by their field
        victims = {k: _count(row, getattr(f, k), others, k) for k in
                   ("civilians", "security_forces", "militants", "unknown")}  # fmt: skip
        injured = _count(row, f.injured, others, "injured")
        if others:
            note("fatalities_unreadable", "; ".join(others))
        used = columns_used(m)
        kept = {k: v for k in sorted(row.keys() - used) if (v := row[k]) and v.strip()}
        event = validated(
            row,
            lambda: EventRow(
                id=eid,
                origin=m.origin.id,
                origin_id=origin_id,
                title=_value(row, f.title)
                or f"{sub_type} — {label or where.fields['country'] or 'place unknown'}",
                summary=_value(row, f.summary),
                date_start=start,
                date_end=end,
                date_precision=precision,
                **where.fields,
                location=_value(row, f.location),
                latitude=lat,
                longitude=lon,
                geo_precision=geo if lat is not None else None,
                event_type=event_type,
                sub_event_type=sub_type,
                actor1=_value(row, f.actor1),
                actor2=_value(row, f.actor2),
                fatalities_low=low,
                fatalities_best=best,
                fatalities_high=high,
                fatalities_basis=f"{m.origin.name}: as the file gives them",
                injured=injured,
                deaths_civilians=victims["civilians"],
                deaths_security_forces=victims["security_forces"],
                deaths_militants=victims["militants"],
                deaths_unknown=victims["unknown"],
                extra=kept or None,
            ),
        )
        converted = Converted(event, places=place_rows(eid, where), notes=notes,
                              unknown_places=where.unknown)  # fmt: skip
        self._document(row, converted, origin_id, read)
        return converted

    def _type(self, row: dict[str, str]) -> tuple[str, str]:
        spec = self.mapping.event_type
        raw = text(row, spec.column) if spec.column else None
        if raw is not None:
            for value, pair in spec.values.items():
                if value.casefold() == raw.casefold():
                    return pair
        if spec.default is not None:
            return spec.default
        raise RowError(
            spec.column or "event_type",
            raw,
            "not in the mapping's event_type values and no default",
        )

    def _document(
        self, row: dict[str, str], converted: Converted, origin_id: str, read: ReadOptions
    ) -> None:
        f, m = self.mapping.fields, self.mapping
        publisher = _value(row, f.source_publisher)
        url = _value(row, f.source_url)
        title = _value(row, f.source_title)
        if not (publisher or url or title):
            return
        if url and (not url.lower().startswith(("http://", "https://")) or _SPACE.search(url)):
            url = None  # not a web address as it stands: kept in the citation, verbatim
        raw_date = _value(row, f.source_date)
        try:
            published = parse_date(raw_date, _name(f.source_date), read) if raw_date else None
        except (RowError, AmbiguousDates):
            published = None  # unknown; the raw text is in the citation
        parts = [p for p in (publisher, title, raw_date, _value(row, f.source_url)) if p]
        doc_id = (
            f"{m.origin.id}-source:"
            + hashlib.sha1(  # noqa: S324 - a name, not security
                "\x1f".join(parts).encode()
            ).hexdigest()[:16]
        )
        converted.documents.append(
            validated(
                row,
                lambda: DocumentRow(
                    id=doc_id,
                    publisher=publisher or m.origin.name,
                    title=title,
                    url=url,
                    published=published,
                    kind="dataset",
                    citation=f"{m.origin.name}, row {origin_id}: " + "; ".join(parts),
                    original_agency=m.origin.name,
                ),
            )
        )
        converted.sources.append(EventSourceRow(event_id=converted.event.id, document_id=doc_id))
