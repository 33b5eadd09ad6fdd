"""The load benchmark, briefly: 3 browser sessions against one server (bench/load.py).

Benchmarks are not tests: nothing here depends on how fast the machine is. It checks that many
sessions at once all work, without an error, and that the report carries its numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser


def run_load(tmp_path, db, sessions: int, seconds: int) -> tuple[int, dict]:
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", "--sessions", str(sessions), "--seconds",
         str(seconds), "--db", str(db), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.exists(), done.stdout + done.stderr
    return done.returncode, json.loads(out.read_text(encoding="utf-8"))


def test_three_sessions_change_filters_and_pages_without_an_error(
    tmp_path, shipped_copy, browser_type_launch_args
):
    code, report = run_load(tmp_path, shipped_copy, sessions=3, seconds=12)
    assert report["errors"] == 0, report["first_errors"]
    assert report["timeouts"] == 0
    assert code == 0
    assert report["sessions"] == 3
    assert all(n >= 1 for n in report["actions_per_session"]), report["actions_per_session"]
    # Sessions take turns at the three kinds of action, starting at different ones.
    assert all(n >= 1 for n in report["actions_by_kind"].values()), report["actions_by_kind"]
    assert 0 < report["settle_p50_s"] <= report["settle_p95_s"] <= report["settle_max_s"]
    assert report["memory_samples"] > 0
    assert 0 < report["server_peak_rss_mb"] <= report["server_vmhwm_mb"]
    assert report["server_cpu_s"] > 0 and report["browsers_cpu_s"] > 0


def test_an_error_on_the_page_is_counted(tmp_path, browser_type_launch_args):
    # No database: every page shows the error screen, which the benchmark must count.
    code, report = run_load(tmp_path, tmp_path / "absent.db", sessions=1, seconds=3)
    assert code == 1
    assert report["errors"] >= 1
    assert any("missing" in e for e in report["first_errors"]), report["first_errors"]


def run_protocol(tmp_path, db, sessions: int, seconds: int) -> tuple[int, dict]:
    out = tmp_path / "protocol.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.protocol", "--sessions", str(sessions), "--seconds",
         str(seconds), "--db", str(db), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.exists(), done.stdout + done.stderr
    return done.returncode, json.loads(out.read_text(encoding="utf-8"))["runs"][0]


def test_three_websocket_sessions_search_switch_pages_and_open_links(tmp_path, shipped_copy):
    code, report = run_protocol(tmp_path, shipped_copy, sessions=3, seconds=8)
    assert code == 0 and report["errors"] == 0, report["first_errors"]
    assert report["timeouts"] == 0
    assert report["actions_by_kind"]["open"] == 3
    assert all(report["actions_by_kind"][k] >= 1 for k in ("search", "nav", "link"))
    assert 0 < report["p50_s"] <= report["p95_s"] <= report["max_s"]
    assert report["server_peak_rss_mb"] > 0


def test_the_websocket_sessions_count_an_error_screen(tmp_path):
    code, report = run_protocol(tmp_path, tmp_path / "absent.db", sessions=1, seconds=2)
    assert code == 1 and report["errors"] >= 1
    assert any("error alert" in e for e in report["first_errors"]), report["first_errors"]
