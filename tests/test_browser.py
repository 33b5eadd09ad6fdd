"""Every page in a real browser (Playwright + Debian Chromium) against `streamlit run`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from bench.load import PAGES  # URL path -> page title

from .support.browser import matching_count, settle, wait_for_count_below

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_with_its_title_and_no_error(page: Page, app_server, path):
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1"))
            else None
        ),
    )
    page.goto(f"{app_server}/{path}")
    settle(page)
    expect(page.locator("h1").first).to_have_text(PAGES[path])
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert outside == [], f"requests left the machine: {outside}"


def test_sidebar_navigation_reaches_every_page(page: Page, app_server):
    page.goto(app_server)
    settle(page)
    for title in list(PAGES.values())[1:]:
        page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
        settle(page)
        expect(page.locator("h1").first).to_have_text(title)


def test_narratives_for_barmal_shows_three_parties_by_url(page: Page, app_server):
    page.goto(f"{app_server}/narratives?event=curated:2024-12-24-barmal-airstrikes")
    settle(page)
    folds = page.locator('[data-testid="stExpander"] summary').all_inner_texts()
    # a fold's text is its icon's name, then "Pakistani state: 3 accounts"
    parties = {m[1] for f in folds if (m := re.search(r"([^\n]+): \d+ accounts?", f))}
    assert {"Pakistani state", "Afghan Taliban authorities", "International bodies"} <= parties
    # the comparison table comes first, then each party's accounts, folded
    expect(page.get_by_text("Every claim, side by side")).to_be_visible()


def test_filters_hold_across_pages_reload_and_a_fresh_browser(page: Page, app_server, browser):
    page.goto(f"{app_server}/statistics")
    settle(page)
    total = matching_count(page)
    page.get_by_role("textbox", name="Search text").fill("Barmal")
    page.get_by_role("textbox", name="Search text").press("Enter")
    narrowed = wait_for_count_below(page, total)
    assert 0 < narrowed < total
    page.wait_for_url("**q=Barmal**")

    page.get_by_test_id("stSidebarNav").get_by_text("Incident map", exact=True).click()
    settle(page)
    expect(page.locator("h1").first).to_have_text("Incident map")
    assert matching_count(page) == narrowed
    page.wait_for_url("**q=Barmal**")
    expect(page.get_by_role("textbox", name="Search text")).to_have_value("Barmal")

    page.reload()
    settle(page)
    assert matching_count(page) == narrowed
    expect(page.get_by_role("textbox", name="Search text")).to_have_value("Barmal")

    shared = page.url
    colleague = browser.new_context(viewport={"width": 1400, "height": 1600})
    other = colleague.new_page()
    other.goto(shared)
    settle(other)
    expect(other.locator("h1").first).to_have_text("Incident map")
    assert matching_count(other) == narrowed
    expect(other.get_by_role("textbox", name="Search text")).to_have_value("Barmal")
    colleague.close()


def test_downloaded_csv_has_as_many_rows_as_the_count_shown(page: Page, app_server):
    import csv
    import io

    page.goto(f"{app_server}/map?country=Pakistan")
    settle(page)
    shown = matching_count(page)
    assert shown > 0
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    download = info.value
    assert download.suggested_filename == f"events_all-dates_Pakistan_{shown}-rows.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == shown
    # events in Pakistan, and events across the border that also took place in Pakistan (the
    # server serves a copy of the shipped database)
    from dash import store

    from .conftest import SHIPPED_DB

    db = store.open_readonly(SHIPPED_DB)
    expected = {r[0] for r in db.execute(
        "SELECT id FROM events WHERE country = 'Pakistan' UNION "
        "SELECT event_id FROM event_places WHERE country = 'Pakistan'")}  # fmt: skip
    db.close()
    assert {r["event_id"] for r in rows} == expected


def test_a_bad_url_parameter_is_noted_and_the_page_still_renders(page: Page, app_server):
    page.goto(f"{app_server}/statistics?province=Narnia&from=2024-13-45")
    settle(page)
    expect(page.locator("h1").first).to_have_text("Violence statistics")
    alerts = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    assert any("'province'" in a for a in alerts) and any("'from'" in a for a in alerts)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_barmal_spread_and_grading_are_shown(page: Page, app_server):
    page.goto(f"{app_server}/narratives?event=curated:2024-12-24-barmal-airstrikes")
    settle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "killed: 8 – 71 across 5 parties" in body
    assert "Grading: contested" in body
    assert "46" in body and "Afghan Taliban authorities" in body


def test_a_deep_link_as_a_fresh_servers_first_request_goes_through_the_router(page: Page, tmp_path):
    """Streamlit's pages-folder mode must not take over a shared link to a new server."""
    import shutil

    from .conftest import SHIPPED_DB, serve

    db = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, db)
    with serve(db, tmp_path / "streamlit.log") as base:
        page.goto(f"{base}/narratives?event=curated:2024-12-24-barmal-airstrikes&province=Paktika")
        settle(page)
        nav = page.get_by_test_id("stSidebarNav").inner_text()
        assert "Competing narratives" in nav and "Incident map" in nav
        assert "app" not in nav.split()
        expect(page.locator("h1").first).to_have_text("Competing narratives")
        assert "event=curated" in page.url and "province=Paktika" in page.url
        assert (
            "Pakistani airstrikes in Barmal district"
            in page.locator('[data-testid="stMain"]').inner_text()
        )


