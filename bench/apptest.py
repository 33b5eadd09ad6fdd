"""One page rendered headlessly (AppTest) in this fresh process: the first render, then repeats.

    EVENTS_DB=… python -m bench.apptest statistics 5

Prints one JSON line: {"page": …, "first": seconds, "repeat": [seconds, …]}. The first render
pays for loading (the in-memory columns, the sidebar's facets); repeats show the cached page.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"


def main(page: str, repeat: int) -> dict[str, object]:
    at = AppTest.from_file(str(APP), default_timeout=1800)
    # A fresh session lands on the overview; other pages are one switch away. "first" is both
    # runs: what a user waits for on opening the app and going to the page.
    start = time.perf_counter()
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    first = time.perf_counter() - start
    repeats = []
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        repeats.append(time.perf_counter() - start)
    if at.exception:
        raise SystemExit(f"{page}: {at.exception[0].value}")
    if at.error:  # the store's error screen renders fast and measures nothing
        raise SystemExit(f"{page}: the page shows an error: {at.error[0].value}")
    return {"page": page, "first": first, "repeat": repeats}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
