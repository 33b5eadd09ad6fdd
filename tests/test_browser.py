"""Every page in a real browser (Playwright + Debian Chromium) against `streamlit run`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGES = {
    "": "Overview",
    "statistics": "Violence statistics",
    "map": "Incident map",
    "narratives": "Competing narratives",
    "sources": "Data and sources",
}
SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: Page) -> None:
    page.wait_for_selector(SETTLED, timeout=60_000)
    expect(page.locator('[data-testid="stHeading"] h1').first).to_be_visible()


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
    headings = page.locator('[data-testid="stHeading"] h3').all_inner_texts()
    assert {"Pakistani state", "Afghan Taliban authorities", "International bodies"} <= set(
        headings
    )
