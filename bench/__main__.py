"""The benchmark runner: the design brief's performance budgets at 10k, 100k and 1M events.

    .venv/bin/python -m bench                       # 10k, 100k and 1M events (about 15 min)
    .venv/bin/python -m bench --sizes 10000 --repeat 3 --no-browser
    .venv/bin/python -m bench --out bench/results/latest.json

For each size it generates SYNTHETIC ACLED rows (bench/generate.py) into a temporary folder,
imports them through the real importer, and measures, each as the median of --repeat runs with
a baseline measured in the same run:

- import of the file, against ``sqlite-utils insert --csv`` of the same file;
- the in-memory columns: read from SQLite, written beside the database, reopened (memory-mapped)
  as a fresh server does;
- everything the statistics page computes, for five typical filters, against the same
  aggregates as plain SQL run directly with ``sqlite3`` (the reference SQL in tests/support/oracle.py)
  and, as an anchor, against DuckDB over a materialised copy of the store (bench/duck.py);
- each page rendered headlessly (AppTest), first and repeat runs, in a fresh process;
- the map's data preparation with every event matching (count, grid, cells);
- a CSV export of 100,000 filtered rows;
- in a browser (Debian's Chromium), each page as the first visit of a fresh server, with the
  server's peak memory;
- in the browser, Datasette's faceted counts (event type and province, one
  year) against the statistics page for the same year, when Datasette is installed
  (``pip install -e '.[bench]'``, which also installs DuckDB).

Nothing here asserts a time: it prints a table, the growth from size to size, and writes JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import io
import json
import os
import platform
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dash import columns, csvcolumns, csvout, exports, mapdata, queries, store
from dash.filters import Filters
from dash.imports.importer import import_file
from dash.tally import Tally
from tests.support import oracle
from tests.support.browser import PAGE_DRAWN, SETTLED

from . import duck, load
from .generate import add_claims, generate

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZES = (10_000, 100_000, 1_000_000)
PAGES = ("overview", "statistics", "map", "narratives", "sources")
CSV_ROWS = 100_000
SEARCHED = "checkpoint"  # a word the generated notes hold
# The statistics page's five typical filters (the year and province exist in generated data).
FILTERS = {
    "none": Filters(),
    "one year": Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)),
    "one province": Filters(provinces=("Khyber Pakhtunkhwa",)),
    "one event type": Filters(event_types=("Battles",)),
    "free text": Filters(text="checkpoint"),
}
BREAKDOWNS = ("province", "district", "event_type", "sub_event_type", "actor")
# Budgets of the design brief, in seconds (None: reported, no budget).
BUDGETS = {
    "import": {1_000_000: 60.0},
    "statistics": 0.5,
    "page repeat": 2.0,
    "csv": 1.0,
    "first visit": 2.0,
    "filter change": {1_000_000: 1.5, "shipped": 1.0},
    "server MB": 600,
}


@dataclass
class Measurement:
    name: str
    size: int
    seconds: float
    runs: list[float]
    baseline: str | None = None
    baseline_seconds: float | None = None
    budget: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return ""
        return "within budget" if self.seconds <= self.budget else "OVER BUDGET"


def timed(
    fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
) -> list[float]:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


def measure(
    results: list[Measurement], name: str, size: int, runs: list[float], **kw: Any
) -> Measurement:
    m = Measurement(name, size, statistics.median(runs), runs, **kw)
    results.append(m)
    print(f"  {name}: {m.seconds * 1000:,.1f} ms" + (f" ({m.note})" if m.note else ""), flush=True)
    return m


# --- statistics ---------------------------------------------------------------------------------


def statistics_page(source: Any, filters: Filters) -> None:
    """Everything the statistics page computes for one filter (curated lens, monthly, by type)."""
    source.count(filters)
    source.lens_headline(filters, "curated")
    source.headline(filters)
    source.parties_with_tolls(filters)
    source.series(filters, "month", "event_type", "curated")
    for dimension in BREAKDOWNS:
        source.breakdown(filters, dimension, "curated")
    source.victim_categories(filters, "curated")


class _Recorder:
    """The reference SQL functions, run on a Database whose statements are recorded."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.statements: list[tuple[str, dict[str, Any]]] = []
        real = db.execute

        def execute(sql: str, params: Any = None) -> Any:
            self.statements.append((sql, dict(params or {})))
            return real(sql, params or {})

        db.execute = execute

    def count(self, filters: Filters) -> int:
        return oracle.count_events(self.db, filters)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return lambda *args: getattr(oracle, name)(self.db, *args)


