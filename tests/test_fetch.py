"""The fetchers against a local HTTP server started here (loopback only), serving small SYNTHETIC
releases in UCDP's and ACLED's real formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import urllib.parse
import zipfile
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from dash import integrity, store
from dash.cli import cli
from dash.imports import fetch_acled as acled_fetch
from dash.imports.download import DownloadFailed
from dash.imports.fetch_acled import fetch_acled
from dash.imports.fetch_ucdp import candidate_years, covered_until, current_version, fetch_ucdp
from dash.imports.importer import ImportFailed

from .support.files import ACLED_HEADER, UCDP_HEADER, acled_row, ucdp_row

Route = bytes | Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A tiny HTTP server: path -> bytes (Range honoured) or a handler function."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.drop_after: dict[str, int] = {}  # path -> bytes sent before the connection drops
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _serve(self) -> None:
                path = urllib.parse.urlsplit(self.path).path
                outer.requests.append((self.command, self.path, dict(self.headers)))
                route = outer.routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                if callable(route):
                    route(self)
                    return
                start = 0
                if (ranged := self.headers.get("Range", "")).startswith("bytes="):
                    start = int(ranged[6:].split("-")[0])
                body = route[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                cut = outer.drop_after.pop(path, None)
                self.wfile.write(body if cut is None else body[:cut])
                if cut is not None:
                    self.wfile.flush()
                    self.connection.close()

            do_GET = _serve
            do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def ucdp_csv(rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(UCDP_HEADER)
    for row in rows:
        writer.writerow([row.get(h, "") for h in UCDP_HEADER])
    return buffer.getvalue().encode("utf-8")


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return out.getvalue()


GED_251 = [ucdp_row(1), ucdp_row(2, country="Afghanistan", adm_1="Paktika province", adm_2=""),
           ucdp_row(3, country="Syria", adm_1="Idlib governorate", adm_2="")]  # fmt: skip
DAY = {"date_prec": "1"}
# GED 25.1 covers events to the end of 2024; the candidates after it are those of 2025 on.
CANDIDATE_1 = [ucdp_row(900, best="5", low="5", high="6", date_start="2025-01-10 00:00:00.000",
                        date_end="2025-01-10 00:00:00.000", **DAY)]  # fmt: skip
TODAY = dt.date(2025, 4, 15)  # March's candidates are the newest UCDP can have published


def serve_ucdp(server: Server, ged=GED_251, version="251", candidates=(CANDIDATE_1,)) -> None:
    server.routes[f"/ged/ged{version}-csv.zip"] = zipped(
        f"GEDEvent_v{version[:2]}_{version[2:]}.csv", ucdp_csv(ged)
    )
    for month, rows in enumerate(candidates, 1):
        server.routes[f"/candidateged/GEDEvent_v{version[:2]}_0_{month}.csv"] = ucdp_csv(rows)


def ids(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM events WHERE origin = 'ucdp' ORDER BY id")]


def asked(server: Server) -> list[str]:
    return [p for _, p, _ in server.requests]


def test_the_current_version_follows_ucdps_calendar():
    assert current_version(dt.date(2026, 11, 29)) == "26.1"
    assert current_version(dt.date(2026, 3, 1)) == "25.1"
    assert current_version(dt.date(2026, 6, 10)) == "26.1"  # June: tried, with a fallback
    # 26.1 covers 2025; its candidates are 2026's, named v26
    assert covered_until("26.1") == dt.date(2025, 12, 31)
    assert list(candidate_years("26.1", dt.date(2027, 2, 1))) == [2026, 2027]


def test_first_fetch_takes_the_release_and_the_candidates_of_the_region(server, fresh_db, tmp_path):
    serve_ucdp(server)
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert [r.release.name for r in results] == ["ged251-csv.zip", "GEDEvent_v25_0_1.csv"]
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:501", "ucdp:502"]  # Syria left out
    assert dict(results[0].report.outside_region) == {"Syria": 1}
    # no year-so-far file: every month from January; the first month not published ends it
    assert "/candidateged/GEDEvent_v25_01_25_03.csv" in asked(server)
    assert "/candidateged/GEDEvent_v25_0_2.csv" in asked(server)
    assert "/candidateged/GEDEvent_v25_0_3.csv" not in asked(server)
    # April's file cannot be out on 15 April: never asked for
    assert not [p for p in asked(server) if "_04" in p or "_0_4" in p]


def test_a_year_so_far_file_replaces_the_months_it_covers(server, fresh_db, tmp_path):
    serve_ucdp(server, candidates=())
    january_to_march = [ucdp_row(900, date_start="2025-01-10 00:00:00.000",
                                 date_end="2025-01-10 00:00:00.000", **DAY),
                        ucdp_row(901, date_start="2025-03-02 00:00:00.000",
                                 date_end="2025-03-02 00:00:00.000", **DAY)]  # fmt: skip
    april = [ucdp_row(902, date_start="2025-04-20 00:00:00.000",
                      date_end="2025-04-20 00:00:00.000", **DAY)]  # fmt: skip
    server.routes["/candidateged/GEDEvent_v25_01_25_03.csv"] = ucdp_csv(january_to_march)
    server.routes["/candidateged/GEDEvent_v25_0_4.csv"] = ucdp_csv(april)
    server.routes["/candidateged/GEDEvent_v25_0_1.csv"] = ucdp_csv([ucdp_row(999)])  # stale
    today = dt.date(2025, 6, 20)
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=today)
    assert [r.release.name for r in results] == [
        "ged251-csv.zip", "GEDEvent_v25_01_25_03.csv", "GEDEvent_v25_0_4.csv",
    ]  # fmt: skip
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:1401", "ucdp:1402", "ucdp:501", "ucdp:502"]
    assert "/candidateged/GEDEvent_v25_0_1.csv" not in asked(server)  # covered by January–March
    assert "/candidateged/GEDEvent_v25_0_5.csv" in asked(server)  # May: not out, the end


def test_candidates_of_every_year_after_the_release(server, fresh_db, tmp_path):
    """Before GED 26.1 is out (it comes around June), 25.1 is followed by 2025's candidates
    and 2026's so far."""
    serve_ucdp(server)
    server.routes["/candidateged/GEDEvent_v26_0_1.csv"] = ucdp_csv(
        [ucdp_row(950, date_start="2026-01-05 00:00:00.000", date_end="2026-01-05 00:00:00.000",
                  **DAY)]
    )  # fmt: skip
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, today=dt.date(2026, 3, 1))
    assert [r.release.name for r in results] == [
        "ged251-csv.zip", "GEDEvent_v25_0_1.csv", "GEDEvent_v26_0_1.csv",
    ]  # fmt: skip
    assert "ucdp:1450" in ids(fresh_db)


