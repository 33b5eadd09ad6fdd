"""Hostile input without a browser: every page (AppTest) on a database whose every text field is
hostile, hostile links, FTS5 syntax in the search, and random query strings (hypothesis)."""

from __future__ import annotations

import re

import pytest
import streamlit
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dash import queries, store
from dash import text as ui
from dash.filters import URL_KEYS, Filters
from dash.web import tables
from dash.web.state import PAGE_KEYS

from .fixtures import HOSTILE, LONG, ODD_ID
from .support import oracle
from .support.app import APP, PAGES, open_every_fold, open_every_menu, open_page

# Each page, and the views that show one hostile event in full.
VIEWS = [
    *((page, {}) for page in PAGES),
    ("pages/narratives.py", {"event": "curated:syn-evil"}),
    ("pages/narratives.py", {"event": "curated:syn-long"}),
    ("pages/narratives.py", {"event": ODD_ID}),
    ("pages/map.py", {"event": "curated:syn-evil"}),
    ("pages/map.py", {"event": "curated:syn-long"}),
]
# Fields each full view must show (as literal text); fixtures.hostile() labels every value.
SHOWN = {
    "pages/narratives.py": [
        "events.title", "events.summary", "events.location", "events.admin2", "events.admin1",
        "events.country", "events.fatalities_basis", "events.grading_basis", "claims.claimant",
        "claims.via", "claims.account", "claims.target", "claims.figures_text", "claims.quote",
        "event_links.basis",
    ],
    "pages/map.py": ["events.title", "events.location", "claims.claimant", "claims.figures_text"],
    "pages/statistics.py": ["statistics.tracker", "statistics.definition"],
}  # fmt: skip
TEXT_FIELDS = ("body", "label", "help")  # the proto fields Streamlit renders as Markdown


