"""Places over the in-memory columns: the sidebar's facets (``Tally.facets``), the map's grid
(``Tally.map_grid``), and a place breakdown's further places (an event in several provinces
counts in each one's bar, ``Tally.breakdown``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import queries
from .figures import Selection, subset
from .filters import LIST_COLUMNS, PLACE_COLUMNS

if TYPE_CHECKING:
    from .tally import Tally

_FACET_ORDER = ("countries", "provinces", "districts", "event_types", "sub_event_types", "actors",
                "parties", "precisions", "origins")  # fmt: skip


def _ordered(pairs: Any) -> dict[str, int]:
    """As oracle.facets orders values: case-insensitively, ties in binary order."""
    items = sorted((str(k), int(n)) for k, n in pairs)
    return dict(sorted(items, key=lambda kv: kv[0].casefold()))


def facets(tally: Tally) -> dict[str, dict[str, int]]:
    """oracle.facets: each list filter's values with their event counts."""
    out: dict[str, dict[str, int]] = {}
    for name, column in LIST_COLUMNS.items():
        coded = tally.coded[column]
        counts = np.bincount(coded.codes[coded.codes >= 0], minlength=len(coded.labels))
        if column in PLACE_COLUMNS and len(tally.also["position"]):
            position, codes = tally.also["position"], tally.also[column]
            other = (codes >= 0) & (codes != coded.codes.take(position))
            pairs = np.unique(np.stack([position[other], codes[other]]), axis=1)
            counts = counts + np.bincount(pairs[1], minlength=len(coded.labels))
        out[name] = _ordered(
            (k, v) for k, v in zip(coded.labels, counts.tolist(), strict=True) if v
        )
    # An actor counts once per event it appears in, as actor1 or as a different actor2.
    actor1, actor2 = tally.coded["actor1"], tally.coded["actor2"]
    totals: dict[str, int] = {}
    for label, n in zip(actor1.labels, np.bincount(actor1.codes[actor1.codes >= 0],
                                                    minlength=len(actor1.labels)).tolist(), strict=True):  # fmt: skip
        totals[label] = totals.get(label, 0) + n
    # actor2's codes in actor1's code space (labels only actor2 has get codes past actor1's),
    # so "a different actor2" is an integer comparison, never a million strings.
    extra = [label for label in actor2.labels if label not in actor1.index]
    code_of = {**actor1.index, **{label: len(actor1.labels) + i for i, label in enumerate(extra)}}
    as_first = np.array([code_of[label] for label in actor2.labels] + [-1], dtype=np.int64)
    second = as_first[actor2.codes]  # code -1 (no actor2) takes the trailing -1
    other = (actor2.codes >= 0) & (second != actor1.codes)
    labels = actor1.labels + extra
    counted = np.bincount(second[other], minlength=len(labels)).tolist()
    for label, n in zip(labels, counted, strict=True):
        if n:
            totals[label] = totals.get(label, 0) + n
    out["actors"] = _ordered((k, v) for k, v in totals.items() if v)
    out["parties"] = _ordered(queries.events_per_party(tally.db).items())
    return {name: out[name] for name in _FACET_ORDER}


def map_grid(tally: Tally, idx: np.ndarray, degrees: float) -> list[dict[str, Any]]:
    """oracle.map_grid: located events per grid cell of ``degrees``, most events first."""
    if not len(idx):
        return []
    rows_ = np.floor(tally.latitude.take(idx) / degrees).astype(np.int64)
    cols = np.floor(tally.longitude.take(idx) / degrees).astype(np.int64)
    row0, col0 = int(rows_.min()), int(cols.min())
    width = int(cols.max()) - col0 + 1
    cell = (rows_ - row0) * width + (cols - col0)
    cells, inverse, events = np.unique(cell, return_inverse=True, return_counts=True)
    killed = tally.best_or_low().values.take(idx)  # 0 where both are unknown
    precise = tally.coded["geo_precision"]
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


def with_further_places(
    tally: Tally,
    selection: Selection,
    column: str,
    groups: np.ndarray,
    rows: list[dict[str, Any]],
    n: int,
) -> list[dict[str, Any]]:
    """Add each matching event to the bars of its further places (not its own twice)."""
    position, codes = tally.also["position"], tally.also[column]
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
    further = Selection(None, len(at), {k: subset(f, at) for k, f in selection.figures.items()})
    by_group = {r["group"]: r for r in rows}
    for row in tally.aggregate(further, place.astype(np.int32), n):
        mine = by_group.setdefault(row["group"], {**row, "events": 0, "events_with_figure": 0,
                                                  "killed_low": None, "killed": None,
                                                  "killed_high": None})  # fmt: skip
        for name in ("events", "events_with_figure"):
            mine[name] += row[name]
        for name in ("killed_low", "killed", "killed_high"):
            if row[name] is not None:
                mine[name] = (mine[name] or 0) + row[name]
    return list(by_group.values())
