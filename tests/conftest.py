from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dash import store
from dash.imports import write_dataset

from .fixtures import synthetic_dataset

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DB = ROOT / "data" / "events.db"
CURATED = ROOT / "data" / "curated"
SHARED = ROOT.parent / "shared"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


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
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1600}}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db_path: Path, log: Path, *, env: dict[str, str] | None = None, cwd: Path = ROOT):
    """`streamlit run app.py` on a free loopback port serving ``db_path``; yields the base URL.

    ``env`` adds settings (EVENTS_READONLY, …); ``cwd`` is where Streamlit looks for
    ``.streamlit/secrets.toml`` besides the app's own folder.
    """
    port = _free_port()
    env = {**os.environ, "EVENTS_DB": str(db_path), **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.address", "127.0.0.1", "--server.port", str(port),
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.2)  # polling a server that is starting, not waiting on the app's state
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app serving a copy of the shipped database."""
    folder = tmp_path_factory.mktemp("served")
    db_copy = folder / "events.db"
    shutil.copy(SHIPPED_DB, db_copy)
    with serve(db_copy, folder / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory):
    """The app serving a database whose texts hold scripts, images and javascript: links."""
    from .fixtures import hostile_dataset

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.db"
    db = store.open_writable(path, create=True)
    write_dataset(db, hostile_dataset())
    db.close()
    with serve(path, folder / "streamlit.log") as base:
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
