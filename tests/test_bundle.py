"""The zip bundle an analyst cites: contents, counts and manifest."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from dash import bundle, csvcolumns, store
from dash.filters import Filters


def test_bundle_holds_matching_rows_and_a_manifest(synthetic_db_path):
    filters = Filters(countries=("Afghanistan",))
    data = bundle.bundle_bytes(
        synthetic_db_path, filters, link="http://127.0.0.1/?country=Afghanistan"
    )
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(zf.namelist()) == ["claims.csv", "documents.csv", "events.csv", "manifest.json"]

    def read(name):
        return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"), newline="")))

    events, claims, documents = read("events.csv"), read("claims.csv"), read("documents.csv")
    assert [e["event_id"] for e in events] == ["curated:syn-1"]
    assert sorted(c["party"] for c in claims) == ["afghan_taliban", "media", "pakistan_state"]
    assert sorted(d["document_id"] for d in documents) == ["doc-a", "doc-b"]

    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["filters"] == {"country": ["Afghanistan"]}
    assert manifest["rows"] == {"events": 1, "claims": 3, "documents": 2}
    assert manifest["database"]["sha256"] == store.file_sha256(synthetic_db_path)
    assert manifest["app_version"]
    assert manifest["columns"]["events"] == [c.name for c in csvcolumns.EVENT_COLUMNS]
    assert manifest["link"].endswith("country=Afghanistan")


def test_bundle_filename_says_what_is_inside():
    assert bundle.bundle_filename(Filters(), 11) == "bundle_all-dates_11-rows.zip"


def test_every_csv_column_set_is_documented():
    for name, columns in csvcolumns.COLUMN_SETS.items():
        assert len({c.name for c in columns}) == len(columns), f"{name} repeats a column"
        assert all(c.description.strip() for c in columns), name
