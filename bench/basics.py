"""Small benchmarks for the foundation: build, check, CSV writer, page renders.

    .venv/bin/python -m bench.basics

Prints medians of several runs. Synthetic rows are generated here, marked SYNTHETIC, and
written only to a temporary folder.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from dash import csvout, queries, store
from dash.filters import Filters
from dash.imports import build_database

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_rows(n: int):
    for i in range(n):
        yield {
            "event_id": f"synthetic:{i}",
            "title": f"SYNTHETIC event {i} — د پکتیکا ولایت",
            "date_start": "2024-01-01",
            "date_end": "2024-01-02",
            "country": "Pakistan",
            "admin1": "-SYNTHETIC" if i % 10 == 0 else "Khyber Pakhtunkhwa",
            "fatalities_low": i % 7,
            "fatalities_best": i % 9,
            "fatalities_high": i % 11,
            "latitude": 33.5,
            "longitude": 70.1,
            "source_urls": "https://example.org/synthetic",
        }


def map_density(n: int) -> list[tuple[str, str]]:
    """Grid aggregation and point preparation on n SYNTHETIC located events."""
    import random

    from dash import mapdata

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_writable(Path(tmp) / "map.db", create=True)
        precisions = ["exact", "near", "district", "province", "country"]
        db["events"].insert_all(
            (
                {
                    "id": f"acled:SYN{i}",
                    "origin": "acled",
                    "origin_id": f"SYN{i}",
                    "title": f"SYNTHETIC event {i}",
                    "date_start": "2024-01-01",
                    "date_end": "2024-01-01",
                    "date_precision": "day",
                    "latitude": rng.uniform(24, 38),
                    "longitude": rng.uniform(61, 77),
                    "geo_precision": rng.choice(precisions),
                    "event_type": "Battles",
                    "sub_event_type": "Armed clash",
                    "fatalities_best": int(rng.expovariate(0.3)),
                }
                for i in range(n)
            ),
            batch_size=5000,
        )
        located = queries.count_located(db, Filters())
        grid = timed(lambda: queries.map_grid(db, Filters(), mapdata.GRID_DEGREES))
        cells = len(queries.map_grid(db, Filters(), mapdata.GRID_DEGREES))
        rows = queries.map_points(db, Filters(), mapdata.POINT_LIMIT)
        prep = timed(lambda: mapdata.prepare_points(rows))

        def statistics_page() -> None:
            queries.lens_headline(db, Filters(), "curated")
            queries.series(db, Filters(), "month", "event_type")
            for dimension in ("province", "district", "event_type", "sub_event_type", "actor"):
                queries.breakdown(db, Filters(), dimension)
            queries.victim_categories(db, Filters())

        stats_time = timed(statistics_page, repeat=3)
        db.close()
    return [
        (
            f"statistics page queries, {n:,} SYNTHETIC events, no filter",
            f"{stats_time * 1000:.0f} ms",
        ),
        (f"map: grid of {located:,} SYNTHETIC events ({cells} cells)", f"{grid * 1000:.0f} ms"),
        (f"map: prepare {len(rows):,} points (the limit)", f"{prep * 1000:.1f} ms"),
    ]


def main() -> None:
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "events.db"
        t = timed(lambda: build_database(ROOT / "data" / "curated", target), repeat=3)
        results.append(("build curated dataset (11 events, 72 claims)", f"{t * 1000:.0f} ms"))
        t = timed(lambda: store.check(target))
        results.append(("check shipped-size database", f"{t * 1000:.1f} ms"))
        db = store.open_readonly(target)
        t = timed(lambda: queries.headline(db, Filters(text="Barmal")))
        results.append(("headline query with free text", f"{t * 1000:.2f} ms"))

    results.extend(map_density(100_000))

    n = 100_000
    tracemalloc.start()
    t = timed(lambda: csvout.write_csv(synthetic_rows(n), csvout.EVENT_COLUMNS, io.StringIO()), 3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results.append((f"CSV writer, {n:,} SYNTHETIC event rows", f"{t:.2f} s ({n / t:,.0f} rows/s)"))
    results.append(
        ("CSV writer peak traced memory (output kept in memory)", f"{peak / 1e6:.1f} MB")
    )

    from streamlit.testing.v1 import AppTest

    os.environ["EVENTS_DB"] = str(ROOT / "data" / "events.db")
    for page in ("pages/statistics.py", "pages/map.py", "pages/narratives.py", "pages/sources.py"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        at.switch_page(page)
        first = timed(lambda at=at: at.run(), repeat=1)
        repeat = timed(lambda at=at: at.run(), repeat=5)
        results.append(
            (
                f"AppTest render {page}",
                f"first {first * 1000:.0f} ms, cached {repeat * 1000:.0f} ms",
            )
        )

    width = max(len(name) for name, _ in results)
    for name, value in results:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
