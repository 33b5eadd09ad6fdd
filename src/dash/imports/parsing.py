"""What every adapter shares: reading cells as real exports write them, and the repair rules.

A cell that cannot be read as what its column holds raises ``RowError`` only where the row then
cannot be stored truthfully (no id, no date). Everything else is kept: a figure that breaks the
store's rules is repaired by the one rule below and the event gets a data-quality note naming
what the source said.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..gazetteer import gazetteer
from .rows import (
    DocumentRow,
    EventRow,
    EventSourceRow,
    PlaceRow,
    QualityNoteRow,
    error_message,
)


class RowError(Exception):
    """A row that cannot be stored, with the column, the value and the reason."""

    def __init__(self, column: str, value: object, reason: str) -> None:
        super().__init__(f"{column}={value!r}: {reason}")
        self.column, self.value, self.reason = column, value, reason

    def __reduce__(self) -> tuple[type, tuple[str, object, str]]:
        return (type(self), (self.column, self.value, self.reason))  # see AmbiguousDates


class AmbiguousDates(Exception):
    """A date form that reads two ways (05/09/2020): the whole file waits for --date-order."""

    def __init__(self, column: str, value: str) -> None:
        first, second = (int(n) for n in re.findall(r"\d+", value)[:2])
        if first > 12 or second > 12:  # this one reads one way only; others may not
            order, form = ("dmy", "day/month/year") if first > 12 else ("mdy", "month/day/year")
            message = (
                f"column {column} holds dates like {value!r}: this one reads only as {form}, "
                "but others in the column may read both ways (05/09/2020); say how the file "
                f"writes them: --date-order {order}"
            )
        else:
            message = (
                f"column {column} holds dates like {value!r}, which read as day/month/year or "
                "as month/day/year; say which with --date-order dmy (day first) or "
                "--date-order mdy (month first)"
            )
        super().__init__(message)
        self.column, self.value = column, value

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # Raised in the validating process and sent to the importing one whole (pickled): the
        # default would call __init__ with the message alone.
        return (type(self), (self.column, self.value))


@dataclass(frozen=True)
class ReadOptions:
    """How to read what a file leaves ambiguous."""

    date_order: str | None = None  # "dmy" or "mdy", for dates such as 05/09/2020
    status: str | None = None  # what the file's name says of its rows (UCDP: a candidate file)


@dataclass
class Converted:
    """One source row as the store's rows, plus what the import reports about it."""

    event: EventRow
    documents: list[DocumentRow] = field(default_factory=list)
    sources: list[EventSourceRow] = field(default_factory=list)
    places: list[PlaceRow] = field(default_factory=list)
    notes: list[QualityNoteRow] = field(default_factory=list)
    unknown_places: tuple[tuple[str, str], ...] = ()


# --- cells -----------------------------------------------------------------------------------


