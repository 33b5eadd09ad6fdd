"""Violence-statistics aggregation, checked against answers worked out by hand from the
synthetic fixture (tests/fixtures.py):

    syn-1  2024-03-10..11  Afghanistan / Paktika  low 10 best 25 high 40
           claims: pakistan_state 10 (militants 10), afghan_taliban 40, media at least 25
    syn-2  2024-05-01      Pakistan / Khyber Pakhtunkhwa  3 / 3 / 3; claim: local 3
    syn-3  2023-06-01..30  Pakistan / Khyber Pakhtunkhwa  0 / 0 / 0 (strategic development)
"""

from __future__ import annotations

import datetime as dt

import pytest

from dash import stats
from dash.filters import Filters
from dash.queries import catalogue

from .support import oracle

D = dt.date


def figures(rows, key="value"):
    return {r[key]: (r["events"], r["killed_low"], r["killed"], r["killed_high"]) for r in rows}


def test_monthly_counts_and_low_best_high_sums(synthetic_db):
    rows = oracle.series(synthetic_db, Filters(), "month", "none")
    assert figures(rows, "period") == {
        "2023-06-01": (1, 0, 0, 0),
        "2024-03-01": (1, 10, 25, 40),
        "2024-05-01": (1, 3, 3, 3),
    }


def test_quarters_years_and_weeks_start_on_the_right_day(synthetic_db):
    assert [r["period"] for r in oracle.series(synthetic_db, Filters(), "quarter", "none")] == [
        "2023-04-01", "2024-01-01", "2024-04-01",
    ]  # fmt: skip
    assert [r["period"] for r in oracle.series(synthetic_db, Filters(), "year", "none")] == [
        "2023-01-01",
        "2024-01-01",
    ]
    # 2024-03-10 is a Sunday: its week starts on Monday 4 March
    weeks = oracle.series(synthetic_db, Filters(), "week", "none")
    assert "2024-03-04" in [r["period"] for r in weeks]


def test_split_by_province(synthetic_db):
    rows = oracle.series(synthetic_db, Filters(date_from=D(2024, 1, 1)), "year", "province")
    assert {(r["group"], r["events"], r["killed"]) for r in rows} == {
        ("Paktika", 1, 25),
        ("Khyber Pakhtunkhwa", 1, 3),
    }


@pytest.mark.parametrize(
    ("lens", "expected"),
    [
        ("curated", (3, 13, 28, 43, 3)),  # low 10+3+0, best 25+3+0, high 40+3+0
        ("afghan_taliban", (3, 40, 40, 40, 1)),  # only syn-1 has its figure
        ("pakistan_state", (3, 10, 10, 10, 1)),
        ("media", (3, 25, 25, 25, 1)),
        ("local", (3, 3, 3, 3, 1)),
        ("international", (3, None, None, None, 0)),
    ],
)
def test_whose_figures_lens(synthetic_db, lens, expected):
    h = oracle.lens_headline(synthetic_db, Filters(), lens)
    assert (
        h["events"],
        h["killed_low"],
        h["killed"],
        h["killed_high"],
        h["events_with_figure"],
    ) == expected


def test_party_lens_takes_the_partys_lowest_toll_with_its_range():
    # Barmal in the shipped data: Pakistani state says at least 20 (AFP) and 25–30 (WION)
    from dash import store

    from .conftest import SHIPPED_DB

    db = store.open_readonly(SHIPPED_DB)
    barmal = Filters(districts=("Barmal",), date_from=D(2024, 12, 1), date_to=D(2024, 12, 31))
    lenses = {
        lens: oracle.lens_headline(db, barmal, lens)
        for lens in ("afghan_taliban", "pakistan_state", "media")
    }
    assert lenses["afghan_taliban"]["killed"] == 46
    assert (lenses["pakistan_state"]["killed"], lenses["pakistan_state"]["killed_high"]) == (20, 30)
    assert (lenses["media"]["killed"], lenses["media"]["killed_high"]) == (
        15,
        71,
    )  # Khaama 15 … Geo 71