def test_the_release_of_the_year_not_out_yet_falls_back_to_the_one_before(
    server, fresh_db, tmp_path
):
    serve_ucdp(server)  # 25.1 only: 26.1 is late
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, today=dt.date(2026, 6, 10))
    assert [r.release.name for r in results] == ["ged251-csv.zip", "GEDEvent_v25_0_1.csv"]
    assert "/ged/ged261-csv.zip" in asked(server)
    # the later 2025 months were looked for too (all twelve are past): December first
    assert "/candidateged/GEDEvent_v25_01_25_12.csv" in asked(server)
    with pytest.raises(DownloadFailed, match="no GED release 26.1"):
        fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="26.1", today=TODAY)


def test_a_release_taken_early_stays_the_default(server, fresh_db, tmp_path):
    """26.1 fetched with --version on its day in June; a run without one the next day (or a
    scheduled run) keeps to it instead of refusing its older default."""
    serve_ucdp(server, version="261", candidates=())
    serve_ucdp(server)
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="26.1",
               today=dt.date(2026, 5, 30))  # fmt: skip
    again = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, today=dt.date(2026, 5, 31))
    assert again[0].release.name == "ged261-csv.zip"


def test_a_quiet_candidate_month_is_skipped_and_the_next_taken(server, fresh_db, tmp_path):
    syria = [ucdp_row(3, country="Syria", adm_1="Idlib governorate", adm_2="",
                      date_start="2025-01-10 00:00:00.000", date_end="2025-01-10 00:00:00.000")]  # fmt: skip
    serve_ucdp(server, candidates=(syria, CANDIDATE_1))
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert "outside the store's region" in results[1].skipped
    assert results[2].report.inserted == 1 and "ucdp:1400" in ids(fresh_db)
    logged = "SELECT count(*) FROM imports WHERE file = 'GEDEvent_v25_0_1.csv'"
    assert fresh_db.execute(logged).fetchone() == (1,)  # the refusal, in the import log
    again = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert "as when it was last fetched" in again[1].skipped
    assert fresh_db.execute(logged).fetchone() == (1,)  # not logged again on every run
    from dash import regions

    with fresh_db.atomic():
        regions.set_region(fresh_db, ["Pakistan", "Afghanistan", "Syria"])
    widened = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert widened[1].report.inserted == 1  # the region now holds it: taken


