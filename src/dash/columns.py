"""The in-memory columns behind every aggregate: read from the store, and persisted beside it.

Reading a million events' columns from SQLite takes seconds, and a server did it on every start
and after every import. So the columns are also written as NumPy files beside the database
(``<database>.columns/``) by ``build``, by every import and by the first server that reads a
new state, and memory-mapped on start: a fresh server draws its first page in well under a
second. The copy is keyed by the database file's state (size, modification time, SQLite's change
counter, and the same for its ``-wal``), so a stale copy is never used: a changed store is read
again, and the copy rewritten where the folder is writable.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from . import store
from .figures import CODED, COUNTS, days
from .filters import PLACE_COLUMNS
from .tally import Tally

FORMAT = 1  # bump when the files' layout changes: an older copy is then read again
_LOAD_CHUNK = 20_000
_NAMES = ("rowid", "date_start", "date_end", "cross_border", "latitude", "longitude", *CODED,
          *COUNTS)  # fmt: skip


def _array(name: str, values: Any, codes: dict[Any, int] | None) -> np.ndarray:
    """One loaded column as an array: integer codes for text (extending ``codes``), day
    numbers for dates, int64 rowids, float32 for counts, float64 with NaN elsewhere."""
    if codes is not None:
        local, uniques = pd.factorize(np.array(values, dtype=object))
        mapping = np.array([codes.setdefault(u, len(codes)) for u in uniques] + [-1], np.int32)
        return mapping[local]  # the sentinel -1 indexes the appended -1
    if name in ("rowid", "also_position"):
        return np.array(values, dtype=np.int64)
    if name.startswith("date_"):
        return days(values)
    if name in COUNTS:  # whole numbers below 2**24 are exact in float32; sums run in float64
        return np.array(values, dtype=np.float32)
    return np.array(values, dtype=np.float64)


def read_columns(db: Database) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Every column an aggregate reads, from SQL: arrays, and the labels of the coded ones."""
    chunks: dict[str, list[np.ndarray]] = {name: [] for name in _NAMES}
    codes_of: dict[str, dict[Any, int]] = {name: {} for name in CODED}
    cursor = db.execute(f"SELECT {', '.join(_NAMES)} FROM events ORDER BY rowid")  # noqa: S608
    # Each chunk becomes arrays at once (text as integer codes), so at most one chunk of Python
    # objects is alive: a million rows of them would need over a gigabyte.
    while chunk := cursor.fetchmany(_LOAD_CHUNK):
        for name, values in zip(_NAMES, zip(*chunk, strict=True), strict=True):
            chunks[name].append(_array(name, values, codes_of.get(name)))
    arrays: dict[str, np.ndarray] = {}
    for name in _NAMES:  # one column at a time, so its chunks and its whole never add up
        parts = chunks.pop(name)
        arrays[name] = np.concatenate(parts) if parts else _array(name, (), codes_of.get(name))
        del parts
    rows = db.execute(
        "SELECT e.rowid, p.country, p.admin1, p.admin2 FROM event_places p"
        " JOIN events e ON e.id = p.event_id ORDER BY e.rowid"
    ).fetchall()
    further = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    arrays["also_position"] = np.searchsorted(
        arrays["rowid"], _array("also_position", further[0], None)
    )
    for name, values in zip(PLACE_COLUMNS, further[1:], strict=True):
        arrays[f"also_{name}"] = _array(name, values, codes_of[name])
    labels = {name: [str(v) for v in codes_of[name]] for name in CODED}
    return arrays, labels


def folder_for(path: Path) -> Path:
    return path.with_name(path.name + ".columns")


def state_key(path: Path) -> dict[str, Any]:
    """What the copy is keyed on: the database file's state, and its -wal's."""
    key: dict[str, Any] = {"format": FORMAT}
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            info = part.stat()
        except OSError:
            continue
        with part.open("rb") as fh:
            header = fh.read(100)
        key[part.name[len(path.name):] or "db"] = [info.st_size, info.st_mtime_ns,
                                                   header[24:28].hex()]  # fmt: skip
    return key


def load_persisted(path: Path) -> tuple[dict[str, np.ndarray], dict[str, list[str]]] | None:
    """The persisted columns, memory-mapped, if they match the database's state now."""
    folder = folder_for(path)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("key") != state_key(path):
        return None
    try:
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in meta["arrays"]}
    except (OSError, ValueError):
        return None
    return arrays, meta["labels"]


def persist(path: Path, arrays: dict[str, np.ndarray], labels: dict[str, list[str]]) -> bool:
    """Write the columns beside the database (whole or not at all); False where the folder
    cannot be written (a read-only deployment): the columns then live in memory only."""
    folder = folder_for(path)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=path.parent))
    except OSError:
        return False
    try:
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))
        meta = {"key": state_key(path), "arrays": sorted(arrays), "labels": labels}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
        return True
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return False


def open_tally(db: Database, path: Path | None) -> Tally:
    """The Tally of the store: from its persisted copy when current, else read (and persisted
    for the next start, unless the instance serves read-only)."""
    if path is None:
        return Tally.load(db)
    found = load_persisted(path)
    if found is not None:
        return Tally(db, *found)
    arrays, labels = read_columns(db)
    if not store.serving_readonly():
        persist(path, arrays, labels)
    return Tally(db, arrays, labels)


def write_for(path: Path) -> bool:
    """Read the store's columns and persist them (after a build or an import)."""
    db = store.open_readonly(path)
    try:
        arrays, labels = read_columns(db)
    finally:
        db.close()
    return persist(path, arrays, labels)
