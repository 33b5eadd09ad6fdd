"""Streamlit glue shared by every page: the cached connection, cached queries, the page header,
error screens and safe rendering of text that comes from outside sources."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from . import access, credibility, csvout, exports, queries, store, vocab
from .csvout import Column
from .filters import Filters
from .tally import Tally

CACHE_TTL_SECONDS = 600
DATA_STAMP = "_data_stamp"
PARTY_COLUMNS_PER_ROW = 4


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str, file_stamp: str) -> Database:
    # ``file_stamp`` (inode, mtime, size) makes a replaced or rewritten file open afresh.
    return store.open_readonly(path)


def _file_stamp(path: str) -> str:
    try:
        st_ = store.database_path(path).stat()
    except OSError:
        return "missing"
    return f"{st_.st_dev}:{st_.st_ino}:{st_.st_mtime_ns}:{st_.st_size}"


def _stamp(path: str) -> tuple[str, int]:
    """What cached results are keyed on: the file, and the commits seen through its connection.

    An import in WAL mode commits into the ``-wal`` file: the database file's mtime and size
    change only at a checkpoint. ``PRAGMA data_version`` changes with every commit made by
    another connection. Raises StoreError or sqlite3.Error when the database is unusable.
    """
    file_stamp = _file_stamp(path)
    version = _connection(path, file_stamp).execute("PRAGMA data_version").fetchone()[0]
    return file_stamp, version


def database_path() -> str:
    return str(store.database_path())


def instance_summary() -> str:
    """How this instance serves its data and who may see it, for the Data and sources page."""
    if store.serving_readonly():
        serving = (
            "This instance serves its database read-only, as an immutable file "
            f"({store.READONLY_ENV}=1): the data changes only when the administrator replaces "
            "the file, and pages then say *Data updated*."
        )
    else:
        serving = (
            "This instance reads its database live: an import shows up at the next page run, "
            "whole (never half of it), with a *Data updated* note."
        )
    who = {
        "password": "It is private: a shared password is asked once per browser session.",
        "login": "It is private: viewers log in with the organisation's identity provider.",
    }.get(access.mode(), "It is open to anyone who can reach it.")
    scale = (
        "Counts, charts and the map's grid come from an in-memory copy of the events' columns, "
        "loaded once per state of the database (seconds at a million events, then milliseconds "
        f"per filter); the narratives picker lists the {PICKER_LIMIT:,} most recent matching "
        f"events and the documents table the first {DOCUMENTS_SHOWN:,}; downloads carry every "
        "row."
    )
    return f"{serving} {who} No page writes to the data. Hosting: `docs/deploy.md`.\n\n{scale}"


def show_store_error(exc: store.StoreError) -> None:
    kind = {
        store.DatabaseMissing: "The events database is missing",
        store.DatabaseCorrupt: "The events database is damaged or not a database",
        store.DatabaseOutdated: "The events database lacks the schema this app needs",
        store.DatabaseInterrupted: "A write to the events database was interrupted",
        store.DatabaseBusy: "The events database cannot be read right now",
    }.get(type(exc), "The events database cannot be used")
    st.error(f"{kind}: {exc.args[0]}.\n\nFile: `{exc.path}`", icon="⚠️")
    if isinstance(exc, store.DatabaseBusy):
        st.info("Nothing is wrong with the data: reload the page in a moment.")
        return
    st.markdown("Run this in the project folder to fix it, then reload the page:")
    st.code(exc.hint, language="bash")
    st.caption(
        f"Another database can be served by setting the {store.ENV_VAR} environment variable."
    )


@st.cache_resource(
    show_spinner="Loading the events into memory for counting (once per database file)…",
    max_entries=2,
)
def _tally(path: str, stamp: tuple[str, int]) -> Tally:
    # One per state of the database (file and committed data), shared by every session: at a
    # million events it holds about 150 MB of arrays and takes seconds to load, then answers
    # each aggregate in milliseconds. A commit or a replaced file makes a new one.
    return Tally(_connection(path, stamp[0]))


# Aggregates answered by the in-memory Tally rather than by SQL (same name, same rows).
TALLIED = {
    "count_events": "count",
    "origins_matching": "origins_matching",
    "headline": "headline",
    "lens_headline": "lens_headline",
    "series": "series",
    "breakdown": "breakdown",
    "victim_categories": "victim_categories",
    "parties_with_tolls": "parties_with_tolls",
    "facets": "facets",
    "date_bounds": "date_bounds",
    "count_located": "count_located",
    "map_grid": "map_grid",
}


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=512, show_spinner=False)
def _cached(name: str, path: str, stamp: tuple[str, int], args: tuple[Any, ...]) -> Any:
    if name in TALLIED:
        return getattr(_tally(path, stamp), TALLIED[name])(*args)
    return getattr(queries, name)(_connection(path, stamp[0]), *args)


def q(name: str, *args: Any) -> Any:
    """Run ``queries.<name>(db, *args)`` through a bounded cache keyed on the database's state.

    The aggregates in ``TALLIED`` are answered by ``dash.tally`` over in-memory columns, which
    the tests hold equal to the SQL of the same name. An unusable database (missing, damaged,
    locked by a writer) shows its error screen and stops the page, whether it fails on opening
    or on this read.
    """
    path = database_path()
    with _stop_if_unusable(path):
        return _cached(name, path, _stamp(path), args)


@contextlib.contextmanager
def _stop_if_unusable(path: str) -> Iterator[None]:
    try:
        yield
        return
    except store.StoreError as exc:
        error = exc
    except sqlite3.DatabaseError as exc:
        error = store.unusable(exc, store.database_path(path))
    show_store_error(error)
    st.stop()


def _note_data_change() -> None:
    """Tell a viewer, once, when the data changed since this session's last page run."""
    path = database_path()
    with _stop_if_unusable(path):
        stamp = _stamp(path)
    seen = st.session_state.get(DATA_STAMP)
    st.session_state[DATA_STAMP] = stamp
    if seen is not None and seen != stamp:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        st.toast(f"Data updated ({when}): every figure now includes the change.", icon="🔄")