def raw_sql_statements(path: Path, filters: Filters) -> list[tuple[str, dict[str, Any]]]:
    db = store.open_readonly(path)
    recorder = _Recorder(db)
    statistics_page(recorder, filters)
    db.close()
    return recorder.statements


def run_raw(path: Path, statements: list[tuple[str, dict[str, Any]]]) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        for sql, params in statements:
            conn.execute(sql, params).fetchall()


def bench_statistics(results: list[Measurement], path: Path, size: int, repeat: int) -> None:
    db = store.open_readonly(path)
    load = timed(lambda: Tally.load(db), 1)
    measure(results, "statistics: read the in-memory columns from SQLite", size, load,
            note="once per data change: by the import, or a server that finds no current copy")  # fmt: skip
    measure(results, "statistics: write the columns beside the database", size,
            timed(lambda: columns.write_for(path), 1))  # fmt: skip
    reopen = timed(lambda: columns.open_tally(db, path).count(Filters()), max(1, min(repeat, 3)))
    measure(results, "statistics: open the persisted columns (a fresh server)", size, reopen,
            baseline="reading them from SQLite", baseline_seconds=statistics.median(load))  # fmt: skip
    tally = columns.open_tally(db, path)
    statistics_page(tally, Filters())  # group codes and periods, kept for the file's lifetime
    ours_by_filter: dict[str, list[float]] = {}
    statements_by_filter: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for label, filters in FILTERS.items():
        ours = timed(lambda f=filters: statistics_page(tally, f), repeat, tally._selections.clear)
        statements = raw_sql_statements(path, filters)
        raw = timed(lambda s=statements: run_raw(path, s), max(1, min(repeat, 3)))
        measure(results, f"statistics page, filter: {label}", size, ours,
                baseline=f"the same aggregates as plain SQL in sqlite3 ({len(statements)} statements)",
                baseline_seconds=statistics.median(raw), budget=BUDGETS["statistics"],
                extra={"matching": tally.count(filters)})  # fmt: skip
        ours_by_filter[label], statements_by_filter[label] = ours, statements
    db.close()
    bench_duckdb(results, path, size, repeat, ours_by_filter, statements_by_filter)


def bench_duckdb(
    results: list[Measurement],
    path: Path,
    size: int,
    repeat: int,
    ours: dict[str, list[float]],
    statements: dict[str, list[tuple[str, dict[str, Any]]]],
) -> None:
    """The same aggregates in DuckDB over a materialised copy of the store: the anchor."""
    missing = duck.available()
    if missing:
        print(f"  (DuckDB anchor skipped: {missing})")
        return
    with duck.materialised(path) as (_, build_seconds, connect):
        measure(
            results, "DuckDB: materialise the store's tables from SQLite", size, [build_seconds]
        )
        measure(results, "DuckDB: reopen the persisted copy", size,
                timed(lambda: connect().close(), max(1, min(repeat, 3))))  # fmt: skip
        with contextlib.closing(connect()) as con:
            for label, recorded in statements.items():
                if duck.full_text(recorded):
                    print(
                        f"  DuckDB, filter {label}: not measured (SQLite FTS5 has no counterpart)"
                    )
                    continue
                theirs = timed(lambda s=recorded: duck.run(con, s), repeat)
                measure(results, f"statistics page, filter: {label} (against DuckDB)", size,
                        ours[label], baseline=f"DuckDB: the same {len(recorded)} statements",
                        baseline_seconds=statistics.median(theirs))  # fmt: skip


