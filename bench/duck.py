"""DuckDB as a measured anchor: the statistics page's aggregates answered by DuckDB.

A bench-only extra (``pip install -e '.[bench]'``). The SQLite extension cannot be downloaded
here, so it comes from the ``duckdb-extension-sqlite`` wheel, installed from its file into a
temporary extension directory (DuckDB stores it there as ``sqlite_scanner``). The store's tables
are materialised into a DuckDB file once (timed), the file is reopened (timed), and the same
reference SQL the plain-SQL baseline replays (``tests/support/oracle.py``) runs in DuckDB with
three mechanical changes of dialect. The full-text filter has no DuckDB counterpart here (the
store's index is SQLite FTS5), so it is reported as not measured.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TABLES = ("events", "claims", "parties", "event_places")


def available() -> str | None:
    """None when DuckDB and its SQLite extension are installed, else what is missing."""
    try:
        import duckdb
        import duckdb_extension_sqlite
    except ImportError as err:
        return f"{err.name} not installed: pip install -e '.[bench]'"
    if _extension_file(duckdb_extension_sqlite, duckdb.__version__) is None:
        return f"duckdb-extension-sqlite has no build for DuckDB {duckdb.__version__}"
    return None


def _extension_file(package: Any, version: str) -> Path | None:
    found = Path(package.__file__).parent / "extensions" / f"v{version}" / "sqlite.duckdb_extension"
    return found if found.exists() else None


def dialect(sql: str) -> str:
    """SQLite's reference SQL in DuckDB's dialect: ``$name`` parameters, ``greatest`` for the
    two-argument ``max``, ``count_if`` for a sum over a condition."""
    sql = re.sub(r"(?<![:\w]):(\w+)", r"$\1", sql)
    sql = sql.replace("sum(max(", "sum(greatest(")
    return re.sub(r"sum\(([^()]*\bIS\b[^()]*)\)", r"count_if(\1)", sql)


def full_text(statements: list[tuple[str, dict[str, Any]]]) -> bool:
    return any("events_fts" in sql for sql, _ in statements)


@contextmanager
def materialised(sqlite_path: Path) -> Iterator[tuple[Path, float, Any]]:
    """A DuckDB copy of the store's tables: (its file, seconds to build it, a connect function)."""
    import duckdb
    import duckdb_extension_sqlite

    with tempfile.TemporaryDirectory(prefix="bench-duckdb-") as tmp:
        folder = Path(tmp)
        config = {
            "extension_directory": str(folder / "extensions"),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
        target = folder / "events.duckdb"
        extension = _extension_file(duckdb_extension_sqlite, duckdb.__version__)
        start = time.perf_counter()
        with duckdb.connect(str(target), config=config) as con:
            con.execute(f"INSTALL '{extension}'")
            con.execute("LOAD sqlite")
            con.execute(f"ATTACH '{sqlite_path}' AS store (TYPE sqlite, READ_ONLY)")
            for table in TABLES:
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM store.{table}")  # noqa: S608
        seconds = time.perf_counter() - start

        def connect() -> Any:
            return duckdb.connect(str(target), read_only=True, config=config)

        yield target, seconds, connect


def run(con: Any, statements: list[tuple[str, dict[str, Any]]]) -> list[list[tuple]]:
    return [con.execute(dialect(sql), params).fetchall() for sql, params in statements]
