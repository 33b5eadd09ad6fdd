import streamlit as st

from dash import statsview, ui

filters = ui.page_header(
    "Violence statistics",
    "How much violence, where, when, by whom — and according to whom. Fatalities are always a "
    "range; 'Whose figures' switches between the curated estimate and each party's claims.",
)

ui.coverage_note()
lens, interval, split, lens_label = statsview.controls(filters)
events = statsview.headline(filters, lens, lens_label)

if not events:
    st.info(
        "No events match the current filter: nothing to chart. Widen it or press 'Reset filters'."
    )
else:
    statsview.over_time(filters, interval, split, lens, lens_label)
    statsview.breakdowns(filters, lens)

statsview.trackers(filters)
