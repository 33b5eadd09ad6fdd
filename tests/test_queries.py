"""Filters → SQL, the read queries and the CSV writer, on the synthetic fixture."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re

import pytest

from dash import csvcolumns, csvout, exports, queries, store
from dash.filters import Filters, fts_query

from .conftest import SHIPPED_DB
from .support import oracle

D = dt.date


def ids(db, filters):
    return sorted(
        r["event_id"].removeprefix("curated:") for r in queries.events_matching(db, filters)
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["syn-1", "syn-2", "syn-3"]),
        (Filters(date_from=D(2024, 3, 11)), ["syn-1", "syn-2"]),  # window 10–11 Mar overlaps
        (Filters(date_to=D(2024, 3, 9)), ["syn-3"]),
        (Filters(countries=("Afghanistan",)), ["syn-1"]),
        (Filters(provinces=("Khyber Pakhtunkhwa",)), ["syn-2", "syn-3"]),
        (Filters(districts=("Barmal",)), ["syn-1"]),
        (Filters(event_types=("Strategic developments",)), ["syn-3"]),
        (Filters(sub_event_types=("Air/drone strike",)), ["syn-1"]),
        (Filters(actors=("SYNTHETIC air force",)), ["syn-1"]),
        (Filters(parties=("local",)), ["syn-2"]),
        (Filters(min_fatalities=3), ["syn-1", "syn-2"]),
        (Filters(min_fatalities=4), ["syn-1"]),
        (Filters(precisions=("exact",)), ["syn-2"]),
        (Filters(origins=("acled",)), []),
        (Filters(cross_border_only=True), ["syn-1"]),
        (Filters(text="refugees"), ["syn-1"]),  # a word only in a claim's quote
        (Filters(text="بیان"), ["syn-3"]),  # Urdu in an event title
        (Filters(countries=("Pakistan",), min_fatalities=1), ["syn-2"]),
    ],
)
def test_each_filter_narrows_the_events(synthetic_db, filters, expected):
    assert ids(synthetic_db, filters) == expected
    assert oracle.count_events(synthetic_db, filters) == len(expected)


@pytest.mark.parametrize("text", ['"', "NEAR(", "*", "OR", "a OR", '"unbalanced', "x:y", "-", "^"])
def test_fts_syntax_in_free_text_never_raises(synthetic_db, text):
    queries.events_matching(synthetic_db, Filters(text=text))


def test_fts_query_quotes_every_word_so_operators_are_words():
    assert fts_query("NEAR( OR") == '"NEAR("* AND "OR"'
    assert fts_query('say "no"') == '"say"* AND """no"""*'
    assert fts_query("  ") == ""
    assert fts_query("a\x00b") == '"a" AND "b"'  # a NUL ends nothing early


def test_fts_query_adds_prefixes_plurals_and_other_spellings():
    assert fts_query("crashes") == '("crash"* OR "crashes"*)'
    assert '"drone"*' in fts_query("drones") and '"UAV"*' in fts_query("drones")
    assert fts_query("casualties") == '("casualt"* OR "casualties"*)'
    madrasa = fts_query("madrassa")
    assert '"madrasa"*' in madrasa and '"madrassah"*' in madrasa
    assert '"airstrike"*' in fts_query("strikes")
    # a place in any spelling the gazetteer knows; a former name stands for itself
    bajaur = fts_query("bajour")
    assert '"Bajaur"*' in bajaur and '"Bajour"*' in bajaur
    assert fts_query("FATA") == '"FATA"*'
    # a place of two words typed whole is one unit, not two required words
    assert " AND " not in fts_query("North Waziristan")
    # names and words in Urdu, Pashto or Dari script find the English the sources write
    assert '"Taliban"*' in fts_query("طالبان")
    ttp = fts_query("تحریک طالبان پاکستان")  # typed whole: one unit
    assert '"TTP"*' in ttp and " AND " not in ttp
    assert '"madrasa"*' in fts_query("مدرسہ")  # Urdu's heh, the table's Persian one
    # ... and another spelling in that script is a whole word: فراهم ("provide") is not Farah
    assert '"فراه"' in fts_query("Farah") and '"فراه"*' not in fts_query("Farah")


def test_headline_sums_low_best_high(synthetic_db):
    h = oracle.headline(synthetic_db, Filters())
    # by hand: low 10+3+0, best 25+3+0, high 40+3+0
    assert (h["events"], h["fatalities_low"], h["killed"], h["fatalities_high"]) == (
        3,
        13,
        28,
        43,
    )
    assert h["parties"] == 4  # pakistan_state, afghan_taliban, media, local


def test_claims_for_orders_by_party_then_date(synthetic_db):
    claims = queries.claims_for(synthetic_db, "curated:syn-1")
    assert [c["party"] for c in claims] == ["pakistan_state", "afghan_taliban", "media"]
    assert claims[2]["citation"] == "SYNTHETIC printed bulletin, no URL"


def test_most_contested_ranks_by_ratio_and_framings(synthetic_db):
    ranked = queries.most_contested(synthetic_db, Filters())
    # syn-1: 40 / 10 = 4.0, plus (3 framings - 1) = 6.0; syn-2 has one party only
    assert [r["event_id"] for r in ranked] == ["curated:syn-1"]
    assert ranked[0]["divergence"] == pytest.approx(6.0)


def test_unknown_event_id_gives_none(synthetic_db):
    assert queries.event_by_id(synthetic_db, "curated:nope") is None


def test_linked_events_both_directions(synthetic_db):
    out = queries.linked_events(synthetic_db, "curated:syn-1")
    back = queries.linked_events(synthetic_db, "curated:syn-2")
    assert [(r["direction"], r["event_id"]) for r in out] == [("out", "curated:syn-2")]
    assert [(r["direction"], r["event_id"]) for r in back] == [("in", "curated:syn-1")]


def _read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_neutralises_formulas_in_text_cells_only():
    rows = [
        {"event_id": "=cmd|' /C calc'!A0", "title": "+1", "location": "-1", "admin1": "@SUM(A1)",
         "admin2": "\tx", "country": "\rx", "fatalities_low": -1, "latitude": -33.5},
    ]  # fmt: skip
    out = _read(csvout.csv_bytes(rows, csvcolumns.EVENT_COLUMNS))[0]
    assert out["event_id"] == "'=cmd|' /C calc'!A0"
    assert out["title"] == "'+1"
    assert out["location"] == "'-1"
    assert out["admin1"] == "'@SUM(A1)"
    assert out["admin2"] == "'\tx"
    assert out["country"] == "'\rx"
    assert out["fatalities_low"] == "-1"  # a negative number stays a number
    assert out["latitude"] == "-33.5"


def test_excel_variant_has_a_bom_and_round_trips_urdu_and_pashto():
    rows = [{"title": "پاکستان کی فوج", "location": "د پکتیکا ولایت"}]
    data = csvout.csv_bytes(rows, csvcolumns.EVENT_COLUMNS, excel=True)
    assert data.startswith("\ufeff".encode())
    out = _read(data)[0]
    assert out["title"] == "پاکستان کی فوج" and out["location"] == "د پکتیکا ولایت"


def test_csv_columns_follow_the_data_dictionary(synthetic_db):
    data = csvout.csv_bytes(
        queries.iter_events_matching(synthetic_db, Filters()), csvcolumns.EVENT_COLUMNS
    )
    header = data.decode().splitlines()[0].split(",")
    assert header == [c.name for c in csvcolumns.EVENT_COLUMNS]
    rows = _read(data)
    assert len(rows) == 3
    assert rows[0]["source_urls"] == "https://example.org/synthetic-a"  # newest first: syn-2


def test_filename_says_what_is_inside():
    f = Filters(date_from=D(2024, 1, 1), date_to=D(2024, 12, 31))
    assert csvout.filename_for("events", f, 1234) == "events_2024-01-01_2024-12-31_1234-rows.csv"
    busy = Filters(
        provinces=("Khyber Pakhtunkhwa", "Paktika"),
        text="air strike/drone",
        cross_border_only=True,
        districts=("a", "b", "c", "d", "e"),
    )
    assert csvout.filename_for("events", busy, 3) == (
        "events_all-dates_Khyber-Pakhtunkhwa+Paktika_a+b+c+2-more_xborder_q-air-strike-drone"
        "_3-rows.csv"
    )
    # any script, never a path separator
    assert csvout.filename_for("events", Filters(text="کابل/../x"), 1) == (
        "events_all-dates_q-کابل-x_1-rows.csv"
    )
    assert (
        csvout.filename_for("claims", Filters(provinces=("Paktika",)), 7)
        == "claims_all-dates_Paktika_7-rows.csv"
    )


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(provinces=("Kabul", "Khyber Pakhtunkhwa")),
        Filters(parties=("afghan_taliban", "media")),
        Filters(text="checkpoint"),
    ],
)
def test_the_export_query_gives_the_same_rows_as_the_list_query(generated_db_path, filters):
    # The export joins claim counts and source URLs in bulk; the list asks per row.
    db = store.open_readonly(generated_db_path)
    exported = list(queries.iter_events_matching(db, filters))
    assert exported == queries.events_matching(db, filters)
    assert exported and any(r["n_claims"] for r in exported) or filters.text
    shipped = store.open_readonly(SHIPPED_DB)
    assert list(queries.iter_events_matching(shipped, filters)) == queries.events_matching(
        shipped, filters
    )


def _cells(data: bytes) -> list[list[str]]:
    """A CSV's cells as a reader gets them, a whole number written as a float read as one."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    whole = re.compile(r"^-?\d+\.0$")
    return [[c[:-2] if whole.match(c) else c for c in row] for row in rows]


