"""Query results read by SQLite straight into Arrow columns (ADBC's SQLite driver): no Python
object per cell. The export of 100,000 events as CSV takes about 0.9 s this way, against 2 s
through Python's ``sqlite3`` and ``csv`` (``bench``, a million events)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..filters import Filters
from . import event_cells_statement

# Quoted text, then a named parameter: what SQLite numbers in order of first appearance.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|:(\w+)")
# One batch for the whole result: the driver types each column from the first batch it reads,
# so a column empty in the first rows and text further down would stop the read.
_ONE_BATCH = {"adbc.sqlite.query.batch_rows": str(2**30)}


def positional(sql: str, params: dict[str, Any]) -> list[Any]:
    """``params`` in the order SQLite numbers the named parameters of ``sql`` (ADBC binds by
    position)."""
    names = dict.fromkeys(m.group(1) for m in _TOKENS.finditer(sql) if m.group(1))
    return [params[name] for name in names]


def _database_file(db: Database) -> str | None:
    rows = db.execute("PRAGMA database_list").fetchall()
    return next((row[2] for row in rows if row[1] == "main" and row[2]), None)


def event_cells_table(db: Database, filters: Filters) -> Any | None:
    """The rows ``iter_event_cells`` streams, as one ``pyarrow.Table`` (column names from
    ``csvout.EVENT_COLUMNS``); None when this reader cannot give them (no ADBC driver, an
    in-memory store, or a column holding two kinds of value): stream them instead."""
    path = _database_file(db)
    if path is None:
        return None
    try:
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:
        return None
    sql, params = event_cells_statement(filters)
    try:
        uri = f"{Path(path).as_uri()}?mode=ro"
        with adbc.connect(uri) as conn, conn.cursor() as cursor:
            cursor.adbc_statement.set_options(**_ONE_BATCH)
            cursor.execute(sql, positional(sql, params))
            return cursor.fetch_arrow_table()
    except (OSError, adbc.Error):
        return None
