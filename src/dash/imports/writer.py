"""Builds a store from the curated dataset: every row in one transaction, the file swapped in whole."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from sqlite_utils import Database

from .. import __version__, integrity, migrations, store
from .curated import Dataset, load_curated


class BuildRefused(Exception):
    """``build`` would lose data: the target holds imported events, cannot be read, or has
    writes beside it that are not folded in."""


def what_build_discards(target: Path) -> str | None:
    """What replacing ``target`` with a store built from the curated files would lose, in words
    (None: nothing but the curated record it rebuilds)."""
    if not target.exists():
        return None
    try:
        store.require_sqlite_file(target)
        with contextlib.closing(sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)) as conn:
            logged = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'"
            ).fetchone()
            applied = (
                logged
                and conn.execute(
                    "SELECT name FROM _sqlite_migrations ORDER BY id DESC LIMIT 1"
                ).fetchone()
            )
            if applied and applied[0] not in migrations.known_versions():
                return (
                    f"{target} was written by a newer version of conflict-events (schema "
                    f"{applied[0]}): what it holds beyond this version's tables is unknown"
                )
            rows = conn.execute(
                "SELECT origin, count(*) FROM events WHERE origin != 'curated'"
                " GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
    except store.StoreError as exc:
        return f"{target} cannot be read ({exc.args[0]}), so what it holds is unknown"
    except sqlite3.DatabaseError as exc:
        return f"{target} cannot be read ({exc}), so what it holds is unknown"
    if not rows:
        return None
    total = sum(n for _, n in rows)
    by_origin = ", ".join(f"{origin} {n:,}" for origin, n in rows)
    return (
        f"{target} holds {total:,} imported event{'s' if total != 1 else ''} ({by_origin}) that "
        "build would discard: it rebuilds from the curated files only"
    )


def write_dataset(db: Database, ds: Dataset) -> None:
    """Insert a whole dataset in one transaction (the caller's database must be migrated)."""
    with db.atomic():
        for table, rows in (
            ("documents", ds.documents),
            ("events", ds.events),
            ("event_sources", ds.event_sources),
            ("claims", ds.claims),
            ("statistics", ds.statistics),
            ("event_links", ds.links),
            ("event_places", ds.places),
        ):
            if rows:
                db[table].insert_all((r.record() for r in rows), batch_size=500)
        db["dataset_meta"].insert_all(
            ({"key": k, "value": v} for k, v in sorted(ds.meta.items())), replace=True
        )
        store.refresh_statistics(db)


def curated_checksum(folder: Path) -> str:
    """SHA-256 over the curated files' names and bytes, in a fixed order."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def build_database(
    curated: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    discard_imports: bool = False,
) -> Path:
    """Rebuild ``target`` from the curated files.

    Everything is validated first; the new database is written beside the target and moved into
    place only once complete and checked, so the old file is untouched if anything fails. A
    target holding imported events (or one that cannot be read) is replaced only with
    ``discard_imports``; one with writes beside it not folded in (a ``-wal``, a hot journal)
    never: those would be applied to the new file.
    """
    folder = Path(curated)
    target_path = Path(target).resolve()
    if target_path.is_dir():
        raise BuildRefused(f"{target_path} is a folder: give the path of the .db file to build")
    pending = integrity.pending_write(target_path)
    if pending:
        raise BuildRefused(f"{target_path}: {pending}. Then build again.")
    loss = what_build_discards(target_path)
    if loss and not discard_imports:
        raise BuildRefused(
            f"{loss}. Nothing was changed. To replace it anyway, pass --discard-imports; to keep "
            "them, build into another file (--db new.db)"
        )
    ds = load_curated(folder)
    ds.meta = {**ds.meta, "curated_sha256": curated_checksum(folder), "app_version": __version__}
    target_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=target_path.name + ".", suffix=".tmp", dir=target_path.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        db = store.open_writable(tmp, create=True)
        try:
            started = _now()
            write_dataset(db, ds)
            db["imports"].insert(
                {
                    "origin": "curated",
                    "file": folder.name,
                    "sha256": ds.meta["curated_sha256"],
                    "started_at": started,
                    "finished_at": _now(),
                    "rows_read": len(ds.events) + len(ds.claims) + len(ds.statistics),
                    "rows_stored": len(ds.events) + len(ds.claims) + len(ds.statistics),
                    "rows_rejected": 0,
                    "status": "ok",
                    "message": (
                        f"{len(ds.events)} events, {len(ds.claims)} claims, "
                        f"{len(ds.statistics)} statistics, {len(ds.documents)} documents"
                    ),
                }
            )
            integrity.record(db, "build")
            db.execute("PRAGMA journal_mode = DELETE")
            db.vacuum()
        finally:
            db.close()
        report = store.check(tmp)
        if not report.ok:
            raise store.DatabaseCorrupt("; ".join(report.problems), tmp)
        os.replace(tmp, target_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target_path


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
