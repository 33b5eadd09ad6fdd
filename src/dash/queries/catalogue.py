"""What the store says about its sources and itself: documents, the trackers' published
figures, the import log, the registered origins and their licences, data-quality notes by kind,
and how current the data is. Named parameters only, as everywhere in ``dash.queries``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlite_utils import Database

from ..filters import Filters
from . import _iter_rows, _rows

_DOCUMENT_FIELDS = """
    d.id AS document_id, d.publisher, d.title, d.published, d.kind, d.language,
    d.original_agency, d.url, d.citation,
    (SELECT count(*) FROM claims c WHERE c.document_id = d.id) AS n_claims
"""


def iter_documents(db: Database) -> Iterator[dict[str, Any]]:
    return _iter_rows(
        db,
        f"SELECT {_DOCUMENT_FIELDS} FROM documents d ORDER BY d.publisher, d.published, d.id",  # noqa: S608
        {},
    )


def iter_documents_for(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    """Documents behind the matching events (their claims' and their own sources)."""
    where, params = filters.where()
    return _iter_rows(
        db,
        f"""SELECT {_DOCUMENT_FIELDS}
              FROM documents d
             WHERE d.id IN (SELECT s.document_id FROM event_sources s
                             JOIN events e ON e.id = s.event_id WHERE {where})
             ORDER BY d.publisher, d.published, d.id""",  # noqa: S608
        params,
    )


def documents_cited_only_by(db: Database, origins: Iterable[str]) -> set[str]:
    """Documents whose every citing event belongs to one of ``origins``."""
    rows = db.execute(
        """SELECT s.document_id FROM event_sources s JOIN events e ON e.id = s.event_id
            GROUP BY s.document_id
           HAVING sum(e.origin IN (SELECT value FROM json_each(:origins))) = count(*)""",
        {"origins": json.dumps(sorted(origins))},
    )
    return {r[0] for r in rows}


def documents_list(db: Database, limit: int = 1000) -> list[dict[str, Any]]:
    """The first ``limit`` documents in the order of iter_documents (which streams them all)."""
    return _rows(
        db,
        f"""SELECT {_DOCUMENT_FIELDS}
             FROM (SELECT * FROM documents ORDER BY publisher, published, id LIMIT :limit) d
            ORDER BY d.publisher, d.published, d.id""",  # noqa: S608
        {"limit": limit},
    )


def count_documents(db: Database) -> int:
    return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def tracker_statistics(db: Database) -> list[dict[str, Any]]:
    return _rows(
        db,
        """SELECT s.tracker, s.report, s.period_start, s.period_end, s.period_note, s.region,
                  s.metric, s.value, s.qualifier, s.definition, s.note,
                  d.publisher, d.url, d.published AS document_date
             FROM statistics s JOIN documents d ON d.id = s.document_id
            ORDER BY s.tracker, s.period_start, s.region, s.metric""",
    )


def import_log(db: Database) -> list[dict[str, Any]]:
    return _rows(
        db,
        """SELECT id, origin, file, sha256, started_at, finished_at, rows_read, rows_stored,
                  rows_rejected, status, message FROM imports ORDER BY id DESC""",
    )


def dataset_meta(db: Database) -> dict[str, str]:
    return {r["key"]: r["value"] for r in _rows(db, "SELECT key, value FROM dataset_meta")}


def data_as_of(db: Database) -> str | None:
    """What the data is as of, computed from it: the latest event, the latest import, and the
    day the curated record was last checked ('events to 2026-03-18 · last import 2026-11-29')."""
    last_event = db.execute("SELECT max(date_end) FROM events").fetchone()[0]
    last_import = db.execute(
        "SELECT max(substr(finished_at, 1, 10)) FROM imports WHERE status = 'ok' AND origin <> 'curated'"
    ).fetchone()[0]
    checked = dataset_meta(db).get("as_of")
    parts = [f"events to {last_event}" if last_event else None,
             f"last import {last_import}" if last_import else None,
             f"curated record checked {checked}" if checked else None]  # fmt: skip
    return " · ".join(p for p in parts if p) or None


def curated_coverage(db: Database) -> dict[str, Any]:
    """How many curated events the store holds, and the span of their dates."""
    return _rows(
        db,
        """SELECT count(*) AS events, min(date_start) AS first, max(date_end) AS last
             FROM events WHERE origin = 'curated'""",
    )[0]


def store_region(db: Database) -> tuple[str, ...]:
    """The countries imports keep (dash.regions)."""
    from ..regions import region

    return region(db)


def origins_registry(db: Database) -> list[dict[str, Any]]:
    """Every registered origin with its licence, how many events it holds, and how many of
    them are unvetted (UCDP's candidate events, ``imports.ucdp.status_of``)."""
    return _rows(
        db,
        """SELECT o.id, o.name, o.licence, o.terms, o.url,
                  (SELECT count(*) FROM events e WHERE e.origin = o.id) AS events,
                  CASE WHEN o.id = 'ucdp' THEN
                      (SELECT count(*) FROM events e WHERE e.origin = 'ucdp'
                          AND json_extract(e.extra, '$.ucdp_status') IS NOT NULL)
                  ELSE 0 END AS unvetted
             FROM origins o ORDER BY events DESC, o.id""",
    )


def quality_notes_by_kind(db: Database) -> list[dict[str, Any]]:
    """How many events carry each kind of data-quality note, per origin."""
    return _rows(
        db,
        """SELECT q.kind, e.origin, count(*) AS events, min(q.detail) AS example
             FROM quality_notes q JOIN events e ON e.id = q.event_id
            GROUP BY q.kind, e.origin ORDER BY events DESC""",
    )
