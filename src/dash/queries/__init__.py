"""Every read query the app and the CLI run, events and claims here and the sources and the
store's own records in ``dash.queries.catalogue``. Named parameters only.

WHERE clauses come from ``Filters.where()``, which builds them from fixed column names and
named placeholders; user values only ever travel as parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from ..csvcolumns import EVENT_COLUMNS
from ..csvout import FORMULA_START
from ..filters import Filters

# An event's further places and data-quality notes: per row for a page of events; joined in
# bulk for exports (_EXPORT_JOINS), where a subquery per row costs seconds at 100,000 rows.
_PLACES_AND_NOTES = """
    (SELECT group_concat(coalesce(p.admin2 || ', ', '') || p.admin1, ' | ') FROM event_places p
      WHERE p.event_id = e.id) AS further_places,
    (SELECT group_concat(q.kind || ': ' || q.detail, ' | ') FROM quality_notes q
      WHERE q.event_id = e.id) AS data_quality"""
_EVENT_COLUMNS = """
    e.id AS event_id, e.title, e.date_start, e.date_end, e.date_precision, e.country, e.admin1,
    e.admin2, e.admin1_as_published, e.admin2_as_published, {places_and_notes},
    e.location, e.latitude, e.longitude, e.geo_precision, e.event_type,
    e.sub_event_type, e.actor1, e.actor2, e.cross_border, e.fatalities_low, e.fatalities_best,
    e.fatalities_high, e.injured, e.deaths_civilians, e.deaths_security_forces,
    e.deaths_militants, e.deaths_unknown, e.grading, e.origin, e.summary, e.fatalities_basis
"""
_CLAIM_COUNTS = """
    (SELECT count(*) FROM claims c WHERE c.event_id = e.id) AS n_claims,
    (SELECT count(DISTINCT c.party_id) FROM claims c WHERE c.event_id = e.id) AS n_parties
"""
_EVENT_FIELDS = ", ".join(
    (_EVENT_COLUMNS.format(places_and_notes=_PLACES_AND_NOTES), _CLAIM_COUNTS)
)

_SOURCE_URLS = """
    (SELECT group_concat(url, ' | ') FROM (
        SELECT DISTINCT d.url FROM event_sources s JOIN documents d ON d.id = s.document_id
        WHERE s.event_id = e.id AND d.url IS NOT NULL ORDER BY d.url)) AS source_urls
"""


def _rows(db: Database, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _iter_rows(db: Database, sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def _matching(filters: Filters, rowids: Sequence[int] | None) -> tuple[str, dict[str, Any]]:
    """The WHERE clause for the events a filter matches: from the filter, or, when the caller
    already knows them (``Reader``, from the in-memory columns), their rowids as a JSON list. A
    narrow filter with a place or a search is an OR SQLite can only answer by reading every
    event; a list of a few thousand rowids is read by key."""
    if rowids is None:
        return filters.where()
    return "e.rowid IN (SELECT value FROM json_each(:rowids))", {"rowids": json.dumps(list(rowids))}


def events_matching(
    db: Database,
    filters: Filters,
    limit: int | None = None,
    offset: int = 0,
    rowids: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """Matching events, newest first, with claim counts and source URLs."""
    where, params = _matching(filters, rowids)
    sql = (
        f"SELECT {_EVENT_FIELDS}, {_SOURCE_URLS} FROM events e WHERE {where}"  # noqa: S608
        " ORDER BY e.date_start DESC, e.id"
    )
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params = {**params, "limit": limit, "offset": offset}
    return _rows(db, sql, params)


# For exports: the claim counts and source URLs of every event at once (joined), instead of
# three correlated subqueries per row. 100,000 rows of a million-event store: 1.7 s -> 1.1 s.
# Source URLs start from the documents that have one (few: ACLED and UCDP give none).
_EXPORT_JOINS = """
    LEFT JOIN (SELECT event_id, count(*) AS n_claims, count(DISTINCT party_id) AS n_parties
                 FROM claims GROUP BY event_id) k ON k.event_id = e.id
    LEFT JOIN (SELECT event_id, group_concat(url, ' | ') AS source_urls FROM (
                 SELECT DISTINCT s.event_id, d.url
                   FROM documents d CROSS JOIN event_sources s ON s.document_id = d.id
                  WHERE d.url IS NOT NULL ORDER BY s.event_id, d.url)
                GROUP BY event_id) u ON u.event_id = e.id
    LEFT JOIN (SELECT event_id,
                      group_concat(coalesce(admin2 || ', ', '') || admin1, ' | ') AS further_places
                 FROM event_places GROUP BY event_id) pl ON pl.event_id = e.id
    LEFT JOIN (SELECT event_id, group_concat(kind || ': ' || detail, ' | ') AS data_quality
                 FROM quality_notes GROUP BY event_id) qn ON qn.event_id = e.id
