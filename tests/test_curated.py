"""The shipped, curated dataset: every fact cited, quotes verbatim, precision honest."""

from __future__ import annotations

import re

import pytest
import yaml

from dash import integrity, store

from .conftest import CURATED, SHARED, SHIPPED_DB


@pytest.fixture(scope="module")
def db():
    database = store.open_readonly(SHIPPED_DB)
    yield database
    database.close()


def rows(db, sql):
    cursor = db.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def test_every_event_claim_and_statistic_names_a_citable_document(db):
    uncited = rows(
        db,
        """SELECT 'claim' AS what, c.id FROM claims c JOIN documents d ON d.id = c.document_id
            WHERE d.url IS NULL AND d.citation IS NULL
           UNION ALL
           SELECT 'statistic', s.id FROM statistics s JOIN documents d ON d.id = s.document_id
            WHERE d.url IS NULL AND d.citation IS NULL
           UNION ALL
           SELECT 'event without any document', e.id FROM events e
            WHERE NOT EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = e.id)""",
    )
    assert uncited == []
    assert (
        db.execute(
            "SELECT count(*) FROM documents WHERE publisher IS NULL OR publisher = ''"
        ).fetchone()[0]
        == 0
    )


def test_every_coordinate_names_the_page_it_came_from(db):
    assert (
        rows(
            db,
            """SELECT e.id FROM events e LEFT JOIN documents d ON d.id = e.place_source_id
            WHERE e.latitude IS NOT NULL AND (d.id IS NULL OR d.url IS NULL)""",
        )
        == []
    )


def test_barmal_strikes_have_competing_claims_from_at_least_three_parties(db):
    claims = rows(
        db,
        "SELECT party_id, killed FROM claims WHERE event_id = 'curated:2024-12-24-barmal-airstrikes'",
    )
    assert len(claims) >= 3
    parties = {c["party_id"] for c in claims}
    assert {"pakistan_state", "afghan_taliban"} <= parties and len(parties) >= 3
    # the design's example figures are all there, each as its own party's claim
    tolls = {(c["party_id"], c["killed"]) for c in claims}
    assert ("afghan_taliban", 46) in tolls
    assert ("pakistan_state", 20) in tolls
    assert any(k == 15 for p, k in tolls if p not in ("pakistan_state", "afghan_taliban"))


def test_statements_are_strategic_developments(db):
    for event_id in (
        "curated:2024-06-22-azm-e-istehkam-announced",
        "curated:2024-06-asif-cross-border-strikes-statement",
    ):
        assert db.execute("SELECT event_type FROM events WHERE id = ?", [event_id]).fetchone() == (
            "Strategic developments",
        )


def test_imprecise_places_are_marked_as_such(db):
    barmal = rows(
        db,
        "SELECT admin2, geo_precision FROM events WHERE id = 'curated:2024-12-24-barmal-airstrikes'",
    )[0]
    # no sourced coordinate exists for Barmal district: the point is the province's, and says so
    assert barmal == {"admin2": "Barmal", "geo_precision": "province"}
    windows = rows(
        db, "SELECT id FROM events WHERE date_precision != 'day' AND date_start = date_end"
    )
    assert windows == [], "an imprecise date must be a window, not a single day"


def test_the_shipped_database_holds_nothing_synthetic(db):
    for table in ("documents", "events", "claims", "statistics"):
        columns = [c.name for c in db[table].columns]
        condition = " OR ".join(f"CAST([{c}] AS TEXT) LIKE '%SYNTHETIC%'" for c in columns)
        assert db.execute(f"SELECT count(*) FROM [{table}] WHERE {condition}").fetchone()[0] == 0


def _seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}


