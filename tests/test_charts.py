"""The chart builders: every shape they make is valid Vega-Lite (the page draws them without
re-checking, ``dash.web.display``), and each shows what the statistics page promises."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dash import charts, exports, mapcharts, mapdata, stats
from dash.filters import Filters
from dash.reader import Reader
from dash.text import LABEL_LINES, LABEL_WIDTH

SERIES = [
    {"period": "2024-03-01", "group": "Battles", "dating": "within", "events": 2,
     "killed_low": 3, "killed": 5, "killed_high": 9, "events_with_figure": 2},
    {"period": "2024-05-01", "group": "Battles", "dating": "spans", "events": 1,
     "killed_low": None, "killed": None, "killed_high": None, "events_with_figure": 0},
]  # fmt: skip
BARS = [
    {"value": "Explosions/Remote violence and a long tail of words", "events": 3,
     "killed_low": 1, "killed": 5, "killed_high": 9, "events_with_figure": 2},
    {"value": "Nobody killed here", "events": 4, "killed_low": 0, "killed": 0,
     "killed_high": 0, "events_with_figure": 4},
]  # fmt: skip


def _data(chart) -> list[dict]:
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_the_series_axis_holds_every_period_with_labels_in_words():
    periods = stats.periods_between(dt.date(2024, 3, 5), dt.date(2024, 5, 20), "month")
    assert periods == ["2024-03-01", "2024-04-01", "2024-05-01"]
    spec = charts.events_over_time(SERIES, "month", "Event type", periods).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == periods
    assert "%b %Y" in spec["encoding"]["x"]["axis"]["labelExpr"]
    # the event whose date window spans periods is its own, paler layer
    assert {r["dating"] for r in _data(charts.events_over_time(SERIES, "month", "Event type"))} == {
        "inside the period",
        "date uncertain: spans periods",
    }
    assert spec["encoding"]["opacity"]["scale"]["range"] == [1.0, 0.35]
    killed = charts.killed_over_time(SERIES, "month", "Curated", periods).to_dict()
    assert killed["layer"][0]["encoding"]["x"]["scale"]["domain"] == periods
    assert stats.zero_filled(SERIES, periods)[1] == {
        "period": "2024-04-01", "group": "", "dating": "", "events": 0, "killed_low": 0,
        "killed": 0, "killed_high": 0, "events_with_figure": 0,
    }  # fmt: skip


def test_event_type_legends_list_only_the_types_present():
    spec = charts.events_over_time(SERIES, "month", "Event type").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Battles"]


def test_a_split_of_many_groups_draws_the_largest_and_one_for_the_rest():
    rows = [
        {"period": p, "group": f"SYNTHETIC actor {n:02}", "dating": "within", "events": 20 - n}
        for n in range(15)
        for p in ("2024-03-01", "2024-04-01")
    ]
    spec = charts.events_over_time(rows, "month", "Actor").to_dict()
    drawn = _data(charts.events_over_time(rows, "month", "Actor"))
    kept = [f"SYNTHETIC actor {n:02}" for n in range(charts.GROUPS_DRAWN)]
    rest = f"{15 - charts.GROUPS_DRAWN} other actors"
    assert spec["encoding"]["color"]["scale"]["domain"] == [*kept, rest]  # most events first
    assert spec["encoding"]["color"]["scale"]["range"][-1] == charts.REST_COLOUR
    assert {r["group"] for r in drawn} == {*kept, rest}
    for period in ("2024-03-01", "2024-04-01"):  # nothing lost: every period's total is kept
        assert sum(r["events"] for r in drawn if r["period"] == period) == sum(
            20 - n for n in range(15)
        )
    assert sum(r["events"] for r in drawn if r["group"] == rest) == 2 * sum(
        20 - n for n in range(charts.GROUPS_DRAWN, 15)
    )
    few = rows[: 2 * (charts.GROUPS_DRAWN + 1)]  # ten groups: all drawn, none merged
    assert len({r["group"] for r in _data(charts.events_over_time(few, "month", "Actor"))}) == 10
    few_spec = charts.events_over_time(few, "month", "Actor").to_dict()
    assert "range" not in few_spec["encoding"]["color"]["scale"]  # none painted as "the rest"


def test_breakdown_bars_write_their_values_drop_zero_bars_and_wrap_labels():
    rows = _data(charts.breakdown_bars(BARS, "Event type"))
    assert [r["value"] for r in rows] == [BARS[0]["value"]]  # the zero bar is not drawn
    assert rows[0]["written"] == "5 (1–9)"
    assert rows[0]["label"] == "Explosions/Remote violence\nand a long tail of words"
    assert max(len(line) for line in rows[0]["label"].split("\n")) <= LABEL_WIDTH


def test_a_long_category_name_is_cut_on_the_axis_only_and_every_bar_keeps_its_label():
    words = "Unidentified armed group (a suicide bomber; no claim; the police blame one group"
    long_a, long_b = f"{words} and the ministry another)", f"{words} and the army a third)"
    rows = [
        {"value": v, "events": 1, "killed_low": k, "killed": k, "killed_high": k,
         "events_with_figure": 1}
        for v, k in ((long_a, 9), (long_b, 8), ("SYNTHETIC a much longer name than fits " * 4, 7))
    ]  # fmt: skip
    chart = charts.breakdown_bars(rows, "Actor")
    drawn = _data(chart)
    labels = [r["label"] for r in drawn]
    assert [r["value"] for r in drawn] == [r["value"] for r in rows]  # tooltips: the whole name
    assert len(set(labels)) == 3  # one band each: the two alike are not cut to the same label
    third = labels[2].split("\n")
    assert len(third) == LABEL_LINES and third[-1].endswith("…")
    assert max(len(line) for label in labels for line in label.split("\n")) <= LABEL_WIDTH
    axis = chart.to_dict()["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelOverlap"] is False  # Vega's default hid every other multi-line label


def test_a_long_breakdown_draws_its_first_categories_and_says_of_how_many():
    many = [
        {"value": f"SYNTHETIC district {n}", "events": 1, "killed_low": 40 - n,
         "killed": 40 - n, "killed_high": 40 - n, "events_with_figure": 1}
        for n in range(30)
    ] + BARS  # fmt: skip
    chart = charts.breakdown_bars(many, "District")
    drawn = [r["value"] for r in _data(chart)]
    assert drawn == [f"SYNTHETIC district {n}" for n in range(charts.BARS_DRAWN)]
    title = exports.standalone(chart, [])
    assert title.to_dict()["title"]["text"] == (
        f"Killed by district: the {charts.BARS_DRAWN} with the most of 31"
    )
    few = charts.breakdown_bars(many[: charts.BARS_DRAWN], "District")
    assert exports.standalone(few, []).to_dict()["title"]["text"] == "Killed by district"
    assert len(_data(few)) == charts.BARS_DRAWN


def test_an_exported_chart_carries_its_title_the_filter_and_the_source():
    chart = exports.standalone(
        charts.breakdown_bars(BARS, "Province"), ["Filter: all events", "As of: x"]
    )
    title = chart.to_dict()["title"]
    assert title["text"] == "Killed by province"
    assert title["subtitle"] == ["Filter: all events", "As of: x"]
    assert b"Filter: all events" in exports.chart_bytes(chart, "svg")
    killed = exports.standalone(charts.killed_over_time(SERIES, "month", "Curated"), ["Filter: x"])
    title = killed.to_dict()["title"]
    assert title["text"] == "Killed per month" and title["subtitle"][0] == "Curated"
    assert title["subtitle"][-1] == "Filter: x"


@pytest.mark.parametrize("top", [1, 2, 3, 4])
def test_an_exported_chart_of_small_counts_labels_each_whole_number_once(top):
    # vl-convert draws PNG and SVG without honouring tickMinStep: 0, 0.5, 1 … read "0, 1, 1"
    rows = [
        {**SERIES[0], "events": 1, "killed": 1, "killed_low": 1, "killed_high": 1},
        {**SERIES[0], "period": "2024-04-01", "events": top, "killed": top, "killed_low": top,
         "killed_high": top},
    ]  # fmt: skip
    for chart in (
        charts.events_over_time(rows, "month", "Event type"),
        charts.killed_over_time(rows, "month", "Curated"),
        charts.breakdown_bars([{**BARS[0], "killed": top, "killed_low": top, "killed_high": top}],
                              "Province"),
    ):  # fmt: skip
        svg = exports.chart_bytes(exports.standalone(chart, ["Filter: x"]), "svg").decode()
        numbers = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.isdigit()]
        assert numbers[: top + 1] == [str(n) for n in range(top + 1)], numbers


def test_the_claims_timeline_spans_the_day_dated_claims():
    rows = [
        {"party_label": "Pakistani state", "party_order": 0, "claimant": "a", "claimed_start":
         "2024-12-24", "claimed_end": None, "publisher": "x"},
        {"party_label": "Local residents", "party_order": 3, "claimant": "b", "claimed_start":
         "2024-12-01", "claimed_end": "2024-12-31", "publisher": "y"},
    ]  # fmt: skip
    spec = charts.claims_timeline(rows).to_dict()
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain[0].startswith("2024-12-23") and domain[1].startswith("2024-12-25")
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 0  # full party names


@pytest.mark.parametrize("grid", [False, True])
def test_the_maps_are_valid_on_the_synthetic_store(synthetic_db, grid):
    reader = Reader(synthetic_db)
    if grid:
        cells = mapdata.prepare_cells(reader.map_grid(Filters(), mapdata.GRID_DEGREES))
        assert _data(mapcharts.incident_grid(cells, mapdata.view(cells))) is not None
    else:
        points = mapdata.prepare_points(reader.map_points(Filters(), mapdata.POINT_LIMIT))
        assert len(points) and mapcharts.incident_map(points, mapdata.view(points)).to_dict()


def test_the_trackers_chart_is_valid():
    rows = [{"who": "PICSS (to 2024-12-31)", "value": 1612, "kind": "published figure"},
            {"who": "This store", "value": 120, "kind": "this store's tally"}]  # fmt: skip
    assert len(_data(charts.tracker_bars(rows, "Killed in Pakistan, 2024"))) == 2


def test_no_chart_builder_makes_altair_search_its_schema_classes(synthetic_db, monkeypatch):
    """A channel written as a string ("killed:Q") or a bare ``alt.condition`` makes Altair find
    its class by hashing every schema class it has (``_FromDict``): about 4 ms each, on every
    page run (Altair 6.3). The builders write typed channels; building every chart shape must
    not start that search once."""
    from altair.utils import schemapi

    searches: list[str] = []
    real = schemapi._FromDict.__init__

    def counting(self, *args, **kwargs):
        searches.append("search")
        real(self, *args, **kwargs)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counting)
    reader = Reader(synthetic_db)
    points = mapdata.prepare_points(reader.map_points(Filters(), mapdata.POINT_LIMIT))
    cells = mapdata.prepare_cells(reader.map_grid(Filters(), mapdata.GRID_DEGREES))
    claims = [{"party_label": "Pakistani state", "party_order": 0, "claimant": "a",
               "claimed_start": "2024-12-24", "claimed_end": None, "publisher": "x"}]  # fmt: skip
    trackers = [{"who": "PICSS", "value": 1612, "kind": "published figure"}]
    built = {
        "events over time": charts.events_over_time(SERIES, "month", "Event type"),
        "killed over time": charts.killed_over_time(SERIES, "month", "Curated"),
        "breakdown": charts.breakdown_bars(BARS, "Province"),
        "victims": charts.breakdown_bars(BARS, "Who was killed", selectable=False),
        "trackers": charts.tracker_bars(trackers, "Killed"),
        "claims timeline": charts.claims_timeline(claims),
        "map": mapcharts.incident_map(points, mapdata.view(points), selected=points["event_id"][0]),
        "grid": mapcharts.incident_grid(cells, mapdata.view(cells)),
    }
    assert searches == [], "a builder wrote a channel Altair must look up"
    for name, chart in built.items():
        chart.to_dict(validate=False)  # as the page draws it (dash.web.display)
        assert searches == [], name
