"""Calendar periods over day numbers (days since 1970-01-01), for the statistics series.

Weeks start on Monday (as SQLite's ``'weekday 0', '-6 days'``); months, quarters and years on
their first day. Pure NumPy: ``Tally`` keeps what these return, per interval.
"""

from __future__ import annotations

import numpy as np

from .figures import iso

_MONTHS = {"month": 1, "quarter": 3, "year": 12}

# How an event sits in its period of the series: its date window inside that period, or
# running past it (counted at its first period, and drawn apart as "date uncertain").
DATING = ("within", "spans")


def period_numbers(days: np.ndarray, interval: str) -> np.ndarray:
    """Each day's period as a number counted from the epoch (weeks from Monday)."""
    values = days.astype(np.int64)
    if interval == "week":  # 1970-01-01 was a Thursday: Monday-based weeks
        return (values + 3) // 7
    months = values.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months // _MONTHS[interval]


def period_index(days: np.ndarray, interval: str) -> tuple[np.ndarray, int, int]:
    """Each day's period as an index from the earliest one, that period's first day, and the
    number of periods from the earliest to the latest."""
    absolute = period_numbers(days, interval)
    if not len(absolute):
        return np.zeros(0, dtype=np.int32), 0, 0
    lowest = int(absolute.min())
    if interval == "week":
        first = lowest * 7 - 3  # day number of that Monday
    else:
        month = np.datetime64(lowest * _MONTHS[interval], "M")
        first = int(month.astype("datetime64[D]").astype(np.int64))
    index = absolute - lowest
    return index.astype(np.int32), first, int(index.max()) + 1


def spanning(date_start: np.ndarray, date_end: np.ndarray, interval: str) -> np.ndarray:
    """1 where a date window runs past the period of its first day, else 0."""
    ends = period_numbers(date_end, interval)
    return (ends != period_numbers(date_start, interval)).astype(np.int32)


def period_start(interval: str, first: int, index: int) -> str:
    """The first day (ISO) of the period ``index`` periods after the one starting on ``first``."""
    if interval == "week":
        return iso(first + 7 * index)
    month = np.datetime64(first, "D").astype("datetime64[M]") + index * _MONTHS[interval]
    return str(month.astype("datetime64[D]"))
