from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from dash import store
from dash.imports import write_dataset

from .fixtures import synthetic_dataset

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DB = ROOT / "data" / "events.db"
CURATED = ROOT / "data" / "curated"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def fresh_db(tmp_path):
    """A migrated, empty, writable database."""
    db = store.open_writable(tmp_path / "fresh.db", create=True)
    yield db
    db.close()


@pytest.fixture
def empty_db_path(tmp_path) -> Path:
    path = tmp_path / "empty.db"
    store.open_writable(path, create=True).close()
    return path


@pytest.fixture
def synthetic_db_path(tmp_path) -> Path:
    """A small database of SYNTHETIC rows with known answers."""
    path = tmp_path / "synthetic.db"
    db = store.open_writable(path, create=True)
    write_dataset(db, synthetic_dataset())
    db.close()
    return path


@pytest.fixture(scope="session")
def generated_db_path(tmp_path_factory) -> Path:
    """3,000 SYNTHETIC ACLED events (the benchmark's generator) through the real importer,
    a tenth of them with SYNTHETIC party claims: more than the map draws one by one."""
    from bench.generate import add_claims, generate
    from dash.imports.importer import import_file

    folder = tmp_path_factory.mktemp("generated")
    path = folder / "events.db"
    db = store.open_writable(path, create=True)
    import_file(db, generate(folder / "acled.csv", 3000), "acled")
    add_claims(db, share=0.1)
    db.close()
    return path


@pytest.fixture
def synthetic_db(synthetic_db_path):
    db = store.open_readonly(synthetic_db_path)
    yield db
    db.close()


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    """A private copy of the shipped database, safe to damage."""
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    return path


# --- browser tests: Debian's Chromium driven by Playwright, against a real `streamlit run` ------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip("SKIPPED LOUDLY: " + message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1600}}


@contextlib.contextmanager
def serve(db_path: Path, log: Path, *, env: dict[str, str] | None = None, cwd: Path = ROOT):
    """`streamlit run app.py` on a free loopback port serving ``db_path``; yields the base URL.

    ``env`` adds settings (EVENTS_READONLY, …); ``cwd`` is where Streamlit looks for
    ``.streamlit/secrets.toml`` besides the app's own folder.
    """
    with streamlit_server(db_path, log, env=env, cwd=cwd) as server:
        yield server.url


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app serving a copy of the shipped database."""
    folder = tmp_path_factory.mktemp("served")
    db_copy = folder / "events.db"
    shutil.copy(SHIPPED_DB, db_copy)
    with serve(db_copy, folder / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="session")
def hostile_db_path(tmp_path_factory) -> Path:
    """A database whose every free-text field is hostile (scripts, images, javascript: links,
    very long strings, direction overrides, FTS5 syntax); SYNTHETIC. Read-only: do not write."""
    from .fixtures import write_hostile_database

    return write_hostile_database(tmp_path_factory.mktemp("hostile") / "hostile.db")


@pytest.fixture(scope="session")
def hostile_server(hostile_db_path):
    """The app serving the hostile database."""
    with serve(hostile_db_path, hostile_db_path.with_suffix(".log")) as base:
        yield base


@contextlib.contextmanager
def hold_write_lock(db_path: Path):
    """Another process holding an exclusive (rollback-journal) write lock on ``db_path``."""
    code = (
        "import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield
    finally:
        proc.stdin.close()  # the holder exits and its lock goes with it
        proc.wait(timeout=30)
