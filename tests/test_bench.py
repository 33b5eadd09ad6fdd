"""The benchmark runner works end to end (a quick 10k run; it asserts no times)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from bench.duck import dialect

from .conftest import ROOT


def test_the_benchmark_runs_at_10k_and_reports_every_measurement(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "10000", "--repeat", "1", "--visits", "1", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    names = [r["name"] for r in report["results"]]
    for expected in (
        "import of the generated ACLED file",
        "statistics page, filter: none",
        "statistics page, filter: one year",
        "statistics page, filter: one province",
        "statistics page, filter: one event type",
        "statistics page, filter: free text",
        "map data, every event matching (count + grid + cells)",
        "CSV export of the filtered events",
        "page statistics: repeat render (AppTest, cached)",
        "page sources: first render (AppTest, fresh process, via the overview)",
        "statistics: read the in-memory columns from SQLite",
        "statistics: open the persisted columns (a fresh server)",
    ):
        assert expected in names
    by_name = {r["name"]: r for r in report["results"]}
    assert by_name["import of the generated ACLED file"]["extra"]["inserted"] == 10_000
    assert by_name["import of the generated ACLED file"]["baseline_seconds"] > 0
    for label in ("none", "one year", "one province", "one event type", "free text"):
        row = by_name[f"statistics page, filter: {label}"]
        assert row["seconds"] > 0 and row["baseline_seconds"] > 0 and row["ratio"] > 0
    # The filters really filter: fewer events match a year than no filter.
    assert 0 < by_name["statistics page, filter: one year"]["extra"]["matching"] < 10_000
    # the store is the shipped curated record plus the generated events: the export's date window
    # holds every generated event and the curated ones that fall in it
    assert 10_000 <= by_name["CSV export of the filtered events"]["extra"]["rows"] < 10_100
    assert by_name["possible-duplicate pass, part of the import"]["seconds"] >= 0
    assert "| size | measurement |" in run.stdout  # the printed table
    if shutil.which("chromium"):  # every page as a fresh server's first visit, with its memory
        for page in ("overview", "statistics", "map", "narratives", "sources"):
            row = by_name[f"browser: {page}, first visit of a fresh server"]
            assert row["seconds"] > 0 and row["extra"]["server_peak_mb"] > 20
            assert row["baseline_seconds"] > 0  # a hello-world page, visited the same way
            # read against the floor of the same rounds, and the browser's main thread busy
            extra = row["extra"]
            assert extra["same_kinds_seconds"] > 0 and extra["same_kinds_main_thread_seconds"] > 0
            assert 0 < extra["main_thread_seconds"] < row["seconds"] + 1  # busy within the visit
            assert extra["over_floor_seconds"] == pytest.approx(
                row["runs"][0] - extra["same_kinds_seconds"], abs=0.002
            )  # one round: the page's time less the floor's
            again = by_name[f"browser: {page}, fresh server, returning viewer"]
            assert again["seconds"] > 0 and again["baseline_seconds"] > 0


def test_the_duckdb_anchor_runs_the_reference_sql_in_its_dialect():
    sql = (
        "SELECT sum(max(coalesce(a, 0) - b, 0)), sum(x IS NULL AND y IS NOT NULL), "
        "substr(d, 1, 7) || '-01' FROM e WHERE d >= :date_from AND t IN (:t0, :t1) AND u = 'a:b'"
    )
    assert dialect(sql) == (
        "SELECT sum(greatest(coalesce(a, 0) - b, 0)), count_if(x IS NULL AND y IS NOT NULL), "
        "substr(d, 1, 7) || '-01' FROM e WHERE d >= $date_from AND t IN ($t0, $t1) AND u = 'a:b'"
    )


def test_the_workbook_bench_imports_the_same_rows_both_ways(tmp_path):
    # A quick run (it asserts no times): the generated rows as a workbook and as CSV both import.
    from bench import workbook as workbook_bench

    medians = workbook_bench.main(["--rows", "300", "--repeat", "1"])
    assert set(medians) == {"read the sheet as text", "import the workbook",
                            "import the same rows as CSV (baseline)"}  # fmt: skip
    assert all(seconds > 0 for seconds in medians.values())
