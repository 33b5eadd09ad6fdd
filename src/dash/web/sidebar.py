"""The shared sidebar: one set of filter widgets for every page, kept in step with the URL.

Every page draws it through ``web.layout.page_header``. Streamlit forgets a widget's value when the page
changes, so the filter in force is also kept under a plain session key and the widgets are
restored from it. The URL is the state: a new session starts from the query parameters; after
that every run writes the filter back to the URL, which also restores the parameters Streamlit
clears on a page switch.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from .. import bundle, vocab
from ..filters import URL_KEYS, Filters, fts_query, specs
from ..text import plain
from . import data, display, downloads, state
from .state import PAGE_KEYS, PARAMS

# Drawn one below the other after the dates and the search text: the lists, the minimum and
# the flag; the folded ones inside "More filters" (drawn only while it is open).
_WIDGETS = [
    n for n, spec in specs().items() if spec.kind in ("list", "actors", "parties", "min", "flag")
]
MAIN_FIELDS = [n for n in _WIDGETS if not specs()[n].folded]
FOLDED_FIELDS = [n for n in _WIDGETS if specs()[n].folded]
MORE = "more_filters"
MORE_SEEN = "_more_filters_seen"  # (open, folded filters set) at the end of the last run
_INIT = "_filters_initialised"
PARTY_LABELS = vocab.PARTY_LABELS
NOTES = "url_notes"


def widget_key(name: str) -> str:
    return f"f_{name}"


def _widget_value(filters: Filters, name: str) -> Any:
    value = getattr(filters, name)
    return list(value) if isinstance(value, tuple) else value


def _query_dict() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _start_from_url(allowed: dict[str, dict[str, int]]) -> None:
    query = _query_dict()
    filters, notes = Filters.from_query(query, allowed=allowed)
    known = set(URL_KEYS.values()) | set(PAGE_KEYS)
    notes += [f"'{key}': unknown URL parameter, ignored" for key in query if key not in known]
    notes += [
        f"'{key}': given {len(query[key])} times; only the last, {query[key][-1][:40]!r}, is used"
        for key in PAGE_KEYS
        if len(set(query.get(key, []))) > 1
    ]
    state.set_filters(filters)
    st.session_state[PARAMS] = {
        key: query[key][-1][:200] for key in PAGE_KEYS if key != "event" and key in query
    }
    wanted = query.get("event", [None])[-1]
    if wanted is not None and data.read().event(wanted) is None:
        # Every page, not only the narratives: the map would open nothing, the others would
        # carry the bad id on to the next page.
        shown = wanted if len(wanted) <= 80 else wanted[:80] + "…"
        notes.append(f"'event': no event with id {shown!r}")
        wanted = None
    st.session_state[state.EVENT] = wanted
    st.session_state[NOTES] = notes
    st.session_state[_INIT] = True


def _filter_widget(name: str, facets: dict[str, dict[str, int]]) -> None:
    spec = specs()[name]
    if spec.kind == "min":
        st.number_input(
            spec.label,
            min_value=0,
            step=1,
            key=widget_key(name),
            on_change=_changed,
            help="Uses the low end where an event has no best estimate.",
        )
    elif spec.kind == "flag":
        st.checkbox(spec.label, key=widget_key(name), on_change=_changed)
    else:
        counts = facets.get(name, {})
        labels = PARTY_LABELS if name == "parties" else {}
        st.multiselect(
            spec.label,
            options=list(counts),
            key=widget_key(name),
            on_change=_changed,
            format_func=lambda v, c=counts, lab=labels: f"{lab.get(v, v)} ({c.get(v, 0):,})",
            placeholder="Any",
        )


def _more_filters(saved: Filters) -> Any | None:
    """The "More filters" fold: returned to draw into while open, else None.

    Its label counts the folded filters in force, so a closed fold still says it restricts.
    It stays as the viewer left it, on every page, except that it opens when one more of them
    is set from outside it (a link, a click on a statistics bar). Streamlit names an expander
    by its label, so a new count would start it afresh: the viewer's last state (kept under a
    plain key, which a page switch keeps too) says how it starts.
    """
    in_force = sum(1 for name in saved.in_force() if name in FOLDED_FIELDS)
    label = f"More filters ({in_force} set)" if in_force else "More filters"
    seen = st.session_state.get(MORE_SEEN)
    expanded = bool(in_force) if seen is None else seen[0] or in_force > seen[1]
    box = display.unfolded(label, key=MORE, expanded=expanded)
    st.session_state[MORE_SEEN] = (box is not None, in_force)
    return box


def _reset() -> None:
    state.set_filters(Filters())
    st.session_state[NOTES] = []


def _changed() -> None:
    # Runs before the rerun, so the filter is current when the widgets are restored from it.
    state.set_filters(filters_from_widgets())


def filters_from_widgets() -> Filters:
    values: dict[str, Any] = {}
    for f in fields(Filters):
        value = st.session_state.get(widget_key(f.name))
        if isinstance(value, list):
            value = tuple(value)
        if value is not None:
            values[f.name] = value
    values["text"] = (values.get("text") or "").strip()
    return Filters(**values)


def url_for(filters: Filters, event: str | None = None) -> dict[str, list[str]]:
    query = {k: v if isinstance(v, list) else [v] for k, v in filters.to_query().items()}
    if event:
        query["event"] = [event]
    for key, value in state.params().items():
        query[key] = [value]
    return query


def sync_url(filters: Filters) -> None:
    desired = url_for(filters, state.event())
    if _query_dict() != desired:
        st.query_params.from_dict(desired)


def share_link(filters: Filters) -> str:
    base = st.context.url or ""
    query = urlencode(url_for(filters, state.event()), doseq=True)
    return f"{base}?{query}" if query else base


def render() -> Filters:
    """Draw the filters, return the filter in force, and write it to the URL."""
    reader = data.read()
    facets = reader.facets()
    if not st.session_state.get(_INIT):
        _start_from_url(facets)
    saved = state.filters()
    for f in fields(Filters):
        st.session_state[widget_key(f.name)] = _widget_value(saved, f.name)
    first, last = reader.date_bounds()
    with st.sidebar:
        count_slot = st.empty()
        st.header("Filters")
        left, right = st.columns(2)
        for column, name, label, bound in (
            (left, "date_from", "From", f"Earliest date in the data: {first or '–'}"),
            (right, "date_to", "To", f"Latest date in the data: {last or '–'}"),
        ):
            column.date_input(
                label, key=widget_key(name), on_change=_changed, format="YYYY-MM-DD", help=bound
            )
        st.text_input(
            "Search text",
            key=widget_key("text"),
            on_change=_changed,
            max_chars=200,
            help="Words in titles, summaries, places, actors, claims and quotes (all words must "
            "match). A province or district may be typed in any spelling the gazetteer knows; "
            "places, and names such as Taliban, TTP or Daesh, also in Urdu, Pashto or Dari script.",
        )
        for name in MAIN_FIELDS:
            _filter_widget(name, facets)
        more = _more_filters(saved)
        if more is not None:
            with more:
                for name in FOLDED_FIELDS:
                    _filter_widget(name, facets)
        st.button("Reset filters", on_click=_reset, width="stretch")

    filters = filters_from_widgets()
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        st.sidebar.warning("'From' is after 'To': the dates are ignored until that is fixed.")
        filters = filters.replace(date_from=None, date_to=None)
    if filters.text and not fts_query(filters.text):
        st.sidebar.info("The search text has no letters or digits to look for: it is ignored.")
    state.set_filters(filters)
    sync_url(filters)

    total = reader.count(filters)
    with count_slot.container():
        st.metric("Events matching", f"{total:,}")
        st.caption(f"Data as of {plain(reader.data_as_of() or 'unknown')}")
    link = share_link(filters)
    with st.sidebar.expander("Link to this view"):
        if not link:  # no browser address known (a headless run) and no filter to carry
            st.caption("The page's address is the link: it carries the filters as you set them.")
        else:
            # Inline code, not st.code: a code block loads a 1.5 MB syntax highlighter into
            # every first visit, for a copy button. Select the text to copy it.
            st.markdown(f"`{link.replace('`', '%60')}`")
            st.caption(
                "Select and copy it: opening this link shows the same page, filters and selected "
                "event."
            )
    path = data.database_path()
    st.sidebar.download_button(
        "Download bundle (zip)",
        data=lambda: bundle.bundle_bytes(path, filters, link),
        file_name=bundle.bundle_filename(filters, downloads.download_count(filters)),
        mime="application/zip",
        on_click="ignore",
        key="dl_bundle",
        help="Events, claims and documents matching the filters, with a manifest of the filters, "
        "the time, the database checksum and the app version.",
        width="stretch",
    )
    for note in st.session_state.get(NOTES, []):
        # Notes quote what the link said: Markdown in a link must stay text.
        st.warning(f"Ignored URL parameter {plain(note)}", icon="⚠️")
    return filters
