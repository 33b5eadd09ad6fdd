import streamlit as st

from dash import ui

filters = ui.page_header(
    "Incident map",
    "Where each incident happened and how precisely we know it. Filled circles are exact "
    "places; hollow squares, diamonds and triangles stand for district, province and country "
    "centroids. Click a mark or a row to open the event.",
)

total = ui.q("count_events", filters)
if not total:
    st.info("No events match the current filter. Widen it or press 'Reset filters'.")
    st.stop()

ui.incident_map(filters, total, key="incident_map")

st.subheader("Matching events")
ui.event_list(filters, total, key="map_list")

event_id = st.session_state.get("event")
if event_id and ui.q("event_by_id", event_id):
    ui.event_detail(event_id)
