"""Real exports in whole: small SYNTHETIC files written here, each reproducing one quirk that
real UCDP and ACLED exports have (never copies of a real export)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dash import integrity, queries, regions, stats, store
from dash.cli import cli
from dash.filters import Filters
from dash.gazetteer import gazetteer, key
from dash.imports import importer
from dash.imports.importer import ImportFailed, ImportRefused, import_file
from dash.imports.parsing import AmbiguousDates, ReadOptions, RowError, parse_date
from dash.queries import catalogue

from .support import oracle
from .support.files import ACLED_HEADER, UCDP_HEADER, acled_row, events, ucdp_row, write


def column(db, sql):
    return [r[0] for r in db.execute(sql).fetchall()]


# --- figures that break the store's rules in the source itself ---------------------------------

# (low, best, high) as published: in order, best above high, low above best, all reversed
PUBLISHED = [(2, 3, 4), (5, 7, 6), (9, 4, 12), (30, 20, 10), (0, 0, 0), (1, 1, 1)]


@pytest.fixture
def out_of_order(tmp_path):
    rows = [
        ucdp_row(i, low=str(lo), best=str(b), high=str(hi), deaths_a="0", deaths_b="0",
                 deaths_civilians="0", deaths_unknown=str(b))
        for i, (lo, b, hi) in enumerate(PUBLISHED, 1)
    ]  # fmt: skip
    return write(tmp_path / "ged.csv", UCDP_HEADER, rows)


def test_rows_with_figures_out_of_order_are_kept_with_best_as_published(fresh_db, out_of_order):
    report = import_file(fresh_db, out_of_order, "ucdp")
    assert (report.rows_read, report.inserted, report.rejected) == (6, 6, [])
    with out_of_order.open(encoding="utf-8", newline="") as fh:
        source = list(csv.DictReader(fh))
    # the totals of best equal the file's own sum; low and high totals bracket it
    best = sum(int(r["best"]) for r in source)
    total = oracle.headline(fresh_db, Filters())
    assert total["killed"] == best
    assert total["fatalities_low"] <= best <= total["fatalities_high"]
    stored = fresh_db.execute(
        "SELECT fatalities_low, fatalities_best, fatalities_high FROM events ORDER BY rowid"
    ).fetchall()
    # by hand: low = smallest of the three published, high = largest, best untouched
    assert stored == [(2, 3, 4), (5, 7, 7), (4, 4, 12), (10, 20, 30), (0, 0, 0), (1, 1, 1)]
    notes = fresh_db.execute(
        "SELECT event_id, kind, detail FROM quality_notes ORDER BY event_id"
    ).fetchall()
    assert [(e, k) for e, k, _ in notes] == [
        ("ucdp:502", "fatalities_reordered"),
        ("ucdp:503", "fatalities_reordered"),
        ("ucdp:504", "fatalities_reordered"),
    ]
    assert "published low 5, best 7, high 6" in notes[0][2]
    assert report.notes == {"fatalities_reordered": 3}
    assert "fatalities_reordered 3" in report.summary()
    extra = json.loads(
        fresh_db.execute("SELECT extra FROM events WHERE id = 'ucdp:502'").fetchone()[0]
    )
    assert (extra["published_low"], extra["published_best"], extra["published_high"]) == (
        "5",
        "7",
        "6",
    )


def test_the_event_detail_and_the_sources_page_show_the_notes(fresh_db, out_of_order):
    import_file(fresh_db, out_of_order, "ucdp")
    by_kind = catalogue.quality_notes_by_kind(fresh_db)
    assert [(r["kind"], r["origin"], r["events"]) for r in by_kind] == [
        ("fatalities_reordered", "ucdp", 3)
    ]
    assert queries.quality_notes_for(fresh_db, "ucdp:502")[0]["kind"] == "fatalities_reordered"
    exported = list(queries.iter_events_matching(fresh_db, Filters()))
    noted = {e["event_id"]: e["data_quality"] for e in exported if e["data_quality"]}
    assert set(noted) == {"ucdp:502", "ucdp:503", "ucdp:504"}


# --- dates as spreadsheets leave them -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-05-09", "2020-05-09"),
        ("2000-11-07 00:00:00.000", "2000-11-07"),
        ("2020/05/09", "2020-05-09"),
        ("9 May 2020", "2020-05-09"),
        ("09 May 2020", "2020-05-09"),
        ("24 December 2024", "2024-12-24"),
        ("9-May-20", "2020-05-09"),
        ("09-May-2020", "2020-05-09"),
        ("9-May-97", "1997-05-09"),
        ("May 9, 2020", "2020-05-09"),
        ("December 24 2024", "2024-12-24"),
        ("24 Sept 2024", "2024-09-24"),
    ],
)
def test_unambiguous_date_forms_are_read(raw, expected):
    assert parse_date(raw, "event_date", ReadOptions()).isoformat() == expected


def test_an_ambiguous_form_needs_the_order_and_says_how():
    with pytest.raises(AmbiguousDates, match="--date-order dmy") as err:
        parse_date("05/09/2020", "event_date", ReadOptions())
    assert "05/09/2020" in str(err.value)
    assert parse_date("05/09/2020", "d", ReadOptions("dmy")).isoformat() == "2020-09-05"
    assert parse_date("05/09/2020", "d", ReadOptions("mdy")).isoformat() == "2020-05-09"


@pytest.mark.parametrize(("raw", "order"), [("25/09/2025", "dmy"), ("09/25/2025", "mdy")])
def test_a_date_that_reads_one_way_only_still_asks_and_names_that_way(raw, order):
    with pytest.raises(AmbiguousDates) as err:
        parse_date(raw, "event_date", ReadOptions())
    assert "reads only as" in str(err.value) and str(err.value).endswith(f"--date-order {order}")


def test_an_ambiguous_source_date_leaves_the_documents_date_unknown(fresh_db, tmp_path):
    path = write(tmp_path / "u.csv", UCDP_HEADER, [ucdp_row(1, source_date="05/03/2024")])
    assert import_file(fresh_db, path, "ucdp").inserted == 1  # the event's dates are ISO
    published, citation = fresh_db.execute("SELECT published, citation FROM documents").fetchone()
    assert published is None and "05/03/2024" in citation


@pytest.mark.parametrize("raw", ["2024-13-45", "31-Feb-20", "43960", "yesterday"])
def test_a_date_that_is_none_is_refused_with_the_reason(raw):
    with pytest.raises(RowError) as err:
        parse_date(raw, "event_date", ReadOptions())
    assert err.value.column == "event_date"


def test_an_older_acled_export_with_excel_dates_imports_whole(fresh_db, tmp_path):
    # the older layout: data_id, iso, event_id_no_cnty, iso3; dates re-saved by a spreadsheet
    header = ["data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year",
              "time_precision", "event_type", "sub_event_type", "actor1", "country", "admin1",
              "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes",
              "fatalities", "iso3"]  # fmt: skip
    rows = [
        acled_row(i, data_id=str(9000 + i), iso="586", event_id_no_cnty=str(i), iso3="PAK",
                  event_date=f"{i}-May-20", country="Pakistan", admin1="Khyber Pakhtunkhwa",
                  admin2="Bajaur")
        for i in range(1, 6)
    ]  # fmt: skip
    report = import_file(fresh_db, write(tmp_path / "old.csv", header, rows), "acled")
    assert (report.inserted, report.rejected) == (5, [])
    first = events(fresh_db)[0]
    assert first["date_start"] == "2020-05-01"
    extra = json.loads(first["extra"])
    assert (extra["data_id"], extra["iso"], extra["event_id_no_cnty"], extra["iso3"]) == (
        "9001", "586", "1", "PAK",
    )  # fmt: skip


@pytest.mark.parametrize("in_second_process", [False, True], ids=["small file", "large file"])
def test_a_file_of_ambiguous_dates_is_refused_whole_naming_the_form(
    fresh_db, tmp_path, monkeypatch, in_second_process
):
    if in_second_process:  # a file past PARALLEL_BYTES: the refusal crosses the process pipe
        monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    path = write(tmp_path / "us.csv", ACLED_HEADER, [acled_row(1, event_date="05/09/2020")])
    with pytest.raises(ImportRefused, match="--date-order"):
        import_file(fresh_db, path, "acled")
    assert column(fresh_db, "SELECT count(*) FROM events") == [0]
    report = import_file(fresh_db, path, "acled", date_order="mdy")
    assert report.inserted == 1
    assert column(fresh_db, "SELECT date_start FROM events") == ["2020-05-09"]


@pytest.mark.parametrize("written", ["NaN", "nan", "inf", "-inf"])
def test_a_not_a_number_figure_is_kept_as_unreadable_not_a_crash(fresh_db, tmp_path, written):
    # pandas writes NaN for an empty number column; a spreadsheet can hold inf
    path = write(tmp_path / "nan.csv", ACLED_HEADER, [acled_row(1, fatalities=written)])
    report = import_file(fresh_db, path, "acled")
    assert report.inserted == 1
    assert column(fresh_db, "SELECT fatalities_best FROM events") == [None]
    notes = fresh_db.execute("SELECT kind, detail FROM quality_notes").fetchall()
    assert [kind for kind, _ in notes] == ["fatalities_unreadable"]
    assert written in notes[0][1]


def test_an_unknown_encoding_is_named_not_a_traceback(fresh_db, tmp_path):
    path = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1)])
    with pytest.raises(ImportRefused, match="'bogus' is not a text encoding Python knows"):
        import_file(fresh_db, path, "acled", encoding="bogus")
    assert column(fresh_db, "SELECT count(*) FROM events") == [0]


def test_a_rejects_path_in_a_missing_folder_is_refused_before_anything_is_stored(
    synthetic_db_path, tmp_path
):
    rows = [acled_row(1), acled_row(2, event_date="")]  # one row to reject
    path = write(tmp_path / "a.csv", ACLED_HEADER, rows)
    before = integrity.content_digest(store.open_writable(synthetic_db_path))
    result = CliRunner().invoke(
        cli,
        ["import", "acled", str(path), "--skip-invalid", "--rejects",
         str(tmp_path / "missing" / "r.csv"), "--db", str(synthetic_db_path)],
    )  # fmt: skip
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    assert f"the folder {tmp_path / 'missing'} does not exist" in result.output
    assert integrity.content_digest(store.open_writable(synthetic_db_path)) == before
    # the same import with a good path stores the good row and writes the rejected one
    target = tmp_path / "r.csv"
    result = CliRunner().invoke(
        cli,
        ["import", "acled", str(path), "--skip-invalid", "--rejects", str(target),
         "--db", str(synthetic_db_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").splitlines()[1].startswith("3,event_date,")


def test_a_header_that_repeats_a_name_keeps_both_columns_values(fresh_db, tmp_path):
    header = [*ACLED_HEADER, "notes", ""]  # a second 'notes', and a delimiter after the last name
    row = acled_row(1, notes="SYNTHETIC first notes")
    path = tmp_path / "dup.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerow([*(row[h] for h in ACLED_HEADER), "SYNTHETIC second notes"])  # no last cell
    report = import_file(fresh_db, path, "acled")
    assert (report.inserted, report.rejected) == (1, [])  # the unnamed last column cuts nothing
    summary, extra = fresh_db.execute("SELECT summary, extra FROM events").fetchone()
    assert summary == "SYNTHETIC first notes"
    assert json.loads(extra)["notes (2)"] == "SYNTHETIC second notes"
    assert "the header repeats 'notes': kept as 'notes (2)'" in report.summary()


@pytest.mark.parametrize("line_end", ["", "\r\n"], ids=["cut short", "a note under the table"])
def test_a_last_line_holding_only_an_id_is_a_cut_record_unless_the_line_ends(
    fresh_db, tmp_path, line_end
):
    path = write(tmp_path / "cut.csv", ACLED_HEADER, [acled_row(1), acled_row(2)])
    path.write_bytes(path.read_bytes() + b"SYN9998" + line_end.encode())
    if line_end:  # a finished line with one value: a note ("Source: ..."), skipped and reported
        report = import_file(fresh_db, path, "acled")
        assert (
            report.inserted == 2 and "note row(s) (one or two cells, no record)" in report.summary()
        )
        return
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    (reject,) = err.value.report.rejected
    assert reject.line == 4 and "at the end of the file" in reject.value
    assert reject.reason == "a truncated record: it ends early"
    assert column(fresh_db, "SELECT count(*) FROM events") == [0]


def test_an_unreadable_ucdp_side_death_count_is_noted_with_its_value(fresh_db, tmp_path):
    path = write(tmp_path / "u.csv", UCDP_HEADER, [ucdp_row(1, deaths_a="x")])
    import_file(fresh_db, path, "ucdp")
    (detail,) = column(
        fresh_db, "SELECT detail FROM quality_notes WHERE kind = 'fatalities_unreadable'"
    )
    assert "deaths_a 'x'" in detail


def test_a_sub_type_spelled_in_other_letter_case_is_acleds_and_a_wrong_one_is_named(
    fresh_db, tmp_path
):
    rows = [
        acled_row(1, event_type="battles", sub_event_type="Armed Clash"),
        acled_row(2, event_type="Battles", sub_event_type="Air/drone strike"),
    ]
    path = write(tmp_path / "case.csv", ACLED_HEADER, rows)
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    (reject,) = err.value.report.rejected  # line 3; line 2 is read as ACLED's own pair
    assert (reject.line, reject.column, reject.value) == (3, "sub_event_type", "Air/drone strike")
    assert "not one of the event type 'Battles''s: Government regains territory" in reject.reason
    report = import_file(fresh_db, path, "acled", skip_invalid=True)
    assert report.inserted == 1
    assert fresh_db.execute("SELECT event_type, sub_event_type FROM events").fetchall() == [
        ("Battles", "Armed clash")
    ]


def test_a_utf16_file_with_its_mark_is_read_without_being_told(fresh_db, tmp_path):
    text = write(tmp_path / "u8.csv", ACLED_HEADER, [acled_row(1, location="SYNTHETIC پشاور")])
    path = tmp_path / "unicode.csv"  # Excel's "Unicode text" is UTF-16 with a byte-order mark
    path.write_bytes(text.read_text(encoding="utf-8").encode("utf-16"))
    assert import_file(fresh_db, path, "acled").inserted == 1
    assert column(fresh_db, "SELECT location FROM events") == ["SYNTHETIC پشاور"]


@pytest.mark.parametrize(
    ("start", "said"),
    [
        (b"PK\x03\x04", "starts as a zip archive or an Excel workbook (.xlsx) does, but cannot"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "NUL bytes"),
    ],
    ids=["damaged-xlsx", "png"],
)
def test_a_file_that_is_not_text_is_named_for_what_it_is(fresh_db, tmp_path, start, said):
    path = tmp_path / "renamed.csv"
    path.write_bytes(start + bytes(range(256)) * 4)
    with pytest.raises(ImportRefused, match=said.replace("(", r"\(").replace(")", r"\)")):
        import_file(fresh_db, path, "acled")
    assert column(fresh_db, "SELECT count(*) FROM events") == [0]


def test_an_id_padded_to_full_width_mid_table_is_a_record_and_a_two_cell_note_under_it_is_not(
    fresh_db, tmp_path
):
    padded = ["SYN7"] + [""] * (len(ACLED_HEADER) - 1)  # an id and nothing else, full width
    path = tmp_path / "mid.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(ACLED_HEADER)
        out.writerow([acled_row(1)[h] for h in ACLED_HEADER])
        out.writerow(padded)  # line 3: a record without its date, not a note
        out.writerow([acled_row(2)[h] for h in ACLED_HEADER])
        out.writerow(["Source: SYNTHETIC", "ACLED"])  # line 5: under the table, two cells
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    assert [r.line for r in err.value.report.rejected] == [3]
    report = import_file(fresh_db, path, "acled", skip_invalid=True)
    assert report.inserted == 2
    assert "note row(s) (one or two cells, no record) skipped at line 5" in (report.summary())


def test_a_renamed_column_never_takes_a_name_the_header_already_has(fresh_db, tmp_path):
    header = [*ACLED_HEADER, "notes (2)", "notes"]
    row = [*(acled_row(1)[h] for h in ACLED_HEADER), "SYNTHETIC explicit", "SYNTHETIC third"]
    path = tmp_path / "collide.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, row])
    report = import_file(fresh_db, path, "acled")
    extra = json.loads(fresh_db.execute("SELECT extra FROM events").fetchone()[0])
    assert (extra["notes (2)"], extra["notes (3)"]) == ("SYNTHETIC explicit", "SYNTHETIC third")
    assert "the header repeats 'notes': kept as 'notes (3)'" in report.summary()


@pytest.mark.parametrize(
    ("encoding", "given", "imports"),
    [("utf-16-le", None, False), ("utf-16-le", "utf-16-le", True), ("utf-16", "utf-16", True),
     ("utf-32", None, True)],
)  # fmt: skip
def test_utf16_and_utf32_files_are_read_or_the_message_says_how(
    fresh_db, tmp_path, encoding, given, imports
):
    text = write(tmp_path / "u8.csv", ACLED_HEADER, [acled_row(1)]).read_text(encoding="utf-8")
    path = tmp_path / "wide.csv"
    path.write_bytes(text.encode(encoding))  # utf-16-le: no byte-order mark
    if imports:
        assert import_file(fresh_db, path, "acled", encoding=given).inserted == 1
        return
    with pytest.raises(ImportRefused, match="--encoding utf-16-le") as err:
        import_file(fresh_db, path, "acled", encoding=given)
    assert "NUL bytes" in str(err.value)


def test_a_codec_that_is_not_of_text_is_refused_as_an_encoding(fresh_db, tmp_path):
    path = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1)])
    with pytest.raises(ImportRefused, match="'base64' is not a text encoding"):
        import_file(fresh_db, path, "acled", encoding="base64")


def test_the_rejects_file_cannot_be_the_file_being_imported(fresh_db, tmp_path):
    path = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1), acled_row(2, event_date="")])
    before = path.read_bytes()
    with pytest.raises(ImportRefused, match="is the file being imported"):
        import_file(fresh_db, path, "acled", skip_invalid=True, rejects_path=path)
    assert path.read_bytes() == before


def test_a_nul_byte_deep_in_a_file_refuses_its_row_naming_the_column(fresh_db, tmp_path):
    rows = [acled_row(i, notes="SYNTHETIC " + "x" * 300) for i in range(1, 400)]  # past 64 KiB
    rows[-1]["event_id_cnty"] = "SYN\x00399"
    path = write(tmp_path / "nul.csv", ACLED_HEADER, rows)
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    (reject,) = err.value.report.rejected
    assert (reject.line, reject.column) == (400, "event_id_cnty") and "NUL byte" in reject.reason


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("1,000", 1000),
        ("1,5", None),
        ("12", 12),
        ("3.0", 3),
        ("1.000", None),
        ("12.000", None),
        ("0.000", 0),
    ],
)
def test_a_comma_in_a_figure_is_a_thousands_separator_and_a_point_before_000_is_unreadable(
    fresh_db, tmp_path, written, stored
):
    path = write(tmp_path / "c.csv", ACLED_HEADER, [acled_row(1, fatalities=written)])
    import_file(fresh_db, path, "acled")
    assert column(fresh_db, "SELECT fatalities_best FROM events") == [stored]
    notes = column(fresh_db, "SELECT kind FROM quality_notes")
    assert notes == ([] if stored is not None else ["fatalities_unreadable"])


def test_a_count_written_with_a_grouping_point_is_noted_as_reading_two_ways(fresh_db, tmp_path):
    # A German or Turkish spreadsheet writes a thousand as "1.000"; an English one, a decimal.
    acled = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1, fatalities="2.000")])
    ucdp = write(tmp_path / "u.csv", UCDP_HEADER, [ucdp_row(1, best="1.000", deaths_a="x")])
    import_file(fresh_db, acled, "acled")
    import_file(fresh_db, ucdp, "ucdp")
    details = column(
        fresh_db,
        "SELECT detail FROM quality_notes WHERE kind = 'fatalities_unreadable' ORDER BY event_id",
    )
    assert details == [
        "ACLED fatalities '2.000' reads as 2 or as 2,000 (a point may group thousands)",
        "UCDP best '1.000' reads as 1 or as 1,000 (a point may group thousands); "
        "deaths_a 'x' is not a whole number ≥ 0",
    ]
    assert column(fresh_db, "SELECT fatalities_best FROM events ORDER BY id") == [None, None]


@pytest.mark.parametrize(
    ("line_end", "encoding", "last", "stored"),
    [
        ("\r", "utf-8", "Source: SYNTHETIC export\r", 2),  # Excel for Mac: CR alone
        ("\n", "utf-32", "Source: SYNTHETIC export\n", 2),
        ("\r\n", "utf-8", "Source: SYNTHETIC export", 2),  # a note, even without its line end
        ("\r\n", "utf-8", "7", None),  # one character of the next record: cut short
        ("\r\n", "utf-8", "Total:,,,\r\n", 2),
    ],
    ids=["cr-only", "utf-32", "note-no-line-end", "cut-one-char", "total-colon"],
)
def test_the_last_line_is_told_by_its_text_and_its_line_end(
    fresh_db, tmp_path, line_end, encoding, last, stored
):
    rows = [[acled_row(n)[h] for h in ACLED_HEADER] for n in (1, 2)]
    body = io.StringIO(newline="")
    csv.writer(body, lineterminator=line_end).writerows([ACLED_HEADER, *rows])
    path = tmp_path / "end.csv"
    path.write_bytes((body.getvalue() + last).encode(encoding))
    if stored is None:
        with pytest.raises(ImportFailed) as err:
            import_file(fresh_db, path, "acled")
        assert "at the end of the file" in err.value.report.rejected[0].value
        return
    assert import_file(fresh_db, path, "acled").inserted == stored


def test_a_document_still_cited_elsewhere_stays_when_its_event_goes(fresh_db, tmp_path):
    from dash.imports.bulk import delete_events

    path = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1, source="SYNTHETIC Shared")])
    import_file(fresh_db, path, "acled")
    (doc,) = column(fresh_db, "SELECT id FROM documents")
    # a tracker figure cites the same document (each kind of reference keeps it)
    fresh_db.execute(
        """INSERT INTO statistics (id, tracker, document_id, period_start, period_end, region,
                                   metric, value, definition)
           VALUES ('syn-stat', 'SYNTHETIC', :doc, '2024-01-01', '2024-12-31', 'Pakistan',
                   'fatalities', 1, 'SYNTHETIC')""",
        {"doc": doc},
    )
    with fresh_db.atomic():
        assert delete_events(fresh_db, ["acled:SYN1"], None, "SYNTHETIC") == ["acled:SYN1"]
    assert column(fresh_db, "SELECT id FROM documents") == [doc]


# --- the region --------------------------------------------------------------------------------


def test_a_multi_country_export_keeps_the_region_and_says_what_it_left_out(fresh_db, tmp_path):
    rows = [
        acled_row(1),  # Afghanistan
        acled_row(2, country="Pakistan", admin1="Balochistan", admin2="Quetta"),
        acled_row(3, country="Mexico", admin1="Jalisco", admin2=""),
        acled_row(4, country="Ukraine", admin1="Kharkiv", admin2=""),
        acled_row(5, country="Ukraine", admin1="Donetsk", admin2=""),
    ]
    path = write(tmp_path / "world.csv", ACLED_HEADER, rows)
    report = import_file(fresh_db, path, "acled")
    assert report.inserted == 2
    assert dict(report.outside_region) == {"Ukraine": 2, "Mexico": 1}
    assert "3 outside the region (Pakistan, Afghanistan) left out: Ukraine 2, Mexico 1" in (
        report.summary()
    )
    assert sorted(column(fresh_db, "SELECT country FROM events")) == ["Afghanistan", "Pakistan"]
    everything = import_file(fresh_db, path, "acled", all_countries=True)
    assert (everything.inserted, everything.unchanged) == (3, 2)


def test_an_import_that_stores_nothing_fails_and_is_logged_as_refused(synthetic_db_path, tmp_path):
    path = write(tmp_path / "mx.csv", ACLED_HEADER,
                 [acled_row(1, country="Mexico", admin1="Jalisco", admin2="")])  # fmt: skip
    result = CliRunner().invoke(cli, ["import", "acled", str(path), "--db", str(synthetic_db_path)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "--all-countries" in result.output
    db = store.open_readonly(synthetic_db_path)
    status, message = db.execute(
        "SELECT status, message FROM imports ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert status == "rejected" and "outside the store's region" in message
    db.close()


def test_skip_invalid_that_stores_nothing_is_a_failure(fresh_db, tmp_path):
    path = write(tmp_path / "bad.csv", ACLED_HEADER, [acled_row(1, event_date="")])
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled", skip_invalid=True)
    assert "none of the 1 rows could be stored" in str(err.value)
    assert column(fresh_db, "SELECT status FROM imports") == ["rejected"]


def test_the_region_is_a_setting_of_the_store(synthetic_db_path, tmp_path):
    result = CliRunner().invoke(cli, ["region", "--db", str(synthetic_db_path)])
    assert result.output.strip() == "Pakistan, Afghanistan"
    result = CliRunner().invoke(cli, ["region", "PAK", "Mexico", "--db", str(synthetic_db_path)])
    assert result.exit_code == 0 and "Pakistan, Mexico" in result.output
    db = store.open_writable(synthetic_db_path)
    assert regions.region(db) == ("Pakistan", "Mexico")
    path = write(tmp_path / "mx.csv", ACLED_HEADER,
                 [acled_row(1), acled_row(2, country="Mexico", admin1="Jalisco", admin2="")])  # fmt: skip
    report = import_file(db, path, "acled")
    assert (report.inserted, dict(report.outside_region)) == (1, {"Afghanistan": 1})
    db.close()


# --- records spanning lines, truncated records ---------------------------------------------


def test_a_bad_record_spanning_lines_is_named_by_its_first_line(fresh_db, tmp_path):
    rows = [
        acled_row(1, notes="SYNTHETIC first line\nsecond line\nthird line"),
        acled_row(2, notes="SYNTHETIC also\nmulti-line", event_date=""),
    ]
    path = write(tmp_path / "multi.csv", ACLED_HEADER, rows)
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    # line 1 header, record 1 on lines 2–4, record 2 starts on line 5
    assert [(r.line, r.column) for r in err.value.report.rejected] == [(5, "event_date")]


def test_a_truncated_record_is_refused_not_stored_half(fresh_db, tmp_path):
    path = write(tmp_path / "cut.csv", ACLED_HEADER, [acled_row(1), acled_row(2)])
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"SYNTHETIC: strike number 2")])  # cut inside row 2
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, path, "acled")
    assert [(r.line, r.column, r.reason) for r in err.value.report.rejected] == [
        (3, "row", "a truncated record: it ends early")
    ]
    assert column(fresh_db, "SELECT count(*) FROM events") == [0]


# --- UCDP fields and side deaths ------------------------------------------------------------


def test_ucdp_keeps_the_violence_type_and_attributes_side_deaths(fresh_db, tmp_path):
    rows = [
        # state-based: Government of Pakistan (side a) 5 dead, TTP (side b) 9, civilians 2
        ucdp_row(1, type_of_violence="1", side_a="Government of Pakistan", side_b="TTP",
                 deaths_a="5", deaths_b="9", deaths_civilians="2", deaths_unknown="0",
                 low="16", best="16", high="20"),
        # one-sided: IS against civilians, 7 civilians, 1 unknown
        ucdp_row(2, type_of_violence="3", side_a="IS", side_b="Civilians", deaths_a="0",
                 deaths_b="0", deaths_civilians="7", deaths_unknown="1", low="8", best="8",
                 high="8", conflict_name="IS - Civilians", dyad_name="IS - Civilians"),
        # non-state: two groups
        ucdp_row(3, type_of_violence="2", side_a="SYNTHETIC group A", side_b="SYNTHETIC group B",
                 deaths_a="3", deaths_b="4", deaths_civilians="0", deaths_unknown="2",
                 low="9", best="9", high="9"),
    ]  # fmt: skip
    import_file(fresh_db, write(tmp_path / "ged.csv", UCDP_HEADER, rows), "ucdp")
    got = fresh_db.execute(
        """SELECT id, deaths_security_forces, deaths_militants, deaths_civilians, deaths_unknown,
                  json_extract(extra, '$.ucdp_violence_type'), json_extract(extra, '$.conflict_name')
             FROM events ORDER BY id"""
    ).fetchall()
    assert got == [
        ("ucdp:501", 5, 9, 2, 0, "state-based", "Pakistan: Government"),
        ("ucdp:502", None, 0, 7, 1, "one-sided", "IS - Civilians"),
        ("ucdp:503", None, 7, 0, 2, "non-state", "Pakistan: Government"),
    ]
    # nothing of UCDP's best is left unattributed: the source itself says who died
    parts = {r["value"]: r["killed"] for r in oracle.victim_categories(fresh_db, Filters())}
    assert parts["Not broken down"] == 0
    assert sum(v for k, v in parts.items() if k != "Not broken down") == 16 + 8 + 9


def test_ucdp_source_date_and_full_headlines_reach_the_document(fresh_db, tmp_path):
    headline = "SYNTHETIC " + "very long headline " * 60
    rows = [ucdp_row(1, source_date="2024-12-22;2024-12-21", source_headline=headline)]
    import_file(fresh_db, write(tmp_path / "ged.csv", UCDP_HEADER, rows), "ucdp")
    published, title, publisher = fresh_db.execute(
        "SELECT published, title, publisher FROM documents WHERE id = 'ucdp-source:501'"
    ).fetchone()
    assert published == "2024-12-21" and title == headline.strip() and len(title) > 500


# --- one name per place ----------------------------------------------------------------------

SPELLINGS = [
    ("Pakistan", "Khyber Pakhtunkwa province", "Khyber Pakhtunkhwa"),
    ("Pakistan", "KPK", "Khyber Pakhtunkhwa"),
    ("Pakistan", "North-West Frontier Province", "Khyber Pakhtunkhwa"),
    ("Pakistan", "Federally Administered Tribal Areas", "Khyber Pakhtunkhwa"),
    ("Afghanistan", "Paktiya", "Paktia"),
    ("Afghanistan", "Hirat", "Herat"),
    ("Afghanistan", "Ningarhar", "Nangarhar"),
    ("Afghanistan", "Nangarhar province", "Nangarhar"),
    # in the countries' own scripts, with the letters each language writes its own way
    ("Afghanistan", "ننګرهار", "Nangarhar"),  # Pashto's gaf with a ring
    ("Afghanistan", "ننگرهار", "Nangarhar"),  # Dari's gaf
    ("Afghanistan", "كابل", "Kabul"),  # the Arabic kaf
    ("Afghanistan", "ولایت خوست", "Khost"),  # "province" in Dari
    ("Pakistan", "خیبر پښتونخوا", "Khyber Pakhtunkhwa"),  # Pashto
    ("Pakistan", "صوبہ خیبر پختونخوا", "Khyber Pakhtunkhwa"),  # Urdu, with "province"
    ("Afghanistan", "کنڑ", "Kunar"),  # Urdu's retroflex r, where Pashto writes ړ
]


@pytest.mark.parametrize(("country", "spelling", "canonical"), SPELLINGS)
def test_spellings_resolve_to_one_canonical_province(country, spelling, canonical):
    assert gazetteer().resolve(country, spelling).admin1 == canonical


def test_every_alias_resolves_to_exactly_one_canonical_place():
    g = gazetteer()
    for level, spelling, canonical in g.aliases:
        if level == "country":
            assert g.country(spelling) == canonical
        elif level == "province":
            owners = {p.name for (c, k), p in g.provinces.items() if k == key(spelling)}
            assert owners == {canonical} or len({p.country for (c, k), p in g.provinces.items()
                                                  if k == key(spelling)}) == len(owners), spelling  # fmt: skip
            assert any(
                g.province(country, spelling).name == canonical
                for country in {p.country for p in g.provinces.values() if p.name == canonical}
            )
        else:
            homes = [p for p in g.provinces.values() if key(spelling) in p.districts]
            assert all(p.districts[key(spelling)] in (canonical, p.districts[key(spelling)])
                       for p in homes)  # fmt: skip
            assert any(p.districts[key(spelling)] == canonical for p in homes), spelling


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([s for lvl, s, _ in gazetteer().aliases if lvl == "province"]),
       st.sampled_from(["{}", "{} province", "{} PROVINCE", " {} ", "{}."]))  # fmt: skip
def test_a_province_alias_resolves_whatever_its_case_and_decoration(spelling, form):
    g = gazetteer()
    variants = {p.name for (c, k), p in g.provinces.items() if k == key(spelling)}
    assert len(variants) == 1  # no spelling names two provinces
    found = g.province(None, form.format(spelling)) or next(
        g.province(c, form.format(spelling)) for c in ("Pakistan", "Afghanistan")
        if g.province(c, form.format(spelling))
    )  # fmt: skip
    assert found.name in variants


def test_every_breakdown_shows_one_bar_per_province(fresh_db, tmp_path):
    rows = [
        ucdp_row(1, adm_1="Khyber Pakhtunkwa province", adm_2="North Waziristan agency"),
        ucdp_row(2, adm_1="Khyber Pakhtunkhwa", adm_2="North Waziristan"),
        ucdp_row(3, adm_1="NWFP", adm_2="Bajaur Agency"),
        ucdp_row(4, adm_1="Paktika and Khost", adm_2="", country="Afghanistan"),
        ucdp_row(5, adm_1="Paktiya province", adm_2="", country="Afghanistan"),
        ucdp_row(6, adm_1="Wazirstan Provnce", adm_2=""),  # a spelling no gazetteer knows
    ]
    report = import_file(fresh_db, write(tmp_path / "ged.csv", UCDP_HEADER, rows), "ucdp")
    assert dict(report.unknown_places) == {("province", "Wazirstan Provnce"): 1}
    assert "province 'Wazirstan Provnce' 1" in report.summary()
    bars = {b["value"]: b["events"] for b in oracle.breakdown(fresh_db, Filters(), "province")}
    # the pair counts under both provinces; the unknown spelling is kept, noted, not merged
    assert bars == {"Khyber Pakhtunkhwa": 3, "Paktika": 1, "Khost": 1, "Paktia": 1,
                    "Wazirstan Provnce": 1}  # fmt: skip
    assert oracle.headline(fresh_db, Filters())["events"] == 6  # the pair is counted once
    assert oracle.count_events(fresh_db, Filters(provinces=("Khost",))) == 1
    districts = {b["value"] for b in oracle.breakdown(fresh_db, Filters(), "district")}
    assert {
        "North Waziristan",
        "Bajaur",
    } <= districts and "North Waziristan agency" not in districts
    published = column(fresh_db, "SELECT admin1_as_published FROM events WHERE id = 'ucdp:501'")
    assert published == ["Khyber Pakhtunkwa province"]
    assert queries.quality_notes_for(fresh_db, "ucdp:506")[0]["kind"] == "place_not_in_gazetteer"


def test_place_names_in_urdu_pashto_and_dari_script_resolve_and_are_kept_as_published(
    fresh_db, tmp_path
):
    rows = [
        acled_row(1, country="Afghanistan", admin1="ولایت ننګرهار", admin2=""),
        acled_row(2, country="Afghanistan", admin1="كابل", admin2=""),
        acled_row(3, country="Pakistan", admin1="خیبر پختونخوا", admin2="باجوڑ", iso="586"),
        acled_row(4, country="Pakistan", admin1="صوبہ بلوچستان", admin2="کوئٹہ", iso="586"),
        acled_row(5, country="Afghanistan", admin1="پکتیکا", admin2="ولسوالۍ SYNTHETIC"),
        acled_row(6, country="Afghanistan", admin1="ولایت SYNTHETIC", admin2=""),
    ]
    report = import_file(fresh_db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    assert dict(report.unknown_places) == {
        ("district", "ولسوالۍ SYNTHETIC"): 1,
        ("province", "ولایت SYNTHETIC"): 1,
    }
    stored = fresh_db.execute(
        "SELECT id, admin1, admin2, admin1_as_published, admin2_as_published FROM events"
        " ORDER BY id"
    ).fetchall()
    assert stored == [
        ("acled:SYN1", "Nangarhar", None, "ولایت ننګرهار", None),
        ("acled:SYN2", "Kabul", None, "كابل", None),
        ("acled:SYN3", "Khyber Pakhtunkhwa", "Bajaur", "خیبر پختونخوا", "باجوڑ"),
        ("acled:SYN4", "Balochistan", "Quetta", "صوبہ بلوچستان", "کوئٹہ"),
        ("acled:SYN5", "Paktika", "ولسوالۍ SYNTHETIC", "پکتیکا", "ولسوالۍ SYNTHETIC"),
        ("acled:SYN6", "ولایت SYNTHETIC", None, "ولایت SYNTHETIC", None),
    ]
    assert oracle.count_events(fresh_db, Filters(provinces=("Nangarhar", "Kabul"))) == 2
    (note,) = queries.quality_notes_for(fresh_db, "acled:SYN6")
    assert note["kind"] == "place_not_in_gazetteer" and "ولایت SYNTHETIC" in note["detail"]


# --- labels and as-of -------------------------------------------------------------------------


def test_labels_name_whose_estimate_when_origins_mix():
    assert stats.estimate_label(["curated"]) == "Curated estimate (best, else low)"
    assert stats.estimate_label(["ucdp"]) == "UCDP best"
    assert stats.estimate_label(["acled", "curated", "ucdp"]) == (
        "Estimates: ACLED reported fatalities + curated estimate + UCDP best"
    )
    # the "Whose figures" box: short enough not to be cut
    assert stats.estimate_label(["acled", "curated", "ucdp"], short=True) == (
        "Estimates: ACLED, curated, UCDP"
    )
    assert stats.estimate_label(["curated"], short=True) == "Curated estimate"


def test_data_as_of_is_computed_from_the_data(synthetic_db_path, tmp_path):
    db = store.open_writable(synthetic_db_path)
    before = catalogue.data_as_of(db)
    assert before.startswith("events to 2024-05-01")
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1, event_date="2025-02-03")]),
                "acled")  # fmt: skip
    after = catalogue.data_as_of(db)
    assert after.startswith("events to 2025-02-03 · last import ")
    db.close()


# --- possible duplicates, found at import and stored ----------------------------------------


def test_duplicates_are_found_incrementally_and_follow_updates(synthetic_db_path, tmp_path):
    db = store.open_writable(synthetic_db_path)
    near = dict(event_date="2024-05-02", event_type="Battles", sub_event_type="Armed clash",
                latitude="33.82", longitude="70.01")  # fmt: skip
    report = import_file(
        db, write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1, **near)]), "acled"
    )
    assert report.duplicate_pairs == 1
    pairs = column(db, "SELECT event_id || '~' || other_event_id FROM possible_duplicates")
    assert pairs == ["acled:SYN1~curated:syn-2"]
    # the same file again adds nothing; a newer export that moves the event away drops the pair
    assert import_file(db, tmp_path / "a.csv", "acled").duplicate_pairs == 0
    moved = {**near, "latitude": "35.5"}
    import_file(db, write(tmp_path / "b.csv", ACLED_HEADER, [acled_row(1, **moved)]), "acled")
    assert column(db, "SELECT count(*) FROM possible_duplicates") == [0]
    db.close()


# --- random damage: stored with notes, or refused whole ---------------------------------------

_VALID = io.StringIO(newline="")
_writer = csv.writer(_VALID, lineterminator="\r\n")
_writer.writerow(UCDP_HEADER)
for _i in range(1, 4):
    _writer.writerow([ucdp_row(_i).get(h, "") for h in UCDP_HEADER])
VALID_UCDP = _VALID.getvalue()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["low", "best", "high", "date_start", "adm_1", "latitude", "where_prec"]
            ),
            st.integers(1, 3),
            st.sampled_from(["", "-1", "abc", "99999", "2024-02-30", "Paktiya", "1e3", "7"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_random_mutations_are_stored_with_notes_or_refused_whole(tmp_path_factory, mutations):
    folder = tmp_path_factory.mktemp("mutate")
    rows = list(csv.DictReader(io.StringIO(VALID_UCDP)))
    for name, row, value in mutations:
        rows[row - 1][name] = value
    path = write(folder / "ged.csv", UCDP_HEADER, rows)
    db = store.open_writable(folder / "m.db", create=True)
    before = integrity.content_digest(db)
    try:
        report = import_file(db, path, "ucdp")
    except (ImportFailed, ImportRefused):
        assert integrity.content_digest(db) == before  # refused whole: nothing written
        return
    finally:
        pass
    assert report.stored == 3  # every row kept
    low_best_high = db.execute(
        "SELECT count(*) FROM events WHERE fatalities_low > fatalities_best"
        " OR fatalities_best > fatalities_high"
    ).fetchone()[0]
    assert low_best_high == 0
    db.close()
