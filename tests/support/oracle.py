"""The reference SQL for every aggregate the app computes from its in-memory columns.

The app has one implementation of each aggregate (``dash.tally``, through ``dash.reader``).
These plain-SQL versions are the oracle the property test holds it equal to, on random filters
(``tests/test_tally.py``), and the raw-SQL baseline the benchmark replays.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from dash.filters import Filters
from dash.queries import CURATED_LENS, LENS_CLAIMS, VICTIM_LABELS, _rows, lens_parts


def count_events(db: Database, filters: Filters) -> int:
    where, params = filters.where()
    return db.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[0]  # noqa: S608


def headline(db: Database, filters: Filters) -> dict[str, Any]:
    """Events, fatalities low/figure/high (the figure: best, else low), injured and parties
    with claims, for the filter."""
    where, params = filters.where()
    row = _rows(
        db,
        f"""SELECT count(*) AS events,
                   sum(e.fatalities_low) AS fatalities_low,
                   sum(coalesce(e.fatalities_best, e.fatalities_low)) AS killed,
                   sum(e.fatalities_high) AS fatalities_high,
                   sum(e.injured) AS injured,
                   sum(e.fatalities_best IS NULL AND e.fatalities_high IS NOT NULL)
                       AS events_without_best,
                   min(e.date_start) AS first_date,
                   max(e.date_end) AS last_date
            FROM events e WHERE {where}""",  # noqa: S608
        params,
    )[0]
    row["parties"] = db.execute(
        f"""SELECT count(DISTINCT c.party_id) FROM claims c
            JOIN events e ON e.id = c.event_id WHERE {where}""",  # noqa: S608
        params,
    ).fetchone()[0]
    return row


def count_located(db: Database, filters: Filters) -> int:
    where, params = filters.where()
    sql = f"SELECT count(*) FROM events e WHERE {where} AND e.latitude IS NOT NULL"  # noqa: S608
    return db.execute(sql, params).fetchone()[0]


def map_grid(db: Database, filters: Filters, degrees: float) -> list[dict[str, Any]]:
    """Located events counted per grid cell of ``degrees``, with the cell's centre."""
    where, params = filters.where()
    return _rows(
        db,
        f"""SELECT (CAST(floor(e.latitude / :deg) AS REAL) + 0.5) * :deg AS latitude,
                   (CAST(floor(e.longitude / :deg) AS REAL) + 0.5) * :deg AS longitude,
                   count(*) AS events,
                   sum(coalesce(e.fatalities_best, e.fatalities_low, 0)) AS killed,
                   sum(e.geo_precision IN ('exact', 'near')) AS exact
            FROM events e WHERE {where} AND e.latitude IS NOT NULL
            GROUP BY 1, 2 ORDER BY events DESC""",  # noqa: S608
        {**params, "deg": degrees},
    )


def origins_matching(db: Database, filters: Filters) -> dict[str, int]:
    """The origins of the events a filter matches, with how many events each has."""
    where, params = filters.where()
    rows = db.execute(
        f"SELECT e.origin, count(*) FROM events e WHERE {where} GROUP BY 1 ORDER BY 1",  # noqa: S608
        params,
    ).fetchall()
    return dict(rows)


# Filter field -> (SQL expression over events e, or a claims-side query) for the sidebar choices.
_FACET_SQL = {
    # An event in several provinces counts once under each (its further places: event_places).
    **{
        name: f"""SELECT v, count(*) FROM (SELECT {column} AS v, id FROM events
                                         UNION SELECT {column}, event_id FROM event_places)
                  WHERE v IS NOT NULL GROUP BY 1"""  # noqa: S608 - fixed names
        for name, column in (
            ("countries", "country"),
            ("provinces", "admin1"),
            ("districts", "admin2"),
        )
    },  # fmt: skip
    "event_types": "SELECT e.event_type, count(*) FROM events e GROUP BY 1",
    "sub_event_types": "SELECT e.sub_event_type, count(*) FROM events e GROUP BY 1",
    "actors": """SELECT actor, count(*) FROM (
                     SELECT actor1 AS actor FROM events WHERE actor1 IS NOT NULL
                     UNION ALL
                     SELECT actor2 FROM events WHERE actor2 IS NOT NULL AND actor2 <> coalesce(actor1, ''))
                 GROUP BY 1""",
    "parties": "SELECT party_id, count(DISTINCT event_id) FROM claims GROUP BY 1",
    "precisions": "SELECT e.geo_precision, count(*) FROM events e WHERE e.geo_precision IS NOT NULL GROUP BY 1",
    "origins": "SELECT e.origin, count(*) FROM events e GROUP BY 1",
}


