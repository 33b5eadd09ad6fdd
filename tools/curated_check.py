"""Check the curated files without building: ``python tools/curated_check.py [WORD ...]``.

Prints every problem ``conflict-events build`` would refuse on; with words, only the problems
whose text holds one of them (a file name, an event id), so several people can work on separate
events at once. Exits 1 when a problem is printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dash.imports.curated import CuratedError, load_curated

CURATED = Path(__file__).resolve().parent.parent / "data" / "curated"


def main(words: list[str]) -> int:
    try:
        ds = load_curated(CURATED)
    except CuratedError as exc:
        shown = [p for p in exc.problems if not words or any(w in p for w in words)]
        for problem in shown:
            print(problem)
        print(f"{len(shown)} problem(s) shown of {len(exc.problems)}")
        return 1 if shown else 0
    print(f"ok: {len(ds.events)} events, {len(ds.claims)} claims, {len(ds.documents)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
