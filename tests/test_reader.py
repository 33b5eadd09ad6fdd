"""The reader the app serves many viewers through: a connection per thread, answers as copies,
searches matched from the full-text index."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

from dash import store
from dash.figures import search_hits
from dash.filters import Filters
from dash.imports.writer import write_dataset
from dash.reader import ConnectionPerThread, Reader

from .fixtures import synthetic_dataset
from .support import oracle


def test_each_thread_reads_through_its_own_read_only_connection(generated_db_path):
    reader = Reader(ConnectionPerThread(generated_db_path), generated_db_path)
    searched = Filters(text="checkpoint")
    expected = oracle.count_events(reader.db, searched)
    together = threading.Barrier(3)  # all alive at once: no connection is a dead thread's reused
    seen: dict[str, tuple[sqlite3.Connection, int, list[str]]] = {}

    def read(name: str) -> None:
        together.wait(timeout=30)
        rows = reader.events(Filters(), 5)
        seen[name] = (reader.db.conn, reader.count(searched), [r["event_id"] for r in rows])
        together.wait(timeout=30)

    threads = [threading.Thread(target=read, args=(f"t{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    read("main")
    for thread in threads:
        thread.join(timeout=30)
    assert len({id(conn) for conn, _, _ in seen.values()}) == 3
    assert {count for _, count, _ in seen.values()} == {expected}
    assert len({tuple(ids) for _, _, ids in seen.values()}) == 1
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.db.execute("DELETE FROM events")


def test_a_remembered_answer_is_a_copy_its_caller_may_change(generated_db_path):
    reader = Reader(ConnectionPerThread(generated_db_path), generated_db_path)
    ranked = reader.most_contested(Filters(), -1)  # rows of plain values
    assert ranked
    first = dict(ranked[0])
    ranked[0]["title"] = "changed by a page"
    ranked.clear()
    again = reader.most_contested(Filters(), -1)
    assert again[0] == first
    facets = reader.facets()  # nested: copied whole
    province = next(iter(facets["provinces"]))
    count = facets["provinces"][province]
    facets["provinces"][province] = -1
    assert reader.facets()["provinces"][province] == count


def test_a_search_index_row_without_its_event_matches_nothing(tmp_path):
    path = tmp_path / "events.db"
    db = store.open_writable(path, create=True)
    write_dataset(db, synthetic_dataset())
    rowids = np.array([r[0] for r in db.execute("SELECT rowid FROM events ORDER BY rowid")])
    word = "event"  # in the SYNTHETIC events' titles
    matched = search_hits(db, word, (), rowids)
    assert matched.sum() == oracle.count_events(db, Filters(text=word)) > 0
    # the index keeps a row for an event no longer there (damage, or a writer that skipped
    # the index): it points at nothing, not at the event beside it in rowid order
    db.execute(
        "INSERT INTO events_fts (rowid, title) VALUES (:r, :w)",
        {"r": int(rowids[-1]) + 7, "w": word},
    )
    db.execute(
        "INSERT INTO events_fts (rowid, title) VALUES (:r, :w)",
        {"r": int(rowids[0]) - 1, "w": word},
    )
    assert (search_hits(db, word, (), rowids) == matched).all()
    assert not search_hits(db, word, (), rowids[:0]).size  # an empty store's columns
    db.close()
