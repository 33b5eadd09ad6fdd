"""Map data preparation: precision styling, sizing, the aggregation threshold, the view."""

from __future__ import annotations

import math

import pytest

from dash import mapcharts, mapdata
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


def test_the_map_zooms_to_the_matching_events_but_not_closer_than_a_few_degrees():
    one = mapdata.view(mapdata.prepare_points([row("a", "exact")]))
    b = one["bounds"]
    assert b["lon_min"] < 70.0 < b["lon_max"] and b["lat_min"] < 33.0 < b["lat_max"]
    assert b["lon_max"] - b["lon_min"] == pytest.approx(mapdata.MIN_SPAN_DEGREES)
    assert mapdata.view(mapdata.prepare_points([]))["bounds"] == mapdata.REGION
    far = mapdata.view(
        mapdata.prepare_points([row("a", "exact"), row("b", "exact", lat=51.5, lon=-0.1)])
    )
    assert far["bounds"]["lon_min"] <= -0.6 and far["bounds"]["lat_max"] >= 52.0
    assert far["scale"] < one["scale"]  # a wider box is drawn smaller
    # a country's centre does not pull the frame wide when real places are there
    vague = mapdata.view(
        mapdata.prepare_points([row("a", "exact"), row("c", "country", lat=33.9, lon=67.7)])
    )
    assert vague["bounds"] == one["bounds"]


def test_events_on_one_spot_are_counted_for_a_badge():
    df = mapdata.prepare_points(
        [row("a", "province"), row("b", "province"), row("c", "exact", lat=34.0)]
    )
    assert df["at_spot"].tolist() == [2, 2, 1]
    assert df["spot_head"].tolist() == [True, False, True]


def test_the_scale_bar_is_a_round_distance_of_about_a_fifth_of_the_width():
    frame = mapdata.view(mapdata.prepare_points([]))  # the whole region, about 1,600 km wide
    bar = mapdata.scale_bar(frame)
    km = int(bar["label"].replace(",", "").split()[0])
    assert km in mapdata.SCALE_STEPS_KM and 100 <= km <= 500
    width_km = (
        (bar["longitude2"] - bar["longitude"]) * 111.32 * math.cos(math.radians(bar["latitude"]))
    )
    assert width_km == pytest.approx(km, rel=1e-6)


def test_province_names_in_view_come_from_the_cited_gazetteer():
    frame = mapdata.view(mapdata.prepare_points([row("a", "exact", lat=32.5, lon=68.8)]))
    names = set(mapdata.province_labels(frame)["name"])
    assert "Paktika" in names and "Khost" in names and "Kandahar" not in names


def test_a_centres_badge_and_a_nearby_towns_badge_sit_on_opposite_sides():
    # Balochistan's centre lies near Quetta: side by side, the two "×N" badges overlapped.
    points = mapdata.prepare_points(
        [row("p1", "province"), row("p2", "province"),
         row("t1", "exact", lat=33.1), row("t2", "exact", lat=33.1), row("t3", "exact", lat=33.1)]
    )  # fmt: skip
    spec = mapcharts.incident_map(points, mapdata.view(points)).to_dict()
    texts = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "text"]
    placed = {}
    for layer in texts:
        values = spec["datasets"][layer["data"]["name"]]
        for value in values:
            if value.get("badge"):
                mark = layer["mark"]
                placed[value["badge"]] = (mark["align"], mark["dx"], mark["dy"])
    assert placed == {"×2": ("right", -9, 9), "×3": ("left", 9, -9)}  # below left, above right


def _outline_filters(chart) -> list[str]:
    """The filter expressions on the country outlines' layer of a map's spec."""
    spec = chart.to_dict(validate=False)
    outlines = spec["layer"][0]["layer"][0]
    assert outlines["mark"]["type"] == "geoshape"
    return [t["filter"] for t in outlines.get("transform", [])]


def test_country_boxes_put_pakistan_and_afghanistan_where_they_are():
    boxes = mapdata.country_boxes()
    # Pakistan: about 60.9–77.8° E, 23.7–37.1° N; Afghanistan: 60.5–75.2° E, 29.4–38.5° N
    for name, expected in (
        ("Pakistan", (60.9, 23.7, 77.8, 37.1)),
        ("Afghanistan", (60.5, 29.4, 75.2, 38.5)),
    ):
        assert boxes[name] == pytest.approx(expected, abs=0.5)
    assert len(boxes) > 150  # the world's countries, not a handful


def test_a_map_of_the_region_draws_its_neighbours_and_not_the_rest_of_the_world():
    frame = mapdata.view(mapdata.prepare_points([]))
    shown = set(mapdata.countries_in_view(frame))
    assert {"Pakistan", "Afghanistan", "Iran", "India", "China", "Tajikistan", "Turkmenistan",
            "Uzbekistan", "Oman"} <= shown  # fmt: skip
    assert not shown & {"Brazil", "Canada", "Australia", "France", "Mexico"}
    chart = mapcharts.incident_map(mapdata.prepare_points([row("a", "exact", 1)]), frame)
    (only,) = _outline_filters(chart)
    assert '"Pakistan"' in only and '"Iran"' in only and "Brazil" not in only


def test_a_map_of_one_district_still_draws_the_land_on_every_side():
    points = mapdata.prepare_points([row("a", "exact", 1, lat=34.0, lon=71.5)])  # Peshawar
    frame = mapdata.view(points)
    shown = set(mapdata.countries_in_view(frame))
    assert {"Pakistan", "Afghanistan"} <= shown
    assert "Brazil" not in shown


def test_without_the_outlines_file_every_country_is_drawn(monkeypatch, tmp_path):
    monkeypatch.setattr(mapdata, "OUTLINES_FILE", tmp_path / "missing.json")
    mapdata.country_boxes.cache_clear()
    try:
        frame = mapdata.view(mapdata.prepare_points([]))
        assert mapdata.countries_in_view(frame) is None
        cells = mapdata.prepare_cells(
            [{"latitude": 33.0, "longitude": 70.0, "events": 1, "killed": 1, "exact": 1}]
        )
        assert _outline_filters(mapcharts.incident_grid(cells, frame)) == []
    finally:
        mapdata.country_boxes.cache_clear()
