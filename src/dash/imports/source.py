"""Reading real export files: one streaming CSV reader for every adapter.

It handles what real ACLED and UCDP files do: a UTF-8 byte-order mark, CRLF line endings, line
breaks inside quoted fields, HDX's second line of HXL hashtags, blank trailing lines and a totals
row. A file that is not UTF-8 (Windows-1252 from Excel, typically) is refused with the byte
offset and a suggestion, unless its encoding is given.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from . import workbook

# Fields of a million-row export can be long (UCDP's source_article); the stdlib default of
# 128 KiB is too small for some of them.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


# Bytes Windows-1252 does not define: a file holding them is not Windows-1252 at all.
CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
# Set on a row whose record ends before the header's last column: the file was cut short or a
# quote left open, and the row cannot be stored truthfully.
TRUNCATED = "__truncated__"
NUL = "__nul__"  # a row holding a NUL byte: binary data inside the text


class ImportRefused(Exception):
    """The file cannot be read at all (encoding, header): nothing was imported."""


@dataclass
class ReadStats:
    """What the reader skipped on purpose, for the import report."""

    hxl_rows: int = 0
    blank_rows: int = 0
    totals_rows: list[int] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)  # the header repeated further down
    footer_rows: list[int] = field(default_factory=list)  # short rows with no id: notes, sources
    renamed: list[str] = field(default_factory=list)  # header names made distinct (column_names)


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


# What a spreadsheet writes in the first column of a totals row; no event id reads like this.
TOTALS = frozenset({"total", "totals", "grand total", "sum", "overall"})


class CsvSource:
    """Rows of an export file as dicts, numbered by their line in the file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)  # the file the user named (messages name it)
        if self.path.is_dir():
            raise ImportRefused(f"{self.path}: is a folder, not a file")
        if not self.path.is_file():
            raise ImportRefused(f"{self.path}: no such file")
        self.text_path = self.path  # the text read: the file, or a workbook's sheet as CSV
        self.sheet: str | None = None  # the workbook's sheet read, if the file is a workbook
        self.other_sheets = ""  # the workbook's other worksheets, named for a refusal
        self._numbered = False  # each record starts with its row number (a sheet's text)
        if self._workbook(sheet):
            encoding, delimiter = "utf-8", ","
        elif sheet is not None:
            raise ImportRefused(
                f"{self.path}: --sheet {sheet!r} was given, but the file is not an Excel workbook"
            )
        if encoding:
            try:
                text_encoding = codecs.lookup(encoding)._is_text_encoding
            except LookupError:
                text_encoding = False
            if not text_encoding:  # base64, zlib …: codecs, but not of text
                raise ImportRefused(
                    f"{self.path}: {encoding!r} is not a text encoding Python knows; try utf-8, "
                    "cp1252 (Excel on Windows), latin-1 or utf-16"
                )
            if encoding.replace("-", "").replace("_", "").lower() == "utf8":
                encoding = "utf-8-sig"  # a byte-order mark is not part of the first column's name
        self.delimiter = delimiter
        self.size = self.text_path.stat().st_size
        self.encoding = encoding or self._marked_or_refused()
        self.stats = ReadStats()
        self._counter: _CountingReader | None = None
        self.header: list[str] = []
        self._ended = True  # the last line read ends with a line end (_remembering_the_end)
        self._nul = False  # a line read since the last record holds a NUL byte

    def _workbook(self, sheet: str | None) -> bool:
        """Read an Excel workbook's sheet as CSV text (True), refuse another spreadsheet format
        by name, or leave a text file be (False)."""
        try:
            if not workbook.is_workbook(self.path):
                return False
            self._folder, self.text_path, self.sheet, self.other_sheets = workbook.sheet_text(
                self.path, sheet
            )
        except workbook.NotReadable as exc:
            raise ImportRefused(f"{self.path}: {exc}") from None
        self._numbered = True
        return True

    def _marked_or_refused(self) -> str | None:
        """UTF-16 or -32 when the file starts with its byte-order mark (Excel's "Unicode text"); a
        refusal naming what the file is when it is not text at all."""
        with self.path.open("rb") as fh:
            start = fh.read(65536)
        if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            return "utf-32"  # before UTF-16: UTF-32's little-endian mark starts with UTF-16's
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if start.startswith(b"PK\x03\x04"):
            raise ImportRefused(
                f"{self.path}: is a zip archive, not CSV text or an Excel workbook; unzip it first"
            )
        if b"\x00" in start:
            raise ImportRefused(
                f"{self.path}: holds NUL bytes, so it is not CSV text: a binary file, or UTF-16 "
                "without its byte-order mark (then re-run with --encoding utf-16-le, or "
                "utf-16-be)"
            )
        return None

    @property
    def bytes_read(self) -> int:
        return self._counter.bytes_read if self._counter else 0

    def rows(self, id_column: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) for every data row; HXL, blank and totals rows are skipped."""
        encoding = self.encoding or "utf-8-sig"
        with self.text_path.open("rb") as raw:
            self._counter = _CountingReader(raw)
            text = io.TextIOWrapper(
                io.BufferedReader(self._counter), encoding=encoding, errors="strict", newline=""
            )
            try:
                lines = self._remembering_the_end(text)
                reader = csv.reader(lines, delimiter=self.delimiter or self._sniffed(encoding))
                yield from self._rows(reader, id_column)
            except UnicodeDecodeError as exc:
                raise ImportRefused(self._encoding_message(exc)) from None
            except UnicodeError as exc:  # UTF-16 asked for, no byte-order mark found
                raise ImportRefused(
                    f"{self.path}: cannot be read as {encoding}: {exc}; nothing was imported. "
                    "For UTF-16 without a byte-order mark give --encoding utf-16-le (or "
                    "utf-16-be)"
                ) from None

    @property
    def delimiter_used(self) -> str:
        return self.delimiter or self._sniffed(self.encoding or "utf-8-sig")

    def rows_raw(self) -> Iterator[list[str]]:
        """Every record as a list of values, the header first (for a first look at a file)."""
        encoding = self.encoding or "utf-8-sig"
        with self.text_path.open("r", encoding=encoding, errors="replace", newline="") as fh:
            for values in csv.reader(fh, delimiter=self.delimiter_used):
                yield values[1:] if self._numbered else values

    def _sniffed(self, encoding: str) -> str:
        """The delimiter of the header line: ',' unless ';', tab or '|' splits it better."""
        with self.text_path.open("rb") as fh:
            first = fh.read(65536).split(b"\n", 1)[0]
        line = first.decode(encoding, errors="replace")
        counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] > counts[","] else ","

    def _rows(
        self, reader: Iterator[list[str]], id_column: str
    ) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            header = next(reader)
        except StopIteration:
            raise ImportRefused(f"{self.path}: the file is empty") from None
        if self._numbered:  # a sheet's text: the row number leads each record
            header = header[1:]
        self._nul = False  # the header's own NUL, if any, is no record's
        as_written = [h.strip().lstrip("\ufeff") for h in header]
        self.header = self.column_names(as_written)
        if id_column not in self.header:
            raise ImportRefused(
                f"{self.path}: line 1 has no '{id_column}' column; the header is: "
                + ", ".join(self.header[:12])
                + (" …" if len(self.header) > 12 else "")
                + (
                    f" (sheet {self.sheet!r} read; {self.other_sheets}: choose with --sheet)"
                    if self.sheet is not None and self.other_sheets
                    else ""
                )  # fmt: skip
            )
        width = len(self.header)
        header_key = [h.casefold() for h in as_written]
        end_of_last = reader.line_num  # type: ignore[attr-defined]
        # Rows that look like notes ("Generated by …", "Source: …") wait here until the next
        # record: a note without an id is one wherever it stands; one whose cells could be a
        # record's (an id padded to the full width, two cells) is one only under the table,
        # and the last line of a file that ends mid-line is a record cut short.
        # line, row, fields, doubtful, id-like
        waiting: list[tuple[int, dict[str, str], int, bool, bool]] = []
        for values in reader:
            # A record is named by its first line: a quoted field may span several.
            line, end_of_last = end_of_last + 1, reader.line_num  # type: ignore[attr-defined]
            if self._numbered:
                line, values = int(values[0]), values[1:]
            nul, self._nul = self._nul, False  # a NUL in this record's lines
            if not any(v.strip() for v in values):
                self.stats.blank_rows += 1
                continue
            if all(v.strip().startswith("#") for v in values if v.strip()):
                self.stats.hxl_rows += 1
                continue
            # The header repeated (files joined end to end); its first cell says whether to look.
            if values[0].strip().casefold() == header_key[0] and (
                [v.strip().casefold() for v in values] == header_key
            ):
                self.stats.header_rows.append(line)
                continue
            row = dict(zip(self.header, values, strict=False))
            if len(values) > width and any(v.strip() for v in values[width:]):
                row["__extra_values__"] = "|".join(values[width:])
            if nul:
                named = zip(self.header, values, strict=False)
                row[NUL] = next((h for h, v in named if "\x00" in v), "row")
            the_id = row.get(id_column, "").strip()
            if the_id.casefold().rstrip(":") in TOTALS or (
                not the_id and any("total" in v.lower() for v in values)
            ):
                self.stats.totals_rows.append(line)
                continue
            # Every test below asks whether one, two or at most a quarter of the cells are
            # filled, a quarter only once at most two are: counting stops at three.
            filled = _filled_up_to_three(values)
            short = len(values) < width
            # Excel pads a sheet's rows to the header's width when it saves CSV (and a workbook's
            # sheet is read so). Across a wide table (a quarter of its columns at most filled),
            # a padded row without an id and without a figure or date is a heading or a note,
            # and one whose first cell is a label ("Source:", "Generated by …") is a note under
            # the table; any other row, a record, is checked as one (no id: refused by name).
            sparse = not short and filled <= 2 and filled * 4 <= width
            note = (
                (short and not the_id and filled <= 2)
                or (short and filled == 1 and len(values) <= width // 2)
                or (sparse and not the_id and _wordy(values))
            )
            doubtful = (
                not note
                and width > 2
                and (
                    (not short and filled == 1)
                    or (sparse and bool(the_id) and _label(the_id))
                    or (short and filled <= 2 and len(values) <= width // 2)
                )
            )
            if note or doubtful:
                # A cut record starts with its id; a note's text has spaces ("Source: …").
                id_like = bool(the_id) and not any(c.isspace() for c in the_id)
                waiting.append((line, row, len(values), doubtful, id_like))
                continue
            yield from self._records_after_all(waiting, width)
            waiting = []
            if short:
                row[TRUNCATED] = f"{len(values)} of the header's {width} fields"
            yield line, row
        for i, (line, row, fields, _, id_like) in enumerate(waiting):
            last = i == len(waiting) - 1
            if last and id_like and fields < width and not self._ended:
                row[TRUNCATED] = f"{fields} of the header's {width} fields, at the end of the file"
                yield line, row
            else:
                self.stats.footer_rows.append(line)

    def _records_after_all(
        self, waiting: list[tuple[int, dict[str, str], int, bool, bool]], width: int
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows that looked like notes, now that a record follows them: doubtful ones are
        records after all (checked as any other), the others notes."""
        for line, row, fields, doubtful, _ in waiting:
            if not doubtful:
                self.stats.footer_rows.append(line)
                continue
            if fields < width:
                row[TRUNCATED] = f"{fields} of the header's {width} fields"
            yield line, row

    def _remembering_the_end(self, text: Iterator[str]) -> Iterator[str]:
        """The lines of ``text``, noting whether the last one ends with a line end (in the
        decoded text: CR alone, as Excel for Mac writes, and UTF-16 or -32 line ends too)."""
        for line in text:
            self._ended = line.endswith(("\n", "\r"))
            if "\x00" in line:  # one search a line; the row finds the column
                self._nul = True
            yield line

    def column_names(self, header: list[str]) -> list[str]:
        """The header with a name for every column, each once: a name the header repeats gets
        its position ("notes (2)"), an unnamed column its number ("(column 7)"), neither taking
        a name the header already has, so no value is lost under another of the same name.
        Unnamed columns at the end (a delimiter after the last name, as spreadsheets leave) are
        dropped: rows with nothing there are whole. A mapping names the columns so."""
        self.stats.renamed = []
        names = list(header)
        while len(names) > 1 and not names[-1]:
            names.pop()
        taken = set(names)
        seen: dict[str, int] = {}

        def free(pattern: str, n: int) -> str:
            while (candidate := pattern.format(n)) in taken:
                n += 1
            taken.add(candidate)
            return candidate

        for i, name in enumerate(names):
            if not name:
                names[i] = free("(column {})", i + 1)
                self.stats.renamed.append(f"column {i + 1} has no name: kept as {names[i]!r}")
                continue
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                names[i] = free(name.replace("{", "{{").replace("}", "}}") + " ({})", seen[name])
                self.stats.renamed.append(f"the header repeats {name!r}: kept as {names[i]!r}")
        return names

    def _encoding_message(self, exc: UnicodeDecodeError) -> str:
        offset = self.bytes_read - len(exc.object) + exc.start if self._counter else exc.start
        offset = max(offset, exc.start)
        bad = exc.object[exc.start]
        with self.text_path.open("rb") as fh:
            line = fh.read(offset).count(b"\n") + 1
        declared = self.encoding or "UTF-8"
        hint = ""
        if bad in CP1252_UNDEFINED and "1252" in declared:
            hint = (
                f" Byte 0x{bad:02x} is one that Windows-1252 leaves undefined: the file is not "
                "Windows-1252 either; try latin-1 (every byte is a character) or ask for a UTF-8 copy."
            )
        elif "1252" not in declared:
            try:
                exc.object[exc.start : exc.start + 8].decode("cp1252")
                hint = (
                    " It looks like Windows-1252 (as Excel saves CSV): re-run with --encoding "
                    'cp1252 (or set encoding = "cp1252" in the mapping\'s [file]).'
                )
            except UnicodeDecodeError:
                hint = " Try --encoding cp1252, latin-1 or utf-16."
        return (
            f"{self.path}: not valid {declared} at byte {offset:,}, line {line} "
            f"(byte 0x{bad:02x}); nothing was imported.{hint}"
        )


def _filled_up_to_three(values: list[str]) -> int:
    """How many cells hold something, counted up to three."""
    return sum(1 for _ in itertools.islice((v for v in values if v.strip()), 3))


def _wordy(values: list[str]) -> bool:
    """No digit in any cell: words only (a heading or a note, not a record)."""
    return not any(c.isdigit() for v in values for c in v)


def _label(first: str) -> bool:
    """A first cell that reads as a label ("Source:", "Generated by …"), not an id."""
    return first.endswith(":") or any(c.isspace() for c in first)
