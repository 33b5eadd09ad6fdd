"""The citable bundle: the matching events, their claims and documents, and a manifest."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile

from . import __version__, csvcolumns, csvout, exports, store
from .filters import Filters
from .queries import catalogue


def bundle_bytes(
    db_path: str | os.PathLike[str], filters: Filters, link: str | None = None
) -> bytes:
    """A zip of events.csv, claims.csv, documents.csv and manifest.json for ``filters``."""
    db = store.open_readonly(db_path)
    try:
        buffer = io.BytesIO()
        counts: dict[str, int] = {}
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            filters = exports.permitted(db, filters)
            for name, rows in (
                ("events", exports.events(db, filters)),
                ("claims", exports.claims(db, filters)),
                ("documents", exports.documents_for(db, filters)),
            ):
                text = io.StringIO(newline="")
                counts[name] = csvout.write_csv(rows, csvcolumns.COLUMN_SETS[name], text)
                zf.writestr(f"{name}.csv", text.getvalue().encode("utf-8"))
            manifest = {
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "app_version": __version__,
                "filters": filters.to_query(),
                "origins_left_out": sorted(exports.hidden()),
                "link": link,
                "rows": counts,
                "database": {
                    "file": store.database_path(db_path).name,
                    "sha256": store.file_sha256(store.database_path(db_path)),
                    "schema_version": store.schema_version(db),
                    "data_as_of": catalogue.data_as_of(db),
                },
                "columns": {
                    name: [c.name for c in csvcolumns.COLUMN_SETS[name]]
                    for name in ("events", "claims", "documents")
                },
            }
            zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        return buffer.getvalue()
    finally:
        db.close()


def bundle_filename(filters: Filters, n_events: int) -> str:
    return csvout.filename_for("bundle", filters, n_events).removesuffix(".csv") + ".zip"
