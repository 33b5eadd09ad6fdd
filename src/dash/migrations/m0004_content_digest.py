"""The recorded content digest `check` compares against."""

from __future__ import annotations

from sqlite_utils import Database

from .base import execute_each, migrations


@migrations(name="0004_content_digest")
def m0004_content_digest(db: Database) -> None:
    # The digest of the content as conflict-events last wrote it, so `check` can tell a change
    # made outside the tool (a hand edit, a byte flipped on disk). One row, outside the content.
    execute_each(
        db,
        """
        CREATE TABLE store_digest (
            id INTEGER PRIMARY KEY CONSTRAINT one_row CHECK (id = 1),
            digest TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL
        )
        """,
    )
