"""``conflict-events fetch ucdp``: UCDP's GED release and the candidate releases after it.

UCDP's calendar (its download site and codebooks): GED release YY.1 comes out around June of
20YY and covers every event to the end of 20YY-1; it sits at ``<base>/ged/gedYY1-csv.zip``.
The events of 20YY on are published as candidate releases, unvetted, at
``<base>/candidateged/``: one file per month (``GEDEvent_vYY_0_M.csv``, month M of 20YY) and,
now and then, one file for the year so far (``GEDEvent_vYY_01_YY_MM.csv``, January to month MM).
So after GED 26.1 come the candidates of 2026 (``GEDEvent_v26_…``), then of 2027.

Each file is downloaded (resumable), checked (a whole zip, UCDP's columns) and imported through
the same path as ``import ucdp``: the store's region, one transaction, revisions. A file whose
checksum was imported before is skipped, so a re-run takes only what is new. For each candidate
year the newest year-so-far file is taken, then the monthly files after it; a candidate file is
fetched anew each run, since UCDP revises the newest ones.

A final release is UCDP's vetted record of the years it covers. A candidate event it publishes
(same UCDP id) is updated in place, its changes recorded as revisions; a UCDP event of those
years that it does not publish (a candidate UCDP dropped, an event an earlier release had) is
removed, kept whole in a revision. The store remembers the release it was reconciled with and
refuses an older one, so old candidates never overwrite vetted events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from .. import integrity, regions
from . import ucdp
from .bulk import delete_events
from .download import DownloadFailed, NotPublished, download
from .importer import ImportFailed, ImportReport, import_file
from .parsing import place, text
from .source import CsvSource, ImportRefused

BASE_URL = "https://ucdp.uu.se/downloads"
BASE_ENV = "EVENTS_UCDP_URL"
ID = "id"
REQUIRED = (ID, "date_start", "date_end", "best", "type_of_violence")
FINAL_KEY = "ucdp_final_release"  # dataset_meta: the GED release the UCDP events agree with


@dataclass(frozen=True)
class Release:
    """One file to fetch: its name in the log and its address."""

    name: str
    url: str
    zipped: bool


def current_version(today: dt.date) -> str:
    """The GED release out by ``today``: YY.1 appears around June, covering the year before (a
    release not out yet in June falls back to the one before it: ``fetch_ucdp``)."""
    year = today.year if today.month >= 6 else today.year - 1
    return f"{year % 100:02d}.1"


def _canonical(version: str) -> str:
    major, minor = _parsed(version)
    return f"{major:02d}.{minor}"


def _parsed(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    if not (major.isdigit() and minor.isdigit() and len(major) == 2):
        raise DownloadFailed(f"{version!r} is not a UCDP version such as 25.1")
    return int(major), int(minor)


def final_release(base: str, version: str) -> Release:
    major, minor = _parsed(version)
    name = f"ged{major:02d}{minor}-csv.zip"
    return Release(name, f"{base}/ged/{name}", True)


def covered_until(version: str) -> dt.date:
    """The last day GED release ``version`` covers: 31 December of the year before 20YY."""
    return dt.date(2000 + _parsed(version)[0] - 1, 12, 31)


def candidate_years(version: str, today: dt.date) -> range:
    """The years whose events come as candidates after ``version``: from 20YY to this year."""
    return range(covered_until(version).year + 1, today.year + 1)


def year_so_far(base: str, year: int, month: int) -> Release:
    yy = year % 100
    name = f"GEDEvent_v{yy:02d}_01_{yy:02d}_{month:02d}.csv"
    return Release(name, f"{base}/candidateged/{name}", False)


def one_month(base: str, year: int, month: int) -> Release:
    name = f"GEDEvent_v{year % 100:02d}_0_{month}.csv"
    return Release(name, f"{base}/candidateged/{name}", False)


def candidate_releases(
    base: str, year: int, last_month: int, published: Callable[[Release], Path | None]
) -> Iterator[tuple[Release, Path]]:
    """The candidate files of ``year`` that cover it once each, asked for in order: the newest
    year-so-far file (months 1 to MM), then the monthly files from MM + 1 up to the first that
    ``published`` does not find (None)."""
    first = 1
    for month in range(last_month, 0, -1):
        release = year_so_far(base, year, month)
        if (path := published(release)) is not None:
            yield release, path
            first = month + 1
            break
    for month in range(first, last_month + 1):
        release = one_month(base, year, month)
        if (path := published(release)) is None:
            return  # the months stop where UCDP's publishing has got to
        yield release, path


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
    removed: list[str] = field(default_factory=list)  # UCDP events the final does not publish


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
    """Download, check and import the GED release and every candidate file after it; bring the
    store's UCDP events of the release's years into line with it."""
    base = base.rstrip("/")
    today = today or dt.date.today()
    reconciled = _reconciled(db)
    floor = _floor(db)
    chosen = _canonical(version or current_version(today))
    if version is None and floor and _parsed(floor) >= _parsed(chosen):
        chosen = floor  # taken earlier with --version: the store's release is the latest
    _not_older(chosen, floor)

    def published(release: Release) -> Path | None:
        target = cache / release.name
        if release.zipped and target.exists():
            return target  # a release zip is fixed once published
        if not release.zipped:
            # UCDP revises candidate files: a part left by an interrupted run may be of an
            # older version, and resuming it would join two. Candidate files start afresh.
            target.with_name(target.name + ".part").unlink(missing_ok=True)
        try:
            return download(
                release.url, target,
                progress=(lambda done, total: progress(release.name, done, total)) if progress else None,
            )  # fmt: skip
        except NotPublished:
            return None

    final = final_release(base, chosen)
    path = published(final)
    if path is None and version is None and chosen != floor:
        # UCDP's June release can be late: until it is out, the one before it is the latest.
        chosen = f"{_parsed(chosen)[0] - 1:02d}.1"
        _not_older(chosen, floor)
        final = final_release(base, chosen)
        path = published(final)
    if path is None:
        raise DownloadFailed(
            f"UCDP has no GED release {chosen} at {final.url}; give --version (e.g. 25.1); "
            "nothing changed"
        )
    final_csv = _csv_of(path, final)
    results = [_imported(db, final, final_csv, all_countries)]
    try:
        if reconciled is None or _parsed(reconciled) != _parsed(chosen):
            results[0].removed = _reconcile(db, final_csv, chosen, results[0].report, all_countries)
        for year in candidate_years(chosen, today) if candidates else ():
            # A month's file comes out in the next month: this year's files end last month.
            last_month = 12 if year < today.year else today.month - 1
            for release, got in candidate_releases(base, year, last_month, published):
                results.append(_imported(db, release, got, all_countries, candidate=True))
    except (DownloadFailed, ImportFailed, ImportRefused) as exc:
        exc.done = results  # type: ignore[attr-defined] - what was imported before it failed
        raise
    return results


def _imported(
    db: Database, release: Release, path: Path, all_countries: bool, *, candidate: bool = False
) -> FetchResult:
    _check_columns(path)
    sha = _sha256(path)
    seen = db.execute(
        "SELECT 1 FROM imports WHERE origin = 'ucdp' AND sha256 = :sha AND status = 'ok'",
        {"sha": sha},
    ).fetchone()
    if seen:
        return FetchResult(release, skipped="imported before: nothing new")
    if candidate and not all_countries and (quiet := _quiet_before(db, sha)):
        return FetchResult(release, skipped=f"{quiet} (as when it was last fetched)")
    try:
        return FetchResult(release, import_file(db, path, "ucdp", all_countries=all_countries))
    except ImportFailed as exc:
        if candidate and not exc.report.rejected:
            # A quiet month: no event of the region (or none at all). The next months may have.
            return FetchResult(release, skipped=str(exc))
        raise


def _quiet_before(db: Database, sha: str) -> str | None:
    """Why the same file stored nothing last time, if that still holds: no data rows, or none
    in the store's region as it is now. (Logged once, not again on every run.)"""
    region = f"outside the store's region ({', '.join(regions.region(db))})"
    last = db.execute(
        """SELECT message FROM imports WHERE origin = 'ucdp' AND sha256 = :sha
           AND status = 'rejected' AND rows_rejected = 0 ORDER BY id DESC LIMIT 1""",
        {"sha": sha},
    ).fetchone()
    if last and ("holds no data rows" in last[0] or region in last[0]):
        return last[0].removeprefix("refused: ").removesuffix("; nothing was imported")
    return None


