"""Every download the pages offer: CSV and CSV for Excel of rows from ``dash.exports`` (so the
origin restriction holds), and of a chart's own numbers where the instance allows them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import streamlit as st
from sqlite_utils import Database

from .. import csvcolumns, csvout, exports, store
from ..filters import Filters
from . import data


def downloads(
    what: str,
    columns_key: str,
    rows: Callable[[Database], Iterable[dict[str, Any]]],
    filters: Filters,
    *,
    key: str,
    n_rows: int | None = None,
    file_stem: str | None = None,
) -> None:
    """'CSV' and 'CSV for Excel' buttons for every row, built on click.

    ``rows`` is one of the row sources in ``dash.exports`` (run on its own connection), so the
    origin restriction applies to every download the app offers. The file name counts the rows
    the file holds: ``n_rows`` where the caller knows it cheaply (events), else counted here.
    """
    columns = csvcolumns.COLUMN_SETS[columns_key]

    def fresh(use: Callable[[Database], Any]) -> Any:
        # Downloads are generated on a separate thread when clicked: their own connection.
        db = store.open_readonly(data.database_path())
        try:
            return use(db)
        finally:
            db.close()

    def make(excel: bool) -> Callable[[], bytes]:
        return lambda: fresh(lambda db: csvout.csv_bytes(rows(db), columns, excel=excel))

    if n_rows is None:
        # Counted once per state of the store (documents at a million events: half a second a
        # run). What a row source yields is fixed by the download (what, its key and file stem,
        # which name one event's claims), the filter and the restriction.
        counted = ("rows", what, key, file_stem, filters, exports.hidden(), exports.scope())
        n_rows = data.read().remember(counted, lambda: fresh(lambda db: sum(1 for _ in rows(db))))
    _buttons(what, make, n_rows, filters, key=key, file_stem=file_stem)


def download_count(filters: Filters) -> int:
    """How many events a download of the filter carries (the origin restriction applied): the
    number its file name says."""
    reader = data.read()
    return reader.count(exports.restrict(filters, reader.origins_matching(Filters())))


def contested_count(filters: Filters) -> int:
    """How many events the most-contested download carries (restriction applied), from the
    reader's remembered ranking: the file name's number without a second query per page run."""
    reader = data.read()
    allowed = exports.restrict(filters, reader.origins_matching(Filters()))
    return len(reader.most_contested(allowed, -1))


def chart_downloads(
    what: str,
    columns_key: str,
    rows: Sequence[dict[str, Any]],
    filters: Filters,
    *,
    key: str,
    in_menu: bool = False,
) -> bool:
    """CSV buttons for a chart's own numbers; False (and a note) where the instance withholds
    chart downloads (EVENTS_NO_DOWNLOAD_SCOPE=all with restricted origins). ``in_menu``: the
    buttons share a narrow menu's width instead of a fifth of the page's each."""
    if not exports.charts_downloadable():
        st.caption("Chart downloads are withheld on this instance (its data terms).")
        return False
    columns = csvcolumns.COLUMN_SETS[columns_key]
    kept = exports.aggregate(rows)

    def make(excel: bool) -> Callable[[], bytes]:
        return lambda: csvout.csv_bytes(kept, columns, excel=excel)

    _buttons(what, make, len(kept), filters, key=key, in_menu=in_menu)
    return True


def _buttons(
    what: str,
    make: Callable[[bool], Callable[[], bytes]],
    n_rows: int,
    filters: Filters,
    *,
    key: str,
    file_stem: str | None = None,
    in_menu: bool = False,
) -> None:
    left, right = st.columns([1, 1] if in_menu else [1, 1, 3])[:2]
    for column, excel in ((left, False), (right, True)):
        name = csvout.filename_for(what, filters, n_rows, excel=excel)
        if file_stem:
            name = f"{file_stem}_{n_rows}-rows{'_excel' if excel else ''}.csv"
        column.download_button(
            "CSV for Excel" if excel else "CSV",
            data=make(excel),
            file_name=name,
            mime="text/csv",
            on_click="ignore",
            key=f"dl_{key}_{'excel' if excel else 'csv'}",
            help=f"All {n_rows:,} rows; the Data and sources page explains each column."
            + (" With a byte-order mark so Excel reads Urdu, Pashto and Dari." if excel else ""),
            width="stretch",
        )
