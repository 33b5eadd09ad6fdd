"""Writing validated rows in batches: inserts, updates with revisions, documents once per
import, further places and data-quality notes, and the full-text index caught up batch by batch."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from .parsing import Converted
from .report import ImportReport, now
from .rows import DocumentRow, EventRow

# The import's page cache in MiB (setting EVENTS_IMPORT_CACHE_MB): large, so the indexes being
# extended stay in memory; lower it on a small machine. Pages beyond it spill into the -wal file
# before the commit, which readers ignore until then.
CACHE_ENV = "EVENTS_IMPORT_CACHE_MB"
DEFAULT_CACHE_MB = 256


def bulk_pragmas() -> tuple[str, ...]:
    """Bulk-write settings for the import's connection: the page cache above, temporary b-trees
    in RAM. Durability is untouched: the import is still one transaction, committed once."""
    try:
        mib = max(1, int(os.environ.get(CACHE_ENV, DEFAULT_CACHE_MB)))
    except ValueError:
        mib = DEFAULT_CACHE_MB
    return (f"PRAGMA cache_size = -{mib * 1024}", "PRAGMA temp_store = MEMORY")


class FullTextDeferred:
    """Index the import's new events for full-text search batch by batch, not row by row.

    The per-row insert trigger costs ten times more than one INSERT … SELECT over the same rows,
    so it is dropped for the import and recreated, with the same SQL, before the commit. Both
    happen inside the import's transaction: a refused or failed import rolls them back too, and
    no reader ever sees the trigger missing. Updates keep their own trigger. The rows are
    indexed after each batch (``index_new``): the importing process would otherwise wait for the
    validating one there, and do all of it at the end, after the validation.
    """

    TRIGGER = "events_ai"

    def __init__(self, db: Database) -> None:
        self.db = db
        row = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name",
            {"name": self.TRIGGER},
        ).fetchone()
        self.trigger_sql: str | None = row[0] if row else None
        # New rows get rowids above the current maximum (no AUTOINCREMENT gaps to reuse).
        self.after_rowid = db.execute("SELECT coalesce(max(rowid), 0) FROM events").fetchone()[0]
        self.indexed_rowid = self.after_rowid
        if self.trigger_sql:
            db.execute(f"DROP TRIGGER {self.TRIGGER}")
            columns = db.execute("PRAGMA table_info(events_fts)").fetchall()
            names = ", ".join(f'"{r[1]}"' for r in columns)
            self.insert_sql = (
                f"INSERT INTO events_fts (rowid, {names}) "  # noqa: S608 - names from the schema
                f"SELECT rowid, {names} FROM events WHERE rowid > :after"
            )

    def index_new(self) -> None:
        """Index the events written since the last call."""
        if not self.trigger_sql:
            return
        self.db.execute(self.insert_sql, {"after": self.indexed_rowid})
        self.indexed_rowid = self.db.execute("SELECT max(rowid) FROM events").fetchone()[0]

    def catch_up(self) -> None:
        if not self.trigger_sql:
            return
        self.index_new()
        self.db.execute(self.trigger_sql)


# One validated row as the store's rows, values in the order of their columns (positional
# parameters: binding a million rows by name costs seconds of string lookups): the event, its
# documents, its event_sources links, its further places and its data-quality notes.
EVENT_COLUMNS = tuple(EventRow.model_fields)
DOCUMENT_COLUMNS = tuple(DocumentRow.model_fields)
Records = tuple[
    tuple[Any, ...],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
    list[tuple[Any, ...]],
]


def records_of(converted: Converted) -> Records:
    return (
        tuple(converted.event.record().values()),
        [tuple(d.record().values()) for d in converted.documents],
        [(s.event_id, s.document_id) for s in converted.sources],
        [(p.event_id, p.country, p.admin1, p.admin2, p.as_published) for p in converted.places],
        [(n.event_id, n.kind, n.detail) for n in converted.notes],
    )


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 - fixed names


_INSERT_EVENT = _insert("events", EVENT_COLUMNS)
_UPSERT_DOCUMENT = _insert("documents", DOCUMENT_COLUMNS) + (
    " ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{k} = excluded.{k}" for k in DOCUMENT_COLUMNS if k != "id")
)


def rows_listed(table: str, key: str, columns: Sequence[str]) -> str:
    """SQL selecting ``columns`` of the rows of ``table`` whose ``key`` is in the JSON list
    ``:ids``, looked up one by one through the key's index.

    ``key IN (SELECT value FROM json_each(:ids))`` lets the planner choose, and during an import
    it chooses from statistics of the store as it was: with the shipped 87 events it scans the
    table for every batch, so a million-row import spent over half its time re-reading the rows
    it had just written. CROSS JOIN fixes the order (SQLite's documented override). A repeated
    id gives its row again, as a join does.
    """
    selected = ", ".join(f"{table}.{c}" for c in columns)  # json_each has an "id" column too
    return (
        f"SELECT {selected} FROM json_each(:ids) AS listed "  # noqa: S608 - fixed names
        f"CROSS JOIN {table} ON {table}.{key} = listed.value"
    )


def delete_events(db: Database, ids: Sequence[str], import_id: int | None, why: str) -> list[str]:
    """Delete those of ``ids`` the store holds, each kept whole in a revision named ``(why)``;
    return them. The documents only they cited go too (an ACLED or UCDP event's own source
    line), kept the same way: left behind, they would be listed and counted as sources of
    nothing. Runs inside the caller's transaction."""
    listed = json.dumps(list(dict.fromkeys(ids)))  # each once: a repeat would be deleted twice
    present = [r[0] for r in db.execute(rows_listed("events", "id", ["id"]), {"ids": listed})]
    cited = json.dumps(
        [r[0] for r in db.execute(rows_listed("event_sources", "event_id", ["document_id"]),
                                  {"ids": json.dumps(present)})]
    )  # fmt: skip
    for event_id in present:
        _keep_in_revisions(db, "events", event_id, import_id, why)
        db.execute("DELETE FROM events WHERE id = :id", {"id": event_id})
    remove_uncited(db, cited, import_id, why)
    return present


def remove_uncited(db: Database, ids: str, import_id: int | None, why: str) -> None:
    """Delete the documents among ``ids`` (a JSON list) that nothing cites any more, each kept
    whole in a revision named ``(why)``."""
    for (document_id,) in db.execute(_UNCITED, {"ids": ids}).fetchall():
        _keep_in_revisions(db, "documents", document_id, import_id, why)
        db.execute("DELETE FROM documents WHERE id = :id", {"id": document_id})


# Of the documents listed in :ids, those nothing cites any more: no event, claim, tracker
# figure, link or place refers to them. The columns without an index on the document are read
# once (an uncorrelated IN), not once per document.
_UNCITED = """SELECT DISTINCT d.id FROM json_each(:ids) AS listed CROSS JOIN documents AS d
                ON d.id = listed.value
              WHERE NOT EXISTS (SELECT 1 FROM event_sources WHERE document_id = d.id)
                AND NOT EXISTS (SELECT 1 FROM claims WHERE document_id = d.id)
                AND NOT EXISTS (SELECT 1 FROM statistics WHERE document_id = d.id)
                AND d.id NOT IN (SELECT document_id FROM event_links
                                 WHERE document_id IS NOT NULL)
                AND d.id NOT IN (SELECT place_source_id FROM events
                                 WHERE place_source_id IS NOT NULL)"""


def _keep_in_revisions(
    db: Database, table: str, row_id: str, import_id: int | None, why: str
) -> None:
    """Record the whole row ``row_id`` of ``table`` (keyed by ``id``) as a revision ``(why)``
    ahead of its deletion."""
    cursor = db.execute(f"SELECT * FROM {table} WHERE id = :id", {"id": row_id})  # noqa: S608 - fixed names
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    db.execute(
        """INSERT INTO revisions (table_name, row_id, column_name, old_value, new_value,
                                  import_id, changed_at)
           VALUES (:table, :id, :why, :old, NULL, :import_id, :at)""",
        {"table": table, "id": row_id, "why": f"({why})", "import_id": import_id, "at": now(),
         "old": json.dumps(dict(zip(names, row, strict=True)), default=str)},
    )  # fmt: skip


_INSERT_REVISION = (
    "INSERT INTO revisions (table_name, row_id, column_name, old_value, new_value, import_id,"
    " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class BatchWriter:
    """Writes batches of validated rows: one existence query and executemany per table."""

    def __init__(self, db: Database, import_id: int, report: ImportReport) -> None:
        self.db, self.import_id, self.report = db, import_id, report
        self.documents: set[str] = set()
        self.updated: list[str] = []  # ids of events this import changed
        self.dropped: set[str] = set()  # documents an updated event no longer cites

    def finish(self) -> None:
        """After the last batch: remove the documents the import left cited by nothing (a later
        batch may cite again one an earlier batch dropped)."""
        if self.dropped:
            ids = json.dumps(sorted(self.dropped))
            remove_uncited(self.db, ids, self.import_id, "cited by no event any more")

    def write(self, batch: list[Records]) -> None:
        events = [records[0] for records in batch]
        existing = self._existing([e[0] for e in events])
        new = [e for e in events if e[0] not in existing]
        if new:
            self.db.conn.executemany(_INSERT_EVENT, new)
            self.report.inserted += len(new)
        links = [link for _, _, event_links, _, _ in batch for link in event_links]
        cited_before = self._sources(existing, links) if existing else {}
        for event in events:
            if event[0] in existing:
                record = dict(zip(EVENT_COLUMNS, event, strict=True))
                self._update(record, existing[event[0]], cited_before.get(event[0]))
        # A document shared by many rows (one ACLED source line) is written once per import.
        documents = [d for _, docs, *_ in batch for d in docs if d[0] not in self.documents]
        self.documents.update(d[0] for d in documents)
        if documents:
            self._revise_documents(documents)
            self.db.conn.executemany(_UPSERT_DOCUMENT, documents)
        # A newer export's sources replace the old ones of the events it updates.
        self.db.conn.executemany(
            "DELETE FROM event_sources WHERE event_id = ?", [(e,) for e in cited_before]
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO event_sources (event_id, document_id) VALUES (?, ?)", links
        )
        self.dropped.update(d for old, _ in cited_before.values() for d in old)
        # A newer export's places and notes replace the old ones of the events it updates.
        if existing:
            for table in ("event_places", "quality_notes"):
                self.db.conn.executemany(
                    f"DELETE FROM {table} WHERE event_id = ?",  # noqa: S608 - fixed names
                    [(event_id,) for event_id in existing],
                )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO event_places (event_id, country, admin1, admin2, as_published)"
            " VALUES (?, ?, ?, ?, ?)",
            [place for *_, places, _ in batch for place in places],
        )
        notes = [note for *_, notes in batch for note in notes]
        self.db.conn.executemany(
            "INSERT INTO quality_notes (event_id, kind, detail) VALUES (?, ?, ?)"
            " ON CONFLICT (event_id, kind) DO UPDATE SET detail = detail || '; ' || excluded.detail",
            notes,
        )

    def _existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        cursor = self.db.execute(
            rows_listed("events", "id", EVENT_COLUMNS), {"ids": json.dumps(ids)}
        )
        return {row[0]: dict(zip(EVENT_COLUMNS, row, strict=True)) for row in cursor}

    def _revise_documents(self, documents: list[tuple[Any, ...]]) -> None:
        """Record, as revisions, what a newer export changes in documents the store holds."""
        listed = rows_listed("documents", "id", DOCUMENT_COLUMNS)
        known = {
            row[0]: row
            for row in self.db.execute(listed, {"ids": json.dumps([d[0] for d in documents])})
        }
        changes = [
            ("documents", d[0], column, _text(before), _text(after), self.import_id, now())
            for d in documents
            if (old := known.get(d[0])) is not None and tuple(old) != tuple(d)
            for column, before, after in zip(DOCUMENT_COLUMNS, old, d, strict=True)
            if before != after
        ]
        self.db.conn.executemany(_INSERT_REVISION, changes)

    def _sources(
        self, existing: dict[str, dict[str, Any]], links: list[tuple[str, str]]
    ) -> dict[str, tuple[list[str], list[str]]]:
        """The known events whose sources the batch changes: id -> (documents cited before,
        documents cited now)."""
        before: dict[str, set[str]] = {e: set() for e in existing}
        listed = rows_listed("event_sources", "event_id", ["event_id", "document_id"])
        for event_id, document_id in self.db.execute(listed, {"ids": json.dumps(list(existing))}):
            before[event_id].add(document_id)
        now_cited: dict[str, set[str]] = {e: set() for e in existing}
        for event_id, document_id in links:
            if event_id in now_cited:
                now_cited[event_id].add(document_id)
        return {
            e: (sorted(before[e]), sorted(now_cited[e]))
            for e in existing
            if before[e] != now_cited[e]
        }

    def _update(
        self,
        record: dict[str, Any],
        old: dict[str, Any],
        sources: tuple[list[str], list[str]] | None = None,
    ) -> None:
        changed = {k: v for k, v in record.items() if old.get(k) != v}
        if not changed and sources is None:
            self.report.unchanged += 1
            return
        if changed:
            assignments = ", ".join(f"{k} = :{k}" for k in changed)
            sql = f"UPDATE events SET {assignments} WHERE id = :id"  # noqa: S608 - fixed column names
            self.db.execute(sql, {**changed, "id": record["id"]})
        if sources is not None:  # the links to documents, recorded like a column
            old["(sources)"], changed["(sources)"] = ("; ".join(ids) for ids in sources)
        self.db.conn.executemany(
            _INSERT_REVISION,
            [
                ("events", record["id"], k, _text(old[k]), _text(v), self.import_id, now())
                for k, v in changed.items()
            ],
        )
        self.report.updated += 1
        self.updated.append(record["id"])
