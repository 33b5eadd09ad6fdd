"""Excel workbooks (.xlsx): one sheet read as CSV text, rows padded to the header's width as
Excel pads them, so one reader, with its rules for notes, totals and cut records, serves both.

Read by calamine (python-calamine, Rust): a sheet of 117,000 ACLED rows in about 2 s, where
openpyxl took 30 s. Each record of that text starts with the sheet's row number (``CsvSource``
takes it as the record's line), so a report names the row a user sees in Excel even when a cell
holds a line break. Cells are written by their value, not their display format (which Excel's
own CSV follows): a date cell as ``2024-12-25`` (a time only when it has one), a whole number
without ``.0``, other numbers to 15 significant digits (``25%`` as ``0.25``), ``TRUE``/``FALSE``,
a formula as its last computed value; an error cell (``#N/A``) and a formula never computed are
empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import zipfile
from pathlib import Path
from typing import Any

XLS_MARK = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file header of Excel 97–2003


class NotReadable(Exception):
    """The workbook (or the sheet asked for) cannot be read; the message says why."""


def kind(path: Path, start: bytes) -> str | None:
    """'xlsx', 'xlsb', 'xls', 'ods', 'zip' or 'damaged' (a zip's start, unreadable as one) for
    a file that starts with ``start``; None for anything else."""
    if start.startswith(XLS_MARK):
        return "xls"
    if not start.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names and b"spreadsheet" in archive.read("mimetype"):
                return "ods"
    except Exception:  # noqa: BLE001 - BadZipFile, an encrypted or oddly packed member: unreadable
        return "damaged"
    return "zip"


def is_workbook(path: Path) -> bool:
    """True for an Excel workbook (.xlsx), False for anything else to read as text; another
    spreadsheet format, or a damaged archive, is refused by name (NotReadable)."""
    with path.open("rb") as fh:
        found = kind(path, fh.read(8))
    if found == "xls":
        raise NotReadable(
            "is an Excel 97–2003 workbook (.xls), or a workbook saved with a password (Excel "
            "encrypts those in the same container); open it and save it, without a password, "
            "as .xlsx or as CSV (UTF-8)"
        )
    if found == "xlsb":
        raise NotReadable("is an Excel binary workbook (.xlsb); save it as .xlsx or as CSV (UTF-8)")
    if found == "ods":
        raise NotReadable(
            "is an OpenDocument spreadsheet (.ods); save it as .xlsx or as CSV (UTF-8)"
        )
    if found == "damaged":
        raise NotReadable(
            "starts as a zip archive or an Excel workbook (.xlsx) does, but cannot be opened as "
            "either: damaged, or cut short in a download"
        )
    return found == "xlsx"


# The last sheet read, by file (path, size, times, inode) and sheet asked for: its temporary
# folder, the text, the sheet's name and the other sheets.
_SHEETS: dict[tuple[Any, ...], tuple[Any, Path, str, str]] = {}


def sheet_text(path: Path, sheet: str | None) -> tuple[Any, Path, str, str]:
    """One sheet as CSV text in a temporary folder (removed once no holder of the folder is
    left), with the sheet's name and the other sheets. --suggest and a mapped import open one
    file twice: the last sheet read is read once."""
    stat = path.stat()
    # ctime and inode too: a file replaced by a copy keeping size and time (cp -p) is another.
    key = (path.resolve(), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, sheet)
    entry = _SHEETS.get(key)
    if entry is None:
        try:
            folder = tempfile.TemporaryDirectory(prefix="conflict-events-sheet-")
        except OSError as exc:
            raise NotReadable(
                f"needs a temporary folder to read its sheet ({exc}); set TMPDIR"
            ) from None
        text = Path(folder.name) / "sheet.csv"
        name, others = sheet_as_csv(path, sheet, text)
        entry = (folder, text, name, others)
        # The last one only (the CLI's process ends after one file); a source still reading an
        # older one holds its folder, removed when that source is done with it.
        _SHEETS.clear()
        _SHEETS[key] = entry
    return entry


def cell_text(value: Any) -> str:
    """A cell's value as text, by the value, not its display format (see the module's note)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float):
        # Every whole number a float holds exactly (to 2**53) as digits, as in an id column.
        whole = value.is_integer() and abs(value) < 2**53
        return str(int(value)) if whole else format(value, ".15g")
    return str(value)