def current_filters() -> Filters:
    """The filter in force, as the shared sidebar (run by app.py) set it."""
    return st.session_state.get("filters", Filters())


ROUTED = "_via_router"
NARRATIVES_PAGE = "pages/narratives.py"


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
    from . import sidebar  # sidebar draws with ui's helpers; imported here to avoid a cycle

    _ensure_router()
    st.title(title)
    st.caption(intro)
    access.require()  # stops here, before any read, for a viewer without access
    _note_data_change()
    return sidebar.render()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'])")
# Embeddings, overrides and isolates (LRE … RLO, LRI … PDI): invisible, and one left open
# reverses everything drawn after it in the same paragraph.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """Escape text from the store so Markdown renders it literally (no links, images, HTML).

    Direction controls are dropped and right-to-left text (Urdu, Pashto) is isolated, so a value
    never reorders the label or figures beside it.
    """
    text = _BIDI_CONTROLS.sub("", str(text))
    escaped = _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return f"\u2068{escaped}\u2069"  # first-strong isolate … pop directional isolate
    return escaped


NAME_CHARS = 300


def short(text: object, limit: int = NAME_CHARS) -> str:
    """A title or name cut to ``limit`` characters, "…" marking the cut.

    A value longer than a paragraph is not a name; shown whole as a heading, or in a narrow
    party column, it pushes everything else out of sight. Tables and CSVs keep the full text.
    """
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly these columns, in this order, even when there are no rows.

    Missing text shows as an empty cell rather than the word "None".
    """
    df = pd.DataFrame(list(rows), columns=list(columns))
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == "object"]
    df[text] = df[text].fillna("")
    return df


def fatality_range(
    low: int | None, best: int | None, high: int | None, *, compact: bool = False
) -> str:
    """'8 – 20 – 71' style range; unknown parts shown as '?'.

    ``compact`` is for headline metrics, which cut long values off: three equal figures become
    one, and figures of a million or more are written like '1.88M'.
    """
    if low is None and best is None and high is None:
        return "unknown"
    if compact and low == best == high:
        return _compact(best)
    text = " – ".join("?" if v is None else f"{v:,}" for v in (low, best, high))
    if compact and len(text) > COMPACT_WIDTH:
        text = " – ".join("?" if v is None else _compact(v) for v in (low, best, high))
    return text


# Characters a headline metric shows before Streamlit cuts it off with '…'.
COMPACT_WIDTH = 18


def _compact(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1e6:.2f}M"
    if value >= 10_000:
        return f"{value / 1e3:.1f}k"
    return f"{value:,}"


EVENT_FIGURE_COLUMNS: dict[str, Any] = {
    "fatalities_low": st.column_config.NumberColumn("Killed (low)"),
    "fatalities_best": st.column_config.NumberColumn("Killed (best)"),
    "fatalities_high": st.column_config.NumberColumn("Killed (high)"),
    "n_claims": st.column_config.NumberColumn("Claims"),
    "geo_precision": "Location precision",
    "grading": "Grading",
}


