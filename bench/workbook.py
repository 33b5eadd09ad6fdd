"""Excel workbooks: importing a generated SYNTHETIC ACLED export saved as .xlsx, beside the same
rows as CSV, interleaved in one run.

    .venv/bin/python -m bench.workbook --rows 100000 --repeat 3

Prints the median of each: reading the sheet as text (calamine), importing the workbook, and
importing the CSV (the baseline), each into a fresh copy of the shipped store.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dash import store
from dash.imports import workbook
from dash.imports.importer import import_file

from .generate import generate


def write_workbook(source: Path, out: Path) -> Path:
    """The CSV's rows as one sheet, typed as a spreadsheet holds them: dates as dates, whole
    numbers and decimals as numbers, the rest as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    with source.open(newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        sheet.append(header)
        dates = {header.index("event_date")}
        for row in rows:
            sheet.append([_typed(v, i in dates) for i, v in enumerate(row)])
    book.save(out)
    return out


def _typed(value: str, is_date: bool) -> object:
    if not value:
        return None
    if is_date:
        return dt.datetime.fromisoformat(value)
    try:
        return int(value) if value.lstrip("-").isdigit() else float(value)
    except ValueError:
        return value


def _import(source: Path, folder: Path) -> float:
    target = folder / "events.db"
    target.unlink(missing_ok=True)
    shutil.copy(store.DEFAULT_DB, target)
    db = store.open_writable(target)
    start = time.perf_counter()
    import_file(db, source, "acled")
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m bench.workbook", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        folder = Path(tmp)
        source = generate(folder / "acled.csv", args.rows)
        started = time.perf_counter()
        book = write_workbook(source, folder / "acled.xlsx")
        print(f"{args.rows:,} SYNTHETIC rows: CSV {source.stat().st_size / 1e6:,.1f} MB, workbook "
              f"{book.stat().st_size / 1e6:,.1f} MB (written in {time.perf_counter() - started:.1f} s)",
              flush=True)  # fmt: skip
        read, as_csv, as_xlsx = [], [], []
        for _ in range(args.repeat):  # interleaved: the machine's state is shared by both
            start = time.perf_counter()
            workbook.sheet_as_csv(book, None, folder / "sheet.csv")
            read.append(time.perf_counter() - start)
            as_csv.append(_import(source, folder))
            as_xlsx.append(_import(book, folder))
    medians = {
        "read the sheet as text": statistics.median(read),
        "import the workbook": statistics.median(as_xlsx),
        "import the same rows as CSV (baseline)": statistics.median(as_csv),
    }
    for name, seconds in medians.items():
        print(f"  {name}: {seconds:,.2f} s")
    print(f"  workbook / CSV: {medians['import the workbook'] / medians[list(medians)[2]]:.2f}x; "
          f"peak memory of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")  # fmt: skip
    return medians


if __name__ == "__main__":
    main()
