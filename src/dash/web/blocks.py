"""A chart as the statistics page shows it: the chart, its table one click away, and one
Download menu with its numbers (CSV, CSV for Excel) and its picture (PNG, SVG)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import streamlit as st

from .. import csvcolumns, csvout, exports
from ..filters import Filters
from . import data, display, downloads, tables


def chart_block(
    chart: alt.TopLevelMixin,
    rows: Sequence[dict[str, Any]],
    columns_key: str,
    name: str,
    filters: Filters,
    *,
    key: str,
    selectable: bool = False,
    table: Callable[[], None] | None = None,
) -> Any:
    """A chart with its table one click away, its numbers as CSV, and the picture as PNG/SVG.

    Returns the chart's selection state (charts with a selection rerun on click).
    """
    # Only the open tab is drawn (a switch reruns the page): a table nobody opened costs the
    # first visit nothing, neither on the server nor in the browser (the grid's 1.2 MB of
    # JavaScript is fetched only once a table is shown).
    chart_tab, table_tab = st.tabs(["Chart", "Table"], key=f"{key}_view", on_change="rerun")
    event = None
    if chart_tab.open:
        with chart_tab:
            event = display.altair_chart(
                chart, width="stretch", key=key, on_select="rerun" if selectable else "ignore"
            )
    if table_tab.open:
        with table_tab:
            if table:
                table()
            else:
                tables.grid(
                    tables.frame(rows, [c.name for c in csvcolumns.COLUMN_SETS[columns_key]])
                )
    # One menu per chart: its numbers (CSV, CSV for Excel) and its picture (PNG, SVG). Like the
    # table, its content runs only once opened (about 12 elements a chart on a first visit).
    menu = st.popover("Download", icon=":material/download:", key=f"{key}_menu", on_change="rerun")
    if menu.open:
        with menu:
            _chart_menu(chart, rows, columns_key, name, filters, key=key)
    return event


def _chart_menu(
    chart: alt.TopLevelMixin,
    rows: Sequence[dict[str, Any]],
    columns_key: str,
    name: str,
    filters: Filters,
    *,
    key: str,
) -> None:
    if not downloads.chart_downloads(name, columns_key, rows, filters, key=key, in_menu=True):
        return
    reader = data.read()
    names = {o["id"]: o["name"] for o in reader.origins_registry()}
    notes = [
        f"Filter: {filters.describe()}",
        "Data: "
        + "; ".join(names.get(o, o) for o in reader.origins_matching(filters))
        + " · conflict-events dashboard",
        f"As of: {reader.data_as_of() or 'unknown'}",
    ]
    left, right = st.columns(2)
    for column, fmt in ((left, "png"), (right, "svg")):
        column.download_button(
            fmt.upper(),
            data=lambda fmt=fmt: exports.chart_bytes(exports.standalone(chart, notes), fmt),
            file_name=f"{csvout.filename_for(name, filters, len(rows)).removesuffix('.csv')}.{fmt}",
            mime="image/png" if fmt == "png" else "image/svg+xml",
            on_click="ignore",
            key=f"dl_{key}_{fmt}",
            help=f"The chart as {fmt.upper()}, with its title, filter, origins and as-of line.",
            width="stretch",
        )
