"""Map data preparation: precision styling, sizing, the aggregation threshold, the view."""

from __future__ import annotations

import math

from dash import mapdata
from dash.filters import Filters

from .support import oracle


def row(event_id, precision, best=None, low=None, lat=33.0, lon=70.0):
    return dict(
        event_id=event_id, title=f"SYNTHETIC {event_id}", date_start="2024-01-01",
        event_type="Battles", latitude=lat, longitude=lon, geo_precision=precision,
        location="SYNTHETIC town", admin2=None, admin1="Khyber Pakhtunkhwa", country="Pakistan",
        fatalities_best=best, fatalities_low=low, fatalities_high=None,
    )  # fmt: skip


def test_precision_is_styled_and_said_in_words():
    df = mapdata.prepare_points(
        [
            row("a", "exact", 4),
            row("b", "near"),
            row("c", "district"),
            row("d", "province"),
            row("e", "country"),
        ]
    )
    assert df["is_exact"].tolist() == [True, True, False, False, False]
    assert df["precision_words"].tolist()[2] == "district centroid: only the district is known"
    assert df["place"].iloc[0] == "SYNTHETIC town, Khyber Pakhtunkhwa, Pakistan"
    assert df["killed_range"].iloc[0] == "? – 4 – ?"


def test_size_grows_with_the_square_root_of_the_toll():
    df = mapdata.prepare_points(
        [row("a", "exact", 0), row("b", "exact", 4), row("c", "exact", None, low=16)]
    )
    # by hand: 60 + 90 * sqrt(k) -> 60, 240, 420 (no best: the low end is used)
    assert df["size"].tolist() == [60.0, 240.0, 420.0]
    assert mapdata.marker_size(46) == 60 + 90 * math.sqrt(46)


def test_points_become_grid_cells_above_the_limit():
    assert not mapdata.use_grid(mapdata.POINT_LIMIT)
    assert mapdata.use_grid(mapdata.POINT_LIMIT + 1)
    assert mapdata.use_grid(3, limit=2) and not mapdata.use_grid(2, limit=2)


def test_grid_counts_events_per_cell(synthetic_db):
    cells = oracle.map_grid(synthetic_db, Filters(), 0.5)
    # syn-1 and syn-2 both sit at (33.8, 70.0): one cell centred on (33.75, 70.25); syn-3 has no point
    assert [
        (c["latitude"], c["longitude"], c["events"], c["killed"], c["exact"]) for c in cells
    ] == [(33.75, 70.25, 2, 28, 1)]
    df = mapdata.prepare_cells(cells)
    assert df["share_exact"].tolist() == [0.5]


def test_view_shows_the_region_and_far_points():
    home = mapdata.view(mapdata.prepare_points([row("a", "exact")]))
    assert home["bounds"] == {"lon_min": 60.0, "lon_max": 77.5, "lat_min": 23.5, "lat_max": 38.5}
    far = mapdata.view(mapdata.prepare_points([row("a", "exact", lat=51.5, lon=-0.1)]))
    assert far["bounds"]["lon_min"] <= -1.1 and far["bounds"]["lat_max"] >= 52.5
    assert far["scale"] < home["scale"]  # a wider box is drawn smaller
