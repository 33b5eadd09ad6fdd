"""Possible duplicates across origins, found when rows are written and stored for every page.

Two events from different origins may be one incident when they have the same event type,
start at most a day apart and lie within ``KM`` km of each other (an equirectangular distance:
exact enough at this scale). They are flagged, never merged. Only the rows an import has just
written are compared with the rest, one other origin at a time through the
``events_origin_type_date`` index, so the pass stays a small share of a large import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlite_utils import Database

from .bulk import rows_listed

KM = 10.0
_DEGREES = KM / 100  # a cheap bounding box first: 0.1° of latitude is about 11 km

_DISTANCE = """round(sqrt(((o.longitude - n.longitude) * cos(radians(n.latitude)) * 111.32)
                          * ((o.longitude - n.longitude) * cos(radians(n.latitude)) * 111.32)
                        + ((o.latitude - n.latitude) * 110.57) * ((o.latitude - n.latitude) * 110.57)), 1)"""


def find_for(db: Database, after_rowid: int, updated: Iterable[str] = ()) -> int:
    """Store the pairs that events written after ``after_rowid`` (and the ``updated`` ids) form
    with events of other origins; return how many pairs were added."""
    updated_ids = json.dumps(list(updated))
    db.execute(
        """DELETE FROM possible_duplicates
            WHERE event_id IN (SELECT value FROM json_each(:ids))
               OR other_event_id IN (SELECT value FROM json_each(:ids))""",
        {"ids": updated_ids},
    )
    db.execute("DROP TABLE IF EXISTS temp.touched")
    updated_located = rows_listed("events", "id", ["rowid"]) + " WHERE events.latitude IS NOT NULL"
    db.execute(
        "CREATE TEMP TABLE touched AS SELECT rowid AS r FROM events"  # noqa: S608 - fixed names
        f" WHERE rowid > :after AND latitude IS NOT NULL UNION {updated_located}",
        {"after": after_rowid, "ids": updated_ids},
    )
    before = db.execute("SELECT count(*) FROM possible_duplicates").fetchone()[0]
    others = [r[0] for r in db.execute("SELECT DISTINCT origin FROM events ORDER BY 1")]
    if len(others) > 1:
        for other in others:
            db.execute(
                f"""INSERT OR IGNORE INTO possible_duplicates (event_id, other_event_id, km, days_apart)
                    SELECT min(n.id, o.id), max(n.id, o.id), {_DISTANCE} AS km,
                           CAST(abs(julianday(o.date_start) - julianday(n.date_start)) AS INTEGER)
                      FROM temp.touched t
                      JOIN events n ON n.rowid = t.r
                      JOIN events o
                        ON o.origin = :other
                       AND o.event_type = n.event_type
                       AND o.date_start BETWEEN date(n.date_start, '-1 day')
                                            AND date(n.date_start, '+1 day')
                     WHERE n.origin <> :other
                       AND o.latitude IS NOT NULL
                       AND abs(o.latitude - n.latitude) < :deg
                       AND abs(o.longitude - n.longitude) < :deg * 2
                       AND km <= :km""",  # noqa: S608 - a fixed expression
                {"other": other, "deg": _DEGREES, "km": KM},
            )
    db.execute("DROP TABLE temp.touched")
    return db.execute("SELECT count(*) FROM possible_duplicates").fetchone()[0] - before
