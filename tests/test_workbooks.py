"""Excel workbooks (.xlsx) imported as they are: small SYNTHETIC workbooks written here with
typed cells (dates, numbers, line breaks, several sheets), as ACLED's export tool and analysts'
own spreadsheets save them."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tomllib
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dash import store
from dash.cli import cli
from dash.imports import importer, ucdp
from dash.imports.importer import ImportFailed, ImportRefused, import_file
from dash.imports.mapped import MappedFormat, load_mapping
from dash.imports.suggest import suggest
from dash.imports.workbook import _write_rows, cell_text

from .support.files import ACLED_HEADER, acled_row, write


def typed(column: str, value: str) -> object:
    """A cell as Excel holds it: dates as dates, numbers as numbers, the rest as text."""
    if column == "event_date" and value:
        return dt.datetime.fromisoformat(value)
    if value.isdigit():
        return int(value)
    try:
        return float(value)
    except ValueError:
        return value or None


def workbook(path, sheets: dict[str, list[list[object]]]):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def acled_sheet(rows: list[dict[str, str]]) -> list[list[object]]:
    return [ACLED_HEADER, *[[typed(c, r[c]) for c in ACLED_HEADER] for r in rows]]


def stored_events(db) -> list[tuple]:
    return db.execute("SELECT * FROM events ORDER BY id").fetchall()


def test_a_workbook_imports_the_events_its_csv_would(tmp_path):
    rows = [acled_row(1), acled_row(2, notes="SYNTHETIC: two lines\nof notes", fatalities="0"),
            acled_row(3, event_date="2025-01-31", latitude="33.25")]  # fmt: skip
    from_csv = store.open_writable(tmp_path / "csv.db", create=True)
    from_xlsx = store.open_writable(tmp_path / "xlsx.db", create=True)
    import_file(from_csv, write(tmp_path / "acled.csv", ACLED_HEADER, rows), "acled")
    book = workbook(tmp_path / "acled.xlsx", {"Data": acled_sheet(rows)})
    report = import_file(from_xlsx, book, "acled")
    assert report.sheet == "Data" and report.inserted == 3
    assert "sheet 'Data': 3 rows read" in report.summary()
    assert stored_events(from_xlsx) == stored_events(from_csv)
    (notes,) = from_xlsx.execute("SELECT summary FROM events WHERE id = 'acled:SYN2'").fetchone()
    assert notes == "SYNTHETIC: two lines\nof notes"


def test_a_rejected_row_is_named_by_its_row_in_the_sheet(fresh_db, tmp_path):
    # Row 2's notes hold a line break: the CSV text takes two lines, the sheet one row.
    rows = [acled_row(1, notes="SYNTHETIC: a\nb\nc"), acled_row(2, event_date="")]
    book = workbook(tmp_path / "bad.xlsx", {"Sheet1": acled_sheet(rows)})
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, book, "acled")
    (reject,) = err.value.report.rejected
    assert (reject.line, reject.column) == (3, "event_date")
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_a_note_under_the_table_and_a_blank_row_are_skipped(fresh_db, tmp_path):
    sheet = acled_sheet([acled_row(1), acled_row(2)])
    sheet += [[], ["Source: SYNTHETIC export, downloaded 2026-12-01"]]
    report = import_file(fresh_db, workbook(tmp_path / "n.xlsx", {"Export": sheet}), "acled")
    assert report.inserted == 2
    assert "line 5" in report.skipped and "blank" in report.skipped


def test_several_sheets_need_one_named(fresh_db, tmp_path):
    book = workbook(tmp_path / "two.xlsx", {"README": [["SYNTHETIC notes"]],
                                             "Data": acled_sheet([acled_row(1)])})  # fmt: skip
    with pytest.raises(ImportRefused, match=r"2 visible sheets \('README', 'Data'\).*--sheet"):
        import_file(fresh_db, book, "acled")
    with pytest.raises(
        ImportRefused, match=r"no worksheet 'Events'; its sheets are 'README', 'Data'"
    ):
        import_file(fresh_db, book, "acled", sheet="Events")
    assert import_file(fresh_db, book, "acled", sheet="Data").inserted == 1


def test_a_hidden_sheet_does_not_count_but_can_be_named(fresh_db, tmp_path):
    book = Workbook()
    book.active.title = "Data"
    for row in acled_sheet([acled_row(1)]):
        book.active.append(row)
    lookup = book.create_sheet("lookup")
    for row in acled_sheet([acled_row(2), acled_row(3)]):
        lookup.append(row)
    lookup.sheet_state = "hidden"
    codes = book.create_sheet("codes")  # "very hidden": only a macro can show it
    codes.append(["SYNTHETIC"])
    codes.sheet_state = "veryHidden"
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    report = import_file(fresh_db, path, "acled")
    assert (report.sheet, report.inserted) == ("Data", 1)
    assert import_file(fresh_db, path, "acled", sheet="LOOKUP").inserted == 2  # as Excel: any case


def test_a_visible_notes_sheet_read_by_default_names_the_hidden_data_sheet(fresh_db, tmp_path):
    book = Workbook()
    book.active.title = "README"
    book.active.append(["SYNTHETIC readme"])
    data = book.create_sheet("Data")
    for row in acled_sheet([acled_row(1)]):
        data.append(row)
    data.sheet_state = "hidden"
    path = tmp_path / "readme-first.xlsx"
    book.save(path)
    with pytest.raises(
        ImportRefused, match=r"sheet 'README' read; its other sheets: 'Data' \(hidden\)"
    ):
        import_file(fresh_db, path, "acled")


def test_a_workbook_named_for_another_format_is_read_by_its_contents(fresh_db, tmp_path):
    book = workbook(tmp_path / "book.xlsx", {"Data": acled_sheet([acled_row(1)])})
    renamed = book.rename(tmp_path / "export.xls")  # saved by a tool that names it so
    assert import_file(fresh_db, renamed, "acled").inserted == 1


def test_a_damaged_sheet_inside_a_readable_archive_is_refused_naming_it(fresh_db, tmp_path):
    book = workbook(tmp_path / "good.xlsx", {"Data": acled_sheet([acled_row(1)])})
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(damaged, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # the sheet's XML cut short
            out.writestr(item, data)
    with pytest.raises(ImportRefused, match="sheet 'Data' cannot be read .*damaged"):
        import_file(fresh_db, damaged, "acled")


def test_notes_of_two_cells_padded_to_the_header_width_are_notes(fresh_db, tmp_path):
    # Excel pads every row of a sheet's CSV, and a workbook's sheet is read so: a heading
    # between records and a two-cell source line under the table are notes, not records.
    sheet = acled_sheet([acled_row(1)])
    sheet += [[None, "SYNTHETIC section: Paktika"], acled_sheet([acled_row(2)])[1]]
    sheet += [["Source:", "SYNTHETIC export, downloaded 2026-12-01"]]
    report = import_file(fresh_db, workbook(tmp_path / "p.xlsx", {"Data": sheet}), "acled")
    assert report.inserted == 2
    assert report.skipped.endswith("skipped at line 3, 5")
    padded = tmp_path / "padded.csv"  # the same, as Excel saves CSV: every row at full width
    padded.write_text(
        "\r\n".join(",".join(row) for row in [ACLED_HEADER,
            *[[acled_row(n)[c] for c in ACLED_HEADER] for n in (3, 4)],
            ["Source:", "SYNTHETIC export", *[""] * (len(ACLED_HEADER) - 2)]]) + "\r\n",
        encoding="utf-8",
    )  # fmt: skip
    assert import_file(fresh_db, padded, "acled").inserted == 2


def test_blank_rows_at_the_end_of_a_sheet_are_not_read():
    # A formula filled down a column leaves a million empty rows below the table.
    rows = iter([["id", "date"], ["SYN1", "2024-01-01"], [None, None], ["SYN2", "2024-01-02"],
                 *([[None, None]] * 100_000)])  # fmt: skip
    out = io.StringIO()
    _write_rows(rows, csv.writer(out, lineterminator="\n"))
    assert out.getvalue() == "1,id,date\n2,SYN1,2024-01-01\n3,,\n4,SYN2,2024-01-02\n"


def test_other_spreadsheet_files_are_named_for_what_they_are(fresh_db, tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ImportRefused, match=r"Excel 97–2003 workbook \(\.xls\)"):
        import_file(fresh_db, xls, "acled")
    text = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1)])
    with pytest.raises(
        ImportRefused,
        match="--sheet 'Data' was given, but the file is not an Excel workbook",
    ):
        import_file(fresh_db, text, "acled", sheet="Data")
    ods = tmp_path / "calc.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ImportRefused, match=r"OpenDocument spreadsheet \(\.ods\)"):
        import_file(fresh_db, ods, "acled")
    archive = tmp_path / "export.zip"  # ACLED's and UCDP's downloads come zipped
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("acled.csv", "SYNTHETIC")
    with pytest.raises(ImportRefused, match="is a zip archive, not CSV text or an Excel workbook"):
        import_file(fresh_db, archive, "acled")


def test_the_cli_imports_a_named_sheet(tmp_path):
    book = workbook(tmp_path / "w.xlsx", {"About": [["SYNTHETIC"]],
                                          "Events": acled_sheet([acled_row(1), acled_row(2)])})  # fmt: skip
    db_path = tmp_path / "cli.db"
    store.open_writable(db_path, create=True).close()
    result = CliRunner().invoke(
        cli, ["import", "acled", str(book), "--sheet", "Events", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert "sheet 'Events': 2 rows read" in result.output
    result = CliRunner().invoke(cli, ["import", "acled", str(book), "--db", str(db_path)])
    assert result.exit_code == 1 and "name the one to import with --sheet" in result.output


def test_suggest_drafts_a_mapping_that_names_the_sheet_and_imports_it(tmp_path):
    when = dt.datetime(2025, 3, 4)
    book = workbook(tmp_path / "own.xlsx", {"Incidents": [
        ["Incident ID", "Date", "Province", "District", "Killed", "Description"],
        ["SYN-1", when, "Khyber Pakhtunkhwa", "Bannu", 3, "SYNTHETIC clash"],
        ["SYN-2", when + dt.timedelta(days=1), "Balochistan", "Quetta", 0.0, "SYNTHETIC blast"],
    ]})  # fmt: skip
    draft = suggest(book)
    assert 'sheet = "Incidents"' in draft and "encoding =" not in draft
    mapping = tmp_path / "own.toml"
    mapping.write_text(
        draft.replace('id = "my-dataset"', 'id = "syn-own"').replace(
            'name = "Name of the compilation"', 'name = "SYNTHETIC own sheet"'
        ),
        encoding="utf-8",
    )
    db_path = tmp_path / "own.db"
    store.open_writable(db_path, create=True).close()
    result = CliRunner().invoke(cli, ["import", "csv", str(book), "--mapping", str(mapping),
                                      "--db", str(db_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    db = store.open_writable(db_path)
    assert db.execute(
        "SELECT date_start, admin2, fatalities_low, fatalities_high FROM events ORDER BY date_start"
    ).fetchall() == [("2025-03-04", "Bannu", 3, 3), ("2025-03-05", "Quetta", 0, 0)]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (dt.datetime(2024, 12, 25), "2024-12-25"),
        (dt.datetime(2024, 12, 25, 13, 5), "2024-12-25 13:05:00"),
        (dt.date(2024, 12, 25), "2024-12-25"),
        (12.0, "12"),
        (0.1 + 0.2, "0.3"),  # Excel's 15 significant digits, not Python's repr
        (34.0151, "34.0151"),
        (2025030400000001.0, "2025030400000001"),  # a 16-digit id, exact in a float
        (1.2345678901234567e19, "1.23456789012346e+19"),  # past 2**53: not exact anyway
        (True, "TRUE"),
        (None, ""),
        ("SYNTHETIC text", "SYNTHETIC text"),
    ],
)
def test_cells_are_written_as_excel_shows_them(value, written):
    assert cell_text(value) == written


def test_a_date_typed_as_a_number_and_an_error_cell_are_read_as_excel_leaves_them(
    fresh_db, tmp_path
):
    sheet = acled_sheet([acled_row(1), acled_row(2)])
    sheet[1][ACLED_HEADER.index("fatalities")] = "#N/A"  # an error cell: no figure
    sheet[2][ACLED_HEADER.index("event_date")] = 45651  # a date cell formatted as a number
    book = tmp_path / "serial.xlsx"
    workbook(book, {"Data": sheet})
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, book, "acled")
    (reject,) = err.value.report.rejected
    assert (reject.line, reject.column, reject.value) == (3, "event_date", "45651")
    assert "serial day number" in reject.reason
    report = import_file(fresh_db, book, "acled", skip_invalid=True)
    assert report.inserted == 1
    row = fresh_db.execute("SELECT fatalities_best FROM events WHERE id = 'acled:SYN1'").fetchone()
    assert row == (None,)


def test_a_header_with_a_line_break_gives_a_draft_that_loads(tmp_path):
    book = workbook(tmp_path / "alt-enter.xlsx", {"Incidents": [
        ["Incident\nDate", "Province", "Killed", "Notes\tfree"],
        [dt.datetime(2025, 3, 4), "Khyber Pakhtunkhwa", 3, "SYNTHETIC"],
    ]})  # fmt: skip
    text = suggest(book)
    draft = tomllib.loads(text)  # loads: every name written as a valid TOML string
    assert draft["file"]["sheet"] == "Incidents"
    assert '"Incident\\nDate"' in text and '"Notes\\tfree"' in text


def test_a_header_with_a_delete_character_gives_a_draft_that_loads(tmp_path):
    book = workbook(
        tmp_path / "del.xlsx", {"S": [["Date", "Killed\x7f"], [dt.datetime(2025, 3, 4), 2]]}
    )
    assert tomllib.loads(suggest(book))["file"]["sheet"] == "S"


def test_ucdp_file_names_are_known_as_workbooks_too():
    # The release guard and the candidate mark go by UCDP's file names, .csv or .xlsx.
    assert ucdp.release_of("GEDEvent_v25_1.xlsx") == (25, 1)
    assert ucdp.status_of("GEDEvent_v26_0_4.xlsx") == ucdp.status_of("GEDEvent_v26_0_4.csv")
    assert ucdp.status_of("GEDEvent_v26_0_4.xlsx") is not None


HASHED_MAP = """\
[origin]
id = "syn-hashed"
name = "SYNTHETIC compilation without ids"
licence = "SYNTHETIC terms"