def markdown_shown(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer: bodies of markdown,
    captions, headings and alerts; labels and help of widgets, buttons, tabs and expanders."""
    found: list[str] = []

    def collect(message) -> None:
        for field, value in message.ListFields():
            if field.message_type is not None:
                for item in [value] if hasattr(value, "ListFields") else value:
                    collect(item)
            elif field.name in TEXT_FIELDS and isinstance(value, str):
                found.append(value)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        # st.html carries our own stylesheet, never text from the store.
        if proto is not None and proto.DESCRIPTOR.name != "Html":
            collect(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def unescaped(pattern: str, text: str) -> list[str]:
    """Matches of ``pattern`` not preceded by an odd number of backslashes (not escaped)."""
    return re.findall(r"(?<!\\)(?:\\\\)*(" + pattern + ")", text)


def assert_inert(texts: list[str]) -> None:
    for text in texts:
        assert not unescaped(r"<", text), f"raw HTML reaches Markdown: {text[:200]!r}"
        assert not unescaped(r"!\[", text), f"an image reaches Markdown: {text[:200]!r}"
        assert not unescaped(r"\$", text), f"LaTeX reaches Markdown: {text[:200]!r}"
        # The only links are our own, to http(s) URLs from safe_url.
        for target in re.findall(r"(?<!\\)\]\(([^)\s]*)", text):
            assert re.match(r"https?://", target), f"link to {target!r}"
        assert not re.search("[\u202a-\u202e\u2066-\u2067]", text), "a direction override"


@pytest.mark.parametrize(("page", "query"), VIEWS)
def test_every_page_renders_hostile_text_inertly(page, query, hostile_db_path, monkeypatch):
    at = open_page(page, hostile_db_path, monkeypatch, query)
    # everything a viewer can open: each party's accounts, each chart's menu
    at = open_every_menu(open_every_fold(at))
    assert not at.exception, at.exception
    assert not at.error
    assert at.title[0].value == PAGES[page]
    texts = markdown_shown(at)
    assert_inert(texts)
    readable = re.sub(r"\\(.)", r"\1", "\n".join(texts))
    assert "SYNTHETIC dataset_meta.as_of <script>alert('xss')</script>" in readable  # sidebar
    if query.get("event") == "curated:syn-evil" or page == "pages/statistics.py":
        for field in SHOWN[page]:
            assert f"SYNTHETIC {field} {HOSTILE['script']} {HOSTILE['image']}" in readable, field
    if query.get("event") == "curated:syn-long":
        # A 12,000-character title is cut for its heading; the full text stays in the tables.
        headings = [re.sub(r"\\(.)", r"\1", h.value) for h in (*at.header, *at.subheader)]
        heading = next(h for h in headings if h.startswith("SYNTHETIC-WWW"))
        assert heading.endswith("…")
        assert len(heading) == ui.NAME_CHARS
    if query.get("event") == ODD_ID:
        assert at.query_params["event"] == ODD_ID


def test_hostile_links_are_noted_as_text(hostile_db_path, monkeypatch):
    image = "![x](http://evil.example/q.png)"
    at = open_page(
        "pages/statistics.py",
        hostile_db_path,
        monkeypatch,
        {"province": image, "event": image, "interval": image, image: "1", "q": HOSTILE["fts"]},
    )
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert_inert(warnings)
    readable = re.sub(r"\\(.)", r"\1", "\n".join(warnings))
    assert f"'province': unknown value '{image}'" in readable
    assert f"'interval': unknown value '{image}'" in readable
    assert f"'{image}': unknown URL parameter" in readable


FTS_SYNTAX = ['NEAR(', '"', "*", "OR", "AND NOT", "col:value", "((Barmal", 'x" OR "y', "^", "-", "\x00x"]  # fmt: skip


@pytest.mark.parametrize("text", FTS_SYNTAX)
def test_fts_syntax_in_the_url_shows_results_or_a_note(text, synthetic_db_path, monkeypatch):
    at = open_page("pages/overview.py", synthetic_db_path, monkeypatch, {"q": text})
    assert not at.exception and not at.error
    matching = int(next(m for m in at.sidebar.metric if m.label == "Events matching").value)
    if not any(ch.isalnum() for ch in text):
        assert matching == 3, "a search with no words ignores the text"
        assert any("no letters or digits" in i.value for i in at.sidebar.info)
    else:
        assert 0 <= matching <= 3


def test_fts_syntax_typed_in_the_sidebar_shows_results_or_a_note(synthetic_db_path, monkeypatch):
    at = open_page("pages/narratives.py", synthetic_db_path, monkeypatch)
    for text in FTS_SYNTAX:
        at.sidebar.text_input(key="f_text").input(text).run()
        assert not at.exception and not at.error, text
        matching = int(next(m for m in at.sidebar.metric if m.label == "Events matching").value)
        noted = any("no letters or digits" in i.value for i in at.sidebar.info)
        assert noted == (not any(ch.isalnum() for ch in text)), text
        assert matching == 3 if noted else 0 <= matching <= 3
    # Operators are searched as words: 'event*' finds 'event', '(1' finds '1'.
    at.sidebar.text_input(key="f_text").input("event* (1").run()
    assert at.query_params["q"] == "event* (1"
    assert int(next(m for m in at.sidebar.metric if m.label == "Events matching").value) == 1


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=80))
def test_any_search_text_runs_against_the_full_text_index(text, hostile_db_path):
    db = store.open_readonly(hostile_db_path)
    try:
        assert oracle.count_events(db, Filters(text=text)) >= 0
        assert isinstance(queries.event_choices(db, Filters(text=text)), list)
    finally:
        db.close()


url_keys = st.sampled_from([*URL_KEYS.values(), *PAGE_KEYS]) | st.text(max_size=12)
url_values = st.lists(st.text(max_size=60) | st.sampled_from([LONG, *HOSTILE.values()]), max_size=3)


@settings(max_examples=80, deadline=None)
@given(page=st.sampled_from(list(PAGES)), query=st.dictionaries(url_keys, url_values, max_size=6))
def test_random_query_strings_never_raise(page, query, hostile_db_path):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(store.ENV_VAR, str(hostile_db_path))
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(query)
        at.run()
        if page != "pages/overview.py" and not at.exception:
            at.switch_page(page)
            at.run()
    assert not at.exception, (query, at.exception)
    assert not at.error, (query, [e.value for e in at.error])
    assert at.title[0].value == PAGES[page]
    assert_inert([w.value for w in at.warning])  # notes quote the link: as text


def test_plain_drops_direction_overrides_and_isolates_right_to_left_text():
    assert ui.plain("a\u202eb\u202c c\u2066d\u2069") == "ab cd"
    urdu = ui.plain("طالبان: 46")
    assert urdu.startswith("\u2068") and urdu.endswith("\u2069")
    assert ui.plain("Barmal (Paktika)") == r"Barmal \(Paktika\)"


def test_link_cells_keep_only_http_urls():
    rows = [{"url": "javascript:alert(1)"}, {"url": "https://example.org/a(b)"}, {"url": None}]
    df = tables._grid_frame(rows, {"url": streamlit.column_config.LinkColumn("Link")})
    assert list(df["url"]) == ["", "https://example.org/a%28b%29", ""]


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        (("Urumqi, Xinjiang, China", None, None, "China"), "Urumqi, Xinjiang, China"),
        (("SYNTHETIC village", "Barmal", "Paktika", "Afghanistan"),
         "SYNTHETIC village, Barmal, Paktika, Afghanistan"),
        ((None, "Kurram", "Khyber Pakhtunkhwa", "Pakistan"), "Kurram, Khyber Pakhtunkhwa, Pakistan"),
        (("Quetta", "Quetta", "Balochistan", "Pakistan"), "Quetta, Balochistan, Pakistan"),
        (("", None, None, None), ""),
    ],
)  # fmt: skip
def test_a_place_is_named_once_each_part(parts, shown):
    assert ui.place_name(*parts) == shown
