"""Commands that read rows out: export (through the one export path) and duplicates."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from .. import csvcolumns, csvout, exports, store
from ..filters import Filters
from ..reader import Reader
from .main import (
    cli,
    db_option,
    filter_options,
    filters_from_options,
)

output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)


@cli.command()
@db_option
@click.argument("what", type=click.Choice(["events", "claims", "documents"]))
@filter_options
@output_option
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
    columns = csvcolumns.COLUMN_SETS[what]
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
@output_option
def duplicates(db_path: Path | None, output: Path | None) -> None:
    """List events from different origins that may be one incident (CSV).

    Same event type, start dates at most a day apart, points within 10 km. Nothing is merged.
    """
    try:
        db = store.open_readonly(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = exports.duplicates(db, Filters())
    columns = csvcolumns.COLUMN_SETS["possible-duplicates"]
    if output is None:
        csvout.write_csv(rows, columns, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as fh:
            csvout.write_csv(rows, columns, fh)
    db.close()
    click.echo(f"{len(rows)} possible duplicate pairs", err=True)
