"""The overview page."""

from __future__ import annotations

import streamlit as st

from ... import exports
from ...text import fatality_range
from .. import data, downloads, layout, tables

LATEST = 10  # events the overview lists


def render() -> None:
    filters = layout.page_header(
        "Overview",
        "Political violence on the Pakistan–Afghanistan border: how much, where, and who says what.",
    )
    reader = data.read()

    layout.coverage_note()
    h = reader.headline(filters)
    c1, c2, c3 = st.columns([2, 3, 2])  # the killed range needs the room
    c1.metric("Events", f"{h['events']:,}")
    c2.metric(
        "Killed (low – figure – high)",
        fatality_range(h["fatalities_low"], h["killed"], h["fatalities_high"], compact=True),
        help=f"Exactly {fatality_range(h['fatalities_low'], h['killed'], h['fatalities_high'])}. "
        "Sums over the matching events. Low and high are the lowest and highest tolls claimed; "
        "the figure is each event's best estimate (ours for a curated event, its dataset's for "
        "an imported one), or the low end of its range where it has none.",
    )
    c3.metric("Parties with claims", h["parties"])
    if h["events"]:
        st.caption(f"Matching events run from {h['first_date']} to {h['last_date']}.")

    if not h["events"]:
        st.info("No events match the current filter. Widen it or press 'Reset filters'.")
    else:
        st.subheader("Latest events")
        tables.events_table(reader.events(filters, LATEST, 0), key="latest")
        if h["events"] > LATEST:
            st.caption(
                f"The {LATEST} most recent of {h['events']:,}; the downloads hold all of them."
            )
        downloads.downloads("events", "events", lambda db: exports.events(db, filters), filters,
                     key="latest", n_rows=downloads.download_count(filters))  # fmt: skip

        st.subheader("Most contested events")
        st.caption(
            "Ranked by divergence: the highest claimed death toll divided by the lowest, plus one "
            "for each additional framing of who was hit (civilians, militants, security forces). "
            "Only violent events with claims from two or more parties are ranked (talks, statements "
            "and a campaign's running totals are not)."
        )
        contested = reader.most_contested(filters, 10)
        if contested:
            tables.contested_table(contested, key="contested", open_comparison=True)
            st.caption("Select a row to open that event's competing narratives.")
            downloads.downloads("most-contested", "most-contested", lambda db: exports.contested(db, filters),
                         filters, key="contested", n_rows=downloads.contested_count(filters))  # fmt: skip
        else:
            st.info(tables.NONE_CONTESTED)

    st.subheader("What this is")
    st.markdown(
        "Each event keeps every party's account separately, with its source: Pakistani officials, "
        "the Afghan Taliban authorities, militant groups, local residents, media, UN bodies and "
        "analysts. Fatalities are always a range; in a table, a dash (–) is a value nobody "
        "recorded, never a zero. Filters in the sidebar apply to every page "
        "(the less used ones, such as actor, minimum killed and cross-border, under *More "
        "filters*, which counts those set) and are kept in the page's address: copy it (or use *Link to this view*) to share exactly "
        "what you see. See **Data and sources** for every document and what each CSV column means."
    )
