"""What an analyst sees, in a real browser, on a SYNTHETIC store built for it: a series with an
empty month, a party's coverage, the claims table, two events on one spot, search by stem and
transliteration, and every page at a phone's width without sideways scrolling."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.load import PAGES
from dash import store
from dash.imports import write_dataset
from dash.imports.importer import import_file

from .conftest import serve
from .fixtures import synthetic_dataset
from .support.browser import SETTLED, matching_count, settle, wait_for_count_below
from .support.files import ACLED_HEADER, acled_row, write

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def analyst_server(tmp_path_factory):
    """The synthetic curated events (March and May 2024, none in April; two on one spot; three
    parties' claims on one) plus ACLED rows spelled as the sources spell them."""
    folder = tmp_path_factory.mktemp("analyst")
    path = folder / "events.db"
    db = store.open_writable(path, create=True)
    write_dataset(db, synthetic_dataset())
    rows = [
        acled_row(1, event_date="2023-02-01", notes="SYNTHETIC airstrikes hit a compound",
                  sub_event_type="Air/drone strike", event_type="Explosions/Remote violence",
                  latitude="35.2", longitude="71.5"),
        acled_row(2, event_date="2023-02-02", notes="SYNTHETIC attack on a madrassah",
                  sub_event_type="Armed clash", event_type="Battles",
                  latitude="34.9", longitude="71.9"),
    ]  # fmt: skip
    import_file(db, write(folder / "a.csv", ACLED_HEADER, rows), "acled")
    db.close()
    with serve(path, folder / "streamlit.log") as base:
        yield base, path


def _download(page: Page, button) -> list[dict[str, str]]:
    with page.expect_download() as info:
        button.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_month_without_events_is_on_the_axis_and_a_zero_row_in_the_csv(
    page: Page, analyst_server
):
    page.goto(f"{analyst_server[0]}/statistics?from=2024-03-01&to=2024-05-31")
    settle(page)
    page.get_by_test_id("stPopoverButton").first.click()
    rows = _download(
        page, page.get_by_test_id("stPopoverBody").get_by_role("button", name="CSV", exact=True)
    )
    assert [r["period"] for r in rows if r["events"] == "0"] == ["2024-04-01"]
    assert {r["period"] for r in rows} == {"2024-03-01", "2024-04-01", "2024-05-01"}


def test_a_partys_figure_says_how_many_events_carry_one(page: Page, analyst_server):
    page.goto(f"{analyst_server[0]}/statistics?lens=afghan_taliban")
    settle(page)
    expect(
        page.get_by_text("carry a figure under 'Claims by Afghan Taliban authorities'")
    ).to_be_visible()
    line = page.get_by_text("carry a figure under").first.inner_text()
    carried, total = map(int, re.search(r"(\d+) of (\d+) event", line).groups())
    assert 1 <= carried < total


def test_the_comparison_table_holds_every_claim_of_the_event(page: Page, analyst_server):
    page.goto(f"{analyst_server[0]}/narratives?event=curated:syn-1")
    settle(page)
    expect(page.get_by_text("Every claim, side by side")).to_be_visible()
    rows = _download(page, page.get_by_role("button", name="CSV", exact=True).first)
    db = store.open_readonly(analyst_server[1])
    n_claims = db.execute(
        "SELECT count(*) FROM claims WHERE event_id = 'curated:syn-1'"
    ).fetchone()[0]
    db.close()
    assert len(rows) == n_claims == 3
    # the same claims are folded by party under the table
    folds = page.get_by_test_id("stExpander").all_inner_texts()
    assert sum(int(m[1]) for f in folds if (m := re.search(r": (\d+) accounts?", f))) == n_claims


def test_two_events_on_one_spot_carry_a_count_badge(page: Page, analyst_server):
    page.goto(f"{analyst_server[0]}/map?from=2024-01-01&to=2024-12-31")
    settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.get_by_text("×2", exact=True)).to_be_visible()
    expect(chart.get_by_text("km", exact=False).first).to_be_visible()  # the scale bar


