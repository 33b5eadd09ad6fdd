"""Playwright element helpers shared by the browser tests: wait on the app's run state, read
what the page shows through its elements, never by pixel offsets or sleeps."""

from __future__ import annotations

from playwright.sync_api import Page, expect

# A run finished, and the page connected: Streamlit disables every widget while its websocket
# reconnects (a busy machine can drop it), and a click on a widget's label then does nothing.
SETTLED = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)
# Every element on the page drawn. A run can finish before the browser has the code to draw
# what it sent: Streamlit loads each kind of widget, metric, table and chart on first use and
# shows a grey skeleton in its place until then, and Vega draws a chart's canvas later still.
# A page is on screen only once no skeleton is left and every chart has its canvas (or svg).
PAGE_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .every(chart => chart.querySelector('canvas, svg'))"""


def settle(page: Page) -> None:
    page.wait_for_selector(SETTLED, timeout=60_000)
    expect(page.locator('[data-testid="stHeading"] h1').first).to_be_visible()
    # The first state can be the pause between two runs (a page that reruns itself, such as a
    # deep link on a fresh server): once the title is drawn, wait for that run to finish too.
    page.wait_for_selector(SETTLED, timeout=60_000)
    page.wait_for_function(PAGE_DRAWN, timeout=60_000)


def matching_count(page: Page) -> int:
    value = page.locator('[data-testid="stSidebar"] [data-testid="stMetricValue"]').first
    return int(value.inner_text().replace(",", ""))


def wait_for_count_below(page: Page, ceiling: int) -> int:
    page.wait_for_function(
        """(ceiling) => {
            const el = document.querySelector('[data-testid="stSidebar"] [data-testid="stMetricValue"]');
            const app = document.querySelector('[data-testid="stApp"]');
            return el && app.dataset.testScriptState === 'notRunning'
                && app.dataset.testConnectionState === 'CONNECTED'
                && parseInt(el.innerText.replace(/,/g, '')) < ceiling;
        }""",
        arg=ceiling,
        timeout=30_000,
    )
    return matching_count(page)
