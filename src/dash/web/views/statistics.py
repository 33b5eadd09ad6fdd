"""The violence-statistics page: controls in the URL, charts with their tables and downloads,
chart clicks that become filters, the trackers beside the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ... import charts, stats
from ...filters import Filters
from ...text import fatality_range, plain
from .. import blocks, data, downloads, layout, state, tables

BREAKDOWNS = {
    "province": ("Province", "provinces"),
    "district": ("District", "districts"),
    "event_type": ("Event type", "event_types"),
    "sub_event_type": ("Sub-event type", "sub_event_types"),
    "actor": ("Actor", "actors"),
}


def controls(filters: Filters) -> tuple[str, str, str]:
    """Interval, lens and the lens's label: each setting a widget kept in the URL.

    A party's lens may count only its claims graded well on the credibility scale (``grades``);
    the lens returned then reads "party:N" (``queries.lens_parts``).
    """
    parties = data.read().parties_with_tolls(filters)
    origins = list(data.read().origins_matching(filters))
    options = stats.lens_options(parties, origins)
    # Wide enough for "Estimates: ACLED, curated, UCDP"; the caption has the long name.
    left, right = st.columns([5, 6])
    with left:
        interval = state.url_choice(
            "interval", "Interval", stats.INTERVALS, stats.DEFAULTS["interval"]
        )
    with right:
        lens = state.url_choice(
            "lens",
            "Whose figures",
            stats.lens_options(parties, origins, short=True),
            stats.DEFAULTS["lens"],
            widget="select",
        )
        grades = stats.DEFAULTS["grades"]
        if lens == stats.DEFAULTS["lens"] and "grades" in state.params():
            state.drop_param(
                "grades",
                "ignored: it applies to one party's claims (choose a party under Whose figures)",
            )
        if lens != stats.DEFAULTS["lens"]:
            grades = state.url_choice(
                "grades",
                "Claims counted",
                stats.GRADE_OPTIONS,
                stats.DEFAULTS["grades"],
                widget="select",
            )
    return stats.graded_lens(lens, grades), interval, stats.lens_label(options, lens, grades)


def headline(filters: Filters, lens: str, lens_label: str) -> int:
    """Events, killed low–figure–high, injured, and the change against the previous period."""
    now = data.read().lens_headline(filters, lens)
    first, last = _window(filters)
    previous = None
    earlier_data = False
    if first and last:
        start, end = stats.previous_window(first, last)
        # Compare only with a period the store has data for (with the same other filters).
        earlier_data = bool(data.read().count(filters.replace(date_from=None, date_to=end)))
        if earlier_data:
            previous = data.read().lens_headline(
                filters.replace(date_from=start, date_to=end), lens
            )
    c1, c2, c3 = st.columns([2, 3, 2])  # the killed range needs the room
    c1.metric(
        "Events",
        f"{now['events']:,}",
        delta=stats.change(now["events"], previous["events"] if previous else None),
        delta_color="off",
    )
    c2.metric(
        "Killed (low – figure – high)",
        fatality_range(now["killed_low"], now["killed"], now["killed_high"], compact=True),
        delta=stats.change(now["killed"], previous["killed"] if previous else None),
        delta_color="off",
        help="Exactly "
        + fatality_range(now["killed_low"], now["killed"], now["killed_high"])
        + f". Under the lens '{lens_label}'. Curated lens: the sums of the events' low, best and high estimates, where an event with no best estimate adds its low end to the figure. A party's lens: "
        "the party's lowest stated toll per event (its most conservative claim), with the range "
        f"up to its highest. {now['events_with_figure']:,} of {now['events']:,} events have a "
        "figure under this lens; the others add nothing.",
    )
    c3.metric("Injured (curated)", "unknown" if now["injured"] is None else f"{now['injured']:,}")
    c2.caption(stats.coverage_line(now, lens_label))
    if previous is not None:
        start, end = stats.previous_window(first, last)
        st.caption(
            f"Period {first} to {last}; the changes compare it with {start} to {end}, the "
            "period of the same length just before, with the same other filters."
        )
    elif first and last and now["events"]:
        st.caption(
            f"Period {first} to {last}. No change shown: no earlier data in this store for "
            "these filters."
        )
    return now["events"]


def _window(filters: Filters) -> tuple[dt.date | None, dt.date | None]:
    if filters.date_from and filters.date_to:
        return filters.date_from, filters.date_to
    h = data.read().headline(filters)
    if not h["first_date"]:
        return None, None
    first = filters.date_from or dt.date.fromisoformat(h["first_date"])
    last = filters.date_to or dt.date.fromisoformat(h["last_date"])
    return first, last


def _apply(**changes: Any) -> None:
    """A chart click becomes a filter: in the sidebar, the URL and every page.

    It changes the sidebar's filter, not the page's violence-only one: a click on March
    narrows the dates, and the other pages still list March's talks and statements.
    """
    state.set_filters(state.filters().replace(**changes))
    st.rerun()


def _picked(event: Any, param: str, field: str, key: str) -> str | None:
    values = (
        [p.get(field) for p in (event or {}).get("selection", {}).get(param, []) or []]
        if event
        else []
    )
    return state.table_choice({"selection": {"rows": values}}, None, key)


def over_time(filters: Filters, interval: str, lens: str, lens_label: str) -> None:
    """One series at a time (``?series=``): killed under the lens, or events split by a field.

    Drawing both cost a first visit about 0.4 s of the browser's time at a million events
    (1,093 stacked bars and 116 bars with their ranges); the other is one click away.
    """
    st.subheader("Over time")
    # A link made when the page drew both series and set a split still shows its split.
    default = "events" if "split" in state.params() else stats.DEFAULTS["series"]
    left, right = st.columns([5, 6])
    with left:
        series = state.url_choice("series", "Show", stats.SERIES, default)
    split = "none"
    if series == "events":
        with right:
            split = state.url_choice("split", "Split by", stats.SPLITS, stats.DEFAULTS["split"])
    rows = data.read().series(filters, interval, split, lens)
    first, last = _window(filters)
    periods = stats.periods_between(first, last, interval) if first and last else []
    every_period = stats.zero_filled(rows, periods)  # the table and CSV carry empty periods too
    if series == "events":
        chart = charts.events_over_time(rows, interval, stats.SPLITS[split], periods)
    else:
        chart = charts.killed_over_time(rows, interval, lens_label, periods)
    key = f"series_{series}"
    event = blocks.chart_block(
        chart, every_period, "series", f"{series}-per-{interval}", filters, key=key,
        selectable=True,
    )  # fmt: skip
    period = _picked(event, charts.PERIOD_PICK, "period", key)
    if period:
        start = dt.date.fromisoformat(str(period)[:10])
        _apply(date_from=start, date_to=stats.period_end(start, interval))
    uncertain = sum(r["events"] for r in rows if r["dating"] == "spans")
    st.caption(
        "Every period of the window is on the axis; a period without events shows as zero. "
        + (
            f"{uncertain:,} events have a date window running past one {interval}: they are "
            "counted at their first"
            + (" and drawn pale (date uncertain). " if series == "events" else ". ")
            if uncertain
            else ""
        )
        + "Click a bar to narrow the dates to that period; 'Show' switches between the killed "
        "and the events."
    )


VICTIMS = "victims"
BREAKDOWN_CHOICES = {
    **{k: label for k, (label, _) in BREAKDOWNS.items()},
    VICTIMS: "Who was killed",
}


def breakdowns(filters: Filters, lens: str) -> None:
    """One breakdown at a time (chosen in the URL, ``?by=``): the page draws only what is read."""
    st.subheader("Breakdowns")
    dimension = state.url_choice("by", "Break down by", BREAKDOWN_CHOICES, "province")
    if dimension == VICTIMS:
        rows = data.read().victim_categories(filters, lens)
        if not rows:
            st.info("No breakdown of who was killed under this lens.")
            return
        blocks.chart_block(
            charts.breakdown_bars(
                [{**r, "events": None, "killed_low": None, "killed_high": None} for r in rows],
                "Who was killed",
                selectable=False,
            ),
            rows,
            "victims",
            "killed-by-victim-category",
            filters,
            key="by_victims",
        )
        return
    label, field = BREAKDOWNS[dimension]
    rows = data.read().breakdown(filters, dimension, lens)
    event = blocks.chart_block(
        charts.breakdown_bars(rows, label),
        rows,
        "breakdown",
        f"killed-by-{dimension}",
        filters,
        key=f"by_{dimension}",
        selectable=True,
    )
    value = _picked(event, charts.VALUE_PICK, "value", f"by_{dimension}")
    if value and value != "(unknown)":
        _apply(**{field: (value,)})
    elif value:
        st.info("'(unknown)' cannot be used as a filter: those events have no value recorded.")
    drawable = len(charts.with_killed(rows))
    beyond = max(drawable - charts.BARS_DRAWN, 0)
    nobody = len(rows) - drawable
    st.caption(
        "Each bar is the figure under the lens, written at its end with its low–high range; the "
        "black line spans that range. "
        + (
            f"The {charts.BARS_DRAWN} categories with the most killed are drawn; the other "
            f"{beyond:,} with someone killed {'is' if beyond == 1 else 'are'} in the table and "
            "the CSV. "
            if beyond
            else ""
        )
        + (
            f"{nobody:,} {'category' if nobody == 1 else 'categories'} with nobody killed "
            f"{'is' if nobody == 1 else 'are'} in the table, not drawn. "
            if nobody
            else ""
        )
        + "Click a bar to filter the whole dashboard to that category."
    )


def trackers(filters: Filters) -> None:
    st.subheader("Trackers' published figures beside this store")
    st.caption(
        "Each tracker counts something different (see 'What it counts'); the figures are shown "
        "side by side, never added up. 'This store' is the tally of the events in this database "
        "for the same period and region, whatever the sidebar filter; 'Store explains' says how "
        "much of the tracker's count the store's events account for."
    )
    rows = data.read().tracker_comparison()
    if not rows:
        st.info("No tracker figures in this database.")
        return
    year = stats.tracker_year(rows, filters)
    start, end = f"{year}-01-01", f"{year}-12-31"
    shown = [r for r in rows if r["metric"] == "fatalities" and r["region"] == "Pakistan"
             and r["period_start"] == start]  # fmt: skip
    bars = [
        {"who": f"{r['tracker']} (to {r['period_end']})", "value": r["value"],
         "kind": "published figure"}
        for r in shown
    ]  # fmt: skip
    full_year = next(
        (r for r in shown if r["period_end"] == end and r["store_events"] is not None), None
    )
    if bars and full_year:
        bars.append(
            {"who": "This store", "value": full_year["store_killed"] or 0,
             "kind": "this store's tally"}
        )  # fmt: skip

    def table() -> None:
        tables.tracker_table(rows, key="trackers_table")

    if bars:
        blocks.chart_block(
            charts.tracker_bars(bars, f"Killed in Pakistan, {year}: trackers and this store"),
            rows,
            "tracker-figures",
            "tracker-figures",
            filters,
            key="trackers",
            table=table,
        )
    else:
        table()
        downloads.chart_downloads(
            "tracker-figures", "tracker-figures", rows, filters, key="trackers"
        )
    # One sentence per tracker, not one per figure.
    notes = {r["tracker"]: r["why"] for r in sorted(shown, key=lambda r: r["period_end"])}
    for line in notes.values():
        st.markdown(f"- {plain(line)}")


def render() -> None:
    filters = layout.page_header(
        "Violence statistics",
        "How much violence, where, when, by whom — and according to whom. Fatalities are always "
        "a range; 'Whose figures' switches between the estimates and each party's claims, and "
        "'Show' between the killed and the events over time. "
        "Talks, ceasefires and statements are listed on the other pages, not counted here; pale "
        "bars are events whose date is known only to a window longer than one period.",
    )
    layout.coverage_note()
    reader = data.read()
    shown = filters
    filters = stats.violence_only(filters, list(reader.facets()["event_types"]))
    if filters is not shown:
        strategic = reader.count(shown.replace(event_types=(stats.STRATEGIC,)))
        if strategic:
            st.caption(
                f"Violence only: {strategic:,} strategic development"
                + (
                    " (talks, ceasefires, statements, seizures of posts) also matches the filters; "
                    "it is"
                    if strategic == 1
                    else "s (talks, ceasefires, statements, seizures of posts) also match the filters; "
                    "they are"
                )
                + " listed on the Overview and the map, not counted here. Choose event types in "
                "the sidebar to count them."
            )
    lens, interval, lens_label = controls(filters)
    events = headline(filters, lens, lens_label)
    if not events:
        st.info(
            ("No violent events" if reader.count(shown) else "No events")
            + " match the current filter: nothing to chart. Widen it or press 'Reset "
            "filters'."
        )
    else:
        over_time(filters, interval, lens, lens_label)
        breakdowns(filters, lens)
    trackers(filters)
