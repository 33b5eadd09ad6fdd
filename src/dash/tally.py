"""Aggregates over the events at a million rows: the statistics page's numbers in milliseconds.

SQLite answers one GROUP BY over a million events in about a second; the statistics page needs
a dozen of them per filter change. ``Tally`` keeps the columns those aggregates read in memory,
as NumPy arrays (dates as day numbers, text as integer codes, counts as floats with NaN for
unknown), loaded once per database file and shared by every session. A filter becomes a boolean
mask; each aggregate is a ``bincount`` over the mask. Free text and parties are matched by SQL
(FTS5 and the claims table, through ``Filters.where``), and every other filter field is matched
on the arrays by ``_mask``, which a property test holds equal to ``Filters.where``.

Every method returns what the SQL function of the same name in ``tests/support/oracle.py``
returns, row for row (the tests compare them on random filters); that SQL is the reference and the
benchmark's raw-SQL baseline, not a second implementation the app runs.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlite_utils import Database

from .filters import LIST_COLUMNS, PLACE_COLUMNS, Filters
from .queries import CURATED_LENS, LENS_CLAIMS, VICTIM_LABELS, lens_parts

UNKNOWN = "(unknown)"
# Text columns kept as codes, and the count columns kept as numbers.
CODED = (
    "country",
    "admin1",
    "admin2",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "origin",
    "geo_precision",
)
COUNTS = (
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "injured",
    "deaths_civilians",
    "deaths_security_forces",
    "deaths_militants",
    "deaths_unknown",
)
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
_EPOCH = dt.date(1970, 1, 1)


@dataclass
class _Coded:
    codes: np.ndarray  # -1 where the value is NULL
    labels: list[str]
    index: dict[str, int]


@dataclass
class _Figure:
    """One count column over the selected events: values (0 where unknown) and which are known."""

    values: np.ndarray
    present: np.ndarray | None  # None: every value is known


@dataclass
class _Selection:
    """The events a filter matches (``idx`` None: all of them) and the lens's figures for them."""

    idx: np.ndarray | None
    size: int
    figures: dict[str, _Figure]

    def take(self, column: np.ndarray) -> np.ndarray:
        return column if self.idx is None else column.take(self.idx)


def _days(values: Any) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]").astype(np.int32)


def _iso(days: int) -> str:
    return (_EPOCH + dt.timedelta(days=int(days))).isoformat()


def _sums(figure: _Figure, groups: np.ndarray, n: int) -> list[Any]:
    """SQL's sum() per group: NULLs ignored, NULL when a group has no known value."""
    totals = np.bincount(groups, weights=figure.values, minlength=n)
    known = (
        np.bincount(groups, minlength=n)
        if figure.present is None
        else np.bincount(groups, weights=figure.present, minlength=n)
    )
    return [
        int(round(t)) if k else None for t, k in zip(totals.tolist(), known.tolist(), strict=True)
    ]


def _figure(values: np.ndarray) -> _Figure:
    present = ~np.isnan(values)
    return _Figure(np.where(present, values, 0.0), None if present.all() else present)


def _subset(figure: _Figure, selection_idx: np.ndarray | None) -> _Figure:
    if selection_idx is None:
        return figure
    present = None if figure.present is None else figure.present.take(selection_idx)
    return _Figure(figure.values.take(selection_idx), present)


