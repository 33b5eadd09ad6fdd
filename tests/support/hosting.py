"""Damaged databases and hosting details shared by the hosting tests (headless and browser)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

PASSWORD = "correct horse battery staple"


def _missing(path: Path) -> None:
    path.unlink()


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _no_tables(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")  # writes a valid SQLite header, creates no table
    conn.close()


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    # Wreck the events table's pages (10-12) and leave the schema readable: the file opens, then
    # the first read of an event fails.
    data[page * 9 : page * 12] = b"\xde\xad\xbe\xef" * (page * 3 // 4)
    path.write_bytes(bytes(data))


# name -> (damage, words the message shows, the fix shown)
FAULTS = {
    "missing": (_missing, "missing: No database file", "conflict-events build"),
    "empty": (_empty, "The file is empty (0 bytes)", "conflict-events build"),
    "no tables": (_no_tables, "SQLite database with no tables", "conflict-events build"),
    "corrupt": (_corrupt, "damaged or not a database", "conflict-events recover"),
}


def side_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if re.search(r"-(wal|shm|journal)$", p.name)}