def test_map_list_row_click_opens_details_that_survive_a_reload(page: Page, app_server):
    page.goto(f"{app_server}/map")
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Glide data grid: ~35 px header, ~35 px rows; the first column is the row selector.
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 * 1 + 17)
    detail = page.locator(".st-key-event_detail")
    expect(detail).to_be_visible(timeout=30_000)
    settle(page)
    title = detail.locator("h3").first.inner_text()
    page.wait_for_url("**event=**")
    page.reload()
    settle(page)
    expect(page.locator(".st-key-event_detail h3").first).to_have_text(title)


def test_map_draws_pakistan_and_afghanistan_from_local_outlines(page: Page, app_server, tmp_path):
    from PIL import Image

    from dash.mapcharts import FOCUS_FILL

    fetched: list[str] = []
    page.on("requestfinished", lambda r: fetched.append(r.url))
    page.goto(f"{app_server}/map")
    settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('countries-110m.json'))"
    )
    shot = tmp_path / "map.png"
    chart.screenshot(path=str(shot))
    target = tuple(int(FOCUS_FILL[i : i + 2], 16) for i in (1, 3, 5))
    raw = Image.open(shot).convert("RGB").tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    share = sum(
        1 for p in pixels if all(abs(a - b) <= 3 for a, b in zip(p, target, strict=True))
    ) / len(pixels)
    assert share > 0.15, f"only {share:.1%} of the map is Pakistan/Afghanistan fill"
    assert any(u.startswith(app_server) and u.endswith("countries-110m.json") for u in fetched)


def test_statistics_bar_click_filters_and_chart_csv_matches_the_screen(page: Page, app_server):
    import csv
    import io

    page.goto(f"{app_server}/statistics")
    settle(page)
    total = matching_count(page)
    # Each chart's CSV: the events-per-month numbers add up to the headline shown.
    events_metric = (
        page.locator('[data-testid="stMain"] [data-testid="stMetric"]')
        .filter(has_text="Events")
        .first
    )
    shown_events = int(
        events_metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", "")
    )
    # each chart's downloads are in its "Download" menu: open the first chart's
    page.get_by_test_id("stPopoverButton").first.click()
    menu = page.get_by_test_id("stPopoverBody")
    with page.expect_download() as info:
        menu.get_by_role("button", name="CSV", exact=True).click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    page.keyboard.press("Escape")  # close the menu
    # violence only: the strategic developments matching are named in a line, not counted
    note = page.get_by_text("strategic developments (talks", exact=False).first.inner_text()
    strategic = int(re.search(r"([\d,]+) strategic developments", note)[1].replace(",", ""))
    assert sum(int(r["events"]) for r in rows) == shown_events == total - strategic
    killed_metric = page.locator('[data-testid="stMetric"]').filter(has_text="Killed").first
    best_shown = (
        killed_metric.locator('[data-testid="stMetricValue"]').inner_text().split("–")[1].strip()
    )
    assert sum(int(r["killed"] or 0) for r in rows) == int(best_shown.replace(",", ""))

    # Clicking the top bar of 'Killed by province' filters the dashboard to that province.
    page.get_by_role("heading", name="Breakdowns").scroll_into_view_if_needed()
    chart = page.locator('.st-key-by_province [data-testid="stVegaLiteChart"]')
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    # The bars are SVG elements labelled with their values ("Killed: 397; label: …; Province:
    # Khyber Pakhtunkhwa; …"): click the first one (the province with the most killed) near its
    # top edge, clear of the range rule drawn across its middle.
    bar = chart.locator('[aria-roledescription="bar"]').first
    expect(bar).to_be_visible()
    label = dict(part.split(": ", 1) for part in bar.get_attribute("aria-label").split("; "))
    province = label["Province"]
    height = bar.bounding_box()["height"]
    bar.click(position={"x": 4, "y": min(3, height / 4)})
    page.wait_for_url("**province=**")
    settle(page)
    assert parse_qs(urlsplit(page.url).query)["province"] == [province]
    # the sidebar's Province list now holds it (its tag: "Khyber Pakhtunkhwa (33)"), and fewer
    # events match
    tag = page.locator(".st-key-f_provinces").get_by_text(re.compile(rf"^{re.escape(province)} \("))
    expect(tag).to_be_visible()
    assert matching_count(page) < total