def facets(db: Database) -> dict[str, dict[str, int]]:
    """For each list filter, the values present in the data and how many events have each."""
    out: dict[str, dict[str, int]] = {}
    for name, sql in _FACET_SQL.items():
        rows = db.execute(sql).fetchall()
        out[name] = {str(value): n for value, n in sorted(rows, key=lambda r: str(r[0]).casefold())}
    return out


def date_bounds(db: Database) -> tuple[str | None, str | None]:
    """Earliest start and latest end date in the store (ISO text)."""
    first, last = db.execute("SELECT min(date_start), max(date_end) FROM events").fetchone()
    return first, last


# The first day of the period an event's first possible day falls in.
PERIOD_SQL = {
    "week": "date(e.date_start, 'weekday 0', '-6 days')",
    "month": "substr(e.date_start, 1, 7) || '-01'",
    "quarter": "substr(e.date_start, 1, 5) || printf('%02d', "
    "((CAST(substr(e.date_start, 6, 2) AS INTEGER) - 1) / 3) * 3 + 1) || '-01'",
    "year": "substr(e.date_start, 1, 4) || '-01-01'",
}
SPLIT_SQL = {
    "none": "'All events'",
    "event_type": "e.event_type",
    "actor": "coalesce(e.actor1, '(unknown)')",
    "province": "coalesce(e.admin1, '(unknown)')",
}
BREAKDOWN_SQL = {
    "province": "coalesce(e.admin1, '(unknown)')",
    "district": "coalesce(e.admin2, '(unknown)')",
    "event_type": "e.event_type",
    "sub_event_type": "e.sub_event_type",
    "actor": "coalesce(e.actor1, '(unknown)')",
}


def _lens_columns(lens: str) -> tuple[str, dict[str, Any]]:
    """Per-event killed (and its low/high band) under a lens, as SQL over events e.

    The curated lens is the store's low/best/high. A party's lens is that party's lowest stated
    toll for the event (its most conservative claim), with the band running from that to its
    highest (top of a range); events where the party gives no toll add nothing.
    """
    if lens == CURATED_LENS:
        return (
            "e.fatalities_low AS k_low, coalesce(e.fatalities_best, e.fatalities_low) AS k, "
            "e.fatalities_high AS k_high",
            {},
        )
    return (
        f"""(SELECT min(c.killed) FROM claims c WHERE c.event_id = e.id AND {LENS_CLAIMS}
                AND c.killed IS NOT NULL) AS k_low,
           (SELECT min(c.killed) FROM claims c WHERE c.event_id = e.id AND {LENS_CLAIMS}
                AND c.killed IS NOT NULL) AS k,
           (SELECT max(coalesce(c.killed_high, c.killed)) FROM claims c WHERE c.event_id = e.id
                AND {LENS_CLAIMS} AND c.killed IS NOT NULL) AS k_high""",  # noqa: S608 - fixed fragments
        lens_parts(lens),
    )


def _lens_aggregate(
    db: Database, filters: Filters, lens: str, group_sql: str, place_column: str | None = None
) -> list[dict[str, Any]]:
    where, params = filters.where()
    columns, lens_params = _lens_columns(lens)
    source = f"SELECT {group_sql} AS grp, {columns} FROM events e WHERE {where}"  # noqa: S608
    if place_column:
        # Each event once per distinct place: its own and its further places (event_places).
        source = f"""SELECT g.grp, {columns} FROM (
                         SELECT e.id AS id, {group_sql} AS grp FROM events e WHERE {where}
                         UNION SELECT e.id, p.{place_column} FROM events e
                          JOIN event_places p ON p.event_id = e.id
                         WHERE p.{place_column} IS NOT NULL AND {where}) g
                     JOIN events e ON e.id = g.id"""  # noqa: S608
    return _rows(
        db,
        f"""SELECT grp AS value, count(*) AS events, sum(k_low) AS killed_low, sum(k) AS killed,
                   sum(k_high) AS killed_high, count(k) AS events_with_figure
            FROM ({source})
            GROUP BY grp ORDER BY grp""",  # noqa: S608
        {**params, **lens_params},
    )


