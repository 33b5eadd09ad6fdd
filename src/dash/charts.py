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
    cells: pd.DataFrame, frame: dict[str, Any], *, outlines_url: str = OUTLINES_URL
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
    return _project(alt.layer(_outlines(outlines_url), marks), frame)


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


# --- violence statistics ---------------------------------------------------------------------

PERIOD_PICK = "period_pick"
VALUE_PICK = "value_pick"
_TIME_UNITS = {
    "week": "yearmonthdate",
    "month": "yearmonth",
    "quarter": "yearquarter",
    "year": "year",
}
_TIME_FORMATS = {"week": "%d %b %Y", "month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}


def events_over_time(rows: Sequence[dict[str, Any]], interval: str, split_label: str) -> alt.Chart:
    """Events per period, stacked by the split; clicking a period selects it."""
    df = pd.DataFrame(list(rows), columns=["period", "group", "events"])
    pick = alt.selection_point(name=PERIOD_PICK, fields=["period"], on="click")
    return (
        alt.Chart(df, title=f"Events per {interval}")
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("sum(events):Q", title="Events"),
            color=alt.Color(
                "group:N",
                title=split_label,
                scale=_TYPE_SCALE if split_label == "Event type" else alt.Undefined,
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("period:N", title=f"{interval.capitalize()} from"),
                alt.Tooltip("group:N", title=split_label),
                alt.Tooltip("sum(events):Q", title="Events"),
            ],
        )
        .add_params(pick)
    )


def killed_over_time(
    rows: Sequence[dict[str, Any]], interval: str, lens_label: str
) -> alt.LayerChart:
    """Killed per period under the lens: the figure as bars, its low–high range as a rule."""
    df = pd.DataFrame(list(rows), columns=["period", "killed_low", "killed", "killed_high"])
    per = df.groupby("period", as_index=False)[["killed_low", "killed", "killed_high"]].sum(
        min_count=1
    )
    base = alt.Chart(per, title=f"Killed per {interval}: {lens_label}, with the low–high range")
    bars = base.mark_bar(color="#8c2d19", opacity=0.8).encode(
        x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("killed:Q", title="Killed"),
        tooltip=[
            alt.Tooltip("period:N", title=f"{interval.capitalize()} from"),
            alt.Tooltip("killed_low:Q", title="Low"),
            alt.Tooltip("killed:Q", title="Figure"),
            alt.Tooltip("killed_high:Q", title="High"),
        ],
    )
    band = base.mark_rule(strokeWidth=3, color="#222").encode(
        x="period:O", y="killed_low:Q", y2="killed_high:Q"
    )
    return bars + band


# Draw as SVG rather than canvas (Streamlit passes usermeta.embedOptions to vega-embed).
SVG = {"embedOptions": {"renderer": "svg"}}


def breakdown_bars(
    rows: Sequence[dict[str, Any]], label: str, *, selectable: bool = True
) -> alt.LayerChart:
    """Killed per category (bars) with the low–high range (rule); events in the tooltip.
    Clicking a bar selects its category."""
    df = pd.DataFrame(
        list(rows), columns=["value", "events", "killed_low", "killed", "killed_high"]
    )
    pick = alt.selection_point(name=VALUE_PICK, fields=["value"], on="click")
    order = df["value"].tolist()
    base = alt.Chart(df, title=f"Killed by {label.lower()}")
    bars = base.mark_bar(color="#8c2d19").encode(
        y=alt.Y("value:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
        x=alt.X("killed:Q", title="Killed"),
        tooltip=[
            alt.Tooltip("value:N", title=label),
            alt.Tooltip("events:Q", title="Events"),
            alt.Tooltip("killed_low:Q", title="Low"),
            alt.Tooltip("killed:Q", title="Figure"),
            alt.Tooltip("killed_high:Q", title="High"),
        ],
    )
    if selectable:
        bars = bars.encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45))).add_params(
            pick
        )
    band = base.mark_rule(strokeWidth=2, color="#222").encode(
        y=alt.Y("value:N", sort=order), x="killed_low:Q", x2="killed_high:Q"
    )
    # SVG, so each bar is an element with its ARIA label: readers and tests find it by name.
    return (bars + band).properties(height=alt.Step(24), usermeta=SVG)


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
            tooltip=["who:N", alt.Tooltip("value:Q", format=","), "kind:N"],
        )
    )


def export_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """The chart as SVG or PNG, rendered on the server (offline) by vl-convert."""
    import vl_convert as vlc

    spec = chart.to_json()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    return vlc.vegalite_to_png(spec, scale=2)