def test_the_fast_event_export_writes_what_the_row_by_row_writer_writes(tmp_path):
    """``exports.events`` hands the writer ready cells (formula cells neutralised and flags as
    0/1 by the query). Streamed (the CLI, the bundle) the file is byte for byte what the dict
    path writes; read into Arrow columns (the app's downloads) it holds the same cells, quoted
    as Arrow quotes them, including cells a spreadsheet would run as formulas."""
    from dash import integrity
    from dash.imports.importer import import_file
    from dash.queries import columnar

    from .support.files import ACLED_HEADER, acled_row, write

    path = tmp_path / "events.db"
    db = store.open_writable(path, create=True)
    rows = [
        acled_row(1, notes='=HYPERLINK("http://x.example","click")', actor1="+Lashkar"),
        acled_row(2, notes='-3 killed, per "sources"\r\nsecond line', actor1="@group"),
        acled_row(3, notes="+ 5 wounded", location="Tab\there"),
        acled_row(4, notes="plain, with a comma", admin1="Khyber Pakhtunkhwa"),
    ]
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    assert integrity.recorded(db) is not None
    slow = csvout.csv_bytes(queries.iter_events_matching(db, Filters()), csvcolumns.EVENT_COLUMNS)
    streamed = io.StringIO(newline="")
    assert csvout.write_csv(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS, streamed) == 4
    assert streamed.getvalue().encode("utf-8") == slow
    assert columnar.event_cells_table(db, Filters()) is not None  # the Arrow path is taken
    fast = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS)
    assert fast != slow and _cells(fast) == _cells(slow)
    text = fast.decode("utf-8")
    assert "'=HYPERLINK" in text and "'+Lashkar" in text and "'@group" in text
    assert "'-3 killed" in text and "'+ 5 wounded" in text
    excel = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS, excel=True)
    assert excel.startswith("\ufeff".encode()) and _cells(excel) == _cells(slow)
    db.close()