# --- map and CSV ---------------------------------------------------------------------------------


def bench_map(results: list[Measurement], path: Path, size: int, repeat: int) -> None:
    db = store.open_readonly(path)
    tally = Tally.load(db)

    def prepare() -> None:
        located = tally.count_located(Filters())
        if mapdata.use_grid(located):
            mapdata.prepare_cells(tally.map_grid(Filters(), mapdata.GRID_DEGREES))
        else:
            mapdata.prepare_points(queries.map_points(db, Filters(), mapdata.POINT_LIMIT))

    sql = timed(
        lambda: oracle.map_grid(db, Filters(), mapdata.GRID_DEGREES), max(1, min(repeat, 3))
    )
    measure(results, "map data, every event matching (count + grid + cells)", size,
            timed(prepare, repeat, tally._selections.clear),
            baseline="the grid as one SQL GROUP BY", baseline_seconds=statistics.median(sql),
            extra={"cells": len(tally.map_grid(Filters(), mapdata.GRID_DEGREES)),
                   "located": tally.count_located(Filters())})  # fmt: skip
    db.close()


def csv_filter(tally: Tally, rows: int) -> Filters:
    """A date window from the first event that matches about ``rows`` events."""
    first, last = (dt.date.fromisoformat(d) for d in tally.date_bounds())
    low, high = 0, (last - first).days
    while low < high:
        middle = (low + high) // 2
        if tally.count(Filters(date_from=first, date_to=first + dt.timedelta(middle))) < rows:
            low = middle + 1
        else:
            high = middle
    return Filters(date_from=first, date_to=first + dt.timedelta(low))


def bench_csv(results: list[Measurement], path: Path, size: int, repeat: int) -> None:
    db = store.open_readonly(path)
    filters = csv_filter(Tally.load(db), min(CSV_ROWS, size))
    n = oracle.count_events(db, filters)

    def export() -> None:  # the app's download path: restriction, query, CSV bytes
        csvout.csv_bytes(exports.events(db, filters), csvcolumns.EVENT_COLUMNS)

    def streamed() -> None:  # the same cells row by row: sqlite3 and csv (the CLI's path)
        csvout.write_csv(exports.events(db, filters), csvcolumns.EVENT_COLUMNS, io.StringIO())

    runs = timed(export, max(1, min(repeat, 3)))
    baseline = statistics.median(timed(streamed, max(1, min(repeat, 3))))
    measure(results, "CSV export of the filtered events", size, runs, budget=BUDGETS["csv"] if n >= CSV_ROWS else None,
            baseline_seconds=baseline, baseline="the same cells row by row: Python's sqlite3 and csv",
            note=f"{n:,} rows, {n / statistics.median(runs):,.0f} rows/s", extra={"rows": n})  # fmt: skip
    db.close()


# --- import --------------------------------------------------------------------------------------


