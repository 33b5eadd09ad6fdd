"""The first schema: events, claims, documents, parties, statistics and their rules."""

from __future__ import annotations

from sqlite_utils import Database

from .. import vocab
from .base import ISO_DATE, execute_each, migrations, non_negative, sql_list


@migrations(name="0001_initial_schema")
def m0001_initial_schema(db: Database) -> None:
    execute_each(
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
            kind TEXT NOT NULL CONSTRAINT document_kind CHECK (kind IN {
            sql_list(vocab.DOCUMENT_KINDS)
        }),
            language TEXT NOT NULL DEFAULT 'en',
            original_agency TEXT,
            citation TEXT,
            note TEXT,
            CONSTRAINT document_url_or_citation CHECK (url IS NOT NULL OR citation IS NOT NULL),
            CONSTRAINT document_url_scheme
                CHECK (url IS NULL OR url LIKE 'https://%' OR url LIKE 'http://%'),
            CONSTRAINT document_published_iso CHECK (published IS NULL OR published GLOB {ISO_DATE})
        );

        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL CONSTRAINT event_origin CHECK (origin IN {
            sql_list(vocab.ORIGINS)
        }),
            origin_id TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT,
            date_start TEXT NOT NULL,
            date_end TEXT NOT NULL,
            date_precision TEXT NOT NULL
                CONSTRAINT date_precision_known CHECK (date_precision IN {
            sql_list(vocab.DATE_PRECISIONS)
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
                CHECK (geo_precision IS NULL OR geo_precision IN {sql_list(vocab.GEO_PRECISIONS)}),
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
            sql_list(vocab.GRADINGS)
        }),
            grading_basis TEXT,
            extra TEXT CONSTRAINT extra_is_json CHECK (extra IS NULL OR json_valid(extra)),
            UNIQUE (origin, origin_id),
            FOREIGN KEY (event_type, sub_event_type) REFERENCES event_types (event_type, sub_event_type),
            CONSTRAINT event_dates_iso CHECK (date_start GLOB {ISO_DATE} AND date_end GLOB {
            ISO_DATE
        }),
            CONSTRAINT date_window_ordered CHECK (date_start <= date_end),
            CONSTRAINT coordinates_paired CHECK ((latitude IS NULL) = (longitude IS NULL)),
            CONSTRAINT coordinates_have_precision CHECK (latitude IS NULL OR geo_precision IS NOT NULL),
            CONSTRAINT event_counts_non_negative CHECK ({
            non_negative(
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
                CONSTRAINT victims_known CHECK (victims IN {sql_list(vocab.VICTIM_FRAMINGS)}),
            responsibility TEXT NOT NULL DEFAULT 'not_addressed'
                CONSTRAINT responsibility_known CHECK (responsibility IN {
            sql_list(vocab.RESPONSIBILITY)
        }),
            killed INTEGER,
            killed_high INTEGER,
            killed_qualifier TEXT
                CONSTRAINT killed_qualifier_known
                CHECK (killed_qualifier IS NULL OR killed_qualifier IN {
            sql_list(vocab.QUALIFIERS)
        }),
            injured INTEGER,
            civilians_killed INTEGER,
            women_children_killed INTEGER,
            militants_killed INTEGER,
            security_forces_killed INTEGER,
            figures_text TEXT,
            quote TEXT,
            CONSTRAINT claim_dates_iso CHECK (
                (claimed_start IS NULL OR claimed_start GLOB {ISO_DATE})
                AND (claimed_end IS NULL OR claimed_end GLOB {ISO_DATE})),
            CONSTRAINT claim_window_ordered
                CHECK (claimed_start IS NULL OR claimed_end IS NULL OR claimed_start <= claimed_end),
            CONSTRAINT claim_counts_non_negative CHECK ({
            non_negative(
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
            sql_list(vocab.STATISTIC_METRICS)
        }),
            value INTEGER NOT NULL CONSTRAINT statistic_value_non_negative CHECK (value >= 0),
            qualifier TEXT NOT NULL DEFAULT 'exact'
                CONSTRAINT statistic_qualifier_known CHECK (qualifier IN {
            sql_list(vocab.QUALIFIERS)
        }),
            definition TEXT NOT NULL,
            note TEXT,
            CONSTRAINT statistic_period_iso
                CHECK (period_start GLOB {ISO_DATE} AND period_end GLOB {ISO_DATE}),
            CONSTRAINT statistic_period_ordered CHECK (period_start <= period_end)
        );

        CREATE TABLE event_links (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            other_event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CONSTRAINT link_kind_known CHECK (kind IN {
            sql_list(vocab.LINK_KINDS)
        }),
            basis TEXT NOT NULL,
            document_id TEXT REFERENCES documents(id),
            PRIMARY KEY (event_id, other_event_id, kind),
            CONSTRAINT link_not_to_self CHECK (event_id <> other_event_id)
        );

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            origin TEXT NOT NULL CONSTRAINT import_origin CHECK (origin IN {
            sql_list(vocab.ORIGINS)
        }),
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
