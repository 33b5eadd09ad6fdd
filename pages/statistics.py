from dash.web.views.statistics import render

render()
