"""Adapter: the curated YAML files under ``data/curated/`` onto the validated row types.

Layout (documented for reviewers in ``data/curated/README.md``):

- ``dataset.yaml``     title, as-of date, licence, description
- ``documents.yaml``   every cited page or article
- ``places.yaml``      gazetteer: coordinates, each with the document it was taken from
- ``statistics.yaml``  trackers' published aggregates
- ``events/*.yaml``    one file per event, with its claims, sources and links to other events
- ``research/*.yaml``  one file per event: what was searched, which pages were read, what each
                       says, and the verbatim excerpt every quote is checked against

The three list files may be split: ``documents/*.yaml`` (and likewise ``places/``,
``statistics/``) are read after ``documents.yaml``, so research on separate events can add its
pages in files of its own. An entry repeated word for word in two files is one entry; the same
id with different content is an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .. import credibility
from . import parsing, research
from .rows import (
    ClaimRow,
    DocumentRow,
    EventRow,
    EventSourceRow,
    LinkRow,
    PlaceRow,
    Row,
    StatisticRow,
    error_message,
)

CURATED_PREFIX = "curated:"

# A gazetteer entry's level decides what its point stands for.
LEVEL_TO_PRECISION = {
    "town": "exact",
    "city": "exact",
    "district": "district",
    "province": "province",
    "country": "country",
}


@dataclass
class Dataset:
    meta: dict[str, str] = field(default_factory=dict)
    documents: list[DocumentRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    statistics: list[StatisticRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    event_sources: list[EventSourceRow] = field(default_factory=list)
    places: list[PlaceRow] = field(default_factory=list)


class CuratedError(Exception):
    """Every problem found in the curated files, each naming file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the curated files")
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join([self.args[0] + ":", *(f"  - {p}" for p in self.problems)])


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.document_ids: set[str] = set()

    def where(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, path: Path, location: str, message: str) -> None:
        self.problems.append(f"{self.where(path)}: {location}: {message}")

    def row(self, model: type[Row], data: dict[str, Any], path: Path, location: str) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                field_path = ".".join(str(p) for p in err["loc"])
                where = f"{location}.{field_path}" if field_path else location
                self.add(path, where, error_message(err))
            return None

    def load(self, path: Path) -> Any:
        try:
            with path.open(encoding="utf-8") as fh:
                return yaml.safe_load(fh)
        except FileNotFoundError:
            self.add(path, "file", "missing")
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            self.add(path, "file", f"not valid UTF-8 YAML: {exc}")
        return None


def load_curated(folder: str | Path) -> Dataset:
    """Read and validate every curated file; raise CuratedError listing all problems."""
    root = Path(folder)
    c = _Collector(root)
    ds = Dataset()

    meta = c.load(root / "dataset.yaml") or {}
    ds.meta = {str(k): str(v) for k, v in meta.items()} if isinstance(meta, dict) else {}
    if "as_of" not in ds.meta:
        c.add(root / "dataset.yaml", "as_of", "missing: the date the curated data was last checked")

    for path, i, item in _entries(c, root, "documents"):
        row = c.row(DocumentRow, item, path, f"[{i}]")
        if row:
            ds.documents.append(row)
    ds.documents = _merged(c, root / "documents", ds.documents)
    doc_ids = [d.id for d in ds.documents]
    c.document_ids = set(doc_ids)

    places = _load_places(c, root, doc_ids)

    for path, i, item in _entries(c, root, "statistics"):
        row = c.row(StatisticRow, item, path, f"[{i}]")
        if row:
            ds.statistics.append(row)
            if row.document_id not in doc_ids:
                c.add(path, f"[{i}].document_id", f"unknown document {row.document_id!r}")
    ds.statistics = _merged(c, root / "statistics", ds.statistics)

    event_files = sorted((root / "events").glob("*.yaml"))
    if not event_files:
        c.add(root / "events", "folder", "no event files")
    pending_links: list[tuple[Path, int, dict[str, Any], str]] = []
    for path in event_files:
        data = c.load(path)
        if not isinstance(data, dict):
            if data is not None:
                c.add(path, "file", "expected a mapping with the event's fields")
            continue
        _event_from_yaml(c, path, data, ds, places, doc_ids, pending_links)

    event_ids = set(_unique_ids(c, root / "events", [e.id for e in ds.events]))
    for path in sorted((root / "research").glob("*.yaml")):
        if CURATED_PREFIX + path.stem not in event_ids:
            c.add(path, "file", f"research notes for {path.stem!r}, which is not an event")
    _unique_ids(c, root / "events", [cl.id for cl in ds.claims])
    for path, i, link, event_id in pending_links:
        other = CURATED_PREFIX + str(link.get("event", ""))
        if other not in event_ids:
            c.add(path, f"links[{i}].event", f"unknown event {link.get('event')!r}")
            continue
        row = c.row(
            LinkRow,
            {
                "event_id": event_id,
                "other_event_id": other,
                "kind": link.get("kind"),
                "basis": link.get("basis"),
                "document_id": link.get("document"),
            },
            path,
            f"links[{i}]",
        )
        if row:
            if row.document_id and row.document_id not in doc_ids:
                c.add(path, f"links[{i}].document", f"unknown document {row.document_id!r}")
            ds.links.append(row)

    if c.problems:
        raise CuratedError(c.problems)
    ds.documents.sort(key=lambda r: r.id)
    ds.events.sort(key=lambda r: r.id)
    ds.claims.sort(key=lambda r: r.id)
    ds.statistics.sort(key=lambda r: r.id)
    ds.links.sort(key=lambda r: (r.event_id, r.other_event_id, r.kind))
    ds.event_sources = sorted(set(ds.event_sources), key=lambda r: (r.event_id, r.document_id))
    return ds