def series(
    db: Database, filters: Filters, interval: str, split: str, lens: str = CURATED_LENS
) -> list[dict[str, Any]]:
    """Events and killed (with the low–high band) per period and group, under a lens."""
    period, group = PERIOD_SQL[interval], SPLIT_SQL[split]
    period_end = period.replace("e.date_start", "e.date_end")
    dating = f"CASE WHEN {period_end} = {period} THEN 'within' ELSE 'spans' END"
    rows = _lens_aggregate(db, filters, lens, f"{period} || '|' || {dating} || '|' || {group}")
    for row in rows:
        row["period"], row["dating"], row["group"] = row.pop("value").split("|", 2)
    return sorted(rows, key=lambda r: (r["period"], r["group"], r["dating"]))


def breakdown(
    db: Database, filters: Filters, dimension: str, lens: str = CURATED_LENS
) -> list[dict[str, Any]]:
    """Events and killed per province, district, type, sub-type or actor, largest first."""
    place = {"province": "admin1", "district": "admin2"}.get(dimension)
    rows = _lens_aggregate(db, filters, lens, BREAKDOWN_SQL[dimension], place)
    return sorted(rows, key=lambda r: (-(r["killed"] or 0), -r["events"], r["value"]))


def victim_categories(
    db: Database, filters: Filters, lens: str = CURATED_LENS
) -> list[dict[str, Any]]:
    """Killed by who was hit: civilians, security forces, militants, unknown.

    Curated lens: the events' breakdown of their figure (best estimate, else the low end), plus
    whatever part of the figure no breakdown accounts for ('not broken down'). Party lens: the largest figure per
    category among that party's claims for each event (women and children count as civilians
    only where the claim gives no civilian figure).
    """
    where, params = filters.where()
    if lens == CURATED_LENS:
        row = _rows(
            db,
            f"""SELECT sum(e.deaths_civilians) AS civilians,
                       sum(e.deaths_security_forces) AS security_forces,
                       sum(e.deaths_militants) AS militants,
                       sum(e.deaths_unknown) AS unknown,
                       sum(max(coalesce(e.fatalities_best, e.fatalities_low, 0) - coalesce(e.deaths_civilians, 0)
                           - coalesce(e.deaths_security_forces, 0) - coalesce(e.deaths_militants, 0)
                           - coalesce(e.deaths_unknown, 0), 0)) AS not_broken_down
                FROM events e WHERE {where}""",  # noqa: S608
            params,
        )[0]
    else:
        row = _rows(
            db,
            f"""SELECT sum(civ) AS civilians, sum(sec) AS security_forces, sum(mil) AS militants,
                       NULL AS unknown, NULL AS not_broken_down
                FROM (SELECT
                    (SELECT max(coalesce(c.civilians_killed, c.women_children_killed)) FROM claims c
                      WHERE c.event_id = e.id AND {LENS_CLAIMS}) AS civ,
                    (SELECT max(c.security_forces_killed) FROM claims c
                      WHERE c.event_id = e.id AND {LENS_CLAIMS}) AS sec,
                    (SELECT max(c.militants_killed) FROM claims c
                      WHERE c.event_id = e.id AND {LENS_CLAIMS}) AS mil
                  FROM events e WHERE {where})""",  # noqa: S608
            {**params, **lens_parts(lens)},
        )[0]
    return [{"value": VICTIM_LABELS[k], "killed": v} for k, v in row.items() if v is not None]


def lens_headline(db: Database, filters: Filters, lens: str = CURATED_LENS) -> dict[str, Any]:
    """Events, killed low/best/high under the lens, and injured, for the filter."""
    rows = _lens_aggregate(db, filters, lens, "1")
    row = (
        rows[0]
        if rows
        else {
            "events": 0,
            "killed_low": None,
            "killed": None,
            "killed_high": None,
            "events_with_figure": 0,
        }
    )
    where, params = filters.where()
    sql = f"SELECT sum(e.injured) FROM events e WHERE {where}"  # noqa: S608
    row["injured"] = db.execute(sql, params).fetchone()[0]
    row.pop("value", None)
    return row


def parties_with_tolls(db: Database, filters: Filters) -> list[str]:
    """Parties that state a death toll for at least one matching event (for the lens choice)."""
    where, params = filters.where()
    return [
        r[0]
        for r in db.execute(
            f"""SELECT DISTINCT c.party_id FROM claims c JOIN events e ON e.id = c.event_id
                JOIN parties p ON p.id = c.party_id
                WHERE c.killed IS NOT NULL AND {where} ORDER BY p.sort_order""",  # noqa: S608
            params,
        ).fetchall()
    ]
