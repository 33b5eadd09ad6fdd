"""The import group: ACLED, UCDP and mapped CSV files, one transaction each."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import columns, store
from .main import (
    cli,
    db_option,
    open_writable,
)


@cli.group("import")
def import_group() -> None:
    """Import an event export (CSV, or a sheet of an Excel workbook) into the database.

    Every row the source publishes is kept: figures that break the store's rules are repaired
    by one documented rule and noted on the event. A row that cannot be stored truthfully (no id,
    no date, a truncated record) refuses the file whole, with a report, unless --skip-invalid is
    given. Rows outside the store's region (see `conflict-events region`) are counted and left
    out unless --all-countries is given. Importing the same file again changes nothing; a newer
    export updates the events and records each change.
    """


def import_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every import command takes (as sqlite-utils shares its option decorators)."""
    for option in reversed(
        (
            db_option,
            click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
            click.option("--skip-invalid", is_flag=True,
                         help="Store the rows that can be stored; write the others to a rejects CSV."),
            click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
                         help="Where to write refused rows (default: FILE.rejects.csv beside the input)."),
            click.option("--encoding", default=None,
                         help="The file's encoding if not UTF-8, e.g. cp1252."),
            click.option("--sheet", default=None,
                         help="The sheet to import from an Excel workbook (.xlsx) of several."),
            click.option("--date-order", type=click.Choice(["dmy", "mdy"]), default=None,
                         help="How to read dates such as 05/09/2020: day first (dmy) or month first (mdy)."),
            click.option("--all-countries", is_flag=True,
                         help="Keep rows from every country, not only the store's region."),
        )
    ):  # fmt: skip
        command = option(command)
    return command


def run_import(db_path: Path | None, file: Path, fmt: Any, **options: Any) -> None:
    """Import one file with a progress bar; print the report; exit 1 when nothing was imported."""
    from tqdm import tqdm

    from ..imports.importer import ImportFailed, ImportRefused, describe_rejects, import_file

    db = open_writable(db_path)
    store.begin_concurrent_write(db)
    bar = tqdm(total=file.stat().st_size, unit="B", unit_scale=True, desc=f"{fmt.origin} {file.name}",
               disable=not sys.stderr.isatty(), file=sys.stderr)  # fmt: skip
    started = time.perf_counter()

    def progress(done: int, total: int, rows: int) -> None:
        bar.total = total  # of the text read: a workbook's sheet as CSV is larger than the file
        bar.update(done - bar.n)
        bar.set_postfix(
            rows=f"{rows:,}", rows_per_s=f"{rows / max(time.perf_counter() - started, 1e-9):,.0f}"
        )

    try:
        report = import_file(db, file, fmt, rejects_path=options.pop("rejects"),
                             progress=progress, **options)  # fmt: skip
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    except ImportFailed as exc:
        bar.close()
        if exc.reason != "invalid rows":
            raise click.ClickException(str(exc)) from exc
        lines = "\n".join("  " + line for line in describe_rejects(exc.report))
        raise click.ClickException(
            f"{exc}.\n{lines}\nRejected rows with reasons: {exc.report.rejects_file}\n"
            "Fix them, or re-run with --skip-invalid to store the others."
        ) from exc
    finally:
        bar.close()
        mode = store.end_concurrent_write(db)
        db.close()
    persist_columns(db_path)
    click.echo(f"Imported {file} into {store.database_path(db_path)}: {report.summary()}")
    if mode == "wal":
        click.echo(
            "The database stays in WAL mode while another program (the dashboard?) has it "
            "open; the next write that finds it free returns it to rollback-journal mode."
        )
    if report.rejects_file:
        click.echo(f"Rejected rows with reasons: {report.rejects_file}")


def persist_columns(db_path: Path | None) -> None:
    """Write the store's in-memory columns beside it, so the next server starts fast."""
    if not columns.write_for(store.database_path(db_path)):
        click.echo(
            "The columns could not be written beside the database (read-only folder?): "
            "a server will read them at its first page instead.",
            err=True,
        )


def _import_command(origin: str, what: str) -> None:
    from ..imports.adapters import ADAPTERS

    @import_group.command(origin, help=f"Import an export file from {what} (CSV or .xlsx).")
    @import_options
    def command(db_path: Path | None, file: Path, **options: Any) -> None:
        run_import(db_path, file, ADAPTERS[origin], **options)


_import_command("acled", "ACLED (current or older layout)")


@import_group.command(
    "ucdp", help="Import an export file from UCDP GED (UCDP or HDX) (CSV or .xlsx)."
)
@import_options
@click.option("--older", is_flag=True,
              help="Import a UCDP file older than the GED release the store follows (its rows "
              "overwrite vetted ones).")  # fmt: skip
def import_ucdp_command(db_path: Path | None, file: Path, older: bool, **options: Any) -> None:
    from ..imports.adapters import ADAPTERS
    from ..imports.fetch_ucdp import older_than_the_store

    db = open_writable(db_path)
    try:
        why = None if older else older_than_the_store(db, file.name)
    finally:
        db.close()
    if why:
        raise click.ClickException(
            f"{why}: its rows would overwrite vetted events; nothing imported (give --older to "
            "import it anyway)"
        )
    run_import(db_path, file, ADAPTERS["ucdp"], **options)


@import_group.command("csv")
@import_options
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The mapping file (TOML) that says which column gives each event field.",
)
@click.option("--suggest", is_flag=True, help="Print a draft mapping for FILE and import nothing.")
def import_csv(
    db_path: Path | None, file: Path, mapping: Path | None, suggest: bool, **options: Any
) -> None:
    """Import any event spreadsheet (CSV or .xlsx) through a mapping file.

    Start with --suggest: it reads the header and a sample and prints a draft mapping (every
    column placed or listed as unplaced, the guessed encoding, delimiter and date order, the
    rows it would skip). Edit it, save it, and import with --mapping. See docs/mapped-import.md.
    """
    from ..imports.mapped import MappedFormat, MappingError, check_header, load_mapping
    from ..imports.source import CsvSource, ImportRefused
    from ..imports.suggest import suggest as draft

    if suggest:
        try:
            click.echo(draft(file, options.get("encoding"), options.get("sheet")), nl=False)
        except ImportRefused as exc:
            raise click.ClickException(str(exc)) from exc
        return
    if mapping is None:
        raise click.UsageError("give --mapping MAP (start one with --suggest)")
    try:
        spec = load_mapping(mapping)
        # The command line's --encoding over the mapping's; neither: the file's mark or UTF-8.
        options["encoding"] = options.get("encoding") or spec.file.encoding
        # The mapping's sheet applies to a workbook; the CSV saved from it imports too.
        if not options.get("sheet") and spec.file.sheet and _is_workbook(file):
            options["sheet"] = spec.file.sheet
        source = CsvSource(file, options["encoding"], spec.file.delimiter, options.get("sheet"))
        header = next(iter(source.rows_raw()), [])
        # Named as the import names them: "Details (2)" for a repeated name, "(column 5)".
        check_header(spec, source.column_names([h.strip().lstrip("\ufeff") for h in header]), file)
    except (MappingError, ImportRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    options["date_order"] = options.get("date_order") or spec.file.date_order
    run_import(db_path, file, MappedFormat(spec).format(), delimiter=spec.file.delimiter, **options)


def _is_workbook(file: Path) -> bool:
    from ..imports.workbook import NotReadable, is_workbook

    try:
        return is_workbook(file)
    except NotReadable:
        return False  # refused with its reason when the import opens it
