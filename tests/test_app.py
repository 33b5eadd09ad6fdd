"""Every page, headless (AppTest): shipped data, an empty database, a broken database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, SHIPPED_DB

APP = str(ROOT / "app.py")
PAGES = {
    "pages/overview.py": "Overview",
    "pages/statistics.py": "Violence statistics",
    "pages/map.py": "Incident map",
    "pages/narratives.py": "Competing narratives",
    "pages/sources.py": "Data and sources",
}


def open_page(page: str, db_path, monkeypatch, query: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("EVENTS_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.error)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_shipped_database(page, monkeypatch):
    at = open_page(page, SHIPPED_DB, monkeypatch)
    assert not at.exception, at.exception
    assert at.title[0].value == PAGES[page]
    assert not at.error
    events = next(m for m in at.sidebar.metric if m.label == "Events matching")
    assert int(events.value.replace(",", "")) >= 10


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_an_empty_database(page, monkeypatch, empty_db_path):
    at = open_page(page, empty_db_path, monkeypatch)
    assert not at.exception, at.exception
    assert at.title[0].value == PAGES[page]
    assert not at.error
    assert next(m for m in at.sidebar.metric if m.label == "Events matching").value == "0"
    if page != "pages/sources.py":
        assert at.info, "an empty database should say there is nothing to show"


@pytest.mark.parametrize("page", PAGES)
def test_missing_database_shows_the_fix_not_a_traceback(page, monkeypatch, tmp_path):
    at = open_page(page, tmp_path / "absent.db", monkeypatch)
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
    assert at.error and "conflict-events build" in at.code[0].value


def test_narratives_shows_one_column_per_party_for_a_contested_event(
    monkeypatch, synthetic_db_path
):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-1"}
    )
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "Pakistani state", "Afghan Taliban authorities", "Media",
    ]  # fmt: skip
    assert "10 – 40 across 3 parties" in texts(at)


def test_narratives_single_claim_says_there_is_no_competing_account(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:syn-2"}
    )
    assert [s.value for s in at.subheader] == ["Local residents and officials"]
    assert any("no competing account yet" in i.value for i in at.info)


def test_narratives_unknown_event_id_is_noted(monkeypatch, synthetic_db_path):
    at = open_page(
        "pages/narratives.py", synthetic_db_path, monkeypatch, {"event": "curated:nope<script>"}
    )
    assert not at.exception
    assert "URL parameter 'event'" in at.warning[0].value
    assert at.selectbox(key="event_picker").value == "curated:syn-2"  # the latest event


def test_choosing_an_event_writes_it_to_the_url(monkeypatch, synthetic_db_path):
    at = open_page("pages/narratives.py", synthetic_db_path, monkeypatch)
    at.selectbox(key="event_picker").select("curated:syn-1").run()
    assert at.query_params["event"] == "curated:syn-1"
    assert len(at.subheader) == 3
