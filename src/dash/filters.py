"""The one filter model every page, the CLI export and the URL share.

``Filters.where()`` is the only translation to SQL; ``Filters.to_query()`` / ``Filters.from_query()``
the only translation to and from URL query parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# URL keys: short, readable and stable (links in the wild depend on them).
URL_KEYS: dict[str, str] = {
    "date_from": "from",
    "date_to": "to",
    "countries": "country",
    "provinces": "province",
    "districts": "district",
    "event_types": "type",
    "sub_event_types": "subtype",
    "actors": "actor",
    "parties": "party",
    "min_fatalities": "minkilled",
    "precisions": "precision",
    "origins": "origin",
    "cross_border_only": "xborder",
    "text": "q",
}
# Place columns an event can hold several values of (its further places, in event_places).
PLACE_COLUMNS = ("country", "admin1", "admin2")
MAX_VALUE_LENGTH = 200
MAX_VALUES = 50


@dataclass(frozen=True)
class Filters:
    """What the analyst has asked to see. Empty means 'no restriction'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    min_fatalities: int | None = None
    precisions: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    cross_border_only: bool = False
    text: str = field(default="")

    def replace(self, **changes: Any) -> Filters:
        return dataclasses.replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    # --- SQL -----------------------------------------------------------------------------------

    def where(self, alias: str = "e") -> tuple[str, dict[str, Any]]:
        """A WHERE clause over the events table (aliased ``alias``) and its named parameters."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        a = alias
        # An event matches a date range when its date window overlaps it.
        if self.date_from:
            clauses.append(f"{a}.date_end >= :date_from")
            params["date_from"] = self.date_from.isoformat()
        if self.date_to:
            clauses.append(f"{a}.date_start <= :date_to")
            params["date_to"] = self.date_to.isoformat()
        for name, column in (
            ("countries", "country"),
            ("provinces", "admin1"),
            ("districts", "admin2"),
            ("event_types", "event_type"),
            ("sub_event_types", "sub_event_type"),
            ("precisions", "geo_precision"),
            ("origins", "origin"),
        ):
            values = getattr(self, name)
            if not values:
                continue
            names = _placeholders(name, values, params)
            if column in PLACE_COLUMNS:
                # An event in several provinces matches on any of them (event_places).
                clauses.append(
                    f"({a}.{column} IN ({names}) OR {a}.id IN"
                    f" (SELECT event_id FROM event_places WHERE {column} IN ({names})))"
                )
            else:
                clauses.append(f"{a}.{column} IN ({names})")
        if self.actors:
            names = _placeholders("actors", self.actors, params)
            clauses.append(f"({a}.actor1 IN ({names}) OR {a}.actor2 IN ({names}))")
        if self.parties:
            names = _placeholders("parties", self.parties, params)
            clauses.append(f"{a}.id IN (SELECT event_id FROM claims WHERE party_id IN ({names}))")
        if self.min_fatalities is not None:
            # The curated best estimate, or the low end where there is no best.
            clauses.append(f"coalesce({a}.fatalities_best, {a}.fatalities_low) >= :min_fatalities")
            params["min_fatalities"] = self.min_fatalities
        if self.cross_border_only:
            clauses.append(f"{a}.cross_border = 1")
        match = fts_query(self.text)
        if match:
            clauses.append(
                f"({a}.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH :text)"
                f" OR {a}.id IN (SELECT c.event_id FROM claims c"
                " JOIN claims_fts ON claims_fts.rowid = c.rowid WHERE claims_fts MATCH :text))"
            )
            params["text"] = match
        return (" AND ".join(clauses) or "1 = 1"), params

    # --- URL -----------------------------------------------------------------------------------

    def to_query(self) -> dict[str, str | list[str]]:
        """Query parameters for a link that reproduces this filter (defaults left out)."""
        out: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value is False or value == () or value == "":
                continue
            key = URL_KEYS[f.name]
            if isinstance(value, tuple):
                out[key] = list(value)
            elif isinstance(value, bool):
                out[key] = "1"
            elif isinstance(value, dt.date):
                out[key] = value.isoformat()
            else:
                out[key] = str(value)
        return out

    @classmethod
    def from_query(
        cls,
        query: Mapping[str, str | Iterable[str]],
        allowed: Mapping[str, Iterable[str]] | None = None,
    ) -> tuple[Filters, list[str]]:
        """Parse query parameters; return the filters and a note for every value dropped.

        ``allowed`` optionally maps a field name to the values that exist in the data, so an
        unknown province is dropped with a note rather than silently matching nothing.
        """
        notes: list[str] = []
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = URL_KEYS[f.name]
            if key not in query:
                continue
            raw = query[key]
            items = [raw] if isinstance(raw, str) else list(raw)
            good: list[str] = []
            for item in items[:MAX_VALUES]:
                if len(item) > MAX_VALUE_LENGTH:
                    notes.append(f"'{key}': a value of {len(item)} characters is too long")
                    continue
                good.append(item)
            if len(items) > MAX_VALUES:
                notes.append(f"'{key}': only the first {MAX_VALUES} values are used")
            if not good:
                continue
            try:
                values[f.name] = _parse(f.name, good, allowed, notes, key)
            except ValueError as exc:
                notes.append(f"'{key}': {exc}")
                values.pop(f.name, None)
        filters = cls(**{k: v for k, v in values.items() if v is not None})
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            notes.append("'from' is after 'to': both dates dropped")
            filters = filters.replace(date_from=None, date_to=None)
        return filters, notes


def _parse(
    name: str,
    items: list[str],
    allowed: Mapping[str, Iterable[str]] | None,
    notes: list[str],
    key: str,
) -> Any:
    last = items[-1].strip()
    if name in ("date_from", "date_to"):
        try:
            return dt.date.fromisoformat(last)
        except ValueError:
            raise ValueError(f"{last!r} is not a date (expected YYYY-MM-DD)") from None
    if name == "min_fatalities":
        if not last.isdigit():
            raise ValueError(f"{last!r} is not a whole number ≥ 0")
        return int(last)
    if name == "cross_border_only":
        if last not in ("0", "1", "true", "false"):
            raise ValueError(f"{last!r} is not 1 or 0")
        return last in ("1", "true")
    if name == "text":
        return last
    cleaned = tuple(dict.fromkeys(i.strip() for i in items if i.strip()))
    if allowed is not None and name in allowed:
        known = set(allowed[name])
        for value in cleaned:
            if value not in known:
                notes.append(f"'{key}': unknown value {value!r}")
        cleaned = tuple(v for v in cleaned if v in known)
    return cleaned or None


def _placeholders(name: str, values: tuple[str, ...], params: dict[str, Any]) -> str:
    keys = []
    for i, value in enumerate(values):
        params[f"{name}_{i}"] = value
        keys.append(f":{name}_{i}")
    return ", ".join(keys)


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: every word quoted, all words required.

    Quoting each token means FTS5 operators typed by a user (``NEAR(``, ``*``, ``OR``, a lone
    ``"``) are searched for as words instead of raising a syntax error.
    """
    # FTS5 reads its query as a C string: a NUL inside a quoted token ends it early ("unterminated
    # string"). Control characters are never part of a word, so they separate words instead.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    tokens = [t for t in text.split() if any(ch.isalnum() for ch in t)]
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens[:20])
