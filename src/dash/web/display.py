"""Drawing cheaply: Altair charts without re-validating their spec, and folded content that runs
only once it is opened.

Charts: Streamlit turns an Altair chart into Vega-Lite with ``chart.to_dict()``, which checks
the whole spec against the Vega-Lite JSON schema: about 50 ms a chart, 0.2 s of each statistics
page run.
The chart builders (``dash.charts``) make the same few shapes every time, and
``tests/test_charts.py`` validates each of them, so the page skips the check.

Folded content: Streamlit runs and sends everything inside a closed expander or a hidden tab, and
the browser draws it out of sight. A table there costs a first visit its grid (1.2 MB of
JavaScript) and its server-side Arrow conversion, though nobody has opened it yet. ``unfolded``
keeps the expander and runs its content only when it is open; opening it reruns the page.
"""

from __future__ import annotations

import functools
from typing import Any

import altair as alt
import streamlit as st


def altair_chart(chart: alt.TopLevelMixin, **kwargs: Any) -> Any:
    """``st.altair_chart`` for a chart from ``dash.charts`` (validated by the tests)."""
    # object.__setattr__: Altair keeps attributes set the usual way as chart properties.
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    return st.altair_chart(chart, **kwargs)


def unfolded(label: str, *, key: str, expanded: bool = False) -> Any | None:
    """An expander labelled ``label``: returns it when open (draw into it), else None.

    Opening or closing it reruns the page. It stays as the viewer left it while its label is
    unchanged (Streamlit names an expander by its label and key: a label with a count starts
    again as ``expanded`` says when the count changes)."""
    box = st.expander(label, key=key, expanded=expanded, on_change="rerun")
    return box if box.open else None
