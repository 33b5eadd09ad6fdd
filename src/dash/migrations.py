"""Numbered schema migrations.

Every schema change is a new numbered function here, never an edit to an applied one: databases
in the wild have already run the old ones. CHECK constraints are named so that a rejected row's
error message says which rule it broke (``CHECK constraint failed: latitude_range``).
"""

from __future__ import annotations

import re

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from . import vocab

migrations = Migrations("dash")


def _in(values: object) -> str:
    """SQL list literal for a CHECK ... IN (...) over a fixed vocabulary (no user input)."""
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


def _non_negative(*columns: str) -> str:
    return " AND ".join(f"({c} IS NULL OR {c} >= 0)" for c in columns)


def _execute_each(db: Database, script: str) -> None:
    # executescript() would COMMIT first and break the migration's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


_ISO_DATE = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"


@migrations(name="0001_initial_schema")
def m0001_initial_schema(db: Database) -> None:
    _execute_each(
        db,
        f"""
        CREATE TABLE parties (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL,
            sort_order INTEGER NOT NULL UNIQUE
        );

        CREATE TABLE event_types (
            event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL,
            PRIMARY KEY (event_type, sub_event_type)
        );

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            publisher TEXT NOT NULL,
            title TEXT,
            url TEXT,
            published TEXT,
            kind TEXT NOT NULL CONSTRAINT document_kind CHECK (kind IN {_in(vocab.DOCUMENT_KINDS)}),
            language TEXT NOT NULL DEFAULT 'en',
            original_agency TEXT,
            citation TEXT,
            note TEXT,
            CONSTRAINT document_url_or_citation CHECK (url IS NOT NULL OR citation IS NOT NULL),
            CONSTRAINT document_url_scheme
                CHECK (url IS NULL OR url LIKE 'https://%' OR url LIKE 'http://%'),
            CONSTRAINT document_published_iso CHECK (published IS NULL OR published GLOB {
            _ISO_DATE
        })
        );

        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL CONSTRAINT event_origin CHECK (origin IN {_in(vocab.ORIGINS)}),
            origin_id TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT,
            date_start TEXT NOT NULL,
            date_end TEXT NOT NULL,
            date_precision TEXT NOT NULL
                CONSTRAINT date_precision_known CHECK (date_precision IN {
            _in(vocab.DATE_PRECISIONS)
        }),
            country TEXT,
            admin1 TEXT,
            admin2 TEXT,
            admin3 TEXT,
            location TEXT,
            latitude REAL CONSTRAINT latitude_range CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
            longitude REAL
                CONSTRAINT longitude_range CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
            geo_precision TEXT
                CONSTRAINT geo_precision_known
                CHECK (geo_precision IS NULL OR geo_precision IN {_in(vocab.GEO_PRECISIONS)}),
            place_source_id TEXT REFERENCES documents(id),
            event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL,
            actor1 TEXT,
            assoc_actor1 TEXT,
            actor2 TEXT,
            assoc_actor2 TEXT,
            cross_border INTEGER NOT NULL DEFAULT 0
                CONSTRAINT cross_border_flag CHECK (cross_border IN (0, 1)),
            fatalities_low INTEGER,
            fatalities_best INTEGER,
            fatalities_high INTEGER,
            fatalities_basis TEXT,
            injured INTEGER,
            deaths_civilians INTEGER,
            deaths_security_forces INTEGER,
            deaths_militants INTEGER,
            deaths_unknown INTEGER,
            grading TEXT CONSTRAINT grading_known CHECK (grading IS NULL OR grading IN {
            _in(vocab.GRADINGS)
        }),
            grading_basis TEXT,
            extra TEXT CONSTRAINT extra_is_json CHECK (extra IS NULL OR json_valid(extra)),
            UNIQUE (origin, origin_id),
            FOREIGN KEY (event_type, sub_event_type) REFERENCES event_types (event_type, sub_event_type),
            CONSTRAINT event_dates_iso CHECK (date_start GLOB {_ISO_DATE} AND date_end GLOB {
            _ISO_DATE
        }),
            CONSTRAINT date_window_ordered CHECK (date_start <= date_end),
            CONSTRAINT coordinates_paired CHECK ((latitude IS NULL) = (longitude IS NULL)),
            CONSTRAINT coordinates_have_precision CHECK (latitude IS NULL OR geo_precision IS NOT NULL),
            CONSTRAINT event_counts_non_negative CHECK ({
            _non_negative(
                "fatalities_low",
                "fatalities_best",
                "fatalities_high",
                "injured",
                "deaths_civilians",
                "deaths_security_forces",
                "deaths_militants",
                "deaths_unknown",
            )
        }),
            CONSTRAINT fatalities_low_le_best
                CHECK (fatalities_low IS NULL OR fatalities_best IS NULL OR fatalities_low <= fatalities_best),
            CONSTRAINT fatalities_best_le_high
                CHECK (fatalities_best IS NULL OR fatalities_high IS NULL OR fatalities_best <= fatalities_high),
            CONSTRAINT fatalities_low_le_high
                CHECK (fatalities_low IS NULL OR fatalities_high IS NULL OR fatalities_low <= fatalities_high)
        );

        CREATE TABLE event_sources (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            document_id TEXT NOT NULL REFERENCES documents(id),
            PRIMARY KEY (event_id, document_id)
        );

        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            party_id TEXT NOT NULL REFERENCES parties(id),
            claimant TEXT NOT NULL,
            via TEXT,
            document_id TEXT NOT NULL REFERENCES documents(id),
            claimed_start TEXT,
            claimed_end TEXT,
            account TEXT NOT NULL,
            target TEXT,
            victims TEXT NOT NULL DEFAULT 'unspecified'
                CONSTRAINT victims_known CHECK (victims IN {_in(vocab.VICTIM_FRAMINGS)}),
            responsibility TEXT NOT NULL DEFAULT 'not_addressed'
                CONSTRAINT responsibility_known CHECK (responsibility IN {
            _in(vocab.RESPONSIBILITY)
        }),
            killed INTEGER,
            killed_high INTEGER,
            killed_qualifier TEXT
                CONSTRAINT killed_qualifier_known
                CHECK (killed_qualifier IS NULL OR killed_qualifier IN {_in(vocab.QUALIFIERS)}),
            injured INTEGER,
            civilians_killed INTEGER,
            women_children_killed INTEGER,
            militants_killed INTEGER,
            security_forces_killed INTEGER,
            figures_text TEXT,
            quote TEXT,
            CONSTRAINT claim_dates_iso CHECK (
                (claimed_start IS NULL OR claimed_start GLOB {_ISO_DATE})
                AND (claimed_end IS NULL OR claimed_end GLOB {_ISO_DATE})),
            CONSTRAINT claim_window_ordered
                CHECK (claimed_start IS NULL OR claimed_end IS NULL OR claimed_start <= claimed_end),
            CONSTRAINT claim_counts_non_negative CHECK ({
            _non_negative(
                "killed",
                "killed_high",
                "injured",
                "civilians_killed",
                "women_children_killed",
                "militants_killed",
                "security_forces_killed",
            )
        }),
            CONSTRAINT claim_killed_range
                CHECK (killed_high IS NULL OR (killed IS NOT NULL AND killed <= killed_high))
        );

        CREATE TABLE statistics (
            id TEXT PRIMARY KEY,
            tracker TEXT NOT NULL,
            document_id TEXT NOT NULL REFERENCES documents(id),
            report TEXT,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            period_note TEXT,
            region TEXT NOT NULL,
            metric TEXT NOT NULL CONSTRAINT metric_known CHECK (metric IN {
            _in(vocab.STATISTIC_METRICS)
        }),
            value INTEGER NOT NULL CONSTRAINT statistic_value_non_negative CHECK (value >= 0),
            qualifier TEXT NOT NULL DEFAULT 'exact'
                CONSTRAINT statistic_qualifier_known CHECK (qualifier IN {_in(vocab.QUALIFIERS)}),
            definition TEXT NOT NULL,
            note TEXT,
            CONSTRAINT statistic_period_iso
                CHECK (period_start GLOB {_ISO_DATE} AND period_end GLOB {_ISO_DATE}),
            CONSTRAINT statistic_period_ordered CHECK (period_start <= period_end)
        );

        CREATE TABLE event_links (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            other_event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CONSTRAINT link_kind_known CHECK (kind IN {_in(vocab.LINK_KINDS)}),
            basis TEXT NOT NULL,
            document_id TEXT REFERENCES documents(id),
            PRIMARY KEY (event_id, other_event_id, kind),
            CONSTRAINT link_not_to_self CHECK (event_id <> other_event_id)
        );

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            origin TEXT NOT NULL CONSTRAINT import_origin CHECK (origin IN {_in(vocab.ORIGINS)}),
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            rows_read INTEGER NOT NULL DEFAULT 0,
            rows_stored INTEGER NOT NULL DEFAULT 0,
            rows_rejected INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL CONSTRAINT import_status CHECK (status IN ('ok', 'rejected', 'failed')),
            message TEXT,
            CONSTRAINT import_counts_non_negative
                CHECK (rows_read >= 0 AND rows_stored >= 0 AND rows_rejected >= 0)
        );

        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            table_name TEXT NOT NULL CONSTRAINT revision_table CHECK (table_name IN ('events', 'claims')),
            row_id TEXT NOT NULL,
            column_name TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            import_id INTEGER REFERENCES imports(id),
            changed_at TEXT
        );

        CREATE TABLE dataset_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE INDEX events_date ON events (date_start, date_end);
        CREATE INDEX events_place ON events (country, admin1, admin2);
        CREATE INDEX events_type ON events (event_type, sub_event_type);
        CREATE INDEX claims_event ON claims (event_id);
        CREATE INDEX claims_party ON claims (party_id);
        CREATE INDEX claims_document ON claims (document_id);
        CREATE INDEX statistics_document ON statistics (document_id);
        CREATE INDEX event_links_other ON event_links (other_event_id);
        CREATE INDEX event_sources_document ON event_sources (document_id);
        CREATE INDEX revisions_row ON revisions (table_name, row_id);
        """,
    )
    db["parties"].insert_all(
        {"id": pid, "label": label, "description": desc, "sort_order": i}
        for i, (pid, label, desc) in enumerate(vocab.PARTIES)
    )
    db["event_types"].insert_all(
        {"event_type": et, "sub_event_type": sub}
        for et, subs in vocab.EVENT_TYPOLOGY.items()
        for sub in subs
    )


