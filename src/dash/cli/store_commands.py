"""Commands that make and look after the store: build, check, recover, migrate, region."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import columns, integrity, store
from ..imports import BuildRefused, CuratedError, build_database
from .main import (
    DEFAULT_CURATED,
    cli,
    db_option,
    open_writable,
    print_counts,
    split_values,
)


@cli.command()
@db_option
@click.option(
    "--curated",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=DEFAULT_CURATED,
    show_default="data/curated",
    help="Folder of curated YAML files.",
)
@click.option(
    "--discard-imports",
    is_flag=True,
    help="Replace a database that holds imported events (or cannot be read), discarding them.",
)
def build(db_path: Path | None, curated: Path, discard_imports: bool) -> None:
    """Rebuild the database from the curated files.

    Validates every file first and writes a new database beside the old one, swapping it in only
    when complete: on any problem the old database is left untouched. Same files, same content.
    A database holding imported events is not replaced unless --discard-imports is given.
    """
    target = store.database_path(db_path)
    try:
        build_database(curated, target, discard_imports=discard_imports)
    except (CuratedError, BuildRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    except store.StoreError as exc:
        raise click.ClickException(f"the new database failed its checks: {exc}") from exc
    columns.write_for(target)
    report = store.check(target)
    click.echo(f"Built {target}")
    print_counts(report)
    click.echo(f"content digest: {report.digest}")


@cli.command()
@db_option
@click.option(
    "--accept",
    is_flag=True,
    help="Record the current content as intended (after a deliberate change outside the tool).",
)
def check(db_path: Path | None, accept: bool) -> None:
    """Check the database: schema version, integrity, foreign keys, search index, counts, the
    content against the digest its last write recorded, and writes not folded into the file.

    Exits with status 1 and names each problem when anything is wrong.
    """
    if accept:
        db = open_writable(db_path)
        with db.atomic():
            integrity.record(db, "check --accept")
        db.close()
    report = store.check(db_path)
    click.echo(f"database: {report.path}")
    click.echo(f"schema version: {report.schema_version or 'unknown'}")
    print_counts(report)
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
    db = open_writable(path)
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
    db = open_writable(db_path)
    click.echo(f"schema version: {store.schema_version(db)}")
    db.close()
    columns.write_for(store.database_path(db_path))  # the file changed: its columns follow


@cli.command()
@db_option
@click.argument("countries", nargs=-1)
def region(db_path: Path | None, countries: tuple[str, ...]) -> None:
    """Show the store's region, or set it to COUNTRIES (names or ISO codes).

    Imports keep the rows of these countries and count the others as left out (unless
    --all-countries). The default region is Pakistan and Afghanistan.
    """
    from .. import regions

    if not countries:
        try:
            db = store.open_readonly(db_path)
        except store.StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(", ".join(regions.region(db)))
        db.close()
        return
    db = open_writable(db_path)
    try:
        chosen = regions.set_region(db, split_values(countries))
    finally:
        db.close()
    click.echo(f"region: {', '.join(chosen)}")


@cli.command()
@db_option
@click.argument("out", type=click.Path(path_type=Path))
def publish(db_path: Path | None, out: Path) -> None:
    """Write the file a read-only instance serves: a complete single-file copy of the database
    (its -wal included), checked, with its persisted columns and OUT.manifest.json beside it,
    renamed over OUT only when whole. Use this instead of cp/mv (see docs/deploy.md)."""
    from ..publish import PublishRefused, manifest_path
    from ..publish import publish as publish_store

    try:
        manifest = publish_store(db_path, out)
    except PublishRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"published {out}")
    click.echo(", ".join(f"{k}: {v:,}" for k, v in manifest.counts.items()))
    click.echo(f"content digest: {manifest.content_digest}")
    click.echo(f"manifest: {manifest_path(out.expanduser().resolve())}")
