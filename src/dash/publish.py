"""``conflict-events publish OUT``: the one safe way to make the file a read-only instance serves.

A copy made with ``cp`` can miss writes still in the ``-wal`` (a killed import's committed rows:
the ``.db`` alone is stale) or catch a checkpoint half done (the copy reads as malformed). Publish
reads the store through SQLite, with its ``-wal``, and writes a single-file snapshot with
``VACUUM INTO``; checks it; refuses a store whose content differs from what conflict-events last
wrote; writes the persisted columns for it and a manifest (digests, counts, as-of line) beside
it; and only then renames it over ``OUT``, so a server sees the old file or the new one, whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlite_utils import Database

from . import __version__, columns, integrity, migrations, store
from .queries import catalogue


class PublishRefused(Exception):
    """The store cannot be published as it is; the message names why and the fix."""


@dataclass(frozen=True)
class Manifest:
    file: str
    sha256: str
    content_digest: str
    schema_version: str
    counts: dict[str, int]
    data_as_of: str | None
    published_at: str
    published_from: str
    app_version: str

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", "utf-8")


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def _open_source(path: Path) -> Database:
    """The store with its pending writes (``-wal``) seen, read-only whatever EVENTS_READONLY says."""
    if not path.is_file():
        raise PublishRefused(f"{path}: no database file to publish")
    if store.hot_journal(path) is not None:
        raise PublishRefused(
            f"{path}: an interrupted write's journal is beside it; run conflict-events recover "
            "first (it restores the data from before that write), then publish"
        )
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    db = Database(conn)
    try:
        version = store.schema_version(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise PublishRefused(str(store.unusable(exc, path))) from exc
    if version != migrations.latest_version():
        conn.close()
        newer = version is not None and version not in migrations.known_versions()
        raise PublishRefused(
            f"{path}: schema {version or 'none'}, this version needs "
            f"{migrations.latest_version()}; "
            + (
                "the file was written by a newer version: update conflict-events first"
                if newer
                else "run conflict-events migrate first"
            )
        )
    return db


def publish(source: str | os.PathLike[str] | None, out: str | os.PathLike[str]) -> Manifest:
    """Publish the store at ``source`` as ``out`` (see the module's docstring)."""
    source_path = store.database_path(source)
    out_path = Path(out).expanduser().resolve()
    if out_path == source_path:
        raise PublishRefused(
            f"{out_path} is the store itself: publish to the file the instance serves, elsewhere"
        )
    if out_path.is_dir():
        raise PublishRefused(f"{out_path} is a folder: give the path of the file to write")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    db = _open_source(source_path)
    try:
        digest = integrity.content_digest(db)
        changed = integrity.changed_outside(db, digest)
        if changed:
            raise PublishRefused(f"{source_path}: {changed}")
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", dir=out_path.parent))
        snapshot = tmp / out_path.name
        try:
            db.execute("VACUUM INTO :target", {"target": str(snapshot)})
        except sqlite3.DatabaseError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise PublishRefused(str(store.unusable(exc, source_path))) from exc
    finally:
        db.close()
    try:
        return _finish(snapshot, out_path, source_path, digest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _finish(snapshot: Path, out: Path, source: Path, digest: str) -> Manifest:
    with contextlib.closing(sqlite3.connect(snapshot)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # one file, readable from a read-only folder
    report = store.check(snapshot)
    if not report.ok:
        raise PublishRefused(f"the copy failed its check: {'; '.join(report.problems)}")
    if report.digest != digest:
        raise PublishRefused("the copy's content differs from the store's; nothing was published")
    copy = store.open_readonly(snapshot)
    try:
        as_of = catalogue.data_as_of(copy)
    finally:
        copy.close()
    manifest = Manifest(
        file=out.name,
        sha256=store.file_sha256(snapshot),
        content_digest=digest,
        schema_version=report.schema_version or "",
        counts=report.counts,
        data_as_of=as_of,
        published_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        published_from=str(source),
        app_version=__version__,
    )
    columns.write_for(snapshot)
    built_columns = columns.folder_for(snapshot)
    target_columns = columns.folder_for(out)
    if built_columns.exists():
        # The columns first: until the file follows, they do not match the file being served
        # (their key is the file's state), so a server reads its columns from SQL meanwhile.
        if target_columns.exists():
            shutil.rmtree(target_columns)
        os.replace(built_columns, target_columns)
    manifest.write(snapshot.with_name(snapshot.name + ".manifest.json"))
    os.replace(snapshot.with_name(snapshot.name + ".manifest.json"), manifest_path(out))
    os.replace(snapshot, out)
    return manifest
