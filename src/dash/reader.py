"""Typed reads of one store: what pages, the CLI and the bench ask, by name.

Aggregates (counts, sums, series, breakdowns, facets, the map's grid) come from the in-memory
columns (``dash.tally``); lists, details and text search from SQL (``dash.queries``). A reader
follows one state of the store: ``dash.web.data`` makes a new one when the data changes.
Go-to-definition leads from a number on a page to the method here, and from it to the NumPy or
SQL that computes it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import columns, queries
from .filters import Filters
from .queries import CURATED_LENS
from .tally import Tally


class Reader:
    """Reads of one store (a read-only connection and its in-memory columns)."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._tally: Tally | None = None
        self._lock = threading.Lock()

    @property
    def tally(self) -> Tally:
        """The in-memory columns, loaded on first use (from the persisted copy when current)."""
        with self._lock:
            if self._tally is None:
                self._tally = columns.open_tally(self.db, self.path)
            return self._tally

    # --- aggregates (in-memory columns) ------------------------------------------------------

    def count(self, filters: Filters) -> int:
        return self.tally.count(filters)

    def headline(self, filters: Filters) -> dict[str, Any]:
        return self.tally.headline(filters)

    def lens_headline(self, filters: Filters, lens: str = CURATED_LENS) -> dict[str, Any]:
        return self.tally.lens_headline(filters, lens)

    def series(
        self, filters: Filters, interval: str, split: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        return self.tally.series(filters, interval, split, lens)

    def breakdown(
        self, filters: Filters, dimension: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        return self.tally.breakdown(filters, dimension, lens)

    def victim_categories(self, filters: Filters, lens: str = CURATED_LENS) -> list[dict[str, Any]]:
        return self.tally.victim_categories(filters, lens)

    def parties_with_tolls(self, filters: Filters) -> list[str]:
        return self.tally.parties_with_tolls(filters)

    def origins_matching(self, filters: Filters) -> dict[str, int]:
        return self.tally.origins_matching(filters)

    def facets(self) -> dict[str, dict[str, int]]:
        return self.tally.facets()

    def date_bounds(self) -> tuple[str | None, str | None]:
        return self.tally.date_bounds()

    def count_located(self, filters: Filters) -> int:
        return self.tally.count_located(filters)

    def map_grid(self, filters: Filters, degrees: float) -> list[dict[str, Any]]:
        return self.tally.map_grid(filters, degrees)

    # --- lists and details (SQL) -----------------------------------------------------------------

    def events(
        self, filters: Filters, limit: int | None = None, offset: int = 0
    ) -> list[dict[str, Any]]:
        return queries.events_matching(self.db, filters, limit, offset)

    def iter_events(self, filters: Filters) -> Iterator[dict[str, Any]]:
        return queries.iter_events_matching(self.db, filters)

    def event(self, event_id: str) -> dict[str, Any] | None:
        return queries.event_by_id(self.db, event_id)

    def claims(self, event_id: str) -> list[dict[str, Any]]:
        return queries.claims_for(self.db, event_id)

    def event_sources(self, event_id: str) -> list[dict[str, Any]]:
        return queries.event_sources(self.db, event_id)

    def linked_events(self, event_id: str) -> list[dict[str, Any]]:
        return queries.linked_events(self.db, event_id)

    def quality_notes(self, event_id: str) -> list[dict[str, Any]]:
        return queries.quality_notes_for(self.db, event_id)

    def event_choices(self, filters: Filters, limit: int) -> list[dict[str, Any]]:
        return queries.event_choices(self.db, filters, limit)

    def most_contested(self, filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
        return queries.most_contested(self.db, filters, limit)

    def map_points(self, filters: Filters, limit: int) -> list[dict[str, Any]]:
        return queries.map_points(self.db, filters, limit)

    def possible_duplicates(self, filters: Filters) -> list[dict[str, Any]]:
        return queries.possible_duplicates(self.db, filters)

    # --- the store as a whole ----------------------------------------------------------------

    def documents(self, limit: int) -> list[dict[str, Any]]:
        return queries.documents_list(self.db, limit)

    def count_documents(self) -> int:
        return queries.count_documents(self.db)

    def import_log(self) -> list[dict[str, Any]]:
        return queries.import_log(self.db)

    def tracker_statistics(self) -> list[dict[str, Any]]:
        return queries.tracker_statistics(self.db)

    def data_as_of(self) -> str | None:
        return queries.data_as_of(self.db)

    def curated_coverage(self) -> dict[str, Any]:
        return queries.curated_coverage(self.db)

    def origins_registry(self) -> list[dict[str, Any]]:
        return queries.origins_registry(self.db)

    def quality_notes_by_kind(self) -> list[dict[str, Any]]:
        return queries.quality_notes_by_kind(self.db)

    def region(self) -> tuple[str, ...]:
        return queries.store_region(self.db)