class Tally:
    """The events' aggregate columns in memory, with the statistics page's queries over them."""

    SELECTIONS_KEPT = 8

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
        self.coded: dict[str, _Coded] = {}
        for name in CODED:
            names = labels[name]
            self.coded[name] = _Coded(arrays[name], names, {v: i for i, v in enumerate(names)})
        self.counts = {name: _figure(arrays[name]) for name in COUNTS}
        self._lock = threading.Lock()
        self._kept: dict[Any, Any] = {}
        self._selections: OrderedDict[tuple[Filters, str], _Selection] = OrderedDict()

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
            mask &= self.date_end >= (filters.date_from - _EPOCH).days
        if filters.date_to:
            mask &= self.date_start <= (filters.date_to - _EPOCH).days
        for field, column in _LIST_FILTERS.items():
            values = getattr(filters, field)
            if values:
                mask &= self._isin(column, values)
        if filters.actors:
            mask &= self._isin("actor1", filters.actors) | self._isin("actor2", filters.actors)
        if filters.min_fatalities is not None:
            best, low = self.counts["fatalities_best"], self.counts["fatalities_low"]
            best_known = np.ones(self.size, bool) if best.present is None else best.present
            low_known = np.ones(self.size, bool) if low.present is None else low.present
            killed = np.where(best_known, best.values, low.values)
            mask &= (best_known | low_known) & (killed >= filters.min_fatalities)
        if filters.cross_border_only:
            mask &= self.cross_border
        if filters.text or filters.parties:
            # Full text and claims live in SQL: ask it for the rowids of just those two clauses.
            where, params = Filters(text=filters.text, parties=filters.parties).where()
            if where != "1 = 1":
                cursor = self.db.execute(f"SELECT e.rowid FROM events e WHERE {where}", params)  # noqa: S608
                rowids = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1)
                hit = np.zeros(self.size, dtype=bool)
                hit[self._positions(rowids)] = True
                mask &= hit
        return mask

    def _isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        coded = self.coded[column]
        wanted = [coded.index[v] for v in values if v in coded.index]
        hit = np.isin(coded.codes, wanted)
        if column in PLACE_COLUMNS and len(self.also["position"]):
            hit[self.also["position"][np.isin(self.also[column], wanted)]] = True
        return hit

    def _select(self, filters: Filters, lens: str = CURATED_LENS) -> _Selection:
        """The matching events and their figures under the lens, kept for the next few asks."""
        key = (filters, lens)
        with self._lock:
            if key in self._selections:
                self._selections.move_to_end(key)
                return self._selections[key]
        if filters.is_empty:
            idx = None
            size = self.size
        else:
            idx = np.flatnonzero(self._mask(filters))
            size = len(idx)
        figures = {name: _subset(f, idx) for name, f in self._figures(lens).items()}
        selection = _Selection(idx, size, figures)
        with self._lock:
            self._selections[key] = selection
            while len(self._selections) > self.SELECTIONS_KEPT:
                self._selections.popitem(last=False)
        return selection

    def count(self, filters: Filters) -> int:
        return self._select(filters).size

    def origins_matching(self, filters: Filters) -> dict[str, int]:
        """oracle.origins_matching: the origins of the matching events, with their counts."""
        coded = self.coded["origin"]
        counts = np.bincount(self._select(filters).take(coded.codes), minlength=len(coded.labels))
        return {coded.labels[i]: int(n) for i, n in sorted(enumerate(counts.tolist()),
                                                             key=lambda x: coded.labels[x[0]]) if n}  # fmt: skip

    # --- lenses --------------------------------------------------------------------------------

    def _figures(self, lens: str) -> dict[str, _Figure]:
        """Per event: killed low / figure / high (and who was killed) under a lens."""
        if lens == CURATED_LENS:
            return {
                "low": self.counts["fatalities_low"],
                "k": self.counts["fatalities_best"],
                "high": self.counts["fatalities_high"],
                "injured": self.counts["injured"],
                "civilians": self.counts["deaths_civilians"],
                "security_forces": self.counts["deaths_security_forces"],
                "militants": self.counts["deaths_militants"],
                "unknown": self.counts["deaths_unknown"],
            }
        return {**self._keep(("party", lens), lambda: self._load_party(lens)),
                "injured": self.counts["injured"]}  # fmt: skip

    def _load_party(self, party: str) -> dict[str, _Figure]:
        cursor = self.db.execute(
            f"""SELECT e.rowid,
                      min(CASE WHEN c.killed IS NOT NULL THEN c.killed END),
                      max(CASE WHEN c.killed IS NOT NULL THEN coalesce(c.killed_high, c.killed) END),
                      max(coalesce(c.civilians_killed, c.women_children_killed)),
                      max(c.security_forces_killed),
                      max(c.militants_killed)
                 FROM claims c JOIN events e ON e.id = c.event_id
                WHERE {LENS_CLAIMS} GROUP BY e.rowid""",  # noqa: S608 - a fixed fragment
            lens_parts(party),
        )
        rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 6)
        positions = self._positions(rows[:, 0].astype(np.int64))
        out = {}
        for i, name in enumerate(("k", "high", "civilians", "security_forces", "militants"), 1):
            column = np.full(self.size, np.nan)
            column[positions] = rows[:, i]
            out[name] = _figure(column)
        out["low"] = out["k"]
        return out

    # --- the statistics page -------------------------------------------------------------------

    def _aggregate(self, selection: _Selection, groups: np.ndarray, n: int) -> list[dict[str, Any]]:
        """Events and killed low / figure / high per group code (0..n-1), groups with events."""
        g = selection.take(groups)
        events = np.bincount(g, minlength=n).tolist()
        sums = {name: _sums(selection.figures[name], g, n) for name in ("low", "k", "high")}
        k = selection.figures["k"]
        with_figure = (
            events if k.present is None else np.bincount(g, weights=k.present, minlength=n).tolist()
        )
        return [
            {
                "group": i,
                "events": events[i],
                "killed_low": sums["low"][i],
                "killed": sums["k"][i],
                "killed_high": sums["high"][i],
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
        """Each event's period as an index from the earliest one, that period's first day, and
        the number of periods (weeks start on Monday, as SQLite's 'weekday 0', '-6 days')."""

        def make() -> tuple[np.ndarray, int, int]:
            days = self.date_start.astype(np.int64)
            if not len(days):
                return np.zeros(0, dtype=np.int32), 0, 0
            if interval == "week":  # 1970-01-01 was a Thursday
                starts = days - (days + 3) % 7
                first = int(starts.min())
                index = (starts - first) // 7
            else:
                months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
                step = {"month": 1, "quarter": 3, "year": 12}[interval]
                months = months - months % step
                first_month = int(months.min())
                index = (months - first_month) // step
                first = int(
                    np.datetime64(first_month, "M").astype("datetime64[D]").astype(np.int64)
                )
            return index.astype(np.int32), first, int(index.max()) + 1

        return self._keep(("periods", interval), make)

    def _period_start(self, interval: str, first: int, index: int) -> str:
        if interval == "week":
            return _iso(first + 7 * index)
        step = {"month": 1, "quarter": 3, "year": 12}[interval]
        month = np.datetime64(first, "D").astype("datetime64[M]") + index * step
        return str(month.astype("datetime64[D]"))

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
        combined = periods * np.int32(width) + groups
        rows = self._aggregate(selection, combined, n_periods * width)
        for row in rows:
            period, group = divmod(row.pop("group"), width)
            row["period"] = self._period_start(interval, first, period)
            row["group"] = labels[group]
        return sorted(rows, key=lambda r: (r["period"], r["group"]))

    def breakdown(
        self, filters: Filters, dimension: str, lens: str = CURATED_LENS
    ) -> list[dict[str, Any]]:
        column = _BREAKDOWN_COLUMN[dimension]
        groups, labels = self._grouping(column)
        selection = self._select(filters, lens)
        rows = self._aggregate(selection, groups, len(labels))
        if column in PLACE_COLUMNS:
            rows = self._with_further_places(selection, column, groups, rows, len(labels))
        for row in rows:
            row["value"] = labels[row.pop("group")]
        return sorted(rows, key=lambda r: (-(r["killed"] or 0), -r["events"], r["value"]))

    def _with_further_places(
        self,
        selection: _Selection,
        column: str,
        groups: np.ndarray,
        rows: list[dict[str, Any]],
        n: int,
    ) -> list[dict[str, Any]]:
        """Add each matching event to the bars of its further places (not its own twice)."""
        position, codes = self.also["position"], self.also[column]
        if not selection.size or not len(position):
            return rows
        keep = (codes >= 0) & (codes != groups.take(position))
        if selection.idx is None:
            at = position
        else:  # where each further place's event sits in the selection, if it is there at all
            at = np.searchsorted(selection.idx, position).clip(max=selection.size - 1)
            keep &= selection.idx.take(at) == position
        if not keep.any():
            return rows
        # One (event, place) pair once, even where a province repeats with another district.
        at, place = np.unique(np.stack([at[keep], codes[keep]]), axis=1)
        further = _Selection(
            None, len(at), {k: _subset(f, at) for k, f in selection.figures.items()}
        )
        by_group = {r["group"]: r for r in rows}
        for row in self._aggregate(further, place.astype(np.int32), n):
            mine = by_group.setdefault(row["group"], {**row, "events": 0, "events_with_figure": 0,
                                                      "killed_low": None, "killed": None,
                                                      "killed_high": None})  # fmt: skip
            for name in ("events", "events_with_figure"):
                mine[name] += row[name]
            for name in ("killed_low", "killed", "killed_high"):
                if row[name] is not None:
                    mine[name] = (mine[name] or 0) + row[name]
        return list(by_group.values())

    def _total(self, selection: _Selection, name: str) -> int | None:
        if not selection.size:
            return None
        one = np.zeros(selection.size, dtype=np.int32)
        return _sums(selection.figures[name], one, 1)[0]

    def lens_headline(self, filters: Filters, lens: str = CURATED_LENS) -> dict[str, Any]:
        selection = self._select(filters, lens)
        if selection.size:
            row = self._aggregate(selection, np.zeros(self.size, dtype=np.int32), 1)[0]
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
            ("fatalities_best", "k"),
            ("fatalities_high", "high"),
            ("injured", "injured"),
        ):
            row[out] = self._total(selection, name)
        if selection.size:
            best, high = selection.figures["k"], selection.figures["high"]
            best_known = True if best.present is None else best.present
            high_known = True if high.present is None else high.present
            row["events_without_best"] = int(np.sum(~np.asarray(best_known) & high_known))
            row["first_date"] = _iso(selection.take(self.date_start).min())
            row["last_date"] = _iso(selection.take(self.date_end).max())
        else:
            row.update(events_without_best=None, first_date=None, last_date=None)
        row["parties"] = len(self._parties(selection, with_toll=False))
        return row

    def parties_with_tolls(self, filters: Filters) -> list[str]:
        return self._parties(self._select(filters), with_toll=True)

    def _parties(self, selection: _Selection, *, with_toll: bool) -> list[str]:
        """Parties with a claim (with a toll, if asked) on a matching event, in party order."""
        claims = self._keep("claims", self._load_claims)
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

    def _load_claims(self) -> dict[str, Any]:
        rows = self.db.execute(
            "SELECT e.rowid, c.party_id, c.killed IS NOT NULL"
            " FROM claims c JOIN events e ON e.id = c.event_id"
        ).fetchall()
        return {
            "position": self._positions(np.array([r[0] for r in rows], dtype=np.int64)),
            "party": np.array([r[1] for r in rows], dtype=object),
            "has_toll": np.array([bool(r[2]) for r in rows], dtype=bool),
            "order": [r[0] for r in self.db.execute("SELECT id FROM parties ORDER BY sort_order")],
        }

    # --- the sidebar and the map ---------------------------------------------------------------

    def facets(self) -> dict[str, dict[str, int]]:
        """oracle.facets: each list filter's values with their event counts."""
        out: dict[str, dict[str, int]] = {}
        for name, column in _LIST_FILTERS.items():
            coded = self.coded[column]
            counts = np.bincount(coded.codes[coded.codes >= 0], minlength=len(coded.labels))
            if column in PLACE_COLUMNS and len(self.also["position"]):
                position, codes = self.also["position"], self.also[column]
                other = (codes >= 0) & (codes != coded.codes.take(position))
                pairs = np.unique(np.stack([position[other], codes[other]]), axis=1)
                counts = counts + np.bincount(pairs[1], minlength=len(coded.labels))
            out[name] = _ordered(
                (k, v) for k, v in zip(coded.labels, counts.tolist(), strict=True) if v
            )
        # An actor counts once per event it appears in, as actor1 or as a different actor2.
        actor1, actor2 = self.coded["actor1"], self.coded["actor2"]
        totals: dict[str, int] = {}
        for label, n in zip(actor1.labels, np.bincount(actor1.codes[actor1.codes >= 0],
                                                        minlength=len(actor1.labels)).tolist(), strict=True):  # fmt: skip
            totals[label] = totals.get(label, 0) + n
        first = np.array(actor1.labels + [None], dtype=object)[actor1.codes]
        second = np.array(actor2.labels + [None], dtype=object)[actor2.codes]
        other = (actor2.codes >= 0) & (second != first)
        for label, n in zip(*np.unique(second[other].astype(str), return_counts=True), strict=True):
            totals[str(label)] = totals.get(str(label), 0) + int(n)
        out["actors"] = _ordered((k, v) for k, v in totals.items() if v)
        rows = self.db.execute(
            "SELECT party_id, count(DISTINCT event_id) FROM claims GROUP BY 1"
        ).fetchall()
        out["parties"] = _ordered(rows)
        return {name: out[name] for name in _FACET_ORDER}

    def date_bounds(self) -> tuple[str | None, str | None]:
        if not self.size:
            return None, None
        return _iso(self.date_start.min()), _iso(self.date_end.max())

    def _located(self, filters: Filters) -> np.ndarray:
        selection = self._select(filters)
        return selection.take(np.arange(self.size))[~np.isnan(selection.take(self.latitude))]

    def count_located(self, filters: Filters) -> int:
        return len(self._located(filters))

    def map_grid(self, filters: Filters, degrees: float) -> list[dict[str, Any]]:
        """oracle.map_grid: located events per grid cell of ``degrees``, most events first."""
        idx = self._located(filters)
        if not len(idx):
            return []
        rows_ = np.floor(self.latitude.take(idx) / degrees).astype(np.int64)
        cols = np.floor(self.longitude.take(idx) / degrees).astype(np.int64)
        row0, col0 = int(rows_.min()), int(cols.min())
        width = int(cols.max()) - col0 + 1
        cell = (rows_ - row0) * width + (cols - col0)
        cells, inverse, events = np.unique(cell, return_inverse=True, return_counts=True)
        best, low = self.counts["fatalities_best"], self.counts["fatalities_low"]
        killed = np.where(
            best.present.take(idx) if best.present is not None else True,
            best.values.take(idx),
            low.values.take(idx),  # 0 where low is unknown too, as coalesce(best, low, 0)
        )
        precise = self.coded["geo_precision"]
        exact_codes = [precise.index[p] for p in ("exact", "near") if p in precise.index]
        exact = np.isin(precise.codes.take(idx), exact_codes)
        killed_sum = np.bincount(inverse, weights=killed, minlength=len(cells))
        exact_sum = np.bincount(inverse, weights=exact, minlength=len(cells))
        out = [
            {
                "latitude": (float(row0 + c // width) + 0.5) * degrees,
                "longitude": (float(col0 + c % width) + 0.5) * degrees,
                "events": int(n),
                "killed": int(round(k)),
                "exact": int(round(x)),
            }
            for c, n, k, x in zip(
                cells.tolist(),
                events.tolist(),
                killed_sum.tolist(),
                exact_sum.tolist(),
                strict=True,
            )  # fmt: skip
        ]
        return sorted(out, key=lambda r: -r["events"])


_FACET_ORDER = ("countries", "provinces", "districts", "event_types", "sub_event_types", "actors",
                "parties", "precisions", "origins")  # fmt: skip


def _ordered(pairs: Any) -> dict[str, int]:
    """As oracle.facets orders values: case-insensitively, ties in binary order."""
    items = sorted((str(k), int(n)) for k, n in pairs)
    return dict(sorted(items, key=lambda kv: kv[0].casefold()))
