import streamlit as st

from dash import charts, ui

filters = ui.page_header(
    "Incident map",
    "Where each incident happened and how precisely we know it. Circles are exact places; "
    "squares, diamonds and triangles stand for district, province and country centroids.",
)

points = ui.q("map_points", filters)
total = ui.q("count_events", filters)
if not points:
    st.info("No matching event has coordinates.")
else:
    st.altair_chart(charts.incident_points(points), width="stretch")
if total > len(points):
    st.caption(f"{total - len(points)} matching event(s) have no coordinates and are listed only.")

st.subheader("Matching events")
ui.events_table(ui.q("events_matching", filters, 500, 0), key="map_list")
