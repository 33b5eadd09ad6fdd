"""The one CSV writer.

Every CSV the app or the CLI produces goes through ``write_csv`` with one of the column sets of
``csvcolumns``, so the documented column order and meanings cannot drift from what is written.
"""

from __future__ import annotations

import csv
import io
import logging
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from .csvcolumns import Column
from .filters import Filters

# Characters that make a spreadsheet treat a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


@dataclass(frozen=True)
class Cells:
    """Rows already in a column set's order and ready to write: the query put formula-like text
    behind an apostrophe and flags as 0/1 (``queries.event_cells_statement``). The fast path for
    large exports, read only when written: ``rows()`` streams tuples (the CLI, the bundle);
    ``parts()`` reads them into Arrow columns a part at a time (``columnar.event_cells_parts``),
    or gives None when it cannot."""

    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Sequence[Any]]]
    parts: Callable[[], Iterable[Any] | None] = lambda: None

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self.rows())


def write_csv(
    rows: Iterable[Mapping[str, Any]] | Cells,
    columns: tuple[Column, ...],
    out: IO[str],
    *,
    excel: bool = False,
) -> int:
    """Write rows in the documented column order; return the number of data rows.

    ``excel`` adds a UTF-8 byte-order mark, without which Excel misreads Urdu, Pashto and Dari.
    """
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in columns]
    writer.writerow(names)
    if isinstance(rows, Cells):
        if rows.columns != columns:
            raise ValueError("cells for another column set")
        counted = [0]

        def counting() -> Iterator[Sequence[Any]]:
            for row in rows:
                counted[0] += 1
                yield row

        writer.writerows(counting())
        return counted[0]
    # Only text and boolean cells need work (csv writes None as an empty cell): visit just those.
    texts = [i for i, c in enumerate(columns) if c.kind == "text"]
    flags = [i for i, c in enumerate(columns) if c.kind == "bool"]
    n = 0
    pick = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    for row in rows:
        try:
            cells = list(pick(row))
        except KeyError:  # rows that leave some columns out: those cells stay empty
            cells = [row.get(name) for name in names]
        for i in texts:
            value = cells[i]
            if value is not None:
                cells[i] = neutralise(str(value))
        for i in flags:
            if cells[i] is not None:
                cells[i] = int(bool(cells[i]))
        writer.writerow(cells)
        n += 1
    return n


def csv_bytes(
    rows: Iterable[Mapping[str, Any]] | Cells, columns: tuple[Column, ...], *, excel: bool = False
) -> bytes:
    if isinstance(rows, Cells) and rows.columns == columns:
        parts = rows.parts()
        if parts is not None:
            try:
                return _arrow_csv(parts, columns, excel=excel)
            except Exception:  # noqa: BLE001 - a faster path only: write the rows one by one
                logging.getLogger(__name__).warning("CSV written row by row", exc_info=True)
            finally:
                # A part-way failure: end the reads (and free their parts) before streaming.
                close = getattr(parts, "close", None)
                if close is not None:
                    close()
    buffer = io.StringIO(newline="")
    write_csv(rows, columns, buffer, excel=excel)
    return buffer.getvalue().encode("utf-8")


def _arrow_csv(parts: Iterable[Any], columns: tuple[Column, ...], *, excel: bool) -> bytes:
    """Arrow's CSV writer (C++), for cells already neutralised by the query, a part at a time
    (each freed once written). The cells are those ``write_csv`` writes; Arrow quotes every text
    cell and writes a whole number stored as a float without its ".0" (70, not 70.0). (Row by
    row, when this path is not taken, the same cells are quoted only where needed.)"""
    import pyarrow.csv

    out = io.BytesIO()
    if excel:
        out.write("\ufeff".encode())
    names = [c.name for c in columns]
    for number, table in enumerate(parts):
        options = pyarrow.csv.WriteOptions(
            eol="\r\n", quoting_header="none", include_header=number == 0
        )
        pyarrow.csv.write_csv(table.rename_columns(names), out, options)
        del table
    return out.getvalue()


def _slug(value: object) -> str:
    """A value as a file-name part: letters, digits and hyphens (any script), at most 30."""
    text = re.sub(r"[^\w]+", "-", str(value), flags=re.UNICODE).strip("-_")
    return text[:30].strip("-") or "x"


def _filter_words(filters: Filters) -> list[str]:
    """The filter's values (beyond the dates) as file-name parts: 'Paktika+Khost', 'q-strike'."""
    parts: list[str] = []
    for name, spec in filters.in_force().items():
        value = getattr(filters, name)
        if spec.kind in ("date_from", "date_to"):
            continue
        if spec.kind == "flag":
            parts.append(spec.url)
        elif spec.kind in ("text", "min"):
            parts.append(f"{spec.url}-{_slug(value)}")
        else:
            shown = "+".join(_slug(v) for v in value[:3])
            parts.append(shown + (f"+{len(value) - 3}-more" if len(value) > 3 else ""))
    return parts


def filename_for(what: str, filters: Filters, n_rows: int, *, excel: bool = False) -> str:
    """A file name that says what is inside, e.g. events_2024-01-01_2024-12-31_1234-rows.csv."""
    parts = [what]
    if filters.date_from or filters.date_to:
        parts.append(filters.date_from.isoformat() if filters.date_from else "start")
        parts.append(filters.date_to.isoformat() if filters.date_to else "end")
    else:
        parts.append("all-dates")
    parts += _filter_words(filters)
    parts.append(f"{n_rows}-rows")
    if excel:
        parts.append("excel")
    return "_".join(parts) + ".csv"