def older_than_the_store(db: Database, file_name: str) -> str | None:
    """Why importing a UCDP file by this name would take the store back (an older release than
    the one it follows, or candidates of a year that release has vetted); None when it would
    not, or the name is not one of UCDP's."""
    floor = _floor(db)
    if floor is None:
        return None
    if (release := ucdp.release_of(file_name)) and release < _parsed(floor):
        return (f"{file_name} is GED {release[0]:02d}.{release[1]}, older than GED {floor}, "
                "which the store follows")  # fmt: skip
    year = ucdp.candidate_year_of(file_name)
    if year and year <= covered_until(floor).year:
        return (f"{file_name} holds candidate events of {year}, a year GED {floor} (which the "
                "store follows) has vetted")  # fmt: skip
    return None


def _floor(db: Database) -> str | None:
    """The newest release the store has taken: reconciled with, or imported by hand."""
    newest = max(filter(None, (_reconciled(db), _newest_imported(db))), key=_parsed, default=None)
    return _canonical(newest) if newest else None


def _not_older(chosen: str, reconciled: str | None) -> None:
    if reconciled and _parsed(chosen) < _parsed(reconciled):
        raise DownloadFailed(
            f"the store's UCDP events already follow GED {reconciled}; {chosen} is older and "
            f"its candidates would overwrite vetted events: nothing changed (give --version "
            f"{reconciled} or later)"
        )


