"""What the incident map draws: styled points, or grid cells when there are too many points.

Pure functions (rows in, DataFrame out) so the styling, sizing and the aggregation threshold
are tested without a browser.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import yaml

from . import store, vocab
from .text import place_name

# Above this many located events the map draws grid cells instead of points, so the browser
# never has to lay out more than a bounded number of marks (documented in the README).
POINT_LIMIT = 2_000
GRID_DEGREES = 0.5
# The region the map always shows, so both countries and the border are in view.
REGION = {"lon_min": 60.0, "lon_max": 77.5, "lat_min": 23.5, "lat_max": 38.5}
# Points this far beyond the region (talks in Doha or Istanbul) are listed, not drawn: fitting
# them would shrink both countries to a corner of the map.
NEAR_DEGREES = 8.0
EXACT = ("exact", "near")

POINT_COLUMNS = [
    "event_id", "title", "date_start", "event_type", "latitude", "longitude", "geo_precision",
    "location", "admin2", "admin1", "country", "fatalities_best", "fatalities_low",
    "fatalities_high",
]  # fmt: skip


def marker_size(killed: float) -> float:
    """Marker area grows with the square root of the toll: 46 dead is not 46 times the ink."""
    return 60.0 + 90.0 * math.sqrt(max(killed, 0.0))


def use_grid(n_located: int, limit: int = POINT_LIMIT) -> bool:
    return n_located > limit


def prepare_points(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per event with what the map needs: precision in words, exactness, size."""
    df = pd.DataFrame(list(rows), columns=POINT_COLUMNS)
    df["precision_words"] = df["geo_precision"].map(vocab.GEO_PRECISIONS).fillna("unknown")
    df["is_exact"] = df["geo_precision"].isin(EXACT)
    best = pd.to_numeric(df["fatalities_best"], errors="coerce")
    killed = best.fillna(pd.to_numeric(df["fatalities_low"], errors="coerce")).fillna(0.0)
    df["killed"] = killed
    df["size"] = killed.map(marker_size)
    df["place"] = [
        place_name(loc, a2, a1, c)
        for loc, a2, a1, c in zip(
            df["location"], df["admin2"], df["admin1"], df["country"], strict=True
        )
    ]
    # Events on one spot (a district centroid, say) draw as one mark: say how many.
    spot = df["latitude"].round(4).astype(str) + "," + df["longitude"].round(4).astype(str)
    df["at_spot"] = spot.map(spot.value_counts()).fillna(0).astype(int)
    df["spot_head"] = ~spot.duplicated()
    df["killed_range"] = [
        " – ".join("?" if pd.isna(v) else str(int(v)) for v in (lo, be, hi))
        for lo, be, hi in zip(
            df["fatalities_low"], df["fatalities_best"], df["fatalities_high"], strict=True
        )
    ]
    return df


