"""Typed reads of one store: what pages, the CLI and the bench ask, by name.

Aggregates (counts, sums, series, breakdowns, facets, the map's grid) come from the in-memory
columns (``dash.tally``); lists, details and text search from SQL (``dash.queries``). A reader
follows one state of the store: ``dash.web.data`` makes a new one when the data changes.
Go-to-definition leads from a number on a page to the method here, and from it to the NumPy or
SQL that computes it.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import columns, queries, store
from .filters import Filters
from .kept import Kept
from .queries import CURATED_LENS, catalogue
from .tally import Tally

KEPT = 256
ROWID_LIST_LIMIT = 20_000


def _remembered(method: Callable[..., Any]) -> Callable[..., Any]:
    """Answer once per reader (the last ``KEPT`` answers): a reader follows one state of the
    store, so an answer cannot change. Callers get a copy (pages add display fields to rows).
    At a million events these are the reads that took seconds on every page run: the sidebar's
    facets, the as-of line, the origins' counts, the trackers' comparison, and each filter's
    aggregates when many viewers ask for the same few filters."""

    signature = inspect.signature(method)

    @functools.wraps(method)
    def remembered(self: Reader, *args: Any, **kwargs: Any) -> Any:
        # Defaults applied: series(f, "month", "event_type") and series(f, "month",
        # "event_type", "curated") are one answer (the server warms the first, pages ask the second).
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        key = (method.__name__, tuple(bound.arguments.values())[1:])
        return _copied(self._memo.get(key, lambda: method(self, *args, **kwargs)))

    return remembered


_PLAIN = frozenset((str, int, float, bool, type(None)))


def _copied(answer: Any) -> Any:
    """A copy of a remembered answer that its caller may change. Rows of plain values (most
    answers) are copied row by row: the most-contested ranking of a million events (17,693
    rows, read on every overview and narratives page run) in 0.013 s, 0.15 s by ``deepcopy``."""
    if isinstance(answer, list) and all(
        type(row) is dict and _PLAIN.issuperset(map(type, row.values())) for row in answer
    ):
        return [dict(row) for row in answer]
    return copy.deepcopy(answer)


class ConnectionPerThread(Database):
    """A read-only ``Database`` that gives each thread its own SQLite connection (opened on the
    thread's first read, about 1 ms; closed with the thread).

    The app serves each page run in a thread of its own. Through one shared connection SQLite
    takes their reads in turn: a viewer's 1 ms lookup waited behind another's 0.2 s search, and
    no read ran beside another run's Python, though SQLite reads outside the GIL."""

    def __init__(self, path: str | Path) -> None:
        self._path = store.database_path(path)
        self._threads = threading.local()
        # The store is checked once, here: a page run's connection opens without the checks.
        super().__init__(store.open_readonly(self._path).conn)

    @property  # type: ignore[override]
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._threads, "conn", None)
        if conn is None:
            conn = self._threads.conn = store.readonly_connection(self._path)
        return conn

    @conn.setter
    def conn(self, conn: sqlite3.Connection) -> None:
        self._threads.conn = conn


