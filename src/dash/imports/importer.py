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
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from .. import integrity, regions, store
from . import duplicates
from .adapters import ADAPTERS, Format
from .bulk import CACHE_ENV, BatchWriter, FullTextDeferred, Records, bulk_pragmas, records_of
from .parsing import AmbiguousDates, ReadOptions, RowError
from .report import (
    ImportFailed,
    ImportReport,
    Reject,
    counted,
    describe_rejects,
    log_refusal,
    now,
    rejects_target,
    skipped_lines,
    write_rejects,
)
from .source import NUL, TRUNCATED, CsvSource, ImportRefused

BATCH_ROWS = 2000


@dataclass(frozen=True)
class ImportOptions:
    """What the user said about a file: how to read it and what to keep."""

    skip_invalid: bool = False
    rejects_path: str | os.PathLike[str] | None = None
    encoding: str | None = None
    date_order: str | None = None  # "dmy" / "mdy" for dates such as 05/09/2020
    all_countries: bool = False  # keep rows outside the store's region
    status: str | None = None  # what the file's name says of its rows (Format.status_of)


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
    sheet: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> ImportReport:
    """Import one export file (CSV, or a sheet of an Excel workbook); raises ImportFailed
    (nothing written) or ImportRefused."""
    fmt = ADAPTERS[origin] if isinstance(origin, str) else origin
    status = fmt.status_of(Path(path).name) if fmt.status_of else None
    options = ImportOptions(skip_invalid, rejects_path, encoding, date_order, all_countries, status)
    started = time.perf_counter()  # a workbook's sheet is read in CsvSource: counted too
    source = CsvSource(path, encoding, delimiter, sheet)
    rejects = rejects_target(source.path, rejects_path)
    report = ImportReport(origin=fmt.origin, file=Path(path), sha256=store.file_sha256(path))
    report.sheet = source.sheet
    report.region = () if all_countries else regions.region(db)
    started_at = now()
    refusal = ""
    for pragma in bulk_pragmas():
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
            writer = BatchWriter(db, report.import_id, report)
            suspended = FullTextDeferred(db)
            try:
                for batch, bytes_read in _batches(source, fmt, report, options):
                    writer.write(batch)
                    suspended.index_new()
                    if progress:
                        progress(bytes_read, source.size, report.rows_read)
            except AmbiguousDates as exc:
                raise ImportRefused(f"{source.path}: {exc}; nothing was imported") from None
            report.skipped = skipped_lines(source)
            if report.rejected and not skip_invalid:
                refusal = "invalid rows"
                raise _Rollback
            if not report.stored:
                refusal = _why_nothing(report)
                raise _Rollback
            writer.finish()
            suspended.catch_up()
            found = time.perf_counter()
            report.duplicate_pairs = duplicates.find_for(db, suspended.after_rowid, writer.updated)
            report.duplicate_seconds = time.perf_counter() - found
            store.refresh_statistics(db)
            integrity.record(db, f"import of {report.file.name} ({fmt.origin})")
            report.seconds = time.perf_counter() - started
            report.status = "ok"
            db.execute(
                """UPDATE imports SET finished_at = :finished, rows_read = :read,
                          rows_stored = :stored, rows_rejected = :rejected, status = 'ok',
                          message = :message WHERE id = :id""",
                {
                    "finished": now(), "read": report.rows_read, "stored": report.stored,
                    "rejected": len(report.rejected), "message": report.summary(), "id": report.import_id,
                },
            )  # fmt: skip
    except _Rollback:
        pass
    report.seconds = report.seconds or time.perf_counter() - started
    if progress:
        progress(source.size, source.size, report.rows_read)
    if report.rejected:
        report.rejects_file = write_rejects(report, source.header, rejects)
    if refusal:
        report.status = "rejected"
        log_refusal(db, report, started_at, refusal)
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
            + counted(report.outside_region)
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
    read = ReadOptions(date_order=options.date_order, status=options.status)
    region = frozenset(report.region)
    for line, row in source.rows(fmt.id_column):
        report.rows_read += 1
        try:
            if TRUNCATED in row:
                raise RowError("row", row[TRUNCATED], "a truncated record: it ends early")
            if NUL in row:
                raise RowError(row[NUL], "(a NUL byte)", "holds a NUL byte: binary data, not text")
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
        batch.append(records_of(converted))
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
    # A workbook's sheet is validated here: the second process, given only the file, would
    # read the sheet again and not know which one --sheet named.
    if source.size < PARALLEL_BYTES or fmt.origin not in ADAPTERS or source.sheet is not None:
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
            "status": options.status,
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


__all__ = [
    "CACHE_ENV",
    "ImportFailed",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "describe_rejects",
    "import_file",
]