def _reconciled(db: Database) -> str | None:
    row = db.execute("SELECT value FROM dataset_meta WHERE key = :k", {"k": FINAL_KEY}).fetchone()
    return row[0] if row else None


def _newest_imported(db: Database) -> str | None:
    """The newest GED release imported by name (``import ucdp GEDEvent_v26_1.csv`` too)."""
    files = db.execute("SELECT file FROM imports WHERE origin = 'ucdp' AND status = 'ok'")
    versions = [v for (name,) in files if (v := ucdp.release_of(name))]
    return f"{max(versions)[0]:02d}.{max(versions)[1]}" if versions else None


def _reconcile(
    db: Database, csv_path: Path, version: str, report: ImportReport | None, all_countries: bool
) -> list[str]:
    """Bring the store's UCDP events lying wholly within the years GED ``version`` covers into
    line with it: remove those it does not publish, and those it now places outside the store's
    region (their candidate version would stay, since the import leaves such rows out); each is
    kept whole in a revision. Record the release; return the ids removed. The file is read as
    the import reads it; an event kept with --all-countries outside the region stays."""
    region = set() if all_countries else set(regions.region(db))
    # The country as the import stores it: the gazetteer's, from country and provinces (a row
    # without a country is placed by its province), each combination resolved once.
    country_of: dict[tuple[str | None, ...], str | None] = {}
    published: set[str] = set()
    outside: set[str] = set()
    for _, row in CsvSource(csv_path).rows(ID):
        event_id = f"ucdp:{(row.get(ID) or '').strip()}"
        published.add(event_id)
        if not region:
            continue
        where = (text(row, "country"), text(row, "adm_1"), text(row, "adm_2"))
        if where not in country_of:
            country_of[where] = place(*where).fields["country"]
        if country_of[where] not in region:
            outside.add(event_id)
    published.discard("ucdp:")
    if not published:
        raise DownloadFailed(
            f"{csv_path.name}: no UCDP event id could be read, so nothing is removed; the "
            "release was imported, but the store's UCDP events are not reconciled with it"
        )
    import_id = report.import_id if report else None
    with db.atomic():
        held = db.execute(
            "SELECT id, country, date_end <= :until FROM events WHERE origin = 'ucdp'",
            {"until": covered_until(version).isoformat()},
        ).fetchall()
        # Not published: only within its years (a later event is a candidate still to come).
        # Placed outside the region: whatever the dates its candidate version gave.
        dropped = [e for e, _, within in held if within and e not in published]
        moved = [e for e, country, _ in held if e in outside and country in region]
        removed = delete_events(db, dropped, import_id, f"not in UCDP GED {version}")
        removed += delete_events(db, moved, import_id, f"outside the region in UCDP GED {version}")
        db.execute(
            "INSERT INTO dataset_meta (key, value) VALUES (:k, :v)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {"k": FINAL_KEY, "v": version},
        )
        integrity.record(
            db, f"fetch ucdp: GED {version} ({len(removed)} UCDP events it does not publish "
            "in the region removed)"
        )  # fmt: skip
    return removed
