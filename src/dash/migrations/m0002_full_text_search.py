"""Full-text search over events and claims."""

from __future__ import annotations

from sqlite_utils import Database

from .base import migrations


@migrations(name="0002_full_text_search")
def m0002_full_text_search(db: Database) -> None:
    # unicode61 with diacritics removed: Urdu, Pashto and Dari names tokenise, and
    # "Khwarazmi"/"Khwārazmi" match; no porter stemming, which only knows English.
    tokenize = "unicode61 remove_diacritics 2"
    db["events"].enable_fts(
        ["title", "summary", "location", "admin1", "admin2", "actor1", "actor2"],
        create_triggers=True,
        tokenize=tokenize,
    )
    db["claims"].enable_fts(
        ["account", "quote", "claimant", "target", "figures_text"],
        create_triggers=True,
        tokenize=tokenize,
    )