def test_the_fast_export_reads_a_column_empty_in_its_first_rows(tmp_path):
    """Arrow's SQLite reader types a column from the rows it reads first: a column empty for
    the first thousands of events (newest first) and text further down must still be read."""
    from dash.imports.importer import import_file
    from dash.queries import columnar

    from .support.files import ACLED_HEADER, acled_row, write

    path = tmp_path / "events.db"
    db = store.open_writable(path, create=True)
    # 3,000 events dated 2024-12-24, then one older with a region-level place ("province"):
    # only that one, last in the file's order, has its admin2 empty and a data-quality note.
    rows = [acled_row(n) for n in range(3000)]
    rows.append(acled_row(9999, event_date="2020-01-01", year="2020", admin1="Nowhereistan"))
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    table = columnar.event_cells_table(db, Filters())
    assert table is not None and table.num_rows == 3001
    last = {name: table.column(name)[-1].as_py() for name in table.column_names}
    assert last["event_id"] == "acled:SYN9999"
    fast = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS)
    slow = csvout.csv_bytes(queries.iter_events_matching(db, Filters()), csvcolumns.EVENT_COLUMNS)
    assert _cells(fast) == _cells(slow)
    db.close()


def test_a_large_export_read_in_parts_is_the_export_read_at_once(tmp_path, monkeypatch):
    """Read in parts at once (one per core), an export is cut only between two start dates,
    and the parts put end to end give the file one read gives, byte for byte: here with runs
    of equal dates across the cut points and a column empty in the newer parts but text in
    the oldest (each part types its columns from its own rows)."""
    from dash.imports.importer import import_file
    from dash.queries import columnar

    from .support.files import ACLED_HEADER, acled_row, write

    db = store.open_writable(tmp_path / "events.db", create=True)
    # 40 events on each of 15 days, newest first; the oldest day's places are province-level
    # (admin2 empty) and carry text in admin1 that no newer event has.
    days = [dt.date(2024, 12, 20) - dt.timedelta(days=d) for d in range(15)]
    rows = [
        acled_row(40 * d + k, event_date=day.isoformat(),
                  **({"admin1": "=Oldest province", "admin2": ""} if d == 14 else {}))
        for d, day in enumerate(days) for k in range(40)
    ]  # fmt: skip
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    filters = Filters(date_to=dt.date(2024, 12, 19))  # 14 of the 15 days: 560 events
    monkeypatch.setattr(columnar, "ROWS_PER_PART", 100)
    monkeypatch.setattr(columnar, "PARTS", 4)
    runs = columnar.split_by_start(db, filters, 4)
    assert len(runs) == 4 and sum(rows for _, rows in runs) == 560
    assert all(rows % 40 == 0 for _, rows in runs)  # no day cut in two
    starts = [bounds for bounds, _ in runs]
    assert starts[0][1] is None and starts[-1][0] is None  # the newest and the oldest are open
    assert all(older[1] == newer[0] for newer, older in itertools.pairwise(starts))
    table = columnar.event_cells_table(db, filters)
    assert table is not None and len(table.to_batches()) == 4  # read in parts, not streamed
    in_parts = csvout.csv_bytes(exports.events(db, filters), csvcolumns.EVENT_COLUMNS)
    monkeypatch.setattr(columnar, "PARTS", 1)
    at_once = csvout.csv_bytes(exports.events(db, filters), csvcolumns.EVENT_COLUMNS)
    assert in_parts == at_once and at_once.count(b"\r\n") == 561
    assert b"'=Oldest province" in in_parts
    streamed = csvout.csv_bytes(queries.iter_events_matching(db, filters), csvcolumns.EVENT_COLUMNS)
    assert _cells(in_parts) == _cells(streamed)
    db.close()


