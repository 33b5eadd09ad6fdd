"""Any event spreadsheet through a mapping file: fixture files written here, one per kind of
file analysts bring (SYNTHETIC content, never a copy of a real compilation)."""

from __future__ import annotations

import textwrap
import tomllib

import pytest
from click.testing import CliRunner

from dash import store
from dash.cli import cli
from dash.filters import Filters
from dash.imports.importer import ImportFailed, ImportRefused, import_file
from dash.imports.mapped import MappedFormat, MappingError, load_mapping
from dash.imports.suggest import place_columns, suggest
from dash.queries import catalogue

from .support import oracle


def write_bytes(path, lines, *, encoding="utf-8", bom=False, newline="\r\n"):
    data = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))
    return path


def mapping(tmp_path, body, name="map.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# A Windows-1252 compilation in the style of a body-count table: min/max columns, dates as
# dd/mm/yyyy, a Pashto-free but accented place name (é is 0xE9 in Windows-1252), a totals row.
COMPILATION = [
    "S#,Date,Province,Agency,Location,Killed Min,Killed Max,Injured,Type,Source",
    "1,09/05/2020,NWFP,North Waziristan Agency,SYNTHETIC Mirali,3,5,2,Drone attack,SYNTHETIC Dawn",
    "2,25/12/2019,FATA,Bajaur Agency,SYNTHETIC Café town,4,4,,Suicide attack,SYNTHETIC News",
    "3,01/02/2018,Khyber Pakhtunkwa,Kurram Agency,SYNTHETIC Parachinar,7,6,1,Drone attack,SYNTHETIC Geo",
    ",,Total,,,14,15,3,,",
]
COMPILATION_MAP = """\
    [origin]
    id = "syn-compilation"
    name = "SYNTHETIC body-count compilation"
    licence = "SYNTHETIC terms"
    terms = "SYNTHETIC: share with attribution"

    [file]
    encoding = "cp1252"
    date_order = "dmy"

    [fields]
    id = "S#"
    date = "Date"
    country = { value = "Pakistan" }
    admin1 = "Province"
    admin2 = "Agency"
    location = "Location"
    killed_low = "Killed Min"
    killed_high = "Killed Max"
    injured = "Injured"
    source_publisher = "Source"
    title = { join = ["Type", "Location"], separator = " — " }

    [event_type]
    column = "Type"
    default = ["Explosions/Remote violence", "Remote explosive/landmine/IED"]
    [event_type.values]
    "Drone attack" = ["Explosions/Remote violence", "Air/drone strike"]
    "Suicide attack" = ["Explosions/Remote violence", "Suicide bomb"]
"""


@pytest.fixture
def compilation(tmp_path):
    return write_bytes(tmp_path / "compilation.csv", COMPILATION, encoding="cp1252")


def test_a_windows_1252_compilation_with_min_max_columns_imports_whole(
    fresh_db, tmp_path, compilation
):
    fmt = MappedFormat(load_mapping(mapping(tmp_path, COMPILATION_MAP))).format()
    report = import_file(fresh_db, compilation, fmt, encoding="cp1252", date_order="dmy")
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, [])
    assert "totals row(s) skipped at line 5" in report.skipped
    rows = fresh_db.execute(
        """SELECT id, date_start, admin1, admin2, location, fatalities_low, fatalities_best,
                  fatalities_high, sub_event_type, title FROM events ORDER BY id"""
    ).fetchall()
    assert rows[0] == ("syn-compilation:1", "2020-05-09", "Khyber Pakhtunkhwa", "North Waziristan",
                       "SYNTHETIC Mirali", 3, None, 5, "Air/drone strike",
                       "Drone attack — SYNTHETIC Mirali")  # fmt: skip
    assert rows[1][1:5] == ("2019-12-25", "Khyber Pakhtunkhwa", "Bajaur", "SYNTHETIC Café town")
    # min 7 > max 6 in the source: kept, widened by the one rule, noted
    assert rows[2][5:8] == (6, None, 7)
    notes = catalogue.quality_notes_by_kind(fresh_db)
    assert [(n["kind"], n["origin"], n["events"]) for n in notes] == [
        ("fatalities_reordered", "syn-compilation", 1)
    ]
    # totals after import equal the fixture's own totals row (min 14, max 15, injured 3)
    h = oracle.headline(fresh_db, Filters())
    assert (h["fatalities_low"], h["fatalities_high"], h["injured"]) == (14 - 1, 15 + 1, 3)
    # the origin is registered with its licence, and listed with its event count
    registry = {o["id"]: o for o in catalogue.origins_registry(fresh_db)}
    assert registry["syn-compilation"]["licence"] == "SYNTHETIC terms"
    assert registry["syn-compilation"]["events"] == 3