@pytest.mark.skipif(
    not (SHARED / "seeds").exists(), reason="../shared/ (seed articles) not beside the checkout"
)
def test_quotes_from_seed_articles_are_verbatim(db):
    seeds = _seed_texts()
    checked = 0
    for claim in rows(
        db,
        """SELECT c.id, c.quote, d.citation FROM claims c JOIN documents d ON d.id = c.document_id
            WHERE c.quote IS NOT NULL AND d.url IS NULL""",
    ):
        seed = re.search(r"\b(\d{3}_[0-9a-f]{16})\b", claim["citation"] or "")
        assert seed, f"{claim['id']}: a document without URL must name its seed article"
        assert claim["quote"] in seeds[seed.group(1)], f"{claim['id']}: quote not verbatim"
        checked += 1
    assert checked >= 3


def _excerpts() -> dict[tuple[str, str], str]:
    """(event id, document id) -> the verbatim excerpts recorded for that page, joined."""
    out: dict[tuple[str, str], str] = {}
    for path in (CURATED / "research").glob("*.yaml"):
        notes = yaml.safe_load(path.read_text(encoding="utf-8"))
        for page in notes["pages"]:
            key = ("curated:" + notes["event"], page["document"])
            out[key] = out.get(key, "") + "\n" + (page.get("excerpt") or "")
    return out


def _words(text: str) -> str:
    # the same words: whitespace runs and curly quote marks do not count as differences
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def test_every_quote_is_verbatim_in_the_recorded_excerpt_of_its_page(db):
    excerpts = _excerpts()
    checked = 0
    for claim in rows(
        db, "SELECT id, event_id, document_id, quote FROM claims WHERE quote IS NOT NULL"
    ):
        excerpt = excerpts.get((claim["event_id"], claim["document_id"]))
        assert excerpt is not None, f"{claim['id']}: its page is not in the event's research notes"
        assert _words(claim["quote"]) in _words(excerpt), f"{claim['id']}: quote not verbatim"
        checked += 1
    assert checked >= 100


def test_every_event_has_research_notes_and_every_cited_page_was_read(db):
    excerpts = _excerpts()
    events = {r["id"] for r in rows(db, "SELECT id FROM events WHERE origin = 'curated'")}
    noted = {event for event, _ in excerpts}
    assert events == noted
    for claim in rows(db, "SELECT id, event_id, document_id FROM claims"):
        assert (claim["event_id"], claim["document_id"]) in excerpts, claim["id"]


def test_every_event_has_a_claim_and_every_claim_a_credibility_grade(db):
    assert rows(db, "SELECT id FROM events e WHERE NOT EXISTS "
                    "(SELECT 1 FROM claims c WHERE c.event_id = e.id)") == []  # fmt: skip
    assert rows(db, "SELECT id FROM claims WHERE credibility IS NULL") == []


def test_the_record_reaches_into_2026_with_the_size_the_issue_asks(db):
    n_events, n_claims, last = db.execute(
        "SELECT count(*), (SELECT count(*) FROM claims), max(date_start) FROM events"
    ).fetchone()
    assert n_events >= 60 and n_claims >= 300
    assert last >= "2026-03-16"


def test_building_from_the_curated_files_reproduces_the_shipped_database(tmp_path, db):
    from dash.imports import build_database

    built = store.open_readonly(build_database(CURATED, tmp_path / "rebuilt.db"))
    try:
        assert integrity.content_digest(built) == integrity.content_digest(db)
    finally:
        built.close()


def test_tracker_figures_are_kept_apart_with_definitions(db):
    trackers = {r["tracker"] for r in rows(db, "SELECT DISTINCT tracker FROM statistics")}
    assert {"CRSS", "ISPR", "PIPS", "PICSS", "Ministry of Interior (Pakistan)"} <= trackers
    assert (
        db.execute("SELECT count(*) FROM statistics WHERE trim(definition) = ''").fetchone()[0] == 0
    )
    crss = db.execute(
        "SELECT value FROM statistics WHERE tracker = 'CRSS' AND metric = 'fatalities'"
        " AND region = 'Pakistan' AND period_start = '2024-01-01' AND period_end = '2024-12-31'"
    ).fetchall()
    assert crss == [(2546,)]
