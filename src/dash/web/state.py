"""The one owner of session and URL state: the filter in force, the selected event, and the
page settings kept in the URL (interval, series, split, lens, grades, breakdown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ..filters import Filters
from ..text import plain

FILTERS = "filters"
EVENT = "event"
PARAMS = "page_params"  # page settings kept in the URL beside the filters
PAGE_KEYS = ("event", "interval", "series", "split", "lens", "grades", "by")
NARRATIVES_PAGE = "pages/narratives.py"


def filters() -> Filters:
    """The filter in force, as the shared sidebar set it."""
    return st.session_state.get(FILTERS, Filters())


def set_filters(value: Filters) -> None:
    st.session_state[FILTERS] = value


def event() -> str | None:
    return st.session_state.get(EVENT)


def select_event(event_id: str | None) -> None:
    """Make ``event_id`` the selected event, in the session and in the URL."""
    st.session_state[EVENT] = event_id
    if event_id:
        st.query_params[EVENT] = event_id
    elif EVENT in st.query_params:
        del st.query_params[EVENT]


def params() -> dict[str, str]:
    return st.session_state.setdefault(PARAMS, {})


def drop_param(key: str, why: str) -> None:
    """Drop a page setting from the session and from the URL (a shared link would bring the
    warning back), saying why."""
    st.warning(f"URL parameter '{key}': {why}.")
    params().pop(key, None)
    if key in st.query_params:
        del st.query_params[key]


def table_choice(event: Any, ids: Sequence[str] | None, key: str) -> str | None:
    """The event id of a newly selected row (or map mark), once; None when nothing new.

    A selection persists across reruns; acting on it only when it changes lets the picker and
    other pages move the selection on without the table pulling it back. With ``ids`` None
    the selection already holds event ids (a map click).
    """
    rows = list(event["selection"]["rows"]) if event is not None else []
    seen_key = f"_{key}_handled"
    if rows == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = rows
    if not rows:
        return None
    if ids is None:
        return rows[0]
    return ids[rows[0]] if isinstance(rows[0], int) and rows[0] < len(ids) else None


def url_choice(
    key: str, label: str, options: dict[str, str], default: str, *, widget: str = "segmented"
) -> str:
    """A page setting kept in the URL (``?key=value``); an unknown value is noted and dropped."""
    kept = params()
    value = kept.get(key, default)
    if value not in options:
        shown = value if len(value) <= 40 else value[:40] + "…"
        drop_param(key, f"unknown value {plain(repr(shown))}; showing {options[default]!r}")
        value = default
    widget_key = f"p_{key}"
    st.session_state[widget_key] = value

    def changed() -> None:
        chosen = st.session_state[widget_key] or default
        if chosen == default:
            kept.pop(key, None)
        else:
            kept[key] = chosen

    draw = st.segmented_control if widget == "segmented" else st.selectbox
    draw(label, list(options), format_func=options.__getitem__, key=widget_key, on_change=changed)
    return st.session_state[widget_key] or default
