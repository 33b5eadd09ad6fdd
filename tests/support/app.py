"""AppTest helpers shared by the headless page tests."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from ..conftest import ROOT

APP = str(ROOT / "app.py")
PAGES = {
    "pages/overview.py": "Overview",
    "pages/statistics.py": "Violence statistics",
    "pages/map.py": "Incident map",
    "pages/narratives.py": "Competing narratives",
    "pages/sources.py": "Data and sources",
}


def open_page(page: str, db_path, monkeypatch, query: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("EVENTS_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    return at


def party_columns(at: AppTest) -> list[str]:
    """The parties whose accounts the page folds one column each ("Media: 2 accounts")."""
    labels = [re.sub(r"\\(.)", r"\1", e.label) for e in at.expander]  # Markdown escapes
    return [label.rsplit(": ", 1)[0] for label in labels if re.search(r": \d+ accounts?$", label)]


def texts(at: AppTest) -> str:
    """All text shown, with Markdown escapes removed (as a reader sees it)."""
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.error)]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def matching(at: AppTest) -> int:
    metric = next(m for m in at.sidebar.metric if m.label == "Events matching")
    return int(metric.value.replace(",", ""))


def _folds(at: AppTest, kind: str) -> set[str]:
    """The keys of the page's ``kind`` containers ("popover", "expander") that keep state (those
    drawing their content only once opened): the part of the element id after its hash."""
    keys = set()
    for node in at.main:
        if getattr(node, "type", None) != kind:
            continue
        proto = node.proto.popover if kind == "popover" else node.proto
        if proto.id.count("-") >= 2:
            keys.add(proto.id.split("-", 2)[2])
    return keys


def open_more_filters(at: AppTest) -> AppTest:
    """Open the sidebar's "More filters" fold, as a viewer clicking it does, and rerun."""
    at.session_state["more_filters"] = True
    return at.run()


def open_every_menu(at: AppTest) -> AppTest:
    """Open every menu (popover) that draws its content only once opened, and rerun: what a
    viewer sees after opening each one."""
    keys = _folds(at, "popover")
    for key in keys:
        at.session_state[key] = True
    return at.run() if keys else at


def open_every_fold(at: AppTest) -> AppTest:
    """Open every fold (expander) that draws its content only once opened, and rerun."""
    keys = _folds(at, "expander")
    for key in keys:
        at.session_state[key] = True
    return at.run() if keys else at
