"""Import an export file into the store: validate every row, write in one transaction.

A file with bad rows is refused whole (nothing written, a report naming line, column, value and
reason) unless ``skip_invalid`` is set; then the good rows are stored and the bad ones written to
a rejects CSV. Either way the database is never half-written: the rows go in inside a single
transaction, so an error, Ctrl-C or a killed process leaves it exactly as before.

Importing the same file again changes nothing; a newer export of the same events updates them
and records every changed value in ``revisions``.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from .. import store
from .adapters import ADAPTERS, Converted, RowError
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


_EVENT_COLUMNS: list[str] | None = None


def _write(db: Database, converted: Converted, import_id: int, report: ImportReport) -> None:
    global _EVENT_COLUMNS
    record = converted.event.record()
    if _EVENT_COLUMNS is None:
        _EVENT_COLUMNS = list(record)
    existing = db.execute(
        f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events WHERE id = :id",  # noqa: S608
        {"id": record["id"]},
    ).fetchone()
    if existing is None:
        db.execute(
            f"INSERT INTO events ({', '.join(record)}) VALUES ({', '.join(':' + k for k in record)})",  # noqa: S608
            record,
        )
        report.inserted += 1
    else:
        old = dict(zip(_EVENT_COLUMNS, existing, strict=True))
        changed = {k: v for k, v in record.items() if old.get(k) != v}
        if not changed:
            report.unchanged += 1
        else:
            assignments = ", ".join(f"{k} = :{k}" for k in changed)
            sql = f"UPDATE events SET {assignments} WHERE id = :id"  # noqa: S608 - fixed column names
            db.execute(sql, {**changed, "id": record["id"]})
            db.conn.executemany(
                """INSERT INTO revisions (table_name, row_id, column_name, old_value, new_value,
                                          import_id, changed_at)
                   VALUES ('events', ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        record["id"],
                        k,
                        None if old[k] is None else str(old[k]),
                        None if v is None else str(v),
                        import_id,
                        _now(),
                    )
                    for k, v in changed.items()
                ],
            )
            report.updated += 1
    for doc in converted.documents:
        row = doc.record()
        db.execute(
            f"""INSERT INTO documents ({", ".join(row)}) VALUES ({", ".join(":" + k for k in row)})
                ON CONFLICT(id) DO UPDATE SET {", ".join(f"{k} = excluded.{k}" for k in row if k != "id")}""",  # noqa: S608
            row,
        )
    for src in converted.sources:
        db.execute(
            "INSERT OR IGNORE INTO event_sources (event_id, document_id) VALUES (:event_id, :document_id)",
            src.record(),
        )


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
    adapter, id_column = ADAPTERS[origin]
    source = CsvSource(path, encoding)
    report = ImportReport(origin=origin, file=Path(path), sha256=store.file_sha256(path))
    started = time.perf_counter()
    started_at = _now()
    seen: dict[str, int] = {}
    refused = False
    try:
        with db.atomic():
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
            for line, row in source.rows(id_column):
                report.rows_read += 1
                try:
                    converted = adapter(row)
                    first = seen.setdefault(converted.event.id, line)
                    if first != line:
                        raise RowError(
                            id_column,
                            converted.event.origin_id,
                            f"repeats the event of line {first}",
                        )
                except RowError as err:
                    report.rejected.append(
                        Reject(line, err.column, str(err.value), err.reason, row)
                    )
                    continue
                if report.rejected and not skip_invalid:
                    continue  # keep validating, for a full report; nothing will be kept
                _write(db, converted, report.import_id, report)
                if progress and report.rows_read % 2000 == 0:
                    progress(source.bytes_read, source.size, report.rows_read)
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