def test_the_command_lines_date_order_overrides_the_mappings(fresh_db, tmp_path):
    path = write_bytes(tmp_path / "c.csv", COMPILATION[:2], encoding="cp1252")  # 09/05/2020
    fmt = MappedFormat(load_mapping(mapping(tmp_path, COMPILATION_MAP))).format()  # says dmy
    import_file(fresh_db, path, fmt, encoding="cp1252", date_order="mdy")
    assert fresh_db.execute("SELECT date_start FROM events").fetchall() == [("2020-09-05",)]


def test_an_unreadable_injured_figure_is_noted_with_its_value(fresh_db, tmp_path):
    lines = [COMPILATION[0], COMPILATION[1].replace(",3,5,2,", ",3,5,x,")]
    path = write_bytes(tmp_path / "c.csv", lines, encoding="cp1252")
    fmt = MappedFormat(load_mapping(mapping(tmp_path, COMPILATION_MAP))).format()
    import_file(fresh_db, path, fmt)
    assert fresh_db.execute("SELECT injured, fatalities_high FROM events").fetchall() == [(None, 5)]
    notes = fresh_db.execute("SELECT kind, detail FROM quality_notes").fetchall()
    assert notes == [("fatalities_unreadable", "injured: 'x' is not a whole number ≥ 0")]


def test_a_hashed_id_and_a_joined_date_import(fresh_db, tmp_path):
    lines = [
        "Day,Month,Year,Location,Killed",
        "24,December,2024,SYNTHETIC Barmal,20",
        "18,March,2024,SYNTHETIC Khost,8",
        "Total,,,,28",
    ]
    path = write_bytes(tmp_path / "days.csv", lines)
    body = """\
        [origin]
        id = "syn-days"
        name = "SYNTHETIC day-month-year sheet"
        licence = "SYNTHETIC terms"

        [fields]
        id = { hash = ["Day", "Month", "Year", "Location"] }
        date = { join = ["Day", "Month", "Year"], separator = " " }
        country = { value = "Afghanistan" }
        location = "Location"
        killed = "Killed"

        [event_type]
        default = ["Battles", "Armed clash"]
    """
    fmt = MappedFormat(load_mapping(mapping(tmp_path, body))).format()
    report = import_file(fresh_db, path, fmt)
    assert (report.inserted, report.rejected) == (2, [])
    assert "totals row(s) skipped at line 4" in report.summary()
    dates = fresh_db.execute("SELECT date_start FROM events ORDER BY date_start").fetchall()
    assert dates == [("2024-03-18",), ("2024-12-24",)]


def test_excel_totals_and_notes_padded_to_the_full_width_are_skipped(fresh_db, tmp_path):
    # Excel pads every row with delimiters, and puts "Total" in the first (the id) column
    lines = [*COMPILATION[:3], "Total,,,,,7,9,2,,", "Generated by a SYNTHETIC tool,,,,,,,,,"]
    path = write_bytes(tmp_path / "c.csv", lines, encoding="cp1252")
    fmt = MappedFormat(load_mapping(mapping(tmp_path, COMPILATION_MAP))).format()
    report = import_file(fresh_db, path, fmt, encoding="cp1252")
    assert (report.inserted, report.rejected) == (2, [])
    summary = report.summary()
    assert "totals row(s) skipped at line 4" in summary
    assert "note row(s) (one or two cells, no record) skipped at line 5" in summary


