"""Search that finds what people type: against a store holding the spellings and compounds the
sources use (SYNTHETIC rows written by the test)."""

from __future__ import annotations

import pytest

from dash import store
from dash.filters import Filters
from dash.imports.importer import import_file
from dash.reader import Reader

from .support.files import ACLED_HEADER, acled_row, write


@pytest.fixture
def searchable(tmp_path):
    path = tmp_path / "events.db"
    db = store.open_writable(path, create=True)
    rows = [
        acled_row(1, notes="SYNTHETIC airstrikes hit a compound", sub_event_type="Air/drone strike",
                  event_type="Explosions/Remote violence"),
        acled_row(2, notes="SYNTHETIC attack on a madrassah", sub_event_type="Armed clash",
                  event_type="Battles"),
        acled_row(3, notes="SYNTHETIC clash near the border", admin1="Khyber Pakhtunkhwa",
                  admin2="Bajaur", location="SYNTHETIC Khar", country="Pakistan",
                  sub_event_type="Armed clash", event_type="Battles"),
        acled_row(4, notes="SYNTHETIC protest", sub_event_type="Peaceful protest",
                  event_type="Protests"),
    ]  # fmt: skip
    import_file(db, write(tmp_path / "a.csv", ACLED_HEADER, rows), "acled")
    db.close()
    reader = Reader(store.open_readonly(path), path)
    yield lambda text: sorted(e["event_id"] for e in reader.events(Filters(text=text), 100, 0))
    reader.db.close()


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("strike", ["acled:SYN1"]),  # a stem inside a compound: airstrikes
        ("drone", ["acled:SYN1"]),  # the sub-event type Air/drone strike
        ("madrasa", ["acled:SYN2"]),  # a transliteration: madrassah
        ("Bajour", ["acled:SYN3"]),  # a place spelling the gazetteer knows
        ("compounds", ["acled:SYN1"]),  # a plural typed, the singular stored
        ("protest", ["acled:SYN4"]),  # a prefix: protest -> Peaceful protest
        ("madrasa strike", []),  # all words are required
        ("پکتیکا", ["acled:SYN1", "acled:SYN2", "acled:SYN4"]),  # Paktika in Dari script
        ("باجوړ", ["acled:SYN3"]),  # Bajaur in Pashto script
        ("باجوڑ strike", []),  # ... in Urdu script, with a word no event in Bajaur has
        ("ڈرون", ["acled:SYN1"]),  # "drone" in Urdu script
    ],
)
def test_search_finds_what_people_type(searchable, typed, found):
    assert searchable(typed) == found