def test_the_release_is_read_as_the_import_reads_it(server, fresh_db, tmp_path):
    """A final whose header has spaces around its names imports (the reader strips them); the
    reconciliation must read the same ids, or it would remove every event it publishes."""
    serve_ucdp(server)
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    spaced = ucdp_csv(GED_251).replace(b"id,relid", b" id ,relid", 1)
    assert spaced.startswith(b" id ,")
    server.routes["/ged/ged261-csv.zip"] = zipped("GEDEvent_v26_1.csv", spaced)
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="26.1",
                         candidates=False, today=dt.date(2026, 7, 1))  # fmt: skip
    # the 2025 candidate 1400 is not in 26.1: the only one removed
    assert results[0].removed == ["ucdp:1400"]
    assert ids(fresh_db) == ["ucdp:501", "ucdp:502"]
    recorded = integrity.recorded(fresh_db)
    assert recorded is not None and recorded.digest == integrity.content_digest(fresh_db)


def on(day: str) -> dict[str, str]:
    return {"date_start": f"{day} 00:00:00.000", "date_end": f"{day} 00:00:00.000", **DAY}


def test_the_newest_year_so_far_file_is_found_first(server, fresh_db, tmp_path):
    serve_ucdp(server, candidates=())
    server.routes["/candidateged/GEDEvent_v25_01_25_03.csv"] = ucdp_csv(
        [ucdp_row(900, **on("2025-01-10"))]
    )
    server.routes["/candidateged/GEDEvent_v25_01_25_06.csv"] = ucdp_csv(
        [ucdp_row(900, **on("2025-01-10")), ucdp_row(901, **on("2025-05-10"))]
    )
    server.routes["/candidateged/GEDEvent_v25_0_7.csv"] = ucdp_csv(
        [ucdp_row(902, **on("2025-07-10"))]
    )
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1",
                         today=dt.date(2025, 8, 20))  # fmt: skip
    assert [r.release.name for r in results] == [
        "ged251-csv.zip", "GEDEvent_v25_01_25_06.csv", "GEDEvent_v25_0_7.csv",
    ]  # fmt: skip
    assert "/candidateged/GEDEvent_v25_01_25_03.csv" not in asked(server)
    assert {"ucdp:1400", "ucdp:1401", "ucdp:1402"} <= set(ids(fresh_db))


def test_in_january_no_file_of_the_new_year_is_asked_for(server, fresh_db, tmp_path):
    serve_ucdp(server)
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1",
               today=dt.date(2026, 1, 15))  # fmt: skip
    assert not [p for p in asked(server) if "GEDEvent_v26" in p]
    assert "/candidateged/GEDEvent_v25_01_25_12.csv" in asked(server)  # all of 2025 can be out


def test_a_release_imported_by_hand_is_the_floor_too(server, fresh_db, tmp_path):
    from dash.imports.importer import import_file

    final = tmp_path / "GEDEvent_v26_1.csv"
    final.write_bytes(ucdp_csv(GED_251))
    import_file(fresh_db, final, "ucdp")
    serve_ucdp(server)
    serve_ucdp(server, version="261", candidates=())
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, today=dt.date(2026, 3, 1))
    assert results[0].release.name == "ged261-csv.zip"  # not 25.1, the calendar's default
    with pytest.raises(DownloadFailed, match="25.1 is older"):
        fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)


