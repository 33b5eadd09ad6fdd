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
    with left:
        st.altair_chart(charts.monthly_events(monthly), width="stretch")
    with right:
        st.altair_chart(charts.monthly_fatalities(monthly), width="stretch")
    ui.downloads("events-per-month", "events-per-month", lambda: monthly, len(monthly), filters,
                 key="monthly")  # fmt: skip
    for column, label in (("event_type", "Event type"), ("admin1", "Province")):
        breakdown = ui.q("counts_by", filters, column)
        st.altair_chart(charts.bars_by(breakdown, label), width="stretch")
        ui.downloads(f"events-by-{column}", "breakdown", lambda b=breakdown: b, len(breakdown),
                     filters, key=f"by_{column}")  # fmt: skip

st.subheader("Trackers' published figures")
st.caption(
    "Each tracker counts something different (see 'What it counts'); the figures are shown side "
    "by side, never added up."
)
trackers = ui.q("tracker_statistics")
if trackers:
    ui.statistics_table(trackers, key="trackers")
    ui.downloads("tracker-figures", "tracker-figures", lambda: trackers, len(trackers), filters,
                 key="trackers")  # fmt: skip
else:
    st.info("No tracker figures in this database.")
