"""Map builders: rows in, a map out (Altair offline, or pydeck over a configured base map).
No Streamlit and no SQL here; the statistics and narratives charts are in ``dash.charts``."""

from __future__ import annotations

import json
import math
from typing import Any

import altair as alt
import pandas as pd

from . import mapdata
from .charts import CANVAS, EVENT_TYPE_COLOURS, SVG, type_scale, typed_condition

PRECISION_SHAPES = {
    "exact": "circle",
    "near": "circle",
    "district": "square",
    "province": "diamond",
    "country": "triangle-up",
}
OUTLINES_URL = f"app/{mapdata.OUTLINES}"  # Streamlit serves static/ at app/static/
MAP_SELECTION = "pick"


FOCUS_FILL = "#e4dcc6"  # Pakistan and Afghanistan
OTHER_FILL = "#f4f2ec"
# Label points: the country points of data/curated/places.yaml (CIA World Factbook figures).
COUNTRY_LABELS = [
    {"name": "PAKISTAN", "longitude": 70.0, "latitude": 30.0},
    {"name": "AFGHANISTAN", "longitude": 65.0, "latitude": 33.0},
]


def _outlines(url: str, frame: dict[str, Any]) -> alt.LayerChart:
    shapes = alt.Chart(alt.topo_feature(url, "countries"))
    names = mapdata.countries_in_view(frame)
    if names is not None:
        shapes = shapes.transform_filter(
            f"indexof({json.dumps(names)}, datum.properties.name) >= 0"
        )
    shapes = shapes.mark_geoshape(stroke="#6f6f6f", strokeWidth=1, clip=True).encode(
        fill=typed_condition(
            alt.FillValue,
            "indexof(['Pakistan', 'Afghanistan'], datum.properties.name) >= 0",
            alt.value(FOCUS_FILL),
            alt.value(OTHER_FILL),
        ),
        tooltip=[alt.Tooltip("properties.name:N", title="Country")],
    )
    labels = (
        alt.Chart(pd.DataFrame(COUNTRY_LABELS))
        .mark_text(fontSize=13, fontWeight="bold", color="#8a7f66", opacity=0.8, clip=True)
        .encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            text=alt.Text("name:N"),
        )
    )
    return shapes + labels


def _context(frame: dict[str, Any]) -> list[alt.Chart]:
    """What makes a map readable: the provinces' names in view and a scale bar."""
    layers: list[alt.Chart] = []
    provinces = mapdata.province_labels(frame)
    if len(provinces):
        layers.append(
            alt.Chart(provinces)
            .mark_text(fontSize=11, fontStyle="italic", color="#6f6a5a", dy=16, clip=True)
            .encode(
                longitude=alt.Longitude("longitude:Q"),
                latitude=alt.Latitude("latitude:Q"),
                text=alt.Text("name:N"),
            )
        )
    bar = pd.DataFrame([mapdata.scale_bar(frame)])
    layers.append(
        alt.Chart(bar)
        .mark_rule(color="#333", strokeWidth=3)
        .encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            longitude2=alt.Longitude2("longitude2:Q"),
            latitude2=alt.Latitude2("latitude:Q"),
        )
    )
    layers.append(
        alt.Chart(bar)
        .mark_text(align="left", dy=-9, fontSize=11, color="#333")
        .encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            text=alt.Text("label:N"),
        )
    )
    return layers


