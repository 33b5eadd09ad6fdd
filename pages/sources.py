from dash.web.views.sources import render

render()