def _entries(c: _Collector, root: Path, name: str) -> list[tuple[Path, int, dict[str, Any]]]:
    """(file, index, entry) of a list kept in ``name.yaml`` and ``name/*.yaml``."""
    paths = [root / f"{name}.yaml", *sorted((root / name).glob("*.yaml"))]
    return [
        (path, i, item)
        for path in paths
        if path.exists() or path.parent == root
        for i, item in enumerate(_as_list(c, path))
    ]


def _merged(c: _Collector, where: Path, rows: list[Any]) -> list[Any]:
    """Rows by id: a word-for-word repeat is dropped, a different row with the same id reported."""
    kept: dict[str, Any] = {}
    for row in rows:
        first = kept.setdefault(row.id, row)
        if first is not row and first != row:
            c.add(where, "id", f"{row.id!r} is used twice with different content")
    return list(kept.values())


def _as_list(c: _Collector, path: Path) -> list[dict[str, Any]]:
    data = c.load(path)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        c.add(path, "file", "expected a list of mappings")
        return []
    return data


def _unique_ids(c: _Collector, path: Path, ids: list[str]) -> list[str]:
    for value, n in Counter(ids).items():
        if n > 1:
            c.add(path, "id", f"{value!r} is used {n} times")
    return ids


def _load_places(c: _Collector, root: Path, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    places: dict[str, dict[str, Any]] = {}
    for path, i, item in _entries(c, root, "places"):
        key = item.get("key")
        level = item.get("level")
        if not key:
            c.add(path, f"[{i}].key", "missing")
            continue
        if level not in LEVEL_TO_PRECISION:
            c.add(path, f"[{i}].level", f"must be one of {', '.join(LEVEL_TO_PRECISION)}")
            continue
        if item.get("source") not in doc_ids:
            c.add(path, f"[{i}].source", f"unknown document {item.get('source')!r}")
            continue
        if places.setdefault(key, item) != item:
            c.add(path, f"[{i}].key", f"{key!r} is used twice with different content")
    return places


_EVENT_KEYS = {
    "id", "title", "summary", "date", "place", "event_type", "sub_event_type", "actor1",
    "assoc_actor1", "actor2", "assoc_actor2", "cross_border", "fatalities", "injured", "deaths",
    "grading", "grading_basis", "sources", "links", "claims",
}  # fmt: skip


def _event_from_yaml(
    c: _Collector,
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

    _check_research(c, local_id, [cl for cl in data.get("claims") or [] if isinstance(cl, dict)])


def _check_research(c: _Collector, local_id: str, claims: list[dict[str, Any]]) -> None:
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