def test_a_very_large_export_is_written_a_part_at_a_time(tmp_path, monkeypatch):
    """Past MAX_PART_ROWS an export is cut into more parts than cores, read a few at a time and
    written one after another (the server holds the file and a few parts, not every row as
    columns too): the same file, byte for byte, as one read gives."""
    from dash.imports.importer import import_file
    from dash.queries import columnar

    from .support.files import ACLED_HEADER, acled_row, write

    db = store.open_writable(tmp_path / "events.db", create=True)
    days = [dt.date(2024, 12, 20) - dt.timedelta(days=d) for d in range(30)]
    rows = [acled_row(20 * d + k, event_date=day.isoformat(),
                      **({"admin2": ""} if d % 7 == 0 else {}))
            for d, day in enumerate(days) for k in range(20)]  # fmt: skip
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    monkeypatch.setattr(columnar, "ROWS_PER_PART", 100)
    monkeypatch.setattr(columnar, "PARTS", 2)
    monkeypatch.setattr(columnar, "MAX_PART_ROWS", 50)
    assert len(columnar.split_by_start(db, Filters(), 2)) == 12  # 600 rows, 50 a part at most
    parts = list(columnar.event_cells_parts(db, Filters()))
    assert len(parts) == 12 and sum(t.num_rows for t in parts) == 600
    in_parts = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS)
    monkeypatch.setattr(columnar, "MAX_PART_ROWS", 1_000_000)
    monkeypatch.setattr(columnar, "PARTS", 1)
    assert len(columnar.split_by_start(db, Filters(), 1)) == 1
    at_once = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS)
    assert in_parts == at_once and at_once.count(b"\r\n") == 601
    db.close()


