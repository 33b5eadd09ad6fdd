"""Conflict-events dashboard: the store, queries, charts and imports behind the Streamlit app."""

__version__ = "0.1.0"
