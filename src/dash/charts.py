"""Chart builders: rows in, Altair chart out. No Streamlit and no SQL here."""

from __future__ import annotations

import math
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
OUTLINES_URL = "app/static/world-atlas/countries-110m.json"
MAP_SELECTION = "pick"


FOCUS_FILL = "#e4dcc6"  # Pakistan and Afghanistan
OTHER_FILL = "#f4f2ec"
# Label points: the country points of data/curated/places.yaml (CIA World Factbook figures).
COUNTRY_LABELS = [
    {"name": "PAKISTAN", "longitude": 70.0, "latitude": 30.0},
    {"name": "AFGHANISTAN", "longitude": 65.0, "latitude": 33.0},
]


def _outlines(url: str) -> alt.LayerChart:
    shapes = (
        alt.Chart(alt.topo_feature(url, "countries"))
        .mark_geoshape(stroke="#6f6f6f", strokeWidth=1, clip=True)
        .encode(
            fill=alt.condition(
                "indexof(['Pakistan', 'Afghanistan'], datum.properties.name) >= 0",
                alt.value(FOCUS_FILL),
                alt.value(OTHER_FILL),
            ),
            tooltip=[alt.Tooltip("properties.name:N", title="Country")],
        )
    )
    labels = (
        alt.Chart(pd.DataFrame(COUNTRY_LABELS))
        .mark_text(fontSize=13, fontWeight="bold", color="#8a7f66", opacity=0.8, clip=True)
        .encode(longitude="longitude:Q", latitude="latitude:Q", text="name:N")
    )
    return shapes + labels


def _project(layers: alt.LayerChart, frame: dict[str, Any]) -> alt.LayerChart:
    return layers.project(type="mercator", center=frame["center"], scale=frame["scale"]).properties(
        height=560
    )


def incident_map(
    points: pd.DataFrame,
    frame: dict[str, Any],
    *,
    selected: str | None = None,
    outlines_url: str = OUTLINES_URL,
) -> alt.LayerChart:
    """Country outlines (local file) with one mark per event: colour = type, size = toll,
    shape = location precision; exact places filled, centroids hollow. Click selects."""
    pick = alt.selection_point(name=MAP_SELECTION, fields=["event_id"], on="click")
    marks = (
        alt.Chart(points)
        .mark_point(strokeWidth=2, clip=True)
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
            size=alt.Size("size:Q", scale=None, legend=None),
            fill=alt.condition(
                "datum.is_exact",
                alt.Color("event_type:N", scale=_TYPE_SCALE),
                alt.value("transparent"),
            ),
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("title:N", title="Event"),
                alt.Tooltip("date_start:N", title="Date"),
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("precision_words:N", title="Location precision"),
                alt.Tooltip("killed_range:N", title="Killed (low – best – high)"),
            ],
        )
        .add_params(pick)
    )
    layers: list[alt.Chart] = [_outlines(outlines_url), marks]
    if selected is not None and (points["event_id"] == selected).any():
        ring = (
            alt.Chart(points[points["event_id"] == selected])
            .mark_point(shape="circle", filled=False, color="black", strokeWidth=3, size=1600)
            .encode(longitude="longitude:Q", latitude="latitude:Q")
        )
        layers.append(ring)
    return _project(alt.layer(*layers), frame)


def incident_grid(
    cells: pd.DataFrame, box: dict[str, Any], *, outlines_url: str = OUTLINES_URL
) -> alt.LayerChart:
    """Too many events to draw one by one: circles per grid cell, sized by events."""
    marks = (
        alt.Chart(cells)
        .mark_circle(color="#c0392b", opacity=0.55, clip=True)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            size=alt.Size("size:Q", scale=None, legend=None),
            tooltip=[
                alt.Tooltip("events:Q", title="Events in cell", format=","),
                alt.Tooltip("killed:Q", title="Killed (best, summed)", format=","),
                alt.Tooltip("share_exact:Q", title="Share with exact location", format=".0%"),
            ],
        )
    )
    return (
        alt.layer(_outlines(outlines_url), marks)
        .project(type="mercator", fit=box)
        .properties(height=560)
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


BASEMAP_ENV = "EVENTS_BASEMAP"


def _rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def incident_deck(points: pd.DataFrame, frame: dict[str, Any], style_url: str) -> Any:
    """The same marks over an online base map (only when ``EVENTS_BASEMAP`` names a style).

    Exact places are filled; centroids are drawn as rings, as on the offline map.
    """
    import pydeck as pdk

    df = points.copy()
    df["fill"] = [
        _rgb(EVENT_TYPE_COLOURS.get(t, "#7f7f7f")) + [200 if exact else 0]
        for t, exact in zip(df["event_type"], df["is_exact"], strict=True)
    ]
    df["line"] = [_rgb(EVENT_TYPE_COLOURS.get(t, "#7f7f7f")) + [255] for t in df["event_type"]]
    df["radius"] = df["size"] * 25.0
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=df[
            [
                "event_id",
                "title",
                "place",
                "precision_words",
                "killed_range",
                "longitude",
                "latitude",
                "fill",
                "line",
                "radius",
            ]
        ],
        id="events",
        get_position=["longitude", "latitude"],
        get_fill_color="fill",
        get_line_color="line",
        get_radius="radius",
        stroked=True,
        line_width_min_pixels=2,
        pickable=True,
    )
    zoom = max(1.0, min(12.0, math.log2(frame["scale"] * 2 * math.pi / 512)))
    return pdk.Deck(
        layers=[layer],
        map_style=style_url,
        initial_view_state=pdk.ViewState(
            longitude=frame["center"][0], latitude=frame["center"][1], zoom=zoom
        ),
        tooltip={
            "text": "{title}\n{place}\nLocation: {precision_words}\nKilled (low – best – high): {killed_range}"
        },
    )
