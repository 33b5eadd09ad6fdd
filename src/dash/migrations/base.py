"""What the numbered migrations share: the registry they are applied from, in the order their
modules are imported (``dash.migrations``), and the small SQL helpers their scripts use."""

from __future__ import annotations

import re

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("dash")


def sql_list(values: object) -> str:
    """SQL list literal for a CHECK ... IN (...) over a fixed vocabulary (no user input)."""
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


def non_negative(*columns: str) -> str:
    return " AND ".join(f"({c} IS NULL OR {c} >= 0)" for c in columns)


def execute_each(db: Database, script: str) -> None:
    # executescript() would COMMIT first and break the migration's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


ISO_DATE = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"


def rewrite_check(db: Database, table: str, constraint: str, check: str | None) -> None:
    """Replace one named CHECK constraint of a table with ``check`` (None: remove it), in place.

    SQLite's documented procedure for changes that leave the stored rows valid (removing or
    widening a CHECK): rewrite the CREATE statement in the schema table and bump the schema
    version. No table is rebuilt, so no foreign-key action fires and no index or trigger is lost.
    """
    sql = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": table}
    ).fetchone()[0]
    pattern = re.compile(rf"\s*CONSTRAINT {constraint} CHECK \((?:[^()]|\([^()]*\))*\)")
    replacement = "" if check is None else f" CONSTRAINT {constraint} CHECK ({check})"
    new_sql, n = pattern.subn(lambda _: replacement, sql)
    if n != 1:
        raise RuntimeError(f"constraint {constraint} not found once in {table}")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name",
        {"sql": new_sql, "name": table},
    )
    db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    db.execute("PRAGMA writable_schema = OFF")
