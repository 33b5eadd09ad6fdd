"""Origins as a registry, further places, data-quality notes, possible duplicates, credibility."""

from __future__ import annotations

from sqlite_utils import Database

from .. import vocab
from .base import execute_each, migrations, rewrite_check, sql_list


@migrations(name="0003_origins_places_quality_duplicates_credibility")
def m0003_origins_places_quality(db: Database) -> None:
    # Any dataset may come in (a mapped spreadsheet names its own origin): origins are rows of a
    # registry with their licence, not a fixed list in a CHECK.
    rewrite_check(db, "events", "event_origin", None)
    rewrite_check(db, "imports", "import_origin", None)
    execute_each(
        db,
        f"""
        CREATE TABLE origins (
            id TEXT PRIMARY KEY CONSTRAINT origin_id_slug CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9_-]*'),
            name TEXT NOT NULL,
            licence TEXT NOT NULL,
            terms TEXT NOT NULL DEFAULT '',
            url TEXT
        );

        ALTER TABLE events ADD COLUMN admin1_as_published TEXT;
        ALTER TABLE events ADD COLUMN admin2_as_published TEXT;

        CREATE TABLE event_places (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            country TEXT,
            admin1 TEXT NOT NULL,
            admin2 TEXT,
            as_published TEXT
        );
        CREATE UNIQUE INDEX event_places_unique
            ON event_places (event_id, coalesce(country, ''), admin1, coalesce(admin2, ''));
        CREATE INDEX event_places_admin1 ON event_places (admin1);

        CREATE TABLE quality_notes (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CONSTRAINT quality_kind_known CHECK (kind IN {
            sql_list(vocab.QUALITY_NOTE_KINDS)
        }),
            detail TEXT NOT NULL,
            PRIMARY KEY (event_id, kind)
        );
        CREATE INDEX quality_notes_kind ON quality_notes (kind);

        CREATE TABLE possible_duplicates (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            other_event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            km REAL NOT NULL,
            days_apart INTEGER NOT NULL,
            PRIMARY KEY (event_id, other_event_id),
            CONSTRAINT duplicate_pair_ordered CHECK (event_id < other_event_id)
        );
        CREATE INDEX possible_duplicates_other ON possible_duplicates (other_event_id);
        CREATE INDEX events_origin_type_date ON events (origin, event_type, date_start);

        ALTER TABLE claims ADD COLUMN credibility INTEGER
            CONSTRAINT credibility_scale CHECK (credibility IS NULL OR credibility BETWEEN 1 AND 6);
        ALTER TABLE claims ADD COLUMN credibility_basis TEXT
        """,
    )
    db["origins"].insert_all(
        {"id": oid, "name": name, "licence": licence, "terms": terms, "url": url}
        for oid, (name, licence, terms, url) in vocab.KNOWN_ORIGINS.items()
    )
