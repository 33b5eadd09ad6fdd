"""Where the database lives, how it is opened, and how its health is checked.

The app only ever reads (``open_readonly``); the CLI writes (``open_writable``), and builds whole
databases beside the target before swapping them in, so a reader never sees a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from . import integrity, migrations

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "events.db"
ENV_VAR = "EVENTS_DB"
REBUILD_HINT = "conflict-events build"
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """A database that cannot be used, with the path and the command that fixes it."""

    def __init__(self, message: str, path: Path, hint: str = REBUILD_HINT) -> None:
        super().__init__(message)
        self.path = path
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.args[0]} ({self.path}). Fix: {self.hint}"


class DatabaseMissing(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class DatabaseOutdated(StoreError):
    pass


class DatabaseInterrupted(StoreError):
    """A write was interrupted (killed import): its rollback journal is still beside the file."""


class DatabaseBusy(StoreError):
    """Another process holds a write lock (a rollback-journal write in progress) past the wait."""


RECOVER_HINT = "conflict-events recover"
BUSY_HINT = "wait a moment, then reload the page (or run the command again)"

# How long a reader waits for another process's write lock before saying the database is busy.
# Short: a page waits this long per blocked query. WAL writes (imports) never block readers.
READ_BUSY_TIMEOUT_S = 2.0

READONLY_ENV = "EVENTS_READONLY"


def serving_readonly() -> bool:
    """Hosted mode (``EVENTS_READONLY=1``): the database file is opened immutable.

    SQLite then takes no locks and never looks at (or creates) journal, ``-wal`` or ``-shm``
    files, so it reads from a read-only filesystem and never writes anything beside the file.
    The price: a change in place would go unnoticed or be read half-done, so in this mode data
    changes only by replacing the file whole (``conflict-events build`` does; see docs/deploy.md).
    """
    return os.environ.get(READONLY_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _interrupted(path: Path) -> DatabaseInterrupted:
    # A read-only connection cannot roll the interrupted write back; the data before it is
    # intact in the file plus journal, and one writable open restores it.
    return DatabaseInterrupted(
        f"An interrupted write left its rollback journal ({path.name}-journal); the data from "
        "before it is intact and is restored by rolling the journal back",
        path,
        hint=RECOVER_HINT,
    )


def unusable(exc: sqlite3.Error, path: Path) -> StoreError:
    """The StoreError that explains a failed read: interrupted write, busy, or damaged."""
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
        return _interrupted(path)  # a hot journal: its writer died, none holds the lock
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            "The database is busy: another process is writing it; try again in a moment",
            path,
            hint=BUSY_HINT,
        )
    return DatabaseCorrupt(f"The database cannot be read: {exc}", path, hint=repair_hint(path))


def repair_hint(path: Path) -> str:
    """The fix for a store that cannot be read, never one that loses data when another won't.

    A journal or -wal beside the file, or a file in WAL mode (whose -wal may be gone or
    unreadable from here), is a write not folded in: ``recover`` restores it. Otherwise restore
    a copy; ``build`` is named last, with what it discards.
    """
    beside = hot_journal(path) or integrity.wal_file(path)
    try:
        with path.open("rb") as fh:
            wal_mode = fh.read(20)[18:20] == b"\x02\x02"
    except OSError:
        wal_mode = False
    if beside is not None or wal_mode:
        return (
            f"{RECOVER_HINT} (run where {path.name} and the files beside it can be written; "
            "it keeps every committed row)"
        )
    return (
        f"{RECOVER_HINT}; if it still fails, restore the last copy made by conflict-events "
        f"publish or your backup ({REBUILD_HINT} makes a new store from the curated files only: "
        "imported events would be lost)"
    )


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def hot_journal(path: Path) -> Path | None:
    """The rollback journal of an interrupted write, if one is waiting to be rolled back.

    A journal whose header was never completed (the writer died before syncing it) is not hot:
    the database file was not touched, and SQLite ignores it.
    """
    journal = path.with_name(path.name + "-journal")
    try:
        with journal.open("rb") as fh:
            return journal if fh.read(len(JOURNAL_MAGIC)) == JOURNAL_MAGIC else None
    except OSError:
        return None


NO_DOWNLOAD_ENV = "EVENTS_NO_DOWNLOAD_ORIGINS"


def no_download_origins() -> frozenset[str]:
    """Origins whose raw rows a hosted instance keeps out of downloads (ACLED's terms)."""
    return frozenset(o.strip() for o in os.environ.get(NO_DOWNLOAD_ENV, "").split(",") if o.strip())


def database_path(value: str | os.PathLike[str] | None = None) -> Path:
    """The database to use: an explicit path, else ``$EVENTS_DB``, else ``data/events.db``."""
    chosen = value or os.environ.get(ENV_VAR) or DEFAULT_DB
    # Resolved, symbolic links followed: SQLite writes -wal and -journal beside the real file,
    # and the checks for them (and publish's "is this the store itself") must look there.
    return Path(chosen).expanduser().resolve()


def require_sqlite_file(path: Path) -> None:
    if not path.exists():
        raise DatabaseMissing("No database file", path)
    if path.is_dir():
        raise DatabaseCorrupt(
            "The database path is a folder, not a file",
            path,
            hint=f"give the .db file itself: --db {path / 'events.db'} (or set {ENV_VAR} to it)",
        )
    if path.stat().st_size == 0:
        raise DatabaseCorrupt("The file is empty (0 bytes): it holds no database yet", path)
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseCorrupt(
            "The file is not an SQLite database (bad header)",
            path,
            hint=(
                f"{REBUILD_HINT} (makes a new store from the curated files; if this file is not "
                f"the events database, point --db or {ENV_VAR} at the right one instead: build "
                "does not overwrite a file it cannot read unless given --discard-imports)"
            ),
        )


def readonly_uri(db_path: Path) -> str:
    """The URI every read-only reader opens the store by: immutable on a read-only instance
    (no locks, no -shm beside the file), else read-only."""
    query = "mode=ro&immutable=1" if serving_readonly() else "mode=ro"
    return f"{db_path.as_uri()}?{query}"


def readonly_connection(db_path: Path) -> sqlite3.Connection:
    """A read-only connection to a store ``open_readonly`` has checked (no checks again)."""
    return sqlite3.connect(
        readonly_uri(db_path), uri=True, check_same_thread=False, timeout=READ_BUSY_TIMEOUT_S
    )


def open_readonly(path: str | os.PathLike[str] | None = None) -> Database:
    """A read-only, thread-shareable connection for the app; raises StoreError if unusable."""
    db_path = database_path(path)
    require_sqlite_file(db_path)
    immutable = serving_readonly()
    if immutable and hot_journal(db_path) is not None:
        # An immutable reader ignores journals and would read the half-written file. (A normal
        # reader lets SQLite decide: a live writer's journal is not hot, see ``unusable``.)
        raise _interrupted(db_path)
    if immutable and integrity.wal_file(db_path) is not None:
        # ... and ignores the -wal too: it would serve the data from before the last writes.
        raise DatabaseInterrupted(
            f"{db_path.name}-wal beside it holds writes not yet in the file, which a read-only "
            "instance would not see (it would serve stale data)",
            db_path,
            hint=f"{RECOVER_HINT} (folds them in), or serve a copy made by conflict-events publish",
        )
    conn = readonly_connection(db_path)
    db = Database(conn)
    try:
        version = schema_version(db)
        no_tables = version is None and not db.table_names()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise unusable(exc, db_path) from exc
    if no_tables:
        conn.close()
        raise DatabaseOutdated(
            "The file is an SQLite database with no tables: not an events database yet",
            db_path,
            hint=f"{REBUILD_HINT} (or conflict-events migrate to add the empty tables)",
        )
    if version is not None and version not in migrations.known_versions():
        conn.close()
        raise _newer(db_path, version)
    if version != migrations.latest_version():
        conn.close()
        raise DatabaseOutdated(
            f"Schema is at {version or 'no version'}, the app needs {migrations.latest_version()}",
            db_path,
            hint=f"conflict-events migrate (or {REBUILD_HINT})",
        )
    return db


def open_writable(path: str | os.PathLike[str] | None = None, *, create: bool = False) -> Database:
    """A writable connection with foreign keys on and migrations applied."""
    db_path = database_path(path)
    if not create:
        require_sqlite_file(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(db_path)
    db.execute("PRAGMA foreign_keys = ON")
    try:
        version = schema_version(db)
        if version is not None and version not in migrations.known_versions():
            db.close()
            raise _newer(db_path, version)  # writing would half-apply an unknown schema
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise unusable(exc, db_path) from exc
    return db


def _newer(db_path: Path, version: str | None) -> DatabaseOutdated:
    return DatabaseOutdated(
        f"Schema is at {version}, which this version of conflict-events does not know (it knows "
        f"up to {migrations.latest_version()}): the file was written by a newer version",
        db_path,
        hint="update conflict-events (git pull, then pip install -e .) before reading or "
        "writing this file",
    )


def refresh_statistics(db: Database) -> None:
    """Sample the indexes for the query planner (ANALYZE, bounded to a few ms per index).

    Without statistics SQLite walks a million events to join a few thousand claims, and cannot
    skip-scan the place index for a province; with them it starts from the smaller side.
    """
    db.execute("PRAGMA analysis_limit = 1000")
    db.execute("ANALYZE")


def begin_concurrent_write(db: Database) -> None:
    """Switch to WAL for a long write (an import) into a database the dashboard may be serving.

    In WAL mode readers keep reading the last committed data while the write runs and see all
    of it at once when it commits; in rollback-journal mode a large write locks them out.
    """
    db.execute("PRAGMA journal_mode = WAL")


def end_concurrent_write(db: Database) -> str:
    """Fold the WAL back into the file and return to rollback-journal mode if possible.

    A WAL-mode file cannot be opened (even read-only) from a read-only folder without its
    ``-shm`` file, so the file goes back to ``delete`` mode. That needs the file to itself: while
    another connection (a running dashboard) has it open it stays in WAL mode, fully
    checkpointed, and the next write that finds it free switches it back. Returns the mode.
    """
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA busy_timeout = 0")  # don't wait: a reader may hold the file for hours
    try:
        return db.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return "wal"


def schema_version(db: Database) -> str | None:
    """The name of the last applied migration, or None for a database without our schema."""
    applied = migrations.migrations.applied(db)
    return applied[-1].name if applied else None


@dataclass
class CheckReport:
    path: Path
    schema_version: str | None = None
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    digest: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: str | os.PathLike[str] | None = None) -> CheckReport:
    """Everything `conflict-events check` reports: version, integrity, foreign keys, counts."""
    db_path = database_path(path)
    report = CheckReport(path=db_path)
    try:
        db = open_readonly(db_path)
    except StoreError as exc:
        report.problems.append(str(exc))
        return report
    try:
        report.schema_version = schema_version(db)
        lines = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
        if lines != ["ok"]:
            report.problems.extend(f"integrity: {line}" for line in lines[:20])
        for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
            report.problems.append(
                f"foreign key: {table} row {rowid} points to a missing {parent} row"
            )
        for table in ("events", "claims", "documents", "statistics", "event_links", "imports"):
            report.counts[table] = db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]  # noqa: S608
        fts_problem = _fts_problem(db)
        if fts_problem:
            report.problems.append(fts_problem)
        report.digest = integrity.content_digest(db)
        changed = integrity.changed_outside(db, report.digest)
        if changed:
            report.problems.append(changed)
        pending = integrity.pending_write(db_path)
        if pending:
            report.problems.append(pending)
    except sqlite3.DatabaseError as exc:
        report.problems.append(str(unusable(exc, db_path)))
    finally:
        db.close()
    return report


def _fts_problem(db: Database) -> str | None:
    for table in ("events", "claims"):
        fts = f"{table}_fts"
        n_rows = db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]  # noqa: S608
        n_fts = db.execute(f"SELECT count(*) FROM [{fts}]").fetchone()[0]  # noqa: S608
        if n_rows != n_fts:
            return f"full-text index {fts} has {n_fts} rows for {n_rows} in {table}"
    return None


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