def text(row: dict[str, str], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def number(row: dict[str, str], column: str) -> float | None:
    raw = text(row, column)
    if raw is None:
        return None
    if "," in raw and not _THOUSANDS.match(raw):
        return None  # "1,5": a decimal comma, or not a number; "1,000" is a thousand
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return None
    # "NaN" and "inf" parse as floats (pandas writes NaN for an empty number): not numbers here.
    return value if math.isfinite(value) else None


# "1.000" is a thousand where a point groups digits (German, Turkish or Italian spreadsheets)
# and one where it is a decimal point: a count written so is read neither way.
_POINT_GROUPED = re.compile(r"^\+?[1-9]\d{0,2}\.000$")  # 0.000 is 0 either way


def count(row: dict[str, str], column: str) -> int | None:
    """A whole number ≥ 0, or None when the cell is empty or is not one (see ``unreadable``)."""
    value = number(row, column)
    if value is None or value < 0 or value != int(value):
        return None
    if "." in row[column] and _POINT_GROUPED.match(row[column].strip()):
        return None
    return int(value)


def count_problem(raw: str) -> str:
    """Why ``raw`` is not read as a count, for a data-quality note."""
    if _POINT_GROUPED.match(raw.strip()):
        whole = raw.strip().split(".")[0]
        return f"{raw!r} reads as {whole} or as {whole},000 (a point may group thousands)"
    return f"{raw!r} is not a whole number ≥ 0"


def unreadable(row: dict[str, str], *columns: str) -> list[str]:
    """The columns among ``columns`` holding something that is not a whole number ≥ 0."""
    return [c for c in columns if text(row, c) is not None and count(row, c) is None]


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{2}|\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")

DATE_FORMS = (
    "2024-12-24 (with or without a time)",
    "2024/12/24",
    "24 December 2024, 24 Dec 2024, 24-Dec-2024, 9-May-20",
    "December 24, 2024",
    "24/12/2024 or 12/24/2024 with --date-order dmy or mdy",
)


def _year(raw: str) -> int:
    # Two-digit years as spreadsheets write them: 00–68 → 2000s, 69–99 → 1900s (as strptime).
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year < 69 else 1900
    return year


def parse_date(raw: str, column: str, options: ReadOptions) -> dt.date:
    """A date in any form real exports take; raises RowError, or AmbiguousDates for the file."""
    value = raw.strip()
    try:
        if m := _ISO.match(value) or _YMD.match(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DAY_MONTH_YEAR.match(value):
            month = _MONTHS.get(m[2].casefold())
            if month:
                return dt.date(_year(m[3]), month, int(m[1]))
        if m := _MONTH_DAY_YEAR.match(value):
            month = _MONTHS.get(m[1].casefold())
            if month:
                return dt.date(int(m[3]), month, int(m[2]))
        if m := _NUMERIC.match(value):
            if int(m[1]) > 12 and int(m[2]) > 12:
                raise ValueError("neither of its first two numbers is a month")
            if options.date_order == "dmy":
                return dt.date(_year(m[3]), int(m[2]), int(m[1]))
            if options.date_order == "mdy":
                return dt.date(_year(m[3]), int(m[1]), int(m[2]))
            raise AmbiguousDates(column, value)
    except ValueError as exc:
        raise RowError(column, raw, f"not a real date ({exc})") from None
    if _SERIAL.match(value):
        raise RowError(
            column,
            raw,
            "a spreadsheet's serial day number, not a date: format the column as a date "
            "(YYYY-MM-DD) and save again",
        )
    raise RowError(column, raw, "not a date in a known form: " + "; ".join(DATE_FORMS))


def date(row: dict[str, str], column: str, options: ReadOptions) -> dt.date:
    raw = text(row, column)
    if raw is None:
        raise RowError(column, row.get(column), "a date is required")
    return parse_date(raw, column, options)


def extra(row: dict[str, str], used: set[str]) -> dict[str, str]:
    """Every column not mapped elsewhere, verbatim (empty ones left out)."""
    return {k: v for k in sorted(row.keys() - used) if (v := row[k]) is not None and v.strip()}


# --- repairs ---------------------------------------------------------------------------------


def fatalities(
    low: int | None, best: int | None, high: int | None, source: str
) -> tuple[int | None, int | None, int | None, str | None]:
    """low ≤ best ≤ high, by one rule: best as published; low and high widened to the smallest
    and largest of the three published figures. Returns the figures and, when anything moved,
    the data-quality note naming what the source said."""
    given = [v for v in (low, best, high) if v is not None]
    if not given:
        return low, best, high, None
    new_low = min(given) if low is not None else None
    new_high = max(given) if high is not None else None
    if (new_low, new_high) == (low, high):
        return low, best, high, None
    note = (
        f"{source} published low {_show(low)}, best {_show(best)}, high {_show(high)}; "
        f"stored low {_show(new_low)}, best {_show(best)}, high {_show(new_high)} "
        "(best as published; low and high widened to the smallest and largest figure)"
    )
    return new_low, best, new_high, note


def _show(value: int | None) -> str:
    return "empty" if value is None else str(value)


@dataclass
class Place:
    """A published place resolved through the gazetteer: the event's fields, further places."""

    fields: dict[str, Any]
    places: list[tuple[str | None, str, str | None, str]]
    unknown: tuple[tuple[str, str], ...]


def place(country: str | None, admin1: str | None, admin2: str | None) -> Place:
    resolved = gazetteer().resolve(country, admin1, admin2)
    fields = {
        "country": resolved.country,
        "admin1": resolved.admin1,
        "admin2": resolved.admin2,
        "admin1_as_published": admin1,
        "admin2_as_published": admin2,
    }
    further = [(c, a1, a2, admin1 or "") for c, a1, a2 in resolved.also]
    return Place(fields, further, resolved.unknown)


def place_quality(event_id: str, resolved: Place, source: str) -> list[QualityNoteRow]:
    """A note on an event whose province the gazetteer does not know (kept as published)."""
    return [
        QualityNoteRow(
            event_id=event_id,
            kind="place_not_in_gazetteer",
            detail=f"{source} province {spelling!r} is not in the gazetteer; kept as published",
        )
        for level, spelling in resolved.unknown
        if level == "province"
    ]


def place_rows(event_id: str, resolved: Place) -> list[PlaceRow]:
    return [
        PlaceRow(event_id=event_id, country=c, admin1=a1, admin2=a2, as_published=published)
        for c, a1, a2, published in resolved.places
    ]


# --- validation ------------------------------------------------------------------------------

# Checks across fields, and the column a user should look at when one fails.
_MODEL_RULES = (
    ("sub-type", "sub_event_type"),
    ("event type", "event_type"),
    ("fatalities", "fatalities"),
    ("date_start", "date"),
    ("latitude", "latitude"),
    ("coordinates", "latitude"),
)


def validated(row: dict[str, str], make: Callable[[], Any]) -> Any:
    try:
        return make()
    except ValidationError as exc:
        err = exc.errors()[0]
        message = error_message(err)
        column = ".".join(str(p) for p in err["loc"])
        if not column:
            column = next((col for word, col in _MODEL_RULES if word in message), "row")
            raise RowError(column, row.get(column, "(several columns)"), message) from None
        raise RowError(column, row.get(column, err.get("input")), message) from None


def coordinates(
    row: dict[str, str], lat_column: str, lon_column: str, precision: str | None
) -> tuple[float | None, float | None, str | None]:
    """A usable point with its precision, or (None, None, why not) — the source values stay in
    the event's extra fields either way."""
    lat, lon = number(row, lat_column), number(row, lon_column)
    raw = (text(row, lat_column), text(row, lon_column))
    if raw == (None, None):
        return None, None, None
    if lat is None or lon is None:
        return None, None, f"latitude {raw[0]!r}, longitude {raw[1]!r}: not a pair of numbers"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, f"latitude {lat}, longitude {lon}: outside the globe"
    if precision is None:
        return None, None, "no known precision code for the point"
    return lat, lon, None
