"""Query results read by SQLite straight into Arrow columns (ADBC's SQLite driver): no Python
object per cell. The export of 100,000 events as CSV takes about 0.85 s this way, against 1.7 s
through Python's ``sqlite3`` and ``csv`` (``bench``, a million events)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import store
from ..filters import Filters
from . import event_cells_statement

# Quoted text, then a named parameter: what SQLite numbers in order of first appearance.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|:(\w+)")


def positional(sql: str, params: dict[str, Any]) -> list[Any]:
    """``params`` in the order SQLite numbers the named parameters of ``sql`` (ADBC binds by
    position)."""
    names = dict.fromkeys(m.group(1) for m in _TOKENS.finditer(sql) if m.group(1))
    return [params[name] for name in names]


def _database_file(db: Database) -> str | None:
    rows = db.execute("PRAGMA database_list").fetchall()
    return next((row[2] for row in rows if row[1] == "main" and row[2]), None)


def event_cells_table(db: Database, filters: Filters) -> Any | None:
    """The rows ``iter_event_cells`` streams, as one ``pyarrow.Table``; None when this reader
    cannot give them (no ADBC driver, an in-memory store, a read that fails): stream them
    instead."""
    path = _database_file(db)
    if path is None:
        return None
    try:
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:
        return None
    sql, params = event_cells_statement(filters)
    where, where_params = filters.where()
    n = db.execute(f"SELECT count(*) FROM events e WHERE {where}", where_params).fetchone()[0]  # noqa: S608
    # One batch holding every row: the driver types each column from the first batch it reads,
    # so a column empty in the first rows and text further down would stop the read. (It
    # reserves the batch's size for every column: the rows, not a round large number.)
    one_batch = {"adbc.sqlite.query.batch_rows": str(max(n, 1))}
    try:
        with adbc.connect(store.readonly_uri(Path(path))) as conn, conn.cursor() as cursor:
            cursor.adbc_statement.set_options(**one_batch)
            cursor.execute(sql, positional(sql, params))
            return cursor.fetch_arrow_table()
    except Exception:  # noqa: BLE001 - a faster path only: the rows still stream
        logging.getLogger(__name__).warning("export read row by row", exc_info=True)
        return None
