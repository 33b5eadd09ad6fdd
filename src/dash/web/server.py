"""The server ``streamlit run app.py`` starts: Streamlit's ASGI app (``st.App``) with what a
shared instance needs around the pages.

- ``lifespan``: imports every view at start-up, so a fresh server's first viewer does not wait
  for Altair, pandas and pydeck to load (about half a second on a 2-core machine), and warms
  the store before serving (``data.warm``: columns mapped, the sidebar's choices, the store-wide
  figures and the default views worked out once; a second or two at a million events), so
  ``/_stcore/health`` answers when the first page can be quick.
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
    # app.py routes with st.navigation: never Streamlit's old pages-folder mode (which a
    # pages/ folder beside it starts in, until app.py has run once): a shared deep link as the
    # first request then goes through the router at once, without layout.py's rerun.
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    from . import data

    data.warm()  # before serving: the health check passes once the first page can be quick
    yield None


MIDDLEWARE = [Middleware(media.MediaGate)]