def test_tables_and_charts_offer_no_download_of_their_own(page: Page, app_server):
    """Streamlit's own table download (also in a chart's "Show data" view) would skip the origin
    restriction (dash.exports): the instance switches it off (client.disableDataExport).
    Viewing stays: what a download may not carry, the page already shows."""

    def download_buttons(where) -> list[str]:
        where.hover()
        toolbar = page.locator('[data-testid="stElementToolbar"]').filter(visible=True).first
        expect(toolbar).to_be_visible()
        labels = toolbar.get_by_role("button").evaluate_all(
            "bs => bs.map(b => b.getAttribute('aria-label') || b.innerText || '')"
        )
        assert labels, "the toolbar has its other buttons"
        return [label for label in labels if "download" in label.lower()]

    page.goto(f"{app_server}/sources")
    settle(page)
    # the documents table: the first one drawn open (the dictionaries' tables sit folded away)
    documents = page.locator('[data-testid="stDataFrame"]').filter(visible=True).first
    expect(documents).to_be_visible(timeout=60_000)
    assert download_buttons(documents) == []
    page.goto(f"{app_server}/statistics")
    settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.hover()
    page.locator('[data-testid="stElementToolbar"]').filter(visible=True).first.get_by_role(
        "button", name="Show data"
    ).click()
    shown = page.locator('[data-testid="stDataFrame"]').filter(visible=True).last
    expect(shown).to_be_visible()
    assert download_buttons(shown) == []


def test_folded_tables_are_drawn_when_opened(page: Page, app_server):
    """A chart's table tab and the Data and sources folds run only once opened: a first visit
    draws no hidden grid. Opening one reruns the page and shows the table."""
    page.goto(f"{app_server}/statistics")
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    assert main.locator('[data-testid="stDataFrame"]').count() == 0
    main.get_by_role("tab", name="Table").first.click()
    settle(page)
    # The grid draws on a canvas (its cells are not in the DOM; AppTest checks their values).
    expect(main.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()

    page.goto(f"{app_server}/sources")
    settle(page)
    fold = main.locator('[data-testid="stExpander"]').filter(has_text="other spellings")
    expect(fold).to_be_visible()
    assert fold.locator('[data-testid="stDataFrame"]').count() == 0
    fold.locator("summary").click()
    settle(page)
    expect(fold.locator('[data-testid="stDataFrame"] canvas').first).to_be_visible()


def test_the_statistics_page_switches_its_series_and_the_link_keeps_it(page: Page, app_server):
    """One series over time at a time: killed first; 'Show' switches to the events, with their
    'Split by', and the URL says which, so a shared link opens on the same chart."""
    page.goto(f"{app_server}/statistics")
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator('.st-key-series_killed [data-testid="stVegaLiteChart"]')).to_be_visible()
    assert main.locator(".st-key-series_events").count() == 0
    assert main.get_by_text("Split by", exact=True).count() == 0
    main.locator(".st-key-p_series").get_by_role("radio", name="Events", exact=True).click()
    page.wait_for_url("**series=events**")
    settle(page)
    expect(main.locator('.st-key-series_events [data-testid="stVegaLiteChart"]')).to_be_visible()
    assert main.locator(".st-key-series_killed").count() == 0
    expect(main.get_by_text("Split by", exact=True)).to_be_visible()
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    settle(page)
    expect(main.locator('.st-key-series_events [data-testid="stVegaLiteChart"]')).to_be_visible()
