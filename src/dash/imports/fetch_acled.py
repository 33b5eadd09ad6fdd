"""``conflict-events fetch acled``: ACLED's API, for users with an ACLED account.

ACLED's current API authenticates with OAuth: the account's email and password are exchanged at
``<base>/oauth/token`` (client ``acled``, password grant) for a bearer token; events come from
``<base>/api/acled/read`` in pages (``limit``, ``page``), and deleted events from
``<base>/api/deleted/read``. Credentials come from ``ACLED_EMAIL`` / ``ACLED_PASSWORD`` or a
prompt; they are never written to the repository or the database.

Pages are saved as they arrive (``page-0001.json`` … in a folder named after the query), so an
interrupted fetch resumes at the next page; when every page is in, they become one CSV in
ACLED's column order and go through the same import path as ``import acled``. Deletions are
applied after the import, each recorded as a revision. A re-run asks only for events changed
since the last successful fetch (``timestamp``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from .. import integrity, regions
from . import acled
from .bulk import delete_events
from .download import DownloadFailed, get_json, post_form
from .importer import ImportReport, import_file

BASE_URL = "https://acleddata.com"
BASE_ENV = "EVENTS_ACLED_URL"
PAGE_SIZE = 5000
LAST_FETCH_KEY = "acled_last_fetch"
LICENCE_NOTE = (
    "ACLED's terms of use apply: cite ACLED, and do not redistribute its raw rows. On a shared "
    "instance set EVENTS_NO_DOWNLOAD_ORIGINS=acled (docs/deploy.md)."
)


@dataclass
class AcledFetch:
    pages: int = 0
    rows: int = 0
    report: ImportReport | None = None
    deleted: list[str] = field(default_factory=list)
    since: int | None = None


def token(base: str, email: str, password: str) -> str:
    answer = post_form(
        f"{base}/oauth/token",
        {"username": email, "password": password, "grant_type": "password", "client_id": "acled"},
    )
    access = answer.get("access_token") if isinstance(answer, dict) else None
    if not access:
        raise DownloadFailed("ACLED did not return an access token; check the email and password")
    return str(access)


def _query(countries: tuple[str, ...], since: int | None) -> dict[str, str]:
    query = {"_format": "json", "country": "|".join(countries), "limit": str(PAGE_SIZE)}
    if since is not None:
        query.update(timestamp=str(since), timestamp_where=">=")
    return query


def fetch_acled(
    db: Database,
    cache: Path,
    email: str,
    password: str,
    *,
    base: str = BASE_URL,
    countries: tuple[str, ...] | None = None,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> AcledFetch:
    """Fetch ACLED events of the region (changed since the last fetch), import them, apply
    deletions; return what was done."""
    base = base.rstrip("/")
    result = AcledFetch()
    chosen = countries or regions.region(db)
    last = db.execute(
        "SELECT value FROM dataset_meta WHERE key = :k", {"k": LAST_FETCH_KEY}
    ).fetchone()
    result.since = None if full or not last else int(last[0])
    started = int((now or dt.datetime.now(dt.UTC)).timestamp())
    bearer = {"Authorization": f"Bearer {token(base, email, password)}"}
    query = _query(chosen, result.since)
    folder = cache / (
        "acled-" + hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:12]
    )
    folder.mkdir(parents=True, exist_ok=True)
    page = 1
    while True:
        saved = folder / f"page-{page:04d}.json"
        if saved.exists():
            rows = json.loads(saved.read_text(encoding="utf-8"))
        else:
            url = f"{base}/api/acled/read?" + urllib.parse.urlencode({**query, "page": str(page)})
            answer = get_json(url, headers=bearer)
            rows = answer.get("data") if isinstance(answer, dict) else None
            if rows is None or not isinstance(rows, list):
                raise DownloadFailed(
                    f"ACLED's answer for page {page} has no data list; nothing changed"
                )
            tmp = saved.with_suffix(".part")
            tmp.write_text(json.dumps(rows), encoding="utf-8")
            tmp.replace(saved)  # a page is kept only whole
        result.pages, result.rows = page, result.rows + len(rows)
        if progress:
            progress(page, result.rows)
        if len(rows) < PAGE_SIZE:
            break
        page += 1
    if result.rows:
        csv_path = folder / "acled.csv"
        _write_csv(folder, result.pages, csv_path)
        result.report = import_file(db, csv_path, "acled")
    deleted = deleted_by_acled(base, bearer, result.since)
    # One transaction, one digest: the deletions and the last-fetch time are content (dataset_meta
    # is in the digest), and `check` must see them as the tool's own writes.
    with db.atomic():
        import_id = result.report.import_id if result.report else None
        result.deleted = delete_events(db, deleted, import_id, "deleted by ACLED")
        db.execute(
            "INSERT INTO dataset_meta (key, value) VALUES (:k, :v)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {"k": LAST_FETCH_KEY, "v": str(started)},
        )
        integrity.record(db, f"fetch acled ({len(result.deleted)} deleted by ACLED)")
    for saved in folder.glob("page-*.json"):
        saved.unlink()
    return result


def _write_csv(folder: Path, pages: int, target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(acled.COLUMNS)
        for page in range(1, pages + 1):
            for row in json.loads((folder / f"page-{page:04d}.json").read_text(encoding="utf-8")):
                writer.writerow(
                    ["" if row.get(c) is None else str(row.get(c)) for c in acled.COLUMNS]
                )


def deleted_by_acled(base: str, bearer: dict[str, str], since: int | None) -> list[str]:
    """The ids of the events ACLED has deleted (since the last fetch, when there was one)."""
    query = {"_format": "json", "limit": str(PAGE_SIZE)}
    if since is not None:
        query["deleted_timestamp"] = str(since)
    answer = get_json(f"{base}/api/deleted/read?" + urllib.parse.urlencode(query), headers=bearer)
    rows = answer.get("data", []) if isinstance(answer, dict) else []
    return [
        f"acled:{r['event_id_cnty']}"
        for r in rows
        if isinstance(r, dict) and r.get("event_id_cnty")
    ]


__all__ = ["LICENCE_NOTE", "AcledFetch", "fetch_acled"]
