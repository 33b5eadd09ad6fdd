import streamlit as st

from dash import charts, ui

filters = ui.page_header(
    "Violence statistics",
    "How much violence, where, when, by whom — fatalities always as a low–best–high range.",
)

h = ui.q("headline", filters)
c1, c2, c3 = st.columns(3)
c1.metric("Events", f"{h['events']:,}")
c2.metric(
    "Killed (low – best – high)",
    ui.fatality_range(h["fatalities_low"], h["fatalities_best"], h["fatalities_high"]),
)
c3.metric("Injured", "unknown" if h["injured"] is None else f"{h['injured']:,}")

if not h["events"]:
    st.info("No events match the current filter: nothing to chart.")
else:
    monthly = ui.q("fatalities_by_month", filters)
    left, right = st.columns(2)
    left.altair_chart(charts.monthly_events(monthly), width="stretch")
    right.altair_chart(charts.monthly_fatalities(monthly), width="stretch")
    left, right = st.columns(2)
    left.altair_chart(
        charts.bars_by(ui.q("counts_by", filters, "event_type"), "Event type"), width="stretch"
    )
    right.altair_chart(
        charts.bars_by(ui.q("counts_by", filters, "admin1"), "Province"), width="stretch"
    )

st.subheader("Trackers' published figures")
st.caption(
    "Each tracker counts something different (see 'definition'); the figures are shown side by "
    "side, never added up."
)
ui.statistics_table(ui.q("tracker_statistics"), key="trackers")
