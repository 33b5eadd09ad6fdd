"""What keeps a store honest between writes.

Every write by conflict-events (build, import, fetch, region, migrate) records the digest of
the content it leaves, in the same transaction; ``check`` recomputes it and names a change made
outside the tool (a hand edit, a byte flipped on disk), which SQLite's own integrity check does
not see. It also names the files beside a store that mean a write has not been folded in yet:
a ``-wal`` (committed writes only the WAL holds: the ``.db`` file alone, as copied or served
immutable, is stale or unreadable) and a hot rollback journal (an interrupted write).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

# Tables whose rows make up the dataset. The migration log, the import log (timestamps) and
# the recorded digest itself are bookkeeping, outside the digest.
CONTENT_TABLES = (
    "parties",
    "event_types",
    "origins",
    "documents",
    "events",
    "event_sources",
    "event_places",
    "claims",
    "statistics",
    "event_links",
    "quality_notes",
    "possible_duplicates",
    "revisions",
    "dataset_meta",
)
CHUNK = 5_000


def content_digest(db: Database) -> str:
    """SHA-256 over every content row in key order: equal digests mean equal datasets (whatever
    the file's layout: a vacuumed or published copy has the digest of its source)."""
    h = hashlib.sha256()
    for table in CONTENT_TABLES:
        if not db[table].exists():
            continue
        columns = [c.name for c in db[table].columns]
        keys = db[table].pks if db[table].use_rowid is False else columns
        select = ", ".join(f"[{c}]" for c in columns)
        order = ", ".join(f"[{c}]" for c in keys)
        h.update(f"\x1e{table}\x1f{','.join(columns)}".encode())
        cursor = db.execute(f"SELECT {select} FROM [{table}] ORDER BY {order}")  # noqa: S608
        while chunk := cursor.fetchmany(CHUNK):
            h.update(repr(chunk).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Recorded:
    digest: str
    recorded_at: str
    recorded_by: str


def record(db: Database, by: str) -> str:
    """Record the content's digest as written by ``by``; call inside the write's transaction."""
    digest = content_digest(db)
    db.execute(
        """INSERT INTO store_digest (id, digest, recorded_at, recorded_by)
           VALUES (1, :digest, :at, :by)
           ON CONFLICT (id) DO UPDATE SET digest = excluded.digest,
               recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by""",
        {"digest": digest, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "by": by},
    )
    return digest


def recorded(db: Database) -> Recorded | None:
    if not db["store_digest"].exists():
        return None
    row = db.execute("SELECT digest, recorded_at, recorded_by FROM store_digest").fetchone()
    return Recorded(*row) if row else None


def changed_outside(db: Database, digest: str) -> str | None:
    """The problem to report when the content is not what conflict-events last wrote."""
    last = recorded(db)
    if last is None or last.digest == digest:
        return None
    return (
        f"the content differs from what conflict-events last wrote ({last.recorded_by}, "
        f"{last.recorded_at}): a change was made outside the tool (a hand edit, another program, "
        "damage on disk). Restore your last published copy, or, if the change is intended, "
        "record it with `conflict-events check --accept`"
    )


def wal_file(path: Path) -> Path | None:
    """A ``-wal`` holding writes not yet folded into the ``.db`` file, if there is one."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal if wal.stat().st_size > 0 else None
    except OSError:
        return None


def pending_write(path: Path) -> str | None:
    """What the files beside the store say about a write that is not in the ``.db`` file alone."""
    from .store import hot_journal

    journal = hot_journal(path)
    if journal is not None:
        return (
            f"{journal.name} is the journal of an interrupted write: the file alone is half "
            "written. `conflict-events recover` restores the data from before that write"
        )
    wal = wal_file(path)
    if wal is not None:
        return (
            f"{wal.name} holds writes not yet folded into {path.name} (a write in progress, or "
            f"one killed after its commit): {path.name} alone, copied or served read-only, is "
            "stale or unreadable. `conflict-events recover` folds them in; "
            "`conflict-events publish OUT` makes a complete single-file copy"
        )
    return None