@pytest.mark.parametrize(("typed", "finds"), [("strikes", "airstrikes"), ("madrasa", "madrassah")])
def test_search_finds_a_stem_and_a_transliteration(page: Page, analyst_server, typed, finds):
    page.goto(f"{analyst_server[0]}/map")
    settle(page)
    total = matching_count(page)
    box = page.get_by_role("textbox", name="Search text")
    box.fill(typed)
    box.press("Enter")
    narrowed = wait_for_count_below(page, total)
    rows = _download(page, page.get_by_role("button", name="CSV", exact=True).first)
    assert len(rows) == narrowed >= 1
    assert any(finds in r["summary"] for r in rows)  # the spelling typed is not the one stored


def test_a_province_typed_in_dari_script_finds_its_events(page: Page, analyst_server):
    page.goto(f"{analyst_server[0]}/map")
    settle(page)
    total = matching_count(page)
    box = page.get_by_role("textbox", name="Search text")
    box.fill("پکتیکا")  # Paktika
    box.press("Enter")
    narrowed = wait_for_count_below(page, total)
    rows = _download(page, page.get_by_role("button", name="CSV", exact=True).first)
    assert len(rows) == narrowed >= 1
    assert {r["admin1"] for r in rows} == {"Paktika"}  # every event there, none elsewhere
    expect(page).to_have_url(re.compile("q=%D9%BE%DA%A9%D8%AA%DB%8C%DA%A9%D8%A7"))


def test_more_filters_opens_on_a_click_and_a_link_with_one_set_reopens_it(
    page: Page, analyst_server
):
    base, _ = analyst_server
    page.goto(base)
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    fold = sidebar.locator('[data-testid="stExpander"] summary').filter(has_text="More filters")
    expect(fold).to_have_text(re.compile(r"More filters\s*$"))
    expect(sidebar.get_by_text("Cross-border events only")).to_have_count(0)  # drawn once opened
    before = matching_count(page)
    fold.click()
    # Click only once the run that opened the fold has finished: Streamlit drops the value of
    # a widget that no finished run has drawn yet (a busy machine shows it drawn mid-run).
    box = sidebar.get_by_role("checkbox", name="Cross-border events only")
    expect(box).to_have_count(1)
    settle(page)
    # check() on the box's label: Playwright waits for the box behind it to be enabled (it is
    # not while the page reconnects) and fails at once if the click left it unchecked.
    sidebar.locator("label").filter(has_text="Cross-border events only").check()
    expect(box).to_be_checked()
    after = wait_for_count_below(page, before)
    expect(page).to_have_url(re.compile(r"[?&]xborder=1"))
    # Another filter changed, the fold stays open under the viewer's hand.
    page.get_by_role("textbox", name="Search text").fill("SYNTHETIC")
    page.get_by_role("textbox", name="Search text").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=SYNTHETIC"))
    settle(page)
    expect(sidebar.get_by_role("checkbox", name="Cross-border events only")).to_be_checked()
    after = matching_count(page)
    page.goto(page.url)  # the link, opened afresh
    settle(page)
    expect(fold).to_have_text(re.compile(r"More filters \(1 set\)\s*$"))
    expect(sidebar.get_by_role("checkbox", name="Cross-border events only")).to_be_checked()
    assert matching_count(page) == after


def test_a_page_is_not_settled_while_its_connection_is_down(page: Page, analyst_server):
    """Streamlit disables every widget while it reconnects, and a click on a label then goes
    nowhere: the helpers wait for the connection too (a busy machine can drop it)."""
    sockets, hold = [], []

    def through(ws) -> None:  # the app's websocket, passed on to the server unless held
        if not hold:
            ws.connect_to_server()
            sockets.append(ws)

    page.route_web_socket(re.compile(r"_stcore/stream"), through)
    page.goto(analyst_server[0])
    settle(page)
    hold.append(True)
    sockets[-1].close()
    expect(page.locator(SETTLED)).to_have_count(0)  # the run is over, the page is not usable
    expect(page.get_by_role("textbox", name="Search text")).to_be_disabled()
    hold.clear()
    settle(page)  # back once the page has reconnected
    box = page.get_by_role("checkbox", name="Cross-border events only")
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').filter(
        has_text="More filters"
    ).click()
    expect(box).to_have_count(1)
    settle(page)
    page.locator("label").filter(has_text="Cross-border events only").check()
    expect(page).to_have_url(re.compile(r"[?&]xborder=1"))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_phone_without_sideways_scrolling(page: Page, analyst_server, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{analyst_server[0]}/{path}")
    settle(page)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('[data-testid=stMain]').scrollWidth,"
        " document.querySelector('[data-testid=stMain]').clientWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[3], widths
