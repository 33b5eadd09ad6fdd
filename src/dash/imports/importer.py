"""Import an export file into the store: validate every row, write in one transaction.

Every row the source publishes is kept: a row whose figures break the store's rules is stored
with a documented repair and a data-quality note (see ``parsing``). Only a row that cannot be
stored truthfully (no id, no date, a truncated record) is refused, named by the first line of its
record; then the file is refused whole (nothing written, a report naming line, column, value and
reason) unless ``skip_invalid`` is set, which stores the good rows and writes the bad ones to a
rejects CSV. Rows outside the store's region are left out and counted by country. An import that
stores nothing is refused. The rows go in inside a single transaction, so an error, Ctrl-C or a
killed process leaves the database exactly as before.

Importing the same file again changes nothing; a newer export of the same events updates them
and records every changed value in ``revisions``. Possible duplicates across origins are found
for the rows just written (``duplicates.find_for``) and stored, so no page computes them.
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
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import regions, store
from . import duplicates
from .adapters import ADAPTERS, Format
from .parsing import AmbiguousDates, Converted, ReadOptions, RowError
from .rows import DocumentRow, EventRow
from .source import TRUNCATED, CsvSource, ImportRefused

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
    # Rows left out because their country is outside the store's region, by country.
    outside_region: Counter[str] = field(default_factory=Counter)
    # Data-quality notes on the stored rows, by kind.
    notes: Counter[str] = field(default_factory=Counter)
    # Place spellings the gazetteer does not know: (level, spelling) -> rows.
    unknown_places: Counter[tuple[str, str]] = field(default_factory=Counter)
    region: tuple[str, ...] = ()
    duplicate_pairs: int = 0
    duplicate_seconds: float = 0.0

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
        if self.outside_region:
            parts.append(
                f"{sum(self.outside_region.values()):,} outside the region "
                f"({', '.join(self.region)}) left out: " + _counted(self.outside_region)
            )
        if self.notes:
            parts.append("data-quality notes: " + _counted(self.notes))
        if self.unknown_places:
            parts.append(
                "place spellings not in the gazetteer, kept as published: "
                + _counted(
                    Counter(
                        {f"{lvl} {name!r}": n for (lvl, name), n in self.unknown_places.items()}
                    )
                )
            )
        if self.duplicate_pairs:
            parts.append(f"{self.duplicate_pairs:,} possible duplicate pair(s) across origins")
        if self.skipped:
            parts.append(self.skipped)
        return "; ".join(parts)


def _counted(counter: Counter[str], limit: int = 12) -> str:
    items = [f"{name} {n:,}" for name, n in counter.most_common(limit)]
    if len(counter) > limit:
        items.append(f"… {len(counter) - limit} more")
    return ", ".join(items)


class ImportFailed(Exception):
    """Bad rows and no ``skip_invalid``, or nothing to store: nothing was written.

    Carries the report."""

    def __init__(self, report: ImportReport, reason: str = "invalid rows") -> None:
        if reason == "invalid rows":
            message = (
                f"{len(report.rejected):,} invalid row(s) in {report.file}; nothing was imported"
            )
        else:
            message = f"{report.file}: nothing was imported: {reason}"
        super().__init__(message)
        self.report = report
        self.reason = reason


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


BATCH_ROWS = 2000
# The import's page cache in MiB (setting EVENTS_IMPORT_CACHE_MB): large, so the indexes being
# extended stay in memory; lower it on a small machine. Pages beyond it spill into the -wal file
# before the commit, which readers ignore until then.
CACHE_ENV = "EVENTS_IMPORT_CACHE_MB"
DEFAULT_CACHE_MB = 256


def _bulk_pragmas() -> tuple[str, ...]:
    """Bulk-write settings for the import's connection: the page cache above, temporary b-trees
    in RAM. Durability is untouched: the import is still one transaction, committed once."""
    try:
        mib = max(1, int(os.environ.get(CACHE_ENV, DEFAULT_CACHE_MB)))
    except ValueError:
        mib = DEFAULT_CACHE_MB
    return (f"PRAGMA cache_size = -{mib * 1024}", "PRAGMA temp_store = MEMORY")


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


def _records(converted: Converted) -> Records:
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


class _Writer:
    """Writes batches of validated rows: one existence query and executemany per table."""

    def __init__(self, db: Database, import_id: int, report: ImportReport) -> None:
        self.db, self.import_id, self.report = db, import_id, report
        self.documents: set[str] = set()
        self.updated: list[str] = []  # ids of events this import changed

    def write(self, batch: list[Records]) -> None:
        events = [records[0] for records in batch]
        existing = self._existing([e[0] for e in events])
        new = [e for e in events if e[0] not in existing]
        if new:
            self.db.conn.executemany(_INSERT_EVENT, new)
            self.report.inserted += len(new)
        for event in events:
            if event[0] in existing:
                self._update(dict(zip(EVENT_COLUMNS, event, strict=True)), existing[event[0]])
        # A document shared by many rows (one ACLED source line) is written once per import.
        documents = [d for _, docs, *_ in batch for d in docs if d[0] not in self.documents]
        self.documents.update(d[0] for d in documents)
        if documents:
            self.db.conn.executemany(_UPSERT_DOCUMENT, documents)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO event_sources (event_id, document_id) VALUES (?, ?)",
            [link for _, _, links, _, _ in batch for link in links],
        )
        # A newer export's places and notes replace the old ones of the events it updates.
        if existing:
            ids = json.dumps(list(existing))
            for table in ("event_places", "quality_notes"):
                self.db.execute(
                    f"DELETE FROM {table} WHERE event_id IN (SELECT value FROM json_each(:ids))",  # noqa: S608 - fixed names
                    {"ids": ids},
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
        self.updated.append(record["id"])


@dataclass(frozen=True)
class ImportOptions:
    """What the user said about a file: how to read it and what to keep."""

    skip_invalid: bool = False
    rejects_path: str | os.PathLike[str] | None = None
    encoding: str | None = None
    date_order: str | None = None  # "dmy" / "mdy" for dates such as 05/09/2020
    all_countries: bool = False  # keep rows outside the store's region


def import_file(
    db: Database,
    path: str | os.PathLike[str],
    origin: str | Format,
    *,
    skip_invalid: bool = False,
    rejects_path: str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    date_order: str | None = None,
    all_countries: bool = False,
    delimiter: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> ImportReport:
    """Import one export file; raises ImportFailed (nothing written) or ImportRefused."""
    fmt = ADAPTERS[origin] if isinstance(origin, str) else origin
    options = ImportOptions(skip_invalid, rejects_path, encoding, date_order, all_countries)
    if encoding and encoding.replace("-", "").replace("_", "").lower() == "utf8":
        encoding = "utf-8-sig"  # a byte-order mark is not part of the first column's name
    source = CsvSource(path, encoding, delimiter)
    report = ImportReport(origin=fmt.origin, file=Path(path), sha256=store.file_sha256(path))
    report.region = () if all_countries else regions.region(db)
    started = time.perf_counter()
    started_at = _now()
    refusal = ""
    for pragma in _bulk_pragmas():
        db.execute(pragma)
    try:
        with _without_cycle_collection(), db.atomic():
            cursor = db.execute(
                """INSERT INTO imports (origin, file, sha256, started_at, status)
                   VALUES (:origin, :file, :sha, :started, 'failed')""",
                {
                    "origin": fmt.origin,
                    "file": report.file.name,
                    "sha": report.sha256,
                    "started": started_at,
                },
            )
            report.import_id = cursor.lastrowid
            if fmt.registry:
                _register(db, fmt)
            writer = _Writer(db, report.import_id, report)
            suspended = _FullTextDeferred(db)
            try:
                for batch, bytes_read in _batches(source, fmt, report, options):
                    writer.write(batch)
                    if progress:
                        progress(bytes_read, source.size, report.rows_read)
            except AmbiguousDates as exc:
                raise ImportRefused(f"{source.path}: {exc}; nothing was imported") from None
            report.skipped = _skipped(source)
            if report.rejected and not skip_invalid:
                refusal = "invalid rows"
                raise _Rollback
            if not report.stored:
                refusal = _why_nothing(report)
                raise _Rollback
            suspended.catch_up()
            found = time.perf_counter()
            report.duplicate_pairs = duplicates.find_for(db, suspended.after_rowid, writer.updated)
            report.duplicate_seconds = time.perf_counter() - found
            store.refresh_statistics(db)
            report.seconds = time.perf_counter() - started
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
    report.seconds = report.seconds or time.perf_counter() - started
    if progress:
        progress(source.size, source.size, report.rows_read)
    if report.rejected:
        report.rejects_file = _write_rejects(report, source.header, rejects_path)
    if refusal:
        report.status = "rejected"
        _log_refusal(db, report, started_at, refusal)
        raise ImportFailed(report, refusal)
    return report


def _register(db: Database, fmt: Format) -> None:
    """Register (or update) a mapped file's origin with its name, licence and terms."""
    name, licence, terms, url = fmt.registry  # type: ignore[misc]
    db.execute(
        """INSERT INTO origins (id, name, licence, terms, url)
           VALUES (:id, :name, :licence, :terms, :url)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, licence = excluded.licence,
                                          terms = excluded.terms, url = excluded.url""",
        {"id": fmt.origin, "name": name, "licence": licence, "terms": terms, "url": url},
    )


