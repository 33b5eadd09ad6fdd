"""The conflict summary, on fixtures whose answers are worked out by hand below."""

from __future__ import annotations

from dash import narratives, queries
from dash.filters import Filters


def claim(party, **kw):
    base = dict(
        party=party, killed=None, killed_high=None, civilians_killed=None,
        women_children_killed=None, militants_killed=None, security_forces_killed=None,
        victims="unspecified", responsibility="not_addressed", target=None, claimed_start=None,
    )  # fmt: skip
    base.update(kw)
    return base


EVENT = dict(
    fatalities_best=None, date_precision="day", date_start="2024-12-24",
    date_end="2024-12-24", geo_precision="exact",
)  # fmt: skip


def test_barmal_like_spread_breakdown_and_conflicts():
    claims = [
        claim("pakistan_state", killed=20, militants_killed=20, victims="militants",
              responsibility="accepted", target="TTP hideouts", claimed_start="2024-12-25"),
        claim("pakistan_state", killed=25, killed_high=30, victims="militants",
              responsibility="accepted", claimed_start="2024-12-25"),
        claim("afghan_taliban", killed=46, women_children_killed=30, victims="civilians",
              responsibility="not_applicable", target="refugee homes", claimed_start="2024-12-25"),
        claim("media", killed=15, victims="civilians", responsibility="not_applicable"),
    ]  # fmt: skip
    s = narratives.summarise(EVENT, claims)
    # lowest claimed 15 (media), highest 46 (Taliban); the range 25–30 tops out below 46
    assert s.headline == "killed: 15 – 46 across 3 parties"
    assert (s.killed_low, s.killed_high) == (15, 46)
    assert s.breakdowns == [
        "women and children 30 per Afghan Taliban authorities",
        "militants 20 per Pakistani state",
    ]
    assert s.conflicts == [
        "Who was hit: militants per Pakistani state; civilians per Afghan Taliban authorities and Media",
        "Acknowledged by Pakistani state",
        "Target: TTP hideouts per Pakistani state; refugee homes per Afghan Taliban authorities",
    ]
    assert s.unknowns == [
        "No curated best estimate of the death toll: no source outside the parties gives one.",
        "When 1 of the 4 claims were made is not known.",
    ]


def test_denial_against_acceptance_and_imprecision():
    event = {**EVENT, "fatalities_best": 6, "date_precision": "month", "date_start": "2024-05-01",
             "date_end": "2024-05-31", "geo_precision": "province"}  # fmt: skip
    claims = [
        claim("militant", responsibility="accepted", claimed_start="2024-05-02"),
        claim("afghan_taliban", responsibility="denied", claimed_start="2024-05-08"),
    ]
    s = narratives.summarise(event, claims)
    assert s.headline == "no party gives a death toll"
    assert s.conflicts == [
        "Responsibility: accepted by Militant groups; denied by Afghan Taliban authorities"
    ]
    assert s.unknowns == [
        "The date is known only within a calendar month: 2024-05-01 to 2024-05-31.",
        "The location is known only as a province centroid: only the province is known.",
        "No death toll from: Afghan Taliban authorities and Militant groups.",
    ]


def test_single_claim_says_there_is_no_competing_account():
    s = narratives.summarise(EVENT, [claim("local", killed=3, victims="civilians")])
    assert s.headline == "killed: 3 across 1 party"
    assert not s.is_contested
    assert (
        s.unknowns[-1] == "Only one party's account is recorded: there is no competing account yet."
    )


def test_divergence_ranks_events_by_hand_computed_score(synthetic_db):
    ranked = {r["event_id"]: r for r in queries.most_contested(synthetic_db, Filters(), -1)}
    # syn-1: tolls 10, 40 (and 25): 40 / 10 = 4.0; framings militants, civilians, mixed: +2
    assert ranked["curated:syn-1"]["divergence"] == 6.0
    assert (
        ranked["curated:syn-1"]["lowest_claimed"],
        ranked["curated:syn-1"]["highest_claimed"],
    ) == (10, 40)
    assert "curated:syn-2" not in ranked  # one party: nothing to contest


def test_link_phrases_read_from_each_side():
    assert narratives.link_phrase("out", "retaliation_for") == "Retaliation for"
    assert narratives.link_phrase("in", "retaliation_for") == "Answered by"
