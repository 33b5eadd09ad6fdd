import streamlit as st

from dash import ui

filters = ui.page_header(
    "Competing narratives",
    "What each party says happened, side by side, with its figures and its source. Pick an "
    "event below (the sidebar's text, date and place filters narrow the list), or select one "
    "from the most contested.",
)

contested = ui.q("most_contested", filters, 50)
with st.expander(f"Most contested events in the current filter ({len(contested)})"):
    st.caption(
        "Divergence = highest claimed death toll ÷ lowest (1 when either is missing) + one for "
        "each additional framing of who was hit. Select a row to compare its accounts."
    )
    if contested:
        ui.contested_table(contested, key="contested_pick", open_comparison=False)
    else:
        st.info("No matching event has claims from two or more parties.")

event_id = ui.pick_event(filters)
if event_id:
    ui.narrative(event_id)