def test_a_link_that_is_not_a_web_address_as_it_stands_is_kept_in_the_citation(fresh_db, tmp_path):
    lines = [
        "ID,Date,Killed,Source,Link",
        "1,2024-12-24,3,SYNTHETIC Wire,https://example.org/a b",  # a space: not an address
        "2,2024-12-25,4,SYNTHETIC Wire,https://example.org/ok",
    ]
    body = """\
        [origin]
        id = "syn-links"
        name = "SYNTHETIC links"
        licence = "SYNTHETIC terms"

        [fields]
        id = "ID"
        date = "Date"
        country = { value = "Pakistan" }
        killed = "Killed"
        source_publisher = "Source"
        source_url = "Link"

        [event_type]
        default = ["Battles", "Armed clash"]
    """
    fmt = MappedFormat(load_mapping(mapping(tmp_path, body))).format()
    report = import_file(fresh_db, write_bytes(tmp_path / "l.csv", lines), fmt)
    assert (report.inserted, report.rejected) == (2, [])
    documents = fresh_db.execute("SELECT url, citation FROM documents ORDER BY citation").fetchall()
    assert documents[0][0] is None and "https://example.org/a b" in documents[0][1]
    assert documents[1][0] == "https://example.org/ok"


def test_a_one_column_file_imports_every_row(fresh_db, tmp_path):
    path = write_bytes(tmp_path / "dates.csv", ["Date", "2024-12-24", "2024-12-25", "2024-12-26"])
    body = """\
        [origin]
        id = "syn-one"
        name = "SYNTHETIC one column"
        licence = "SYNTHETIC terms"

        [fields]
        id = { hash = ["Date"] }
        date = "Date"
        country = { value = "Pakistan" }

        [event_type]
        default = ["Battles", "Armed clash"]
    """
    fmt = MappedFormat(load_mapping(mapping(tmp_path, body))).format()
    assert import_file(fresh_db, path, fmt).inserted == 3


def test_the_min_max_sums_bracket_the_published_totals_exactly_when_in_order(fresh_db, tmp_path):
    lines = COMPILATION[:3] + [",,Total,,,7,9,2,,"]
    path = write_bytes(tmp_path / "c.csv", lines, encoding="cp1252")
    fmt = MappedFormat(load_mapping(mapping(tmp_path, COMPILATION_MAP))).format()
    import_file(fresh_db, path, fmt, encoding="cp1252", date_order="dmy")
    h = oracle.headline(fresh_db, Filters())
    assert (h["fatalities_low"], h["fatalities_high"], h["injured"]) == (7, 9, 2)


def test_a_spreadsheet_export_with_a_bom_and_semicolons(fresh_db, tmp_path):
    lines = [
        "Event ID;Event date;Country;Province;District;Killed;Description",
        "SYN-1;24 December 2024;Afghanistan;Paktika;Barmal;20;SYNTHETIC strike; with a semicolon",
        "SYN-2;9-May-20;Afghanistan;Paktiya;;3;SYNTHETIC clash",
        "Event ID;Event date;Country;Province;District;Killed;Description",
        "SYN-3;2024/03/18;Afghanistan;Khost;;8;SYNTHETIC",
        "",
        "Generated by a SYNTHETIC spreadsheet",
    ]
    lines[1] = 'SYN-1;24 December 2024;Afghanistan;Paktika;Barmal;20;"SYNTHETIC strike; quoted"'
    path = write_bytes(tmp_path / "export.csv", lines, bom=True)
    body = """\
        [origin]
        id = "syn-sheet"
        name = "SYNTHETIC analyst sheet"
        licence = "SYNTHETIC"
        [fields]
        id = "Event ID"
        date = "Event date"
        country = "Country"
        admin1 = "Province"
        admin2 = "District"
        killed = "Killed"
        summary = "Description"
        [event_type]
        default = ["Battles", "Armed clash"]
    """
    fmt = MappedFormat(load_mapping(mapping(tmp_path, body))).format()
    report = import_file(fresh_db, path, fmt)
    assert (report.inserted, report.rejected) == (3, [])
    assert "repeated header row(s) skipped at line 4" in report.skipped
    assert "note row(s) (one or two cells, no record) skipped at line 7" in report.skipped
    got = fresh_db.execute(
        "SELECT id, date_start, admin1, fatalities_low, fatalities_high, summary FROM events ORDER BY id"
    ).fetchall()
    assert got == [
        ("syn-sheet:SYN-1", "2024-12-24", "Paktika", 20, 20, "SYNTHETIC strike; quoted"),
        ("syn-sheet:SYN-2", "2020-05-09", "Paktia", 3, 3, "SYNTHETIC clash"),
        ("syn-sheet:SYN-3", "2024-03-18", "Khost", 8, 8, "SYNTHETIC"),
    ]
    assert sum(r[3] for r in got) == oracle.headline(fresh_db, Filters())["fatalities_low"]


