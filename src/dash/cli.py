"""``conflict-events``: the command-line tool over the store, as ``sqlite-utils`` is over its
Database. Every write to the database goes through here, never through a page rerun."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlite_utils import Database

from . import __version__, columns, csvout, exports, store
from .filters import Filters, match_known, specs, suggestion
from .imports import CuratedError, build_database
from .reader import Reader

DEFAULT_CURATED = store.PROJECT_ROOT / "data" / "curated"

db_option = click.option(
    "--db",
    "db_path",
    envvar=store.ENV_VAR,
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    show_envvar=True,
    help=f"Database file (default: {store.DEFAULT_DB.relative_to(store.PROJECT_ROOT)}).",
)


@click.group()
@click.version_option(__version__, prog_name="conflict-events")
def cli() -> None:
    """Build, check and export the conflict-events database behind the dashboard."""


@cli.command()
@db_option
@click.option(
    "--curated",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=DEFAULT_CURATED,
    show_default="data/curated",
    help="Folder of curated YAML files.",
)
def build(db_path: Path | None, curated: Path) -> None:
    """Rebuild the database from the curated files.

    Validates every file first and writes a new database beside the old one, swapping it in only
    when complete: on any problem the old database is left untouched. Same files, same content.
    """
    target = store.database_path(db_path)
    try:
        build_database(curated, target)
    except CuratedError as exc:
        raise click.ClickException(str(exc)) from exc
    except store.StoreError as exc:
        raise click.ClickException(f"the new database failed its checks: {exc}") from exc
    columns.write_for(target)
    report = store.check(target)
    click.echo(f"Built {target}")
    _print_counts(report)
    click.echo(f"content digest: {report.digest}")


@cli.command()
@db_option
def check(db_path: Path | None) -> None:
    """Check the database: schema version, integrity, foreign keys, search index, counts.

    Exits with status 1 and names each problem when anything is wrong.
    """
    report = store.check(db_path)
    click.echo(f"database: {report.path}")
    click.echo(f"schema version: {report.schema_version or 'unknown'}")
    _print_counts(report)
    if report.digest:
        click.echo(f"content digest: {report.digest}")
    if report.ok:
        click.echo("ok")
        return
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    sys.exit(1)


@cli.command()
@db_option
def recover(db_path: Path | None) -> None:
    """Roll back a write that was interrupted (a killed import), then check the database.

    A rollback journal beside the database holds what the interrupted write changed; opening
    the database for writing puts those pages back, leaving it exactly as before the write. A
    ``-wal`` file (imports write in WAL mode) is folded into the database: committed writes are
    kept, an unfinished one is dropped. The file is left in rollback-journal mode.
    """
    path = store.database_path(db_path)
    journal = store.hot_journal(path)
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    db = _open_writable(path)
    db.execute("SELECT count(*) FROM events").fetchone()  # the first read rolls the journal back
    store.end_concurrent_write(db)
    db.close()
    if journal:
        click.echo(f"rolled back the interrupted write ({journal.name})")
    elif wal_pending:
        click.echo(f"folded {wal.name} into the database (an unfinished write in it is dropped)")
    else:
        click.echo("nothing to recover")
    report = store.check(path)
    click.echo("ok" if report.ok else "\n".join(f"problem: {p}" for p in report.problems))
    if not report.ok:
        sys.exit(1)


@cli.command()
@db_option
def migrate(db_path: Path | None) -> None:
    """Apply pending schema migrations to an existing database."""
    db = _open_writable(db_path)
    click.echo(f"schema version: {store.schema_version(db)}")
    db.close()


def _open_writable(db_path: Path | None) -> Database:
    """The database for an in-place write, refused in hosted read-only mode.

    With EVENTS_READONLY=1 a dashboard may be reading this file as immutable: it would not
    notice a change in place, or would read it half-done. There, data changes by replacing the
    file whole (``build`` does that by itself).
    """
    if store.serving_readonly():
        raise click.ClickException(
            f"{store.READONLY_ENV} is set: the database is served as an immutable file and is "
            "never changed in place. Write into a copy and move it over the served file, e.g. "
            f"cp events.db new.db && {store.READONLY_ENV}= conflict-events import acled FILE "
            "--db new.db && mv new.db events.db (see docs/deploy.md)"
        )
    try:
        return store.open_writable(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Accept both repeated options and comma-separated lists."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The dashboard's filters as options, derived from the filter spec (``Filters`` fields): a
    new filter field is a new option here without a line of this function changing."""
    for name, spec in reversed(list(specs().items())):
        flag = spec.cli or f"--{spec.url}"
        names = [flag, name] if spec.kind != "text" else ["-q", flag, name]
        if spec.kind in ("date_from", "date_to"):
            option = click.option(*names, type=click.DateTime(["%Y-%m-%d"]), help=spec.help)
        elif spec.kind == "min":
            option = click.option(*names, type=click.IntRange(min=0), help=spec.help)
        elif spec.kind == "flag":
            option = click.option(*names, is_flag=True, help=spec.help)
        elif spec.kind == "text":
            option = click.option(*names, default="", help=spec.help)
        else:
            option = click.option(
                *names, multiple=True, help=spec.help + " Repeat or comma-separate."
            )
        command = option(command)
    return command


