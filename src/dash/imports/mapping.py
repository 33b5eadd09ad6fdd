"""The mapping file of a mapped import (TOML): which column, fixed value or combination gives
each event field, how the file reads, and the origin its rows belong to. ``load_mapping`` checks
it whole before any row is read; ``mapped.MappedFormat`` turns it into the importer's format."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .. import vocab
from .rows import OriginId


class MappingError(Exception):
    """A mapping file that cannot be used, with every problem named by its key."""


class Fixed(BaseModel):
    """A value the file does not hold: `country = { value = "Pakistan" }`."""

    model_config = ConfigDict(extra="forbid")
    value: str


class Joined(BaseModel):
    """Several columns joined: `title = { join = ["Attack type", "Location"], separator = " — " }`."""

    model_config = ConfigDict(extra="forbid")
    join: Annotated[list[str], Field(min_length=1)]
    separator: str = ", "


# A field's source: a column's name, a fixed value, or columns joined.
Source = str | Fixed | Joined


class Hashed(BaseModel):
    """A stable id when the file has none: a hash of the named columns' values. With ``dates =
    "read"``, the date columns among them count by the date they hold, not the text that writes
    it (a workbook's ``2025-03-04`` and its CSV's ``4-Mar-25`` give one id); ``"as_written"``,
    the default, keeps the ids of mappings written before the choice existed."""

    model_config = ConfigDict(extra="forbid")
    hash: Annotated[list[str], Field(min_length=1)]
    dates: Literal["as_written", "read"] = "as_written"


class OriginSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: OriginId
    name: str
    licence: str
    terms: str = ""
    url: str | None = None

    @model_validator(mode="after")
    def _not_a_builtin(self) -> OriginSpec:
        if self.id in vocab.KNOWN_ORIGINS:
            raise ValueError(
                f"{self.id!r} is a built-in origin; name the spreadsheet's own (e.g. 'pbc-drones')"
            )
        return self


class FileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    encoding: str | None = None  # UTF-8, or UTF-16 by its byte-order mark, unless given
    delimiter: str | None = None  # guessed from the header line when not given
    date_order: Literal["dmy", "mdy"] | None = None
    sheet: str | None = None  # an Excel workbook's sheet to import, when it has several


class TypeMap(BaseModel):
    """Event type and sub-type: a column's values mapped onto the ACLED typology."""

    model_config = ConfigDict(extra="forbid")
    column: str | None = None
    default: tuple[str, str] | None = None
    values: dict[str, tuple[str, str]] = {}

    @model_validator(mode="after")
    def _acled_pairs(self) -> TypeMap:
        pairs = [*self.values.values(), *([self.default] if self.default else [])]
        for event_type, sub_type in pairs:
            if sub_type not in vocab.EVENT_TYPOLOGY.get(event_type, ()):
                raise ValueError(f"{event_type!r} / {sub_type!r} is not an ACLED type pair")
        if self.column is None and self.default is None:
            raise ValueError("give a column with values, a default, or both")
        return self


class Fields(BaseModel):
    """Where each event field comes from. Only `id` (or a hash) and `date` are required."""

    model_config = ConfigDict(extra="forbid")
    id: str | Hashed
    date: Source
    date_end: Source | None = None
    date_precision: Source | None = None
    title: Source | None = None
    summary: Source | None = None
    country: Source | None = None
    admin1: Source | None = None
    admin2: Source | None = None
    location: Source | None = None
    latitude: Source | None = None
    longitude: Source | None = None
    geo_precision: Source | None = None
    actor1: Source | None = None
    actor2: Source | None = None
    killed: Source | None = None  # one figure: low = high = it; best stays empty
    killed_low: Source | None = None
    killed_high: Source | None = None
    killed_best: Source | None = None
    injured: Source | None = None
    civilians: Source | None = None
    security_forces: Source | None = None
    militants: Source | None = None
    unknown: Source | None = None
    source_publisher: Source | None = None
    source_title: Source | None = None
    source_url: Source | None = None
    source_date: Source | None = None

    @model_validator(mode="after")
    def _one_way_to_count(self) -> Fields:
        if self.killed is not None and (self.killed_low or self.killed_high):
            raise ValueError("give either killed, or killed_low and killed_high, not both")
        return self


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: OriginSpec
    file: FileSpec = FileSpec()
    fields: Fields
    event_type: TypeMap


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; raise MappingError naming each problem by its key."""
    source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{source}: no such mapping file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{source}: not a valid TOML file: {exc}") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"  - {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise MappingError(f"{source}: the mapping has problems:\n" + "\n".join(problems)) from None


def columns_used(mapping: Mapping) -> set[str]:
    """Every column the mapping reads."""
    used: set[str] = set()
    for value in mapping.fields.__dict__.values():
        if isinstance(value, str):
            used.add(value)
        elif isinstance(value, Joined):
            used.update(value.join)
        elif isinstance(value, Hashed):
            used.update(value.hash)
    if mapping.event_type.column:
        used.add(mapping.event_type.column)
    return used


def check_header(mapping: Mapping, header: list[str], path: Path) -> None:
    missing = sorted(columns_used(mapping) - set(header))
    if missing:
        raise MappingError(
            f"{path}: the mapping names column(s) the file does not have: {', '.join(missing)}. "
            f"The header is: {', '.join(header)}"
        )
