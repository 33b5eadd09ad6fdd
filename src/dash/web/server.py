"""The server ``streamlit run app.py`` starts: Streamlit's ASGI app (``st.App``) with what a
shared instance needs around the pages.

- ``lifespan``: imports every view at start-up, so a fresh server's first viewer does not wait
  for Altair, pandas and pydeck to load (about half a second on a 2-core machine).
- ``MediaGate`` (``dash.web.media``): every download link is a random token bound to the
  browser that asked for it and valid for a few minutes.

app.py builds ``app = st.App(app.py, lifespan=server.lifespan, middleware=server.MIDDLEWARE)``
when the server imports it; run as the page script it is the router.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.middleware import Middleware

from . import media

VIEWS = ("overview", "statistics", "map", "narratives", "sources")


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    for view in VIEWS:
        importlib.import_module(f"dash.web.views.{view}")
    media.install()
    yield None


MIDDLEWARE = [Middleware(media.MediaGate)]
