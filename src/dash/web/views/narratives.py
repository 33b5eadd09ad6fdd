"""The competing-narratives page: pick an event, then each party's account side by side."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ... import charts, credibility, exports, narratives, stats, vocab
from ...filters import Filters
from ...text import NAME_CHARS, fatality_range, link, place_name, plain, short
from .. import data, display, downloads, layout, state, tables

PARTY_COLUMNS_PER_ROW = 3
CONTESTED_SHOWN = 50


def pick_event(filters: Filters) -> str | None:
    """The event chosen in the picker, by ``?event=`` or on another page; notes an unknown id."""
    reader = data.read()
    choices = reader.event_choices(filters, data.PICKER_LIMIT)
    wanted = state.event()
    if wanted is not None and reader.event(wanted) is None:
        shown = wanted if len(wanted) <= 80 else wanted[:80] + "…"
        st.warning(f"URL parameter 'event': no event with id {plain(repr(shown))}.")
        state.select_event(None)
        wanted = None
    if not choices:
        st.info("No events match the current filter.")
        return None
    ids = [c["event_id"] for c in choices]
    labels = {c["event_id"]: f"{c['date_start']} · {c['title']}" for c in choices}
    if wanted is not None and wanted not in labels:
        # A real event outside the filter stays pickable: the link must show what it names.
        event = reader.event(wanted)
        ids.insert(0, wanted)
        labels[wanted] = f"{event['date_start']} · {event['title']} (outside the current filter)"
    if len(choices) == data.PICKER_LIMIT:
        total = reader.count(filters)
        if total > data.PICKER_LIMIT:
            st.caption(
                f"The picker lists the {data.PICKER_LIMIT:,} most recent of {total:,} matching events: "
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
        on_change=lambda: state.select_event(st.session_state["event_picker"]),
    )
    if chosen != wanted:
        state.select_event(chosen)
    return chosen


def figures(claim: dict[str, Any]) -> str:
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
        st.markdown(f"**Figures:** {plain(figures(claim))}")
        hit = vocab.VICTIM_SHORT.get(claim["victims"] or "", claim["victims"] or "–")
        said = vocab.RESPONSIBILITY_SHORT.get(claim["responsibility"] or "", "–")
        st.caption(f"Who was hit: {plain(hit)} · responsibility: {plain(said)}")
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


def narrative(event_id: str) -> None:
    """The comparison for one event: summary, party columns, timeline, related events."""
    reader = data.read()

    event = reader.event(event_id)
    claims = reader.claims(event_id)
    summary = narratives.summarise(event, claims)
    # Our own static stylesheet (no text from the store): hides controls when printing.
    st.html(layout.PRINT_CSS)

    st.header(plain(short(event["title"])))
    parts = (event["location"], event["admin2"], event["admin1"], event["country"])
    place = plain(place_name(*parts, limit=NAME_CHARS))
    st.caption(
        f"{plain(event['date_start'])} – {plain(event['date_end'])} "
        f"({plain(event['date_precision'])}) · {place} · "
        f"{plain(event['event_type'])} / {plain(event['sub_event_type'])} · id {plain(event_id)}"
    )
    estimate = fatality_range(
        event["fatalities_low"], event["fatalities_best"], event["fatalities_high"]
    )
    grading = event["grading"]
    # An imported event's estimate is its dataset's, not ours.
    whose = stats.SHORT_ESTIMATE_BY_ORIGIN.get(event["origin"], event["origin"])
    # First what an analyst compares: the spread, the estimate, every claim in one table.
    with st.container(border=True):
        st.markdown(
            f"**Claimed — {plain(summary.headline)}** · **{plain(whose)} estimate (low – best – "
            f"high):** {plain(estimate)} · **grading:** {plain(grading or 'not graded')}"
        )
        if summary.tolls:
            st.markdown(plain("By party: " + "; ".join(summary.tolls)))
    if not claims:
        st.info("No claims recorded for this event yet.")
    else:
        if not summary.is_contested:
            st.info("Only one party's account is recorded: there is no competing account yet.")
        st.markdown("**Every claim, side by side** — sort by any column")
        tables.comparison_table(narratives.comparison_rows(claims), key="claims_compared")

    # Then the event in words, where the accounts conflict, and what is not known.
    if event["summary"]:
        st.markdown(plain(event["summary"]))
    with st.container(border=True):
        if summary.breakdowns:
            st.markdown(plain("; ".join(summary.breakdowns)))
        for line in summary.conflicts:
            st.markdown(f"- {plain(line)}")
        if event["fatalities_basis"]:
            st.caption(f"The estimate: {plain(event['fatalities_basis'])}")
        if grading:
            st.markdown(f"**Grading: {plain(grading)}** — {plain(vocab.GRADINGS[grading])}.")
            if event["grading_basis"]:
                st.caption(f"Why: {plain(event['grading_basis'])}")
        if summary.unknowns:
            st.markdown("**What is not known**")
            for line in summary.unknowns:
                st.markdown(f"- {plain(line)}")
    if not claims:
        return

    by_party: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        by_party.setdefault(claim["party"], []).append(claim)
    # Each party's accounts in full, folded: the table above is the comparison.
    groups = list(by_party.items())
    for start in range(0, len(groups), PARTY_COLUMNS_PER_ROW):
        row = groups[start : start + PARTY_COLUMNS_PER_ROW]
        columns = st.columns(PARTY_COLUMNS_PER_ROW if len(groups) > 1 else 1)
        for column, (party, party_claims) in zip(columns, row, strict=False):
            with column:
                label = vocab.PARTY_LABELS.get(party, party)
                n = len(party_claims)
                # Drawn once opened (a dozen elements a claim, out of sight until then).
                if box := display.unfolded(
                    plain(f"{label}: {n} account{'s' if n != 1 else ''}"), key=f"accounts_{party}"
                ):
                    with box:
                        for claim in party_claims:
                            claim_card(claim)

    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", event_id).strip("-")
    downloads.downloads("claims", "claims", lambda db: exports.event_claims(db, event_id),
              state.filters(), key="event_claims", file_stem=f"claims_{slug}")  # fmt: skip
    st.caption("To print or save as PDF, use the browser's print: controls are hidden in print.")

    dated = [c for c in claims if c["claimed_start"]]
    if dated:
        display.altair_chart(charts.claims_timeline(dated), width="stretch")
    undated = [c for c in claims if not c["claimed_start"]]
    if undated:
        st.caption(
            "Not on the timeline (date of the claim unknown): "
            + plain("; ".join(f"{c['claimant']} ({c['party_label']})" for c in undated))
        )

    related = reader.linked_events(event_id)
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
            on_click=state.select_event,
            args=(link_row["event_id"],),
            help=plain(link_row["basis"]),
        )


def render() -> None:
    filters = layout.page_header(
        "Competing narratives",
        "What each party says happened, side by side, with its figures and its source: one "
        "sortable table of every claim, then each party's accounts in full. Pick an event below "
        "(the sidebar's text, date and place filters narrow the list), or select one from the "
        "most contested.",
    )
    ranked = data.read().most_contested(filters, -1)
    contested = ranked[:CONTESTED_SHOWN]
    label = f"Most contested events in the current filter ({len(ranked)}" + (
        f"; the {CONTESTED_SHOWN} highest shown)" if len(ranked) > CONTESTED_SHOWN else ")"
    )
    if box := display.unfolded(label, key="contested_list"):
        with box:
            st.caption(
                "Divergence = highest claimed death toll ÷ lowest (1 when either is missing) + "
                "one for each additional framing of who was hit. Select a row to compare its "
                "accounts."
            )
            if contested:
                tables.contested_table(contested, key="contested_pick", open_comparison=False)
            else:
                st.info(tables.NONE_CONTESTED)
    event_id = pick_event(filters)
    if event_id:
        narrative(event_id)
