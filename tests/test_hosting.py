"""Hosting: read-only serving, access control, faults, and serving while the data changes.

AppTest and the CLI here; the same cases in a real browser are in test_hosting_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from dash import store
from dash.cli import cli

from .conftest import ROOT, SHIPPED_DB, hold_write_lock
from .support.app import APP, PAGES, matching, open_more_filters, open_page
from .support.files import ACLED_HEADER, acled_row, write
from .support.hosting import FAULTS, PASSWORD, side_files

# --- faults: each gives a message naming the file and what to do, never a traceback -----------


def _error_screen(at: AppTest) -> str:
    assert not at.exception, at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    return at.error[0].value


@pytest.mark.parametrize("page_path", PAGES)
@pytest.mark.parametrize("fault", FAULTS)
def test_a_broken_database_shows_what_and_the_fix_on_every_page(
    fault, page_path, monkeypatch, tmp_path
):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    damage, words, fix = FAULTS[fault]
    damage(path)
    at = open_page(page_path, path, monkeypatch)
    message = _error_screen(at)
    assert words in message and str(path) in message
    assert fix in at.code[0].value
    if fault == "corrupt":  # recover first; rebuilding is named last, with what it loses
        assert "imported events would be lost" in " ".join(m.value for m in at.markdown)
    assert not at.sidebar.metric, "no figures next to an error"


@pytest.mark.parametrize("page_path", ["pages/overview.py", "pages/narratives.py"])
def test_a_locked_database_says_busy_and_recovers_when_the_lock_goes(
    page_path, monkeypatch, tmp_path
):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    with hold_write_lock(path):
        at = open_page(page_path, path, monkeypatch)
        message = _error_screen(at)
        assert "busy: another process is writing it" in message and str(path) in message
        assert any("reload the page in a moment" in i.value for i in at.info)
    at.run()  # the writer is gone: the same session now shows the data
    assert not at.error and matching(at) >= 10


def test_a_lock_taken_after_the_page_opened_also_says_busy(monkeypatch, tmp_path):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    at = open_page("pages/overview.py", path, monkeypatch)
    assert matching(at) >= 10
    with hold_write_lock(path):
        at.sidebar.text_input(key="f_text").input("Barmal").run()  # a new query, not cached
        assert "busy" in _error_screen(at)


@pytest.mark.parametrize("fault", [*FAULTS, "locked"])
@pytest.mark.parametrize("command", [["check"], ["export", "events"]])
def test_the_cli_exits_non_zero_naming_the_file_and_the_problem(command, fault, tmp_path):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    if fault == "locked":
        with hold_write_lock(path):
            result = CliRunner().invoke(cli, [*command, "--db", str(path)])
        words = "busy: another process is writing it"
    else:
        FAULTS[fault][0](path)
        result = CliRunner().invoke(cli, [*command, "--db", str(path)])
        words = {"corrupt": "malformed"}.get(fault, FAULTS[fault][1].split(": ")[-1])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert words in result.output and str(path) in result.output, result.output


# --- read-only serving: immutable, nothing written beside the file ----------------------------


def test_readonly_mode_browses_every_page_without_touching_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv(store.READONLY_ENV, "1")
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    before = store.file_sha256(path)
    at = open_page("pages/overview.py", path, monkeypatch)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception and not at.error, page
        at.sidebar.text_input(key="f_text").input("Paktika").run()
        open_more_filters(at).sidebar.checkbox(key="f_cross_border_only").check().run()
        assert not at.exception and matching(at) > 0, page
        # nothing on any page takes data in: no upload, no editable table
        assert not at.get("file_uploader") and not at.get("data_editor"), page
        at.sidebar.button[0].click().run()  # reset filters
    at.switch_page("pages/narratives.py").run()
    at.selectbox(key="event_picker").select("curated:2024-12-24-barmal-airstrikes").run()
    assert not at.exception
    assert store.file_sha256(path) == before
    assert side_files(tmp_path) == set()


def test_readonly_mode_reads_under_a_writers_lock_because_it_takes_no_locks(
    monkeypatch, shipped_copy
):
    """Proof the file is opened immutable: a rollback-journal writer's lock blocks a normal
    read-only reader, not an immutable one."""
    with hold_write_lock(shipped_copy):
        with pytest.raises(store.DatabaseBusy):
            store.open_readonly(shipped_copy)
        monkeypatch.setenv(store.READONLY_ENV, "1")
        db = store.open_readonly(shipped_copy)
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] >= 10
        db.close()


@pytest.mark.parametrize("command", [["migrate"], ["recover"], ["import", "acled", "FILE"]])
def test_readonly_mode_refuses_in_place_writes_from_the_cli(command, shipped_copy, tmp_path):
    before = store.file_sha256(shipped_copy)
    data = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1)])
    args = [str(data) if a == "FILE" else a for a in command]
    result = CliRunner().invoke(
        cli, [*args, "--db", str(shipped_copy)], env={store.READONLY_ENV: "1"}
    )
    assert result.exit_code == 1
    assert "served as an immutable file" in result.output and "docs/deploy.md" in result.output
    assert store.file_sha256(shipped_copy) == before


def _readonly_fs_runner(folder: Path) -> list[str]:
    """A command prefix under which ``folder`` is a read-only filesystem, or skip."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        for f in folder.iterdir():
            os.chmod(f, 0o444)
        return []
    # root ignores permissions: bind-mount the folder read-only in a private mount namespace
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("SKIPPED LOUDLY: running as root and unshare is not allowed here")
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
            f'mount --bind -o ro "{folder}" "{folder}" && exec "$@"', "sh"]  # fmt: skip


