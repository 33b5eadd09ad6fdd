"""Every page, headless (AppTest): shipped data, an empty database, a broken database."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from dash import charts, csvcolumns, store
from dash.filters import Filters
from dash.imports.importer import import_file
from dash.web import tables

from .conftest import SHIPPED_DB
from .support.app import (
    PAGES,
    matching,
    open_every_fold,
    open_every_menu,
    open_more_filters,
    open_page,
    party_columns,
    texts,
)
from .support.files import ACLED_HEADER, UCDP_HEADER, acled_row, ucdp_row, write


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_on_the_shipped_database(page_path, monkeypatch):
    at = open_page(page_path, SHIPPED_DB, monkeypatch)
    assert not at.exception, at.exception
    assert at.title[0].value == PAGES[page_path]
    assert not at.error
    events = next(m for m in at.sidebar.metric if m.label == "Events matching")
    assert int(events.value.replace(",", "")) >= 10


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_on_an_empty_database(page_path, monkeypatch, empty_db_path):
    at = open_page(page_path, empty_db_path, monkeypatch)
    assert not at.exception, at.exception
    assert at.title[0].value == PAGES[page_path]
    assert not at.error
    assert next(m for m in at.sidebar.metric if m.label == "Events matching").value == "0"
    if page_path != "pages/sources.py":
        assert at.info, "an empty database should say there is nothing to show"


@pytest.mark.parametrize("page_path", PAGES)
def test_every_page_searches_a_place_typed_in_dari_script_as_in_english(
    page_path, monkeypatch, synthetic_db_path, tmp_path
):
    db = store.open_writable(synthetic_db_path)
    rows = [acled_row(1), acled_row(2, admin1="Khost", admin2="")]  # Paktika, then Khost
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    db.close()
    counts = []
    for typed in ("پکتیکا", "Paktika"):
        at = open_page(page_path, synthetic_db_path, monkeypatch, {"q": typed})
        assert not at.exception and not at.error, typed
        assert at.sidebar.text_input[0].value == typed  # the text as typed stays in the box
        counts.append(matching(at))
    assert counts[0] == counts[1] >= 1


@pytest.mark.parametrize("page_path", PAGES)
def test_missing_database_shows_the_fix_not_a_traceback(page_path, monkeypatch, tmp_path):
    at = open_page(page_path, tmp_path / "absent.db", monkeypatch)
    assert not at.exception
    assert "missing" in at.error[0].value and "absent.db" in at.error[0].value
    assert at.code[0].value == "conflict-events build"


def test_corrupt_database_shows_the_fix(monkeypatch, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    at = open_page("pages/overview.py", bad, monkeypatch)
    assert not at.exception
    assert "damaged or not a database" in at.error[0].value
    assert at.code[0].value == "conflict-events build"


def test_truncated_database_shows_the_fix(monkeypatch, shipped_copy):
    data = shipped_copy.read_bytes()
    shipped_copy.write_bytes(data[: len(data) // 4])
    at = open_page("pages/statistics.py", shipped_copy, monkeypatch)
    assert not at.exception
    # recover first (it keeps every committed row); rebuilding is named last, with what it loses
    assert at.error and at.code[0].value == "conflict-events recover"
    advice = " ".join(m.value for m in at.markdown)
    assert "publish" in advice and "imported events would be lost" in advice


def test_narratives_shows_one_column_per_party_for_a_contested_event(
    monkeypatch, synthetic_db_path
):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-1"}
    )
    assert not at.exception
    assert party_columns(at) == ["Pakistani state", "Afghan Taliban authorities", "Media"]
    assert "10 – 40 across 3 parties" in texts(at)


def test_the_comparison_table_has_one_row_per_claim_in_words(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-1"}
    )
    table = next(d.value for d in at.dataframe if "claimant" in d.value.columns)
    db = store.open_readonly(synthetic_db_path)
    claims = db.execute(
        "SELECT c.claimant, c.killed, d.publisher FROM claims c"
        " JOIN documents d ON d.id = c.document_id WHERE c.event_id = 'curated:syn-1'"
    ).fetchall()
    db.close()
    assert len(table) == len(claims)
    assert sorted(zip(table["claimant"], table["source"], strict=True)) == sorted(
        (c, p) for c, _, p in claims
    )
    by_claimant = {c: k for c, k, _ in claims}
    for claimant, killed in zip(table["claimant"], table["killed"], strict=True):
        expected = by_claimant[claimant]
        assert killed == "–" if expected is None else int(killed.replace(",", "")) == expected
    # the figures sort as numbers, missing ones last
    order = sorted(table["killed"])
    known = [int(k.replace(",", "")) for k in order if k != "–"]
    assert known == sorted(known) and (order[-1] == "–" or "–" not in order)
    # every party's toll is in the summary above the table, and no stored code is on screen
    summary = texts(at)
    for party in set(table["party"]):
        killed = [
            int(k.replace(",", "")) for k in table[table["party"] == party]["killed"] if k != "–"
        ]
        if killed:
            assert f"{party} {min(killed)}" in summary
    for code in ("security_forces", "not_addressed", "not_applicable", "at_least", "None"):
        assert code not in " ".join(str(v) for v in table.to_numpy().ravel())


def test_narratives_single_claim_says_there_is_no_competing_account(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-2"}
    )
    assert party_columns(at) == ["Local residents and officials"]
    assert any("no competing account yet" in i.value for i in at.info)


def test_narratives_unknown_event_id_is_noted(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:nope<script>"}
    )
    assert not at.exception
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    assert warnings == ["Ignored URL parameter 'event': no event with id 'curated:nope<script>'"]
    assert at.selectbox(key="event_picker").value == "curated:syn-2"  # the latest event
    assert "event" not in at.query_params or at.query_params["event"] == "curated:syn-2"


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/map.py", "pages/statistics.py"])
def test_an_unknown_event_id_is_noted_and_dropped_on_every_page(
    monkeypatch, synthetic_db_path, page
):
    at = open_page(page, synthetic_db_path, monkeypatch, {"event": "curated:does-not-exist"})
    assert not at.exception
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    assert "Ignored URL parameter 'event': no event with id 'curated:does-not-exist'" in (warnings)
    assert "event" not in at.query_params  # not carried on to the next page


def test_a_repeated_single_value_key_says_which_value_is_used(monkeypatch, synthetic_db_path):
    query = {"from": ["2024-01-01", "2025-01-01"], "interval": ["week", "month"]}
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, query)
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    assert (
        "Ignored URL parameter 'from': given 2 times; only the last, '2025-01-01', is used"
        in warnings
    )
    assert (
        "Ignored URL parameter 'interval': given 2 times; only the last, 'month', is used"
        in warnings
    )
    assert at.date_input(key="f_date_from").value.isoformat() == "2025-01-01"


def test_a_bad_page_setting_is_dropped_from_the_url_and_grades_need_a_party(
    monkeypatch, synthetic_db_path
):
    query = {"by": "nonsense", "grades": "9"}
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, query)
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]
    assert any(w.startswith("URL parameter 'by': unknown value 'nonsense'") for w in warnings)
    assert any(
        w.startswith("URL parameter 'grades': ignored: it applies to one party") for w in warnings
    )
    assert "by" not in at.query_params and "grades" not in at.query_params


def test_choosing_an_event_writes_it_to_the_url(monkeypatch, synthetic_db_path):
    at = open_page("pages/narratives.py", synthetic_db_path, monkeypatch)
    at.selectbox(key="event_picker").select("curated:syn-1").run()
    assert at.query_params["event"] == "curated:syn-1"
    assert len(party_columns(at)) == 3


def test_query_params_set_the_widgets(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/statistics.py",
        synthetic_db_path,
        monkeypatch,
        {"province": "Khyber Pakhtunkhwa", "from": "2024-01-01", "minkilled": "1"},
    )
    assert not at.exception
    assert at.sidebar.multiselect(key="f_provinces").value == ["Khyber Pakhtunkhwa"]
    assert str(at.sidebar.date_input(key="f_date_from").value) == "2024-01-01"
    assert at.sidebar.number_input(key="f_min_fatalities").value == 1
    assert matching(at) == 1  # only syn-2: KP, 2024, 3 killed (syn-3 is 2023 with 0)
    assert at.metric[0].value == "1"  # the page's own headline agrees


def test_changing_a_widget_writes_the_url(monkeypatch, synthetic_db_path):
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch)
    assert matching(at) == 3
    at.sidebar.multiselect(key="f_countries").select("Afghanistan").run()
    assert at.query_params["country"] == "Afghanistan"
    assert matching(at) == 1
    open_more_filters(at).sidebar.checkbox(key="f_cross_border_only").check().run()
    assert at.query_params["xborder"] == "1"
    at.sidebar.button[0].click().run()  # reset
    assert matching(at) == 3
    assert "country" not in at.query_params and "xborder" not in at.query_params


def _sidebar_keys(at: AppTest) -> set[str]:
    kinds = ("multiselect", "number_input", "checkbox", "date_input", "text_input")
    return {w.key for kind in kinds for w in getattr(at.sidebar, kind)}


def _fold_labels(at: AppTest) -> list[str]:
    return [e.label for e in at.sidebar.expander if e.label.startswith("More filters")]


def test_the_less_used_filters_wait_in_a_fold_that_draws_them_once_opened(
    monkeypatch, synthetic_db_path
):
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch)
    assert _fold_labels(at) == ["More filters"]
    drawn = _sidebar_keys(at)
    assert {"f_countries", "f_provinces", "f_event_types", "f_parties"} <= drawn
    assert not drawn & {"f_actors", "f_sub_event_types", "f_min_fatalities", "f_cross_border_only"}
    # Opened, every field of the filter has its widget, each exactly once.
    assert _sidebar_keys(open_more_filters(at)) == {f"f_{f.name}" for f in fields(Filters)}
    assert not at.exception


def test_a_link_setting_a_folded_filter_opens_the_fold_and_it_stays_in_force_closed(
    monkeypatch, synthetic_db_path
):
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch, {"xborder": "1"})
    assert _fold_labels(at) == ["More filters (1 set)"]
    assert at.sidebar.checkbox(key="f_cross_border_only").value is True
    assert matching(at) == 1  # syn-1 crossed the border
    at.session_state["more_filters"] = False
    at.run()
    assert "f_cross_border_only" not in _sidebar_keys(at)
    assert _fold_labels(at) == ["More filters (1 set)"]  # closed, it still says it restricts
    at.sidebar.multiselect(key="f_countries").select("Pakistan").run()
    assert at.query_params["xborder"] == "1" and at.query_params["country"] == "Pakistan"
    assert matching(at) == 0  # Pakistan's two events did not cross it


def test_the_fold_stays_as_the_viewer_left_it_across_counts_pages_and_reset(
    monkeypatch, synthetic_db_path
):
    at = open_more_filters(open_page("pages/overview.py", synthetic_db_path, monkeypatch))
    at.sidebar.multiselect(key="f_origins").select("curated").run()
    at.sidebar.checkbox(key="f_cross_border_only").check().run()
    assert _fold_labels(at) == ["More filters (2 set)"] and matching(at) == 1
    # Clearing what is set inside it does not shut it under the viewer's hand.
    at.sidebar.multiselect(key="f_origins").unselect("curated").run()
    at.sidebar.checkbox(key="f_cross_border_only").uncheck().run()
    assert _fold_labels(at) == ["More filters"] and "f_origins" in _sidebar_keys(at)
    # Open, it stays open on another page; closed with one set, it stays closed there.
    at.switch_page("pages/statistics.py").run()
    assert "f_origins" in _sidebar_keys(at)
    at.sidebar.checkbox(key="f_cross_border_only").check().run()
    at.session_state["more_filters"] = False
    at.run()
    at.switch_page("pages/map.py").run()
    assert _fold_labels(at) == ["More filters (1 set)"]
    assert "f_cross_border_only" not in _sidebar_keys(at) and matching(at) == 1
    # Reset clears what the closed fold holds, and the label says so.
    at.sidebar.button[0].click().run()
    assert _fold_labels(at) == ["More filters"] and matching(at) == 3
    assert "xborder" not in at.query_params and not at.exception


def test_a_folded_filter_set_from_a_chart_opens_the_fold(monkeypatch, synthetic_db_path):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"by": "actor"})
    assert _fold_labels(at) == ["More filters"] and "f_actors" not in _sidebar_keys(at)
    # a click on the actor's bar
    at.session_state["by_actor"] = {"selection": {"value_pick": [{"value": "SYNTHETIC air force"}]}}
    at.run()
    assert not at.exception and at.query_params["actor"] == "SYNTHETIC air force"
    assert _fold_labels(at) == ["More filters (1 set)"]
    assert at.sidebar.multiselect(key="f_actors").value == ["SYNTHETIC air force"]


def test_a_breakdown_of_many_categories_draws_the_first_and_tables_them_all(
    monkeypatch, synthetic_db_path, tmp_path
):
    db = store.open_writable(synthetic_db_path)
    groups = [
        acled_row(n, actor1=f"SYNTHETIC group {n:02}", fatalities=str(n)) for n in range(1, 26)
    ]
    import_file(db, write(tmp_path / "many.csv", ACLED_HEADER, groups), "acled")
    db.close()
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"by": "actor"})
    assert not at.exception
    drawn = [r["value"] for r in chart_rows(at, 1)]  # after the series over time
    # the 25 groups, the fixture's air force (25 killed) and its event with no actor (3)
    with_killed = 25 + 1 + 1
    assert len(drawn) == charts.BARS_DRAWN
    assert drawn[:3] == ["SYNTHETIC air force", "SYNTHETIC group 25", "SYNTHETIC group 24"]
    assert "SYNTHETIC group 01" not in drawn
    beyond = with_killed - charts.BARS_DRAWN
    assert any(
        f"the other {beyond} with someone killed are in the table" in c.value for c in at.caption
    )
    at.session_state["by_actor_view"] = "Table"
    at.run()
    assert "SYNTHETIC group 01" in set(at.dataframe[0].value["value"])


def test_the_sidebar_link_carries_the_filters_and_the_event(monkeypatch, synthetic_db_path):
    at = open_page("pages/narratives.py", synthetic_db_path, monkeypatch)
    at.sidebar.multiselect(key="f_countries").select("Afghanistan").run()
    at.selectbox(key="event_picker").select("curated:syn-1").run()
    (link,) = [m.value for m in at.sidebar.markdown if "?" in m.value]
    query = parse_qs(urlsplit(link.strip("`")).query)
    assert query["country"] == ["Afghanistan"]
    assert query["event"] == ["curated:syn-1"]


def test_filters_survive_a_page_switch(monkeypatch, synthetic_db_path):
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch)
    at.sidebar.text_input(key="f_text").input("refugees").run()
    assert matching(at) == 1
    for page in ("pages/statistics.py", "pages/map.py", "pages/sources.py"):
        at.switch_page(page).run()
        assert at.sidebar.text_input(key="f_text").value == "refugees"
        assert matching(at) == 1
        assert at.query_params["q"] == "refugees"


def test_bad_parameters_are_dropped_with_a_note_and_the_page_renders(
    monkeypatch, synthetic_db_path
):
    at = open_page(
        "pages/overview.py",
        synthetic_db_path,
        monkeypatch,
        {
            "province": "Narnia",
            "from": "2024-13-45",
            "minkilled": "lots",
            "q": "x" * 10_000,
            "bogus": "1",
        },
    )
    assert not at.exception
    assert at.title[0].value == "Overview"
    notes = re.sub(r"\\(.)", r"\1", "\n".join(w.value for w in at.warning))  # as a reader sees it
    for name in ("'province'", "'from'", "'minkilled'", "'q'", "'bogus'"):
        assert name in notes, f"no note names {name}"
    assert matching(at) == 3  # every bad value was dropped, nothing else filtered
    assert "province" not in at.query_params and "from" not in at.query_params


def test_every_page_offers_csv_downloads(monkeypatch, synthetic_db_path):
    for page in PAGES:
        at = open_page(page, synthetic_db_path, monkeypatch, {"event": "curated:syn-1"})
        buttons = open_every_menu(at).get("download_button")
        labels = {b.proto.label for b in buttons}
        assert (
            {"CSV", "CSV for Excel"} <= labels or page == "pages/narratives.py" and "CSV" in labels
        ), page
        assert "Download bundle (zip)" in labels


def test_every_table_shows_a_missing_value_as_a_dash_not_as_none(monkeypatch, synthetic_db_path):
    """Streamlit writes "None" in a cell with no value unless told otherwise: a figure nobody
    gave must not read as a value."""
    drawn = 0
    for page in PAGES:
        at = open_every_fold(
            open_page(page, synthetic_db_path, monkeypatch, {"event": "curated:syn-1"})
        )
        if page == "pages/statistics.py":  # the charts' tables, drawn once their tab is chosen
            for key in ("series_killed_view", "by_province_view", "trackers_view"):
                at.session_state[key] = "Table"
            at.run()
        assert not at.exception, page
        for table in at.dataframe:
            assert table.proto.placeholder == tables.MISSING, page
            drawn += 1
    assert drawn >= 10  # the walk reached the tables of every page


def test_barmal_shows_each_party_with_its_figures(monkeypatch):
    at = open_page(
        "pages/narratives.py",
        SHIPPED_DB,
        monkeypatch,
        {"event": "curated:2024-12-24-barmal-airstrikes"},
    )
    assert not at.exception
    assert "killed: 46" not in texts(at)  # each party's cards are folded, drawn once opened
    open_every_fold(at)
    columns = party_columns(at)
    assert {
        "Pakistani state",
        "Afghan Taliban authorities",
        "Media",
        "International bodies",
    } <= set(columns)
    shown = texts(at)
    assert "killed: 46" in shown  # the Afghan Taliban's toll on its card
    assert "killed: at least 15" in shown  # Khaama Press
    assert "militants: 20" in shown  # the Pakistani official's militants
    assert (
        "killed: 8 – 71 across 5 parties" in shown
    )  # residents 8 … Geo News 71; analysts give none


def test_selecting_a_contested_row_opens_that_comparison(monkeypatch, shipped_copy):
    from dash import queries, store
    from dash.filters import Filters

    db = store.open_readonly(shipped_copy)
    choices = [c["event_id"] for c in queries.event_choices(db, Filters())]
    contested = [r["event_id"] for r in queries.most_contested(db, Filters())]
    db.close()
    at = open_page("pages/narratives.py", shipped_copy, monkeypatch)
    assert at.selectbox(key="event_picker").value == choices[0]  # the latest event
    # row 0 of the most contested table opens that event, whatever the picker showed
    assert contested[0] != choices[0]
    # the folded list is drawn only once opened (opening reruns the page)
    assert "contested_pick" not in at.session_state
    at.session_state["contested_list"] = True
    at.run()
    assert "divergence" in " ".join(c.value for c in at.caption).lower()
    at.session_state["contested_pick"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["event"] == contested[0]
    assert at.selectbox(key="event_picker").value == contested[0]
    # the picker can move on; the table's unchanged selection does not pull it back
    other = next(c for c in choices if c not in (contested[0], choices[0]))
    at.selectbox(key="event_picker").select(other).run()
    assert at.query_params["event"] == other
    # closed and reopened, the list shows no selection: picking row 0 again opens it again
    at.session_state["contested_list"] = False
    at.run()
    at.session_state["contested_list"] = True
    at.run()
    at.session_state["contested_pick"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["event"] == contested[0]


def test_selecting_a_contested_row_on_the_overview_opens_its_comparison(
    monkeypatch, synthetic_db_path
):
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch)
    at.session_state["contested"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.title[0].value == "Competing narratives"
    assert at.query_params["event"] == "curated:syn-1"
    assert party_columns(at) == ["Pakistani state", "Afghan Taliban authorities", "Media"]


def detail_title(at: AppTest) -> str | None:
    titles = [s.value for s in at.subheader if s.value not in ("Matching events", "Related events")]
    return titles[0] if titles else None


def test_map_renders_with_an_empty_result(monkeypatch):
    at = open_page("pages/map.py", SHIPPED_DB, monkeypatch, {"q": "nothingmatchesthisword"})
    assert not at.exception
    assert matching(at) == 0
    assert "No events match" in at.info[0].value


def test_selecting_a_list_row_opens_its_detail_panel(monkeypatch, synthetic_db_path):
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch)
    assert detail_title(at) is None
    # rows are newest first: syn-2 (May 2024), syn-1 (Mar 2024), syn-3 (Jun 2023)
    at.session_state["map_list"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["event"] == "curated:syn-1"
    assert detail_title(at) == "SYNTHETIC event 1"
    assert "killed: 40" in texts(at)  # the Afghan Taliban's claim, in short


def test_clicking_a_map_point_opens_the_same_panel(monkeypatch, synthetic_db_path):
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch)
    at.session_state["incident_map"] = {"selection": {"pick": [{"event_id": "curated:syn-2"}]}}
    at.run()
    assert not at.exception
    assert at.query_params["event"] == "curated:syn-2"
    assert detail_title(at) == "SYNTHETIC event 2"


def test_a_ucdp_candidate_event_says_so_on_its_detail(monkeypatch, synthetic_db_path, tmp_path):
    db = store.open_writable(synthetic_db_path)
    row = ucdp_row(1, date_start="2026-04-02 00:00:00.000", date_end="2026-04-02 00:00:00.000")
    import_file(db, write(tmp_path / "GEDEvent_v26_0_4.csv", UCDP_HEADER, [row]), "ucdp")
    db.close()
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch, {"event": "ucdp:501"})
    assert not at.exception
    assert "UCDP: candidate event — unvetted, from UCDP's monthly data" in texts(at)
    sources = open_page("pages/sources.py", synthetic_db_path, monkeypatch)
    assert (
        "**1** event from UCDP Georeferenced Event Dataset (GED) (an unvetted candidate)"
        in texts(sources)
    )


def test_an_imported_events_estimate_is_named_as_its_datasets(
    monkeypatch, synthetic_db_path, tmp_path
):
    db = store.open_writable(synthetic_db_path)
    import_file(
        db, write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1, fatalities="7")]), "acled"
    )
    db.close()
    at = open_page("pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "acled:SYN1"})
    assert not at.exception
    shown = texts(at)
    assert "**ACLED estimate (low – best – high):** 7" in shown and "curated estimate" not in shown
    curated = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-2"}
    )
    assert "**curated estimate (low – best – high):**" in texts(curated)


def test_the_unvetted_count_reads_as_words():
    from dash.web.views.sources import unvetted

    assert unvetted(0, 5) == ""
    assert unvetted(1, 1) == " (an unvetted candidate)"
    assert unvetted(7, 7) == " (all unvetted candidates)"
    assert unvetted(1, 9) == " (1 of them unvetted candidate)"
    assert unvetted(1200, 3400) == " (1,200 of them unvetted candidates)"


def test_open_competing_narratives_from_the_detail_panel(monkeypatch, synthetic_db_path):
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-1"})
    at.button(key="open_narratives").click().run()
    assert at.title[0].value == "Competing narratives"
    assert party_columns(at) == ["Pakistani state", "Afghan Taliban authorities", "Media"]


def test_above_the_point_limit_the_map_draws_grid_cells(monkeypatch, generated_db_path):
    at = open_page("pages/map.py", generated_db_path, monkeypatch)
    assert not at.exception
    assert matching(at) == 3000
    assert "each circle is a 0.5° cell" in texts(at)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["projection"]["type"] == "mercator"
    assert spec["projection"]["fit"]["geometry"]["type"] == "MultiPoint"  # fitted to any width
    cells = [r for r in chart_rows(at) if "events" in r]  # not the outline shapes
    assert 1 < len(cells) < 3000
    assert sum(c["events"] for c in cells) == 3000  # every located event is in a cell


def test_map_is_offline_unless_a_base_map_is_configured(monkeypatch, synthetic_db_path):
    monkeypatch.delenv("EVENTS_BASEMAP", raising=False)
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch)
    assert at.get("vega_lite_chart") and not at.get("deck_gl_json_chart")
    style = "https://tiles.example.org/styles/light/style.json"
    monkeypatch.setenv("EVENTS_BASEMAP", style)
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch)
    assert not at.exception
    decks = at.get("deck_gl_json_chart")
    assert decks and style in decks[0].proto.json
    assert "tiles.example.org" in texts(at)


def chart_rows(at: AppTest, index: int = 0) -> list[dict]:
    """The data rows of the index-th chart on the page (Streamlit ships them as Arrow)."""
    import pyarrow as pa

    chart = at.get("vega_lite_chart")[index].proto
    rows: list[dict] = []
    for dataset in chart.datasets:
        rows += pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    return rows


def test_statistics_interval_and_lens_change_the_numbers(monkeypatch, synthetic_db_path):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch)
    assert not at.exception
    killed = next(m for m in at.metric if m.label.startswith("Killed"))
    assert killed.value == "13 – 28 – 43"
    # violence only: the 2023 strategic development is named, not counted or charted
    assert sorted({r["period"] for r in chart_rows(at)}) == ["2024-03-01", "2024-05-01"]
    assert any("1 strategic development " in c.value for c in at.caption)
    assert next(m for m in at.metric if m.label == "Events").value == "2"

    # the box names each choice shortly (a long one was cut at 1440 px); captions spell it out
    assert at.selectbox(key="p_lens").options[0] == "Curated estimate"
    assert "Afghan Taliban authorities" in at.selectbox(key="p_lens").options
    at.selectbox(key="p_lens").select("afghan_taliban").run()
    assert at.query_params["lens"] == "afghan_taliban"
    killed = next(m for m in at.metric if m.label.startswith("Killed"))
    assert killed.value == "40"  # low, figure and high agree: shown once
    assert killed.help.startswith("Exactly 40 – 40 – 40.")

    at.get("button_group")[0].set_value("year").run()  # the Interval control
    assert at.query_params["interval"] == "year"
    assert sorted({r["period"] for r in chart_rows(at)}) == ["2024-01-01"]
    assert at.query_params["lens"] == "afghan_taliban"  # the other setting is kept


def test_statistics_counts_strategic_developments_when_asked_for(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/statistics.py", synthetic_db_path, monkeypatch, {"type": "Strategic developments"}
    )
    assert next(m for m in at.metric if m.label == "Events").value == "1"
    assert not any("strategic development" in c.value for c in at.caption)


def test_the_series_axis_has_every_period_and_the_csv_its_empty_ones(
    monkeypatch, synthetic_db_path
):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch)
    # Killed per month first: the bars' layer carries the axis; March 25 killed, May 3.
    chart = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    domain = chart["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain[0] == "2024-03-01" and domain[-1] == "2024-05-01" and "2024-04-01" in domain
    assert {r["period"]: r["killed"] for r in chart_rows(at)} == {
        "2024-03-01": 25,
        "2024-05-01": 3,
    }
    # A chart's table is drawn only when its tab is chosen (the choice reruns the page).
    assert not at.dataframe
    drawn = len(at.get("vega_lite_chart"))
    at.session_state["series_killed_view"] = "Table"
    at.run()
    assert len(at.get("vega_lite_chart")) == drawn - 1  # that chart gives way to its table
    table = at.dataframe[0].value
    april = table[table["period"] == "2024-04-01"]
    assert len(april) == 1 and int(april["events"].iloc[0]) == 0
    assert int(april["killed"].iloc[0]) == 0

    events = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"series": "events"})
    chart = json.loads(events.get("vega_lite_chart")[0].proto.spec)
    assert chart["encoding"]["x"]["scale"]["domain"] == domain


def button_group(at: AppTest, key: str):
    return next((b for b in at.get("button_group") if b.key == key), None)


def series_titles(at: AppTest) -> list[str]:
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    return [t for t in ("Killed per month", "Events per month") if any(t in s for s in specs)]


def test_the_page_shows_one_series_at_a_time_and_the_url_keeps_which(
    monkeypatch, synthetic_db_path
):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch)
    assert series_titles(at) == ["Killed per month"]
    assert button_group(at, "p_split") is None  # a split is for the events only
    button_group(at, "p_series").set_value("events").run()
    assert at.query_params["series"] == "events"
    assert series_titles(at) == ["Events per month"]
    button_group(at, "p_split").set_value("actor").run()
    assert at.query_params["split"] == "actor"
    march = {r["group"] for r in chart_rows(at) if r["period"] == "2024-03-01" and r["events"]}
    assert march == {"SYNTHETIC air force"}  # the one March event's actor
    button_group(at, "p_series").set_value("killed").run()
    assert series_titles(at) == ["Killed per month"] and not at.exception

    # A link from before the choice, with a split and no series, still shows its split.
    old = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"split": "actor"})
    assert series_titles(old) == ["Events per month"]
    assert button_group(old, "p_split").value == "actor"
    bad = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"series": "bodies"})
    assert any("URL parameter 'series'" in w.value for w in bad.warning)
    assert series_titles(bad) == ["Killed per month"]


def test_statistics_settings_come_from_the_url(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/statistics.py",
        synthetic_db_path,
        monkeypatch,
        {"lens": "media", "interval": "quarter"},
    )
    assert next(m for m in at.metric if m.label.startswith("Killed")).value == "25"
    assert at.selectbox(key="p_lens").value == "media"
    bad = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"lens": "martians"})
    assert not bad.exception
    assert any("URL parameter 'lens'" in w.value for w in bad.warning)


def test_clicking_a_province_bar_filters_everything(monkeypatch, synthetic_db_path):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch)
    at.session_state["by_province"] = {"selection": {"value_pick": [{"value": "Paktika"}]}}
    at.run()
    assert not at.exception
    assert at.query_params["province"] == "Paktika"
    assert "type" not in at.query_params  # not pinned to the page's violence-only types
    assert at.sidebar.multiselect(key="f_provinces").value == ["Paktika"]
    assert matching(at) == 1


@pytest.mark.parametrize("series", ["killed", "events"])
def test_clicking_a_period_narrows_the_dates(series, monkeypatch, synthetic_db_path):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"series": series})
    at.session_state[f"series_{series}"] = {
        "selection": {"period_pick": [{"period": "2024-03-01"}]}
    }
    at.run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2024-03-01", "2024-03-31")
    assert matching(at) == 1
    assert "type" not in at.query_params  # the dates only: other pages still list talks


def test_statistics_with_one_event(monkeypatch, synthetic_db_path):
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, {"district": "Barmal"})
    assert not at.exception
    assert matching(at) == 1
    assert at.get("vega_lite_chart"), "one event still draws its charts"


def test_statistics_with_a_filter_that_matches_nothing(monkeypatch):
    at = open_page(
        "pages/statistics.py", SHIPPED_DB, monkeypatch, {"from": "1990-01-01", "to": "1990-12-31"}
    )
    assert not at.exception
    assert matching(at) == 0
    assert any("No events match" in i.value for i in at.info)
    assert not any(
        c.key and c.key.startswith("series") for c in at.get("vega_lite_chart") if hasattr(c, "key")
    )
    # the trackers' published figures still show, whatever the filter
    assert any("Trackers" in s.value for s in at.subheader)


def test_the_narratives_picker_is_bounded_and_says_so(monkeypatch, generated_db_path):
    at = open_page("pages/narratives.py", generated_db_path, monkeypatch)
    assert not at.exception
    picker = at.selectbox(key="event_picker")
    assert len(picker.options) == 1000
    assert "the 1,000 most recent of 3,000 matching events" in texts(at)
    # Any event, listed or not, still opens by its link.
    unlisted = next(f"acled:SYN{i}" for i in range(3000) if f"acled:SYN{i}" not in picker.options)
    at = open_page("pages/narratives.py", generated_db_path, monkeypatch, {"event": unlisted})
    assert not at.exception
    assert at.selectbox(key="event_picker").value == unlisted


def test_headline_figures_stay_readable_at_a_million_events():
    from dash import text as ui

    assert ui.fatality_range(1_884_168, 1_884_168, 1_884_168, compact=True) == "1.88M"
    assert ui.fatality_range(12, 2_500_000, 3_000_000, compact=True) == "12 – 2.50M – 3.00M"
    assert ui.fatality_range(35_878, 35_878, 41_234, compact=True) == "35.9k – 35.9k – 41.2k"
    assert ui.fatality_range(8, None, 71, compact=True) == "8 – ? – 71"
    assert ui.fatality_range(1_250, 2_000, 9_999, compact=True) == "1,250 – 2,000 – 9,999"
    assert ui.fatality_range(1_884_168, 1_884_168, 1_884_168) == "1,884,168 – 1,884,168 – 1,884,168"


def test_the_sources_folds_draw_their_tables_once_opened(monkeypatch, synthetic_db_path):

    at = open_page("pages/sources.py", synthetic_db_path, monkeypatch)
    folds = [e.label for e in at.expander]
    assert f"events.csv — {len(csvcolumns.EVENT_COLUMNS)} columns" in folds
    assert "Provinces and their other spellings" in folds
    shown = len(at.dataframe)  # the tables drawn open: none of them is a fold's
    at.session_state["dict_events"] = True
    at.session_state["gazetteer"] = True
    at.run()
    assert not at.exception
    assert len(at.dataframe) == shown + 2
    columns = next(d.value for d in at.dataframe if "meaning" in d.value.columns)
    assert list(columns["column"]) == [c.name for c in csvcolumns.EVENT_COLUMNS]
    places = next(d.value for d in at.dataframe if "also written" in d.value.columns)
    assert "Khyber Pakhtunkhwa" in set(places["province"])
    khost = places.set_index("province").loc["Khost"]  # the script's names in their own column
    assert "خوست" in khost["in Urdu, Pashto or Dari"] and "خوست" not in khost["also written"]


def _add_claim(db_path, event_n: int, party: str) -> None:
    db = store.open_writable(db_path)
    db.execute(
        """INSERT INTO claims (id, event_id, party_id, claimant, document_id, account, killed)
           VALUES (:id, :event, :party, 'SYNTHETIC claimant', 'doc-a', 'SYNTHETIC account', 1)""",
        {"id": f"curated:syn-{event_n}/{party}", "event": f"curated:syn-{event_n}", "party": party},
    )
    db.close()


def test_the_contested_list_counts_every_ranked_event_not_only_those_shown(
    monkeypatch, synthetic_db_path
):
    from dash.web.views import narratives

    _add_claim(synthetic_db_path, 2, "afghan_taliban")  # syn-2 now has two parties' claims
    monkeypatch.setattr(narratives, "CONTESTED_SHOWN", 1)
    at = open_page("pages/narratives.py", synthetic_db_path, monkeypatch)
    labels = [re.sub(r"\\(.)", r"\1", e.label) for e in at.expander]
    assert "Most contested events in the current filter (2; the 1 highest shown)" in labels


def test_a_filter_matching_only_talks_says_so_on_the_statistics_and_the_overview(
    monkeypatch, synthetic_db_path
):
    # syn-3, a strategic development, gets claims from two parties: counted, never ranked
    _add_claim(synthetic_db_path, 3, "pakistan_state")
    _add_claim(synthetic_db_path, 3, "afghan_taliban")
    query = {"q": "اعلان"}  # only syn-3's title has it
    at = open_page("pages/statistics.py", synthetic_db_path, monkeypatch, query)
    info = [i.value for i in at.info]
    assert any(i.startswith("No violent events match the current filter") for i in info)
    captions = [c.value for c in at.caption]
    assert any("1 strategic development (talks" in c and "also matches the filters; it is" in c
               for c in captions)  # fmt: skip
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch, query)
    assert tables.NONE_CONTESTED in [i.value for i in at.info]


def test_the_map_says_when_the_selected_event_is_outside_the_filter(monkeypatch, synthetic_db_path):
    # syn-1 is dated March 2024; the filter is 2023
    query = {"event": "curated:syn-1", "from": "2023-01-01", "to": "2023-12-31"}
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch, query)
    assert not at.exception
    outside = "This event is outside the current filter"
    assert any(c.value.startswith(outside) for c in at.caption)
    at = open_page("pages/map.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-1"})
    assert not any(c.value.startswith(outside) for c in at.caption)


def test_the_overview_says_the_list_is_cut_only_when_it_is(monkeypatch, synthetic_db_path):
    # the synthetic store holds 3 events: all listed, none left out
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch)
    assert not any("most recent of" in c.value for c in at.caption)
    from dash.web.views import overview

    monkeypatch.setattr(overview, "LATEST", 2)
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch)
    assert "The 2 most recent of 3; the downloads hold all of them." in [
        c.value for c in at.caption
    ]
