"""One curated event file (``data/curated/events/<id>.yaml``) onto the validated rows: the
event, its places, its sources, its claims (graded by the credibility rule), its links (left
for ``curated.load_curated`` to resolve once every event is read), and its research notes
checked (every page its claims cite listed, every quote found in its excerpt)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import credibility
from . import parsing, research
from .rows import ClaimRow, EventRow, EventSourceRow, PlaceRow

if TYPE_CHECKING:
    from .curated import Collector, Dataset

CURATED_PREFIX = "curated:"

# A gazetteer entry's level decides what its point stands for.
LEVEL_TO_PRECISION = {
    "town": "exact",
    "city": "exact",
    "district": "district",
    "province": "province",
    "country": "country",
}


_EVENT_KEYS = {
    "id", "title", "summary", "date", "place", "event_type", "sub_event_type", "actor1",
    "assoc_actor1", "actor2", "assoc_actor2", "cross_border", "fatalities", "injured", "deaths",
    "grading", "grading_basis", "sources", "links", "claims",
}  # fmt: skip


def event_from_yaml(
    c: Collector,
    path: Path,
    data: dict[str, Any],
    ds: Dataset,
    places: dict[str, dict[str, Any]],
    doc_ids: list[str],
    pending_links: list[tuple[Path, int, dict[str, Any], str]],
) -> None:
    for key in sorted(set(data) - _EVENT_KEYS):
        c.add(path, key, "unknown field")
    local_id = str(data.get("id", ""))
    if not local_id:
        c.add(path, "id", "missing")
        return
    event_id = CURATED_PREFIX + local_id
    date = data.get("date") or {}
    place = dict(data.get("place") or {})
    fatalities = data.get("fatalities") or {}
    deaths = data.get("deaths") or {}

    coords: dict[str, Any] = {}
    gazetteer_key = place.pop("gazetteer", None)
    precision_override = place.pop("precision", None)
    # Where reports disagree on the date or place, the event says so in these notes.
    notes = {"date_note": date.get("note"), "place_note": place.pop("note", None)}
    extra = {k: str(v).strip() for k, v in notes.items() if v and str(v).strip()}
    for key in sorted(set(date) - {"start", "end", "precision", "note"}):
        c.add(path, f"date.{key}", "unknown field")
    if gazetteer_key is not None:
        entry = places.get(gazetteer_key)
        if entry is None:
            c.add(path, "place.gazetteer", f"unknown place {gazetteer_key!r} (see places.yaml)")
        else:
            coords = {
                "latitude": entry.get("latitude"),
                "longitude": entry.get("longitude"),
                "geo_precision": precision_override or LEVEL_TO_PRECISION[entry["level"]],
                "place_source_id": entry["source"],
            }
    further = place.pop("also", None) or []
    unknown_place = set(place) - {"country", "admin1", "admin2", "admin3", "location"}
    for key in sorted(unknown_place):
        c.add(path, f"place.{key}", "unknown field")
    # One name per place: the curated files spell provinces and districts as the gazetteer does.
    where = parsing.place(place.get("country"), place.get("admin1"), place.get("admin2"))
    # A country outside the gazetteer (talks in Doha) is kept as written; within Pakistan and
    # Afghanistan every province and district must be one the gazetteer knows.
    for level, spelling in where.unknown:
        if level == "country":
            continue
        c.add(
            path,
            "place",
            f"{level} {spelling!r} is not in the gazetteer (src/dash/data/gazetteer.yaml)",
        )
    place.update(where.fields)
    also: list[PlaceRow] = []
    for i, other in enumerate(further if isinstance(further, list) else [further]):
        if not isinstance(other, dict) or not other.get("admin1"):
            c.add(path, f"place.also[{i}]", "expected a mapping with at least admin1")
            continue
        resolved = parsing.place(other.get("country"), other["admin1"], other.get("admin2"))
        for level, spelling in resolved.unknown:
            if level != "country":
                c.add(path, f"place.also[{i}]", f"{level} {spelling!r} is not in the gazetteer")
        also.append(PlaceRow(
            event_id=CURATED_PREFIX + local_id,
            country=resolved.fields["country"],
            admin1=resolved.fields["admin1"],
            admin2=resolved.fields["admin2"],
            as_published=", ".join(str(v) for v in (other.get("admin2"), other["admin1"]) if v),
        ))  # fmt: skip

    event = c.row(
        EventRow,
        {
            "id": event_id,
            "origin": "curated",
            "origin_id": local_id,
            "title": data.get("title"),
            "summary": data.get("summary"),
            "date_start": date.get("start"),
            "date_end": date.get("end", date.get("start")),
            "date_precision": date.get("precision"),
            **{k: v for k, v in place.items() if k not in unknown_place},
            **coords,
            "event_type": data.get("event_type"),
            "sub_event_type": data.get("sub_event_type"),
            "actor1": data.get("actor1"),
            "assoc_actor1": data.get("assoc_actor1"),
            "actor2": data.get("actor2"),
            "assoc_actor2": data.get("assoc_actor2"),
            "cross_border": data.get("cross_border", False),
            "fatalities_low": fatalities.get("low"),
            "fatalities_best": fatalities.get("best"),
            "fatalities_high": fatalities.get("high"),
            "fatalities_basis": fatalities.get("basis"),
            "injured": data.get("injured"),
            "deaths_civilians": deaths.get("civilians"),
            "deaths_security_forces": deaths.get("security_forces"),
            "deaths_militants": deaths.get("militants"),
            "deaths_unknown": deaths.get("unknown"),
            "grading": data.get("grading"),
            "grading_basis": data.get("grading_basis"),
            "extra": extra or None,
        },
        path,
        "event",
    )
    if event is None:
        return
    ds.events.append(event)
    ds.places.extend(also)
    ds.places.extend(parsing.place_rows(event_id, where))

    for doc in data.get("sources") or []:
        if doc not in doc_ids:
            c.add(path, "sources", f"unknown document {doc!r}")
        else:
            ds.event_sources.append(EventSourceRow(event_id=event_id, document_id=doc))

    claims: list[ClaimRow] = []
    for i, claim in enumerate(data.get("claims") or []):
        if not isinstance(claim, dict):
            c.add(path, f"claims[{i}]", "expected a mapping")
            continue
        for key in sorted({"credibility", "credibility_basis"} & set(claim)):
            c.add(path, f"claims[{i}].{key}", "is computed by the credibility rule, not written")
            claim = {k: v for k, v in claim.items() if k != key}
        claimed = claim.get("claimed") or {}
        fields = {k: v for k, v in claim.items() if k not in {"id", "party", "document", "claimed"}}
        row = c.row(
            ClaimRow,
            {
                **fields,
                "id": f"{event_id}/{claim.get('id', '')}",
                "event_id": event_id,
                "party_id": claim.get("party"),
                "document_id": claim.get("document"),
                "claimed_start": claimed.get("start"),
                "claimed_end": claimed.get("end", claimed.get("start")),
            },
            path,
            f"claims[{i}]",
        )
        if not claim.get("id"):
            c.add(path, f"claims[{i}].id", "missing")
        elif row:
            if row.document_id not in doc_ids:
                c.add(path, f"claims[{i}].document", f"unknown document {row.document_id!r}")
            claims.append(row)
            ds.event_sources.append(EventSourceRow(event_id=event_id, document_id=row.document_id))
    grades = credibility.graded([row.record() for row in claims])
    ds.claims.extend(
        row.model_copy(update={"credibility": g, "credibility_basis": basis})
        for row, (g, basis) in zip(claims, grades, strict=True)
    )

    for i, link in enumerate(data.get("links") or []):
        pending_links.append((path, i, link, event_id))

    check_research(c, local_id, [cl for cl in data.get("claims") or [] if isinstance(cl, dict)])


def check_research(c: Collector, local_id: str, claims: list[dict[str, Any]]) -> None:
    """The event's research notes exist, list every page its claims cite, hold every quote."""
    path = research.notes_path(c.root, local_id)
    if not path.exists():
        c.add(path, "file", "missing: every curated event needs its research notes")
        return
    notes = c.row(research.ResearchNotes, c.load(path) or {}, path, "notes")
    if notes is None:
        return
    if notes.event != local_id:
        c.add(path, "event", f"names {notes.event!r}, not the event {local_id!r}")
    for i, page in enumerate(notes.pages):
        if page.document not in c.document_ids:
            c.add(path, f"pages[{i}].document", f"unknown document {page.document!r}")
    for problem in research.quote_problems(notes, claims):
        c.add(path, "pages", problem)
