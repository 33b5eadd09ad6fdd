"""Documents removed with the events only they cited are kept in the revisions."""

from __future__ import annotations

from sqlite_utils import Database

from .base import execute_each, migrations, rewrite_check


@migrations(name="0006_revisions_of_documents")
def m0006_revisions_of_documents(db: Database) -> None:
    # An event removed because its dataset no longer publishes it takes the source document only
    # it cited along, and that document is kept whole in the revisions like the event.
    rewrite_check(
        db, "revisions", "revision_table", "table_name IN ('events', 'claims', 'documents')"
    )
    # Deleting a document makes SQLite look for rows still referring to it (foreign keys):
    # without these, each deletion read every event (43 ms a document at 100,000 events).
    # Partial: nearly every event has no place source, and SQLite's checks use them as they are.
    execute_each(
        db,
        """
        CREATE INDEX events_place_source ON events (place_source_id)
            WHERE place_source_id IS NOT NULL;
        CREATE INDEX event_links_document ON event_links (document_id)
            WHERE document_id IS NOT NULL
        """,
    )