def test_province_breakdown(synthetic_db):
    assert figures(oracle.breakdown(synthetic_db, Filters(), "province")) == {
        "Paktika": (1, 10, 25, 40),
        "Khyber Pakhtunkhwa": (2, 3, 3, 3),
    }
    taliban = figures(oracle.breakdown(synthetic_db, Filters(), "province", "afghan_taliban"))
    assert taliban == {"Paktika": (1, 40, 40, 40), "Khyber Pakhtunkhwa": (2, None, None, None)}


def test_victim_categories(synthetic_db):
    # no event carries a breakdown: all 28 of the best estimate is 'not broken down'
    assert oracle.victim_categories(synthetic_db, Filters()) == [
        {"value": "Not broken down", "killed": 28}
    ]
    assert oracle.victim_categories(synthetic_db, Filters(), "pakistan_state") == [
        {"value": "Militants", "killed": 10}
    ]


def test_period_helpers():
    assert stats.period_end(D(2024, 3, 4), "week") == D(2024, 3, 10)
    assert stats.period_end(D(2024, 2, 1), "month") == D(2024, 2, 29)
    assert stats.period_end(D(2024, 10, 1), "quarter") == D(2024, 12, 31)
    assert stats.period_end(D(2024, 1, 1), "year") == D(2024, 12, 31)
    assert stats.previous_window(D(2024, 1, 1), D(2024, 12, 31)) == (D(2023, 1, 1), D(2023, 12, 31))
    assert stats.previous_window(D(2024, 3, 1), D(2024, 3, 31)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert stats.previous_window(D(2024, 3, 10), D(2024, 3, 19)) == (D(2024, 2, 29), D(2024, 3, 9))
    assert stats.change(15, 10) == "+5 (+50%)"
    assert stats.change(3, 0) == "+3 (none before)"
    assert stats.change(3, None) is None


def test_tracker_regions_and_the_sentence():
    assert stats.region_filter("Pakistan") == {"countries": ("Pakistan",)}
    assert stats.region_filter("Khyber Pakhtunkhwa (merged districts, ex-FATA)") is None
    row = {"tracker": "SYNTHETIC", "definition": "Attacks by militants.", "region": "Pakistan",
           "metric": "fatalities", "value": 1000}  # fmt: skip
    assert "far lower" in stats.why_they_differ(row, 5, 40)
    assert "does not code" in stats.why_they_differ({**row, "region": "Ex-FATA"}, None, None)
    row = {**row, "period_start": "2023-01-01", "period_end": "2023-12-31"}
    assert stats.why_they_differ(row, 0, None).endswith(
        "the store holds no events for Pakistan from 2023-01-01 to 2023-12-31."
    )


def test_tracker_comparison_tallies_the_store_for_the_same_period_and_region(synthetic_db):
    asked = []

    def tally(filters):
        asked.append(filters)
        return oracle.headline(synthetic_db, filters)

    (row,) = stats.compare_trackers(catalogue.tracker_statistics(synthetic_db), tally)
    # SYNTHETIC tracker: Pakistan, 2024 -> only syn-2 (syn-1 is in Afghanistan, syn-3 in 2023)
    assert (row["store_events"], row["store_killed"]) == (1, 3)
    assert "far lower" in row["why"]
    assert len(asked) == 1


def test_how_much_of_a_trackers_count_the_store_explains():
    row = {"metric": "fatalities", "value": 2546, "store_events": 12, "store_killed": 71}
    assert stats.explained(row) == "71 of 2,546 killed (best estimates, else low ends) (2.8%)"
    attacks = {**row, "metric": "attacks", "value": 400}
    assert stats.explained(attacks) == "12 of 400 events (3.0%)"
    assert stats.explained({**row, "store_events": None}) is None
    assert stats.explained({**row, "metric": "operations"}) is None


def test_the_trackers_chart_follows_the_filters_year():
    rows = [{"metric": "fatalities", "region": "Pakistan", "period_start": f"{y}-01-01"}
            for y in (2024, 2025)]  # fmt: skip
    assert stats.tracker_year(rows, Filters()) == 2025
    assert stats.tracker_year(rows, Filters(date_from=D(2024, 3, 1), date_to=D(2024, 6, 1))) == 2024