def _why_nothing(report: ImportReport) -> str:
    """Why an import stored no row, in words."""
    if not report.rows_read:
        return "the file holds no data rows"
    if report.outside_region and not report.rejected:
        return (
            f"all {report.rows_read:,} rows are outside the store's region "
            f"({', '.join(report.region)}): "
            + _counted(report.outside_region)
            + "; use --all-countries to keep them, or set the region (conflict-events region)"
        )
    return f"none of the {report.rows_read:,} rows could be stored"


def _validated_batches(
    source: CsvSource,
    fmt: Format,
    report: ImportReport,
    options: ImportOptions,
    batch_rows: int,
) -> Iterator[list[Records]]:
    """Every row validated and converted to records, in batches; bad rows go to the report."""
    seen: dict[str, int] = {}
    batch: list[Records] = []
    read = ReadOptions(date_order=options.date_order)
    region = frozenset(report.region)
    for line, row in source.rows(fmt.id_column):
        report.rows_read += 1
        try:
            if TRUNCATED in row:
                raise RowError("row", row[TRUNCATED], "a truncated record: it ends early")
            converted = fmt.convert(row, read)
            first = seen.setdefault(converted.event.id, line)
            if first != line:
                raise RowError(
                    fmt.id_column, converted.event.origin_id, f"repeats the event of line {first}"
                )
        except RowError as err:
            report.rejected.append(Reject(line, err.column, str(err.value), err.reason, row))
            continue
        country = converted.event.country
        if region and country not in region:
            report.outside_region[country or "(no country)"] += 1
            continue
        report.notes.update(n.kind for n in converted.notes)
        report.unknown_places.update(converted.unknown_places)
        if report.rejected and not options.skip_invalid:
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
    source: CsvSource, fmt: Format, report: ImportReport, options: ImportOptions
) -> Iterator[tuple[list[Records], int]]:
    """Validated batches with the bytes read so far; fills the report's rows and rejects."""
    if source.size < PARALLEL_BYTES or fmt.origin not in ADAPTERS:
        for batch in _validated_batches(source, fmt, report, options, BATCH_ROWS):
            yield batch, source.bytes_read
        return
    arguments = json.dumps(
        {
            "path": str(source.path),
            "encoding": source.encoding,
            "origin": fmt.origin,
            "skip_invalid": options.skip_invalid,
            "date_order": options.date_order,
            "region": list(report.region),
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
                _, done = message
                for name in ("rows_read", "rejected", "outside_region", "notes", "unknown_places"):
                    setattr(report, name, getattr(done, name))
                source.stats, source.header = done.stats, done.header
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
    if source.stats.header_rows:
        lines = ", ".join(str(n) for n in source.stats.header_rows[:5])
        parts.append(f"repeated header row(s) skipped at line {lines}")
    if source.stats.footer_rows:
        lines = ", ".join(str(n) for n in source.stats.footer_rows[:5])
        parts.append(f"footer or note row(s) without an id skipped at line {lines}")
    return "; ".join(parts)


def _log_refusal(db: Database, report: ImportReport, started_at: str, reason: str) -> None:
    """Record the refused import in the log (its own small transaction; no data rows)."""
    if report.rejected:
        first = report.rejected[0]
        message = (
            f"refused: {len(report.rejected):,} invalid row(s) of {report.rows_read:,}; first at "
            f"line {first.line}, column {first.column} ({first.reason}); nothing was imported"
        )
    else:
        message = f"refused: {reason}; nothing was imported"
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


__all__ = [
    "ImportFailed",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "describe_rejects",
    "import_file",
]
