"""The origin restriction on every download: the list of downloads is taken from the code as
it runs (every page's calls to ``web.downloads.downloads`` and ``chart_downloads``, every CLI
export),
so a new download is covered without editing this test."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from dash import exports, store
from dash.cli import cli
from dash.filters import Filters
from dash.web import downloads as ui
from dash.web.views import statistics as statistics_view

from .conftest import ROOT
from .support.app import open_every_menu
from .support.files import ACLED_HEADER, acled_row, write

PAGES = ["pages/overview.py", "pages/statistics.py", "pages/map.py", "pages/narratives.py",
         "pages/sources.py"]  # fmt: skip


@pytest.fixture
def restricted_store(synthetic_db_path, tmp_path, monkeypatch):
    """The synthetic curated events plus ACLED rows (one near a curated event, so a duplicate
    pair names it), with ACLED restricted."""
    from dash.imports.importer import import_file

    db = store.open_writable(synthetic_db_path)
    near = dict(event_date="2024-05-02", event_type="Battles", sub_event_type="Armed clash",
                latitude="33.82", longitude="70.01")  # fmt: skip
    rows = [acled_row(1, **near), acled_row(2), acled_row(3, source="SYNTHETIC only-ACLED paper")]
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    # an ACLED event with claims, so the contested list and the claims CSV could name it
    db.execute(
        """INSERT INTO claims (id, event_id, party_id, claimant, document_id, account, killed)
           VALUES ('acled:SYN2/a', 'acled:SYN2', 'media', 'SYNTHETIC', 'doc-a', 'SYNTHETIC', 3),
                  ('acled:SYN2/b', 'acled:SYN2', 'local', 'SYNTHETIC', 'doc-a', 'SYNTHETIC', 30)"""
    )
    db.conn.commit()
    db.close()
    monkeypatch.setenv("EVENTS_DB", str(synthetic_db_path))
    monkeypatch.setenv("EVENTS_NO_DOWNLOAD_ORIGINS", "acled")
    return synthetic_db_path


def _leaks(rows: list) -> list:
    """Rows that carry ACLED: its events, its documents, pairs or rankings naming it (rows as
    dicts, or as CSV cells in column order)."""
    text = lambda r: " ".join(str(v) for v in (r.values() if isinstance(r, dict) else r))  # noqa: E731
    return [r for r in rows if "acled" in text(r).lower()]


def test_every_row_source_leaves_restricted_origins_out(restricted_store):
    db = store.open_readonly(restricted_store)
    everything = Filters()
    for name, source in exports.ROW_SOURCES.items():
        rows = list(source(db) if name in ("documents", "imports") else source(db, everything))
        assert _leaks(rows) == [], name
    assert exports.event_claims(db, "acled:SYN2") == []
    db.close()


def test_every_download_a_page_offers_leaves_restricted_origins_out(restricted_store, monkeypatch):
    offered: list[tuple[str, object]] = []
    real_downloads, real_charts = ui.downloads, ui.chart_downloads

    counted: dict[str, int | None] = {}

    def recording(what, columns_key, rows, *args, **kwargs):
        name = f"{what} ({kwargs.get('key')})"
        offered.append((name, rows))
        counted[name] = kwargs.get("n_rows")
        return real_downloads(what, columns_key, rows, *args, **kwargs)

    def recording_chart(what, columns_key, rows, *args, **kwargs):
        offered.append((f"chart {what}", lambda db, rows=rows: exports.aggregate(rows)))
        return real_charts(what, columns_key, rows, *args, **kwargs)

    monkeypatch.setattr(ui, "downloads", recording)
    monkeypatch.setattr(ui, "chart_downloads", recording_chart)
    # every page, every breakdown the statistics page can show (one at a time, ?by=), and an
    # event of the restricted origin opened on the pages that show one event
    for page, query in (
        [(p, {}) for p in PAGES]
        + [("pages/statistics.py", {"by": by}) for by in statistics_view.BREAKDOWN_CHOICES]
        + [
            ("pages/narratives.py", {"event": "acled:SYN2"}),
            ("pages/map.py", {"event": "acled:SYN2"}),
        ]
    ):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        at.switch_page(page).run()
        open_every_menu(at)  # a chart's downloads are drawn once its menu is opened
        assert not at.exception, page
    names = {name for name, _ in offered}
    assert len(names) >= 12
    assert {f"chart killed-by-{by}" for by in statistics_view.BREAKDOWNS} <= names
    db = store.open_readonly(restricted_store)
    for name, rows in offered:
        produced = list(rows(db))
        if name.startswith("chart"):
            continue  # chart numbers are aggregates: allowed in the default scope ("rows")
        assert _leaks(produced) == [], name
        if counted[name] is not None:  # the file name's count is the rows the file holds
            assert counted[name] == len(produced), name
    db.close()


def test_chart_downloads_are_withheld_in_the_strict_scope(restricted_store, monkeypatch):
    monkeypatch.setenv(exports.SCOPE_ENV, "all")
    assert not exports.charts_downloadable()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/statistics.py").run()
    open_every_menu(at)
    assert not at.exception
    assert any("Chart downloads are withheld" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "PNG" not in labels and "SVG" not in labels


@pytest.mark.parametrize(
    "args",
    [["export", "events"], ["export", "claims"], ["export", "documents"], ["duplicates"]],
)
def test_every_cli_export_leaves_restricted_origins_out(restricted_store, args):
    result = CliRunner().invoke(cli, [*args, "--db", str(restricted_store)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert _leaks(rows) == []
