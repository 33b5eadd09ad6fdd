"""The formats an import reads: one small adapter module per format, each turning one source
row into the store's validated rows (``parsing.Converted``).

Every source column lands somewhere documented (docs/imports.md): an event field, the event's
source document, or verbatim in the event's ``extra`` JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import vocab
from . import acled, ucdp
from .parsing import Converted, ReadOptions, RowError

Convert = Callable[[dict[str, str], ReadOptions], Converted]


@dataclass(frozen=True)
class Format:
    """A file format: how to convert a row, and the column that must be in the header.

    ``registry`` (name, licence, terms, url) registers the origin in the store when its rows go
    in: a mapped spreadsheet's own origin. The built-in origins are registered by the schema.
    """

    origin: str
    convert: Convert
    id_column: str
    registry: tuple[str, str, str, str | None] | None = None
    status_of: Callable[[str], str | None] | None = None  # a file name -> its rows' status


ADAPTERS: dict[str, Format] = {
    "acled": Format("acled", acled.convert, acled.ID),
    "ucdp": Format("ucdp", ucdp.convert, ucdp.ID, status_of=ucdp.status_of),
}

assert set(acled.GEO_PRECISION.values()) <= set(vocab.GEO_PRECISIONS)
assert set(ucdp.WHERE_PRECISION.values()) <= set(vocab.GEO_PRECISIONS)

__all__ = ["ADAPTERS", "Converted", "Format", "ReadOptions", "RowError"]