[fields]
id = {{ hash = ["Date", "Location"]{dates} }}
date = "Date"
location = "Location"
country = {{ value = "Pakistan" }}

[event_type]
default = ["Battles", "Armed clash"]
"""


def test_a_workbook_and_the_csv_saved_from_it_give_one_id_when_dates_are_read(fresh_db, tmp_path):
    # Excel saves the workbook's date cell 2025-03-04 as "4-Mar-25" in CSV.
    csv_file = tmp_path / "own.csv"
    csv_file.write_text("Date,Location\r\n4-Mar-25,SYNTHETIC Mirali\r\n", encoding="utf-8")
    book = workbook(tmp_path / "own.xlsx", {"S": [["Date", "Location"],
                                                  [dt.datetime(2025, 3, 4), "SYNTHETIC Mirali"]]})  # fmt: skip
    read = tmp_path / "read.toml"
    read.write_text(HASHED_MAP.format(dates=', dates = "read"'), encoding="utf-8")
    fmt = MappedFormat(load_mapping(read)).format()
    assert import_file(fresh_db, csv_file, fmt).inserted == 1
    report = import_file(fresh_db, book, fmt)
    assert (report.inserted, report.unchanged) == (0, 1)
    # Without the choice, ids stay as mappings before it made them: a hash of the text.
    written = tmp_path / "written.toml"
    written.write_text(HASHED_MAP.format(dates=""), encoding="utf-8")
    as_written = store.open_writable(tmp_path / "old.db", create=True)
    import_file(as_written, csv_file, MappedFormat(load_mapping(written)).format())
    key = hashlib.sha256(b"4-Mar-25\x1fSYNTHETIC Mirali").hexdigest()[:16]
    assert as_written.execute("SELECT id FROM events").fetchall() == [(f"syn-hashed:{key}",)]


def test_suggest_drafts_hashed_ids_that_read_dates(tmp_path):
    book = workbook(tmp_path / "noid.xlsx", {"S": [["Date", "Location"],
                                                   [dt.datetime(2025, 3, 4), "SYNTHETIC"]]})  # fmt: skip
    draft = tomllib.loads(suggest(book))
    assert draft["fields"]["id"] == {"hash": ["Date", "Location"], "dates": "read"}


def test_a_large_workbook_is_validated_in_one_process_on_its_named_sheet(
    fresh_db, tmp_path, monkeypatch
):
    # Above PARALLEL_BYTES a CSV is validated by a second process that opens the file itself:
    # a workbook stays in this one, where the sheet --sheet named has been read.
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    book = workbook(tmp_path / "big.xlsx", {"About": [["SYNTHETIC"]],
                                            "Data": acled_sheet([acled_row(1), acled_row(2)])})  # fmt: skip
    assert import_file(fresh_db, book, "acled", sheet="Data").inserted == 2