def test_an_event_the_release_moves_out_of_the_region_goes(server, fresh_db, tmp_path):
    """The candidate 1400 was in Pakistan; 26.1 places it in Iran. The import leaves Iran's rows
    out, so without the reconciliation the candidate version would stay, counted in the region.
    Syria's 503, kept on purpose with --all-countries, stays: 26.1 still publishes it."""
    syria = ucdp_row(3, country="Syria", adm_1="Idlib governorate", adm_2="")
    serve_ucdp(server, ged=[*GED_251[:2], syria])
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1",
               all_countries=True, today=TODAY)  # fmt: skip
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:501", "ucdp:502", "ucdp:503"]
    in_iran = ucdp_row(900, country="Iran", adm_1="Sistan and Baluchestan province", adm_2="",
                       **on("2025-01-10"))  # fmt: skip
    serve_ucdp(server, ged=[*GED_251[:2], syria, in_iran], version="261", candidates=())
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="26.1",
                         today=dt.date(2026, 7, 1))  # fmt: skip
    assert results[0].removed == ["ucdp:1400"]
    assert ids(fresh_db) == ["ucdp:501", "ucdp:502", "ucdp:503"]
    why = fresh_db.execute("SELECT column_name FROM revisions WHERE row_id = 'ucdp:1400'"
                           " AND new_value IS NULL").fetchone()  # fmt: skip
    assert why == ("(outside the region in UCDP GED 26.1)",)


def test_what_the_release_does_not_cover_or_places_by_province_stays(server, fresh_db, tmp_path):
    """26.1 covers to 31 December 2025: a candidate running into 2026 is not its to judge. A row
    with no country is placed by its province, as the import places it, not taken as outside."""
    into_2026 = ucdp_row(901, date_start="2025-12-28 00:00:00.000",
                         date_end="2026-01-03 00:00:00.000", date_prec="2")  # fmt: skip
    new_years_eve = ucdp_row(902, **on("2025-12-31"))  # within 26.1's years, and not in it
    serve_ucdp(server, candidates=([*CANDIDATE_1, into_2026, new_years_eve],))
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1",
               today=dt.date(2026, 2, 1))  # fmt: skip
    no_country = ucdp_row(1, country="", adm_1="Khyber Pakhtunkhwa province")
    serve_ucdp(server, ged=[no_country, GED_251[1], ucdp_row(900, **on("2025-01-10"))],
               version="261", candidates=())  # fmt: skip
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="26.1",
                         candidates=False, today=dt.date(2026, 7, 1))  # fmt: skip
    assert results[0].removed == ["ucdp:1402"]
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:1401", "ucdp:501", "ucdp:502"]
    meta = fresh_db.execute("SELECT value FROM dataset_meta WHERE key = 'ucdp_final_release'")
    assert meta.fetchone() == ("26.1",)


def test_the_stores_release_not_downloadable_is_said_not_replaced(server, fresh_db, tmp_path):
    """The store follows 26.1; in another download folder, with UCDP not answering for 26.1, a
    run must not fall back to 25.1, whose candidates would overwrite vetted events."""
    serve_ucdp(server, version="261", candidates=())
    fetch_ucdp(fresh_db, tmp_path / "one", base=server.url, today=dt.date(2026, 7, 1))
    del server.routes["/ged/ged261-csv.zip"]
    serve_ucdp(server)
    before = integrity.content_digest(fresh_db)
    with pytest.raises(DownloadFailed, match="no GED release 26.1"):
        fetch_ucdp(fresh_db, tmp_path / "two", base=server.url, today=dt.date(2026, 7, 2))
    assert integrity.content_digest(fresh_db) == before


def test_a_candidate_file_with_invalid_rows_stops_the_run(server, fresh_db, tmp_path):
    bad = [ucdp_row(901, type_of_violence="9", **on("2025-01-12"))]
    serve_ucdp(server, candidates=(bad, CANDIDATE_1))
    with pytest.raises(ImportFailed) as failed:
        fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert [r.release.name for r in failed.value.done] == ["ged251-csv.zip"]
    assert "ucdp:1400" not in ids(fresh_db)  # not skipped past: the user must see the bad rows