class Reader:
    """Reads of one store (a read-only connection and its in-memory columns)."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._tally: Tally | None = None
        self._lock = threading.Lock()
        self._memo: Kept[tuple[str, tuple[Any, ...]], Any] = Kept(KEPT)

    def remember(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """``make()``, once per reader for ``key``: for answers computed outside the reader
        that depend only on the store's state and ``key`` (a download's row count)."""
        return _remembered(lambda self, key: make())(self, key)

    def _rowids(self, filters: Filters) -> list[int] | None:
        """The matching events' rowids, for SQL to read by key, when the filter narrows to few
        enough (``ROWID_LIST_LIMIT``); None for everything or a broad filter, which SQL reads
        fastest in date order, stopping at its limit."""
        if filters.is_empty or self.count(filters) > ROWID_LIST_LIMIT:
            return None
        return self.tally.rowids(filters)

    @property
    def tally(self) -> Tally:
        """The in-memory columns, loaded on first use (from the persisted copy when current)."""
        with self._lock:
            if self._tally is None:
                self._tally = columns.open_tally(self.db, self.path)
            return self._tally

    # --- aggregates (in-memory columns) ------------------------------------------------------

    @_remembered
    def count(self, filters: Filters) -> int:
        return self.tally.count(filters)

    @_remembered
    def headline(self, filters: Filters) -> dict[str, Any]:
        return self.tally.headline(filters)

    @_remembered
    def lens_headline(self, filters: Filters, lens: str = CURATED_LENS) -> dict[str, Any]:
        return self.tally.lens_headline(filters, lens)

    @_remembered
    def series(
        self, filters: Filters, interval: str, split: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        return self.tally.series(filters, interval, split, lens)

    @_remembered
    def breakdown(
        self, filters: Filters, dimension: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        return self.tally.breakdown(filters, dimension, lens)

    @_remembered
    def victim_categories(self, filters: Filters, lens: str = CURATED_LENS) -> list[dict[str, Any]]:
        return self.tally.victim_categories(filters, lens)

    @_remembered
    def parties_with_tolls(self, filters: Filters) -> list[str]:
        return self.tally.parties_with_tolls(filters)

    @_remembered
    def origins_matching(self, filters: Filters) -> dict[str, int]:
        return self.tally.origins_matching(filters)

    @_remembered
    def facets(self) -> dict[str, dict[str, int]]:
        return self.tally.facets()

    @_remembered
    def date_bounds(self) -> tuple[str | None, str | None]:
        return self.tally.date_bounds()

    @_remembered
    def count_located(self, filters: Filters) -> int:
        return self.tally.count_located(filters)

    @_remembered
    def map_grid(self, filters: Filters, degrees: float) -> list[dict[str, Any]]:
        return self.tally.map_grid(filters, degrees)

    # --- lists and details (SQL) -----------------------------------------------------------------

    def events(
        self, filters: Filters, limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        return queries.events_matching(self.db, filters, limit, offset, self._rowids(filters))

    def iter_events(self, filters: Filters) -> Iterator[dict[str, Any]]:
        return queries.iter_events_matching(self.db, filters)

    def event(self, event_id: str) -> dict[str, Any] | None:
        return queries.event_by_id(self.db, event_id)

    def event_matches(self, filters: Filters, event_id: str) -> bool:
        return queries.event_matches(self.db, filters, event_id)

    def claims(self, event_id: str) -> list[dict[str, Any]]:
        return queries.claims_for(self.db, event_id)

    def event_sources(self, event_id: str) -> list[dict[str, Any]]:
        return queries.event_sources(self.db, event_id)

    def linked_events(self, event_id: str) -> list[dict[str, Any]]:
        return queries.linked_events(self.db, event_id)

    def quality_notes(self, event_id: str) -> list[dict[str, Any]]:
        return queries.quality_notes_for(self.db, event_id)

    def event_choices(self, filters: Filters, limit: int) -> list[dict[str, Any]]:
        return queries.event_choices(self.db, filters, limit, self._rowids(filters))

    @_remembered
    def most_contested(self, filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
        return queries.most_contested(self.db, filters, limit)

    def map_points(self, filters: Filters, limit: int) -> list[dict[str, Any]]:
        return queries.map_points(self.db, filters, limit, self._rowids(filters))

    @_remembered
    def possible_duplicates(self, filters: Filters) -> list[dict[str, Any]]:
        return queries.possible_duplicates(self.db, filters)

    # --- the store as a whole ----------------------------------------------------------------

    @_remembered
    def documents(self, limit: int) -> list[dict[str, Any]]:
        return catalogue.documents_list(self.db, limit)

    @_remembered
    def count_documents(self) -> int:
        return catalogue.count_documents(self.db)

    @_remembered
    def import_log(self) -> list[dict[str, Any]]:
        return catalogue.import_log(self.db)

    @_remembered
    def tracker_statistics(self) -> list[dict[str, Any]]:
        return catalogue.tracker_statistics(self.db)

    @_remembered
    def data_as_of(self) -> str | None:
        return catalogue.data_as_of(self.db)

    @_remembered
    def curated_coverage(self) -> dict[str, Any]:
        return catalogue.curated_coverage(self.db)

    @_remembered
    def origins_registry(self) -> list[dict[str, Any]]:
        return catalogue.origins_registry(self.db)

    @_remembered
    def quality_notes_by_kind(self) -> list[dict[str, Any]]:
        return catalogue.quality_notes_by_kind(self.db)

    @_remembered
    def tracker_comparison(self) -> list[dict[str, Any]]:
        """The trackers' published figures beside this store's tally for the same period and
        region (``stats.compare_trackers``): dozens of filtered headlines, once per store."""
        from .stats import compare_trackers

        return compare_trackers(self.tracker_statistics(), self.headline)

    def export_count(self, what: str, filters: Filters) -> int:
        """How many rows the ``what`` download carries (``exports.rows_of``, the restriction
        applied): the number in its file name, counted once per store state and filter."""
        from . import exports

        return self._export_count(what, filters, exports.hidden(), exports.scope())

    @_remembered
    def _export_count(self, what: str, filters: Filters, *restriction: Any) -> int:
        from . import exports

        return sum(1 for _ in exports.rows_of(self.db, what, filters))

    @_remembered
    def region(self) -> tuple[str, ...]:
        return catalogue.store_region(self.db)
