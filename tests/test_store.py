"""Schema, migrations, constraints and the health check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from dash import migrations, store
from dash.cli import cli
from dash.imports import write_dataset

from .fixtures import synthetic_dataset

EXPECTED_TABLES = {
    "documents", "events", "claims", "parties", "statistics", "event_links", "revisions",
    "imports", "event_types", "event_sources", "dataset_meta", "events_fts", "claims_fts",
}  # fmt: skip


def test_migrations_create_the_schema_on_an_empty_database(tmp_path):
    db = store.open_writable(tmp_path / "new.db", create=True)
    assert set(db.table_names()) >= EXPECTED_TABLES
    assert store.schema_version(db) == migrations.latest_version()
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # Vocabulary tables are seeded: 25 ACLED sub-types and 7 parties.
    assert db.execute("SELECT count(*) FROM event_types").fetchone()[0] == 25
    assert db.execute("SELECT count(*) FROM parties").fetchone()[0] == 7


def test_running_migrations_twice_is_a_no_op(tmp_path):
    path = tmp_path / "twice.db"
    db = store.open_writable(path, create=True)
    schema_before = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    assert migrations.apply(db) == []
    db.close()
    db = store.open_writable(path)
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema_before
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(
        migrations.migrations._migrations
    )


def test_migration_0006_lets_revisions_keep_documents_and_keeps_the_rows(tmp_path):
    db = Database(tmp_path / "old.db")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.migrations.apply(db, stop_before="0006_revisions_of_documents")
    insert = """INSERT INTO revisions (table_name, row_id, column_name, old_value)
                VALUES (:table, 'SYNTHETIC', '(SYNTHETIC)', '{}')"""
    db.execute(insert, {"table": "events"})
    with pytest.raises(sqlite3.IntegrityError, match="revision_table"):
        db.execute(insert, {"table": "documents"})
    assert migrations.apply(db) == ["0006_revisions_of_documents"]
    db.execute(insert, {"table": "documents"})
    with pytest.raises(sqlite3.IntegrityError, match="revision_table"):
        db.execute(insert, {"table": "parties"})  # widened, not dropped
    assert [r[0] for r in db.execute("SELECT table_name FROM revisions ORDER BY id")] == [
        "events",
        "documents",
    ]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_written_by_a_newer_version_is_refused_not_written_into(synthetic_db_path):
    db = store.open_writable(synthetic_db_path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('dash', '0099_from_the_future', '2030-01-01')"
    )
    before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    db.close()
    for opening in (store.open_writable, store.open_readonly):
        with pytest.raises(store.DatabaseOutdated, match="written by a newer version") as err:
            opening(synthetic_db_path)
        assert "0099_from_the_future" in str(err.value) and "update conflict-events" in str(
            err.value.hint
        )
    for command in (["migrate"], ["build"], ["publish", str(synthetic_db_path.with_name("p.db"))]):
        result = CliRunner().invoke(cli, [*command, "--db", str(synthetic_db_path)])
        assert result.exit_code == 1, (command, result.output)
        assert "written by a newer version" in result.output, (command, result.output)
    check = Database(synthetic_db_path)
    assert check.execute("SELECT count(*) FROM events").fetchone()[0] == before
    assert [r[0] for r in check.execute("SELECT name FROM _sqlite_migrations")][-1] == (
        "0099_from_the_future"
    )  # nothing applied on top of it


def _seed(db):
    db.execute(
        "INSERT INTO documents (id, publisher, url, kind) VALUES ('d', 'SYNTHETIC', 'https://example.org', 'news_report')"
    )
    db.execute(
        """INSERT INTO events (id, origin, origin_id, title, date_start, date_end, date_precision,
                               event_type, sub_event_type)
           VALUES ('curated:e', 'curated', 'e', 'SYNTHETIC', '2024-01-01', '2024-01-02', 'days',
                   'Battles', 'Armed clash'),
                  ('curated:f', 'curated', 'f', 'SYNTHETIC', '2024-01-01', '2024-01-02', 'days',
                   'Battles', 'Armed clash')"""
    )


EVENT_BASE = {
    "id": "'curated:x'", "origin": "'curated'", "origin_id": "'x'", "title": "'SYNTHETIC'",
    "date_start": "'2024-01-01'", "date_end": "'2024-01-01'", "date_precision": "'day'",
    "event_type": "'Battles'", "sub_event_type": "'Armed clash'",
}  # fmt: skip
CLAIM_BASE = {
    "id": "'c'", "event_id": "'curated:e'", "party_id": "'media'", "claimant": "'SYNTHETIC'",
    "document_id": "'d'", "account": "'SYNTHETIC'",
}  # fmt: skip
STAT_BASE = {
    "id": "'s'", "tracker": "'SYNTHETIC'", "document_id": "'d'", "period_start": "'2024-01-01'",
    "period_end": "'2024-12-31'", "region": "'Pakistan'", "metric": "'attacks'", "value": "1",
    "definition": "'SYNTHETIC'",
}  # fmt: skip
ORIGIN_BASE = {"id": "'syn-origin'", "name": "'SYNTHETIC'", "licence": "'SYNTHETIC'"}
NOTE_BASE = {"event_id": "'curated:e'", "kind": "'fatalities_reordered'", "detail": "'SYNTHETIC'"}
PAIR_BASE = {
    "event_id": "'curated:e'",
    "other_event_id": "'curated:f'",
    "km": "1.0",
    "days_apart": "0",
}
DOC_BASE = {
    "id": "'d2'",
    "publisher": "'SYNTHETIC'",
    "url": "'https://example.org/2'",
    "kind": "'news_report'",
}

# rule name -> (table, base row, overrides that break exactly that rule)
RULES = {
    "latitude_range": ("events", EVENT_BASE, {"latitude": "91", "longitude": "70", "geo_precision": "'exact'"}),
    "longitude_range": ("events", EVENT_BASE, {"latitude": "30", "longitude": "-181", "geo_precision": "'exact'"}),
    "coordinates_paired": ("events", EVENT_BASE, {"latitude": "30"}),
    "coordinates_have_precision": ("events", EVENT_BASE, {"latitude": "30", "longitude": "70"}),
    "event_counts_non_negative": ("events", EVENT_BASE, {"fatalities_low": "-1"}),
    "fatalities_low_le_best": ("events", EVENT_BASE, {"fatalities_low": "5", "fatalities_best": "4"}),
    "fatalities_best_le_high": ("events", EVENT_BASE, {"fatalities_best": "5", "fatalities_high": "4"}),
    "fatalities_low_le_high": ("events", EVENT_BASE, {"fatalities_low": "5", "fatalities_high": "4"}),
    "date_window_ordered": ("events", EVENT_BASE, {"date_start": "'2024-02-01'", "date_end": "'2024-01-01'"}),
    "event_dates_iso": ("events", EVENT_BASE, {"date_start": "'01/02/2024'"}),
    "date_precision_known": ("events", EVENT_BASE, {"date_precision": "'fortnight'"}),
    "geo_precision_known": ("events", EVENT_BASE, {"geo_precision": "'street'"}),
    "grading_known": ("events", EVENT_BASE, {"grading": "'likely'"}),
    "cross_border_flag": ("events", EVENT_BASE, {"cross_border": "2"}),
    "origin_id_slug": ("origins", ORIGIN_BASE, {"id": "'Bad Origin!'"}),
    "credibility_scale": ("claims", CLAIM_BASE, {"credibility": "7"}),
    "quality_kind_known": ("quality_notes", NOTE_BASE, {"kind": "'gossip'"}),
    "duplicate_pair_ordered": ("possible_duplicates", PAIR_BASE, {"event_id": "'curated:f'"}),
    "extra_is_json": ("events", EVENT_BASE, {"extra": "'{not json'"}),
    "claim_counts_non_negative": ("claims", CLAIM_BASE, {"killed": "-3"}),
    "claim_killed_range": ("claims", CLAIM_BASE, {"killed": "30", "killed_high": "25"}),
    "claim_window_ordered": ("claims", CLAIM_BASE, {"claimed_start": "'2024-02-01'", "claimed_end": "'2024-01-01'"}),
    "victims_known": ("claims", CLAIM_BASE, {"victims": "'aliens'"}),
    "responsibility_known": ("claims", CLAIM_BASE, {"responsibility": "'maybe'"}),
    "killed_qualifier_known": ("claims", CLAIM_BASE, {"killed": "1", "killed_qualifier": "'roughly'"}),
    "statistic_value_non_negative": ("statistics", STAT_BASE, {"value": "-1"}),
    "statistic_period_ordered": ("statistics", STAT_BASE, {"period_start": "'2025-01-01'"}),
    "metric_known": ("statistics", STAT_BASE, {"metric": "'vibes'"}),
    "document_url_or_citation": ("documents", DOC_BASE, {"url": "NULL"}),
    "document_url_scheme": ("documents", DOC_BASE, {"url": "'javascript:alert(1)'"}),
    "document_kind": ("documents", DOC_BASE, {"kind": "'gossip'"}),
}  # fmt: skip


@pytest.mark.parametrize("rule", sorted(RULES))
def test_check_constraint_rejects_a_bad_row_and_names_the_rule(fresh_db, rule):
    _seed(fresh_db)
    table, base, overrides = RULES[rule]
    row = {**base, **overrides}
    sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(row.values())})"
    with pytest.raises(sqlite3.IntegrityError) as err:
        fresh_db.execute(sql)
    assert rule in str(err.value)
    # and the same row without the override is accepted (the rule, not the base row, failed)
    fresh_db.execute(f"INSERT INTO {table} ({', '.join(base)}) VALUES ({', '.join(base.values())})")


def test_event_type_must_be_an_acled_pair(fresh_db):
    _seed(fresh_db)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        fresh_db.execute(
            """INSERT INTO events (id, origin, origin_id, title, date_start, date_end,
                   date_precision, event_type, sub_event_type)
               VALUES ('curated:y', 'curated', 'y', 'SYNTHETIC', '2024-01-01', '2024-01-01',
                   'day', 'Battles', 'Air/drone strike')"""
        )


def test_claim_must_point_to_an_existing_event_and_document(fresh_db):
    _seed(fresh_db)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        fresh_db.execute(
            "INSERT INTO claims (id, event_id, party_id, claimant, document_id, account)"
            " VALUES ('c', 'curated:nope', 'media', 'SYNTHETIC', 'd', 'SYNTHETIC')"
        )


def test_full_text_index_follows_inserts(fresh_db):
    write_dataset(fresh_db, synthetic_dataset())
    hits = fresh_db.execute(
        "SELECT count(*) FROM claims_fts WHERE claims_fts MATCH '\"refugees\"'"
    ).fetchone()[0]
    assert hits == 1


def test_readonly_connection_refuses_writes(synthetic_db):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        synthetic_db.execute("DELETE FROM events")


def test_database_path_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EVENTS_DB", str(tmp_path / "other.db"))
    assert store.database_path() == (tmp_path / "other.db").resolve()
    monkeypatch.delenv("EVENTS_DB")
    assert store.database_path() == store.DEFAULT_DB


def test_missing_database_names_the_path_and_the_fix(tmp_path):
    with pytest.raises(store.DatabaseMissing) as err:
        store.open_readonly(tmp_path / "nope.db")
    assert "nope.db" in str(err.value) and "conflict-events build" in str(err.value)


def test_a_text_file_is_reported_as_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello, I am not SQLite")
    with pytest.raises(store.DatabaseCorrupt, match="not an SQLite database"):
        store.open_readonly(path)


def test_database_without_schema_is_reported_as_outdated(tmp_path):
    path = tmp_path / "plain.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(store.DatabaseOutdated, match="migrate"):
        store.open_readonly(path)


def test_the_migrations_are_registered_in_their_numbered_order_one_module_each():
    # A step's module registers it when imported: one left out of dash/migrations/__init__.py
    # would never run, one imported out of turn would run out of turn.
    names = migrations.known_versions()
    assert list(names) == sorted(names) and len(set(names)) == len(names)
    modules = sorted(p.stem for p in Path(migrations.__file__).parent.glob("m[0-9]*.py"))
    assert [m[1:5] for m in modules] == [name[:4] for name in names]
