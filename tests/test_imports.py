"""ACLED and UCDP GED imports, on small hand-written SYNTHETIC files."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dash import integrity, store
from dash.cli import cli
from dash.imports import importer
from dash.imports.importer import ImportFailed, ImportRefused, import_file

from .support import oracle
from .support.files import ACLED_HEADER, UCDP_HEADER, acled_row, events, ucdp_row, write


def digest(path) -> str:
    db = store.open_writable(path)  # writable: rolls back a hot journal left by a killed writer
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return integrity.content_digest(db)
    finally:
        db.close()


@pytest.fixture
def db_path(synthetic_db_path):
    return synthetic_db_path


def test_acled_rows_map_onto_the_store(fresh_db, tmp_path):
    path = write(
        tmp_path / "acled.csv",
        ACLED_HEADER,
        [
            acled_row(1),
            acled_row(2, time_precision="2", geo_precision="3", event_date="17 March 2024"),
            acled_row(3, time_precision="3", latitude="", longitude="", geo_precision=""),
        ],
    )
    report = import_file(fresh_db, path, "acled")
    assert (report.rows_read, report.inserted, len(report.rejected)) == (3, 3, 0)
    one, two, three = events(fresh_db)
    assert one["id"] == "acled:SYN1" and one["origin"] == "acled"
    assert (one["date_start"], one["date_end"], one["date_precision"]) == (
        "2024-12-24",
        "2024-12-24",
        "day",
    )
    assert (one["fatalities_low"], one["fatalities_best"], one["fatalities_high"]) == (11, 11, 11)
    assert (one["latitude"], one["longitude"], one["geo_precision"]) == (32.8, 69.3, "exact")
    assert one["summary"] == "SYNTHETIC: strike number 1."
    extra = json.loads(one["extra"])
    assert extra["interaction"] == "17" and extra["civilian_targeting"] == "Civilian targeting"
    assert extra["timestamp"] == "1735000000" and "fatalities" not in extra
    # time_precision 2: within the week around the date; geo_precision 3: a larger region
    assert (two["date_start"], two["date_end"], two["date_precision"]) == (
        "2024-03-14",
        "2024-03-20",
        "week",
    )
    assert two["geo_precision"] == "province"
    assert (three["date_start"], three["date_end"], three["latitude"]) == (
        "2024-12-01",
        "2024-12-31",
        None,
    )
    docs = fresh_db.execute(
        """SELECT d.publisher, d.kind, d.citation, count(*) FROM documents d
           JOIN event_sources s ON s.document_id = d.id
           WHERE d.id LIKE 'acled-source:%' GROUP BY d.id"""
    ).fetchall()
    # Every row names the same source line: one document, linked to each event.
    assert docs == [
        (
            "SYNTHETIC Gazette; SYNTHETIC Wire",
            "dataset",
            "Source(s) named by ACLED: SYNTHETIC Gazette; SYNTHETIC Wire",
            3,
        )
    ]


def test_ucdp_hdx_variant_with_every_quirk(fresh_db, tmp_path):
    hxl = ["#event+id" if h == "id" else ("#date+year" if h == "year" else "") for h in UCDP_HEADER]
    path = write(
        tmp_path / "ged.csv",
        UCDP_HEADER,
        [
            ucdp_row(1),
            ucdp_row(
                2,
                where_prec="1",
                date_prec="1",
                date_start="2024-12-21 00:00:00.000",
                date_end="2024-12-21 00:00:00.000",
                type_of_violence="3",
            ),
        ],  # fmt: skip
        crlf=True,
        bom=True,
        hxl=hxl,
        trailing="\r\n\r\n",
        totals=["", "", "Total", *[""] * (len(UCDP_HEADER) - 6), "48", "70", "32"],
    )
    report = import_file(fresh_db, path, "ucdp")
    assert (report.rows_read, report.inserted, len(report.rejected)) == (2, 2, 0)
    assert (
        "1 HXL hashtag row(s) skipped" in report.skipped
        and "totals row(s) skipped" in report.skipped
    )
    one, two = events(fresh_db)
    assert one["id"] == "ucdp:501"
    assert (one["date_start"], one["date_end"], one["date_precision"]) == (
        "2024-12-01",
        "2024-12-31",
        "month",
    )
    assert (one["fatalities_low"], one["fatalities_best"], one["fatalities_high"]) == (16, 24, 35)
    # one name per place, the source's spelling kept beside it
    assert (one["geo_precision"], one["admin1"], one["admin2"]) == (
        "district",
        "Khyber Pakhtunkhwa",
        "South Waziristan",
    )
    assert (one["admin1_as_published"], one["admin2_as_published"]) == (
        "Khyber Pakhtunkhwa province",
        "South Waziristan district",
    )
    # deaths_a (Government of Pakistan) are security forces, deaths_b (TTP) militants
    assert (one["actor1"], one["actor2"], one["deaths_civilians"]) == (
        "Government of Pakistan",
        "TTP",
        0,
    )
    assert (one["deaths_security_forces"], one["deaths_militants"]) == (16, 8)
    extra = json.loads(one["extra"])
    assert (extra["iso3"], extra["published_deaths_a"], extra["event_clarity"]) == (
        "PAK",
        "16",
        "1",
    )
    assert (extra["type_of_violence"], extra["ucdp_violence_type"], extra["where_prec"]) == (
        "1",
        "state-based",
        "3",
    )
    assert (extra["conflict_name"], extra["date_prec"]) == ("Pakistan: Government", "4")
    assert (two["event_type"], two["geo_precision"], two["date_precision"]) == (
        "Violence against civilians",
        "exact",
        "day",
    )
    note = fresh_db.execute("SELECT note FROM documents WHERE id = 'ucdp-source:501'").fetchone()[0]
    assert note.endswith("\nsecond line of the article list")  # a line break inside a quoted field


def test_windows_1252_is_refused_with_a_hint_then_accepted_when_named(fresh_db, tmp_path):
    path = write(
        tmp_path / "excel.csv",
        ACLED_HEADER,
        [acled_row(1, location="Café SYNTHETIC")],
        encoding="cp1252",
    )
    with pytest.raises(ImportRefused, match="cp1252") as err:
        import_file(fresh_db, path, "acled")
    assert "excel.csv" in str(err.value)
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    import_file(fresh_db, path, "acled", encoding="cp1252")
    assert fresh_db.execute("SELECT location FROM events").fetchone()[0] == "Café SYNTHETIC"


def test_a_file_without_the_id_column_is_refused(fresh_db, tmp_path):
    path = write(tmp_path / "wrong.csv", UCDP_HEADER, [ucdp_row(1)])
    with pytest.raises(ImportRefused, match="no 'event_id_cnty' column"):
        import_file(fresh_db, path, "acled")


def test_bad_rows_refuse_the_whole_file_and_change_nothing(db_path, tmp_path):
    before = digest(db_path)
    rows = [acled_row(i) for i in range(1, 6)] + [
        acled_row(6, event_date=""),
        acled_row(7, event_type="Skirmish"),
    ]
    path = write(tmp_path / "bad.csv", ACLED_HEADER, rows)
    db = store.open_writable(db_path)
    with pytest.raises(ImportFailed) as err:
        import_file(db, path, "acled")
    db.close()
    report = err.value.report
    assert [(r.line, r.column, r.reason) for r in report.rejected] == [
        (7, "event_date", "a date is required"),
        (
            8,
            "event_type",
            "'Skirmish' is not an ACLED event type; expected one of: Battles, Protests, Riots, "
            "Explosions/Remote violence, Violence against civilians, Strategic developments",
        ),
    ]
    assert digest(db_path) == before
    rejects = list(csv.DictReader(report.rejects_file.open(encoding="utf-8", newline="")))
    assert [r["line"] for r in rejects] == ["7", "8"] and rejects[1]["value"] == "Skirmish"
    log = (
        store.open_readonly(db_path)
        .execute("SELECT status, rows_stored, message FROM imports ORDER BY id DESC")
        .fetchone()
    )
    assert log[0] == "rejected" and log[1] == 0 and "line 7" in log[2]


def test_skip_invalid_stores_the_good_rows_and_writes_the_bad_ones(fresh_db, tmp_path):
    path = write(
        tmp_path / "mixed.csv",
        ACLED_HEADER,
        [acled_row(1), acled_row(2, event_date="sometime"), acled_row(3)],
    )
    report = import_file(
        fresh_db, path, "acled", skip_invalid=True, rejects_path=tmp_path / "out.csv"
    )
    assert (report.inserted, len(report.rejected)) == (2, 1)
    assert report.rejected[0].column == "event_date"
    assert [e["id"] for e in events(fresh_db)] == ["acled:SYN1", "acled:SYN3"]
    assert (
        (tmp_path / "out.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1]
        .startswith("3,event_date,sometime,")
    )


def test_an_exception_mid_write_leaves_the_database_as_it_was(db_path, tmp_path, monkeypatch):
    before = digest(db_path)
    path = write(tmp_path / "ok.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 10)])
    calls = {"n": 0}
    real = importer.BatchWriter.write

    def flaky(self, batch):
        calls["n"] += 1
        if calls["n"] == 3:  # after two batches were written
            raise OSError("disk full (injected)")
        return real(self, batch)

    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer.BatchWriter, "write", flaky)
    db = store.open_writable(db_path)
    with pytest.raises(OSError, match="injected"):
        import_file(db, path, "acled")
    db.close()
    assert calls["n"] == 3
    assert digest(db_path) == before


def test_a_killed_import_leaves_the_database_as_it_was(db_path, tmp_path):
    """The import writes in WAL mode: killed mid-transaction, its pages sit uncommitted in the
    -wal file, which every reader ignores, so the data reads as before with no recovery step."""
    before = digest(db_path)
    path = write(tmp_path / "big.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 40_001)])
    wal = db_path.with_name(db_path.name + "-wal")
    # A small page cache makes the import spill its pages into the -wal long before its commit.
    proc = subprocess.Popen(
        [sys.executable, "-m", "dash.cli", "import", "acled", str(path), "--db", str(db_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, importer.CACHE_ENV: "1"},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while (
        not (wal.exists() and wal.stat().st_size > 1_000_000)
        and proc.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)  # polling for the writer to be mid-transaction, then killing it there
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The app's read-only connection reads exactly the data from before the import …
    readonly = store.open_readonly(db_path)
    assert (
        readonly.execute("SELECT count(*) FROM imports WHERE origin = 'acled'").fetchone()[0] == 0
    )
    readonly.close()
    # … and recover folds the WAL away and returns the file to rollback-journal mode.
    result = CliRunner().invoke(cli, ["recover", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert f"folded {wal.name} into the database" in result.output, result.output
    assert not wal.exists()
    assert db_path.read_bytes()[18:20] == b"\x01\x01"  # file format: rollback journal
    assert digest(db_path) == before


def test_a_killed_rollback_journal_write_is_rolled_back_by_recover(db_path, tmp_path):
    """Writers other than the import (sqlite-utils, migrate) use a rollback journal."""
    before = digest(db_path)
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('BEGIN')\n"
        'c.execute("UPDATE events SET title = title || randomblob(2000)")\n'
        "os._exit(9)  # dies mid-transaction: the journal is left hot\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=False)
    with pytest.raises(store.DatabaseInterrupted) as err:
        store.open_readonly(db_path)
    assert "conflict-events recover" in str(err.value)
    result = CliRunner().invoke(cli, ["recover", "--db", str(db_path)])
    assert result.exit_code == 0 and "rolled back the interrupted write" in result.output, (
        result.output
    )
    assert digest(db_path) == before


def test_importing_the_same_file_twice_changes_nothing(fresh_db, tmp_path):
    path = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 4)])
    import_file(fresh_db, path, "acled")
    first = integrity.content_digest(fresh_db)
    again = import_file(fresh_db, path, "acled")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert integrity.content_digest(fresh_db) == first
    assert fresh_db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0


def test_a_newer_export_updates_events_and_records_revisions(fresh_db, tmp_path):
    import_file(
        fresh_db, write(tmp_path / "v1.csv", ACLED_HEADER, [acled_row(1), acled_row(2)]), "acled"
    )
    newer = write(
        tmp_path / "v2.csv",
        ACLED_HEADER,
        [acled_row(1), acled_row(2, fatalities="30", admin2="Urgun")],
    )
    report = import_file(fresh_db, newer, "acled")
    assert (report.updated, report.unchanged) == (1, 1)
    revisions = fresh_db.execute(
        "SELECT row_id, column_name, old_value, new_value, import_id FROM revisions ORDER BY column_name"
    ).fetchall()
    assert [r[:4] for r in revisions] == [
        ("acled:SYN2", "admin2", "Barmal", "Urgun"),
        ("acled:SYN2", "admin2_as_published", "Barmal", "Urgun"),
        ("acled:SYN2", "fatalities_best", "12", "30"),
        ("acled:SYN2", "fatalities_high", "12", "30"),
        ("acled:SYN2", "fatalities_low", "12", "30"),
    ]
    assert {r[4] for r in revisions} == {report.import_id}
    assert (
        fresh_db.execute("SELECT fatalities_best FROM events WHERE id = 'acled:SYN2'").fetchone()[0]
        == 30
    )


def test_a_newer_export_replaces_an_events_sources_and_records_the_change(fresh_db, tmp_path):
    rows = [acled_row(1, source="SYNTHETIC Dawn"), acled_row(2, source="SYNTHETIC Dawn")]
    import_file(fresh_db, write(tmp_path / "v1.csv", ACLED_HEADER, rows), "acled")
    rows = [acled_row(1, source="SYNTHETIC Dawn"), acled_row(2, source="SYNTHETIC Geo")]
    report = import_file(fresh_db, write(tmp_path / "v2.csv", ACLED_HEADER, rows), "acled")
    assert (report.updated, report.unchanged) == (1, 1)  # a change of sources is a change
    cited = fresh_db.execute(
        """SELECT s.event_id, d.publisher FROM event_sources s JOIN documents d ON d.id = s.document_id
           ORDER BY s.event_id"""
    ).fetchall()
    assert cited == [("acled:SYN1", "SYNTHETIC Dawn"), ("acled:SYN2", "SYNTHETIC Geo")]
    (revision,) = fresh_db.execute(
        "SELECT row_id, column_name, old_value, new_value FROM revisions"
    ).fetchall()
    dawn, geo = (
        fresh_db.execute("SELECT id FROM documents WHERE publisher = :p", {"p": p}).fetchone()[0]
        for p in ("SYNTHETIC Dawn", "SYNTHETIC Geo")
    )
    assert revision == ("acled:SYN2", "(sources)", dawn, geo)
    # the next newer export drops Dawn everywhere: the document nothing cites goes, kept whole
    rows = [acled_row(1, source="SYNTHETIC Geo"), acled_row(2, source="SYNTHETIC Geo")]
    import_file(fresh_db, write(tmp_path / "v3.csv", ACLED_HEADER, rows), "acled")
    assert [r[0] for r in fresh_db.execute("SELECT publisher FROM documents")] == ["SYNTHETIC Geo"]
    kept = fresh_db.execute(
        "SELECT row_id, column_name FROM revisions WHERE table_name = 'documents'"
    ).fetchall()
    assert kept == [(dawn, "(cited by no event any more)")]


def test_a_document_dropped_by_one_batch_and_cited_by_a_later_one_stays(
    fresh_db, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "BATCH_ROWS", 1)  # each row its own batch
    rows = [acled_row(1, source="SYNTHETIC S")]
    import_file(fresh_db, write(tmp_path / "v1.csv", ACLED_HEADER, rows), "acled")
    rows = [acled_row(1, source="SYNTHETIC T"), acled_row(2, source="SYNTHETIC S")]
    import_file(fresh_db, write(tmp_path / "v2.csv", ACLED_HEADER, rows), "acled")
    publishers = [r[0] for r in fresh_db.execute("SELECT publisher FROM documents ORDER BY 1")]
    assert publishers == ["SYNTHETIC S", "SYNTHETIC T"]
    assert fresh_db.execute(
        "SELECT count(*) FROM revisions WHERE table_name = 'documents'"
    ).fetchone() == (0,)  # nothing was removed, so no removal is recorded


def test_a_newer_export_that_changes_a_document_records_the_change(fresh_db, tmp_path):
    import_file(fresh_db, write(tmp_path / "u1.csv", UCDP_HEADER, [ucdp_row(1)]), "ucdp")
    changed = ucdp_row(1, source_headline="SYNTHETIC raid, corrected")
    import_file(fresh_db, write(tmp_path / "u2.csv", UCDP_HEADER, [changed]), "ucdp")
    revisions = fresh_db.execute(
        "SELECT row_id, column_name, old_value, new_value FROM revisions"
        " WHERE table_name = 'documents'"
    ).fetchall()
    assert revisions and all(r[0] == "ucdp-source:501" for r in revisions)
    assert any("SYNTHETIC raid, corrected" in (r[3] or "") and "corrected" not in (r[2] or "")
               for r in revisions)  # fmt: skip
    assert all(old != new for _, _, old, new in revisions)  # only what changed
    assert len(revisions) == len({column for _, column, _, _ in revisions}) <= 3
    title = fresh_db.execute("SELECT title, citation FROM documents").fetchone()
    assert "SYNTHETIC raid, corrected" in " ".join(t or "" for t in title)


def test_a_repeated_id_in_one_file_is_rejected(fresh_db, tmp_path):
    path = write(tmp_path / "dup.csv", ACLED_HEADER, [acled_row(1), acled_row(1)])
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    assert err.value.report.rejected[0].reason == "repeats the event of line 2"


def test_cli_import_reports_and_refuses(tmp_path, synthetic_db_path):
    good = write(tmp_path / "g.csv", ACLED_HEADER, [acled_row(1), acled_row(2)])
    result = CliRunner().invoke(cli, ["import", "acled", str(good), "--db", str(synthetic_db_path)])
    assert result.exit_code == 0, result.output
    assert "2 rows read" in result.output and "2 new" in result.output
    bad = write(tmp_path / "b.csv", ACLED_HEADER, [acled_row(3, event_date="2024-13-45")])
    result = CliRunner().invoke(cli, ["import", "acled", str(bad), "--db", str(synthetic_db_path)])
    assert result.exit_code == 1
    assert "line 2, column event_date, value '2024-13-45'" in result.output
    assert "--skip-invalid" in result.output


# Random damage to a valid file: the import either succeeds or is refused with a report.
_VALID = io.StringIO(newline="")
_writer = csv.writer(_VALID, lineterminator="\r\n")
_writer.writerow(ACLED_HEADER)
for _i in range(1, 4):
    _writer.writerow([acled_row(_i).get(h, "") for h in ACLED_HEADER])
VALID_ACLED = _VALID.getvalue().encode("utf-8")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(VALID_ACLED) - 1),
            st.sampled_from(["delete", "insert", "truncate"]),
            st.binary(max_size=4),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_random_damage_is_imported_or_refused_never_half_written(tmp_path_factory, mutations):
    folder = tmp_path_factory.mktemp("fuzz")
    data = bytearray(VALID_ACLED)
    for position, action, junk in mutations:
        position = min(position, max(len(data) - 1, 0))
        if action == "delete":
            del data[position : position + 1]
        elif action == "insert":
            data[position:position] = junk
        else:
            del data[position:]
    path = folder / "damaged.csv"
    path.write_bytes(bytes(data))
    db_path = folder / "fuzz.db"
    store.open_writable(db_path, create=True).close()
    before = digest(db_path)
    db = store.open_writable(db_path)
    try:
        report = import_file(db, path, "acled")
        left_out = sum(report.outside_region.values())
        assert report.stored == report.rows_read - len(report.rejected) - left_out > 0
        assert integrity.content_digest(db) != before
    except (ImportFailed, ImportRefused):
        db.close()
        after = digest(db_path)
        assert after == before
    finally:
        db.close()
    if os.path.exists(path.with_name("damaged.rejects.csv")):
        assert path.with_name("damaged.rejects.csv").stat().st_size > 0


def test_possible_duplicates_across_origins_are_flagged_not_merged(synthetic_db_path, tmp_path):
    from dash import queries
    from dash.filters import Filters

    # curated:syn-2 is a Battles event on 2024-05-01 at (33.8, 70.0)
    rows = [
        acled_row(1, event_date="2024-05-02", event_type="Battles", sub_event_type="Armed clash",
                  latitude="33.82", longitude="70.01"),  # next day, ~2.4 km: flagged
        acled_row(2, event_date="2024-05-01", event_type="Riots", sub_event_type="Mob violence",
                  latitude="33.80", longitude="70.00"),  # same place and day, other type
        acled_row(3, event_date="2024-05-04", event_type="Battles", sub_event_type="Armed clash",
                  latitude="33.80", longitude="70.00"),  # three days later
        acled_row(4, event_date="2024-05-01", event_type="Battles", sub_event_type="Armed clash",
                  latitude="34.00", longitude="70.00"),  # ~22 km away
    ]  # fmt: skip
    db = store.open_writable(synthetic_db_path)
    import_file(db, write(tmp_path / "near.csv", ACLED_HEADER, rows), "acled")
    pairs = queries.possible_duplicates(db, Filters())
    assert [(p["event_id"], p["other_event_id"]) for p in pairs] == [
        ("acled:SYN1", "curated:syn-2")
    ]
    # by hand: dx = 0.01 * cos(33.82°) * 111.32 = 0.925 km, dy = 0.02 * 110.57 = 2.211 km -> 2.4 km
    assert pairs[0]["km"] == 2.4
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 3 + 4  # nothing merged
    db.close()


@pytest.fixture
def mixed_db(synthetic_db_path, tmp_path):
    """The synthetic curated events plus two imported ACLED events, one near curated:syn-2."""
    db = store.open_writable(synthetic_db_path)
    rows = [
        acled_row(1, event_date="2024-05-02", event_type="Battles", sub_event_type="Armed clash",
                  latitude="33.82", longitude="70.01"),
        acled_row(2),
    ]  # fmt: skip
    import_file(db, write(tmp_path / "near.csv", ACLED_HEADER, rows), "acled")
    db.close()
    return synthetic_db_path


def test_hosted_instances_can_keep_raw_acled_rows_out_of_the_bundle(mixed_db, monkeypatch):
    import zipfile

    from dash import bundle
    from dash.filters import Filters

    monkeypatch.setenv("EVENTS_NO_DOWNLOAD_ORIGINS", "acled")
    zf = zipfile.ZipFile(io.BytesIO(bundle.bundle_bytes(mixed_db, Filters())))
    events = list(csv.DictReader(io.StringIO(zf.read("events.csv").decode("utf-8"), newline="")))
    assert {e["origin"] for e in events} == {"curated"} and len(events) == 3
    assert json.loads(zf.read("manifest.json"))["origins_left_out"] == ["acled"]
    assert all(not d["document_id"].startswith("acled-source:") for d in csv.DictReader(
        io.StringIO(zf.read("documents.csv").decode("utf-8"), newline="")))  # fmt: skip


def test_sources_page_lists_possible_duplicates_and_the_import_log(mixed_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT

    monkeypatch.setenv("EVENTS_DB", str(mixed_db))
    monkeypatch.setenv("EVENTS_NO_DOWNLOAD_ORIGINS", "acled")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    duplicates = next(df for df in frames if "other_title" in df.columns)
    assert duplicates["origin"].tolist() == ["acled"] and duplicates["other_origin"].tolist() == [
        "curated"
    ]
    log = next(df for df in frames if "rows_stored" in df.columns)
    assert log["origin"].tolist()[0] == "acled" and log["rows_stored"].tolist()[0] == 2
    assert any("leaves rows from acled out of every download" in i.value for i in at.info)


def test_cli_duplicates_lists_the_pairs(mixed_db):
    result = CliRunner().invoke(cli, ["duplicates", "--db", str(mixed_db)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["event_id"], r["other_event_id"], r["km"]) for r in rows] == [
        ("acled:SYN1", "curated:syn-2", "2.4")
    ]


def test_totals_in_the_store_match_the_file_exactly(fresh_db, tmp_path):
    from dash.filters import Filters

    rows = [
        ucdp_row(i, best=str(3 * i), low=str(i), high=str(5 * i), deaths_civilians=str(i))
        for i in range(1, 30)
    ]
    path = write(tmp_path / "ged.csv", UCDP_HEADER, rows)
    import_file(fresh_db, path, "ucdp")
    with path.open(encoding="utf-8", newline="") as fh:
        source = list(csv.DictReader(fh))
    h = oracle.headline(fresh_db, Filters(origins=("ucdp",)))
    assert h["events"] == len(source)
    assert h["fatalities_low"] == sum(int(r["low"]) for r in source)
    assert h["killed"] == sum(int(r["best"]) for r in source)
    assert h["fatalities_high"] == sum(int(r["high"]) for r in source)


def test_imported_events_are_found_by_free_text_and_later_writes_still_index(
    fresh_db, tmp_path, monkeypatch
):
    from dash import queries
    from dash.filters import Filters

    monkeypatch.setattr(importer, "BATCH_ROWS", 3)  # several batches
    rows = [acled_row(i, notes=f"SYNTHETIC: strike number {i}.") for i in range(1, 8)]
    rows[4]["notes"] = "SYNTHETIC: a rare word, zarghunshah, in one row."
    import_file(fresh_db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    found = queries.events_matching(fresh_db, Filters(text="zarghunshah"))
    assert [e["event_id"] for e in found] == ["acled:SYN5"]
    # The insert trigger is back: a second import's rows, and their updates, are searchable.
    more = [acled_row(20, notes="SYNTHETIC: the word kharlachi appears here.")]
    rows[0]["notes"] = "SYNTHETIC: now mentions spinwam."
    import_file(fresh_db, write(tmp_path / "b.csv", ACLED_HEADER, [rows[0], *more]), "acled")
    assert [
        e["event_id"] for e in queries.events_matching(fresh_db, Filters(text="kharlachi"))
    ] == ["acled:SYN20"]
    assert [e["event_id"] for e in queries.events_matching(fresh_db, Filters(text="spinwam"))] == [
        "acled:SYN1"
    ]
    assert queries.events_matching(fresh_db, Filters(text="strike number 1")) == []
    assert store.check(fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]).ok


def test_a_large_file_is_validated_in_a_second_process_with_the_same_result(
    fresh_db, tmp_path, monkeypatch
):
    rows = [acled_row(i) for i in range(1, 30)]
    rows[7]["event_date"] = "95"
    path = write(tmp_path / "mixed.csv", ACLED_HEADER, rows)
    here = import_file(fresh_db, path, "acled", skip_invalid=True, rejects_path=tmp_path / "a.csv")
    other = store.open_writable(tmp_path / "other.db", create=True)
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)  # every file goes to the worker
    monkeypatch.setattr(importer, "BATCH_ROWS", 4)
    there = import_file(other, path, "acled", skip_invalid=True, rejects_path=tmp_path / "b.csv")
    assert (there.rows_read, there.inserted, len(there.rejected)) == (29, 28, 1)
    assert (here.rows_read, here.inserted, len(here.rejected)) == (29, 28, 1)
    assert there.rejected[0].line == here.rejected[0].line == 9
    assert events(other) == events(fresh_db)
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_a_file_the_worker_cannot_read_is_refused_with_its_reason(fresh_db, tmp_path, monkeypatch):
    path = tmp_path / "latin.csv"
    lines = [",".join(ACLED_HEADER)] + [",".join(acled_row(i).values()) for i in range(1, 5)]
    path.write_bytes(("\r\n".join(lines) + "\r\nSYN9,Peshāwar\r\n").encode("cp1252", "replace"))
    path.write_bytes(path.read_bytes().replace(b"Pesh?war", b"Pesh\xe2war"))
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    before = events(fresh_db)
    with pytest.raises(ImportRefused, match="not valid UTF-8"):
        import_file(fresh_db, path, "acled")
    assert events(fresh_db) == before


def test_the_batch_writer_finds_rows_through_an_index_whatever_the_statistics(
    shipped_copy, tmp_path, monkeypatch
):
    """The shipped store's planner statistics describe 87 events. Mid-import the tables are far
    larger than that, and a statement the planner turns into a table scan, repeated for every
    batch, made a million-row import quadratic (107 of its 182 s re-read the rows just written).
    Every read and delete the writer runs must go through an index, for new and known events."""
    monkeypatch.setattr(importer, "BATCH_ROWS", 4)
    db = store.open_writable(shipped_copy)
    plans: list[tuple[str, str]] = []  # a list: both imports run the same SQL text
    write_batch = importer.BatchWriter.write

    def traced(self, batch):
        statements: list[str] = []
        db.conn.set_trace_callback(statements.append)
        try:
            write_batch(self, batch)
        finally:
            db.conn.set_trace_callback(None)
        # Planned now, mid-import, with the statistics the statements ran with (the import
        # refreshes them at its end).
        for sql in statements:
            if sql.lstrip().upper().startswith(("SELECT", "DELETE")):
                rows = db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
                plans.append((sql, " | ".join(r[3] for r in rows)))

    monkeypatch.setattr(importer.BatchWriter, "write", traced)
    first = write(tmp_path / "v1.csv", ACLED_HEADER, [acled_row(i) for i in range(1, 11)])
    import_file(db, first, "acled")
    newer = [acled_row(i, fatalities=str(i + 40), admin2="Urgun") for i in range(1, 11)]
    report = import_file(db, write(tmp_path / "v2.csv", ACLED_HEADER, newer), "acled")
    assert report.updated == 10
    urgun = "SELECT count(*) FROM events WHERE origin = 'acled' AND admin2 = 'Urgun'"
    assert db.execute(urgun).fetchone()[0] == 10
    assert any("json_each" in sql for sql, _ in plans)  # the lookups of known events ran
    assert any(sql.lstrip().upper().startswith("DELETE") for sql, _ in plans)  # and the deletes
    for sql, plan in plans:
        assert "SCAN json_each" in plan or "SEARCH" in plan, plan
        for table in ("events", "event_places", "quality_notes", "documents", "event_sources"):
            assert f"SCAN {table} " not in f"{plan} ", f"{sql[:120]}…: {plan}"
    db.close()


@pytest.mark.parametrize("in_a_second_process", [False, True])
def test_a_ucdp_candidate_file_marks_its_events_unvetted(
    fresh_db, tmp_path, monkeypatch, in_a_second_process
):
    """UCDP's file names tell its candidate files (unvetted) from its GED releases; a candidate
    event says so in extra (shown on its detail) until a release publishes it. The same event in
    the next candidate file, or the next release, is not a change."""
    from dash.imports.ucdp import CANDIDATE

    if in_a_second_process:
        monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    row = ucdp_row(1, date_start="2026-04-02 00:00:00.000", date_end="2026-04-02 00:00:00.000")

    def imported(name: str, rows: list[dict[str, str]]):
        return import_file(fresh_db, write(tmp_path / name, UCDP_HEADER, rows), "ucdp")

    def status(event_id: str) -> str | None:
        extra = fresh_db.execute("SELECT extra FROM events WHERE id = :id", {"id": event_id})
        return json.loads(extra.fetchone()[0]).get("ucdp_status")

    imported("GEDEvent_v26_0_4.csv", [row])
    imported("pak.csv", [ucdp_row(2)])
    assert status("ucdp:501") == CANDIDATE
    assert status("ucdp:502") is None  # a file not named by UCDP: nothing claimed
    assert imported("GEDEvent_v26_01_26_06.csv", [row]).unchanged == 1  # still a candidate
    assert imported("GEDEvent_v27_1.csv", [row]).updated == 1  # vetted: the mark goes
    assert status("ucdp:501") is None
    revisions = fresh_db.execute(
        "SELECT count(*) FROM revisions WHERE row_id = 'ucdp:501' AND column_name = 'extra'"
    ).fetchone()[0]
    assert revisions == 1
    assert imported("GEDEvent_v28_1.csv", [row]).unchanged == 1  # the next release: no change


def test_ucdp_candidate_file_names():
    from dash.imports.ucdp import CANDIDATE, status_of

    assert status_of("GEDEvent_v26_01_26_06.csv") == status_of("GEDEvent_v26_0_4.csv") == CANDIDATE
    assert status_of("GEDEvent_v25_1.csv") is None  # a GED release: vetted
    assert status_of("GEDEvent_v26_0_13.csv") is None  # no 13th month
    assert status_of("conflict_data_pak.csv") is None