def test_a_re_fetch_takes_nothing_new(server, fresh_db, tmp_path):
    serve_ucdp(server)
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    before = integrity.content_digest(fresh_db)
    again = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert [r.skipped for r in again] == ["imported before: nothing new"] * 2
    assert [r.removed for r in again] == [[], []]
    assert integrity.content_digest(fresh_db) == before


def test_a_newer_release_updates_candidates_in_place_and_removes_those_it_drops(
    server, fresh_db, tmp_path
):
    dropped = ucdp_row(901, date_start="2025-01-20 00:00:00.000",
                       date_end="2025-01-20 00:00:00.000", **DAY)  # fmt: skip
    of_2026 = [ucdp_row(950, date_start="2026-01-05 00:00:00.000",
                        date_end="2026-01-05 00:00:00.000", **DAY)]  # fmt: skip
    serve_ucdp(server, candidates=([*CANDIDATE_1, dropped],))
    server.routes["/candidateged/GEDEvent_v26_0_1.csv"] = ucdp_csv(of_2026)
    today = dt.date(2026, 7, 20)
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=today)
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:1401", "ucdp:1450", "ucdp:501", "ucdp:502"]
    # 26.1 (to the end of 2025) publishes candidate 1400 with revised figures, revises 501,
    # drops candidate 1401 and event 502; the 2026 candidate 1450 is after its years
    final = [ucdp_row(1, best="30", high="40"), ucdp_row(900, best="7", low="6", high="9",
             date_start="2025-01-10 00:00:00.000", date_end="2025-01-10 00:00:00.000", **DAY)]  # fmt: skip
    serve_ucdp(server, ged=final, version="261", candidates=())
    server.routes["/candidateged/GEDEvent_v26_0_1.csv"] = ucdp_csv(of_2026)
    results = fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="26.1", today=today)
    report = results[0].report
    assert (report.inserted, report.updated) == (0, 2)
    assert sorted(results[0].removed) == ["ucdp:1401", "ucdp:502"]
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:1450", "ucdp:501"]  # updated, not duplicated
    changed = fresh_db.execute(
        "SELECT row_id, column_name, old_value, new_value FROM revisions"
        " WHERE column_name = 'fatalities_best' ORDER BY row_id"
    ).fetchall()
    assert changed == [
        ("ucdp:1400", "fatalities_best", "5", "7"),
        ("ucdp:501", "fatalities_best", "24", "30"),
    ]
    kept = fresh_db.execute(
        "SELECT table_name, row_id, old_value FROM revisions"
        " WHERE column_name = '(not in UCDP GED 26.1)' ORDER BY table_name DESC, row_id"
    ).fetchall()
    assert [(table, row_id) for table, row_id, _ in kept] == [
        ("events", "ucdp:1401"),
        ("events", "ucdp:502"),
        # each event's own source document goes with it, kept whole too
        ("documents", "ucdp-source:1401"),
        ("documents", "ucdp-source:502"),
    ]
    assert json.loads(kept[0][2])["date_start"] == "2025-01-20"  # the whole row, to look back at
    assert json.loads(kept[2][2])["id"] == "ucdp-source:1401"
    documents = [r[0] for r in fresh_db.execute("SELECT id FROM documents ORDER BY id")]
    assert documents == ["ucdp-source:1400", "ucdp-source:1450", "ucdp-source:501"]
    # and an older release would bring back what 26.1 vetted: refused, nothing changed
    before = integrity.content_digest(fresh_db)
    with pytest.raises(DownloadFailed, match="already follow GED 26.1; 25.1 is older"):
        fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=today)
    assert integrity.content_digest(fresh_db) == before


