"""The store as pages see it: one reader per state of the database, shared by every session,
and the error screen for a store that cannot be read."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

from .. import exports, mapdata, stats, store, text
from ..filters import Filters
from ..reader import ConnectionPerThread, Reader
from . import access, media

DATA_STAMP = "_data_stamp"
# Bounded views, named on the Data and sources page.
PICKER_LIMIT = 1000
DOCUMENTS_SHOWN = 1000


def database_path() -> str:
    return str(store.database_path())


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str, file_stamp: str) -> Database:
    # ``file_stamp`` (inode, mtime, size) makes a replaced or rewritten file open afresh.
    return store.open_readonly(path)


def _file_stamp(path: str) -> str:
    try:
        st_ = store.database_path(path).stat()
    except OSError:
        return "missing"
    return f"{st_.st_dev}:{st_.st_ino}:{st_.st_mtime_ns}:{st_.st_size}"


def _stamp(path: str) -> tuple[str, int]:
    """The state of the store: the file, and the commits seen through its connection.

    An import in WAL mode commits into the ``-wal`` file: the database file's mtime and size
    change only at a checkpoint. ``PRAGMA data_version`` changes with every commit made by
    another connection. Raises StoreError or sqlite3.Error when the database is unusable.
    """
    file_stamp = _file_stamp(path)
    version = _connection(path, file_stamp).execute("PRAGMA data_version").fetchone()[0]
    return file_stamp, version


@st.cache_resource(show_spinner=False, max_entries=2)
def _reader(path: str, stamp: tuple[str, int]) -> Reader:
    # One per state of the store, shared by every session: its in-memory columns (about 150 MB
    # at a million events) are read once, or memory-mapped from their persisted copy.
    return Reader(ConnectionPerThread(path), Path(path))


def read() -> Reader:
    """The reader of the store in its current state; a store that cannot be read shows its
    error screen and stops the page."""
    path = database_path()
    with stop_if_unusable(path):
        reader = _reader(path, _stamp(path))
        if reader._tally is None:
            with st.spinner("Reading the events' columns (once per state of the store)…"):
                reader.tally  # noqa: B018 - loads (or memory-maps) the columns
        return reader


def warm() -> None:
    """At server start (``dash.web.server``): open the store, map its columns and work out the
    store-wide answers every page shows (the sidebar's choices, the as-of line, the origins,
    the trackers' comparison), so the first viewer does not wait for them. A store that cannot
    be read is left to the first page, which shows its error screen."""
    path = database_path()
    try:
        reader = _reader(path, _stamp(path))
        everything = Filters()
        violence = stats.violence_only(everything, list(reader.facets()["event_types"]))
        reader.data_as_of()
        reader.origins_registry()
        reader.date_bounds()
        reader.tracker_comparison()
        # what the pages draw with no filter set (the statistics page counts violence only)
        for filters in (everything, violence):
            reader.headline(filters)
            reader.origins_matching(filters)
            reader.count_located(filters)
        if mapdata.use_grid(reader.count_located(everything)):  # the map's first drawing
            reader.map_grid(everything, mapdata.GRID_DEGREES)
        reader.count(everything)  # the sidebar's "Events matching"
        reader.count(everything.replace(event_types=(stats.STRATEGIC,)))  # statistics' note
        reader.lens_headline(violence, stats.DEFAULTS["lens"])
        reader.parties_with_tolls(violence)
        reader.series(violence, stats.DEFAULTS["interval"], "none")  # killed: no split
        reader.breakdown(violence, "province")
        reader.most_contested(everything, 10)  # the overview's ranking and its download's count
        reader.most_contested(everything, -1)
        for what in exports.STORE_WIDE:  # the Data and sources page's download counts
            reader.export_count(what, everything)
        reader.export_count("possible-duplicates", everything)
        reader.documents(DOCUMENTS_SHOWN)  # the Data and sources page's table
        reader.count_documents()
    except (store.StoreError, sqlite3.Error, OSError):
        return


@contextlib.contextmanager
def stop_if_unusable(path: str) -> Iterator[None]:
    try:
        yield
        return
    except store.StoreError as exc:
        error = exc
    except sqlite3.DatabaseError as exc:
        error = store.unusable(exc, store.database_path(path))
    show_store_error(error)
    st.stop()


def note_data_change() -> None:
    """Tell a viewer, once, when the data changed since this session's last page run."""
    path = database_path()
    with stop_if_unusable(path):
        stamp = _stamp(path)
    seen = st.session_state.get(DATA_STAMP)
    st.session_state[DATA_STAMP] = stamp
    if seen is not None and seen != stamp:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        st.toast(f"Data updated ({when}): every figure now includes the change.", icon="🔄")


def show_store_error(exc: store.StoreError) -> None:
    kind = {
        store.DatabaseMissing: "The events database is missing",
        store.DatabaseCorrupt: "The events database is damaged or not a database",
        store.DatabaseOutdated: "The events database lacks the schema this app needs",
        store.DatabaseInterrupted: "A write to the events database was interrupted",
        store.DatabaseBusy: "The events database cannot be read right now",
    }.get(type(exc), "The events database cannot be used")
    st.error(f"{kind}: {exc.args[0]}.\n\nFile: `{exc.path}`", icon="⚠️")
    if isinstance(exc, store.DatabaseBusy):
        st.info("Nothing is wrong with the data: reload the page in a moment.")
        return
    command = re.match(r"(conflict-events [\w-]+)(.*)", exc.hint, re.S)
    if command:
        st.markdown("Run this in the project folder to fix it, then reload the page:")
        st.code(command[1], language="bash")
        if command[2].strip(" ;"):
            st.markdown(text.plain(command[2].strip(" ;")))
    else:
        st.markdown(text.plain(f"To fix it: {exc.hint}."))
    st.caption(
        f"Another database can be served by setting the {store.ENV_VAR} environment variable."
    )


def instance_summary() -> str:
    """How this instance serves its data and who may see it, for the Data and sources page."""
    if store.serving_readonly():
        serving = (
            "This instance serves its database read-only, as an immutable file "
            f"({store.READONLY_ENV}=1): the data changes only when the administrator replaces "
            "the file with a newly published one, and pages then say *Data updated*."
        )
    else:
        serving = (
            "This instance reads its database live: an import shows up at the next page run, "
            "whole (never half of it), with a *Data updated* note."
        )
    who = {
        "password": "It is private: a shared password is asked once per browser session.",
        "login": "It is private: viewers log in with the organisation's identity provider.",
    }.get(access.mode(), "It is open to anyone who can reach it.")
    scale = (
        "Counts, charts and the map's grid come from an in-memory copy of the events' columns, "
        "persisted beside the database and memory-mapped when a server starts (read again, "
        "with a spinner, when the store has changed); the narratives picker lists the "
        f"{PICKER_LIMIT:,} most recent matching events and the documents table the first "
        f"{DOCUMENTS_SHOWN:,}; downloads carry every row."
    )
    links = (
        "A download's link works only in the browser that clicked the button, and for "
        f"{media.lifetime() / 60:g} minutes; click again for a fresh one."
    )
    return (
        f"{serving} {who} {links} No page writes to the data. Hosting: `docs/deploy.md`.\n\n{scale}"
    )
