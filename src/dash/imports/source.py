"""Reading real export files: one streaming CSV reader for every adapter.

It handles what real ACLED and UCDP files do: a UTF-8 byte-order mark, CRLF line endings, line
breaks inside quoted fields, HDX's second line of HXL hashtags, blank trailing lines and a totals
row. A file that is not UTF-8 (Windows-1252 from Excel, typically) is refused with the byte
offset and a suggestion, unless its encoding is given.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

# Fields of a million-row export can be long (UCDP's source_article); the stdlib default of
# 128 KiB is too small for some of them.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class ImportRefused(Exception):
    """The file cannot be read at all (encoding, header): nothing was imported."""


@dataclass
class ReadStats:
    """What the reader skipped on purpose, for the import report."""

    hxl_rows: int = 0
    blank_rows: int = 0
    totals_rows: list[int] = field(default_factory=list)


class _CountingReader(io.RawIOBase):
    """Counts bytes read, so progress can show how much of the file is done."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.bytes_read += n
        return n


class CsvSource:
    """Rows of an export file as dicts, numbered by their line in the file."""

    def __init__(self, path: str | os.PathLike[str], encoding: str | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ImportRefused(f"{self.path}: no such file")
        self.size = self.path.stat().st_size
        self.encoding = encoding
        self.stats = ReadStats()
        self._counter: _CountingReader | None = None
        self.header: list[str] = []

    @property
    def bytes_read(self) -> int:
        return self._counter.bytes_read if self._counter else 0

    def rows(self, id_column: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) for every data row; HXL, blank and totals rows are skipped."""
        encoding = self.encoding or "utf-8-sig"
        with self.path.open("rb") as raw:
            self._counter = _CountingReader(raw)
            text = io.TextIOWrapper(
                io.BufferedReader(self._counter), encoding=encoding, errors="strict", newline=""
            )
            reader = csv.reader(text)
            try:
                yield from self._rows(reader, id_column)
            except UnicodeDecodeError as exc:
                raise ImportRefused(self._encoding_message(exc)) from None

    def _rows(
        self, reader: Iterator[list[str]], id_column: str
    ) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            header = next(reader)
        except StopIteration:
            raise ImportRefused(f"{self.path}: the file is empty") from None
        self.header = [h.strip().lstrip("\ufeff") for h in header]
        if id_column not in self.header:
            raise ImportRefused(
                f"{self.path}: line 1 has no '{id_column}' column; the header is: "
                + ", ".join(self.header[:12])
                + (" …" if len(self.header) > 12 else "")
            )
        width = len(self.header)
        for values in reader:
            line = reader.line_num  # type: ignore[attr-defined]
            if not any(v.strip() for v in values):
                self.stats.blank_rows += 1
                continue
            if all(v.strip().startswith("#") for v in values if v.strip()):
                self.stats.hxl_rows += 1
                continue
            row = dict(zip(self.header, values, strict=False))
            if len(values) > width:
                row["__extra_values__"] = "|".join(values[width:])
            if not row.get(id_column, "").strip() and any("total" in v.lower() for v in values):
                self.stats.totals_rows.append(line)
                continue
            yield line, row

    def _encoding_message(self, exc: UnicodeDecodeError) -> str:
        offset = self.bytes_read - len(exc.object) + exc.start if self._counter else exc.start
        hint = ""
        try:
            exc.object[exc.start : exc.start + 8].decode("cp1252")
            hint = (
                " It looks like Windows-1252 (as Excel saves CSV): re-run with --encoding cp1252."
            )
        except UnicodeDecodeError:
            pass
        return (
            f"{self.path}: not valid {self.encoding or 'UTF-8'} near byte {max(offset, exc.start):,} "
            f"(byte 0x{exc.object[exc.start]:02x}); nothing was imported.{hint}"
        )
