"""Hosting in a real browser: read-only serving, the password gate, faults, the health check."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.load import PAGES
from dash import store

from .conftest import ROOT, SHIPPED_DB, hold_write_lock, serve
from .support.browser import matching_count, settle, wait_for_count_below
from .support.hosting import FAULTS, PASSWORD, side_files

pytestmark = pytest.mark.browser

SIDEBAR_METRIC = '[data-testid="stSidebar"] [data-testid="stMetricValue"]'


def test_a_browsing_session_in_readonly_mode_leaves_the_file_untouched(page: Page, tmp_path):
    db = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, db)
    before = store.file_sha256(db)
    log = tmp_path / "streamlit.log"
    with serve(db, log, env={store.READONLY_ENV: "1"}) as base:
        page.goto(base)
        settle(page)
        total = matching_count(page)
        for title in list(PAGES.values())[1:]:
            page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
            settle(page)
            expect(page.locator("h1").first).to_have_text(title)
            assert page.locator('[data-testid="stException"]').count() == 0
        page.goto(f"{base}/map")
        settle(page)
        page.get_by_role("textbox", name="Search text").fill("Paktika")
        page.get_by_role("textbox", name="Search text").press("Enter")
        narrowed = wait_for_count_below(page, total)
        with page.expect_download() as csv_download:
            page.get_by_role("button", name="CSV", exact=True).first.click()
        assert csv_download.value.suggested_filename.endswith(f"_{narrowed}-rows.csv")
        with page.expect_download() as bundle:
            page.get_by_role("button", name="Download bundle (zip)").click()
        assert bundle.value.suggested_filename.endswith(".zip")
        page.goto(f"{base}/narratives?event=curated:2024-12-24-barmal-airstrikes")
        settle(page)
        assert "killed: 8 – 71" in page.locator('[data-testid="stMain"]').inner_text()
        page.goto(f"{base}/sources")
        settle(page)
        expect(page.get_by_text("immutable file", exact=False).first).to_be_visible()
    assert store.file_sha256(db) == before
    assert side_files(tmp_path) == set()
    # The server did not try to look up its public IP address outside (a headless default).
    assert "external IP" not in log.read_text(errors="replace")


def _secrets_folder(tmp_path: Path, text: str = f'[access]\npassword = "{PASSWORD}"\n') -> Path:
    """A working folder whose .streamlit/secrets.toml holds ``text`` (the app reads it from the
    folder `streamlit run` starts in)."""
    folder = tmp_path / "instance"
    (folder / ".streamlit").mkdir(parents=True)
    (folder / ".streamlit" / "secrets.toml").write_text(text)
    return folder


def _gate_shown(page: Page) -> None:
    settle(page)
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    assert page.locator(SIDEBAR_METRIC).count() == 0, "figures shown without the password"
    assert page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').count() == 0
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]').count() == 0


def _enter(page: Page, password: str) -> None:
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Enter").click()  # callers wait for what it leads to


def test_the_password_gate_in_a_browser(page: Page, browser, tmp_path):
    db = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, db)
    log = tmp_path / "streamlit.log"
    with serve(db, log, cwd=_secrets_folder(tmp_path)) as base:
        for path in PAGES:
            page.goto(f"{base}/{path}")
            _gate_shown(page)
            expect(page.locator("h1").first).to_have_text(PAGES[path])

        _enter(page, "guess")
        expect(page.get_by_text("Wrong password")).to_be_visible()
        _gate_shown(page)
        expect(page.get_by_label("Password", exact=True)).to_have_value("")

        _enter(page, PASSWORD)
        expect(page.locator(SIDEBAR_METRIC).first).to_be_visible()
        settle(page)
        assert matching_count(page) >= 10
        # Downloads come after the sidebar's count: wait for them rather than count at once.
        expect(page.locator('[data-testid="stDownloadButton"]').first).to_be_visible()
        page.get_by_test_id("stSidebarNav").get_by_text("Incident map", exact=True).click()
        settle(page)
        assert matching_count(page) >= 10  # the session stays open across pages

        # A colleague's deep link: gated first, then the linked view.
        colleague = browser.new_context(viewport={"width": 1400, "height": 1600})
        other = colleague.new_page()
        other.goto(f"{base}/narratives?event=curated:2024-12-24-barmal-airstrikes")
        _gate_shown(other)
        assert "Barmal" not in other.locator('[data-testid="stMain"]').inner_text()
        _enter(other, PASSWORD)
        expect(other.get_by_text("killed: 8 – 71 across 5 parties")).to_be_visible()
        assert "event=curated" in other.url
        colleague.close()
    assert PASSWORD not in log.read_text(errors="replace")


def test_an_unreadable_secrets_file_closes_the_instance(page: Page, tmp_path):
    """A typo in secrets.toml must not turn a private instance into an open one."""
    broken = f'[access\npassword = "{PASSWORD}"\n'  # the section's closing bracket is missing
    db = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, db)
    with serve(db, tmp_path / "streamlit.log", cwd=_secrets_folder(tmp_path, broken)) as base:
        page.goto(f"{base}/statistics")
        settle(page)
        expect(page.get_by_text("secrets file cannot be read")).to_be_visible()
        assert page.locator(SIDEBAR_METRIC).count() == 0
        assert page.locator('[data-testid="stDownloadButton"]').count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0


@pytest.fixture
def fault_server(tmp_path):
    """One server on a database path the test breaks in different ways, without restarting."""
    db = tmp_path / "data" / "events.db"
    db.parent.mkdir()
    shutil.copy(SHIPPED_DB, db)
    with serve(db, tmp_path / "streamlit.log") as base:
        yield base, db


def _shows_error(page: Page, base: str, *words: str) -> str:
    page.goto(f"{base}/statistics")
    settle(page)
    alert = page.locator('[data-testid="stAlertContentError"]')
    expect(alert.first).to_be_visible()
    text = alert.first.inner_text()
    for word in words:
        assert word in text, text
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(SIDEBAR_METRIC).count() == 0
    return text


def test_each_fault_shows_its_message_and_the_fix_then_recovers(page: Page, fault_server):
    base, db = fault_server
    for damage, words, fix in FAULTS.values():
        shutil.copy(SHIPPED_DB, db)
        damage(db)
        _shows_error(page, base, words, str(db))
        expect(page.locator('[data-testid="stCode"]').first).to_contain_text(fix)
        db.unlink(missing_ok=True)
    shutil.copy(SHIPPED_DB, db)
    with hold_write_lock(db):
        _shows_error(page, base, "busy: another process is writing it", str(db))
        expect(page.get_by_text("reload the page in a moment")).to_be_visible()
    page.reload()  # the lock is gone: the same server shows the data, no restart
    settle(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert matching_count(page) >= 10


def _healthcheck_command() -> list[str]:
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    (line,) = [ln for ln in text.splitlines() if ln.startswith("HEALTHCHECK ")]
    return json.loads(line.split(" CMD ", 1)[1])


def test_the_dockerfiles_health_check_passes_against_a_running_app(app_server):
    command = _healthcheck_command()
    assert command[0] == "python3"
    live = [part.replace("http://127.0.0.1:8501", app_server) for part in command]
    assert subprocess.run([sys.executable, *live[1:]], capture_output=True).returncode == 0
    dead = [part.replace("8501", "9") for part in command]  # nothing listens on port 9
    assert subprocess.run([sys.executable, *dead[1:]], capture_output=True).returncode != 0


def test_a_download_link_works_only_for_its_viewer_and_only_for_a_while(browser, tmp_path):
    """On a password-protected instance, the link of a downloaded file is no key to the data:
    another browser (no cookie, or a logged-in colleague's) gets 404, and so does the viewer
    once the link expires. The link says nothing about the file's content."""
    db = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, db)
    env = {"EVENTS_DOWNLOAD_LINK_SECONDS": "4"}
    with serve(db, tmp_path / "streamlit.log", env=env, cwd=_secrets_folder(tmp_path)) as base:
        viewer = browser.new_context(accept_downloads=True)
        page = viewer.new_page()
        page.goto(f"{base}/sources")
        _gate_shown(page)
        _enter(page, PASSWORD)
        expect(page.locator('[data-testid="stDownloadButton"]').first).to_be_visible()
        settle(page)
        links = []
        for _ in range(2):  # the same file twice: two different links
            with page.expect_download() as download:
                page.get_by_role("button", name="CSV", exact=True).first.click()
            links.append(download.value.url)
            assert viewer.request.get(links[-1]).status == 200
        assert links[0] != links[1]
        assert re.fullmatch(rf"{re.escape(base)}/media/[A-Za-z0-9_-]{{32}}\.csv", links[0])
        # another browser: nothing, whether logged in or not
        stranger = browser.new_context()
        assert stranger.request.get(links[0]).status == 404
        colleague = browser.new_context()
        other = colleague.new_page()
        other.goto(f"{base}/sources")
        _gate_shown(other)
        _enter(other, PASSWORD)
        expect(other.locator('[data-testid="stDownloadButton"]').first).to_be_visible()
        assert colleague.request.get(links[0]).status == 404
        # and the viewer's own link expires
        page.wait_for_function(
            "async (url) => (await fetch(url)).status === 404", arg=links[0], timeout=30_000,
            polling=500,
        )  # fmt: skip
        for context in (viewer, stranger, colleague):
            context.close()