@migrations(name="0002_full_text_search")
def m0002_full_text_search(db: Database) -> None:
    # unicode61 with diacritics removed: Urdu, Pashto and Dari names tokenise, and
    # "Khwarazmi"/"Khwārazmi" match; no porter stemming, which only knows English.
    tokenize = "unicode61 remove_diacritics 2"
    db["events"].enable_fts(
        ["title", "summary", "location", "admin1", "admin2", "actor1", "actor2"],
        create_triggers=True,
        tokenize=tokenize,
    )
    db["claims"].enable_fts(
        ["account", "quote", "claimant", "target", "figures_text"],
        create_triggers=True,
        tokenize=tokenize,
    )


# The events' columns free-text search looks in (dash.search): since 0005 the event type and
# sub-type ("drone" finds "Air/drone strike") and the country besides titles, places and actors.
EVENT_SEARCH_COLUMNS = (
    "title", "summary", "location", "admin1", "admin2", "country", "actor1", "actor2",
    "event_type", "sub_event_type",
)  # fmt: skip


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


def _rewrite_check(db: Database, table: str, constraint: str, check: str | None) -> None:
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


@migrations(name="0003_origins_places_quality_duplicates_credibility")
def m0003_origins_places_quality(db: Database) -> None:
    # Any dataset may come in (a mapped spreadsheet names its own origin): origins are rows of a
    # registry with their licence, not a fixed list in a CHECK.
    _rewrite_check(db, "events", "event_origin", None)
    _rewrite_check(db, "imports", "import_origin", None)
    _execute_each(
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
            _in(vocab.QUALITY_NOTE_KINDS)
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


@migrations(name="0004_content_digest")
def m0004_content_digest(db: Database) -> None:
    # The digest of the content as conflict-events last wrote it, so `check` can tell a change
    # made outside the tool (a hand edit, a byte flipped on disk). One row, outside the content.
    _execute_each(
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


@migrations(name="0005_search_types_and_places")
def m0005_search_types_and_places(db: Database) -> None:
    # Search finds what people type: the event type and sub-type ("drone" finds "Air/drone
    # strike") and the country join the indexed columns. The index is rebuilt from the rows.
    db["events"].disable_fts()
    db["events"].enable_fts(
        list(EVENT_SEARCH_COLUMNS),
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations(name="0006_revisions_of_documents")
def m0006_revisions_of_documents(db: Database) -> None:
    # An event removed because its dataset no longer publishes it takes the source document only
    # it cited along, and that document is kept whole in the revisions like the event.
    _rewrite_check(
        db, "revisions", "revision_table", "table_name IN ('events', 'claims', 'documents')"
    )
    # Deleting a document makes SQLite look for rows still referring to it (foreign keys):
    # without these, each deletion read every event (43 ms a document at 100,000 events).
    # Partial: nearly every event has no place source, and SQLite's checks use them as they are.
    _execute_each(
        db,
        """
        CREATE INDEX events_place_source ON events (place_source_id)
            WHERE place_source_id IS NOT NULL;
        CREATE INDEX event_links_document ON event_links (document_id)
            WHERE document_id IS NOT NULL
        """,
    )
