"""The command group and what its commands share: the database option, the writable store,
the filter options derived from the filter spec."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlite_utils import Database

from .. import __version__, store
from ..filters import Filters, match_known, specs, suggestion
from ..reader import Reader

DEFAULT_CURATED = store.PROJECT_ROOT / "data" / "curated"

db_option = click.option(
    "--db",
    "db_path",
    envvar=store.ENV_VAR,
    type=click.Path(path_type=Path),  # a folder gets the store's own message, with its fix
    default=None,
    show_envvar=True,
    help=f"Database file (default: {store.DEFAULT_DB.relative_to(store.PROJECT_ROOT)}).",
)


@click.group()
@click.version_option(__version__, prog_name="conflict-events")
def cli() -> None:
    """Build, check and export the conflict-events database behind the dashboard."""


def open_writable(db_path: Path | None) -> Database:
    """The database for an in-place write, refused in hosted read-only mode.

    With EVENTS_READONLY=1 a dashboard may be reading this file as immutable: it would not
    notice a change in place, or would read it half-done. There, data changes by replacing the
    file whole (``build`` does that by itself).
    """
    if store.serving_readonly():
        raise click.ClickException(
            f"{store.READONLY_ENV} is set: the database is served as an immutable file and is "
            "never changed in place. Write into the working store, then publish it over the "
            f"served file: {store.READONLY_ENV}= conflict-events import acled FILE --db work.db "
            "&& conflict-events publish events.db --db work.db (see docs/deploy.md)"
        )
    try:
        return store.open_writable(db_path)
    except store.StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def split_values(values: tuple[str, ...]) -> tuple[str, ...]:
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
            typed = split_values(value)
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


def print_counts(report: store.CheckReport) -> None:
    if report.counts:
        click.echo(", ".join(f"{k}: {v}" for k, v in report.counts.items()))