def bench_import(results: list[Measurement], folder: Path, size: int, repeat: int) -> Path:
    source = generate(folder / "acled.csv", size)
    mb = source.stat().st_size / 1e6
    runs, reports = [], []
    for _ in range(repeat):
        target = folder / "events.db"
        target.unlink(missing_ok=True)
        # Into the shipped store (the curated record): two origins, as users have them, so the
        # possible-duplicate pass compares every imported row with the curated events.
        shutil.copy(store.DEFAULT_DB, target)
        db = store.open_writable(target)
        start = time.perf_counter()
        reports.append(import_file(db, source, "acled"))
        runs.append(time.perf_counter() - start)
        db.close()
    base = []
    for _ in range(repeat):
        plain = folder / "plain.db"
        plain.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run([str(BIN / "sqlite-utils"), "insert", str(plain), "events", str(source), "--csv"],
                       check=True, capture_output=True)  # fmt: skip
        base.append(time.perf_counter() - start)
        plain.unlink()
    measure(results, "import of the generated ACLED file", size, runs,
            baseline="sqlite-utils insert --csv of the same file (no validation, no indexes)",
            baseline_seconds=statistics.median(base), budget=BUDGETS["import"].get(size),
            note=f"{mb:,.0f} MB, {size / statistics.median(runs):,.0f} rows/s",
            extra={"inserted": reports[-1].inserted, "file_mb": round(mb, 1)})  # fmt: skip
    dup = [r.duplicate_seconds for r in reports]
    measure(results, "possible-duplicate pass, part of the import", size, dup,
            note=f"{statistics.median(dup) / statistics.median(runs):.1%} of the import; "
            f"{reports[-1].duplicate_pairs:,} pairs with the curated events")  # fmt: skip
    db = store.open_writable(folder / "events.db")
    again = timed(lambda: import_file(db, source, "acled"), 1)
    measure(results, "re-import of the same file (all unchanged)", size, again)
    add_claims(db)
    db.close()
    source.unlink()
    return folder / "events.db"


# --- pages: AppTest in a fresh process, and the browser ---------------------------------------------