def test_a_file_with_no_id_column_gets_stable_hashed_ids(fresh_db, tmp_path):
    lines = ["Date,Place,Deaths", "2024-01-05,SYNTHETIC A,2", "2024-01-06,SYNTHETIC B,4"]
    path = write_bytes(tmp_path / "noid.csv", lines)
    body = """\
        [origin]
        id = "syn-noid"
        name = "SYNTHETIC list"
        licence = "SYNTHETIC"
        [fields]
        id = { hash = ["Date", "Place"] }
        date = "Date"
        country = { value = "Pakistan" }
        location = "Place"
        killed = "Deaths"
        [event_type]
        default = ["Violence against civilians", "Attack"]
    """
    fmt = MappedFormat(load_mapping(mapping(tmp_path, body))).format()
    first = import_file(fresh_db, path, fmt)
    ids = [r[0] for r in fresh_db.execute("SELECT id FROM events ORDER BY id")]
    again = import_file(fresh_db, path, fmt)
    assert first.inserted == 2 and (again.inserted, again.unchanged) == (0, 2)
    assert ids == [r[0] for r in fresh_db.execute("SELECT id FROM events ORDER BY id")]
    assert all(i.startswith("syn-noid:") and len(i) == len("syn-noid:") + 16 for i in ids)


def test_a_file_not_in_its_declared_encoding_is_refused_with_byte_and_line(fresh_db, tmp_path):
    good = write_bytes(tmp_path / "c.csv", COMPILATION[:3], encoding="cp1252")
    fmt = MappedFormat(load_mapping(mapping(tmp_path, COMPILATION_MAP))).format()
    with pytest.raises(ImportRefused) as err:  # declared utf-8, but it is Windows-1252
        import_file(fresh_db, good, fmt, encoding="utf-8", date_order="dmy")
    message = str(err.value)
    offset = good.read_bytes().index(b"\xe9")
    assert f"at byte {offset:,}, line 3" in message and "cp1252" in message
    # 0x81 is a byte Windows-1252 leaves undefined: named as such
    odd = tmp_path / "odd.csv"
    odd.write_bytes(good.read_bytes().replace(b"\xe9", b"\x81"))
    with pytest.raises(ImportRefused, match="Windows-1252 leaves undefined"):
        import_file(fresh_db, odd, fmt, encoding="cp1252", date_order="dmy")
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_a_mapping_with_mistakes_is_refused_naming_each_key(tmp_path):
    body = """\
        [origin]
        id = "Bad Id"
        name = "x"
        licence = "x"
        [fields]
        date = "Date"
        killed = "K"
        killed_low = "L"
        [event_type]
        default = ["Battles", "Air/drone strike"]
    """
    with pytest.raises(MappingError) as err:
        load_mapping(mapping(tmp_path, body))
    text = str(err.value)
    assert "origin.id" in text and "fields.id" in text and "event_type" in text


def test_the_cli_refuses_columns_the_file_lacks(tmp_path, compilation, synthetic_db_path):
    bad = mapping(tmp_path, COMPILATION_MAP.replace('"Agency"', '"District"'))
    result = CliRunner().invoke(cli, ["import", "csv", str(compilation), "--mapping", str(bad),
                                      "--db", str(synthetic_db_path)])  # fmt: skip
    assert result.exit_code == 1
    assert "column(s) the file does not have: District" in result.output


# --- a mapping to start from ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["S#", "Date", "Province", "Agency", "Killed Min", "Killed Max", "Injured"],
         {"id": "S#", "date": "Date", "admin1": "Province", "admin2": "Agency",
          "killed_low": "Killed Min", "killed_high": "Killed Max", "injured": "Injured"}),
        (["Event ID", "Event date", "Country", "District", "Killed", "Description", "Source URL"],
         {"id": "Event ID", "date": "Event date", "country": "Country", "admin2": "District",
          "killed": "Killed", "summary": "Description", "source_url": "Source URL"}),
        (["date", "location", "civilians killed", "militants killed", "latitude", "longitude"],
         {"date": "date", "location": "location", "civilians": "civilians killed",
          "militants": "militants killed", "latitude": "latitude", "longitude": "longitude"}),
    ],
)  # fmt: skip
def test_suggest_places_the_obvious_columns(header, expected):
    placed = place_columns(header)
    assert {k: v for k, v in placed.items() if k in expected} == expected


