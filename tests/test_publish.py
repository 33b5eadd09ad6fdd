"""Publishing for a read-only instance, the content digest, and messages that never advise
losing data: what an operator relies on when a write is killed or a file is touched by hand."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from dash import integrity, store
from dash.cli import cli
from dash.imports.writer import BuildRefused, build_database

from .conftest import ROOT
from .support.files import ACLED_HEADER, acled_row, write

CURATED = ROOT / "data" / "curated"

# The CLI's import, killed right after its commit, before the checkpoint folds the -wal in.
KILLED_AFTER_COMMIT = """
import os, sys
from dash import store
store.end_concurrent_write = lambda db: os._exit(0)
from dash.cli import cli
cli(["import", "acled", sys.argv[1], "--db", sys.argv[2]])
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def count(path, sql: str) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def acled_file(tmp_path, n: int = 5):
    return write(tmp_path / "acled.csv", ACLED_HEADER, [acled_row(i) for i in range(1, n + 1)])


@pytest.fixture
def killed_after_commit(shipped_copy, tmp_path):
    """A store whose last import committed into its -wal and was killed before the checkpoint."""
    before = count(shipped_copy, "SELECT count(*) FROM events")
    source = acled_file(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, str(source), str(shipped_copy)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    wal = shipped_copy.with_name(shipped_copy.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    return shipped_copy, before


def test_a_killed_imports_commit_is_in_the_wal_and_check_says_what_that_means(
    killed_after_commit,
):
    path, before = killed_after_commit
    result = run("check", "--db", str(path))
    assert result.exit_code == 1
    assert "events.db-wal holds writes not yet folded into events.db" in result.output
    assert "conflict-events recover" in result.output
    assert "conflict-events publish" in result.output
    # the .db file alone, as cp or an immutable reader sees it, is stale: the import is missing
    alone = path.parent / "alone.db"
    alone.write_bytes(path.read_bytes())
    assert count(alone, "SELECT count(*) FROM events") == before


def test_a_readonly_instance_refuses_a_file_with_writes_beside_it(killed_after_commit, monkeypatch):
    path, _ = killed_after_commit
    monkeypatch.setenv(store.READONLY_ENV, "1")
    with pytest.raises(store.DatabaseInterrupted) as refused:
        store.open_readonly(path)
    message = str(refused.value)
    assert "stale" in message and "recover" in message and "publish" in message


def test_publish_makes_a_complete_checked_copy_with_columns_and_manifest(
    killed_after_commit, tmp_path, monkeypatch
):
    path, before = killed_after_commit
    out = tmp_path / "serve" / "events.db"
    result = run("publish", "--db", str(path), str(out))
    assert result.exit_code == 0, result.output
    # the committed import is in the published file, which stands alone
    assert count(out, "SELECT count(*) FROM events") == before + 5
    assert out.read_bytes()[18:20] == b"\x01\x01"  # rollback-journal format: one file
    assert not out.with_name("events.db-wal").exists()
    manifest = json.loads(out.with_name("events.db.manifest.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == store.file_sha256(out)
    assert manifest["counts"]["events"] == before + 5
    assert manifest["data_as_of"].startswith("events to ")
    assert out.with_name("events.db.columns").is_dir()
    # the source's content and the copy's are the same dataset
    source = store.open_writable(path)
    assert manifest["content_digest"] == integrity.content_digest(source)
    source.close()
    # served read-only, it opens and checks clean
    monkeypatch.setenv(store.READONLY_ENV, "1")
    assert store.check(out).ok
    served = store.open_readonly(out)
    assert served.execute("SELECT count(*) FROM events").fetchone()[0] == before + 5
    served.close()
    # no temporary file is left beside it
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "events.db",
        "events.db.columns",
        "events.db.manifest.json",
    ]


def test_publish_refuses_itself_a_hot_journal_and_a_hand_edited_store(shipped_copy, tmp_path):
    result = run("publish", "--db", str(shipped_copy), str(shipped_copy))
    assert result.exit_code == 1 and "is the store itself" in result.output
    conn = sqlite3.connect(shipped_copy)
    conn.execute("UPDATE events SET title = title || ' (edited)' WHERE rowid = 1")
    conn.commit()
    conn.close()
    out = tmp_path / "out.db"
    result = run("publish", "--db", str(shipped_copy), str(out))
    assert result.exit_code == 1
    assert "a change was made outside the tool" in result.output
    assert not out.exists()


def test_check_names_a_hand_edit_and_accept_records_it(shipped_copy):
    assert run("check", "--db", str(shipped_copy)).exit_code == 0
    conn = sqlite3.connect(shipped_copy)
    conn.execute("UPDATE claims SET killed = killed + 1 WHERE killed IS NOT NULL AND rowid = ("
                 "SELECT min(rowid) FROM claims WHERE killed IS NOT NULL)")  # fmt: skip
    conn.commit()
    conn.close()
    result = run("check", "--db", str(shipped_copy))
    assert result.exit_code == 1
    assert "differs from what conflict-events last wrote (build" in result.output
    assert run("check", "--db", str(shipped_copy), "--accept").exit_code == 0
    assert run("check", "--db", str(shipped_copy)).exit_code == 0


def test_check_catches_a_byte_changed_inside_a_data_cell(shipped_copy):
    title = count(shipped_copy, "SELECT title FROM events ORDER BY rowid LIMIT 1")
    raw = shipped_copy.read_bytes()
    at = raw.index(title.encode("utf-8"))
    flipped = bytes([raw[at] ^ 0x20])  # the case of the title's first letter
    shipped_copy.write_bytes(raw[:at] + flipped + raw[at + 1 :])
    report = store.check(shipped_copy)
    assert not report.ok
    assert any("outside the tool" in p for p in report.problems), report.problems


def test_build_refuses_to_discard_imported_events_unless_told(shipped_copy, tmp_path):
    assert (
        run("import", "acled", str(acled_file(tmp_path, 3)), "--db", str(shipped_copy)).exit_code
        == 0
    )
    before = shipped_copy.read_bytes()
    result = run("build", "--db", str(shipped_copy))
    assert result.exit_code == 1
    assert "holds 3 imported events (acled 3) that build would discard" in result.output
    assert "--discard-imports" in result.output
    assert shipped_copy.read_bytes() == before  # nothing changed
    result = run("build", "--db", str(shipped_copy), "--discard-imports")
    assert result.exit_code == 0, result.output
    assert count(shipped_copy, "SELECT count(*) FROM events WHERE origin = 'acled'") == 0


def test_build_never_overwrites_a_file_that_is_not_a_store(tmp_path):
    table = tmp_path / "my-notes.csv"
    table.write_text("id,title\n1,keep me\n", encoding="utf-8")
    with pytest.raises(BuildRefused) as refused:
        build_database(CURATED, table)
    assert "cannot be read" in str(refused.value) and "--discard-imports" in str(refused.value)
    assert table.read_text(encoding="utf-8") == "id,title\n1,keep me\n"


def test_build_refuses_while_writes_sit_beside_the_file(killed_after_commit):
    path, _ = killed_after_commit
    with pytest.raises(BuildRefused) as refused:
        build_database(CURATED, path, discard_imports=True)
    assert "conflict-events recover" in str(refused.value)


def test_a_damaged_store_is_sent_to_recover_and_never_first_to_build(shipped_copy):
    # A file in WAL mode whose -wal is gone or unreadable from here: recover, not build.
    conn = sqlite3.connect(shipped_copy)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    hint = store.repair_hint(shipped_copy)
    assert hint.startswith("conflict-events recover")
    # A damaged file without anything beside it: recover, then a published copy; build last,
    # with what it loses.
    plain = shipped_copy.parent / "plain.db"
    plain.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    hint = store.repair_hint(plain)
    assert hint.startswith("conflict-events recover")
    assert "publish" in hint and "imported events would be lost" in hint


def test_a_folder_given_as_the_database_gets_a_message_with_the_fix(tmp_path):
    result = run("check", "--db", str(tmp_path))
    assert result.exit_code == 1
    assert "is a folder, not a file" in result.output
    assert f"--db {tmp_path / 'events.db'}" in result.output