def filters_from_options(reader: Reader, options: dict[str, Any]) -> Filters:
    """The Filters the options ask for; an unknown value is an error naming the nearest known
    ones (any case, any spelling the gazetteer knows, as the sidebar and the URL accept)."""
    facets = reader.facets()
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in specs().items():
        value = options.pop(name)
        if spec.kind in ("date_from", "date_to"):
            value = value.date() if value else None
        elif isinstance(value, tuple):
            typed = _split(value)
            known = list(facets.get(name, {}))
            value = []
            for item in typed:
                found = match_known(name, item, known)
                if found is None:
                    problems.append(
                        f"{spec.cli or '--' + spec.url} {item!r} matches no event"
                        + suggestion(item, known)
                    )
                else:
                    value.append(found)
            value = tuple(dict.fromkeys(value))
        values[name] = value
    if problems:
        raise click.BadParameter("; ".join(problems))
    return Filters(**values)


@cli.command()
@db_option
@click.argument("what", type=click.Choice(["events", "claims", "documents"]))
@filter_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option("--excel", is_flag=True, help="Add a byte-order mark so Excel reads non-Latin text.")
def export(
    db_path: Path | None, what: str, output: Path | None, excel: bool, **options: Any
) -> None:
    """CSV of the matching events, claims or documents (the dashboard's filters as options)."""
    try:
        db = store.open_readonly(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        filters = filters_from_options(Reader(db, store.database_path(db_path)), options)
    except sqlite3.DatabaseError as exc:  # locked or damaged after it opened
        db.close()
        raise click.ClickException(str(store.unusable(exc, store.database_path(db_path)))) from exc
    except click.BadParameter:
        db.close()
        raise
    # The one export path: EVENTS_NO_DOWNLOAD_ORIGINS holds here as in the app.
    rows = {
        "events": lambda: exports.events(db, filters),
        "claims": lambda: exports.claims(db, filters),
        "documents": lambda: exports.documents(db),
    }[what]()
    columns = csvout.COLUMN_SETS[what]
    try:
        if output is None:
            n = csvout.write_csv(rows, columns, sys.stdout, excel=excel)
        else:
            # Write beside the target and rename, so a failed export never leaves half a file.
            tmp = output.with_name(output.name + ".part")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                n = csvout.write_csv(rows, columns, fh, excel=excel)
            tmp.replace(output)
    except sqlite3.DatabaseError as exc:  # locked or damaged after it opened
        if output is not None:
            output.with_name(output.name + ".part").unlink(missing_ok=True)
        raise click.ClickException(str(store.unusable(exc, store.database_path(db_path)))) from exc
    finally:
        db.close()
    click.echo(f"{n:,} {what[:-1] if n == 1 else what}", err=True)


@cli.command()
@db_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
def duplicates(db_path: Path | None, output: Path | None) -> None:
    """List events from different origins that may be one incident (CSV).

    Same event type, start dates at most a day apart, points within 10 km. Nothing is merged.
    """
    try:
        db = store.open_readonly(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = exports.duplicates(db, Filters())
    columns = csvout.COLUMN_SETS["possible-duplicates"]
    if output is None:
        csvout.write_csv(rows, columns, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as fh:
            csvout.write_csv(rows, columns, fh)
    db.close()
    click.echo(f"{len(rows)} possible duplicate pairs", err=True)


@cli.group("import")
def import_group() -> None:
    """Import an event export (CSV) into the database.

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

    from .imports.importer import ImportFailed, ImportRefused, describe_rejects, import_file

    db = _open_writable(db_path)
    store.begin_concurrent_write(db)
    bar = tqdm(total=file.stat().st_size, unit="B", unit_scale=True, desc=f"{fmt.origin} {file.name}",
               disable=not sys.stderr.isatty(), file=sys.stderr)  # fmt: skip
    started = time.perf_counter()

    def progress(done: int, total: int, rows: int) -> None:
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
    _persist_columns(db_path)
    click.echo(f"Imported {file} into {store.database_path(db_path)}: {report.summary()}")
    if mode == "wal":
        click.echo(
            "The database stays in WAL mode while another program (the dashboard?) has it "
            "open; the next write that finds it free returns it to rollback-journal mode."
        )
    if report.rejects_file:
        click.echo(f"Rejected rows with reasons: {report.rejects_file}")


def _persist_columns(db_path: Path | None) -> None:
    """Write the store's in-memory columns beside it, so the next server starts fast."""
    if not columns.write_for(store.database_path(db_path)):
        click.echo(
            "The columns could not be written beside the database (read-only folder?): "
            "a server will read them at its first page instead.",
            err=True,
        )


def _import_command(origin: str, what: str) -> None:
    from .imports.adapters import ADAPTERS

    @import_group.command(origin, help=f"Import an export file from {what} (CSV).")
    @import_options
    def command(db_path: Path | None, file: Path, **options: Any) -> None:
        run_import(db_path, file, ADAPTERS[origin], **options)


_import_command("acled", "ACLED (current or older layout)")
_import_command("ucdp", "UCDP GED (UCDP or HDX)")


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
    """Import any event spreadsheet (CSV) through a mapping file.

    Start with --suggest: it reads the header and a sample and prints a draft mapping (every
    column placed or listed as unplaced, the guessed encoding, delimiter and date order, the
    rows it would skip). Edit it, save it, and import with --mapping. See docs/mapped-import.md.
    """
    from .imports.mapped import MappedFormat, MappingError, check_header, load_mapping
    from .imports.source import CsvSource, ImportRefused
    from .imports.suggest import suggest as draft

    if suggest:
        try:
            click.echo(draft(file, options.get("encoding")), nl=False)
        except ImportRefused as exc:
            raise click.ClickException(str(exc)) from exc
        return
    if mapping is None:
        raise click.UsageError("give --mapping MAP (start one with --suggest)")
    try:
        spec = load_mapping(mapping)
        header = next(iter(CsvSource(file, _encoding(spec), spec.file.delimiter).rows_raw()), [])
        check_header(spec, [h.strip().lstrip("\ufeff") for h in header], file)
    except (MappingError, ImportRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    options["encoding"] = options.get("encoding") or spec.file.encoding
    options["date_order"] = options.get("date_order") or spec.file.date_order
    run_import(db_path, file, MappedFormat(spec).format(), delimiter=spec.file.delimiter, **options)


def _encoding(spec: Any) -> str:
    encoding = spec.file.encoding
    return "utf-8-sig" if encoding.replace("-", "").lower() == "utf8" else encoding


@cli.group()
def fetch() -> None:
    """Download UCDP's or ACLED's events and import them (the region's countries).

    Downloads resume after an interruption, honour HTTPS_PROXY, and time out with a clear
    message; nothing is imported from a file that did not arrive whole.
    """


def _cache(db_path: Path | None, cache: Path | None) -> Path:
    return cache or store.database_path(db_path).parent / "downloads"


cache_option = click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where downloads are kept (default: a downloads folder beside the database).",
)


@fetch.command("ucdp")
@db_option
@cache_option
@click.option("--version", default=None, help="GED release, e.g. 25.1 (default: the latest out).")
@click.option(
    "--no-candidates", is_flag=True, help="Only the GED release, not the monthly candidates."
)
@click.option(
    "--base-url",
    envvar="EVENTS_UCDP_URL",
    default="https://ucdp.uu.se/downloads",
    show_default=True,
    help="UCDP's download site (a mirror, or a test server).",
)
@click.option("--all-countries", is_flag=True, help="Keep every country, not only the region.")
def fetch_ucdp_command(
    db_path: Path | None, cache: Path | None, version: str | None, no_candidates: bool,
    base_url: str, all_countries: bool,
) -> None:  # fmt: skip
    """UCDP's GED release and the monthly candidate releases after it, by one command.

    A file already imported is skipped; a candidate event published later in a final release is
    updated in place, with its changes recorded as revisions.
    """
    from tqdm import tqdm

    from .imports.download import DownloadFailed
    from .imports.fetch_ucdp import fetch_ucdp
    from .imports.importer import ImportFailed, ImportRefused

    db = _open_writable(db_path)
    store.begin_concurrent_write(db)
    bars: dict[str, Any] = {}

    def progress(name: str, done: int, total: int | None) -> None:
        bar = bars.setdefault(name, tqdm(total=total, unit="B", unit_scale=True, desc=name,
                                         disable=not sys.stderr.isatty(), file=sys.stderr))  # fmt: skip
        bar.update(done - bar.n)

    try:
        results = fetch_ucdp(db, _cache(db_path, cache), base=base_url, version=version,
                             candidates=not no_candidates, all_countries=all_countries,
                             progress=progress)  # fmt: skip
    except (DownloadFailed, ImportRefused, ImportFailed) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        for bar in bars.values():
            bar.close()
        store.end_concurrent_write(db)
        db.close()
    _persist_columns(db_path)
    for result in results:
        if result.report:
            click.echo(f"{result.release.name}: {result.report.summary()}")
        else:
            click.echo(f"{result.release.name}: {result.skipped}")


@fetch.command("acled")
@db_option
@cache_option
@click.option("--email", envvar="ACLED_EMAIL", default=None, help="Your ACLED account's email.")
@click.option(
    "--base-url",
    envvar="EVENTS_ACLED_URL",
    default="https://acleddata.com",
    show_default=True,
    help="ACLED's site (or a test server).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Ask for every event again, not only those changed since the last fetch.",
)
def fetch_acled_command(
    db_path: Path | None, cache: Path | None, email: str | None, base_url: str, full: bool
) -> None:
    """ACLED's events for the region through its API (an ACLED account is needed).

    The password comes from ACLED_PASSWORD or a prompt and is never stored. Deleted events are
    removed, each recorded as a revision. A re-run asks only for what changed since the last.
    """
    import os

    from .imports.download import DownloadFailed
    from .imports.fetch_acled import LICENCE_NOTE, fetch_acled
    from .imports.importer import ImportFailed, ImportRefused

    email = email or click.prompt("ACLED account email")
    password = os.environ.get("ACLED_PASSWORD") or click.prompt("ACLED password", hide_input=True)
    click.echo(LICENCE_NOTE, err=True)
    db = _open_writable(db_path)
    store.begin_concurrent_write(db)
    try:
        result = fetch_acled(db, _cache(db_path, cache), email, password, base=base_url, full=full,
                             progress=lambda page, rows: click.echo(
                                 f"page {page}: {rows:,} rows so far", err=True))  # fmt: skip
    except (DownloadFailed, ImportRefused, ImportFailed) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.end_concurrent_write(db)
        db.close()
    _persist_columns(db_path)
    since = (
        "every event"
        if result.since is None
        else f"events changed since {dt.datetime.fromtimestamp(result.since, dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    click.echo(f"ACLED: {result.pages} page(s), {result.rows:,} rows ({since})")
    if result.report:
        click.echo(result.report.summary())
    click.echo(f"{len(result.deleted):,} event(s) deleted by ACLED removed (recorded as revisions)")


@cli.command()
@db_option
@click.argument("countries", nargs=-1)
def region(db_path: Path | None, countries: tuple[str, ...]) -> None:
    """Show the store's region, or set it to COUNTRIES (names or ISO codes).

    Imports keep the rows of these countries and count the others as left out (unless
    --all-countries). The default region is Pakistan and Afghanistan.
    """
    from . import regions

    if not countries:
        try:
            db = store.open_readonly(db_path)
        except store.StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(", ".join(regions.region(db)))
        db.close()
        return
    db = _open_writable(db_path)
    try:
        chosen = regions.set_region(db, _split(countries))
    finally:
        db.close()
    click.echo(f"region: {', '.join(chosen)}")


def _print_counts(report: store.CheckReport) -> None:
    if report.counts:
        click.echo(", ".join(f"{k}: {v}" for k, v in report.counts.items()))


if __name__ == "__main__":  # pragma: no cover
    cli()