def test_a_dropped_connection_writes_nothing_and_the_next_run_resumes(server, fresh_db, tmp_path):
    serve_ucdp(server)
    server.drop_after["/ged/ged251-csv.zip"] = 200
    before = integrity.content_digest(fresh_db)
    with pytest.raises(DownloadFailed, match="the next run resumes it"):
        fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    assert integrity.content_digest(fresh_db) == before
    part = tmp_path / "cache" / "ged251-csv.zip.part"
    assert part.stat().st_size == 200
    fetch_ucdp(fresh_db, tmp_path / "cache", base=server.url, version="25.1", today=TODAY)
    ranges = [h.get("Range") for _, p, h in server.requests if p == "/ged/ged251-csv.zip"]
    assert ranges == [None, "bytes=200-"]  # the second request resumed where the first broke
    assert ids(fresh_db) == ["ucdp:1400", "ucdp:501", "ucdp:502"]


def test_no_server_at_all_is_a_clear_message_and_exit_1(tmp_path, synthetic_db_path):
    closed = Server()
    url = closed.url
    closed.close()
    result = CliRunner().invoke(cli, ["fetch", "ucdp", "--db", str(synthetic_db_path),
                                      "--cache", str(tmp_path), "--base-url", url])  # fmt: skip
    assert result.exit_code == 1
    assert "could not reach 127.0.0.1" in result.output and "nothing changed" in result.output


def test_the_cli_fetches_and_reports_each_file(server, tmp_path, synthetic_db_path):
    serve_ucdp(server)
    result = CliRunner().invoke(cli, ["fetch", "ucdp", "--version", "25.1", "--db",
                                      str(synthetic_db_path), "--cache", str(tmp_path),
                                      "--base-url", server.url])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ged251-csv.zip: 3 rows read" in result.output
    assert "GEDEvent_v25_0_1.csv: 1 rows read" in result.output
    checked = CliRunner().invoke(cli, ["check", "--db", str(synthetic_db_path)])
    assert checked.exit_code == 0, checked.output


def test_a_failure_mid_run_reports_what_was_taken_and_the_candidate_starts_afresh(
    server, tmp_path, synthetic_db_path
):
    serve_ucdp(server, candidates=(CANDIDATE_1, [ucdp_row(901, **on("2025-02-03"))]))
    server.drop_after["/candidateged/GEDEvent_v25_0_2.csv"] = 100
    args = ["fetch", "ucdp", "--version", "25.1", "--db", str(synthetic_db_path),
            "--cache", str(tmp_path), "--base-url", server.url]  # fmt: skip
    broken = CliRunner().invoke(cli, args)
    assert broken.exit_code == 1
    assert "ged251-csv.zip: 3 rows read" in broken.output
    assert "GEDEvent_v25_0_1.csv: 1 rows read" in broken.output
    assert "closed after 100 of" in broken.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "GEDEvent_v25_0_2.csv: 1 rows read" in again.output
    ranges = [h.get("Range") for _, p, h in server.requests
              if p == "/candidateged/GEDEvent_v25_0_2.csv"]  # fmt: skip
    assert ranges == [None, None]  # no resuming a candidate UCDP may have revised since


def test_a_failed_reconciliation_still_lists_the_release_taken(
    server, tmp_path, synthetic_db_path, monkeypatch
):
    from dash.imports import fetch_ucdp as module

    def unreadable(*_args, **_kwargs):
        raise DownloadFailed("GEDEvent_v25_1.csv: no UCDP event id could be read")

    monkeypatch.setattr(module, "_reconcile", unreadable)
    serve_ucdp(server)
    result = CliRunner().invoke(cli, ["fetch", "ucdp", "--version", "25.1", "--db",
                                      str(synthetic_db_path), "--cache", str(tmp_path),
                                      "--base-url", server.url])  # fmt: skip
    assert result.exit_code == 1
    assert "ged251-csv.zip: 3 rows read" in result.output
    assert "no UCDP event id could be read" in result.output
    # the next run, the release's import skipped as seen, still reconciles the store with it
    monkeypatch.undo()
    again = CliRunner().invoke(cli, ["fetch", "ucdp", "--version", "25.1", "--db",
                                     str(synthetic_db_path), "--cache", str(tmp_path),
                                     "--base-url", server.url])  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "ged251-csv.zip: imported before: nothing new" in again.output
    db = store.open_readonly(synthetic_db_path)
    meta = db.execute("SELECT value FROM dataset_meta WHERE key = 'ucdp_final_release'")
    assert meta.fetchone() == ("25.1",)
    db.close()


