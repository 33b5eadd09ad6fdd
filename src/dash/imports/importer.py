"""Import an export file into the store: validate every row, write in one transaction.

A file with bad rows is refused whole (nothing written, a report naming line, column, value and
reason) unless ``skip_invalid`` is set; then the good rows are stored and the bad ones written to
a rejects CSV. Either way the database is never half-written: the rows go in inside a single
transaction, so an error, Ctrl-C or a killed process leaves it exactly as before.

Importing the same file again changes nothing; a newer export of the same events updates them
and records every changed value in ``revisions``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import store
from .adapters import ADAPTERS, Converted, RowError
from .rows import DocumentRow, EventRow
from .source import CsvSource, ImportRefused

MAX_REPORTED = 50


@dataclass
class Reject:
    line: int
    column: str
    value: str
    reason: str
    row: dict[str, str]


@dataclass
class ImportReport:
    origin: str
    file: Path
    sha256: str = ""
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Reject] = field(default_factory=list)
    skipped: str = ""
    status: str = "ok"
    import_id: int | None = None
    seconds: float = 0.0
    rejects_file: Path | None = None

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def summary(self) -> str:
        rate = self.rows_read / self.seconds if self.seconds else 0
        parts = [
            f"{self.rows_read:,} rows read in {self.seconds:.1f} s ({rate:,.0f} rows/s)",
            f"{self.inserted:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged",
            f"{len(self.rejected):,} rejected",
        ]
        if self.skipped:
            parts.append(self.skipped)
        return "; ".join(parts)


class ImportFailed(Exception):
    """Bad rows and no ``skip_invalid``: nothing was written. Carries the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{len(report.rejected):,} invalid row(s) in {report.file}; nothing was imported"
        )
        self.report = report


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


BATCH_ROWS = 2000
# Bulk-write settings for the import's connection: a large page cache keeps the indexes being
# extended in memory, and temporary b-trees stay in RAM. Durability is untouched: the import is
# still one transaction, committed (and synced) once.
BULK_PRAGMAS = ("PRAGMA cache_size = -262144", "PRAGMA temp_store = MEMORY")