def _twelve_days(tmp_path):
    from dash.imports.importer import import_file

    from .support.files import ACLED_HEADER, acled_row, write

    path = tmp_path / "events.db"
    db = store.open_writable(path, create=True)
    days = [dt.date(2024, 12, 20) - dt.timedelta(days=d) for d in range(12)]
    rows = [acled_row(d, event_date=day.isoformat()) for d, day in enumerate(days)]
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    db.close()
    return path


def test_a_write_between_two_parts_never_reaches_the_download(tmp_path, monkeypatch):
    """A write commits after the first part is read and written: the file must not mix the
    two states (it is written again, from one statement, as the write left the store)."""
    from dash.queries import columnar

    path = _twelve_days(tmp_path)
    reader = store.open_readonly(path)
    monkeypatch.setattr(columnar, "PARTS", 1)
    monkeypatch.setattr(columnar, "MAX_PART_ROWS", 3)  # four parts, read one at a time
    statement, asked = columnar.event_cells_statement, []

    def statement_then_a_write(filters, starts=(None, None)):
        asked.append(starts)
        if len(asked) == 2:  # the newest part is in; the others are not read yet
            writer = store.open_writable(path)
            writer.execute("UPDATE events SET title = 'SYNTHETIC CHANGED'")
            writer.conn.commit()
            writer.close()
        return statement(filters, starts)

    monkeypatch.setattr(columnar, "event_cells_statement", statement_then_a_write)
    download = csvout.csv_bytes(exports.events(reader, Filters()), csvcolumns.EVENT_COLUMNS)
    assert len(asked) >= 2 and download.count(b"SYNTHETIC CHANGED") == 12
    reader.close()


def test_parts_are_read_a_few_at_a_time_and_excel_has_one_mark(tmp_path, monkeypatch):
    from dash.queries import columnar

    db = store.open_readonly(_twelve_days(tmp_path))
    monkeypatch.setattr(columnar, "PARTS", 2)
    monkeypatch.setattr(columnar, "MAX_PART_ROWS", 2)  # six parts
    excel = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS, excel=True)
    assert excel.count("\ufeff".encode()) == 1 and excel.startswith("\ufeff".encode())
    asked: list[object] = []

    class Counting(columnar.ThreadPoolExecutor):
        def submit(self, *args, **kwargs):
            asked.append(args)
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(columnar, "ThreadPoolExecutor", Counting)
    parts = columnar.event_cells_parts(db, Filters())
    next(parts)
    assert len(asked) == columnar.PARTS + 1  # the part handed out and PARTS read ahead, not six
    assert len(list(parts)) == 5 and len(asked) == 6
    db.close()


