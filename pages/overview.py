import streamlit as st

from dash import ui

filters = ui.page_header(
    "Overview",
    "Political violence on the Pakistan–Afghanistan border: how much, where, and who says what.",
)

h = ui.q("headline", filters)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Events", f"{h['events']:,}")
c2.metric(
    "Killed (low – best – high)",
    ui.fatality_range(h["fatalities_low"], h["fatalities_best"], h["fatalities_high"]),
    help="Sums over the matching events. Low and high are the lowest and highest tolls claimed; "
    "best is the curated estimate (empty where no source supports one).",
)
c3.metric("Parties with claims", h["parties"])
c4.metric(
    "Months covered",
    f"{(h['first_date'] or '–')[:7]} → {(h['last_date'] or '–')[:7]}",
    help=f"From {h['first_date'] or '–'} to {h['last_date'] or '–'}",
)

if not h["events"]:
    st.info("No events match the current filter.")
else:
    st.subheader("Latest events")
    ui.events_table(ui.q("events_matching", filters, 10, 0), key="latest")
    st.subheader("Most contested events")
    st.caption(
        "Ranked by divergence: the highest claimed death toll divided by the lowest, plus one "
        "for each additional framing of who was hit (civilians, militants, security forces)."
    )
    ui.contested_table(ui.q("most_contested", filters, 10), key="contested")

st.subheader("What this is")
st.markdown(
    "Each event keeps every party's account separately, with its source: Pakistani officials, "
    "the Afghan Taliban authorities, militant groups, local residents, media, UN bodies and "
    "analysts. Fatalities are always a range. See **Data and sources** for every document."
)
