"""Hostile input in a real browser: every page on a database whose every text field is hostile
renders it as inert, literal text, with no request off the machine and a layout that holds."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from .fixtures import HOSTILE, ODD_ID
from .support.browser import settle

pytestmark = pytest.mark.browser

IMAGE = "![x](http://evil.example/q.png)"
VIEWS = [
    "",
    "statistics",
    "map",
    "narratives",
    "sources",
    "narratives?event=curated:syn-evil",
    "narratives?event=curated:syn-long",
    f"narratives?event={quote(ODD_ID)}",
    "map?event=curated:syn-evil",
    f"statistics?province={quote(IMAGE)}&interval={quote(IMAGE)}&{quote(IMAGE)}=1&q=NEAR(",
]
# Text each full view must show literally (fixtures.hostile() labels every value).
SHOWN = {
    "narratives?event=curated:syn-evil": "claims.quote",
    f"narratives?event={quote(ODD_ID)}": "claims.account",
    "map?event=curated:syn-evil": "claims.claimant",
    "statistics": "statistics.tracker",
}
# Anything the data could have injected: elements that run script or fetch from elsewhere.
INJECTED = (
    '[data-testid="stApp"] script, [data-testid="stApp"] iframe, [data-testid="stApp"] object, '
    "img[onerror], svg[onload], a[href^='javascript:' i]"
)


def watch(page: Page, base: str) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "outside": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((base, "data:", "blob:", base.replace("http", "ws", 1)))
            else seen["outside"].append(r.url)
        ),
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return seen


@pytest.mark.parametrize("path", VIEWS)
def test_hostile_data_renders_inertly_and_literally(page: Page, hostile_server, path):
    seen = watch(page, hostile_server)
    page.goto(f"{hostile_server}/{path}")
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert page.locator(INJECTED).count() == 0
    foreign = page.eval_on_selector_all(
        "img",
        "(imgs, base) => imgs.map(i => i.src).filter(s => !s.startsWith(base) && !s.startsWith('data:'))",
        hostile_server,
    )
    assert foreign == []
    # The sidebar shows the data's as-of value, hostile on every page, as literal text.
    expect(
        page.get_by_text("SYNTHETIC dataset_meta.as_of <script>alert('xss')</script>").first
    ).to_be_visible()
    if path in SHOWN:
        for fold in page.locator('[data-testid="stExpander"] summary').all():
            fold.click()  # the accounts are folded by party: open them all
        text = f"SYNTHETIC {SHOWN[path]} {HOSTILE['script']} {HOSTILE['image']}"
        expect(page.get_by_text(text).first).to_be_visible()
    if "q.png" in path:
        warnings = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
        assert any(f"'province': unknown value '{IMAGE}'" in w for w in warnings)
    # A direction override in the data must not reach the page's text: it would reverse the
    # labels and figures after it. (Table cells and option labels each isolate their own text.)
    texts = page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()
    assert not [t for t in texts if "\u202e" in t]
    # Long unbroken strings wrap: nothing is wider than the page, and no heading fills it.
    widths = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " return [m.scrollWidth, m.clientWidth]; }"
    )
    assert widths[0] <= widths[1]
    heights = page.locator('[data-testid="stMain"] h2, [data-testid="stMain"] h3').evaluate_all(
        "hs => hs.map(h => h.getBoundingClientRect().height)"
    )
    assert max(heights, default=0) < 1000
    assert seen == {"dialogs": [], "outside": [], "errors": []}


def test_map_tooltip_shows_hostile_text_as_text(page: Page, hostile_server):
    seen = watch(page, hostile_server)
    page.goto(f"{hostile_server}/map")
    settle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    tooltip = page.locator("#vg-tooltip-element")
    # The map is SVG: each event is an element labelled with its fields. Hover the hostile ones.
    marks = chart.locator('[aria-roledescription="point"][aria-label*="SYNTHETIC hostile"]')
    expect(marks.first).to_be_attached()
    found = None
    for mark in marks.all():
        mark.hover(force=True)
        shown = page.evaluate(
            "() => { const t = document.querySelector('#vg-tooltip-element');"
            " return t && t.classList.contains('visible') ? t.innerText : ''; }"
        )
        if "SYNTHETIC hostile" in shown:
            found = shown
            break
    assert found, "no tooltip for the hostile events"
    assert HOSTILE["script"] in found
    assert tooltip.locator("img, script, a, iframe").count() == 0
    assert seen == {"dialogs": [], "outside": [], "errors": []}


@pytest.mark.parametrize("text", ['NEAR( "', '"', "col:value OR (("])
def test_fts_syntax_in_the_search_box_and_the_link_never_shows_a_traceback(
    page: Page, hostile_server, text
):
    page.goto(f"{hostile_server}/narratives?q={quote(text)}")
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    box = page.get_by_role("textbox", name="Search text")
    expect(box).to_have_value(text)
    box.fill(f"{text} AND NOT")
    box.press("Enter")
    page.wait_for_function(
        "(q) => new URLSearchParams(location.search).get('q') === q", arg=f"{text} AND NOT"
    )
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_test_id("stMetricValue").first).to_be_visible()
    box.fill("*")
    box.press("Enter")
    expect(sidebar.get_by_text("no letters or digits to look for")).to_be_visible()