def test_an_export_read_in_parts_while_a_write_commits_is_streamed_instead(tmp_path, monkeypatch):
    """Parts read by separate connections could each see another state of the store: when a
    write commits while they read, the download is written from one statement, and it holds
    the store as the write left it."""
    from dash.imports.importer import import_file
    from dash.queries import columnar

    from .support.files import ACLED_HEADER, acled_row, write

    path = tmp_path / "events.db"
    writer = store.open_writable(path, create=True)
    days = [dt.date(2024, 12, 20) - dt.timedelta(days=d) for d in range(10)]
    first = [acled_row(d, event_date=day.isoformat()) for d, day in enumerate(days)]
    import_file(writer, write(tmp_path / "a.csv", ACLED_HEADER, first), "acled")
    reader = store.open_readonly(path)
    monkeypatch.setattr(columnar, "ROWS_PER_PART", 2)
    monkeypatch.setattr(columnar, "PARTS", 2)
    split = columnar.split_by_start

    def split_then_a_write_commits(db, filters, most):
        runs = split(db, filters, most)
        later = [acled_row(100, event_date="2024-12-21", notes="SYNTHETIC: a later strike.")]
        import_file(writer, write(tmp_path / "b.csv", ACLED_HEADER, later), "acled")
        return runs

    monkeypatch.setattr(columnar, "split_by_start", split_then_a_write_commits)
    assert columnar.event_cells_table(reader, Filters()) is None
    download = csvout.csv_bytes(exports.events(reader, Filters()), csvcolumns.EVENT_COLUMNS)
    assert download.count(b"\r\n") == 12 and b"a later strike" in download
    reader.close()
    writer.close()


def test_without_the_arrow_reader_an_export_is_streamed(tmp_path, monkeypatch):
    """No ADBC driver (or a store it cannot open): the same download, written row by row."""
    import sys

    from dash.imports.importer import import_file
    from dash.queries import columnar

    from .support.files import ACLED_HEADER, acled_row, write

    path = tmp_path / "events.db"
    db = store.open_writable(path, create=True)
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1)]), "acled")
    monkeypatch.setitem(sys.modules, "adbc_driver_sqlite.dbapi", None)  # import fails
    assert columnar.event_cells_table(db, Filters()) is None
    fast = csvout.csv_bytes(exports.events(db, Filters()), csvcolumns.EVENT_COLUMNS)
    slow = csvout.csv_bytes(queries.iter_events_matching(db, Filters()), csvcolumns.EVENT_COLUMNS)
    assert fast == slow
    db.close()


@pytest.mark.parametrize(
    "filters",
    [
        Filters(date_from=dt.date(2024, 6, 1), date_to=dt.date(2025, 12, 31),
                provinces=("Khyber Pakhtunkhwa", "Paktika"), min_fatalities=1),
        Filters(text="airstrike", parties=("afghan_taliban", "pakistan_state"),
                origins=("curated",), cross_border_only=True),
        Filters(actors=("(the store's first actor)",), countries=("Pakistan", "Afghanistan"),
                event_types=("Battles", "Explosions/Remote violence"), precisions=("exact", "district")),
    ],
    ids=["dates-places-toll", "text-parties-origin", "actors-types-countries"],
)  # fmt: skip
def test_the_fast_export_binds_every_filter_as_the_streamed_one_does(filters):
    """The Arrow reader binds the filter's named parameters by position: on the shipped store,
    with filters that use them, it carries the rows and cells the streamed export carries."""
    from dash.queries import columnar

    db = store.open_readonly(SHIPPED_DB)
    if filters.actors:
        first = "SELECT actor1 FROM events WHERE actor1 IS NOT NULL ORDER BY date_start LIMIT 1"
        filters = filters.replace(actors=(db.execute(first).fetchone()[0],))
    table = columnar.event_cells_table(db, filters)
    streamed = list(queries.iter_event_cells(db, filters))
    assert table is not None and table.num_rows == len(streamed) > 0
    fast = csvout.csv_bytes(exports.events(db, filters), csvcolumns.EVENT_COLUMNS)
    slow = csvout.csv_bytes(queries.iter_events_matching(db, filters), csvcolumns.EVENT_COLUMNS)
    assert _cells(fast) == _cells(slow)
    db.close()
