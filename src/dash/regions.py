"""The store's region: the countries an import keeps (the rest are counted and left out).

Kept in ``dataset_meta`` under ``region`` as country names separated by commas; a store without
one covers Pakistan and Afghanistan, the region this dashboard exists for.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from . import integrity
from .gazetteer import gazetteer

DEFAULT_REGION = ("Pakistan", "Afghanistan")
META_KEY = "region"


def region(db: Database) -> tuple[str, ...]:
    row = db.execute(
        "SELECT value FROM dataset_meta WHERE key = :key", {"key": META_KEY}
    ).fetchone()
    if not row or not row[0].strip():
        return DEFAULT_REGION
    return tuple(c.strip() for c in row[0].split(",") if c.strip())


def canonical(countries: Iterable[str]) -> tuple[str, ...]:
    """Country names as the store writes them ('PAK' → 'Pakistan'); unknown names as given."""
    names = (gazetteer().country(c) or c.strip() for c in countries if c.strip())
    return tuple(dict.fromkeys(names))


def set_region(db: Database, countries: Iterable[str]) -> tuple[str, ...]:
    chosen = canonical(countries)
    if not chosen:
        raise ValueError("a region needs at least one country")
    with db.atomic():
        db.execute(
            "INSERT INTO dataset_meta (key, value) VALUES (:key, :value)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {"key": META_KEY, "value": ", ".join(chosen)},
        )
        integrity.record(db, "region")
    return chosen
