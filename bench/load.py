"""Many analysts at once: N browser sessions against one `streamlit run` server.

    .venv/bin/python -m bench.load                      # 20 sessions, 60 s, data/events.db
    .venv/bin/python -m bench.load --sessions 10 --seconds 60
    .venv/bin/python -m bench.load --url http://host:8501 --pid 1234   # a server already running

Each session is its own Playwright context (one Debian Chromium, as the browser tests use): it
opens the app, then until time is up (and at least once) takes turns at three things an analyst
does: open a link with filters in it (province, type, party, dates, minimum killed, text), type
words in the sidebar's search box, and switch pages through the navigation. Every action is
timed until the page has settled: the script has stopped, no element is stale, no spinner
shows, and the page's heading (or the URL, for a search) is the one asked for.

Errors are counted: exceptions and error alerts shown on the page, page errors, console errors,
HTTP >= 400 from the app's own host, any request to another host. An action whose page has not
settled after a 60 s wait is counted apart, as a timeout. The server's resident memory (VmRSS
of it and its children) is sampled every 0.2 s; VmHWM is the kernel's own peak. CPU time is
reported for the server and for the browsers, which on one machine compete for the same cores.
Prints a table and writes JSON.

This is a benchmark, not a test: the numbers depend on the machine, and the browsers share its
cores with the server. `tests/test_load.py` runs 3 sessions briefly and checks only that every
session worked without an error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests.support import oracle

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PAGES = {
    "": "Overview",
    "statistics": "Violence statistics",
    "map": "Incident map",
    "narratives": "Competing narratives",
    "sources": "Data and sources",
}
ACTIONS = ("link", "search", "nav")  # in turn, after each session's first "open"
SEARCH_WORDS = (
    "Barmal",
    "airstrike",
    "Paktika",
    "refugees",
    "Khost",
    "checkpoint",
    "TTP",
    "Kurram",
)
ACTION_TIMEOUT_S = 60
RAMP_S = 0.5  # between one session's start and the next
SAMPLE_EVERY_S = 0.2
# The page has settled: script stopped, nothing stale or spinning, the heading (or q) asked for.
SETTLED_JS = """([title, q]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-stale="true"], [data-testid="stSpinner"]')) return false;
    const h1 = document.querySelector('[data-testid="stHeading"] h1');
    if (!h1 || (title !== null && h1.innerText.trim() !== title)) return false;
    return q === null || new URLSearchParams(location.search).get('q') === q;
}"""


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    pid: int | None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    db_path: Path,
    log: Path,
    timeout_s: float = 60,
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    """`streamlit run app.py` on a free loopback port serving ``db_path``, ready when
    ``/_stcore/health`` answers; stopped on exit. ``env`` adds settings (EVENTS_READONLY, …);
    ``cwd`` is where Streamlit also looks for ``.streamlit/secrets.toml``."""
    port = free_port()
    env = {**os.environ, "EVENTS_DB": str(db_path), **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.address", "127.0.0.1", "--server.port", str(port),
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.2)  # polling a server that is starting, not waiting on the app's state
        yield Server(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- memory -------------------------------------------------------------------------------------


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (from each process's parent in /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def _cpu_ticks(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    utime, stime = text[text.rindex(")") + 2 :].split()[11:13]
    return int(utime) + int(stime)


class Sampler(threading.Thread):
    """Every SAMPLE_EVERY_S seconds: the server's resident memory (it and its children), and the
    CPU time used by the server and by everything else this process started (the browsers)."""

    def __init__(self, server_pid: int | None) -> None:
        super().__init__(daemon=True)
        self.server_pid = server_pid
        self.peak_rss_kb = 0
        self.hwm_kb = 0
        self.samples = 0
        self._ticks: dict[str, dict[int, int]] = {"server": {}, "browsers": {}}
        self._baseline: dict[int, int] | None = None
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            server = process_tree(self.server_pid) if self.server_pid else []
            if server:
                self.peak_rss_kb = max(self.peak_rss_kb, sum(status_kb(p, "VmRSS") for p in server))
                self.hwm_kb = max(self.hwm_kb, sum(status_kb(p, "VmHWM") for p in server))
            mine = [p for p in process_tree(os.getpid()) if p not in server and p != os.getpid()]
            for side, pids in (("server", server), ("browsers", mine)):
                for pid in pids:
                    self._ticks[side][pid] = max(self._ticks[side].get(pid, 0), _cpu_ticks(pid))
            if self._baseline is None:  # what ran before the sessions started does not count
                self._baseline = {p: t for side in self._ticks.values() for p, t in side.items()}
            self.samples += 1
            self._done.wait(SAMPLE_EVERY_S)

    def cpu_seconds(self, side: str) -> float:
        base = self._baseline or {}
        ticks = sum(t - base.get(p, 0) for p, t in self._ticks[side].items())
        return round(ticks / os.sysconf("SC_CLK_TCK"), 1)

    def stop(self) -> None:
        self._done.set()
        self.join()


# --- the sessions -------------------------------------------------------------------------------


@dataclass
class SessionResult:
    session: int
    settle_s: dict[str, list[float]] = field(default_factory=dict)  # by kind of action
    errors: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)  # actions that did not settle in time


@dataclass(frozen=True)
class Choices:
    """Filter values that exist in the served data, for links an analyst might open."""

    provinces: tuple[str, ...]
    types: tuple[str, ...]
    parties: tuple[str, ...]
    first: dt.date
    last: dt.date

    @classmethod
    def from_database(cls, path: Path) -> Choices:
        from dash import store

        try:
            db = store.open_readonly(path)
        except store.StoreError:
            # A server elsewhere (--url), or a broken database on purpose: links without values.
            return cls((), (), (), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        try:
            facets = oracle.facets(db)
            first, last = oracle.date_bounds(db)
        finally:
            db.close()
        return cls(
            provinces=tuple(facets.get("provinces", {})),
            types=tuple(facets.get("event_types", {})),
            parties=tuple(facets.get("parties", {})),
            first=dt.date.fromisoformat(first) if first else dt.date(2024, 1, 1),
            last=dt.date.fromisoformat(last) if last else dt.date(2024, 12, 31),
        )

    def link(self, rng: random.Random) -> dict[str, str]:
        """One to three filters, drawn at random."""
        span = max(0, (self.last - self.first).days)
        start = self.first + dt.timedelta(days=rng.randint(0, span))
        makers = {
            "province": lambda: rng.choice(self.provinces) if self.provinces else None,
            "type": lambda: rng.choice(self.types) if self.types else None,
            "party": lambda: rng.choice(self.parties) if self.parties else None,
            "from": start.isoformat,
            "to": lambda: (start + dt.timedelta(days=rng.randint(30, 365))).isoformat(),
            "minkilled": lambda: str(rng.choice((1, 5, 10))),
            "q": lambda: rng.choice(SEARCH_WORDS),
            "xborder": lambda: "1",
        }
        keys = rng.sample(sorted(makers), rng.randint(1, 3))
        return {k: v for k in keys if (v := makers[k]()) is not None}


def _probe(url: str) -> bool:
    # Streamlit's frontend first looks for /_stcore/health and /_stcore/host-config under the
    # page's own path (/map/_stcore/…) and falls back to the root: those 404s are expected.
    path = urlsplit(url).path
    return path.endswith(("/_stcore/health", "/_stcore/host-config")) and path.count("/") > 2


async def run_session(
    browser, base: str, number: int, deadline: float, choices: Choices
) -> SessionResult:
    """One analyst: links, searches and page switches until ``deadline`` (monotonic)."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    result = SessionResult(number)
    rng = random.Random(number)
    host = urlsplit(base).netloc
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()

    def error(message: str) -> None:
        result.errors.append(f"session {number}: {message}"[:500])

    def on_request(request) -> None:
        if urlsplit(request.url).scheme in ("data", "blob"):
            return
        if urlsplit(request.url).netloc != host:
            error(f"request to another host: {request.url}")

    def on_response(response) -> None:
        if response.status >= 400 and not _probe(response.url):
            error(f"HTTP {response.status} {response.url}")

    def on_console(message) -> None:
        if message.type == "error" and not _probe(message.location.get("url", "")):
            error(f"console: {message.text}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)

    async def on_dialog(dialog) -> None:
        error(f"dialog: {dialog.message}")
        await dialog.dismiss()

    page.on("pageerror", lambda exc: error(f"page error: {exc}"))
    page.on("dialog", on_dialog)

    current = ""
    timeout_ms = ACTION_TIMEOUT_S * 1000
    kind, step = "open", 0
    try:
        while True:
            started = time.monotonic()
            try:
                # Each action only starts the change; the settled page is what is timed.
                if kind == "open":
                    title, q = PAGES[current], None
                    await page.goto(base, wait_until="commit", timeout=timeout_ms)
                elif kind == "link":
                    current = rng.choice([p for p in PAGES if p != current])
                    title, q = PAGES[current], None
                    url = f"{base}/{current}?{urlencode(choices.link(rng))}"
                    await page.goto(url, wait_until="commit", timeout=timeout_ms)
                elif kind == "search":
                    title = PAGES[current]
                    q = rng.choice([w for w in SEARCH_WORDS if w != await _current_q(page)])
                    box = page.get_by_role("textbox", name="Search text")
                    await box.fill(q, timeout=timeout_ms)
                    await box.press("Enter")
                else:
                    current = rng.choice([p for p in PAGES if p != current])
                    title, q = PAGES[current], None
                    nav = page.get_by_test_id("stSidebarNav")
                    await nav.get_by_text(title, exact=True).click(timeout=timeout_ms)
                await page.wait_for_function(
                    SETTLED_JS, arg=[title, q], timeout=timeout_ms, polling=50
                )
            except PlaywrightTimeout:
                result.timeouts.append(f"session {number}: {kind} on {page.url}")
            except PlaywrightError as exc:
                first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                error(f"{kind} failed after {time.monotonic() - started:.1f} s: {first_line}")
            else:
                result.settle_s.setdefault(kind, []).append(time.monotonic() - started)
                for shown in await page.locator(
                    '[data-testid="stException"], [data-testid="stAlertContentError"]'
                ).all_inner_texts():
                    error(f"shown on {page.url}: {shown[:300]}")
            if time.monotonic() >= deadline and step > 0:
                break
            kind = ACTIONS[(number + step) % len(ACTIONS)]
            step += 1
    except Exception as exc:  # noqa: BLE001 - a broken session is a result to report, not a crash
        error(f"session stopped: {type(exc).__name__}: {exc}")
    finally:
        await context.close()
    return result


async def _current_q(page) -> str | None:
    return await page.evaluate("() => new URLSearchParams(location.search).get('q')")


async def drive(base: str, sessions: int, seconds: float, choices: Choices) -> list[SessionResult]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            deadline = time.monotonic() + seconds
            tasks = []
            for n in range(sessions):
                tasks.append(asyncio.create_task(run_session(browser, base, n, deadline, choices)))
                await asyncio.sleep(RAMP_S)  # analysts arrive over a few seconds, not at once
            return list(await asyncio.gather(*tasks))
        finally:
            await browser.close()


# --- the report ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def summarise(
    results: list[SessionResult], seconds: float, wall: float, sampler: Sampler, db: Path
) -> dict:
    by_kind = {k: [s for r in results for s in r.settle_s.get(k, [])] for k in ("open", *ACTIONS)}
    settle = [s for times in by_kind.values() for s in times]
    errors = [e for r in results for e in r.errors]
    mb = 1024
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": str(db),
        "sessions": len(results),
        "seconds": seconds,
        "actions": len(settle),
        "actions_by_kind": {k: len(times) for k, times in by_kind.items()},
        "actions_per_session": [sum(map(len, r.settle_s.values())) for r in results],
        "errors": len(errors),
        "first_errors": errors[:10],
        "timeouts": sum(len(r.timeouts) for r in results),
        "timeout_s": ACTION_TIMEOUT_S,
        "settle_p50_s": percentile(settle, 0.50),
        "settle_p95_s": percentile(settle, 0.95),
        "settle_max_s": max(settle, default=None),
        "settle_p50_by_kind_s": {k: percentile(times, 0.50) for k, times in by_kind.items()},
        "server_peak_rss_mb": round(sampler.peak_rss_kb / mb, 1) if sampler.server_pid else None,
        "server_vmhwm_mb": round(sampler.hwm_kb / mb, 1) if sampler.server_pid else None,
        "memory_samples": sampler.samples,
        "wall_s": round(wall, 1),
        "server_cpu_s": sampler.cpu_seconds("server") if sampler.server_pid else None,
        "browsers_cpu_s": sampler.cpu_seconds("browsers"),
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": os.getloadavg()[0],
    }


