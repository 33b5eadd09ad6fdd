"""Pure helpers for the violence-statistics view: periods, lenses, trackers against the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import vocab
from .filters import Filters

INTERVALS = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
SPLITS = {"none": "No split", "event_type": "Event type", "actor": "Actor", "province": "Province"}
DEFAULTS = {"interval": "month", "split": "event_type", "lens": "curated"}


def lens_options(parties: list[str]) -> dict[str, str]:
    return {
        "curated": "Curated best estimate",
        **{p: f"Claims by {vocab.PARTY_LABELS.get(p, p)}" for p in parties},
    }


def period_end(start: dt.date, interval: str) -> dt.date:
    """Last day of the period that begins on ``start``."""
    if interval == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[interval]
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def previous_window(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length that ends the day before ``first``.

    Whole calendar months (a year, a quarter, March) compare with the same number of months
    before; any other window with the same number of days.
    """
    end = first - dt.timedelta(days=1)
    if first.day == 1 and (last + dt.timedelta(days=1)).day == 1:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return _add_months(first, -months), end
    return first - dt.timedelta(days=(last - first).days + 1), end


def change(current: int | None, previous: int | None) -> str | None:
    """'+3 (+50%)' style change, or None when there is nothing to compare with."""
    if current is None or previous is None:
        return None
    diff = current - previous
    if previous == 0:
        return f"{diff:+,} (none before)"
    return f"{diff:+,} ({diff / previous:+.0%})"


# Tracker regions the store can tally, as filters.
_PROVINCES = {"Khyber Pakhtunkhwa", "Balochistan", "Punjab", "Sindh", "Islamabad Capital Territory"}


def region_filter(region: str) -> dict[str, Any] | None:
    """The store's filter for a tracker's region; None when the store does not code it."""
    if region == "Pakistan":
        return {"countries": ("Pakistan",)}
    if region in _PROVINCES:
        return {"provinces": (region,)}
    return None


def tracker_filter(statistic: dict[str, Any]) -> Filters | None:
    region = region_filter(statistic["region"])
    if region is None:
        return None
    return Filters(
        date_from=dt.date.fromisoformat(statistic["period_start"]),
        date_to=dt.date.fromisoformat(statistic["period_end"]),
        **region,
    )


def why_they_differ(
    statistic: dict[str, Any], tally_events: int | None, tally_killed: int | None
) -> str:
    """One plain sentence on why a tracker's figure and the store's tally differ."""
    what = statistic["definition"].rstrip(".")
    if tally_events is None:
        return (
            f"The store does not code the region '{statistic['region']}', so it has no tally to "
            "set beside this figure."
        )
    if tally_events == 0:
        return (
            f"{statistic['tracker']} counts {what[0].lower() + what[1:]}; the store holds no events "
            f"for {statistic['region']} from {statistic['period_start']} to {statistic['period_end']}."
        )
    counted = statistic["value"]
    store_value = (
        tally_killed
        if "killed" in statistic["metric"] or statistic["metric"] == "fatalities"
        else tally_events
    )
    base = f"{statistic['tracker']} counts {what[0].lower() + what[1:]}"
    if store_value is not None and counted and store_value < counted / 2:
        return (
            f"{base}; the store holds only the events curated or imported into it "
            f"({tally_events:,} here), not a census, so its tally is far lower."
        )
    return f"{base}; the store's events use their own definitions and sources, so the two need not match."
