"""The in-memory columns persisted beside the store: used when current, never when stale."""

from __future__ import annotations

import shutil

import numpy as np
from click.testing import CliRunner

from dash import columns, store
from dash.cli import cli
from dash.filters import Filters
from dash.reader import Reader

from .conftest import SHIPPED_DB
from .support import oracle
from .support.files import ACLED_HEADER, acled_row, write


def test_build_and_import_persist_the_columns_and_a_server_maps_them(tmp_path):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    assert columns.load_persisted(path) is None  # nothing beside a fresh copy yet
    data = write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1), acled_row(2)])
    result = CliRunner().invoke(cli, ["import", "acled", str(data), "--db", str(path)])
    assert result.exit_code == 0, result.output
    found = columns.load_persisted(path)
    assert found is not None
    arrays, labels = found
    assert isinstance(arrays["rowid"], np.memmap)  # memory-mapped, not read into memory
    db = store.open_readonly(path)
    reader = Reader(db, path)
    assert reader.count(Filters()) == oracle.count_events(db, Filters())
    assert reader.facets() == oracle.facets(db)
    db.close()


def test_a_stale_copy_is_never_used(tmp_path):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    assert columns.write_for(path)
    # the store changes (an import by another tool, a hand edit): the copy no longer matches
    db = store.open_writable(path)
    from dash.imports.importer import import_file

    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, [acled_row(1)]), "acled")
    db.close()
    assert columns.load_persisted(path) is None
    db = store.open_readonly(path)
    tally = columns.open_tally(db, path)  # read again, and persisted again
    assert tally.count(Filters()) == oracle.count_events(db, Filters())
    db.close()
    assert columns.load_persisted(path) is not None


def test_a_read_only_instance_reads_in_memory_and_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "events.db"
    shutil.copy(SHIPPED_DB, path)
    monkeypatch.setenv(store.READONLY_ENV, "1")
    db = store.open_readonly(path)
    tally = columns.open_tally(db, path)
    db.close()
    assert tally.count(Filters()) > 0
    assert not columns.folder_for(path).exists()