def test_suggest_drafts_a_mapping_that_imports_after_one_edit(fresh_db, tmp_path, compilation):
    draft = suggest(compilation)
    assert 'encoding = "cp1252"' in draft and 'date_order = "dmy"' in draft
    assert "totals at line 5" in draft
    assert '"Drone attack" = ["Explosions/Remote violence", "Air/drone strike"]' in draft
    # the one edit: name the origin
    edited = draft.replace('id = "my-dataset"', 'id = "syn-drafted"')
    parsed = tomllib.loads(edited)
    assert parsed["fields"]["killed_low"] == "Killed Min"
    path = tmp_path / "drafted.toml"
    path.write_text(edited, encoding="utf-8")
    fmt = MappedFormat(load_mapping(path)).format()
    report = import_file(fresh_db, compilation, fmt, encoding="cp1252", date_order="dmy")
    assert report.inserted == 3


def test_cli_suggest_then_import(tmp_path, compilation, synthetic_db_path):
    result = CliRunner().invoke(cli, ["import", "csv", str(compilation), "--suggest"])
    assert result.exit_code == 0 and result.output.startswith("# Draft mapping")
    path = tmp_path / "m.toml"
    path.write_text(result.output.replace('id = "my-dataset"', 'id = "syn-cli"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "csv", str(compilation), "--mapping", str(path),
                                      "--db", str(synthetic_db_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    db = store.open_readonly(synthetic_db_path)
    assert db.execute("SELECT count(*) FROM events WHERE origin = 'syn-cli'").fetchone()[0] == 3
    db.close()


DETAILS_MAP = """\
    [origin]
    id = "syn-details"
    name = "SYNTHETIC details sheet"
    licence = "SYNTHETIC terms"

    [fields]
    id = { hash = ["Location", "Date"] }
    date = "Date"
    country = { value = "Pakistan" }
    location = "(column 4)"
    summary = "Details (2)"
    killed = "Killed"

    [event_type]
    default = ["Battles", "Armed clash"]
"""


def test_the_cli_reads_utf16_and_names_columns_as_the_import_does(tmp_path, synthetic_db_path):
    lines = [
        "Location,Date,Details,,Details,Killed",
        "SYNTHETIC Mirali,2024-12-24,SYNTHETIC first,SYNTHETIC Mirali bazaar,SYNTHETIC second,NaN",
        # an empty first column of the hashed id and "a total of" in the text: still an event
        ",2024-12-25,SYNTHETIC a total of 5 killed,,SYNTHETIC other,5",
    ]
    path = write_bytes(tmp_path / "wide.csv", lines, encoding="utf-16")  # with its mark
    result = CliRunner().invoke(cli, ["import", "csv", str(path), "--mapping",
                                      str(mapping(tmp_path, DETAILS_MAP)), "--db",
                                      str(synthetic_db_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    db = store.open_writable(synthetic_db_path)
    rows = db.execute(
        "SELECT location, summary FROM events WHERE origin = 'syn-details' ORDER BY date_start"
    ).fetchall()
    assert rows == [("SYNTHETIC Mirali bazaar", "SYNTHETIC second"), (None, "SYNTHETIC other")]
    (detail,) = db.execute(
        "SELECT detail FROM quality_notes WHERE kind = 'fatalities_unreadable'"
    ).fetchone()
    assert detail == "killed: 'NaN' is not a whole number ≥ 0"  # once, with its field


def test_suggest_drafts_a_file_written_by_pandas_with_its_index_column(tmp_path):
    path = write_bytes(tmp_path / "pandas.csv", [",When,Where,Dead", "0,2024-12-24,SYNTHETIC,3"])
    draft = suggest(path)
    assert '"(column 1)"' in draft  # named as the import names it, so the draft imports
    assert 'id = { hash = [""' not in draft


NARROW_MAP = """\
    [origin]
    id = "syn-narrow"
    name = "SYNTHETIC narrow list"
    licence = "SYNTHETIC terms"

    [fields]
    id = "S#"
    date = "Date"
    location = "Location"
    country = { value = "Pakistan" }

    [event_type]
    default = ["Battles", "Armed clash"]
"""


def test_in_a_narrow_table_two_cells_are_a_record_not_a_note(fresh_db, tmp_path):
    # Padded to the header's width, as Excel saves CSV: in three columns, an id and a date (the
    # place unknown) is a whole record, and a date and a place without an id is a record that
    # cannot be stored, refused by name, never skipped as a note.
    fmt = MappedFormat(load_mapping(mapping(tmp_path, NARROW_MAP))).format()
    whole = ["S#,Date,Location", "1,2024-12-24,SYNTHETIC Mirali", "2,2024-12-25,", "3,2024-12-26,"]
    assert import_file(fresh_db, write_bytes(tmp_path / "w.csv", whole), fmt).inserted == 3
    no_id = ["S#,Date,Location", "4,2024-12-24,SYNTHETIC A", ",2024-12-25,SYNTHETIC B",
             "6,2024-12-26,SYNTHETIC C"]  # fmt: skip
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, write_bytes(tmp_path / "n.csv", no_id), fmt)
    (reject,) = err.value.report.rejected
    assert (reject.line, reject.column) == (3, "S#")


WIDE_MAP = NARROW_MAP.replace('id = "syn-narrow"', 'id = "syn-wide"')


def test_in_a_wide_table_a_padded_row_with_a_date_is_a_record_and_a_heading_is_not(
    fresh_db, tmp_path
):
    # Eight columns, every row padded to them as Excel saves: a row without an id but with a
    # date is a record that cannot be stored (refused by name), wherever it stands; a heading
    # without figures is a note; the last record with only its id and date is stored.
    fmt = MappedFormat(load_mapping(mapping(tmp_path, WIDE_MAP))).format()
    header = "S#,Date,Location,A,B,C,D,E"
    lines = [header, "1,2024-12-24,SYNTHETIC Mirali,,,,,", ",,SYNTHETIC heading: Bannu,,,,,",
             "2,2024-12-25,SYNTHETIC Bannu,,,,,", "3,2024-12-26,,,,,,"]  # fmt: skip
    report = import_file(fresh_db, write_bytes(tmp_path / "wide.csv", lines), fmt)
    assert report.inserted == 3 and report.skipped.endswith("skipped at line 3")
    no_id = [header, "4,2024-12-24,SYNTHETIC A,,,,,", ",2024-12-25,SYNTHETIC B,,,,,",
             "6,2024-12-26,SYNTHETIC C,,,,,"]  # fmt: skip
    with pytest.raises(ImportFailed) as err:
        import_file(fresh_db, write_bytes(tmp_path / "n.csv", no_id), fmt)
    (reject,) = err.value.report.rejected
    assert (reject.line, reject.column) == (3, "S#")


@pytest.mark.parametrize(("width", "is_note"), [(4, False), (7, False), (8, True)])
def test_two_padded_cells_are_a_heading_only_across_four_times_their_width(
    fresh_db, tmp_path, width, is_note
):
    # A padded row without an id and without figures: a heading when it fills a quarter of the
    # columns at most; in a narrower table, a record without an id, refused by name.
    fmt = MappedFormat(load_mapping(mapping(tmp_path, WIDE_MAP))).format()
    pad = "," * (width - 3)
    lines = ["S#,Date,Location" + "".join(f",X{i}" for i in range(width - 3)),
             f"1,2024-12-24,SYNTHETIC A{pad}", f",SYNTHETIC heading,SYNTHETIC Bannu{pad}",
             f"2,2024-12-25,SYNTHETIC B{pad}"]  # fmt: skip
    path = write_bytes(tmp_path / f"w{width}.csv", lines)
    if is_note:
        assert import_file(fresh_db, path, fmt).skipped.endswith("skipped at line 3")
    else:
        with pytest.raises(ImportFailed) as err:
            import_file(fresh_db, path, fmt)
        assert [r.line for r in err.value.report.rejected] == [3]
