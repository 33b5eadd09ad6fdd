"""The app's tables: columns configured once, text shown as text, links only to http(s)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from .. import vocab
from ..csvcolumns import Column
from ..text import safe_url
from . import state

# What a table shows for a value nobody recorded (a figure, a date, a place): Streamlit's own
# default is the word "None", greyed, which reads as a value.
MISSING = "–"

EVENT_FIGURE_COLUMNS: dict[str, Any] = {
    "fatalities_low": st.column_config.NumberColumn("Killed (low)"),
    "fatalities_best": st.column_config.NumberColumn("Killed (best)"),
    "fatalities_high": st.column_config.NumberColumn("Killed (high)"),
    "n_claims": st.column_config.NumberColumn("Claims"),
    "geo_precision": "Location precision",
    "grading": "Grading",
}


def frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly these columns, in this order, even when there are no rows.

    Missing text shows as an empty cell rather than the word "None".
    """
    df = pd.DataFrame(list(rows), columns=list(columns))
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == "object"]
    df[text] = df[text].fillna("")
    return df


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


def grid(df: pd.DataFrame, *, where: Any = st, **options: Any) -> Any:
    """A table as every page draws it (in ``where``, a container or ``st``): no index, the
    page's width, a dash for a value nobody recorded."""
    return where.dataframe(df, hide_index=True, width="stretch", placeholder=MISSING, **options)


def _table(rows: Sequence[dict[str, Any]], columns: dict[str, Any], *, key: str) -> None:
    grid(_grid_frame(rows, columns), key=key, column_config=columns)


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
            "store_killed": st.column_config.NumberColumn("Store: killed (best, else low)"),
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


def comparison_table(rows: Sequence[dict[str, Any]], *, key: str) -> None:
    """One row per claim of an event, sortable: who says how many were killed, of whom, and
    where it was said (``narratives.comparison_rows``)."""
    _table(
        rows,
        {
            "party": "Party",
            "claimant": st.column_config.TextColumn("Claimant", width="medium"),
            "date": st.column_config.TextColumn("Said on"),
            "killed": st.column_config.TextColumn("Killed", help="The figure; sorts by size"),
            "stated": st.column_config.TextColumn("As stated", help="With its qualifier and range"),
            "hit": "Who was hit",
            "responsibility": "Responsibility",
            "credibility": st.column_config.TextColumn(
                "Credibility", help="Admiralty scale 1–6 (Data and sources → Credibility grades)"
            ),
            "source": st.column_config.TextColumn("Source", width="medium"),
            "url": st.column_config.LinkColumn("Link", display_text="open"),
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


def pick_from_table(
    rows: Sequence[dict[str, Any]], columns: dict[str, Any], *, key: str
) -> str | None:
    """A single-row-selectable table of events; returns a newly chosen event id, once."""
    event = grid(
        _grid_frame(rows, columns),
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        column_config=columns,
    )
    return state.table_choice(event, [r["event_id"] for r in rows], key)


# What the most-contested table says when nothing is ranked: only violent events are, so a
# filter matching talks or statements with several parties' claims still ranks none.
NONE_CONTESTED = (
    "No matching violent event has claims from two or more parties (talks, statements and a "
    "campaign's running totals are not ranked)."
)


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
        state.select_event(chosen)
        if open_comparison:
            st.switch_page(state.NARRATIVES_PAGE)


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
    from ..gazetteer import ARABIC_SCRIPT, gazetteer

    spellings: dict[tuple[str, str], list[str]] = {}
    for (country, _), province in gazetteer().provinces.items():
        spellings.setdefault((country, province.name), [])
    for level, spelling, canonical in gazetteer().aliases:
        if level == "province" and spelling != canonical:
            for (_country, name), found in spellings.items():
                if name == canonical and spelling not in found:
                    found.append(spelling)
    # Names in the Arabic script get a column of their own: each column then reads in one
    # direction (a cell holding only such a name is aligned right).
    native = {n: [s for s in a if ARABIC_SCRIPT.search(s)] for n, a in spellings.items()}
    return pd.DataFrame(
        [
            {
                "country": c,
                "province": n,
                "also written": ", ".join(s for s in a if s not in native[c, n]),
                "in Urdu, Pashto or Dari": "، ".join(native[c, n]),
            }
            for (c, n), a in sorted(spellings.items())
        ],
        columns=["country", "province", "also written", "in Urdu, Pashto or Dari"],
    )
