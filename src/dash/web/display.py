"""Charts on the page: Altair charts drawn without validating their spec on every run.

Streamlit turns an Altair chart into Vega-Lite with ``chart.to_dict()``, which checks the whole
spec against the Vega-Lite JSON schema: about 50 ms a chart, 0.2 s of each statistics page run.
The chart builders (``dash.charts``) make the same few shapes every time, and
``tests/test_charts.py`` validates each of them, so the page skips the check.
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
