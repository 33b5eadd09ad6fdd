"""What an import reports: rows read, stored and refused, what it left out and noted, and the
refusal that leaves the store as it was."""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

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
    # Rows left out because their country is outside the store's region, by country.
    outside_region: Counter[str] = field(default_factory=Counter)
    # Data-quality notes on the stored rows, by kind.
    notes: Counter[str] = field(default_factory=Counter)
    # Place spellings the gazetteer does not know: (level, spelling) -> rows.
    unknown_places: Counter[tuple[str, str]] = field(default_factory=Counter)
    region: tuple[str, ...] = ()
    duplicate_pairs: int = 0
    duplicate_seconds: float = 0.0
    sheet: str | None = None  # the workbook's sheet read (its rows are the lines named)

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def summary(self) -> str:
        rate = self.rows_read / self.seconds if self.seconds else 0
        parts = [
            (f"sheet {self.sheet!r}: " if self.sheet is not None else "")
            + f"{self.rows_read:,} rows read in {self.seconds:.1f} s ({rate:,.0f} rows/s)",
            f"{self.inserted:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged",
            f"{len(self.rejected):,} rejected",
        ]
        if self.outside_region:
            parts.append(
                f"{sum(self.outside_region.values()):,} outside the region "
                f"({', '.join(self.region)}) left out: " + counted(self.outside_region)
            )
        if self.notes:
            parts.append("data-quality notes: " + counted(self.notes))
        if self.unknown_places:
            parts.append(
                "place spellings not in the gazetteer, kept as published: "
                + counted(
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


def counted(counter: Counter[str], limit: int = 12) -> str:
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


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def skipped_lines(source: CsvSource) -> str:
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
        found = source.stats.footer_rows
        lines = ", ".join(str(n) for n in found[:5]) + (
            f" … ({len(found)})" if len(found) > 5 else ""
        )
        parts.append(f"note row(s) (one or two cells, no record) skipped at line {lines}")
    parts.extend(source.stats.renamed)
    return "; ".join(parts)


def log_refusal(db: Database, report: ImportReport, started_at: str, reason: str) -> None:
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
                "started": started_at, "finished": now(), "read": report.rows_read,
                "rejected": len(report.rejected), "message": message,
            },
        )  # fmt: skip
        report.import_id = cursor.lastrowid


def rejects_target(file: Path, target: str | os.PathLike[str] | None) -> Path:
    """Where the rejected rows go: ``target`` (checked before anything is imported, so a
    mistyped path is not found after the rows are stored), else beside the file, else, when
    its folder is read-only, in the temporary folder."""
    if target:
        path = Path(target)
        if path.resolve() == file.resolve():
            raise ImportRefused(f"--rejects {path}: is the file being imported; give another name")
        if path.is_dir():
            raise ImportRefused(f"--rejects {path}: is a folder; give a file name in it")
        if not path.parent.is_dir():
            raise ImportRefused(f"--rejects {path}: the folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise ImportRefused(f"--rejects {path}: the folder {path.parent} is not writable")
        return path
    path = file.with_name(file.stem + ".rejects.csv")
    if os.access(path.parent, os.W_OK):
        return path
    return Path(tempfile.gettempdir()) / path.name


def write_rejects(report: ImportReport, header: list[str], path: Path) -> Path:
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