READ_COUNT = (
    "import sys; from dash import store\n"
    "db = store.open_readonly(sys.argv[1])\n"
    "print(db.execute('SELECT count(*) FROM events').fetchone()[0])\n"
)


def _count_on_a_readonly_fs(path: Path, readonly_mode: bool) -> subprocess.CompletedProcess:
    prefix = _readonly_fs_runner(path.parent)
    env = {**os.environ, store.READONLY_ENV: "1" if readonly_mode else ""}
    return subprocess.run(
        [*prefix, sys.executable, "-c", READ_COUNT, str(path)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip


def _folder_with(tmp_path: Path, source: Path) -> Path:
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(source, folder / "events.db")
    return folder / "events.db"


@pytest.mark.parametrize("readonly_mode", [False, True], ids=["mode=ro", "immutable"])
def test_the_shipped_database_opens_from_a_readonly_filesystem(readonly_mode, tmp_path):
    assert SHIPPED_DB.read_bytes()[18:20] == b"\x01\x01"  # rollback-journal file format
    path = _folder_with(tmp_path, SHIPPED_DB)
    result = _count_on_a_readonly_fs(path, readonly_mode)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10
    assert os.listdir(path.parent) == ["events.db"]


@pytest.mark.parametrize("readonly_mode", [False, True], ids=["mode=ro", "immutable"])
def test_after_an_import_the_file_still_opens_from_a_readonly_filesystem(
    readonly_mode, shipped_copy, tmp_path
):
    data = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 51)])
    result = CliRunner().invoke(cli, ["import", "acled", str(data), "--db", str(shipped_copy)])
    assert result.exit_code == 0, result.output
    assert shipped_copy.read_bytes()[18:20] == b"\x01\x01"  # back to rollback-journal mode
    assert side_files(shipped_copy.parent) == set()
    path = _folder_with(tmp_path, shipped_copy)
    result = _count_on_a_readonly_fs(path, readonly_mode)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 60