"""
_EXPORT_FIELDS = ", ".join(
    (
        _EVENT_COLUMNS.format(places_and_notes="pl.further_places, qn.data_quality"),
        "coalesce(k.n_claims, 0) AS n_claims, coalesce(k.n_parties, 0) AS n_parties",
        "u.source_urls",
    )
)


def neutralised(expr: str) -> str:
    """SQL for ``csvout.neutralise``: a text cell a spreadsheet would run as a formula, behind
    an apostrophe (the same leading characters)."""
    starts = ", ".join(str(ord(c)) for c in FORMULA_START)  # unicode(): no substring built
    return f"CASE WHEN unicode({expr}) IN ({starts}) THEN char(39) || {expr} ELSE {expr} END"


def event_cells_statement(
    filters: Filters, starts: tuple[str | None, str | None] = (None, None)
) -> tuple[str, dict[str, Any]]:
    """SQL and parameters for the events an export carries, one cell per ``csvcolumns.EVENT_COLUMNS``
    column in its order, ready to write: formula-like text behind an apostrophe, flags 0/1.

    ``starts`` narrows them to the events starting on or after its first date and before its
    second (either may be None): one part of an export read in parts (``columnar``)."""
    where, params = filters.where()
    since, until = starts
    if since is not None:
        where, params = f"{where} AND e.date_start >= :part_since", {**params, "part_since": since}
    if until is not None:
        where, params = f"{where} AND e.date_start < :part_until", {**params, "part_until": until}
    cells = []
    for column in EVENT_COLUMNS:
        name = f"x.[{column.name}]"
        if column.kind == "text":
            name = neutralised(name)
        elif column.kind == "bool":
            name = f"CASE WHEN {name} IS NULL THEN NULL ELSE {name} != 0 END"
        cells.append(f"{name} AS [{column.name}]")
    sql = (
        f"SELECT {', '.join(cells)} FROM (SELECT {_EXPORT_FIELDS} FROM events e {_EXPORT_JOINS}"  # noqa: S608
        f" WHERE {where}) x ORDER BY x.date_start DESC, x.event_id"
    )
    return sql, params


def iter_event_cells(db: Database, filters: Filters) -> Iterator[tuple[Any, ...]]:
    """The events an export carries, as tuples (``event_cells_statement``), streamed: no dict
    per row, and the writer's loop in C."""
    sql, params = event_cells_statement(filters)
    return iter(db.execute(sql, params))


