"""``conflict-events fetch ucdp``: UCDP's GED release and its monthly candidate releases.

UCDP publishes each GED release at ``<base>/ged/ged<YY><R>-csv.zip`` (25.1 → ``ged251-csv.zip``,
every event to the end of the year before) and monthly candidate releases of the current year at
``<base>/candidateged/GEDEvent_v<YY>_0_<M>.csv``. Each file is downloaded (resumable), checked
(a whole zip, UCDP's columns), and imported through the same path as ``import ucdp``: the
store's region, one transaction, revisions. A file whose checksum was imported before is skipped,
so a re-run takes only what is new; a candidate event that a later release publishes is updated
in place (same UCDP id), with its changes recorded as revisions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from .download import DownloadFailed, NotPublished, download
from .importer import ImportReport, import_file

BASE_URL = "https://ucdp.uu.se/downloads"
BASE_ENV = "EVENTS_UCDP_URL"
REQUIRED = ("id", "date_start", "date_end", "best", "type_of_violence")


@dataclass(frozen=True)
class Release:
    """One file to fetch: its name in the log and its address."""

    name: str
    url: str
    zipped: bool


def current_version(today: dt.date) -> str:
    """The GED release out by ``today``: YY.1 appears around June, covering the year before."""
    year = today.year if today.month >= 7 else today.year - 1
    return f"{year % 100}.1"


def releases(base: str, version: str, candidates: bool, max_month: int = 12) -> Iterator[Release]:
    """The GED release, then the candidate releases of the following year, month by month."""
    major, _, minor = version.partition(".")
    if not (major.isdigit() and minor.isdigit()):
        raise DownloadFailed(f"{version!r} is not a UCDP version such as 25.1")
    yield Release(f"ged{major}{minor}-csv.zip", f"{base}/ged/ged{major}{minor}-csv.zip", True)
    if candidates:
        next_year = int(major) + 1
        for month in range(1, max_month + 1):
            name = f"GEDEvent_v{next_year}_0_{month}.csv"
            yield Release(name, f"{base}/candidateged/{name}", False)


def _csv_of(path: Path, release: Release) -> Path:
    """The CSV a download holds: the zip checked whole and its one CSV taken out."""
    if not release.zipped:
        return path
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad:
                raise DownloadFailed(
                    f"{path}: {bad} in the zip is damaged; delete it and run again"
                )
            members = [m for m in zf.namelist() if m.lower().endswith(".csv")]
            if len(members) != 1:
                raise DownloadFailed(f"{path}: expected one CSV in the zip, found {members}")
            target = path.with_name(Path(members[0]).name)
            with zf.open(members[0]) as src, target.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            return target
    except zipfile.BadZipFile:
        path.unlink(missing_ok=True)
        raise DownloadFailed(f"{path}: not a zip file (deleted; run again)") from None


def _check_columns(path: Path) -> None:
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        header = [h.strip() for h in fh.readline().split(",")]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DownloadFailed(
            f"{path.name} is not a UCDP GED file: it lacks {', '.join(missing)}; nothing imported"
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


@dataclass
class FetchResult:
    release: Release
    report: ImportReport | None = None
    skipped: str = ""


def fetch_ucdp(
    db: Database,
    cache: Path,
    *,
    base: str = BASE_URL,
    version: str | None = None,
    candidates: bool = True,
    all_countries: bool = False,
    progress: Callable[[str, int, int | None], None] | None = None,
    today: dt.date | None = None,
) -> list[FetchResult]:
    """Download, check and import every release not imported yet; stop at the first candidate
    month UCDP has not published."""
    chosen = version or current_version(today or dt.date.today())
    results: list[FetchResult] = []
    for release in releases(base.rstrip("/"), chosen, candidates):
        target = cache / release.name
        try:
            # The release zip is fixed once published; a candidate file is fetched anew each
            # run, since UCDP may revise the newest one.
            path = target if (release.zipped and target.exists()) else download(
                release.url, target,
                progress=(lambda done, total, n=release.name: progress(n, done, total)) if progress else None,
            )  # fmt: skip
        except NotPublished:
            if release.zipped:
                raise DownloadFailed(
                    f"UCDP has no GED release {chosen} at {release.url}; give --version "
                    "(e.g. 25.1); nothing changed"
                ) from None
            break  # the candidate months stop where UCDP's publishing has got to
        csv_path = _csv_of(path, release)
        _check_columns(csv_path)
        digest = _sha256(csv_path)
        seen = db.execute(
            "SELECT 1 FROM imports WHERE origin = 'ucdp' AND sha256 = :sha AND status = 'ok'",
            {"sha": digest},
        ).fetchone()
        if seen:
            results.append(FetchResult(release, skipped="imported before: nothing new"))
            continue
        results.append(FetchResult(release, import_file(db, csv_path, "ucdp",
                                                        all_countries=all_countries)))  # fmt: skip
    return results
