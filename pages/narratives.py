from dash.web.views.narratives import render

render()
