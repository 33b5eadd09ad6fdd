"""The incident map page: the map (points, or grid cells above a limit), the list beside it,
and the selected event's details."""

from __future__ import annotations

import json
import os
from typing import Any

import streamlit as st

from ... import exports, mapcharts, mapdata, narratives, vocab
from ...filters import Filters
from ...text import NAME_CHARS, fatality_range, link, place_name, plain, short
from .. import data, display, downloads, layout, state, tables
from .narratives import figures

LIST_PAGE_SIZE = 200


def incident_map(
    filters: Filters, total: int, *, key: str, width: int = mapdata.MAP_WIDTH_GUESS
) -> None:
    """The map: points up to the documented limit, grid cells above it; click selects.
    ``width`` is the width the map is framed for (less when the details stand beside it)."""
    reader = data.read()

    located = reader.count_located(filters)
    if not located:
        st.info("None of the matching events has coordinates: they are listed below only.")
        return
    if mapdata.use_grid(located):
        cells = mapdata.prepare_cells(reader.map_grid(filters, mapdata.GRID_DEGREES))
        display.altair_chart(
            mapcharts.incident_grid(cells, mapdata.view(cells, width=width)), width="stretch"
        )
        st.caption(
            f"{located:,} located events are more than the {mapdata.POINT_LIMIT:,} the map draws "
            f"one by one: each circle is a {mapdata.GRID_DEGREES}° cell sized by its events. "
            "Narrow the filter to see single events."
        )
    else:
        points = mapdata.prepare_points(reader.map_points(filters, mapdata.POINT_LIMIT))
        near = mapdata.near_region(points)
        if not near.all():
            st.caption(
                f"{int((~near).sum()):,} matching event(s) far outside the region (talks abroad: "
                f"{plain(', '.join(sorted(set(points.loc[~near, 'country'].dropna()))))}) are "
                "listed below, not drawn."
            )
            points = points[near].reset_index(drop=True)
        selected = state.event()
        basemap = os.environ.get(mapcharts.BASEMAP_ENV, "").strip()
        if basemap:
            deck = mapcharts.incident_deck(points, mapdata.view(points, width=width), basemap)
            event = st.pydeck_chart(
                deck, on_select="rerun", selection_mode="single-object", key=key
            )
            picked = (
                (event or {}).get("selection", {}).get("objects", {}).get("events")
                if event
                else None
            )
            st.caption(f"Base map from {plain(basemap)} (set by {mapcharts.BASEMAP_ENV}).")
        else:
            chart = mapcharts.incident_map(
                points, mapdata.view(points, width=width), selected=selected
            )
            event = display.altair_chart(chart, width="stretch", on_select="rerun", key=key)
            picked = (
                (event or {}).get("selection", {}).get(mapcharts.MAP_SELECTION) if event else None
            )
            st.caption(
                "Mark size: its area grows with the square root of the toll (best estimate, else "
                "the low end): an event with 100 killed is ten times the area of one with 1. "
                "×N beside a mark: N events share that spot (often a district's or province's "
                "centre). The map zooms to the matching events; the bar shows the scale."
            )
        chosen = state.table_choice(
            {"selection": {"rows": [p.get("event_id") for p in picked or []]}}, None, key
        )
        if chosen:
            state.select_event(chosen)
            st.rerun()
    if total > located:
        st.caption(
            f"{total - located:,} matching event(s) have no coordinates and are listed only."
        )


