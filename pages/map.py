from dash.web.views.map import render

render()
