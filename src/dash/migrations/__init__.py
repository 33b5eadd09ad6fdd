"""Numbered schema migrations.

Every schema change is a new numbered module here (``m0007_….py``, one function, added to the
imports below), never an edit to an applied one: databases in the wild have already run the old
ones. CHECK constraints are named so that a rejected row's
error message says which rule it broke (``CHECK constraint failed: latitude_range``).
"""

from __future__ import annotations

from sqlite_utils import Database

# Imported in their order: importing a step registers it, and they are applied in that order.
from . import (  # noqa: F401 - imported to register
    m0001_initial_schema,
    m0002_full_text_search,
    m0003_origins_places_quality,
    m0004_content_digest,
    m0005_search_types_and_places,
    m0006_revisions_of_documents,
)
from .base import migrations


def latest_version() -> str:
    return migrations._migrations[-1].name


def known_versions() -> tuple[str, ...]:
    return tuple(m.name for m in migrations._migrations)


def apply(db: Database) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
    return pending
