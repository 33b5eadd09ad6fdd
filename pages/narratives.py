from dash import ui

filters = ui.page_header(
    "Competing narratives",
    "What each party says happened, side by side, with its figures and its source.",
)

event_id = ui.pick_event(filters)
if event_id:
    ui.narrative(event_id)
