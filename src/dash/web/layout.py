"""What every page has: the header, the router fix, the access gate, the sidebar, the line on
what the store covers, and the stylesheet for printing."""

from __future__ import annotations

import streamlit as st

from ..filters import Filters
from ..text import month
from . import access, data, sidebar

ROUTED = "_via_router"

PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stSelectbox"], .stButton { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
}
</style>
"""


def _ensure_router() -> None:
    """Send a page that was run without app.py back through it.

    Because ``pages/`` exists, a fresh server starts in Streamlit's old pages-folder mode and
    leaves it only once app.py calls ``st.navigation``. A shared deep link (``/narratives?…``) as
    the server's first request would run the page alone: no layout, no router, file names in the
    sidebar. Switch that mode off and rerun; the URL (filters, event) is kept.
    """
    if st.session_state.get(ROUTED):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def page_header(title: str, intro: str) -> Filters:
    """Title, one-line purpose and the shared sidebar; returns the filter in force."""
    _ensure_router()
    st.title(title)
    st.caption(intro)
    access.require()  # stops here, before any read, for a viewer without access
    data.note_data_change()
    return sidebar.render()


def coverage_note() -> None:
    """One line on what the curated record covers and what it is not; and, when the store holds
    nothing else, how to add every event of a dataset."""
    reader = data.read()
    cov = reader.curated_coverage()
    others = [o for o in reader.origins_registry() if o["events"] and o["id"] != "curated"]
    if cov["events"]:
        st.caption(
            f"{cov['events']:,} curated events, {month(cov['first'])} – {month(cov['last'])}: "
            "every reported cross-border strike and clash, and militant attacks in Pakistan with "
            "ten or more killed, each with every party's account. Not a census"
            + (
                "; imported: " + ", ".join(f"{o['events']:,} from {o['name']}" for o in others)
                if others
                else " — this store holds only the curated record: import UCDP or ACLED for "
                "every event (Data and sources says how)."
            )
        )
    elif not others:
        st.caption("This store holds no events yet: Data and sources says how to add them.")