def test_an_import_while_a_reader_has_the_file_open_leaves_it_readable_when_served_immutable(
    shipped_copy, tmp_path
):
    """The file stays in WAL mode while another connection has it open; it is checkpointed, so
    a copy still opens immutable from a read-only filesystem with every imported row."""
    writer = sqlite3.connect(shipped_copy)
    writer.execute("PRAGMA journal_mode = WAL")  # as an import leaves it with the app reading
    writer.close()
    reader = store.open_readonly(shipped_copy)  # the app's connection, reading in WAL mode
    reader.execute("SELECT count(*) FROM events").fetchone()
    data = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 51)])
    result = CliRunner().invoke(cli, ["import", "acled", str(data), "--db", str(shipped_copy)])
    assert result.exit_code == 0, result.output
    assert "stays in WAL mode" in result.output
    after = reader.execute("SELECT count(*) FROM events").fetchone()[0]
    reader.close()
    wal = shipped_copy.with_name(shipped_copy.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # everything is in the file itself
    path = _folder_with(tmp_path, shipped_copy)
    result = _count_on_a_readonly_fs(path, readonly_mode=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == after


# --- access control --------------------------------------------------------------------------


def _private(at: AppTest, **secrets) -> AppTest:
    for key, value in secrets.items():
        at.secrets[key] = value
    return at


def _shows_no_data(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.sidebar.metric and not at.metric, "figures shown without access"
    assert not at.sidebar.multiselect, "data-derived choices shown without access"
    assert not at.get("download_button"), "a download offered without access"
    assert not at.dataframe and not at.get("vega_lite_chart") and not at.get("deck_gl_json_chart")


def _session_text(at: AppTest) -> str:
    """Everything the session holds, widgets' internal entries included, as text."""
    return repr(at.session_state._state)


def _password_app(monkeypatch, query: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("EVENTS_DB", str(SHIPPED_DB))
    at = _private(AppTest.from_file(APP, default_timeout=60), access={"password": PASSWORD})
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("page_path", PAGES)
def test_with_a_password_set_no_page_shows_data_before_it_is_given(page_path, monkeypatch):
    at = _password_app(monkeypatch)
    if page_path != "pages/overview.py":
        at.switch_page(page_path).run()
    assert at.title[0].value == PAGES[page_path]
    _shows_no_data(at)
    assert at.text_input[0].label == "Password"


def test_a_deep_link_is_gated_and_keeps_its_filters_for_after_the_password(monkeypatch):
    query = {"event": "curated:2024-12-24-barmal-airstrikes", "province": "Paktika"}
    at = _password_app(monkeypatch, query)
    at.switch_page("pages/narratives.py").run()
    _shows_no_data(at)
    assert "Barmal" not in "\n".join(str(e.value) for e in (*at.markdown, *at.header))
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    assert at.title[0].value == "Competing narratives"
    assert at.sidebar.multiselect(key="f_provinces").value == ["Paktika"]
    assert at.selectbox(key="event_picker").value == "curated:2024-12-24-barmal-airstrikes"


def test_a_wrong_password_shows_a_clear_message_and_no_data(monkeypatch):
    at = _password_app(monkeypatch)
    at.text_input[0].input("guess")
    at.button[0].click().run()
    assert any("Wrong password" in e.value for e in at.error)
    _shows_no_data(at)
    assert at.text_input[0].value == ""  # the form clears what was typed
    assert "guess" not in _session_text(at)


def test_the_right_password_opens_every_page_for_the_session(monkeypatch):
    at = _password_app(monkeypatch)
    at.text_input[0].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert matching(at) >= 10 and at.get("download_button")
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.text_input or at.text_input[0].label != "Password", page
        assert matching(at) >= 10, page
    # the password itself is not kept anywhere a page could show it
    assert PASSWORD not in _session_text(at)


OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "SYNTHETIC-not-a-secret",
    "client_id": "SYNTHETIC",
    "client_secret": "SYNTHETIC",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def test_with_oidc_configured_a_logged_out_viewer_sees_only_the_login(monkeypatch):
    monkeypatch.setenv("EVENTS_DB", str(SHIPPED_DB))
    at = _private(AppTest.from_file(APP, default_timeout=60), auth=OIDC)
    at.user = {"is_logged_in": False}
    at.run()
    _shows_no_data(at)
    assert [b.label for b in at.button] == ["Log in"]
    at.user = {"is_logged_in": True, "email": "analyst@example.org"}
    at.run()
    assert not at.exception and matching(at) >= 10
    assert "Log out" in [b.label for b in at.sidebar.button]


# --- deployment: the container starts the app exactly as the README does ---------------------


def _readme_start_command() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1]
    block = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()
    return [shlex.split(part) for part in block.split("&&")]


def test_the_containers_start_command_is_the_readmes():
    steps = _readme_start_command()
    assert steps[-1][-2:] == ["run", "app.py"], steps
    # one instruction a line: continuation lines joined, comments dropped
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [ln.strip() for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    runs = [ln.removeprefix("RUN ") for ln in lines if ln.startswith("RUN ")]
    assert steps[:-1] in [[shlex.split(part) for part in r.split("&&")] for r in runs], (
        f"no RUN installs as the README does: {steps[:-1]}"
    )
    (cmd,) = [ln for ln in lines if ln.startswith("CMD ")]
    assert json.loads(cmd.removeprefix("CMD ")) == steps[-1]
    # hosted defaults: the baked-in database, read-only mode on, a non-root user, a health check
    env = " ".join(ln for ln in lines if ln.startswith("ENV "))
    assert f"{store.READONLY_ENV}=1" in env.split()
    assert "EVENTS_DB=/app/data/events.db" in env.split()
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    (health,) = [ln for ln in lines if ln.startswith("HEALTHCHECK ")]
    assert "http://127.0.0.1:8501/_stcore/health" in health


def test_the_streamlit_config_is_fit_for_hosting():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["browser"]["serverAddress"] == "localhost"  # no public-IP lookup at start
    server = config["server"]
    assert server["enableStaticServing"] is True
    assert server["headless"] is True and server["runOnSave"] is False
    assert server["fileWatcherType"] == "none"
    assert server["enableXsrfProtection"] is True
    assert server["maxUploadSize"] == 1
    assert config["client"]["showErrorDetails"] == "none"


def test_secrets_never_go_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".streamlit/secrets.toml" in ignored
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


# --- serving while the data changes ---------------------------------------------------------


def test_an_import_while_the_app_serves_shows_before_or_after_never_an_error_or_half(
    monkeypatch, shipped_copy, tmp_path
):
    n_rows = 4000
    data = write(tmp_path / "big.csv", ACLED_HEADER, [acled_row(i) for i in range(1, n_rows + 1)])
    at = open_page("pages/overview.py", shipped_copy, monkeypatch)
    before = matching(at)
    after = before + n_rows
    viewer = store.open_readonly(shipped_copy)  # a second viewer's connection, read in a loop
    wal = shipped_copy.with_name(shipped_copy.name + "-wal")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dash.cli", "import", "acled", str(data), "--db", str(shipped_copy)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    app_counts, viewer_counts, toasts = [], [], []
    reads_mid_transaction = 0
    while proc.poll() is None:
        for _ in range(50):
            # The import switched the file to WAL (its -wal exists) and has not committed: its
            # pages sit in its large page cache, so the -wal may stay empty until the commit.
            mid = wal.exists()
            viewer_counts.append(viewer.execute("SELECT count(*) FROM events").fetchone()[0])
            reads_mid_transaction += mid and viewer_counts[-1] == before
        at.run()
        assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
        app_counts.append(matching(at))
        toasts += [t.value for t in at.toast]
    assert proc.returncode == 0, proc.stdout.read()
    at.run()  # the same server process, no restart
    assert not at.exception and not at.error
    assert matching(at) == after
    toasts += [t.value for t in at.toast]
    assert set(app_counts) <= {before, after}, sorted(set(app_counts))
    assert set(viewer_counts) <= {before, after}, sorted(set(viewer_counts))
    assert reads_mid_transaction > 0, "no read happened while the import was writing"
    assert any("Data updated" in t for t in toasts)
    viewer.close()


def test_a_commit_still_in_the_wal_is_picked_up_though_the_file_is_unchanged(
    monkeypatch, shipped_copy, tmp_path
):
    """The database file's mtime and size change only at a checkpoint; the cache must not wait
    for one (PRAGMA data_version)."""
    writer = store.open_writable(shipped_copy)
    store.begin_concurrent_write(writer)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    at = open_page("pages/overview.py", shipped_copy, monkeypatch)
    before = matching(at)
    stat = shipped_copy.stat()
    from dash.imports.importer import import_file

    data = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 6)])
    import_file(writer, data, "acled")
    now = shipped_copy.stat()
    assert (now.st_mtime_ns, now.st_size) == (stat.st_mtime_ns, stat.st_size)
    at.run()
    assert matching(at) == before + 5
    assert any("Data updated" in t.value for t in at.toast)
    writer.close()


@pytest.mark.parametrize("readonly_mode", [False, True], ids=["mode=ro", "immutable"])
def test_a_replaced_file_is_picked_up_without_a_restart(readonly_mode, monkeypatch, tmp_path):
    if readonly_mode:
        monkeypatch.setenv(store.READONLY_ENV, "1")
    served = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, served)
    at = open_page("pages/overview.py", served, monkeypatch)
    before = matching(at)
    # The replacement differs only in its inode: same size, same mtime, one event fewer.
    # Whether a delete grows the file depends on how full the search index's pages happen to be,
    # so take the last event (by id) whose removal keeps the size.
    new = tmp_path / "events.db.new"
    shipped = sqlite3.connect(f"file:{SHIPPED_DB}?mode=ro", uri=True)
    ids = [r[0] for r in shipped.execute("SELECT id FROM events ORDER BY id DESC LIMIT 20")]
    shipped.close()
    for event_id in ids:
        shutil.copy(SHIPPED_DB, new)
        conn = sqlite3.connect(new)
        conn.execute("DELETE FROM events WHERE id = ?", [event_id])
        conn.commit()
        conn.close()
        if new.stat().st_size == served.stat().st_size:
            break
    old = served.stat()
    os.utime(new, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert new.stat().st_size == old.st_size
    os.replace(new, served)  # what `conflict-events build` does
    at.run()
    assert not at.exception and not at.error
    assert matching(at) == before - 1


@pytest.mark.parametrize("readonly_mode", [False, True])
def test_the_sources_page_says_how_this_instance_serves_its_data(readonly_mode, monkeypatch):
    monkeypatch.setenv(store.READONLY_ENV, "1" if readonly_mode else "")
    at = open_page("pages/sources.py", SHIPPED_DB, monkeypatch)
    note = next(m.value for m in at.markdown if "This instance" in m.value)
    assert ("immutable file" in note) is readonly_mode
    assert "open to anyone" in note and "No page writes to the data" in note


def test_a_failing_start_up_warm_up_never_stops_the_server(monkeypatch):
    # The warm-up leans on Streamlit's and Altair's insides; when they move, the server must
    # still start (slower on its first visit) and still warm the store.
    import asyncio
    import threading

    from streamlit.runtime.pages_manager import PagesManager

    from dash.web import data, server

    def moved() -> None:
        raise ImportError("No module named 'streamlit.emojis'")

    warmed, failed = [], []
    monkeypatch.setattr(server, "_first_use_costs", moved)
    monkeypatch.setattr(server.media, "install", lambda: None)
    monkeypatch.setattr(data, "warm", lambda: warmed.append(True))
    # the start-up sets this class-wide; give it back to the other tests afterwards
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)

    async def start() -> None:
        async with server.lifespan(None):
            pass

    def serve() -> None:  # its own thread: the suite's browser tests keep a loop in this one
        try:
            asyncio.run(start())
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join(60)
    assert failed == [] and warmed == [True]