def events_table(rows: Sequence[dict[str, Any]], *, key: str) -> None:
    """The standard events table (text shown as text)."""
    _table(
        rows,
        {
            "date_start": st.column_config.TextColumn("Date"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "country": "Country",
            "admin1": "Province",
            "admin2": "District",
            "event_type": "Type",
            **EVENT_FIGURE_COLUMNS,
            "event_id": "Event id",
        },
        key=key,
    )


def dictionary_frame(columns: Sequence[Column]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"column": c.name, "type": c.kind, "meaning": c.description} for c in columns]
    )


def vocabulary_frame(vocabulary: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"code": k, "meaning": v} for k, v in vocabulary.items()])


def licence_frame(origins: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The registered origins with their licence, terms and how many events each holds."""
    return pd.DataFrame(
        [
            {
                "origin": o["id"],
                "what": o["name"],
                "events": o["events"],
                "licence": o["licence"],
                "sharing": o["terms"],
            }
            for o in origins
        ],  # fmt: skip
        columns=["origin", "what", "events", "licence", "sharing"],
    )


def quality_frame(notes: Sequence[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "note": vocab.QUALITY_NOTE_KINDS.get(n["kind"], n["kind"]),
                "kind": n["kind"],
                "origin": n["origin"],
                "events": n["events"],
                "example": n["example"],
            }
            for n in notes
        ],  # fmt: skip
        columns=["note", "kind", "origin", "events", "example"],
    )


def gazetteer_frame() -> pd.DataFrame:
    from .gazetteer import gazetteer

    spellings: dict[tuple[str, str], list[str]] = {}
    for (country, _), province in gazetteer().provinces.items():
        spellings.setdefault((country, province.name), [])
    for level, spelling, canonical in gazetteer().aliases:
        if level == "province" and spelling != canonical:
            for (_country, name), found in spellings.items():
                if name == canonical and spelling not in found:
                    found.append(spelling)
    return pd.DataFrame(
        [
            {"country": c, "province": n, "also written": ", ".join(a)}
            for (c, n), a in sorted(spellings.items())
        ],  # fmt: skip
        columns=["country", "province", "also written"],
    )


def _month(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%b %Y")


def coverage_note() -> None:
    """One line on what the curated record covers and what it is not; and, when the store holds
    nothing else, how to add every event of a dataset."""
    cov = q("curated_coverage")
    origins = q("origins_registry")
    others = [o for o in origins if o["events"] and o["id"] != "curated"]
    if cov["events"]:
        st.caption(
            f"{cov['events']:,} curated events, {_month(cov['first'])} – {_month(cov['last'])}: "
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


def plain_lines(lines: Iterable[str]) -> str:
    """A numbered Markdown list of plain-text lines."""
    return "\n".join(f"{i}. {plain(line)}" for i, line in enumerate(lines, 1))


PARTY_LABELS = vocab.PARTY_LABELS


def _grid_frame(rows: Sequence[dict[str, Any]], columns: dict[str, Any]) -> pd.DataFrame:
    """``frame`` for a configured table: link cells keep only http(s) URLs.

    Streamlit's link cell opens whatever it holds on click (``window.open``), so a stored
    ``javascript:`` URL must never reach one.
    """
    df = frame(rows, list(columns))
    for name, config in columns.items():
        if isinstance(config, dict) and config.get("type_config", {}).get("type") == "link":
            df[name] = df[name].map(lambda url: safe_url(url) or "")
    return df


def _table(rows: Sequence[dict[str, Any]], columns: dict[str, Any], *, key: str) -> None:
    st.dataframe(
        _grid_frame(rows, columns),
        key=key,
        hide_index=True,
        width="stretch",
        column_config=columns,
    )


def documents_table(rows: Sequence[dict[str, Any]], *, key: str) -> None:
    _table(
        rows,
        {
            "publisher": "Publisher",
            "title": st.column_config.TextColumn("Title", width="large"),
            "published": st.column_config.TextColumn("Date"),
            "url": st.column_config.LinkColumn("Link", width="medium"),
            "n_claims": st.column_config.NumberColumn("Claims"),
            "original_agency": "Agency",
            "kind": "Kind",
            "citation": "Citation",
            "document_id": "Document id",
        },
        key=key,
    )


def import_log_table(rows: Sequence[dict[str, Any]], *, key: str) -> None:
    _table(
        rows,
        {
            "id": st.column_config.NumberColumn("#"),
            "origin": "Origin",
            "file": "File",
            "finished_at": "Finished",
            "rows_read": st.column_config.NumberColumn("Read"),
            "rows_stored": st.column_config.NumberColumn("Stored"),
            "rows_rejected": st.column_config.NumberColumn("Rejected"),
            "status": "Status",
            "message": st.column_config.TextColumn("Message", width="large"),
            "sha256": "SHA-256",
        },
        key=key,
    )


def safe_url(url: object) -> str | None:
    """Only http(s) URLs are ever rendered as links; parentheses and spaces are escaped."""
    if not isinstance(url, str) or not re.match(r"^https?://[^\s<>\"]+$", url):
        return None
    return url.replace("(", "%28").replace(")", "%29")


def link(label: object, url: object) -> str:
    target = safe_url(url)
    return f"[{plain(label)}]({target})" if target else plain(label)


def select_event(event_id: str | None) -> None:
    """Make ``event_id`` the selected event, in the session and in the URL."""
    st.session_state["event"] = event_id
    if event_id:
        st.query_params["event"] = event_id
    elif "event" in st.query_params:
        del st.query_params["event"]


PICKER_LIMIT = 1000
DOCUMENTS_SHOWN = 1000


def pick_event(filters: Filters) -> str | None:
    """The event chosen in the picker, by ``?event=`` or on another page; notes an unknown id."""
    choices = q("event_choices", filters, PICKER_LIMIT)
    wanted = st.session_state.get("event")
    if wanted is not None and q("event_by_id", wanted) is None:
        shown = wanted if len(wanted) <= 80 else wanted[:80] + "…"
        st.warning(f"URL parameter 'event': no event with id {plain(repr(shown))}.")
        select_event(None)
        wanted = None
    if not choices:
        st.info("No events match the current filter.")
        return None
    ids = [c["event_id"] for c in choices]
    labels = {c["event_id"]: f"{c['date_start']} · {c['title']}" for c in choices}
    if wanted is not None and wanted not in labels:
        # A real event outside the filter stays pickable: the link must show what it names.
        event = q("event_by_id", wanted)
        ids.insert(0, wanted)
        labels[wanted] = f"{event['date_start']} · {event['title']} (outside the current filter)"
    if len(choices) == PICKER_LIMIT:
        total = q("count_events", filters)
        if total > PICKER_LIMIT:
            st.caption(
                f"The picker lists the {PICKER_LIMIT:,} most recent of {total:,} matching events: "
                "narrow it with the sidebar (text, dates, place), or open an event from the map's "
                "list or the most contested below."
            )
    # The selection lives in "event" (URL, other pages); the picker only mirrors it.
    st.session_state["event_picker"] = wanted if wanted in ids else ids[0]
    chosen = st.selectbox(
        "Event",
        ids,
        format_func=labels.__getitem__,
        key="event_picker",
        on_change=lambda: select_event(st.session_state["event_picker"]),
    )
    if chosen != wanted:
        select_event(chosen)
    return chosen


def _figures(claim: dict[str, Any]) -> str:
    parts = []
    if claim["killed"] is not None:
        qual = {"at_least": "at least ", "more_than": "more than ", "about": "about "}.get(
            claim["killed_qualifier"] or "", ""
        )
        rng = f"–{claim['killed_high']}" if claim["killed_high"] is not None else ""
        parts.append(f"killed: {qual}{claim['killed']}{rng}")
    for col, label in (
        ("civilians_killed", "civilians"),
        ("women_children_killed", "women and children"),
        ("militants_killed", "militants"),
        ("security_forces_killed", "security forces"),
        ("injured", "injured"),
    ):
        if claim[col] is not None:
            parts.append(f"{label}: {claim[col]}")
    if claim["figures_text"]:
        parts.append(str(claim["figures_text"]))
    return "; ".join(parts) or "no figures given"


def claim_card(claim: dict[str, Any]) -> None:
    with st.container(border=True):
        st.markdown(f"**{plain(short(claim['claimant']))}**")
        when = claim["claimed_start"] or "date unknown"
        if claim["claimed_end"] and claim["claimed_end"] != claim["claimed_start"]:
            when = f"{when} – {claim['claimed_end']}"
        via = f" · via {plain(short(claim['via']))}" if claim["via"] else ""
        st.caption(f"{plain(when)}{via}")
        st.markdown(plain(claim["account"]))
        st.markdown(f"**Figures:** {plain(_figures(claim))}")
        st.caption(
            f"Who was hit: {plain(claim['victims'])} · responsibility: "
            f"{plain(claim['responsibility'].replace('_', ' '))}"
        )
        if claim["quote"]:
            st.markdown(f"> “{plain(claim['quote'])}”")
        if claim.get("credibility"):
            st.caption(
                f"Credibility {claim['credibility']} — "
                f"{plain(credibility.SCALE[claim['credibility']])}: "
                f"{plain(claim['credibility_basis'] or '')}",
                help="Admiralty scale, set by a written rule from the event's other claims "
                "(Data and sources → Credibility grades).",
            )
        source = link(short(claim["publisher"]), claim["url"])
        date = f", {plain(claim['document_date'])}" if claim["document_date"] else ""
        st.caption(f"Source: {source}{date}")


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


def narrative(event_id: str) -> None:
    """The comparison for one event: summary, party columns, timeline, related events."""
    from . import charts, narratives

    event = q("event_by_id", event_id)
    claims = q("claims_for", event_id)
    summary = narratives.summarise(event, claims)
    # Our own static stylesheet (no text from the store): hides controls when printing.
    st.html(PRINT_CSS)

    st.header(plain(short(event["title"])))
    place = ", ".join(
        plain(short(p))
        for p in (event["location"], event["admin2"], event["admin1"], event["country"])
        if p
    )
    st.caption(
        f"{plain(event['date_start'])} – {plain(event['date_end'])} "
        f"({plain(event['date_precision'])}) · {place} · "
        f"{plain(event['event_type'])} / {plain(event['sub_event_type'])} · id {plain(event_id)}"
    )
    if event["summary"]:
        st.markdown(plain(event["summary"]))

    with st.container(border=True):
        st.markdown(f"**Claimed — {plain(summary.headline)}**")
        if summary.breakdowns:
            st.markdown(plain("; ".join(summary.breakdowns)))
        for line in summary.conflicts:
            st.markdown(f"- {plain(line)}")
        estimate = fatality_range(
            event["fatalities_low"], event["fatalities_best"], event["fatalities_high"]
        )
        st.markdown(f"**Curated estimate (low – best – high):** {plain(estimate)}")
        if event["fatalities_basis"]:
            st.caption(plain(event["fatalities_basis"]))
        grading = event["grading"]
        if grading:
            st.markdown(f"**Grading: {plain(grading)}** — {plain(vocab.GRADINGS[grading])}.")
            if event["grading_basis"]:
                st.caption(f"Why: {plain(event['grading_basis'])}")
        else:
            st.markdown("**Grading:** not graded")
        if summary.unknowns:
            st.markdown("**What is not known**")
            for line in summary.unknowns:
                st.markdown(f"- {plain(line)}")

    if not claims:
        st.info("No claims recorded for this event yet.")
        return
    if not summary.is_contested:
        st.info("Only one party's account is recorded: there is no competing account yet.")

    by_party: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        by_party.setdefault(claim["party"], []).append(claim)
    # Side by side, at most four columns to a row so cards stay readable (and printable).
    groups = list(by_party.items())
    for start in range(0, len(groups), PARTY_COLUMNS_PER_ROW):
        row = groups[start : start + PARTY_COLUMNS_PER_ROW]
        columns = st.columns(PARTY_COLUMNS_PER_ROW if len(groups) > 1 else 1)
        for column, (party, party_claims) in zip(columns, row, strict=False):
            with column:
                st.subheader(plain(PARTY_LABELS.get(party, party)))
                for claim in party_claims:
                    claim_card(claim)

    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", event_id).strip("-")
    downloads("claims", "claims", lambda db: exports.event_claims(db, event_id),
              current_filters(), key="event_claims", file_stem=f"claims_{slug}")  # fmt: skip
    st.caption("To print or save as PDF, use the browser's print: controls are hidden in print.")

    dated = [c for c in claims if c["claimed_start"]]
    if dated:
        st.altair_chart(charts.claims_timeline(dated), width="stretch")
    undated = [c for c in claims if not c["claimed_start"]]
    if undated:
        st.caption(
            "Not on the timeline (date of the claim unknown): "
            + plain("; ".join(f"{c['claimant']} ({c['party_label']})" for c in undated))
        )

    related = q("linked_events", event_id)
    st.subheader("Related events")
    if not related:
        st.caption("No related events recorded.")
    for link_row in related:
        # Button labels and help are Markdown (images, links) like everything else.
        label = plain(
            f"{narratives.link_phrase(link_row['direction'], link_row['kind'])}: {link_row['date_start']} · {short(link_row['title'])}"
        )
        st.button(
            label,
            key=f"related_{link_row['direction']}_{link_row['kind']}_{link_row['event_id']}",
            on_click=select_event,
            args=(link_row["event_id"],),
            help=plain(link_row["basis"]),
        )


def pick_from_table(
    rows: Sequence[dict[str, Any]], columns: dict[str, Any], *, key: str
) -> str | None:
    """A single-row-selectable table of events; returns a newly chosen event id, once."""
    event = st.dataframe(
        _grid_frame(rows, columns),
        key=key,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        column_config=columns,
    )
    return table_choice(event, [r["event_id"] for r in rows], key)


def contested_table(rows: Sequence[dict[str, Any]], *, key: str, open_comparison: bool) -> None:
    """The ranked most-contested list; selecting a row selects that event and, from another
    page, opens its comparison."""
    chosen = pick_from_table(
        rows,
        {
            "date_start": st.column_config.TextColumn("Date"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "n_parties": st.column_config.NumberColumn("Parties"),
            "lowest_claimed": st.column_config.NumberColumn("Lowest toll claimed"),
            "highest_claimed": st.column_config.NumberColumn("Highest toll claimed"),
            "framings": st.column_config.NumberColumn("Framings of victims"),
            "divergence": st.column_config.NumberColumn("Divergence", format="%.2f"),
        },
        key=key,
    )
    if chosen:
        select_event(chosen)
        if open_comparison:
            st.switch_page(NARRATIVES_PAGE)


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


def downloads(
    what: str,
    columns_key: str,
    rows: Callable[[Database], Iterable[dict[str, Any]]],
    filters: Filters,
    *,
    key: str,
    n_rows: int | None = None,
    file_stem: str | None = None,
) -> None:
    """'CSV' and 'CSV for Excel' buttons for every row, built on click.

    ``rows`` is one of the row sources in ``dash.exports`` (run on its own connection), so the
    origin restriction applies to every download the app offers. The file name counts the rows
    the file holds: ``n_rows`` where the caller knows it cheaply (events), else counted here.
    """
    columns = csvout.COLUMN_SETS[columns_key]

    def fresh(use: Callable[[Database], Any]) -> Any:
        # Downloads are generated on a separate thread when clicked: their own connection.
        db = store.open_readonly(database_path())
        try:
            return use(db)
        finally:
            db.close()

    def make(excel: bool) -> Callable[[], bytes]:
        return lambda: fresh(lambda db: csvout.csv_bytes(rows(db), columns, excel=excel))

    if n_rows is None:
        n_rows = fresh(lambda db: sum(1 for _ in rows(db)))
    _buttons(what, make, n_rows, filters, key=key, file_stem=file_stem)


def download_count(filters: Filters) -> int:
    """How many events a download of the filter carries (the origin restriction applied): the
    number its file name says."""
    return q("count_events", exports.restrict(filters, q("origins_matching", Filters())))


def chart_downloads(
    what: str, columns_key: str, rows: Sequence[dict[str, Any]], filters: Filters, *, key: str
) -> bool:
    """CSV buttons for a chart's own numbers; False (and a note) where the instance withholds
    chart downloads (EVENTS_NO_DOWNLOAD_SCOPE=all with restricted origins)."""
    if not exports.charts_downloadable():
        st.caption("Chart downloads are withheld on this instance (its data terms).")
        return False
    columns = csvout.COLUMN_SETS[columns_key]
    kept = exports.aggregate(rows)

    def make(excel: bool) -> Callable[[], bytes]:
        return lambda: csvout.csv_bytes(kept, columns, excel=excel)

    _buttons(what, make, len(kept), filters, key=key)
    return True


def _buttons(
    what: str,
    make: Callable[[bool], Callable[[], bytes]],
    n_rows: int,
    filters: Filters,
    *,
    key: str,
    file_stem: str | None = None,
) -> None:
    left, right, _ = st.columns([1, 1, 3])
    for column, excel in ((left, False), (right, True)):
        name = csvout.filename_for(what, filters, n_rows, excel=excel)
        if file_stem:
            name = f"{file_stem}_{n_rows}-rows{'_excel' if excel else ''}.csv"
        column.download_button(
            "CSV for Excel" if excel else "CSV",
            data=make(excel),
            file_name=name,
            mime="text/csv",
            on_click="ignore",
            key=f"dl_{key}_{'excel' if excel else 'csv'}",
            help=f"All {n_rows:,} rows; the Data and sources page explains each column."
            + (" With a byte-order mark so Excel reads Urdu, Pashto and Dari." if excel else ""),
            width="stretch",
        )


LIST_PAGE_SIZE = 200


def incident_map(filters: Filters, total: int, *, key: str) -> None:
    """The map: points up to the documented limit, grid cells above it; click selects."""
    from . import charts, mapdata

    located = q("count_located", filters)
    if not located:
        st.info("None of the matching events has coordinates: they are listed below only.")
        return
    if mapdata.use_grid(located):
        cells = mapdata.prepare_cells(q("map_grid", filters, mapdata.GRID_DEGREES))
        st.altair_chart(charts.incident_grid(cells, mapdata.view(cells)), width="stretch")
        st.caption(
            f"{located:,} located events are more than the {mapdata.POINT_LIMIT:,} the map draws "
            f"one by one: each circle is a {mapdata.GRID_DEGREES}° cell sized by its events. "
            "Narrow the filter to see single events."
        )
    else:
        points = mapdata.prepare_points(q("map_points", filters, mapdata.POINT_LIMIT))
        near = mapdata.near_region(points)
        if not near.all():
            st.caption(
                f"{int((~near).sum()):,} matching event(s) far outside the region (talks abroad: "
                f"{plain(', '.join(sorted(set(points.loc[~near, 'country'].dropna()))))}) are "
                "listed below, not drawn."
            )
            points = points[near].reset_index(drop=True)
        selected = st.session_state.get("event")
        basemap = os.environ.get(charts.BASEMAP_ENV, "").strip()
        if basemap:
            deck = charts.incident_deck(points, mapdata.view(points), basemap)
            event = st.pydeck_chart(
                deck, on_select="rerun", selection_mode="single-object", key=key
            )
            picked = (
                (event or {}).get("selection", {}).get("objects", {}).get("events")
                if event
                else None
            )
            st.caption(f"Base map from {plain(basemap)} (set by {charts.BASEMAP_ENV}).")
        else:
            chart = charts.incident_map(points, mapdata.view(points), selected=selected)
            event = st.altair_chart(chart, width="stretch", on_select="rerun", key=key)
            picked = (event or {}).get("selection", {}).get(charts.MAP_SELECTION) if event else None
        chosen = table_choice(
            {"selection": {"rows": [p.get("event_id") for p in picked or []]}}, None, key
        )
        if chosen:
            select_event(chosen)
            st.rerun()
    if total > located:
        st.caption(
            f"{total - located:,} matching event(s) have no coordinates and are listed only."
        )


def event_list(filters: Filters, total: int, *, key: str) -> None:
    """The list beside the map: sortable, paged, all rows downloadable; a row opens the event."""
    pages = max(1, -(-total // LIST_PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key=f"{key}_page"))
    rows = q("events_matching", filters, LIST_PAGE_SIZE, (page - 1) * LIST_PAGE_SIZE)
    selected = st.session_state.get("event")
    for r in rows:
        r["selected"] = r["event_id"] == selected
        r["place"] = ", ".join(
            p for p in (r["location"], r["admin2"], r["admin1"], r["country"]) if p
        )
        r["actors"] = " / ".join(p for p in (r["actor1"], r["actor2"]) if p)
        r["source"] = (r["source_urls"] or "").split(" | ")[0] or None
    chosen = pick_from_table(
        rows,
        {
            "selected": st.column_config.CheckboxColumn("Shown below", width="small"),
            "date_start": st.column_config.TextColumn("Date"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "place": "Place",
            "event_type": "Type",
            "actors": "Actors",
            **EVENT_FIGURE_COLUMNS,
            "source": st.column_config.LinkColumn("First source"),
        },
        key=key,
    )
    st.caption(
        f"Showing {len(rows):,} of {total:,} matching events"
        + (f" (page {page} of {pages:,}, {LIST_PAGE_SIZE} a page)" if pages > 1 else "")
        + ". Click a column header to sort; the downloads hold every matching event."
    )
    if chosen:
        select_event(chosen)
        st.rerun()
    downloads("events", "events", lambda db: exports.events(db, filters), filters, key=key,
              n_rows=download_count(filters))  # fmt: skip


def event_detail(event_id: str) -> None:
    """The selected event: what, where (with precision in words), claims in short, sources,
    related events, and the way to its competing narratives."""
    from . import narratives

    event = q("event_by_id", event_id)
    claims = q("claims_for", event_id)
    with st.container(border=True, key="event_detail"):
        st.subheader(plain(short(event["title"])))
        place = ", ".join(
            short(p)
            for p in (event["location"], event["admin2"], event["admin1"], event["country"])
            if p
        )
        precision = vocab.GEO_PRECISIONS.get(event["geo_precision"] or "", "no coordinates")
        st.caption(
            f"{plain(event['date_start'])} – {plain(event['date_end'])} · {plain(place)} · "
            f"location: {plain(precision)} · {plain(event['event_type'])} / {plain(event['sub_event_type'])}"
        )
        for line in place_notes(event):
            st.caption(plain(line))
        for note in q("quality_notes_for", event_id):
            st.warning(
                f"Data quality — {plain(vocab.QUALITY_NOTE_KINDS.get(note['kind'], note['kind']))}: "
                f"{plain(short(note['detail'], 400))}",
                icon="⚠️",
            )
        estimate = fatality_range(
            event["fatalities_low"], event["fatalities_best"], event["fatalities_high"]
        )
        st.markdown(
            f"**Killed (low – best – high):** {plain(estimate)} · **claims:** {len(claims)} from "
            f"{event['n_parties']} part{'y' if event['n_parties'] == 1 else 'ies'} · "
            f"**grading:** {plain(event['grading'] or 'not graded')}"
        )
        for claim in claims:
            st.markdown(
                f"- **{plain(claim['party_label'])}** — {plain(short(claim['claimant']))}: {plain(_figures(claim))}"
            )
        sources = q("event_sources", event_id)
        if sources:
            st.markdown("**Sources:** " + " · ".join(
                link(f"{short(s['publisher'])}{', ' + s['published'] if s['published'] else ''}", s["url"])
                for s in sources
            ))  # fmt: skip
        for link_row in q("linked_events", event_id):
            st.caption(
                plain(f"{narratives.link_phrase(link_row['direction'], link_row['kind'])}: "
                      f"{link_row['date_start']} · {short(link_row['title'])}")
            )  # fmt: skip
        if st.button("Open competing narratives", key="open_narratives", type="primary"):
            st.switch_page(NARRATIVES_PAGE)


def place_notes(event: dict[str, Any]) -> list[str]:
    """What the place line leaves out: further provinces, the source's own spelling, and where
    reports disagree on the date or place."""
    lines = []
    if event.get("further_places"):
        lines.append(f"Also in: {event['further_places'].replace(' | ', '; ')} (counted once)")
    published = [
        v for k, v in (("admin1", event.get("admin1_as_published")),
                       ("admin2", event.get("admin2_as_published")))
        if v and v != event.get(k)
    ]  # fmt: skip
    if published:
        lines.append("As the source spells it: " + ", ".join(published))
    extra = json.loads(event["extra"]) if event.get("extra") else {}
    for key, label in (("date_note", "Date"), ("place_note", "Place")):
        if extra.get(key):
            lines.append(f"{label}: {extra[key]}")
    return lines


def url_choice(
    key: str, label: str, options: dict[str, str], default: str, *, widget: str = "segmented"
) -> str:
    """A page setting kept in the URL (``?key=value``); an unknown value is noted and dropped."""
    from .sidebar import PARAMS

    params: dict[str, str] = st.session_state.setdefault(PARAMS, {})
    value = params.get(key, default)
    if value not in options:
        shown = value if len(value) <= 40 else value[:40] + "…"
        st.warning(
            f"URL parameter '{key}': unknown value {plain(repr(shown))}; showing {options[default]!r}."
        )
        value = default
        params.pop(key, None)
    widget_key = f"p_{key}"
    st.session_state[widget_key] = value

    def changed() -> None:
        chosen = st.session_state[widget_key] or default
        if chosen == default:
            params.pop(key, None)
        else:
            params[key] = chosen

    if widget == "segmented":
        st.segmented_control(
            label, list(options), format_func=options.__getitem__, key=widget_key, on_change=changed
        )
    else:
        st.selectbox(
            label, list(options), format_func=options.__getitem__, key=widget_key, on_change=changed
        )
    return st.session_state[widget_key] or default


def tracker_table(rows: Sequence[dict[str, Any]], *, key: str) -> None:
    _table(
        rows,
        {
            "tracker": "Tracker",
            "region": "Region",
            "period_start": st.column_config.TextColumn("From"),
            "period_end": st.column_config.TextColumn("To"),
            "metric": "Metric",
            "qualifier": "Qualifier",
            "value": st.column_config.NumberColumn("Published", format="%d"),
            "store_events": st.column_config.NumberColumn("Store: events"),
            "store_killed": st.column_config.NumberColumn("Store: killed (best)"),
            "explained": st.column_config.TextColumn("Store explains", width="medium"),
            "definition": st.column_config.TextColumn("What it counts", width="large"),
            "why": st.column_config.TextColumn("Why they differ", width="large"),
            "period_note": "Period note",
            "note": "Note",
            "publisher": "Reported by",
            "url": st.column_config.LinkColumn("Source"),
        },
        key=key,
    )


def duplicates_table(rows: Sequence[dict[str, Any]], *, key: str) -> None:
    _table(
        rows,
        {
            "date_start": st.column_config.TextColumn("Date"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "origin": "Origin",
            "other_date_start": st.column_config.TextColumn("Other date"),
            "other_title": st.column_config.TextColumn("Other event", width="large"),
            "other_origin": "Other origin",
            "km": st.column_config.NumberColumn("km apart", format="%.1f"),
            "killed": st.column_config.NumberColumn("Killed"),
            "other_killed": st.column_config.NumberColumn("Other killed"),
        },
        key=key,
    )
