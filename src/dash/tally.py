"""Aggregates over the events at a million rows: the statistics page's numbers in milliseconds.

SQLite answers one GROUP BY over a million events in about a second; the statistics page needs
a dozen of them per filter change. ``Tally`` keeps the columns those aggregates read in memory,
as NumPy arrays (dates as day numbers, text as integer codes, counts as floats with NaN for
unknown), loaded once per database file and shared by every session. A filter becomes a boolean
mask; each aggregate is a ``bincount`` over the mask. Free text and parties are matched by SQL
(FTS5 and the claims table: ``figures.search_hits``), every other filter field on the arrays by
``_mask``; a property test holds both equal to ``Filters.where``.

Every method returns what the SQL function of the same name in ``tests/support/oracle.py``
returns, row for row (the tests compare them on random filters); that SQL is the reference and the
benchmark's raw-SQL baseline, not a second implementation the app runs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from sqlite_utils import Database

from . import tally_places
from .figures import (
    CODED,
    COUNTS,
    EPOCH,
    UNKNOWN,
    Coded,
    Figure,
    Selection,
    claim_parties,
    figure_of,
    iso,
    party_figures,
    search_hits,
    subset,
    sums,
)
from .filters import LIST_COLUMNS, PLACE_COLUMNS, Filters
from .kept import Kept
from .periods import DATING, period_index, period_start, spanning
from .queries import CURATED_LENS, VICTIM_LABELS

# Filter fields matched on the arrays, and the column each one reads (the filter spec's).
_LIST_FILTERS = LIST_COLUMNS
_SPLIT_COLUMN = {"event_type": "event_type", "actor": "actor1", "province": "admin1"}
_BREAKDOWN_COLUMN = {
    "province": "admin1",
    "district": "admin2",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor": "actor1",
}


class Tally:
    """The events' aggregate columns in memory, with the statistics page's queries over them."""

    SELECTIONS_KEPT = 8
    SQL_HITS_KEPT = 32  # a million-long boolean array each: 1 MB

    def __init__(
        self, db: Database, arrays: dict[str, np.ndarray], labels: dict[str, list[str]]
    ) -> None:
        """The columns as ``dash.columns`` loads them (from SQL or a persisted copy)."""
        self.db = db
        self.size = len(arrays["rowid"])
        self.rowid = arrays["rowid"]
        self.date_start = arrays["date_start"]
        self.date_end = arrays["date_end"]
        self.cross_border = arrays["cross_border"] == 1
        self.latitude = arrays["latitude"]
        self.longitude = arrays["longitude"]
        # Events in more than one province: each further place's event position and codes.
        # Such an event matches a filter on any of its places and counts in each place's bar of
        # a breakdown, but once in every total.
        self.also = {"position": arrays["also_position"],
                     **{name: arrays[f"also_{name}"] for name in PLACE_COLUMNS}}  # fmt: skip
        self.coded: dict[str, Coded] = {}
        for name in CODED:
            names = labels[name]
            self.coded[name] = Coded(arrays[name], names, {v: i for i, v in enumerate(names)})
        self.counts = {name: figure_of(arrays[name]) for name in COUNTS}
        self._lock = threading.Lock()
        self._kept: dict[Any, Any] = {}
        self._selections: Kept[tuple[Filters, str], Selection] = Kept(self.SELECTIONS_KEPT)
        self._hits: Kept[tuple[str, tuple[str, ...]], np.ndarray] = Kept(self.SQL_HITS_KEPT)

    @classmethod
    def load(cls, db: Database) -> Tally:
        """The columns read from the database (seconds at a million events)."""
        from .columns import read_columns

        return cls(db, *read_columns(db))

    def _keep(self, key: Any, make: Callable[[], Any]) -> Any:
        """Compute once per Tally (group codes, period indexes, party figures, claims)."""
        with self._lock:
            if key not in self._kept:
                self._kept[key] = make()
            return self._kept[key]

    # --- matching ------------------------------------------------------------------------------

    def _positions(self, rowids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.rowid, rowids)

    def _mask(self, filters: Filters) -> np.ndarray:
        """The events a filter matches, as a boolean array (Filters.where, on the arrays)."""
        mask = np.ones(self.size, dtype=bool)
        if filters.date_from:
            mask &= self.date_end >= (filters.date_from - EPOCH).days
        if filters.date_to:
            mask &= self.date_start <= (filters.date_to - EPOCH).days
        for field, column in _LIST_FILTERS.items():
            values = getattr(filters, field)
            if values:
                mask &= self._isin(column, values)
        if filters.actors:
            mask &= self._isin("actor1", filters.actors) | self._isin("actor2", filters.actors)
        if filters.min_fatalities is not None:
            killed = self.best_or_low()
            mask &= killed.values >= filters.min_fatalities
            if killed.present is not None:
                mask &= killed.present
        if filters.cross_border_only:
            mask &= self.cross_border
        if filters.text or filters.parties:
            mask &= self._sql_hits(filters.text, filters.parties)
        return mask

    def _sql_hits(self, text: str, parties: tuple[str, ...]) -> np.ndarray:
        """The events a search and a party filter match, from SQL (FTS5, the claims table),
        as a boolean array; the last ``SQL_HITS_KEPT`` kept, since many viewers search the same
        few words and a word such as "strike" matches a third of a million events."""
        return self._hits.get(
            (text, parties), lambda: search_hits(self.db, text, parties, self.rowid)
        )

    def _isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        coded = self.coded[column]
        wanted = [coded.index[v] for v in values if v in coded.index]
        hit = np.isin(coded.codes, wanted)
        if column in PLACE_COLUMNS and len(self.also["position"]):
            hit[self.also["position"][np.isin(self.also[column], wanted)]] = True
        return hit

    def _select(self, filters: Filters, lens: str = CURATED_LENS) -> Selection:
        """The matching events and their figures under the lens, kept for the next few asks."""
        return self._selections.get((filters, lens), lambda: self._selection(filters, lens))

    def _selection(self, filters: Filters, lens: str) -> Selection:
        idx = None if filters.is_empty else np.flatnonzero(self._mask(filters))
        figures = {name: subset(f, idx) for name, f in self._figures(lens).items()}
        return Selection(idx, self.size if idx is None else len(idx), figures)

    def count(self, filters: Filters) -> int:
        return self._select(filters).size

    def rowids(self, filters: Filters) -> list[int]:
        """The rowids of the events a filter matches (the in-memory columns' answer)."""
        return self._select(filters).take(self.rowid).tolist()

    def origins_matching(self, filters: Filters) -> dict[str, int]:
        """oracle.origins_matching: the origins of the matching events, with their counts."""
        coded = self.coded["origin"]
        counts = np.bincount(self._select(filters).take(coded.codes), minlength=len(coded.labels))
        return {coded.labels[i]: int(n) for i, n in sorted(enumerate(counts.tolist()),
                                                             key=lambda x: coded.labels[x[0]]) if n}  # fmt: skip

    # --- lenses --------------------------------------------------------------------------------

    def best_or_low(self) -> Figure:
        """Each event's killed figure: its best estimate, or the low end of its range where it
        has none (its most conservative figure). Summed, low ≤ figure ≤ high then holds for
        any set of events; best estimates alone, summed over fewer events, fell below the low
        (the shipped store: 411 against a low of 890, 43 of 70 events having a range only)."""

        def make() -> Figure:
            best, low = self.counts["fatalities_best"], self.counts["fatalities_low"]
            if best.present is None:
                return best
            low_known = np.ones(self.size, bool) if low.present is None else low.present
            present = best.present | low_known
            values = np.where(best.present, best.values, low.values)  # 0 where neither is known
            return Figure(values, None if present.all() else present)

        return self._keep("best_or_low", make)

    def _figures(self, lens: str) -> dict[str, Figure]:
        """Per event: killed low / figure / high (and who was killed) under a lens."""
        if lens == CURATED_LENS:
            return {
                "low": self.counts["fatalities_low"],
                "k": self.best_or_low(),
                "high": self.counts["fatalities_high"],
                "injured": self.counts["injured"],
                "civilians": self.counts["deaths_civilians"],
                "security_forces": self.counts["deaths_security_forces"],
                "militants": self.counts["deaths_militants"],
                "unknown": self.counts["deaths_unknown"],
            }
        return {**self._keep(("party", lens), lambda: party_figures(self.db, self.size, self._positions, lens)),
                "injured": self.counts["injured"]}  # fmt: skip

    # --- the statistics page -------------------------------------------------------------------

    def aggregate(self, selection: Selection, groups: np.ndarray, n: int) -> list[dict[str, Any]]:
        """Events and killed low / figure / high per group code (0..n-1), groups with events."""
        g = selection.take(groups)
        events = np.bincount(g, minlength=n).tolist()
        totals = {name: sums(selection.figures[name], g, n) for name in ("low", "k", "high")}
        k = selection.figures["k"]
        with_figure = (
            events if k.present is None else np.bincount(g, weights=k.present, minlength=n).tolist()
        )
        return [
            {
                "group": i,
                "events": events[i],
                "killed_low": totals["low"][i],
                "killed": totals["k"][i],
                "killed_high": totals["high"][i],
                "events_with_figure": int(with_figure[i]),
            }
            for i in range(n)
            if events[i]
        ]

    def _grouping(self, column: str | None) -> tuple[np.ndarray, list[str]]:
        """Group codes 0..n-1 and their labels; NULL becomes '(unknown)', like coalesce()."""

        def make() -> tuple[np.ndarray, list[str]]:
            if column is None:
                return np.zeros(self.size, dtype=np.int32), ["All events"]
            coded = self.coded[column]
            labels = list(coded.labels)
            unknown = coded.index.get(UNKNOWN)
            if unknown is None:
                unknown = len(labels)
                labels.append(UNKNOWN)
            return np.where(coded.codes < 0, unknown, coded.codes).astype(np.int32), labels

        return self._keep(("grouping", column), make)

    def _periods(self, interval: str) -> tuple[np.ndarray, int, int]:
        return self._keep(("periods", interval), lambda: period_index(self.date_start, interval))

    def _spans(self, interval: str) -> np.ndarray:
        return self._keep(
            ("spans", interval),
            functools.partial(spanning, self.date_start, self.date_end, interval),
        )

    def series(
        self, filters: Filters, interval: str, split: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        selection = self._select(filters, lens)
        if not selection.size:
            return []
        periods, first, n_periods = self._periods(interval)
        groups, labels = self._grouping(_SPLIT_COLUMN.get(split))
        width = len(labels)
        # Not kept: 16 interval × split pairs of a million codes would hold 64 MB for a 3 ms sum.
        combined = (periods * np.int32(width) + groups) * np.int32(2) + self._spans(interval)
        rows = self.aggregate(selection, combined, n_periods * width * 2)
        for row in rows:
            cell, spans = divmod(row.pop("group"), 2)
            period, group = divmod(cell, width)
            row["period"] = period_start(interval, first, period)
            row["group"] = labels[group]
            row["dating"] = DATING[spans]
        return sorted(rows, key=lambda r: (r["period"], r["group"], r["dating"]))

    def breakdown(
        self, filters: Filters, dimension: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        column = _BREAKDOWN_COLUMN[dimension]
        groups, labels = self._grouping(column)
        selection = self._select(filters, lens)
        rows = self.aggregate(selection, groups, len(labels))
        if column in PLACE_COLUMNS:
            rows = tally_places.with_further_places(
                self, selection, column, groups, rows, len(labels)
            )
        for row in rows:
            row["value"] = labels[row.pop("group")]
        return sorted(rows, key=lambda r: (-(r["killed"] or 0), -r["events"], r["value"]))

    def _total(self, selection: Selection, name: str) -> int | None:
        if not selection.size:
            return None
        one = np.zeros(selection.size, dtype=np.int32)
        return sums(selection.figures[name], one, 1)[0]

    def lens_headline(self, filters: Filters, lens: str = CURATED_LENS) -> dict[str, Any]:
        selection = self._select(filters, lens)
        if selection.size:
            row = self.aggregate(selection, np.zeros(self.size, dtype=np.int32), 1)[0]
            row.pop("group")
        else:
            row = {"events": 0, "killed_low": None, "killed": None, "killed_high": None,
                   "events_with_figure": 0}  # fmt: skip
        row["injured"] = self._total(selection, "injured")
        return row

    def victim_categories(self, filters: Filters, lens: str = CURATED_LENS) -> list[dict[str, Any]]:
        selection = self._select(filters, lens)
        if lens == CURATED_LENS:
            parts = ("civilians", "security_forces", "militants", "unknown")
            values = {k: self._total(selection, k) for k in parts}
            rest = selection.figures["k"].values - sum(selection.figures[k].values for k in parts)
            values["not_broken_down"] = (
                int(round(np.maximum(rest, 0).sum(dtype=np.float64))) if selection.size else None
            )
        else:
            values = {
                k: self._total(selection, k) for k in ("civilians", "security_forces", "militants")
            }
        return [
            {"value": VICTIM_LABELS[k], "killed": v} for k, v in values.items() if v is not None
        ]

    def headline(self, filters: Filters) -> dict[str, Any]:
        selection = self._select(filters)
        row: dict[str, Any] = {"events": selection.size}
        for out, name in (
            ("fatalities_low", "low"),
            ("killed", "k"),  # best estimates, or the low end where an event has none
            ("fatalities_high", "high"),
            ("injured", "injured"),
        ):
            row[out] = self._total(selection, name)
        if selection.size:
            best, high = self.counts["fatalities_best"], selection.figures["high"]
            best_known = True if best.present is None else selection.take(best.present)
            high_known = True if high.present is None else high.present
            row["events_without_best"] = int(np.sum(~np.asarray(best_known) & high_known))
            row["first_date"] = iso(selection.take(self.date_start).min())
            row["last_date"] = iso(selection.take(self.date_end).max())
        else:
            row.update(events_without_best=None, first_date=None, last_date=None)
        row["parties"] = len(self._parties(selection, with_toll=False))
        return row

    def parties_with_tolls(self, filters: Filters) -> list[str]:
        return self._parties(self._select(filters), with_toll=True)

    def _parties(self, selection: Selection, *, with_toll: bool) -> list[str]:
        """Parties with a claim (with a toll, if asked) on a matching event, in party order."""
        claims = self._keep("claims", lambda: claim_parties(self.db, self._positions))
        if selection.idx is None:
            hit = np.ones(len(claims["position"]), dtype=bool)
        else:
            chosen = np.zeros(self.size, dtype=bool)
            chosen[selection.idx] = True
            hit = chosen[claims["position"]]
        if with_toll:
            hit &= claims["has_toll"]
        present = set(claims["party"][hit].tolist())
        return [p for p in claims["order"] if p in present]

    # --- the sidebar and the map (dash.tally_places) -------------------------------------------

    def facets(self) -> dict[str, dict[str, int]]:
        """oracle.facets: each list filter's values with their event counts."""
        return tally_places.facets(self)

    def date_bounds(self) -> tuple[str | None, str | None]:
        if not self.size:
            return None, None
        return iso(self.date_start.min()), iso(self.date_end.max())

    def located(self, filters: Filters) -> np.ndarray:
        """Positions of the matching events that have coordinates."""
        selection = self._select(filters)
        return selection.take(np.arange(self.size))[~np.isnan(selection.take(self.latitude))]

    def count_located(self, filters: Filters) -> int:
        return len(self.located(filters))

    def map_grid(self, filters: Filters, degrees: float) -> list[dict[str, Any]]:
        """oracle.map_grid: located events per grid cell of ``degrees``, most events first."""
        return tally_places.map_grid(self, self.located(filters), degrees)
