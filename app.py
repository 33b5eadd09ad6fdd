"""Router: lists the pages (st.navigation) and turns a broken database into a clear message.

``streamlit run app.py`` finds ``app`` below and serves this script through it (Streamlit's
ASGI server, ``st.App``): start-up imports and download links bound to their viewer, see
``dash.web.server``. Each page run executes this file as ``__main__``: the router.
"""

import sqlite3
from pathlib import Path

import streamlit as st

from dash import store
from dash.web import data, layout, server

HERE = Path(__file__).parent

if __name__ != "__main__":  # imported by the server that `streamlit run app.py` starts
    app = st.App(__file__, lifespan=server.lifespan, middleware=server.MIDDLEWARE)
else:
    st.set_page_config(
        page_title="Conflict events: Pakistan–Afghanistan", page_icon="🗺️", layout="wide"
    )

    pages = [
        st.Page(HERE / "pages" / "overview.py", title="Overview", default=True),
        st.Page(HERE / "pages" / "statistics.py", title="Violence statistics"),
        st.Page(HERE / "pages" / "map.py", title="Incident map"),
        st.Page(HERE / "pages" / "narratives.py", title="Competing narratives"),
        st.Page(HERE / "pages" / "sources.py", title="Data and sources"),
    ]

    st.session_state[layout.ROUTED] = True
    try:
        st.navigation(pages).run()
    except sqlite3.DatabaseError as exc:
        # A read that fails mid-page (truncated or overwritten file, a writer's lock) lands here.
        data.show_store_error(store.unusable(exc, store.database_path()))