def sheet_as_csv(path: Path, sheet: str | None, out: Path) -> tuple[str, str]:
    """Write one sheet of the workbook at ``path`` to ``out`` (UTF-8 CSV, each record led by its
    row number); return the sheet's name and the other worksheets, named for a message.
    Several visible worksheets and none named: refused, naming them (hidden sheets and chart
    sheets do not count, but a hidden one can be named; names match as in Excel, whatever
    their letter case)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        # Read from the file, not its name: calamine picks its reader by a name's extension,
        # and a workbook saved as "export.xls" or "export.csv" is still a workbook.
        with path.open("rb") as fh:
            book = CalamineWorkbook.from_filelike(fh)
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds; all mean "unreadable"
        raise NotReadable(f"cannot be read as an Excel workbook ({exc})") from None
    try:
        sheets = {m.name: m for m in book.sheets_metadata}
        shown = [n for n, m in sheets.items() if m.typ == SheetTypeEnum.WorkSheet
                 and m.visible == SheetVisibleEnum.Visible]  # fmt: skip
        hidden = [n for n, m in sheets.items() if m.typ == SheetTypeEnum.WorkSheet
                  and n not in shown]  # fmt: skip
        listed = "; ".join(
            part
            for part in (
                ", ".join(repr(n) for n in shown),
                "hidden: " + ", ".join(repr(n) for n in hidden) if hidden else "",
            )
            if part
        )
        if sheet is None and len(shown) != 1:
            raise NotReadable(
                f"is a workbook of {len(shown)} visible sheets ({listed}): name the one to import "
                "with --sheet"
                if shown
                else f"has no visible worksheet ({listed or 'none'}): name one with --sheet"
            )
        name = sheet if sheet is not None else shown[0]
        if name not in sheets:  # Excel's sheet names ignore letter case
            name = next((n for n in sheets if n.casefold() == name.casefold()), name)
        if name not in sheets or sheets[name].typ != SheetTypeEnum.WorkSheet:
            raise NotReadable(f"has no worksheet {name!r}; its sheets are {listed}")
        others = [n for n in (*shown, *hidden) if n != name]
        other = ", ".join(repr(n) + (" (hidden)" if n in hidden else "") for n in others)
        try:
            # iter_rows starts at the sheet's first row, empty or not: row numbers are Excel's.
            rows = book.get_sheet_by_name(name).iter_rows()
            with out.open("w", encoding="utf-8", newline="") as fh:
                _write_rows(rows, csv.writer(fh))
        except OSError as exc:  # ours: writing the text, not reading the workbook
            raise NotReadable(
                f"sheet {name!r} could not be written as text to {out.parent} ({exc}): free "
                "space there, or set TMPDIR to a folder with room"
            ) from None
        except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a readable archive
            raise NotReadable(
                f"sheet {name!r} cannot be read ({exc}): the file is damaged, or was cut short "
                "in a download"
            ) from None
        return name, (f"its other sheets: {other}" if other else "")
    finally:
        book.close()


def _write_rows(rows: Any, writer: Any) -> None:
    width = 0  # the header's: shorter rows are padded to it, as Excel pads a sheet's CSV rows
    blank = 0  # empty rows not yet written: a formula filled down a column leaves a million
    for number, values in enumerate(rows, start=1):
        if number > 1 and all(v == "" or v is None for v in values):
            blank += 1  # before converting its cells: a million of them take seconds
            continue
        cells = [cell_text(v) for v in values]
        while len(cells) > max(width, 1) and not cells[-1]:
            cells.pop()
        if number == 1:
            width = len(cells)
        for empty in range(number - blank, number):  # blank rows between records are reported
            writer.writerow([empty, *[""] * width])
        blank = 0
        cells += [""] * (width - len(cells))
        writer.writerow([number, *cells])