def test_import_ucdp_of_a_file_older_than_the_stores_release_is_refused(
    server, tmp_path, synthetic_db_path
):
    serve_ucdp(server, version="261", candidates=())
    fetched = CliRunner().invoke(cli, ["fetch", "ucdp", "--version", "26.1", "--db",
                                       str(synthetic_db_path), "--cache", str(tmp_path / "dl"),
                                       "--base-url", server.url])  # fmt: skip
    assert fetched.exit_code == 0, fetched.output
    db = store.open_readonly(synthetic_db_path)
    before = integrity.content_digest(db)
    db.close()
    old = [ucdp_row(900, best="3", **on("2025-01-10"))]

    def import_as(name: str, *more: str):
        path = tmp_path / name
        path.write_bytes(ucdp_csv(old))
        return CliRunner().invoke(cli, ["import", "ucdp", str(path), "--db",
                                        str(synthetic_db_path), *more])  # fmt: skip

    refused = import_as("GEDEvent_v25_0_1.csv")
    assert refused.exit_code == 1
    assert "candidate events of 2025, a year GED 26.1 (which the store follows) has vetted" in (
        refused.output
    )
    assert "give --older" in refused.output
    assert "older than GED 26.1" in import_as("GEDEvent_v25_1.csv").output
    db = store.open_readonly(synthetic_db_path)
    assert integrity.content_digest(db) == before  # nothing imported
    db.close()
    assert import_as("GEDEvent_v26_0_1.csv").exit_code == 0  # 2026: not vetted yet
    assert import_as("GEDEvent_v25_0_1.csv", "--older").exit_code == 0


# --- ACLED ---------------------------------------------------------------------------------


class Acled:
    """ACLED's API on the test server: token, paged events, deletions, one rate limit."""

    def __init__(self, server: Server, events: list[dict[str, str]], deleted=()) -> None:
        self.events, self.deleted = events, list(deleted)
        self.failing_page: int | None = None
        self.rate_limited = True
        server.routes["/oauth/token"] = self.token
        server.routes["/api/acled/read"] = self.read
        server.routes["/api/deleted/read"] = self.read_deleted

    @staticmethod
    def _json(handler, body, status=200, headers=None):
        data = json.dumps(body).encode()
        handler.send_response(status)
        for k, v in (headers or {}).items():
            handler.send_header(k, v)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def token(self, handler):
        form = urllib.parse.parse_qs(
            handler.rfile.read(int(handler.headers["Content-Length"])).decode()
        )
        if form.get("password") != ["SYNTHETIC-secret"] or form.get("client_id") != ["acled"]:
            self._json(handler, {"error": "invalid_grant"}, 400)
            return
        self._json(handler, {"access_token": "SYNTHETIC-token", "expires_in": 86400})

    def read(self, handler):
        if handler.headers.get("Authorization") != "Bearer SYNTHETIC-token":
            self._json(handler, {"error": "unauthorised"}, 401)
            return
        if self.rate_limited:
            self.rate_limited = False
            self._json(handler, {"error": "slow down"}, 429, {"Retry-After": "0"})
            return
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)
        page, limit = int(q["page"][0]), int(q["limit"][0])
        if page == self.failing_page:
            self.failing_page = None
            handler.send_error(500)
            return
        since = int(q["timestamp"][0]) if "timestamp" in q else None
        rows = [e for e in self.events if since is None or int(e["timestamp"]) >= since]
        self._json(handler, {"status": 200, "data": rows[(page - 1) * limit : page * limit]})

    def read_deleted(self, handler):
        self._json(handler, {"status": 200, "data": [
            {"event_id_cnty": i, "deleted_timestamp": "1780000000"} for i in self.deleted]})  # fmt: skip


def acled_events(n, **kw):
    rows = [acled_row(i, timestamp="1770000000", **kw) for i in range(1, n + 1)]
    return [{h: r.get(h, "") for h in ACLED_HEADER} for r in rows]