def _projected(layers: list[alt.Chart], frame: dict[str, Any], **properties: Any) -> alt.LayerChart:
    """The layers on Mercator, fitted to the frame's box at whatever width the page gives the
    chart (a phone's or a wide screen's): the box is always in view, never cropped at the sides.

    One ``alt.layer`` call with every top-level property: each later ``.project()`` or
    ``.properties()`` would copy every layer and its data again (a tenth of a second a map)."""
    b = frame["bounds"]
    box = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "MultiPoint",
            "coordinates": [[b["lon_min"], b["lat_min"]], [b["lon_max"], b["lat_max"]]],
        },
    }
    return alt.layer(
        *layers, projection=alt.Projection(type="mercator", fit=box), height=560, **properties
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
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            color=alt.Color(
                "event_type:N",
                title="Event type",
                scale=type_scale(points["event_type"]),
                # "Explosions/Remote violence" on two lines: in two columns on a phone it ran
                # past the map's right edge.
                legend=alt.Legend(
                    orient="bottom",
                    columns=2,
                    labelLimit=0,
                    labelExpr=r"split(replace(datum.label, '/', '/\n'), '\n')",
                ),
            ),
            shape=alt.Shape(
                "geo_precision:N",
                title="Location precision",
                # Above the map: two legends at the bottom stand side by side, and on a phone
                # this one fell outside the chart.
                legend=alt.Legend(orient="top", columns=3),
                scale=alt.Scale(
                    domain=list(PRECISION_SHAPES), range=list(PRECISION_SHAPES.values())
                ),
            ),
            size=alt.Size("size:Q", scale=None, legend=None),
            fill=typed_condition(
                alt.FillValue,
                "datum.is_exact",
                alt.Color("event_type:N", scale=type_scale(points["event_type"])),
                alt.value("transparent"),
            ),
            opacity=typed_condition(alt.OpacityValue, pick, alt.value(0.9), alt.value(0.35)),
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
    # How many events share a spot (a district's centroid, say): a badge beside the mark. A
    # province's or country's centre often lies near a town with events of its own (Balochistan's
    # near Quetta): their badges go below left, the others above right, so the two do not overlap.
    stacked = points[points["spot_head"] & (points["at_spot"] > 1)].assign(
        badge=lambda d: "×" + d["at_spot"].astype(str),
        centre=lambda d: d["geo_precision"].isin(["province", "country"]),
    )
    badges = [
        alt.Chart(stacked[stacked["centre"] == centre])
        .mark_text(align=align, dx=dx, dy=-dx, fontSize=12, fontWeight="bold", color="#111")
        .encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            text=alt.Text("badge:N"),
            tooltip=[alt.Tooltip("at_spot:Q", title="Events at this spot")],
        )
        for centre, align, dx in ((False, "left", 9), (True, "right", -9))
        if (stacked["centre"] == centre).any()
    ]
    layers: list[alt.Chart] = [_outlines(outlines_url, frame), *_context(frame), marks, *badges]
    if selected is not None and (points["event_id"] == selected).any():
        ring = (
            alt.Chart(points[points["event_id"] == selected])
            .mark_point(shape="circle", filled=False, color="black", strokeWidth=3, size=1600)
            .encode(longitude=alt.Longitude("longitude:Q"), latitude=alt.Latitude("latitude:Q"))
        )
        layers.append(ring)
    # SVG: each mark and badge an element a reader (and a test) can find by its text or label.
    return _projected(layers, frame, usermeta=SVG)


def incident_grid(
    cells: pd.DataFrame, frame: dict[str, Any], *, outlines_url: str = OUTLINES_URL
) -> alt.LayerChart:
    """Too many events to draw one by one: circles per grid cell, sized by events."""
    marks = (
        alt.Chart(cells)
        .mark_circle(color="#c0392b", opacity=0.55, clip=True)
        .encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            size=alt.Size("size:Q", scale=None, legend=None),
            tooltip=[
                alt.Tooltip("events:Q", title="Events in cell", format=","),
                alt.Tooltip("killed:Q", title="Killed (best, summed)", format=","),
                alt.Tooltip("share_exact:Q", title="Share with exact location", format=".0%"),
            ],
        )
    )
    # Canvas: up to thousands of cells, each an element in SVG; the table lists the events.
    return _projected(
        [_outlines(outlines_url, frame), *_context(frame), marks], frame, usermeta=CANVAS
    )


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
