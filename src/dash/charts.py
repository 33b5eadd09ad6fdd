"""Chart builders: rows in, Altair chart out. No Streamlit and no SQL here.

Every channel is written typed (``alt.Y("killed:Q")``, not ``y="killed:Q"``; conditions through
``typed_condition``): Altair 6 finds the class of an untyped one by hashing all of its schema
classes, about 4 ms a channel on every page run (``tests/test_charts.py`` keeps it at none)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from .text import axis_labels

EVENT_TYPE_COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}


def type_scale(present: Any) -> alt.Scale:
    """The event types' fixed colours, for the types present only (a legend lists no absent
    type); a type outside ACLED's six keeps the default colours' order."""
    shown = [t for t in EVENT_TYPE_COLOURS if t in set(present)]
    return alt.Scale(domain=shown, range=[EVENT_TYPE_COLOURS[t] for t in shown])


def typed_condition(channel: type[alt.SchemaBase], *args: Any, **kwargs: Any) -> alt.SchemaBase:
    """``alt.condition(...)`` as the channel's value class (``alt.OpacityValue``, ...)."""
    return channel(**alt.condition(*args, **kwargs))


DATE_FORMAT = "%d %b %Y"  # one date format for the timeline: 24 Dec 2024


def claims_timeline(rows: Sequence[dict[str, Any]]) -> alt.LayerChart:
    """When each account appeared: one row per party, a dot per claim dated to a day, a pale bar
    for a claim dated to a window. The axis spans the day-dated claims (a day either side), so
    a month-long window runs off the edge instead of squeezing every other claim into a corner."""
    df = pd.DataFrame(
        list(rows),
        columns=[
            "party_label",
            "party_order",
            "claimant",
            "claimed_start",
            "claimed_end",
            "publisher",
        ],
    ).dropna(subset=["claimed_start"])
    df["claimed_end"] = df["claimed_end"].fillna(df["claimed_start"])
    order = df.sort_values("party_order")["party_label"].drop_duplicates().tolist()
    # The axis spans the claims dated to a day; a claim dated only to a window (a month, say)
    # is a bar clipped at the edges, not a reason to squeeze the rest.
    days = df[df["claimed_end"] == df["claimed_start"]]
    anchor = days if len(days) else df
    first = pd.Timestamp(min(anchor["claimed_start"])) - pd.Timedelta(days=1)
    last = pd.Timestamp(max(anchor["claimed_end"])) + pd.Timedelta(days=1)
    x_scale = alt.Scale(domain=[first.isoformat(), last.isoformat()])
    base = alt.Chart(df, title="When each account appeared").encode(
        y=alt.Y("party_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=0)),
        tooltip=[
            alt.Tooltip("party_label:N", title="Party"),
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("claimed_start:T", title="From", format=DATE_FORMAT),
            alt.Tooltip("claimed_end:T", title="To", format=DATE_FORMAT),
            alt.Tooltip("publisher:N", title="Source"),
        ],
    )
    window = base.mark_bar(height=6, opacity=0.4, clip=True).encode(
        x=alt.X(
            "claimed_start:T",
            title="Date of the claim",
            scale=x_scale,
            axis=alt.Axis(
                format=DATE_FORMAT, labelAngle=-30, tickCount={"interval": "day", "step": 1}
            ),
        ),
        x2=alt.X2("claimed_end:T"),
    )
    point = (
        base.transform_filter("datum.claimed_end == datum.claimed_start")
        .mark_point(filled=True, size=80, clip=True)
        .encode(
            x=alt.X("claimed_start:T", scale=x_scale),
            color=alt.Color("party_label:N", legend=None),
        )
    )
    return window + point


PERIOD_PICK = "period_pick"
VALUE_PICK = "value_pick"


# Vega (d3) formats for the period axis: "Mar 2024", "W12 2024", "Q1 2024", "2024".
PERIOD_FORMATS = {"week": "W%V %G", "month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}
DATING_LEGEND = {"within": "inside the period", "spans": "date uncertain: spans periods"}


def _period_axis(interval: str, periods: Sequence[str]) -> alt.X:
    """Every period of the window on the axis (empty ones too), labelled in words."""
    label = f"utcFormat(toDate(datum.value), '{PERIOD_FORMATS[interval]}')"
    return alt.X(
        "period:O",
        title=None,
        scale=alt.Scale(domain=list(periods)),
        axis=alt.Axis(labelExpr=label, labelAngle=-45, labelOverlap=True),
    )


def whole_numbers(top: float | None) -> alt.Axis:
    """An axis of counts: whole-number ticks only. ``tickMinStep`` does it in the browser; the
    server's renderer (vl-convert, for PNG and SVG) ignores it and labels 0, 0.5, 1 … as
    "0, 1, 1", so below five the tick count is set too."""
    small = top is not None and pd.notna(top) and top < 5  # NaN: no figure at all
    return alt.Axis(
        tickMinStep=1, format=",d", tickCount=max(int(top), 1) if small else alt.Undefined
    )


def events_over_time(
    rows: Sequence[dict[str, Any]],
    interval: str,
    split_label: str,
    periods: Sequence[str] | None = None,
) -> alt.Chart:
    """Events per period, stacked by the split, every period of ``periods`` on the axis.

    Events whose date window runs past their first period are counted there but drawn pale, as
    their own "date uncertain" layer with a legend, never passed off as dated to that period.
    Clicking a period selects it.
    """
    df = pd.DataFrame(list(rows), columns=["period", "group", "dating", "events"])
    df["dating"] = df["dating"].map(DATING_LEGEND).fillna(DATING_LEGEND["within"])
    df, order, merged = _largest_groups(df, split_label)
    pick = alt.selection_point(name=PERIOD_PICK, fields=["period"], on="click")
    axis = _period_axis(interval, periods if periods is not None else sorted(set(df["period"])))
    pale = (df["dating"] == DATING_LEGEND["spans"]).any()
    title = alt.TitleParams(
        f"Events per {interval}",
        subtitle=["pale: a date window spanning periods, counted at its first"] if pale else [],
    )
    return (
        alt.Chart(df, title=title)
        .mark_bar()
        .encode(
            x=axis,
            y=alt.Y(
                "sum(events):Q",
                title="Events",
                axis=whole_numbers(df.groupby("period")["events"].sum().max() if len(df) else 0),
            ),
            color=alt.Color(
                "group:N",
                title=split_label,
                scale=type_scale(df["group"])
                if split_label == "Event type"
                else _group_scale(order, merged=merged),
                # A name longer than a phone's width is cut; its tooltip and the table have it.
                legend=alt.Legend(orient="bottom", columns=1, symbolLimit=0, labelLimit=250),
            ),
            opacity=alt.Opacity(
                "dating:N",
                title="Date",
                scale=alt.Scale(domain=list(DATING_LEGEND.values()), range=[1.0, 0.35]),
                # Said under the chart instead (a second legend beside the first overflows a
                # phone): pale bars are events whose date window spans periods.
                legend=None,
            ),
            stroke=typed_condition(
                alt.StrokeValue, pick, alt.value("#111"), alt.value(None), empty=False
            ),
            tooltip=[
                alt.Tooltip("period:N", title=f"{interval.capitalize()} from"),
                alt.Tooltip("group:N", title=split_label),
                alt.Tooltip("dating:N", title="Date"),
                alt.Tooltip("sum(events):Q", title="Events", format=","),
            ],
        )
        .add_params(pick)
        # Its own plot height, the legend below it: fitted to Streamlit's default height, a
        # legend of ten groups left the bars no room at all.
        .properties(height=240, autosize=FIT_WIDTH, usermeta=CANVAS)
    )


# The series split draws the largest groups and one for the rest: a legend of 35 actors left
# the plot no height at all, and more than ten colours cannot be told apart.
GROUPS_DRAWN = 9


# Vega's tableau10 without its grey, which marks the merged rest: dark, so it is not read as
# the pale of a date-uncertain bar.
GROUP_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2",
                 "#ff9da6", "#9d755d"]  # fmt: skip
REST_COLOUR = "#555555"


def _group_scale(order: list[str], *, merged: bool) -> alt.Scale:
    if not merged:
        return alt.Scale(domain=order)
    return alt.Scale(domain=order, range=[*GROUP_COLOURS[: len(order) - 1], REST_COLOUR])


def _largest_groups(df: pd.DataFrame, split_label: str) -> tuple[pd.DataFrame, list[str], bool]:
    """``df`` with the groups past the ``GROUPS_DRAWN`` with the most events merged into one,
    "N other actors"; the groups in the legend's order (most events first, the rest last); and
    whether any were merged (ten groups are drawn as they are: merging one gains nothing)."""
    totals = df.groupby("group", sort=False)["events"].sum()
    ranked = sorted(totals.index, key=lambda g: (-totals[g], str(g)))
    if len(ranked) <= GROUPS_DRAWN + 1:
        return df, ranked, False
    kept = ranked[:GROUPS_DRAWN]
    rest = f"{len(ranked) - GROUPS_DRAWN:,} other {split_label.lower()}s"
    df = df.assign(group=df["group"].where(df["group"].isin(kept), rest))
    summed = df.groupby(["period", "group", "dating"], as_index=False)["events"].sum()
    return summed, [*kept, rest], True


def killed_over_time(
    rows: Sequence[dict[str, Any]],
    interval: str,
    lens_label: str,
    periods: Sequence[str] | None = None,
) -> alt.LayerChart:
    """Killed per period under the lens: the figure as bars, its low–high range as a rule,
    every period of ``periods`` on the axis. Clicking a period selects it."""
    df = pd.DataFrame(list(rows), columns=["period", "killed_low", "killed", "killed_high"])
    per = df.groupby("period", as_index=False)[["killed_low", "killed", "killed_high"]].sum(
        min_count=1
    )
    axis = _period_axis(interval, periods if periods is not None else per["period"].tolist())
    # The lens in the subtitle, one part a line: a phone's width holds the title.
    title = alt.TitleParams(
        f"Killed per {interval}",
        subtitle=[lens_label, "bars: the figure; lines: the low–high range"],
    )
    base = alt.Chart(per, title=title)
    pick = alt.selection_point(name=PERIOD_PICK, fields=["period"], on="click")
    bars = (
        base.mark_bar(color="#8c2d19", opacity=0.8)
        .encode(
            x=axis,
            y=alt.Y(
                "killed:Q",
                title="Killed",
                axis=whole_numbers(per[["killed", "killed_high"]].max().max()),
            ),
            tooltip=[
                alt.Tooltip("period:N", title=f"{interval.capitalize()} from"),
                alt.Tooltip("killed_low:Q", title="Low", format=","),
                alt.Tooltip("killed:Q", title="Figure", format=","),
                alt.Tooltip("killed_high:Q", title="High", format=","),
            ],
            stroke=typed_condition(
                alt.StrokeValue, pick, alt.value("#111"), alt.value(None), empty=False
            ),
        )
        .add_params(pick)
    )
    band = base.mark_rule(strokeWidth=3, color="#222").encode(
        x=axis, y=alt.Y("killed_low:Q"), y2=alt.Y2("killed_high:Q")
    )
    return alt.layer(bars, band, usermeta=CANVAS)


# Streamlit passes usermeta.embedOptions to vega-embed, and draws a chart of fewer than 2,000
# rows as SVG. SVG where a reader (and a test) finds each mark by its label: the breakdowns'
# bars and the map. The series over time draw hundreds of bars at a million events; as SVG
# each is an element the browser styles and lays out (~0.2 s of the statistics page's first
# visit), and their numbers are in the chart's table tab.
SVG = {"embedOptions": {"renderer": "svg"}}
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
CANVAS = {"embedOptions": {"renderer": "canvas"}}


def _figure_text(killed: Any, low: Any, high: Any) -> str:
    """'5' or '5 (1–9)': the figure written at the end of its bar, with its range if any."""
    number = lambda v: None if v is None or v != v else int(v)  # noqa: E731 - NaN is unknown
    k, lo, hi = number(killed), number(low), number(high)
    text = "–" if k is None else f"{k:,}"
    if lo is not None and hi is not None and (lo, hi) != (k, k):
        text += f" ({lo:,}–{hi:,})"
    return text


# A breakdown draws its first categories only: the bench's million events have 464 districts
# with someone killed, 13,000 px of bars; the table and the CSV keep every category.
BARS_DRAWN = 20


def with_killed(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The categories a breakdown can draw: someone killed by the figure or the range's top."""
    return [r for r in rows if (r.get("killed") or 0) > 0 or (r.get("killed_high") or 0) > 0]


def breakdown_bars(
    rows: Sequence[dict[str, Any]], label: str, *, selectable: bool = True
) -> alt.LayerChart:
    """Killed per category: bars with their value written on them, the low–high range as a
    line, events and coverage in the tooltip. Only the first ``BARS_DRAWN`` categories with
    someone killed are drawn, in the order of ``rows`` (most killed first); the table and the
    CSV keep every category. Clicking a bar selects its category."""
    columns = ["value", "events", "killed_low", "killed", "killed_high", "events_with_figure"]
    drawable = with_killed(rows)
    shown = pd.DataFrame(drawable[:BARS_DRAWN], columns=columns)
    shown["label"] = axis_labels(shown["value"].tolist())
    shown["written"] = [
        _figure_text(k, lo, hi)
        for k, lo, hi in zip(
            shown["killed"], shown["killed_low"], shown["killed_high"], strict=True
        )
    ]
    shown["end"] = shown[["killed", "killed_high"]].max(axis=1)
    pick = alt.selection_point(name=VALUE_PICK, fields=["value"], on="click")
    order = shown["label"].tolist()
    y = alt.Y(
        "label:N",
        title=None,
        sort=order,
        # labelOverlap off: Vega measures a multi-line label as overlapping its neighbours and
        # hid every other one (Vega-Lite's default "parity" strategy).
        axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')", labelOverlap=False),
    )
    title = f"Killed by {label.lower()}"
    if len(drawable) > BARS_DRAWN:
        title += f": the {BARS_DRAWN} with the most of {len(drawable):,}"
    base = alt.Chart(shown, title=title)
    bars = base.mark_bar(color="#8c2d19").encode(
        y=y,
        x=alt.X("killed:Q", title="Killed", axis=whole_numbers(shown["end"].max())),
        tooltip=[
            alt.Tooltip("value:N", title=label),
            alt.Tooltip("events:Q", title="Events", format=","),
            alt.Tooltip("events_with_figure:Q", title="Events with a figure", format=","),
            alt.Tooltip("killed_low:Q", title="Low", format=","),
            alt.Tooltip("killed:Q", title="Figure", format=","),
            alt.Tooltip("killed_high:Q", title="High", format=","),
        ],
    )
    if selectable:
        opacity = typed_condition(alt.OpacityValue, pick, alt.value(1.0), alt.value(0.45))
        bars = bars.encode(opacity=opacity).add_params(pick)
    band = base.mark_rule(strokeWidth=2, color="#222").encode(
        y=alt.Y("label:N", sort=order), x=alt.X("killed_low:Q"), x2=alt.X2("killed_high:Q")
    )
    values = base.mark_text(align="left", dx=4, fontSize=11, color="#222").encode(
        y=alt.Y("label:N", sort=order), x=alt.X("end:Q"), text=alt.Text("written:N")
    )
    # SVG, so each bar is an element with its ARIA label: readers and tests find it by name.
    # A band tall enough for the longest label's lines (about 14 px each) and a gap, so none touches another.
    lines = max((label.count("\n") + 1 for label in order), default=1)
    step = max(28, 15 * lines + 8)
    return alt.layer(bars, band, values, height=alt.Step(step), usermeta=SVG)  # one copy of each


def tracker_bars(rows: Sequence[dict[str, Any]], title: str) -> alt.Chart:
    """Trackers' figures beside the store's tally for the same period and region."""
    df = pd.DataFrame(list(rows), columns=["who", "value", "kind"])
    return (
        alt.Chart(df, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("who:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("value:Q", title="Killed"),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=["published figure", "this store's tally"], range=["#7f7f7f", "#8c2d19"]
                ),
            ),
            tooltip=[
                alt.Tooltip("who:N"),
                alt.Tooltip("value:Q", format=","),
                alt.Tooltip("kind:N"),
            ],
        )
    )
