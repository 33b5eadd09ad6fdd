"""The one export path: every row a download carries — in the app, the bundle and the CLI —
comes from a function here, so the origin restriction holds on every path.

``EVENTS_NO_DOWNLOAD_ORIGINS`` (e.g. ``acled``, for ACLED's terms) keeps those origins' raw rows
out of every download: their events, the claims and documents only they cite, the duplicate
pairs and contested rankings that name them, and the import log's lines about their files.
``EVENTS_NO_DOWNLOAD_SCOPE`` says how far it reaches: ``rows`` (the default) restricts rows and
leaves the charts' numbers (counts and sums per period, province, type) downloadable, since they
carry no raw row; ``all`` also withholds every chart download on such an instance.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from . import csvcolumns, csvout, queries, store
from .filters import Filters
from .queries import catalogue, columnar

if TYPE_CHECKING:
    import altair as alt

SCOPE_ENV = "EVENTS_NO_DOWNLOAD_SCOPE"
SCOPES = ("rows", "all")


def hidden() -> frozenset[str]:
    """Origins whose raw rows no download carries."""
    return store.no_download_origins()


def scope() -> str:
    value = os.environ.get(SCOPE_ENV, "rows").strip().lower() or "rows"
    return value if value in SCOPES else "all"  # an unknown value errs on the side of less


def charts_downloadable() -> bool:
    """Whether chart numbers (aggregates) may be downloaded on this instance."""
    return not hidden() or scope() == "rows"


def restrict(filters: Filters, origins: Iterable[str]) -> Filters:
    """The filter narrowed to the origins a download may carry, of ``origins`` (the store's);
    one that matches nothing when none is left."""
    held = hidden()
    if not held:
        return filters
    allowed = tuple(o for o in (filters.origins or tuple(origins)) if o not in held)
    return filters.replace(origins=allowed or ("(none permitted)",))


def permitted(db: Database, filters: Filters) -> Filters:
    return restrict(filters, queries.origins(db))


def events(db: Database, filters: Filters) -> csvout.Cells:
    """The matching events as CSV cells (``csvcolumns.EVENT_COLUMNS``), restricted origins left out."""
    allowed = permitted(db, filters)
    return csvout.Cells(
        csvcolumns.EVENT_COLUMNS,
        rows=lambda: queries.iter_event_cells(db, allowed),
        parts=lambda: columnar.event_cells_parts(db, allowed),
    )


def claims(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    return queries.iter_claims_matching(db, permitted(db, filters))


def documents_for(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    return catalogue.iter_documents_for(db, permitted(db, filters))


def documents(db: Database) -> Iterator[dict[str, Any]]:
    """Every document, but those cited only by events of hidden origins."""
    held = hidden()
    rows = catalogue.iter_documents(db)
    if not held:
        return rows
    only_hidden = catalogue.documents_cited_only_by(db, held)
    return (r for r in rows if r["document_id"] not in only_hidden)


def event_claims(db: Database, event_id: str) -> list[dict[str, Any]]:
    """One event's claims, unless the event belongs to a hidden origin."""
    event = queries.event_by_id(db, event_id)
    if event is None or event["origin"] in hidden():
        return []
    return queries.claims_for(db, event_id)


def duplicates(db: Database, filters: Filters, limit: int = 1_000_000) -> list[dict[str, Any]]:
    held = hidden()
    return [
        r for r in queries.possible_duplicates(db, filters, limit)
        if r["origin"] not in held and r["other_origin"] not in held
    ]  # fmt: skip


def contested(db: Database, filters: Filters) -> list[dict[str, Any]]:
    return queries.most_contested(db, permitted(db, filters), -1)


def imports(db: Database) -> list[dict[str, Any]]:
    held = hidden()
    return [r for r in catalogue.import_log(db) if r["origin"] not in held]


def aggregate(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A chart's numbers, as the download carries them (none when the scope withholds them)."""
    return list(rows) if charts_downloadable() else []


# Every row source a download offers, by the column set its CSV uses: the list the tests walk.
ROW_SOURCES = {
    "events": events,
    "claims": claims,
    "documents": documents,
    "possible-duplicates": duplicates,
    "most-contested": contested,
    "imports": imports,
}
# Row sources that list the whole store whatever the filter.
STORE_WIDE = ("documents", "imports")


def rows_of(db: Database, what: str, filters: Filters) -> Iterable[Any]:
    """The rows the ``what`` download carries for ``filters`` (``ROW_SOURCES``)."""
    source = ROW_SOURCES[what]
    return source(db) if what in STORE_WIDE else source(db, filters)  # type: ignore[operator]


# --- charts as files (PNG, SVG): their numbers are the chart's CSV, above ---


def standalone(chart: alt.TopLevelMixin, notes: Sequence[str]) -> alt.TopLevelMixin:
    """The chart as a file that stands alone: its title, then ``notes`` under it (the filter in
    words, the source line, the as-of date), so a PNG pasted into a report says what it shows."""
    import altair as alt  # here: the CLI's CSV exports do without Altair's import

    def parts(title: Any) -> tuple[str, list[str]]:
        if isinstance(title, str):
            return title, []
        if isinstance(title, alt.TitleParams):
            sub = title.subtitle if isinstance(title.subtitle, list) else []
            return str(title.text), [str(s) for s in sub]
        return "", []

    text, subtitle = parts(chart.title)
    if hasattr(chart, "layer"):  # a layered chart carries its title on its layers
        chart = chart.copy()
        for layer in chart.layer:
            if not text:
                text, subtitle = parts(layer.title)
            layer.title = alt.Undefined
    return chart.properties(
        title=alt.TitleParams(
            text=text,
            subtitle=[*subtitle, *notes],
            anchor="start",
            subtitleColor="#444",
            subtitleFontSize=11,
        )
    )


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """The chart as SVG or PNG, rendered on the server (offline) by vl-convert."""
    import vl_convert as vlc

    spec = chart.to_json()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)
