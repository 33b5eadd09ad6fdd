"""Search finds event types, sub-types and the country too."""

from __future__ import annotations

from sqlite_utils import Database

from .base import migrations

# The events' columns free-text search looks in (dash.search): since 0005 the event type and
# sub-type ("drone" finds "Air/drone strike") and the country besides titles, places and actors.
EVENT_SEARCH_COLUMNS = (
    "title", "summary", "location", "admin1", "admin2", "country", "actor1", "actor2",
    "event_type", "sub_event_type",
)  # fmt: skip


@migrations(name="0005_search_types_and_places")
def m0005_search_types_and_places(db: Database) -> None:
    # Search finds what people type: the event type and sub-type ("drone" finds "Air/drone
    # strike") and the country join the indexed columns. The index is rebuilt from the rows.
    db["events"].disable_fts()
    db["events"].enable_fts(
        list(EVENT_SEARCH_COLUMNS),
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )
