"""The one filter model every page, the CLI export and the URL share.

``Filters.where()`` is the only translation to SQL; ``Filters.to_query()`` / ``Filters.from_query()``
the only translation to and from URL query parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from .search import fts_query

# What kind of value a filter field holds: how it reads from the URL and the CLI, and how it
# becomes SQL. "list" fields match one of several values of an events column.
Kind = Literal["date_from", "date_to", "list", "actors", "parties", "min", "flag", "text"]


@dataclass(frozen=True)
class Spec:
    """Everything about one filter field, stated once (in the field's metadata below)."""

    url: str  # the URL key: short, readable and stable (links in the wild depend on it)
    label: str  # the sidebar's label
    kind: Kind
    help: str  # the CLI option's help, and the sidebar's where it has one
    column: str | None = None  # the events column a "list" field matches
    cli: str | None = None  # the CLI option when not --<url>
    # Drawn in the sidebar's "More filters" fold, whose label counts those set: the less used
    # filters, so a first visit draws fewer widgets and a phone's sidebar stays short.
    folded: bool = False


def _spec(url: str, label: str, kind: Kind, help: str, **more: Any) -> Any:  # noqa: A002
    return field(default=_DEFAULTS[kind], metadata={"spec": Spec(url, label, kind, help, **more)})


_DEFAULTS: dict[str, Any] = {"date_from": None, "date_to": None, "list": (), "actors": (),
                             "parties": (), "min": None, "flag": False, "text": ""}  # fmt: skip
# Place columns an event can hold several values of (its further places, in event_places).
PLACE_COLUMNS = ("country", "admin1", "admin2")
MAX_VALUE_LENGTH = 200
MAX_VALUES = 50


@dataclass(frozen=True)
class Filters:
    """What the analyst has asked to see. Empty means 'no restriction'.

    Each field's metadata is its whole description (``Spec``): the URL key, the SQL, the
    in-memory mask, the sidebar's widgets, the CLI's options and the unknown-value checks are
    all derived from it, so a new filter is one line here plus its tests.
    """

    date_from: dt.date | None = _spec(
        "from", "From", "date_from", "Events ending on or after this date (YYYY-MM-DD)."
    )
    date_to: dt.date | None = _spec(
        "to", "To", "date_to", "Events starting on or before this date (YYYY-MM-DD)."
    )
    countries: tuple[str, ...] = _spec("country", "Country", "list", "Country.", column="country")
    provinces: tuple[str, ...] = _spec(
        "province",
        "Province",
        "list",
        "Province (any spelling the gazetteer knows).",
        column="admin1",
    )
    districts: tuple[str, ...] = _spec("district", "District", "list", "District.", column="admin2")
    event_types: tuple[str, ...] = _spec(
        "type", "Event type", "list", "ACLED event type.", column="event_type"
    )
    sub_event_types: tuple[str, ...] = _spec(
        "subtype",
        "Sub-event type",
        "list",
        "ACLED sub-event type.",
        column="sub_event_type",
        folded=True,
    )
    actors: tuple[str, ...] = _spec(
        "actor", "Actor", "actors", "Actor (actor1 or actor2).", folded=True
    )
    parties: tuple[str, ...] = _spec(
        "party",
        "Party with a claim",
        "parties",
        "Party with a claim: pakistan_state, afghan_taliban, …",
    )
    min_fatalities: int | None = _spec(
        "minkilled",
        "Minimum killed (best estimate)",
        "min",
        "Best estimate of deaths (or the low end) at least this.",
        cli="--min-killed",
        folded=True,
    )
    precisions: tuple[str, ...] = _spec(
        "precision",
        "Location precision",
        "list",
        "Location precision: exact, near, district, province, country.",
        column="geo_precision",
        folded=True,
    )
    origins: tuple[str, ...] = _spec(
        "origin",
        "Origin dataset",
        "list",
        "Origin dataset: curated, acled, ucdp or a registered one.",
        column="origin",
        folded=True,
    )
    cross_border_only: bool = _spec(
        "xborder",
        "Cross-border events only",
        "flag",
        "Only events that crossed the border.",
        cli="--cross-border",
        folded=True,
    )
    text: str = _spec("q", "Search text", "text", "Free text, matched in events and claims.", cli="--search")  # fmt: skip

    def replace(self, **changes: Any) -> Filters:
        return dataclasses.replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def in_force(self) -> dict[str, Spec]:
        """The fields set to anything but their empty value, with their specs, in declaration
        order. A minimum of 0 killed is set: it leaves out events whose toll is unknown."""
        return {
            name: spec
            for name, spec in specs().items()
            if getattr(self, name) != _DEFAULTS[spec.kind]
        }

    def describe(self) -> str:
        """The filter in words, from each field's label: 'from 2024-01-01 to 2024-12-31;
        Province: Paktika, Khost; Search text: "strike"', or 'all events'."""
        parts: list[str] = []
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "the first event"
            end = self.date_to.isoformat() if self.date_to else "the last"
            parts.append(f"from {start} to {end}")
        for name, spec in self.in_force().items():
            value = getattr(self, name)
            if spec.kind in ("date_from", "date_to"):
                continue
            if spec.kind == "flag":
                parts.append(spec.label.lower())
            elif spec.kind == "text":
                parts.append(f'{spec.label}: "{value}"')
            elif spec.kind == "min":
                parts.append(f"{spec.label}: {value}")
            else:
                parts.append(f"{spec.label}: {', '.join(map(str, value))}")
        return "; ".join(parts) or "all events"

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
        for f in fields(self):
            spec: Spec = f.metadata["spec"]
            values = getattr(self, f.name)
            if spec.kind != "list" or not values:
                continue
            names = _placeholders(f.name, values, params)
            column = spec.column
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
            key = f.metadata["spec"].url
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
            key = f.metadata["spec"].url
            if key not in query:
                continue
            raw = query[key]
            items = [raw] if isinstance(raw, str) else list(raw)
            good: list[str] = []
            # A value the data holds is taken at any length (an actor named with its
            # attribution runs past 200 characters), matched as any value is (case, spaces);
            # the cap is for anything else.
            known = list((allowed or {}).get(f.name) or ())
            for item in items[:MAX_VALUES]:
                long = len(item) > MAX_VALUE_LENGTH
                if long and not (known and match_known(f.name, item.strip(), known)):
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


def specs() -> dict[str, Spec]:
    """Every filter field's spec, in the order the fields are declared."""
    return {f.name: f.metadata["spec"] for f in fields(Filters)}


# URL keys by field, and the events column each "list" field matches: derived from the specs.
URL_KEYS: dict[str, str] = {name: spec.url for name, spec in specs().items()}
LIST_COLUMNS: dict[str, str] = {
    name: spec.column for name, spec in specs().items() if spec.kind == "list" and spec.column
}


# Filter kinds that take one value: a link that repeats their key is answered by its last value.
SINGLE_VALUED = frozenset({"date_from", "date_to", "min", "flag", "text"})


def _parse(
    name: str,
    items: list[str],
    allowed: Mapping[str, Iterable[str]] | None,
    notes: list[str],
    key: str,
) -> Any:
    kind = specs()[name].kind
    last = items[-1].strip()
    if kind in SINGLE_VALUED and len({i.strip() for i in items}) > 1:
        notes.append(f"'{key}': given {len(items)} times; only the last, {last!r}, is used")
    if kind in ("date_from", "date_to"):
        try:
            return dt.date.fromisoformat(last)
        except ValueError:
            raise ValueError(f"{last!r} is not a date (expected YYYY-MM-DD)") from None
    if kind == "min":
        if not last.isdigit():
            raise ValueError(f"{last!r} is not a whole number ≥ 0")
        return int(last)
    if kind == "flag":
        if last not in ("0", "1", "true", "false"):
            raise ValueError(f"{last!r} is not 1 or 0")
        return last in ("1", "true")
    if kind == "text":
        return last
    cleaned = tuple(dict.fromkeys(i.strip() for i in items if i.strip()))
    if allowed is not None and name in allowed:
        known = list(allowed[name])
        kept = []
        for value in cleaned:
            found = match_known(name, value, known)
            if found is None:
                notes.append(f"'{key}': unknown value {value!r}" + suggestion(value, known))
            else:
                kept.append(found)
        cleaned = tuple(dict.fromkeys(kept))
    return cleaned or None


def match_known(name: str, value: str, known: list[str]) -> str | None:
    """The known value a typed one means: exact, then any case, then (for places) any spelling
    the gazetteer knows ("KPK" is Khyber Pakhtunkhwa)."""
    if value in known:
        return value
    folded = {k.casefold(): k for k in known}
    if value.casefold() in folded:
        return folded[value.casefold()]
    column = specs()[name].column
    if column in PLACE_COLUMNS:
        from .gazetteer import gazetteer

        g = gazetteer()
        resolved = (
            g.country(value)
            if column == "country"
            else next(
                (p.name for c in ("Pakistan", "Afghanistan") if (p := g.province(c, value))), None
            )
            if column == "admin1"
            else g.resolve(None, None, value).admin2
        )
        if resolved in known:
            return resolved
    return None


def suggestion(value: str, known: Iterable[str]) -> str:
    """'; did you mean …?' with the nearest known values, or nothing."""
    import difflib

    pool = list(known)
    folded = {k.casefold(): k for k in pool}
    near = difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(folded[n]) for n in near)}?" if near else ""


def _placeholders(name: str, values: tuple[str, ...], params: dict[str, Any]) -> str:
    keys = []
    for i, value in enumerate(values):
        params[f"{name}_{i}"] = value
        keys.append(f":{name}_{i}")
    return ", ".join(keys)