def event_list(filters: Filters, total: int, *, key: str) -> None:
    """The list beside the map: sortable, paged, all rows downloadable; a row opens the event."""
    reader = data.read()
    pages = max(1, -(-total // LIST_PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key=f"{key}_page"))
    rows = reader.events(filters, LIST_PAGE_SIZE, (page - 1) * LIST_PAGE_SIZE)
    for r in rows:
        r["place"] = place_name(r["location"], r["admin2"], r["admin1"], r["country"])
        r["actors"] = " / ".join(p for p in (r["actor1"], r["actor2"]) if p)
        r["source"] = (r["source_urls"] or "").split(" | ")[0] or None
    chosen = tables.pick_from_table(
        rows,
        {
            "date_start": st.column_config.TextColumn("Date"),
            "title": st.column_config.TextColumn("Event", width="large"),
            "place": st.column_config.TextColumn("Place", width="large"),
            "event_type": "Type",
            "actors": "Actors",
            **tables.EVENT_FIGURE_COLUMNS,
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
        state.select_event(chosen)
        st.rerun()
    downloads.downloads("events", "events", lambda db: exports.events(db, filters), filters, key=key,
              n_rows=downloads.download_count(filters))  # fmt: skip


def event_detail(event_id: str) -> None:
    """The selected event: what, where (with precision in words), claims in short, sources,
    related events, and the way to its competing narratives."""
    reader = data.read()

    event = reader.event(event_id)
    claims = reader.claims(event_id)
    # As tall as the map, scrolling inside: the list below stays in reach.
    with st.container(border=True, key="event_detail", height=mapdata.MAP_HEIGHT + 120):
        st.subheader(plain(short(event["title"])))
        parts = (event["location"], event["admin2"], event["admin1"], event["country"])
        place = place_name(*parts, limit=NAME_CHARS)
        precision = vocab.GEO_PRECISIONS.get(event["geo_precision"] or "", "no coordinates")
        st.caption(
            f"{plain(event['date_start'])} – {plain(event['date_end'])} · {plain(place)} · "
            f"location: {plain(precision)} · {plain(event['event_type'])} / {plain(event['sub_event_type'])}"
        )
        for line in place_notes(event):
            st.caption(plain(line))
        for note in reader.quality_notes(event_id):
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
                f"- **{plain(claim['party_label'])}** — {plain(short(claim['claimant']))}: {plain(figures(claim))}"
            )
        sources = reader.event_sources(event_id)
        if sources:
            st.markdown("**Sources:** " + " · ".join(
                link(f"{short(s['publisher'])}{', ' + s['published'] if s['published'] else ''}", s["url"])
                for s in sources
            ))  # fmt: skip
        for link_row in reader.linked_events(event_id):
            st.caption(
                plain(f"{narratives.link_phrase(link_row['direction'], link_row['kind'])}: "
                      f"{link_row['date_start']} · {short(link_row['title'])}")
            )  # fmt: skip
        if st.button("Open competing narratives", key="open_narratives", type="primary"):
            st.switch_page(state.NARRATIVES_PAGE)


def place_notes(event: dict[str, Any]) -> list[str]:
    """What the place line leaves out: further provinces, the source's own spelling, where
    reports disagree on the date or place, and whether a UCDP event is an unvetted candidate."""
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
    for key, label in (
        ("date_note", "Date"),
        ("place_note", "Place"),
        ("ucdp_status", "UCDP"),
    ):
        if extra.get(key):
            lines.append(f"{label}: {extra[key]}")
    return lines


def render() -> None:
    filters = layout.page_header(
        "Incident map",
        "Where each incident happened and how precisely we know it. Filled circles are exact "
        "places; hollow squares, diamonds and triangles stand for district, province and country "
        "centroids. Click a mark or a row to open the event.",
    )
    reader = data.read()
    total = reader.count(filters)
    if not total:
        st.info("No events match the current filter. Widen it or press 'Reset filters'.")
        st.stop()
    event_id = state.event()
    if event_id and reader.event(event_id):
        # The selected event's details beside the map (under it on a phone).
        map_column, detail_column = st.columns([3, 2], gap="medium")
        with map_column:
            incident_map(filters, total, key="incident_map", width=mapdata.MAP_WIDTH_GUESS * 3 // 5)
        with detail_column:
            if not reader.event_matches(filters, event_id):
                st.caption(
                    "This event is outside the current filter: it is not on the map or in the "
                    "list. Select another, or widen the filter."
                )
            event_detail(event_id)
    else:
        incident_map(filters, total, key="incident_map")
    st.subheader("Matching events")
    event_list(filters, total, key="map_list")