def iter_events_matching(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    """Like events_matching, streamed, for exports of any size."""
    where, params = filters.where()
    sql = (
        f"SELECT {_EXPORT_FIELDS} FROM events e {_EXPORT_JOINS} WHERE {where}"  # noqa: S608
        " ORDER BY e.date_start DESC, e.id"
    )
    return _iter_rows(db, sql, params)


_CLAIM_FIELDS = """
    c.id AS claim_id, c.event_id, e.title AS event_title, e.date_start AS event_date_start,
    c.party_id AS party, p.label AS party_label, p.sort_order AS party_order, c.claimant, c.via,
    c.claimed_start, c.claimed_end, c.account, c.target, c.victims, c.responsibility, c.killed,
    c.killed_high, c.killed_qualifier, c.injured, c.civilians_killed, c.women_children_killed,
    c.militants_killed, c.security_forces_killed, c.figures_text, c.quote, c.credibility,
    c.credibility_basis, c.document_id,
    d.publisher, d.title AS document_title, d.published AS document_date, d.url, d.citation
"""
_CLAIM_JOINS = """
    FROM claims c
    JOIN events e ON e.id = c.event_id
    JOIN parties p ON p.id = c.party_id
    JOIN documents d ON d.id = c.document_id
"""


def claims_for(db: Database, event_id: str) -> list[dict[str, Any]]:
    """One event's claims in party order, then by the date each claim was made."""
    return _rows(
        db,
        f"SELECT {_CLAIM_FIELDS} {_CLAIM_JOINS} WHERE c.event_id = :event_id"  # noqa: S608
        " ORDER BY p.sort_order, coalesce(c.claimed_start, '9999'), c.id",
        {"event_id": event_id},
    )


def _claims_matching(filters: Filters, select: str) -> tuple[str, dict[str, Any]]:
    """Claims of every matching event (and, with a party filter, of those parties only)."""
    where, params = filters.where()
    party_clause = ""
    if filters.parties:
        keys = [k for k in params if k.startswith("parties_")]
        party_clause = " AND c.party_id IN (" + ", ".join(f":{k}" for k in keys) + ")"
    return f"SELECT {select} {_CLAIM_JOINS} WHERE {where}{party_clause}", params  # noqa: S608


def iter_claims_matching(db: Database, filters: Filters) -> Iterator[dict[str, Any]]:
    sql, params = _claims_matching(filters, _CLAIM_FIELDS)
    order = " ORDER BY e.date_start DESC, c.event_id, p.sort_order, c.claimed_start, c.id"
    return _iter_rows(db, sql + order, params)


def event_by_id(db: Database, event_id: str) -> dict[str, Any] | None:
    rows = _rows(
        db,
        f"SELECT {_EVENT_FIELDS}, {_SOURCE_URLS}, e.grading_basis, e.extra FROM events e"  # noqa: S608
        " WHERE e.id = :event_id",
        {"event_id": event_id},
    )
    return rows[0] if rows else None


def event_matches(db: Database, filters: Filters, event_id: str) -> bool:
    """Whether the event ``event_id`` is among those ``filters`` match."""
    where, params = filters.where("e")
    sql = f"SELECT 1 FROM events e WHERE e.id = :event_id AND {where}"  # noqa: S608 - built clause
    return db.execute(sql, {**params, "event_id": event_id}).fetchone() is not None


def most_contested(db: Database, filters: Filters, limit: int = 10) -> list[dict[str, Any]]:
    """Events ranked by how far the parties' claimed death tolls diverge.

    Divergence = highest claimed toll / lowest claimed toll across claims with a figure (1 when
    only one figure exists), plus 1 for each extra distinct framing of who was hit
    (civilians vs militants …). Events with claims from fewer than two parties are left out, and
    so are strategic developments (talks, statements, a campaign's running totals): they stay
    findable and listed, but their figures are not one incident's toll to rank.
    """
    where, params = filters.where()
    # CROSS JOIN: from the claims (a few per contested event) to their events by key, never
    # from a million events to their claims.
    return _rows(
        db,
        f"""SELECT e.id AS event_id, e.title, e.date_start, e.grading,
                   count(DISTINCT c.party_id) AS n_parties,
                   count(*) AS n_claims,
                   min(c.killed) AS lowest_claimed,
                   max(coalesce(c.killed_high, c.killed)) AS highest_claimed,
                   count(DISTINCT nullif(c.victims, 'unspecified')) AS framings,
                   round(coalesce(1.0 * max(coalesce(c.killed_high, c.killed))
                                  / nullif(min(c.killed), 0), 1.0)
                         + max(count(DISTINCT nullif(c.victims, 'unspecified')) - 1, 0), 2)
                       AS divergence
            FROM claims c CROSS JOIN events e ON e.id = c.event_id
            WHERE {where} AND e.event_type <> 'Strategic developments'
            GROUP BY e.id HAVING n_parties >= 2
            ORDER BY divergence DESC, n_parties DESC, e.date_start DESC
            LIMIT :limit""",  # noqa: S608
        {**params, "limit": limit},
    )


def map_points(
    db: Database, filters: Filters, limit: int = 10_000, rowids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Matching events that have coordinates (bounded: the map aggregates above its limit)."""
    where, params = _matching(filters, rowids)
    return _rows(
        db,
        f"""SELECT e.id AS event_id, e.title, e.date_start, e.event_type, e.latitude,
                   e.longitude, e.geo_precision, e.location, e.admin2, e.admin1, e.country,
                   e.fatalities_best, e.fatalities_low, e.fatalities_high
            FROM events e WHERE {where} AND e.latitude IS NOT NULL
            ORDER BY e.date_start DESC, e.id LIMIT :limit""",  # noqa: S608
        {**params, "limit": limit},
    )


def event_sources(db: Database, event_id: str) -> list[dict[str, Any]]:
    """Every document behind one event, newest first."""
    return _rows(
        db,
        """SELECT d.id AS document_id, d.publisher, d.title, d.published, d.url, d.citation
             FROM event_sources s JOIN documents d ON d.id = s.document_id
            WHERE s.event_id = :event_id
            ORDER BY d.published DESC, d.publisher, d.id""",
        {"event_id": event_id},
    )


def event_choices(
    db: Database, filters: Filters, limit: int = 1000, rowids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Id, date and title of the most recent matching events, for pickers (bounded: a picker
    of a million entries helps nobody and costs seconds)."""
    where, params = _matching(filters, rowids)
    return _rows(
        db,
        f"""SELECT e.id AS event_id, e.date_start, e.title FROM events e WHERE {where}
            ORDER BY e.date_start DESC, e.id LIMIT :limit""",  # noqa: S608
        {**params, "limit": limit},
    )


def linked_events(db: Database, event_id: str) -> list[dict[str, Any]]:
    """Links from and to an event, phrased from this event's point of view."""
    return _rows(
        db,
        """SELECT 'out' AS direction, l.kind, l.basis, o.id AS event_id, o.title, o.date_start
             FROM event_links l JOIN events o ON o.id = l.other_event_id
            WHERE l.event_id = :event_id
           UNION ALL
           SELECT 'in' AS direction, l.kind, l.basis, o.id AS event_id, o.title, o.date_start
             FROM event_links l JOIN events o ON o.id = l.event_id
            WHERE l.other_event_id = :event_id
           ORDER BY date_start""",
        {"event_id": event_id},
    )


def origins(db: Database) -> tuple[str, ...]:
    return tuple(r[0] for r in db.execute("SELECT DISTINCT origin FROM events ORDER BY origin"))


def events_per_party(db: Database) -> dict[str, int]:
    """How many events carry a claim of each party (the sidebar's party facet)."""
    rows = db.execute("SELECT party_id, count(DISTINCT event_id) FROM claims GROUP BY 1")
    return dict(rows.fetchall())


def quality_notes_for(db: Database, event_id: str) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT kind, detail FROM quality_notes WHERE event_id = :id ORDER BY kind",
        {"id": event_id},
    )


def further_places(db: Database, event_id: str) -> list[dict[str, Any]]:
    return _rows(
        db,
        """SELECT country, admin1, admin2, as_published FROM event_places
            WHERE event_id = :id ORDER BY country, admin1, admin2""",
        {"id": event_id},
    )


# --- violence statistics ---------------------------------------------------------------------

CURATED_LENS = "curated"
# A party's lens may count only its claims graded at least this well on the credibility scale:
# "afghan_taliban:3" is the Afghan Taliban's claims graded 1–3.
GRADE_SEPARATOR = ":"


def lens_parts(lens: str) -> dict[str, Any]:
    """A party lens as SQL parameters: the party, and the worst credibility grade counted."""
    party, _, grade = lens.partition(GRADE_SEPARATOR)
    return {"lens": party, "lens_grade": int(grade) if grade.isdigit() else None}


# The claims a party lens counts (claims c, parameters from lens_parts).
LENS_CLAIMS = "c.party_id = :lens AND (:lens_grade IS NULL OR c.credibility <= :lens_grade)"


VICTIM_LABELS = {
    "civilians": "Civilians",
    "security_forces": "Security forces",
    "militants": "Militants",
    "unknown": "Unknown",
    "not_broken_down": "Not broken down",
}


def possible_duplicates(db: Database, filters: Filters, limit: int = 500) -> list[dict[str, Any]]:
    """Pairs of events from different origins that look like the same incident (never merged).

    The pairs are found when rows are written (``imports.duplicates``) and stored; a pair is
    listed when either of its events matches the filter.
    """
    where, params = filters.where()
    either = f"a.id IN (SELECT e.id FROM events e WHERE {where}) OR b.id IN (SELECT e.id FROM events e WHERE {where})"  # noqa: S608 - Filters.where
    matching = "" if where == "1 = 1" else f"WHERE {either}"
    return _rows(
        db,
        f"""SELECT a.id AS event_id, a.origin AS origin, a.title AS title, a.date_start AS date_start,
                   b.id AS other_event_id, b.origin AS other_origin, b.title AS other_title,
                   b.date_start AS other_date_start, a.event_type AS event_type, p.km AS km,
                   a.fatalities_best AS killed, b.fatalities_best AS other_killed
              FROM possible_duplicates p
              JOIN events a ON a.id = p.event_id
              JOIN events b ON b.id = p.other_event_id
             {matching}
             ORDER BY a.date_start DESC, p.km LIMIT :limit""",  # noqa: S608
        {**params, "limit": limit},
    )