class _FullTextDeferred:
    """Index the import's new events for full-text search in one statement at the end.

    The per-row insert trigger costs ten times more than one INSERT … SELECT over the same rows,
    so it is dropped for the import and recreated, with the same SQL, before the commit. Both
    happen inside the import's transaction: a refused or failed import rolls them back too, and
    no reader ever sees the trigger missing. Updates keep their own trigger.
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
        if self.trigger_sql:
            db.execute(f"DROP TRIGGER {self.TRIGGER}")

    def catch_up(self) -> None:
        if not self.trigger_sql:
            return
        columns = ", ".join(
            f'"{r[1]}"' for r in self.db.execute("PRAGMA table_info(events_fts)").fetchall()
        )
        self.db.execute(
            f"INSERT INTO events_fts (rowid, {columns}) "  # noqa: S608 - names from the schema
            f"SELECT rowid, {columns} FROM events WHERE rowid > :after",
            {"after": self.after_rowid},
        )
        self.db.execute(self.trigger_sql)


# One validated row as the store's rows, values in the order of their columns (positional
# parameters: binding a million rows by name costs seconds of string lookups): the event, its
# documents, its event_sources links.
EVENT_COLUMNS = tuple(EventRow.model_fields)
DOCUMENT_COLUMNS = tuple(DocumentRow.model_fields)
Records = tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _records(converted: Converted) -> Records:
    return (
        tuple(converted.event.record().values()),
        [tuple(d.record().values()) for d in converted.documents],
        [(s.event_id, s.document_id) for s in converted.sources],
    )


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608 - fixed names


_INSERT_EVENT = _insert("events", EVENT_COLUMNS)
_UPSERT_DOCUMENT = _insert("documents", DOCUMENT_COLUMNS) + (
    " ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{k} = excluded.{k}" for k in DOCUMENT_COLUMNS if k != "id")
)


class _Writer:
    """Writes batches of validated rows: one existence query and executemany per table."""

    def __init__(self, db: Database, import_id: int, report: ImportReport) -> None:
        self.db, self.import_id, self.report = db, import_id, report
        self.documents: set[str] = set()

    def write(self, batch: list[Records]) -> None:
        events = [event for event, _, _ in batch]
        existing = self._existing([e[0] for e in events])
        new = [e for e in events if e[0] not in existing]
        if new:
            self.db.conn.executemany(_INSERT_EVENT, new)
            self.report.inserted += len(new)
        for event in events:
            if event[0] in existing:
                self._update(dict(zip(EVENT_COLUMNS, event, strict=True)), existing[event[0]])
        # A document shared by many rows (one ACLED source line) is written once per import.
        documents = [d for _, docs, _ in batch for d in docs if d[0] not in self.documents]
        self.documents.update(d[0] for d in documents)
        if documents:
            self.db.conn.executemany(_UPSERT_DOCUMENT, documents)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO event_sources (event_id, document_id) VALUES (?, ?)",
            [link for _, _, links in batch for link in links],
        )

    def _existing(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        cursor = self.db.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events "  # noqa: S608 - fixed names
            "WHERE id IN (SELECT value FROM json_each(:ids))",
            {"ids": json.dumps(ids)},
        )
        return {row[0]: dict(zip(EVENT_COLUMNS, row, strict=True)) for row in cursor}

    def _update(self, record: dict[str, Any], old: dict[str, Any]) -> None:
        changed = {k: v for k, v in record.items() if old.get(k) != v}
        if not changed:
            self.report.unchanged += 1
            return
        assignments = ", ".join(f"{k} = :{k}" for k in changed)
        sql = f"UPDATE events SET {assignments} WHERE id = :id"  # noqa: S608 - fixed column names
        self.db.execute(sql, {**changed, "id": record["id"]})
        self.db.conn.executemany(
            """INSERT INTO revisions (table_name, row_id, column_name, old_value, new_value,
                                      import_id, changed_at)
               VALUES ('events', ?, ?, ?, ?, ?, ?)""",
            [
                (
                    record["id"],
                    k,
                    None if old[k] is None else str(old[k]),
                    None if v is None else str(v),
                    self.import_id,
                    _now(),
                )
                for k, v in changed.items()
            ],
        )
        self.report.updated += 1


def import_file(
    db: Database,
    path: str | os.PathLike[str],
    origin: str,
    *,
    skip_invalid: bool = False,
    rejects_path: str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> ImportReport:
    """Import one export file; raises ImportFailed (nothing written) or ImportRefused."""
    source = CsvSource(path, encoding)
    report = ImportReport(origin=origin, file=Path(path), sha256=store.file_sha256(path))
    started = time.perf_counter()
    started_at = _now()
    refused = False
    for pragma in BULK_PRAGMAS:
        db.execute(pragma)
    try:
        with _without_cycle_collection(), db.atomic():
            cursor = db.execute(
                """INSERT INTO imports (origin, file, sha256, started_at, status)
                   VALUES (:origin, :file, :sha, :started, 'failed')""",
                {
                    "origin": origin,
                    "file": report.file.name,
                    "sha": report.sha256,
                    "started": started_at,
                },
            )
            report.import_id = cursor.lastrowid
            writer = _Writer(db, report.import_id, report)
            suspended = _FullTextDeferred(db)
            for batch, bytes_read in _batches(source, origin, report, skip_invalid):
                writer.write(batch)
                if progress:
                    progress(bytes_read, source.size, report.rows_read)
            suspended.catch_up()
            store.refresh_statistics(db)
            report.seconds = time.perf_counter() - started
            report.skipped = _skipped(source)
            if report.rejected and not skip_invalid:
                refused = True
                raise _Rollback
            report.status = "ok"
            db.execute(
                """UPDATE imports SET finished_at = :finished, rows_read = :read,
                          rows_stored = :stored, rows_rejected = :rejected, status = 'ok',
                          message = :message WHERE id = :id""",
                {
                    "finished": _now(), "read": report.rows_read, "stored": report.stored,
                    "rejected": len(report.rejected), "message": report.summary(), "id": report.import_id,
                },
            )  # fmt: skip
    except _Rollback:
        pass
    if progress:
        progress(source.size, source.size, report.rows_read)
    if report.rejected:
        report.rejects_file = _write_rejects(report, source.header, rejects_path)
    if refused:
        report.status = "rejected"
        _log_refusal(db, report, started_at)
        raise ImportFailed(report)
    return report


def _validated_batches(
    source: CsvSource,
    adapter: Callable[[dict[str, str]], Converted],
    id_column: str,
    report: ImportReport,
    skip_invalid: bool,
    batch_rows: int,
) -> Iterator[list[Records]]:
    """Every row validated and converted to records, in batches; bad rows go to the report."""
    seen: dict[str, int] = {}
    batch: list[Records] = []
    for line, row in source.rows(id_column):
        report.rows_read += 1
        try:
            converted = adapter(row)
            first = seen.setdefault(converted.event.id, line)
            if first != line:
                raise RowError(
                    id_column, converted.event.origin_id, f"repeats the event of line {first}"
                )
        except RowError as err:
            report.rejected.append(Reject(line, err.column, str(err.value), err.reason, row))
            continue
        if report.rejected and not skip_invalid:
            continue  # keep validating, for a full report; nothing will be kept
        batch.append(_records(converted))
        if len(batch) >= batch_rows:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while rows stream through.

    Validation allocates millions of short-lived, acyclic objects; the collector's passes over
    them cost about a fifth of an import's time and free nothing (reference counting does).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Files from this size on are validated in a second process while this one writes: on two
# cores a million-row import then takes the longer of the two halves, not their sum. Smaller
# files are validated here (starting a process costs about a second).
PARALLEL_BYTES = 2_000_000


def _batches(
    source: CsvSource, origin: str, report: ImportReport, skip_invalid: bool
) -> Iterator[tuple[list[Records], int]]:
    """Validated batches with the bytes read so far; fills the report's rows and rejects."""
    adapter, id_column = ADAPTERS[origin]
    if source.size < PARALLEL_BYTES:
        for batch in _validated_batches(
            source, adapter, id_column, report, skip_invalid, BATCH_ROWS
        ):
            yield batch, source.bytes_read
        return
    arguments = json.dumps(
        {
            "path": str(source.path),
            "encoding": source.encoding,
            "origin": origin,
            "skip_invalid": skip_invalid,
            "batch_rows": BATCH_ROWS,
        }
    )
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally; a file, not a pipe: a chatty child cannot block on it
    worker = subprocess.Popen(
        [sys.executable, "-m", "dash.imports.worker", arguments],
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    try:
        while True:
            try:
                message = pickle.load(worker.stdout)  # noqa: S301 - our own child process
            except EOFError:
                worker.wait()
                errors.seek(0)
                detail = errors.read().decode(errors="replace")[-2000:]
                raise RuntimeError(
                    f"the validating process stopped unexpectedly: {detail}"
                ) from None
            if message[0] == "batch":
                _, batch, bytes_read, report.rows_read = message
                yield batch, bytes_read
            elif message[0] == "done":
                _, report.rows_read, report.rejected, source.stats, source.header = message
                return
            else:
                raise message[1]
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        worker.stdout.close()
        errors.close()


class _Rollback(Exception):
    """Raised inside the transaction to undo it when the file is refused."""


def _skipped(source: CsvSource) -> str:
    parts = []
    if source.stats.hxl_rows:
        parts.append(f"{source.stats.hxl_rows} HXL hashtag row(s) skipped")
    if source.stats.totals_rows:
        lines = ", ".join(str(n) for n in source.stats.totals_rows[:5])
        parts.append(f"totals row(s) skipped at line {lines}")
    if source.stats.blank_rows:
        parts.append(f"{source.stats.blank_rows} blank row(s) skipped")
    return "; ".join(parts)


def _log_refusal(db: Database, report: ImportReport, started_at: str) -> None:
    """Record the refused import in the log (its own small transaction; no data rows)."""
    first = report.rejected[0]
    message = (
        f"refused: {len(report.rejected):,} invalid row(s) of {report.rows_read:,}; first at line "
        f"{first.line}, column {first.column} ({first.reason}); nothing was imported"
    )
    with db.atomic():
        cursor = db.execute(
            """INSERT INTO imports (origin, file, sha256, started_at, finished_at, rows_read,
                                    rows_stored, rows_rejected, status, message)
               VALUES (:origin, :file, :sha, :started, :finished, :read, 0, :rejected, 'rejected', :message)""",
            {
                "origin": report.origin, "file": report.file.name, "sha": report.sha256,
                "started": started_at, "finished": _now(), "read": report.rows_read,
                "rejected": len(report.rejected), "message": message,
            },
        )  # fmt: skip
        report.import_id = cursor.lastrowid


def _write_rejects(
    report: ImportReport, header: list[str], target: str | os.PathLike[str] | None
) -> Path:
    path = Path(target) if target else report.file.with_name(report.file.stem + ".rejects.csv")
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["line", "column", "value", "reason", *header])
        for r in report.rejected:
            writer.writerow(
                [r.line, r.column, r.value, r.reason, *(r.row.get(h, "") for h in header)]
            )
    tmp.replace(path)
    return path


def describe_rejects(report: ImportReport, limit: int = MAX_REPORTED) -> list[str]:
    lines = [
        f"line {r.line}, column {r.column}, value {r.value!r}: {r.reason}"
        for r in report.rejected[:limit]
    ]
    if len(report.rejected) > limit:
        lines.append(f"… and {len(report.rejected) - limit:,} more (all in {report.rejects_file})")
    return lines


__all__ = ["ImportFailed", "ImportRefused", "ImportReport", "describe_rejects", "import_file"]
