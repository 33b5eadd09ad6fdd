"""Chart builders: rows in, Altair chart out. No Streamlit and no SQL here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

EVENT_TYPE_COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}
_TYPE_SCALE = alt.Scale(domain=list(EVENT_TYPE_COLOURS), range=list(EVENT_TYPE_COLOURS.values()))


def monthly_events(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Events per month, stacked by event type."""
    df = pd.DataFrame(list(rows), columns=["month", "event_type", "events"])
    return (
        alt.Chart(df, title="Events per month")
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="Month"),
            y=alt.Y("sum(events):Q", title="Events"),
            color=alt.Color("event_type:N", title="Event type", scale=_TYPE_SCALE),
            tooltip=["month:O", "event_type:N", alt.Tooltip("sum(events):Q", title="events")],
        )
    )


def monthly_fatalities(rows: Sequence[dict[str, Any]]) -> alt.LayerChart:
    """Fatalities per month: best estimate as bars, the low–high range as a rule."""
    df = pd.DataFrame(
        list(rows),
        columns=["month", "event_type", "fatalities_low", "fatalities_best", "fatalities_high"],
    )
    by_month = df.groupby("month", as_index=False)[
        ["fatalities_low", "fatalities_best", "fatalities_high"]
    ].sum(min_count=1)
    base = alt.Chart(by_month, title="Fatalities per month: best estimate and low–high range")
    bars = base.mark_bar(opacity=0.8).encode(
        x=alt.X("month:O", title="Month"),
        y=alt.Y("fatalities_best:Q", title="Killed"),
        tooltip=["month:O", "fatalities_low:Q", "fatalities_best:Q", "fatalities_high:Q"],
    )
    band = base.mark_rule(strokeWidth=2, color="black").encode(
        x="month:O", y="fatalities_low:Q", y2="fatalities_high:Q"
    )
    return bars + band


def bars_by(rows: Sequence[dict[str, Any]], label: str, *, measure: str = "events") -> alt.Chart:
    """Horizontal bars of one measure per category (rows from ``queries.counts_by``)."""
    df = pd.DataFrame(list(rows), columns=["value", measure])
    return (
        alt.Chart(df, title=f"{measure.replace('_', ' ').capitalize()} by {label.lower()}")
        .mark_bar()
        .encode(
            y=alt.Y("value:N", title=label, sort="-x"),
            x=alt.X(f"{measure}:Q", title=measure.replace("_", " ").capitalize()),
            tooltip=[alt.Tooltip("value:N", title=label), f"{measure}:Q"],
        )
    )


PRECISION_SHAPES = {
    "exact": "circle",
    "near": "circle",
    "district": "square",
    "province": "diamond",
    "country": "triangle-up",
}


def incident_points(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Events on longitude/latitude, sized by best estimate, coloured by type, shaped by
    precision (exact places as circles, centroids as other shapes)."""
    df = pd.DataFrame(
        list(rows),
        columns=[
            "event_id", "title", "date_start", "event_type", "latitude", "longitude",
            "geo_precision", "location", "fatalities_best",
        ],
    )  # fmt: skip
    df["killed"] = df["fatalities_best"].fillna(0)
    return (
        alt.Chart(df, title="Incidents (shape = location precision)")
        .mark_point(filled=True, opacity=0.75)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color("event_type:N", title="Event type", scale=_TYPE_SCALE),
            shape=alt.Shape(
                "geo_precision:N",
                title="Location precision",
                scale=alt.Scale(
                    domain=list(PRECISION_SHAPES), range=list(PRECISION_SHAPES.values())
                ),
            ),
            size=alt.Size("killed:Q", title="Killed (best)", scale=alt.Scale(range=[60, 900])),
            tooltip=[
                alt.Tooltip("title:N", title="Event"),
                alt.Tooltip("date_start:N", title="Date"),
                alt.Tooltip("location:N", title="Place"),
                alt.Tooltip("geo_precision:N", title="Location precision"),
                alt.Tooltip("fatalities_best:Q", title="Killed (best)"),
            ],
        )
        .project(type="mercator")
    )


def claims_timeline(rows: Sequence[dict[str, Any]]) -> alt.LayerChart:
    """When each account appeared: one row per party, a tick per claim (a bar for a window)."""
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
    base = alt.Chart(df, title="When each account appeared").encode(
        y=alt.Y("party_label:N", title=None, sort=order),
        tooltip=[
            alt.Tooltip("claimant:N", title="Claimant"),
            alt.Tooltip("claimed_start:N", title="From"),
            alt.Tooltip("claimed_end:N", title="To"),
            alt.Tooltip("publisher:N", title="Source"),
        ],
    )
    window = base.mark_bar(height=6, opacity=0.4).encode(
        x=alt.X("claimed_start:T", title="Date of the claim"), x2="claimed_end:T"
    )
    point = base.mark_point(filled=True, size=80).encode(
        x="claimed_start:T", color=alt.Color("party_label:N", legend=None)
    )
    return window + point
