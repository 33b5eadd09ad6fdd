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

This module reads the folder and resolves what spans files (documents, places, links between
events); ``curated_event`` turns one event file into rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .curated_event import CURATED_PREFIX, LEVEL_TO_PRECISION, event_from_yaml
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


class Collector:
    """Every problem found while reading the curated files, each naming file and field."""

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
    c = Collector(root)
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
        event_from_yaml(c, path, data, ds, places, doc_ids, pending_links)

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


def _entries(c: Collector, root: Path, name: str) -> list[tuple[Path, int, dict[str, Any]]]:
    """(file, index, entry) of a list kept in ``name.yaml`` and ``name/*.yaml``."""
    paths = [root / f"{name}.yaml", *sorted((root / name).glob("*.yaml"))]
    return [
        (path, i, item)
        for path in paths
        if path.exists() or path.parent == root
        for i, item in enumerate(_as_list(c, path))
    ]


def _merged(c: Collector, where: Path, rows: list[Any]) -> list[Any]:
    """Rows by id: a word-for-word repeat is dropped, a different row with the same id reported."""
    kept: dict[str, Any] = {}
    for row in rows:
        first = kept.setdefault(row.id, row)
        if first is not row and first != row:
            c.add(where, "id", f"{row.id!r} is used twice with different content")
    return list(kept.values())


def _as_list(c: Collector, path: Path) -> list[dict[str, Any]]:
    data = c.load(path)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        c.add(path, "file", "expected a list of mappings")
        return []
    return data


def _unique_ids(c: Collector, path: Path, ids: list[str]) -> list[str]:
    for value, n in Counter(ids).items():
        if n > 1:
            c.add(path, "id", f"{value!r} is used {n} times")
    return ids


def _load_places(c: Collector, root: Path, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
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
