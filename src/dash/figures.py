"""The column primitives behind ``dash.tally``: coded text, per-event figures with unknowns,
selections, day numbers, the claims-side figures read from SQL once per store, and the events
a search or a party filter matches, read from SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlite_utils import Database

from .queries import LENS_CLAIMS, lens_parts
from .search import fts_query

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
EPOCH = dt.date(1970, 1, 1)


@dataclass
class Coded:
    codes: np.ndarray  # -1 where the value is NULL
    labels: list[str]
    index: dict[str, int]


@dataclass
class Figure:
    """One count column over the selected events: values (0 where unknown) and which are known."""

    values: np.ndarray
    present: np.ndarray | None  # None: every value is known


@dataclass
class Selection:
    """The events a filter matches (``idx`` None: all of them) and the lens's figures for them."""

    idx: np.ndarray | None
    size: int
    figures: dict[str, Figure]

    def take(self, column: np.ndarray) -> np.ndarray:
        return column if self.idx is None else column.take(self.idx)


def days(values: Any) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]").astype(np.int32)


def iso(days: int) -> str:
    return (EPOCH + dt.timedelta(days=int(days))).isoformat()


def sums(figure: Figure, groups: np.ndarray, n: int) -> list[Any]:
    """SQL's sum() per group: NULLs ignored, NULL when a group has no known value."""
    if n == 1:  # one group (a total): a plain sum, without a million-long bincount
        known_one = len(figure.values) if figure.present is None else int(figure.present.sum())
        return [int(round(float(figure.values.sum()))) if known_one else None]
    totals = np.bincount(groups, weights=figure.values, minlength=n)
    known = (
        np.bincount(groups, minlength=n)
        if figure.present is None
        else np.bincount(groups, weights=figure.present, minlength=n)
    )
    return [
        int(round(t)) if k else None for t, k in zip(totals.tolist(), known.tolist(), strict=True)
    ]


def figure_of(values: np.ndarray) -> Figure:
    present = ~np.isnan(values)
    return Figure(np.where(present, values, 0.0), None if present.all() else present)


def subset(figure: Figure, selection_idx: np.ndarray | None) -> Figure:
    if selection_idx is None:
        return figure
    present = None if figure.present is None else figure.present.take(selection_idx)
    return Figure(figure.values.take(selection_idx), present)


def party_figures(
    db: Database, size: int, positions: Callable[[np.ndarray], np.ndarray], party: str
) -> dict[str, Figure]:
    """Per event, a party's claimed figures (lowest claim, highest, who was killed)."""
    cursor = db.execute(
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
    at = positions(rows[:, 0].astype(np.int64))
    out = {}
    for i, name in enumerate(("k", "high", "civilians", "security_forces", "militants"), 1):
        column = np.full(size, np.nan)
        column[at] = rows[:, i]
        out[name] = figure_of(column)
    out["low"] = out["k"]
    return out


def claim_parties(db: Database, positions: Callable[[np.ndarray], np.ndarray]) -> dict[str, Any]:
    """Every claim's event position, party and whether it gives a toll; parties in order."""
    rows = db.execute(
        "SELECT e.rowid, c.party_id, c.killed IS NOT NULL"
        " FROM claims c JOIN events e ON e.id = c.event_id"
    ).fetchall()
    return {
        "position": positions(np.array([r[0] for r in rows], dtype=np.int64)),
        "party": np.array([r[1] for r in rows], dtype=object),
        "has_toll": np.array([bool(r[2]) for r in rows], dtype=bool),
        "order": [r[0] for r in db.execute("SELECT id FROM parties ORDER BY sort_order")],
    }


# ``Filters.where``'s match of a search (an event's own text, or a claim's) and of a party filter
# (the claims' parties), as one compound SELECT of rowids: "strike" matches 358,000 of a million
# events in 0.18 s read from the full-text index as they are, 0.58 s in ``where``'s form, which
# looks each one up in the events table.
_TEXT_ROWIDS = """SELECT rowid FROM events_fts WHERE events_fts MATCH :text
    UNION SELECT e.rowid FROM claims c JOIN claims_fts ON claims_fts.rowid = c.rowid
     JOIN events e ON e.id = c.event_id WHERE claims_fts MATCH :text"""
_PARTY_ROWIDS = """SELECT e.rowid FROM claims c JOIN events e ON e.id = c.event_id
    WHERE c.party_id IN ({names})"""


def search_hits(db: Database, text: str, parties: tuple[str, ...], rowid: np.ndarray) -> np.ndarray:
    """Which events (by position in the sorted ``rowid``) a search and a party filter match."""
    names = [f"party_{i}" for i in range(len(parties))]
    params: dict[str, Any] = dict(zip(names, parties, strict=True))
    parts = []
    if match := fts_query(text):
        parts.append(_TEXT_ROWIDS)
        params["text"] = match
    if parties:
        parts.append(_PARTY_ROWIDS.format(names=", ".join(f":{name}" for name in names)))
    if not parts:
        return np.ones(len(rowid), dtype=bool)
    # As one row of text: SQLite reads every hit with the GIL released, and Python makes one
    # object, not one per event.
    select = " INTERSECT ".join(parts)
    listed = db.execute(f"SELECT group_concat(rowid) FROM ({select})", params).fetchone()[0]  # noqa: S608
    hit = np.zeros(len(rowid), dtype=bool)
    if listed and len(rowid):
        found = np.fromstring(listed, dtype=np.int64, sep=",")
        at = np.searchsorted(rowid, found).clip(max=len(rowid) - 1)
        hit[at[rowid[at] == found]] = True  # an index row without its event matches nothing
    return hit
