import streamlit as st

from dash import charts, ui

filters = ui.page_header(
    "Incident map",
    "Where each incident happened and how precisely we know it. Circles are exact places; "
    "squares, diamonds and triangles stand for district, province and country centroids.",
)

points = ui.q("map_points", filters)
total = ui.q("count_events", filters)
if not total:
    st.info("No events match the current filter.")
elif not points:
    st.info("None of the matching events has coordinates.")
else:
    st.altair_chart(charts.incident_points(points), width="stretch")
if total > len(points) and points:
    st.caption(f"{total - len(points)} matching event(s) have no coordinates and are listed only.")

if total:
    st.subheader("Matching events")
    ui.events_table(ui.q("events_matching", filters, 500, 0), key="map_list")
    if total > 500:
        st.caption(f"Showing the 500 most recent of {total:,}; the downloads hold all of them.")
    ui.downloads("events", "events", "iter_events_matching", total, filters, key="map_list",
                 args=(filters,))  # fmt: skip
