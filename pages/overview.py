from dash.web.views.overview import render

render()
