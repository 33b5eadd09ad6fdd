"""The fetch group: download UCDP's or ACLED's events, then import them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import store
from .import_commands import persist_columns
from .main import (
    cli,
    db_option,
    open_writable,
)

if TYPE_CHECKING:
    from ..imports.fetch_ucdp import FetchResult


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
    """UCDP's GED release and the candidate releases after it, by one command.

    GED YY.1 covers events to the end of 20YY-1; the candidate files of 20YY on follow it (the
    newest year-so-far file, then each month's). A file already imported is skipped. A final
    release updates the candidate events it publishes in place (changes kept as revisions) and
    removes the UCDP events of its years it does not publish (kept whole in the revisions); an
    older release than the store's is refused.
    """
    from tqdm import tqdm

    from ..imports.download import DownloadFailed
    from ..imports.fetch_ucdp import fetch_ucdp
    from ..imports.importer import ImportFailed, ImportRefused

    db = open_writable(db_path)
    store.begin_concurrent_write(db)
    bars: dict[str, Any] = {}

    def progress(name: str, done: int, total: int | None) -> None:
        bar = bars.setdefault(name, tqdm(total=total, unit="B", unit_scale=True, desc=name,
                                         disable=not sys.stderr.isatty(), file=sys.stderr))  # fmt: skip
        bar.update(done - bar.n)

    failure: Exception | None = None
    try:
        results = fetch_ucdp(db, _cache(db_path, cache), base=base_url, version=version,
                             candidates=not no_candidates, all_countries=all_countries,
                             progress=progress)  # fmt: skip
    except (DownloadFailed, ImportRefused, ImportFailed) as exc:
        results, failure = getattr(exc, "done", []), exc  # the files taken before it failed
    finally:
        for bar in bars.values():
            bar.close()
        store.end_concurrent_write(db)
        db.close()
    if failure is None or any(r.report for r in results):
        persist_columns(db_path)
    _report_ucdp(results)
    if failure is not None:
        raise click.ClickException(str(failure)) from failure


def _report_ucdp(results: list[FetchResult]) -> None:
    for result in results:
        if result.report:
            click.echo(f"{result.release.name}: {result.report.summary()}")
        else:
            click.echo(f"{result.release.name}: {result.skipped}")
        if result.removed:
            click.echo(
                f"{result.release.name}: {len(result.removed):,} UCDP events of the years it "
                "covers are not in it, or now outside the region (candidates UCDP dropped or "
                "moved, events an earlier release had): removed, each kept whole in the revisions"
            )


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

    from ..imports.download import DownloadFailed
    from ..imports.fetch_acled import LICENCE_NOTE, fetch_acled
    from ..imports.importer import ImportFailed, ImportRefused

    email = email or click.prompt("ACLED account email")
    password = os.environ.get("ACLED_PASSWORD") or click.prompt("ACLED password", hide_input=True)
    click.echo(LICENCE_NOTE, err=True)
    db = open_writable(db_path)
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
    persist_columns(db_path)
    since = (
        "every event"
        if result.since is None
        else f"events changed since {dt.datetime.fromtimestamp(result.since, dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    click.echo(f"ACLED: {result.pages} page(s), {result.rows:,} rows ({since})")
    if result.report:
        click.echo(result.report.summary())
    click.echo(
        f"{len(result.deleted):,} event(s) deleted by ACLED removed, with the source documents"
        " only they cited (each recorded whole as a revision)"
    )