def prepare_cells(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Grid cells from ``Tally.map_grid``: centre, events, killed and a size by event count."""
    df = pd.DataFrame(list(rows), columns=["latitude", "longitude", "events", "killed", "exact"])
    df["size"] = df["events"].astype(float).map(lambda n: 60.0 + 40.0 * math.sqrt(n))
    df["share_exact"] = (df["exact"] / df["events"]).round(2)
    return df


MAP_HEIGHT = 560
LEGEND_ROOM = 110  # the legends under the map take this much of its height
MIN_SPAN_DEGREES = 3.0  # the smallest box the map zooms to
MAP_WIDTH_GUESS = 900  # the chart stretches to its column; this keeps the box inside it


def near_region(df: pd.DataFrame) -> pd.Series:
    """Which points lie within NEAR_DEGREES of the region (the ones the map draws)."""
    if not len(df):
        return pd.Series([], dtype=bool)
    return df["longitude"].between(
        REGION["lon_min"] - NEAR_DEGREES, REGION["lon_max"] + NEAR_DEGREES
    ) & df["latitude"].between(REGION["lat_min"] - NEAR_DEGREES, REGION["lat_max"] + NEAR_DEGREES)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(mercator_y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(mercator_y)) - math.pi / 2)


def view(
    df: pd.DataFrame, height: int = MAP_HEIGHT - LEGEND_ROOM, width: int = MAP_WIDTH_GUESS
) -> dict[str, Any]:
    """Mercator centre and scale that frame the drawn points (a degree of margin, at least
    ``MIN_SPAN_DEGREES`` across, so four events in one district are not one blur); the whole
    region when nothing is drawn."""
    if "geo_precision" in df and (df["geo_precision"] != "country").any():
        df = df[df["geo_precision"] != "country"]  # a country's centre is no place to zoom to
    if len(df):
        lon_min, lon_max = float(df["longitude"].min()) - 0.5, float(df["longitude"].max()) + 0.5
        lat_min, lat_max = float(df["latitude"].min()) - 0.5, float(df["latitude"].max()) + 0.5
        if lon_max - lon_min < MIN_SPAN_DEGREES:
            middle = (lon_min + lon_max) / 2
            lon_min, lon_max = middle - MIN_SPAN_DEGREES / 2, middle + MIN_SPAN_DEGREES / 2
        if lat_max - lat_min < MIN_SPAN_DEGREES:
            middle = (lat_min + lat_max) / 2
            lat_min, lat_max = middle - MIN_SPAN_DEGREES / 2, middle + MIN_SPAN_DEGREES / 2
        lon_min, lon_max = max(-180.0, lon_min), min(180.0, lon_max)
        lat_min, lat_max = max(-80.0, lat_min), min(80.0, lat_max)
    else:
        lon_min, lon_max = REGION["lon_min"], REGION["lon_max"]
        lat_min, lat_max = REGION["lat_min"], REGION["lat_max"]
    dx = math.radians(lon_max - lon_min)
    dy = _mercator_y(lat_max) - _mercator_y(lat_min)
    scale = 0.92 * min(height / dy, width / dx)
    centre_y = (_mercator_y(lat_max) + _mercator_y(lat_min)) / 2
    centre_lat = _latitude(centre_y)
    return {
        "center": [round((lon_min + lon_max) / 2, 4), round(centre_lat, 4)],
        "scale": round(scale, 1),
        "bounds": {"lon_min": lon_min, "lon_max": lon_max, "lat_min": lat_min, "lat_max": lat_max},
    }


KM_PER_DEGREE = 111.32  # along the equator, and along any meridian
SCALE_STEPS_KM = (5, 10, 20, 50, 100, 200, 500, 1000)


def scale_bar(frame: dict[str, Any]) -> dict[str, Any]:
    """A round distance, about a fifth of the frame's width, drawn near its lower left corner:
    where it starts and ends (longitude at one latitude) and its label."""
    b = frame["bounds"]
    lat = b["lat_min"] + 0.06 * (b["lat_max"] - b["lat_min"])
    km_per_degree = KM_PER_DEGREE * math.cos(math.radians(lat))
    wanted = (b["lon_max"] - b["lon_min"]) * km_per_degree / 5
    km = max([k for k in SCALE_STEPS_KM if k <= wanted] or [SCALE_STEPS_KM[0]])
    start = b["lon_min"] + 0.04 * (b["lon_max"] - b["lon_min"])
    return {"longitude": start, "longitude2": start + km / km_per_degree, "latitude": lat,
            "label": f"{km:,} km"}  # fmt: skip


@functools.cache
def _provinces() -> tuple[dict[str, Any], ...]:
    """Province points of the curated gazetteer (data/curated/places.yaml, each taken from a
    cited page); none when the curated folder is not beside the app."""
    try:
        text = (store.PROJECT_ROOT / "data" / "curated" / "places.yaml").read_text("utf-8")
    except OSError:
        return ()
    return tuple(
        {"name": str(p["name"]).removesuffix(" Province"), "latitude": p["latitude"],
         "longitude": p["longitude"]}
        for p in yaml.safe_load(text) or []
        if p.get("level") == "province" and p.get("latitude") is not None
    )  # fmt: skip


def province_labels(frame: dict[str, Any]) -> pd.DataFrame:
    """The provinces whose point lies inside the frame, to name on the map."""
    b = frame["bounds"]
    inside = [
        p for p in _provinces()
        if b["lat_min"] <= p["latitude"] <= b["lat_max"]
        and b["lon_min"] <= p["longitude"] <= b["lon_max"]
    ]  # fmt: skip
    return pd.DataFrame(inside, columns=["name", "latitude", "longitude"])


# The country outlines the offline map draws: served by Streamlit from the project's static/
# folder (mapcharts.OUTLINES_URL), read here for each country's box.
OUTLINES = "static/world-atlas/countries-110m.json"
OUTLINES_FILE = store.PROJECT_ROOT / OUTLINES
# The widest and narrowest a map is drawn, width over height: a wide screen's main column, and
# a phone held upright. The box a frame fits is in view at either, with land beside or above it.
WIDEST, NARROWEST = 4.0, 0.5
MARGIN = 1.1  # the legends and title take some of the chart from the map


@functools.cache
def country_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Each country's (lon_min, lat_min, lon_max, lat_max) in the map's outlines file (TopoJSON:
    quantised arcs, each point a step from the one before); empty without the file."""
    try:
        topology = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arc_boxes = []
    for arc in topology["arcs"]:
        points = list(itertools.accumulate(arc, lambda a, b: (a[0] + b[0], a[1] + b[1])))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        arc_boxes.append(
            (min(xs) * sx + tx, min(ys) * sy + ty, max(xs) * sx + tx, max(ys) * sy + ty)
        )
    boxes = {}
    for country in topology["objects"]["countries"]["geometries"]:
        rings = (
            country["arcs"] if country["type"] == "Polygon" else itertools.chain(*country["arcs"])
        )
        parts = [arc_boxes[i if i >= 0 else ~i] for ring in rings for i in ring]
        if parts:
            boxes[country["properties"]["name"]] = (
                min(p[0] for p in parts),
                min(p[1] for p in parts),
                max(p[2] for p in parts),
                max(p[3] for p in parts),
            )
    return boxes


def countries_in_view(frame: dict[str, Any]) -> list[str] | None:
    """The countries a map of ``frame`` can show at any width it is drawn at, so that it draws
    their outlines only (the world's others cost a map a tenth of a second of path work, off
    screen); None when the outlines file cannot be read (draw them all)."""
    boxes = country_boxes()
    if not boxes:
        return None
    b = frame["bounds"]
    dx = math.radians(b["lon_max"] - b["lon_min"])
    y0, y1 = _mercator_y(b["lat_min"]), _mercator_y(b["lat_max"])
    dy = y1 - y0
    middle = ((b["lon_min"] + b["lon_max"]) / 2, (y0 + y1) / 2)
    # Fitted to a wider map, the box has land beside it; to a narrower one, above and below.
    # Any width between shows less than one of the two.
    views = [
        _around(middle, max(dx, dy * WIDEST) * MARGIN, dy * MARGIN),
        _around(middle, dx * MARGIN, max(dy, dx / NARROWEST) * MARGIN),
    ]
    return sorted(
        name
        for name, (w, s, e, n) in boxes.items()
        if any(w <= v[2] and e >= v[0] and s <= v[3] and n >= v[1] for v in views)
    )


def _around(middle: tuple[float, float], width: float, height: float) -> tuple[float, ...]:
    """(lon_min, lat_min, lon_max, lat_max) of a view ``width`` by ``height`` (Mercator units)
    centred on ``middle`` (longitude, Mercator y)."""
    middle_lon, middle_y = middle
    lowest, highest = _mercator_y(-85), _mercator_y(85)
    return (
        middle_lon - math.degrees(width / 2),
        _latitude(max(middle_y - height / 2, lowest)),
        middle_lon + math.degrees(width / 2),
        _latitude(min(middle_y + height / 2, highest)),
    )
