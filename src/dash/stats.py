"""Pure helpers for the violence-statistics view: periods, lenses, trackers against the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import vocab
from .filters import Filters

INTERVALS = {"week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}
SPLITS = {"none": "No split", "event_type": "Event type", "actor": "Actor", "province": "Province"}
# The series over time, one at a time (as ACLED's dashboard toggles events and fatalities).
SERIES = {"killed": "Killed", "events": "Events"}
DEFAULTS = {
    "interval": "month",
    "series": "killed",
    "split": "event_type",
    "lens": "curated",
    "grades": "all",
}
# Which of a party's claims its lens counts, by credibility grade (dash.credibility).
GRADE_OPTIONS = {
    "all": "All its claims",
    "3": "Claims graded 1–3",
    "2": "Claims graded 1–2",
    "1": "Claims graded 1 (confirmed)",
}


# What each origin's single figure per event is, in words: whose number the default lens sums.
ESTIMATE_BY_ORIGIN = {
    "curated": "curated estimate",
    "ucdp": "UCDP best",
    "acled": "ACLED reported fatalities",
}


# The same, short enough for the "Whose figures" box (which cuts a long choice).
SHORT_ESTIMATE_BY_ORIGIN = {"curated": "curated", "ucdp": "UCDP", "acled": "ACLED"}


def estimate_label(origins: list[str], *, short: bool = False) -> str:
    """Name the default lens by whose figures it sums: the matching events' origins."""
    names = [ESTIMATE_BY_ORIGIN.get(o, f"{o} figure") for o in origins]
    if not names or names == ["curated estimate"]:
        return "Curated estimate" if short else "Curated estimate (best, else low)"
    if len(names) == 1:
        return names[0][0].upper() + names[0][1:]
    if short:
        return "Estimates: " + ", ".join(SHORT_ESTIMATE_BY_ORIGIN.get(o, o) for o in origins)
    return "Estimates: " + " + ".join(names)


def graded_lens(lens: str, grades: str) -> str:
    """The lens the queries take: a party, or a party and the worst grade counted ('party:3')."""
    if lens == DEFAULTS["lens"] or grades == DEFAULTS["grades"]:
        return lens
    return f"{lens}:{grades}"


def lens_label(options: dict[str, str], lens: str, grades: str) -> str:
    label = options.get(lens, lens)
    if lens != DEFAULTS["lens"] and grades != DEFAULTS["grades"]:
        label += f" ({GRADE_OPTIONS[grades].lower()})"
    return label


def lens_options(
    parties: list[str], origins: list[str] | None = None, *, short: bool = False
) -> dict[str, str]:
    """The lenses offered: the estimates, then each party's claims (``short``: for the box)."""
    return {
        "curated": estimate_label(origins or [], short=short),
        **{p: f"{'' if short else 'Claims by '}{vocab.PARTY_LABELS.get(p, p)}" for p in parties},
    }


def period_end(start: dt.date, interval: str) -> dt.date:
    """Last day of the period that begins on ``start``."""
    if interval == "week":
        return start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[interval]
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def period_start(day: dt.date, interval: str) -> dt.date:
    """First day of the period (Monday-based week, month, quarter, year) holding ``day``."""
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, 1, 1)


def periods_between(first: dt.date, last: dt.date, interval: str) -> list[str]:
    """Every period from the one holding ``first`` to the one holding ``last``, as ISO days:
    the series' axis, so a period without events shows as zero, not as nothing."""
    out, day = [], period_start(first, interval)
    while day <= last:
        out.append(day.isoformat())
        day = period_end(day, interval) + dt.timedelta(days=1)
    return out


def zero_filled(rows: list[dict[str, Any]], periods: list[str]) -> list[dict[str, Any]]:
    """The series rows plus one row of zeros for each period without events (for the table
    and the CSV, which carry every period of the chart's axis)."""
    present = {r["period"] for r in rows}
    zeros = [{"period": p, "group": "", "dating": "", "events": 0, "killed_low": 0, "killed": 0,
              "killed_high": 0, "events_with_figure": 0}
             for p in periods if p not in present]  # fmt: skip
    return sorted([*rows, *zeros], key=lambda r: (r["period"], r["group"], r["dating"]))


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


STRATEGIC = "Strategic developments"


def violence_only(filters: Filters, event_types: list[str]) -> Filters:
    """The filter the violence figures use: without strategic developments (talks, ceasefires,
    statements, base seizures), unless the filter asks for event types itself."""
    if filters.event_types:
        return filters
    return filters.replace(event_types=tuple(t for t in event_types if t != STRATEGIC))


def coverage_line(headline: dict[str, Any], lens_label: str) -> str:
    """How much of the figure's ground it covers: '1 of 11 events carry a figure under …'."""
    n, with_figure = headline["events"], headline["events_with_figure"]
    if not n:
        return "No events match."
    if with_figure == n:
        return f"Every one of the {n:,} events carries a figure under '{lens_label}'."
    return (
        f"{with_figure:,} of {n:,} event{'s' if n != 1 else ''} carry a figure under "
        f"'{lens_label}'; the others add nothing to it."
    )


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


_KILLED_METRICS = {"fatalities", "civilians_killed", "militants_killed", "security_forces_killed"}


def compare_trackers(
    statistics: list[dict[str, Any]], tally: Callable[[Filters], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each published figure with the store's tally for its period and region, how much of the
    tracker's count the store's events explain, and why the two differ.

    ``tally`` answers a filter's headline (events, killed low/figure/high); each distinct
    period and region is asked once.
    """
    asked: dict[Filters, dict[str, Any]] = {}
    out = []
    for statistic in statistics:
        row = dict(statistic)
        filters = tracker_filter(row)
        if filters is not None and filters not in asked:
            asked[filters] = tally(filters)
        h = asked.get(filters) if filters is not None else None
        row["store_events"] = h["events"] if h else None
        row["store_killed_low"] = h["fatalities_low"] if h else None
        row["store_killed"] = h["killed"] if h else None
        row["store_killed_high"] = h["fatalities_high"] if h else None
        row["explained"] = explained(row)
        row["why"] = why_they_differ(row, row["store_events"], row["store_killed"])
        out.append(row)
    return out


def explained(row: dict[str, Any]) -> str | None:
    """How much of a tracker's count the store's events account for, in words."""
    if row.get("store_events") is None or not row.get("value"):
        return None
    if row["metric"] in _KILLED_METRICS:
        mine = row.get("store_killed") or 0
        what = "killed (best estimates, else low ends)"
    elif row["metric"] in ("attacks", "incidents"):
        mine, what = row["store_events"], "events"
    else:
        return None
    return f"{mine:,} of {row['value']:,} {what} ({mine / row['value']:.1%})"


def tracker_year(statistics: list[dict[str, Any]], filters: Filters) -> int | None:
    """The year the trackers' chart shows: the filter's, if it lies in one year, else the
    latest year with a tracker's fatality figure for Pakistan."""
    if filters.date_from and filters.date_to and filters.date_from.year == filters.date_to.year:
        return filters.date_from.year
    years = [int(r["period_start"][:4]) for r in statistics
             if r["metric"] == "fatalities" and r["region"] == "Pakistan"
             and r["period_start"].endswith("-01-01")]  # fmt: skip
    return max(years) if years else None


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