def bench_pages(results: list[Measurement], path: Path, size: int, repeat: int) -> None:
    """Each page headless (AppTest) in its own fresh process: first run, then repeats."""
    env = {**os.environ, store.ENV_VAR: str(path)}
    for page in PAGES:
        out = subprocess.run(
            [sys.executable, "-m", "bench.apptest", page, str(repeat)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            raise RuntimeError(f"AppTest of {page} failed: {out.stderr[-2000:]}")
        timing = json.loads(out.stdout.strip().splitlines()[-1])
        measure(
            results,
            f"page {page}: first render (AppTest, fresh process, via the overview)",
            size,
            [timing["first"]],
        )
        measure(results, f"page {page}: repeat render (AppTest, cached)", size, timing["repeat"],
                budget=BUDGETS["page repeat"])  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _server(command: list[str], url: str, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - our own local server
                break
            except OSError:
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        proc.wait(30)


PAGE_PATHS = {"overview": "", "statistics": "statistics", "map": "map",
              "narratives": "narratives", "sources": "sources"}  # fmt: skip


def _chromium(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])  # fmt: skip


def _settled(page: Any) -> None:
    """The page's title drawn, its run finished (twice: a first run can rerun itself) and every
    element drawn: no skeleton left and every chart's canvas there (a run can end before the
    browser has loaded the code of its widgets, tables and charts)."""
    page.wait_for_selector(SETTLED, timeout=600_000)
    page.locator('[data-testid="stHeading"] h1').first.wait_for(timeout=600_000)
    page.wait_for_selector(SETTLED, timeout=600_000)
    page.wait_for_function(PAGE_DRAWN, timeout=600_000)
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    if errors:  # the store's error screen renders fast and measures nothing
        raise RuntimeError(f"{page.url} shows an error: {errors[0][:300]}")


VISITS = 3


def _streamlit_run(script: Path, port: int) -> list[str]:
    """``streamlit run`` of ``script`` on 127.0.0.1:``port``, as the README starts the app."""
    return [str(BIN / "streamlit"), "run", str(script), "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip


HELLO_WORLD = 'import streamlit as st\n\nst.title("Hello")\n'
# What Streamlit itself needs to draw the kinds of element our pages show, with no data: the
# sidebar's widgets as a first visit draws them (nine and the closed "More filters" fold), a
# metric, a three-bar chart and a three-row table. Streamlit loads each kind's code on first
# use (the chart's Vega, about 0.8 MB, and the table's grid, about 1.3 MB): a floor under any
# page that shows a chart or a table.
SAME_KINDS = """import altair as alt
import pandas as pd
import streamlit as st

st.title("Hello")
with st.sidebar:
    st.date_input("From")
    st.date_input("To")
    st.text_input("Search")
    for i in range(5):
        st.multiselect(f"List {i}", ["a", "b", "c"])
    st.expander("More")  # closed: the sidebar's fold, its widgets drawn once opened
    st.button("Reset")
rows = pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]})
st.metric("Events", 3)
st.altair_chart(alt.Chart(rows).mark_bar().encode(x="a", y="b"))
st.dataframe(rows)
"""
VIEWPORT = {"width": 1400, "height": 1000}


def _first_visit(
    browser: Any,
    script: Path,
    page_path: str,
    env: dict[str, str],
    port: int | None = None,
    warmed: bool = False,
) -> dict[str, float]:
    """One page as the first request of a fresh ``streamlit run``: seconds to settled, seconds
    from start to the health check answering, and the server's peak resident memory.

    ``browser`` is a browser (a new, empty profile per visit) or a context that has visited the
    same address before (``port``): Streamlit's scripts and styles are then in its cache, as for
    a viewer coming back to a restarted server (Streamlit serves them as immutable).

    ``warmed``: a page without our start-up (a baseline) is first visited once, unmeasured, in
    another profile, so that its server has paid its imports and Streamlit's first-run costs,
    as our start-up pays them before the health check answers."""
    port = port or _free_port()
    started = time.perf_counter()
    with _server(
        _streamlit_run(script, port), f"http://127.0.0.1:{port}/_stcore/health", env
    ) as proc:
        ready = time.perf_counter() - started
        if warmed:
            warm_up = browser.new_page(viewport=VIEWPORT)
            warm_up.goto(f"http://127.0.0.1:{port}/{page_path}", timeout=600_000)
            _settled(warm_up)
            warm_up.close()
        # A browser opens each page in a new profile; a context keeps its own (and its size).
        fresh_profile = hasattr(browser, "new_context")
        page = browser.new_page(viewport=VIEWPORT) if fresh_profile else browser.new_page()
        devtools = page.context.new_cdp_session(page)
        devtools.send("Performance.enable")
        start = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/{page_path}", timeout=600_000)
        _settled(page)
        seconds = time.perf_counter() - start
        metrics = devtools.send("Performance.getMetrics")["metrics"]
        peak = sum(load.status_kb(p, "VmHWM") for p in load.process_tree(proc.pid)) / 1024
        page.close()
    # The page's main thread busy (scripts, style, layout, paint): the browser's own work, less
    # moved by what else the machine does than the wall time is.
    main_thread = next(m["value"] for m in metrics if m["name"] == "TaskDuration")
    return {"seconds": seconds, "ready": ready, "peak": peak, "main_thread": main_thread}


def bench_first_visits(
    results: list[Measurement], path: Path, size: int, visits: int = VISITS
) -> None:
    """Each page as the first visit of a fresh server, in Chromium, with the server's peak
    resident memory (VmHWM, the server and any child) after the visit; beside a hello-world
    Streamlit page visited the same way (what Streamlit itself costs on this machine), and a
    page of the same kinds of element with no data (``SAME_KINDS``: Streamlit's floor)."""
    from playwright.sync_api import sync_playwright

    env = {**os.environ, store.ENV_VAR: str(path)}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as folder:
        browser = _chromium(pw)
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO_WORLD, encoding="utf-8")
        same_kinds = Path(folder) / "same_kinds.py"
        same_kinds.write_text(SAME_KINDS, encoding="utf-8")
        # Fresh servers per page (three by default), and the median: one visit varies by half a
        # second on this machine, and its speed drifts by as much over minutes. So each round
        # visits the baselines and every page in turn, and each page is also read against the
        # floor of its own round (paired): a reading the drift moves far less than the times.
        visited = {"hello": (hello, ""), "floor": (same_kinds, "")}
        visited |= {name: (ROOT / "app.py", page_path) for name, page_path in PAGE_PATHS.items()}
        first_visits: dict[str, list[dict[str, float]]] = {name: [] for name in visited}
        for _ in range(visits):
            for name, (script, page_path) in visited.items():
                warmed = name in ("hello", "floor")
                first_visits[name].append(
                    _first_visit(browser, script, page_path, env, warmed=warmed)
                )
        baseline = statistics.median(v["seconds"] for v in first_visits["hello"])
        floor = statistics.median(v["seconds"] for v in first_visits["floor"])
        floor_cpu = statistics.median(v["main_thread"] for v in first_visits["floor"])
        for name in PAGE_PATHS:
            page_runs = first_visits[name]
            peak = max(v["peak"] for v in page_runs)
            ready = statistics.median(v["ready"] for v in page_runs)
            over = statistics.median(
                v["seconds"] - f["seconds"]
                for v, f in zip(page_runs, first_visits["floor"], strict=True)
            )
            cpu = statistics.median(v["main_thread"] for v in page_runs)
            measure(results, f"browser: {name}, first visit of a fresh server", size, [v["seconds"] for v in page_runs],
                    budget=BUDGETS["first visit"], baseline_seconds=baseline,
                    baseline="a hello-world Streamlit page (st.title only), first visit of a fresh server",
                    note=f"server peak {peak:,.0f} MB (budget {BUDGETS['server MB']:,} MB); "
                    f"ready {ready:.1f} s after start (imports, store warmed); the same kinds of "
                    f"element with no data (Streamlit's floor): {floor * 1000:,.0f} ms, this page "
                    f"{over * 1000:+,.0f} ms against it in the same rounds; browser main thread "
                    f"{cpu:.2f} s (floor {floor_cpu:.2f} s)",
                    extra={"server_peak_mb": round(peak, 1), "ready_seconds": round(ready, 2),
                           "same_kinds_seconds": round(floor, 3), "over_floor_seconds": round(over, 3),
                           "main_thread_seconds": round(cpu, 3),
                           "same_kinds_main_thread_seconds": round(floor_cpu, 3)})  # fmt: skip
        # A viewer coming back after a restart (or an import): fresh servers on the address the
        # browser visited before, so Streamlit's scripts come from its cache.
        port = _free_port()
        returning = browser.new_context(viewport=VIEWPORT)
        _first_visit(returning, hello, "", env, port)
        baseline = statistics.median(
            _first_visit(returning, hello, "", env, port)["seconds"] for _ in range(visits)
        )
        for name, page_path in PAGE_PATHS.items():
            _first_visit(returning, ROOT / "app.py", page_path, env, port)  # its scripts cached
            runs = [_first_visit(returning, ROOT / "app.py", page_path, env, port)["seconds"]
                    for _ in range(visits)]  # fmt: skip
            measure(results, f"browser: {name}, fresh server, returning viewer", size, runs,
                    budget=BUDGETS["first visit"], baseline_seconds=baseline,
                    baseline="the hello-world page, returning viewer")  # fmt: skip
        returning.close()
        browser.close()


def _keep_alive_fetches(port: int, path: str, n: int = 30) -> list[float]:
    """Seconds for each of ``n`` requests for ``path``, one after another on one connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    try:
        for _ in range(n):
            start = time.perf_counter()
            connection.request("GET", path)
            connection.getresponse().read()
            times.append(time.perf_counter() - start)
    finally:
        connection.close()
    return times


def bench_script_fetches(results: list[Measurement], path: Path, size: int) -> None:
    """One of Streamlit's small script files fetched over and over on one kept-alive connection,
    as a browser fetches a first visit's 150 chunks over six: from our server, beside a bare
    ``streamlit run`` (Nagle's algorithm on, as Streamlit binds its socket, and its files read
    from disk in worker threads)."""
    from dash.web.assets import STATIC

    chunks = sorted((STATIC / "js").glob("*.js"), key=lambda p: p.stat().st_size)
    script = f"/static/js/{chunks[len(chunks) // 4].name}"  # a small one, as most are
    env = {**os.environ, store.ENV_VAR: str(path)}
    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO_WORLD, encoding="utf-8")
        for name, app in (("ours", ROOT / "app.py"), ("bare", hello)):
            port = _free_port()
            with _server(_streamlit_run(app, port), f"http://127.0.0.1:{port}/_stcore/health", env):
                runs[name] = _keep_alive_fetches(port, script)
    measure(results, "a small Streamlit script, fetched again on a kept-alive connection", size,
            runs["ours"], baseline_seconds=statistics.median(runs["bare"]),
            baseline="a bare `streamlit run` (hello world) answering the same file",
            note=f"{script}, {len(runs['ours'])} requests in a row")  # fmt: skip


def bench_browser(results: list[Measurement], path: Path, size: int, repeat: int) -> None:
    """Datasette's facets against the statistics page, one year, in the same Chromium."""
    if shutil.which("chromium") is None:
        print("  (browser comparison skipped: no chromium)")
        return
    from playwright.sync_api import sync_playwright

    year = "from=2024-01-01&to=2024-12-31"
    app_port, ds_port = _free_port(), _free_port()
    app_cmd = _streamlit_run(ROOT / "app.py", app_port)
    env = {**os.environ, store.ENV_VAR: str(path)}
    datasette = BIN / "datasette"
    with contextlib.ExitStack() as stack, sync_playwright() as pw:
        stack.enter_context(_server(app_cmd, f"http://127.0.0.1:{app_port}/_stcore/health", env))
        browser = _chromium(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def statistics_page() -> None:
            page.goto(f"http://127.0.0.1:{app_port}/statistics?{year}")
            _settled(page)
            page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=600_000)

        first = timed(statistics_page, 1)
        measure(results, "browser: statistics page for one year, first visit", size, first)
        ours = timed(statistics_page, repeat)

        def search() -> None:  # a filter change: the sidebar's search, until the page settles
            box = page.get_by_role("textbox", name="Search text")
            box.fill(SEARCHED)
            box.press("Enter")
            page.wait_for_url(f"**q={SEARCHED}**", timeout=600_000)
            _settled(page)

        changed = timed(search, repeat, before=statistics_page)
        if datasette.exists():
            facets = (f"http://127.0.0.1:{ds_port}/{path.stem}/events?_facet=event_type&_facet=admin1"
                      "&date_start__gte=2024-01-01&date_start__lte=2024-12-31")  # fmt: skip
            stack.enter_context(_server(
                [str(datasette), "serve", str(path), "--port", str(ds_port), "-i", str(path)],
                f"http://127.0.0.1:{ds_port}/-/versions.json", env))  # fmt: skip
            shown = {}

            def datasette_page() -> None:
                page.goto(facets, timeout=600_000)
                shown["facets"] = page.locator(".facet-info").count()

            theirs = timed(datasette_page, repeat)
            searched = timed(
                lambda: page.goto(f"{facets}&_search={SEARCHED}", timeout=600_000), repeat
            )
            measure(results, "browser: a filter change settles (search, one year)", size, changed,
                    baseline=f"Datasette: the same facets with _search={SEARCHED}",
                    baseline_seconds=statistics.median(searched),
                    budget=BUDGETS["filter change"].get(size if size >= 10_000 else "shipped"))  # fmt: skip
            note = "" if shown.get("facets") else "Datasette dropped its facets (facet time limit)"
            measure(results, "browser: statistics page for one year, repeat visits", size, ours,
                    baseline="Datasette: events faceted by event type and province, same year",
                    baseline_seconds=statistics.median(theirs), note=note,
                    extra={"datasette_facets_shown": shown.get("facets", 0)})  # fmt: skip
        else:
            measure(results, "browser: statistics page for one year, repeat visits", size, ours,
                    note="Datasette not installed: pip install -e '.[bench]'")  # fmt: skip
            measure(results, "browser: a filter change settles (search, one year)", size, changed,
                    budget=BUDGETS["filter change"].get(size if size >= 10_000 else "shipped"))  # fmt: skip
        browser.close()


# --- report --------------------------------------------------------------------------------------


def table(results: list[Measurement]) -> str:
    lines = ["| size | measurement | median | baseline | ratio | budget | note |",
             "| ---: | --- | ---: | ---: | ---: | --- | --- |"]  # fmt: skip
    for m in results:
        base = f"{m.baseline_seconds * 1000:,.0f} ms" if m.baseline_seconds else ""
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else ""
        budget = f"≤ {m.budget:g} s: {m.verdict}" if m.budget is not None else ""
        note = "; ".join(p for p in (m.note, m.baseline or "") if p)
        lines.append(
            f"| {m.size:,} | {m.name} | {m.seconds * 1000:,.1f} ms | {base} | {ratio} | {budget} | {note} |"
        )
    return "\n".join(lines)


def growth(results: list[Measurement]) -> str:
    by_name: dict[str, dict[int, float]] = {}
    for m in results:
        by_name.setdefault(m.name, {})[m.size] = m.seconds
    sizes = sorted({m.size for m in results})
    if len(sizes) < 2:
        return ""
    pairs = list(zip(sizes, sizes[1:], strict=False))
    lines = ["| measurement | " + " | ".join(f"{a:,} → {b:,} ({b // a}× events)" for a, b in pairs) + " |",
             "| --- |" + " ---: |" * len(pairs)]  # fmt: skip
    for name, times in by_name.items():
        cells = [f"{times[b] / times[a]:.1f}×" if a in times and b in times and times[a] else ""
                 for a, b in pairs]  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _at_least_one(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a whole number of 1 or more")
    return int(value)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium comparison")
    parser.add_argument(
        "--visits", type=_at_least_one, default=VISITS, help="fresh servers per page's first visit"
    )
    parser.add_argument("--no-pages", action="store_true", help="skip the AppTest page renders")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    results: list[Measurement] = []
    if not args.no_browser and shutil.which("chromium"):
        # The shipped store as it is (the curated record): what most viewers open.
        with tempfile.TemporaryDirectory(prefix="bench-shipped-") as tmp:
            shipped = Path(tmp) / "events.db"
            shutil.copy(store.DEFAULT_DB, shipped)
            columns.write_for(shipped)
            n = store.open_readonly(shipped).execute("SELECT count(*) FROM events").fetchone()[0]
            print(f"== the shipped store ({n} events)", flush=True)
            bench_script_fetches(results, shipped, n)
            bench_first_visits(results, shipped, n, args.visits)
            bench_browser(results, shipped, n, min(args.repeat, 3))
    for size in sizes:
        print(f"== {size:,} SYNTHETIC events", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            folder = Path(tmp)
            path = bench_import(
                results, folder, size, 1 if size >= 1_000_000 else min(args.repeat, 3)
            )
            bench_statistics(results, path, size, args.repeat)
            bench_map(results, path, size, args.repeat)
            bench_csv(results, path, size, args.repeat)
            if not args.no_pages:
                bench_pages(results, path, size, args.repeat)
            if not args.no_browser and shutil.which("chromium"):
                bench_first_visits(results, path, size, args.visits)
                bench_browser(results, path, size, min(args.repeat, 3))
    report = {
        "machine": machine(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "results": [{**asdict(m), "ratio": m.ratio, "verdict": m.verdict} for m in results],
    }
    print()
    print(table(results))
    print()
    print(growth(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nJSON: {args.out}")
    return report


if __name__ == "__main__":
    main()