def test_acled_fetch_pages_imports_applies_deletions_and_then_only_what_changed(
    server, fresh_db, tmp_path, monkeypatch
):
    monkeypatch.setattr(acled_fetch, "PAGE_SIZE", 2)
    events = acled_events(5)
    events[1]["source"] = "SYNTHETIC Valley Weekly"  # SYN2's own source; the others share one
    api = Acled(server, events)
    result = fetch_acled(fresh_db, tmp_path, "syn@example.org", "SYNTHETIC-secret", base=server.url)
    assert (result.pages, result.rows, result.report.inserted) == (3, 5, 5)
    publishers = "SELECT publisher FROM documents WHERE id LIKE 'acled-source:%' ORDER BY publisher"
    assert [r[0] for r in fresh_db.execute(publishers)] == [
        "SYNTHETIC Gazette; SYNTHETIC Wire",
        "SYNTHETIC Valley Weekly",
    ]
    assert result.since is None
    # a re-run asks only for events changed since, and applies ACLED's deletions as revisions
    api.events.append(acled_events(6)[-1] | {"timestamp": "2900000000"})
    api.deleted = ["SYN2", "SYN2", "SYN3"]  # a deletion listed twice is applied once
    again = fetch_acled(fresh_db, tmp_path, "syn@example.org", "SYNTHETIC-secret", base=server.url)
    assert again.since is not None and again.rows == 1 and again.report.inserted == 1
    assert again.deleted == ["acled:SYN2", "acled:SYN3"]
    remaining = [r[0] for r in fresh_db.execute("SELECT id FROM events ORDER BY id")]
    assert "acled:SYN2" not in remaining and len(remaining) == 4
    revision = fresh_db.execute(
        "SELECT column_name, old_value FROM revisions WHERE row_id = 'acled:SYN2'"
    ).fetchone()
    assert revision[0] == "(deleted by ACLED)" and json.loads(revision[1])["id"] == "acled:SYN2"
    # the document only SYN2 cited goes with it, kept whole; the one SYN3 shared with others stays
    assert [r[0] for r in fresh_db.execute(publishers)] == ["SYNTHETIC Gazette; SYNTHETIC Wire"]
    kept = fresh_db.execute(
        "SELECT column_name, old_value FROM revisions WHERE table_name = 'documents'"
    ).fetchall()
    assert [(why, json.loads(old)["publisher"]) for why, old in kept] == [
        ("(deleted by ACLED)", "SYNTHETIC Valley Weekly")
    ]
    # and `check` sees the tool's own writes, not "a change made outside the tool"
    assert integrity.changed_outside(fresh_db, integrity.content_digest(fresh_db)) is None


def test_acled_fetch_resumes_at_the_page_that_failed(server, fresh_db, tmp_path, monkeypatch):
    monkeypatch.setattr(acled_fetch, "PAGE_SIZE", 2)
    api = Acled(server, acled_events(5))
    api.failing_page = 2
    before = integrity.content_digest(fresh_db)
    with pytest.raises(DownloadFailed, match="HTTP 500"):
        fetch_acled(fresh_db, tmp_path, "syn@example.org", "SYNTHETIC-secret", base=server.url)
    assert integrity.content_digest(fresh_db) == before  # nothing half-written
    result = fetch_acled(fresh_db, tmp_path, "syn@example.org", "SYNTHETIC-secret", base=server.url)
    pages = [urllib.parse.parse_qs(urllib.parse.urlsplit(p).query).get("page") for m, p, _ in
             server.requests if p.startswith("/api/acled/read")]  # fmt: skip
    assert pages.count(["1"]) == 2  # one rate-limited try, one answer; never asked again
    assert result.report.inserted == 5


def test_acled_wrong_password_is_refused_clearly(server, tmp_path, synthetic_db_path):
    Acled(server, acled_events(1))
    result = CliRunner().invoke(
        cli, ["fetch", "acled", "--db", str(synthetic_db_path), "--cache", str(tmp_path),
              "--base-url", server.url, "--email", "syn@example.org"],
        env={"ACLED_PASSWORD": "wrong"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert "HTTP 400" in result.output and "invalid_grant" in result.output
    assert "ACLED's terms of use apply" in result.output
