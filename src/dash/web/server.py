"""The server ``streamlit run app.py`` starts: Streamlit's ASGI app (``st.App``) with what a
shared instance needs around the pages.

- ``lifespan``: imports every view at start-up, so a fresh server's first viewer does not wait
  for Altair, pandas and pydeck to load (about half a second on a 2-core machine), and warms
  the store before serving (``data.warm``: columns mapped, the sidebar's choices, the store-wide
  figures and the default views worked out once; a second or two at a million events), so
  ``/_stcore/health`` answers when the first page can be quick.
- ``send_small_writes_at_once``: Streamlit binds its listening socket itself, in a way that
  leaves Nagle's algorithm on for every connection it accepts (asyncio sets TCP_NODELAY only on
  sockets that say they are TCP, and this one, made with protocol 0, does not: the same cause as
  uvicorn issue 3149). Every small response on a reused connection then waits ~40 ms for the
  browser's delayed ACK: a first visit fetches ~150 scripts over six connections, and a page's
  messages on the websocket wait too. Set on the listening socket, the option passes to each
  connection it accepts.
- ``FrontendFiles`` (``dash.web.assets``): Streamlit's own scripts from memory, so that the
  chunks a first visit loads do not queue behind the page's run.
- ``MediaGate`` (``dash.web.media``): every download link is a random token bound to the
  browser that asked for it and valid for a few minutes.

app.py builds ``app = st.App(app.py, lifespan=server.lifespan, middleware=server.MIDDLEWARE)``
when the server imports it; run as the page script it is the router.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.middleware import Middleware

from . import assets, media

VIEWS = ("overview", "statistics", "map", "narratives", "sources")


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    for view in VIEWS:
        importlib.import_module(f"dash.web.views.{view}")
    try:
        _first_use_costs()
    except Exception:  # noqa: BLE001 - a speed-up only: Streamlit's or Altair's insides moved
        logging.getLogger(__name__).warning("start-up warm-up skipped", exc_info=True)
    media.install()
    send_small_writes_at_once()
    # app.py routes with st.navigation: never Streamlit's old pages-folder mode (which a
    # pages/ folder beside it starts in, until app.py has run once): a shared deep link as the
    # first request then goes through the router at once, without layout.py's rerun.
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    from . import data

    data.warm()  # before serving: the health check passes once the first page can be quick
    # Streamlit runs a full garbage collection after every page run (runner.postScriptGC): at a
    # million events it walks the warmed store's objects each time, ~0.085 s of every first
    # visit and filter change, with the event loop stopped. They live as long as the process:
    # frozen, they are left out, and the collection takes ~1 ms.
    gc.collect()
    gc.freeze()
    yield None


def send_small_writes_at_once() -> int:
    """Turn Nagle's algorithm off on this process's listening TCP sockets (connections they
    accept inherit it, on Linux); the number of sockets changed. Nothing to do where the
    process's open files cannot be listed."""
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    changed = 0
    for fd in descriptors:
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            continue  # not a socket, or the descriptor listdir itself used
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                changed += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor stays the server's
    return changed


def _first_use_costs() -> None:
    """Pay here, once, what the first page run of a process otherwise pays (measured with
    py-spy on a fresh server's first visit, about 0.3 s together)."""
    # The page icon is an emoji: st.set_page_config checks it against Streamlit's emoji table,
    # a regular expression that takes ~0.1 s to compile.
    importlib.import_module("streamlit.emojis")
    # The first element a process draws asks whether it runs in a REPL, with inspect.stack()
    # from deep in the script thread (~0.1 s). We are `streamlit run`: ask now, from here.
    from streamlit import delta_generator

    if hasattr(delta_generator, "_maybe_print_use_warning"):
        delta_generator._maybe_print_use_warning()
    # Altair resolves each channel's and property's schema on its first use (~0.15 s over a
    # page's charts): build and convert each chart the pages draw once, from a made-up row.
    from .. import charts, mapcharts, mapdata

    row = {"period": "2024-01-01", "group": "x", "dating": "within", "value": "x", "events": 1,
           "killed_low": 1, "killed": 1, "killed_high": 1, "events_with_figure": 1}  # fmt: skip
    points = mapdata.prepare_points(
        [{"event_id": "x", "latitude": 33.0, "longitude": 70.0, "geo_precision": "exact"}]
    )
    cells = mapdata.prepare_cells(
        [{"latitude": 33.0, "longitude": 70.0, "events": 1, "killed": 1, "exact": 1}]
    )
    claim = {"party_label": "x", "party_order": 0, "claimant": "x", "claimed_start": "2024-01-01",
             "claimed_end": None, "publisher": "x"}  # fmt: skip
    for chart in (
        charts.events_over_time([row], "month", "Event type"),
        charts.killed_over_time([row], "month", "x"),
        charts.breakdown_bars([row], "x"),
        charts.tracker_bars([{"who": "x", "value": 1, "kind": "published figure"}], "x"),
        mapcharts.incident_map(points, mapdata.view(points)),
        mapcharts.incident_grid(cells, mapdata.view(cells)),
        charts.claims_timeline([claim]),
    ):
        chart.to_dict(validate=False)


# MediaGate first: it sets the viewer's cookie on whatever answers, Streamlit or FrontendFiles.
MIDDLEWARE = [Middleware(media.MediaGate), Middleware(assets.FrontendFiles)]