def table(report: dict) -> str:
    def number(value, unit: str = "") -> str:
        return "n/a" if value is None else f"{value:,.2f}{unit}"

    rows = [
        ("sessions", str(report["sessions"])),
        ("seconds", number(report["seconds"])),
        ("actions", f"{report['actions']} ({report['actions_by_kind']})"),
        ("actions per session", str(report["actions_per_session"])),
        ("errors", str(report["errors"])),
        (f"timed out (waits of {report['timeout_s']} s)", str(report["timeouts"])),
        ("settle p50", number(report["settle_p50_s"], " s")),
        ("settle p95", number(report["settle_p95_s"], " s")),
        ("settle max", number(report["settle_max_s"], " s")),
        *(
            (f"  p50 {kind}", number(value, " s"))
            for kind, value in report["settle_p50_by_kind_s"].items()
        ),
        ("server peak RSS (sampled)", number(report["server_peak_rss_mb"], " MB")),
        ("server VmHWM", number(report["server_vmhwm_mb"], " MB")),
        ("wall time", number(report["wall_s"], " s")),
        (
            "CPU: server / browsers",
            f"{number(report['server_cpu_s'], ' s')} / "
            f"{number(report['browsers_cpu_s'], ' s')} on {report['cpus']} cores",
        ),
        ("load average at the end", number(report["load_average_1min_at_end"])),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines += [f"  ! {e}" for e in report["first_errors"][:5]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions (default 20)")
    parser.add_argument("--seconds", type=float, default=60, help="how long they work (default 60)")
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "events.db", help="database")
    parser.add_argument("--url", help="use a server already running instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's process, for memory")
    parser.add_argument(
        "--json", type=Path, help="where to write the report (default: bench/results/)"
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.error(f"Chromium not found at {CHROMIUM}: apt-get install chromium")

    choices = Choices.from_database(args.db)
    with contextlib.ExitStack() as stack:
        if args.url:
            server = Server(args.url.rstrip("/"), args.pid)
        else:
            log = stack.enter_context(_temporary_log())
            server = stack.enter_context(streamlit_server(args.db.resolve(), log))
        sampler = Sampler(server.pid)
        sampler.start()
        started = time.monotonic()
        try:
            results = asyncio.run(drive(server.url, args.sessions, args.seconds, choices))
        finally:
            sampler.stop()
        wall = time.monotonic() - started
    report = summarise(results, args.seconds, wall, sampler, args.db)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.json or ROOT / "bench" / "results" / f"load-{stamp}-{args.sessions}s.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))
    print(f"report: {out}")
    return 1 if report["errors"] else 0


@contextlib.contextmanager
def _temporary_log() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        yield Path(tmp) / "streamlit.log"


if __name__ == "__main__":
    raise SystemExit(main())
