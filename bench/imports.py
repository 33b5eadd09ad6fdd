"""Import throughput: N generated SYNTHETIC ACLED rows through the real importer.

.venv/bin/python -m bench.imports [N]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from dash import store
from dash.imports.adapters import ACLED_COLUMNS
from dash.imports.importer import import_file
from dash.vocab import EVENT_TYPOLOGY

HEADER = list(ACLED_COLUMNS)


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pairs = [(t, s) for t, subs in EVENT_TYPOLOGY.items() for s in subs]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(n):
            etype, sub = rng.choice(pairs)
            country = rng.choice(["Pakistan", "Afghanistan"])
            writer.writerow(
                {
                    "event_id_cnty": f"SYN{i}", "event_date": f"{rng.randint(2017, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "time_precision": rng.choice("1112"), "event_type": etype, "sub_event_type": sub,
                    "actor1": "SYNTHETIC actor", "country": country, "admin1": f"SYNTHETIC province {rng.randint(1, 8)}",
                    "location": f"SYNTHETIC place {rng.randint(1, 500)}", "latitude": f"{rng.uniform(24, 38):.4f}",
                    "longitude": f"{rng.uniform(61, 77):.4f}", "geo_precision": rng.choice("1123"),
                    "source": "SYNTHETIC source", "notes": "SYNTHETIC", "fatalities": str(int(rng.expovariate(0.4))),
                }.get(h, "")
                for h in HEADER
            )  # fmt: skip


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acled.csv"
        generate(path, n)
        db_path = Path(tmp) / "events.db"
        db = store.open_writable(db_path, create=True)
        start = time.perf_counter()
        report = import_file(db, path, "acled")
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = import_file(db, path, "acled")
        second = time.perf_counter() - start
        db.close()
        size = path.stat().st_size / 1e6
    print(
        f"import {n:,} SYNTHETIC ACLED rows ({size:.0f} MB): {first:.1f} s ({n / first:,.0f} rows/s); {report.inserted:,} new"
    )
    print(
        f"re-import of the same file: {second:.1f} s ({n / second:,.0f} rows/s); {again.unchanged:,} unchanged"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
