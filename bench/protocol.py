"""Load without browsers: N sessions speaking Streamlit's own websocket protocol to one server.

    .venv/bin/python -m bench.protocol --sessions 50 --seconds 60
    .venv/bin/python -m bench.protocol --sessions 10,50,100 --db /path/to/1m.db

A browser session costs a Chromium renderer (on a 2-core machine, 20 of them measure the
browsers more than the server). Here each session is a websocket to ``/_stcore/stream`` sending
the ``BackMsg`` a browser sends (``rerun_script`` with the page, the URL's query string and the
widgets' values) and reading ``ForwardMsg`` until ``script_finished``: the time to the script's
finish is the server's share of what a viewer waits for. With ``--think S`` each session reads
for about S seconds (0.5–1.5 S) between actions, as a viewer does; without it every session acts
as fast as the server answers, a saturation test. Each session opens a link with filters
in it (a new session: links are read when a session starts), then takes turns at typing words in
the sidebar's search box (the text input's widget state), switching pages, and opening another
link, until time is up. A page that shows an exception or an error alert counts as an error.

The server's resident memory is sampled as in ``bench.load``. Prints a table per session count
and writes JSON. A benchmark: nothing here asserts a time (``tests/test_load.py`` runs it with 3
sessions and checks that every action finished without an error).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .load import (
    PAGES,
    ROOT,
    SEARCH_WORDS,
    Choices,
    Sampler,
    _temporary_log,
    percentile,
    streamlit_server,
)

ACTIONS = ("search", "nav", "link")
ACTION_TIMEOUT_S = 60
GOAL = {"sessions": 50, "p95_s": 1.0, "rss_mb": 1024}  # at a million events (issue 18)


@dataclass
class Outcome:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0


class Session:
    """One viewer's websocket session: runs the script as a browser would ask for it."""

    def __init__(self, ws_url: str, name: str) -> None:
        self.ws_url = ws_url
        self.name = name
        self.ws: Any = None
        self.search_id: str | None = None
        self.page = ""
        self.query = ""

    async def open(self, page: str, query: str) -> tuple[float, list[str]]:
        import websockets

        if self.ws is not None:
            await self.ws.close()
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30
        )
        self.page, self.query, self.search_id = page, query, None
        return await self.run()

    async def run(self, search: str | None = None) -> tuple[float, list[str]]:
        """One script run; returns its time and what it showed that went wrong."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        if search is not None and self.search_id is not None:
            state.widget_states.widgets.append(WidgetState(id=self.search_id, string_value=search))
        errors: list[str] = []
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), ACTION_TIMEOUT_S)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                shown = element.WhichOneof("type")
                if shown == "text_input" and element.text_input.label == "Search text":
                    self.search_id = element.text_input.id
                elif shown == "exception":
                    errors.append(f"{self.name}: exception {element.exception.message[:200]}")
                elif shown == "alert" and element.alert.format == element.alert.ERROR:
                    errors.append(f"{self.name}: error alert {element.alert.body[:200]}")
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    errors.append(f"{self.name}: script did not compile")
                if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return time.perf_counter() - start, errors

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _link(choices: Choices, rng: random.Random) -> tuple[str, str]:
    """A page and a query string with a filter or two, as a shared link would carry."""
    page = rng.choice(list(PAGES))
    return page, urlencode(choices.link(rng), doseq=True)


async def _session(
    ws_url: str, n: int, seconds: float, choices: Choices, outcome: Outcome, think: float
) -> None:
    rng = random.Random(n)
    session = Session(ws_url, f"session {n}")
    await asyncio.sleep(n * 0.05)  # a ramp, so the sessions do not all open at one instant
    deadline = time.monotonic() + seconds
    turn = n % len(ACTIONS)
    try:
        elapsed, errors = await session.open(*_link(choices, rng))
        outcome.times.setdefault("open", []).append(elapsed)
        outcome.errors += errors
        while time.monotonic() < deadline:
            action = ACTIONS[turn % len(ACTIONS)]
            turn += 1
            try:
                if action == "search":
                    elapsed, errors = await session.run(search=rng.choice(SEARCH_WORDS))
                elif action == "nav":
                    session.page = rng.choice([p for p in PAGES if p != session.page])
                    elapsed, errors = await session.run()
                else:
                    elapsed, errors = await session.open(*_link(choices, rng))
            except TimeoutError:
                outcome.timeouts += 1
                continue
            outcome.times.setdefault(action, []).append(elapsed)
            outcome.errors += errors
            if think:  # reading the page before the next click (0: as fast as it answers)
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
    except Exception as exc:  # noqa: BLE001 - a session that breaks is an error, not a crash
        outcome.errors.append(f"session {n}: {type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            await session.close()


async def drive(
    base: str, sessions: int, seconds: float, choices: Choices, think: float = 0.0
) -> list[Outcome]:
    ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
    outcomes = [Outcome() for _ in range(sessions)]
    await asyncio.gather(
        *(_session(ws_url, n, seconds, choices, outcomes[n], think) for n in range(sessions))
    )
    return outcomes


def summarise(
    outcomes: list[Outcome], sessions: int, seconds: float, sampler: Sampler, db: Path
) -> dict[str, Any]:
    kinds = ("open", *ACTIONS)
    by_kind = {k: [t for o in outcomes for t in o.times.get(k, [])] for k in kinds}
    every = [t for times in by_kind.values() for t in times]
    errors = [e for o in outcomes for e in o.errors]
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": str(db),
        "sessions": sessions,
        "seconds": seconds,
        "actions": len(every),
        "actions_by_kind": {k: len(v) for k, v in by_kind.items()},
        "errors": len(errors),
        "first_errors": errors[:10],
        "timeouts": sum(o.timeouts for o in outcomes),
        "p50_s": percentile(every, 0.50),
        "p95_s": percentile(every, 0.95),
        "max_s": max(every, default=None),
        "p95_by_kind_s": {k: percentile(v, 0.95) for k, v in by_kind.items()},
        "server_peak_rss_mb": round(sampler.peak_rss_kb / 1024, 1) if sampler.server_pid else None,
        "server_cpu_s": sampler.cpu_seconds("server") if sampler.server_pid else None,
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": os.getloadavg()[0],
    }


def line(report: dict[str, Any]) -> str:
    def s(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f} s"

    return (
        f"{report['sessions']:>4} sessions (think {report.get('think_s', 0):g} s): "
        f"{report['actions']:>5} actions, "
        f"{report['errors']} errors, {report['timeouts']} timeouts; script finish p50 "
        f"{s(report['p50_s'])}, p95 {s(report['p95_s'])}, max {s(report['max_s'])}; "
        f"server peak RSS {report['server_peak_rss_mb']} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.protocol", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sessions", default="10,50,100", help="session counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=60, help="how long each count runs")
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "events.db", help="database")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a viewer reads before the next action (0: none, a saturation test)",
    )
    parser.add_argument("--json", type=Path, help="where to write the reports")
    args = parser.parse_args(argv)
    choices = Choices.from_database(args.db)
    reports = []
    for count in (int(c) for c in args.sessions.split(",")):
        # A fresh server per count: each starts from the same state (warmed, nothing cached
        # beyond what a new server warms).
        with _temporary_log() as log, streamlit_server(args.db.resolve(), log) as server:
            sampler = Sampler(server.pid)
            sampler.start()
            try:
                outcomes = asyncio.run(drive(server.url, count, args.seconds, choices, args.think))
            finally:
                sampler.stop()
        report = summarise(outcomes, count, args.seconds, sampler, args.db)
        report["think_s"] = args.think
        reports.append(report)
        print(line(report), flush=True)
        for error in report["first_errors"][:3]:
            print(f"  ! {error}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.json or ROOT / "bench" / "results" / f"protocol-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"goal": GOAL, "runs": reports}, indent=2) + "\n", encoding="utf-8")
    print(f"report: {out}")
    return 1 if any(r["errors"] for r in reports) else 0


if __name__ == "__main__":
    raise SystemExit(main())
