"""The conflict summary of one event's claims: spread of figures, points of conflict, unknowns.

Pure functions over the rows ``queries.claims_for`` and ``queries.event_by_id`` return, so the
summary is tested without Streamlit and reads the same in the app and in a printout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import credibility, vocab

PARTY_LABELS = vocab.PARTY_LABELS
PARTY_ORDER = {pid: i for i, (pid, _, _) in enumerate(vocab.PARTIES)}

# Per-category figures a claim can give, and how the summary names them.
BREAKDOWN = (
    ("civilians_killed", "civilians"),
    ("women_children_killed", "women and children"),
    ("militants_killed", "militants"),
    ("security_forces_killed", "security forces"),
)
VICTIM_WORDS = {
    "civilians": "civilians",
    "militants": "militants",
    "security_forces": "security forces",
    "mixed": "civilians and combatants",
}


@dataclass
class Summary:
    """Everything shown above the party columns."""

    n_claims: int
    parties: list[str]  # party ids, in the stable display order
    killed_low: int | None = None
    killed_high: int | None = None
    parties_with_figures: list[str] = field(default_factory=list)
    headline: str = ""
    tolls: list[str] = field(default_factory=list)  # each party's toll, as the table shows it
    breakdowns: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)

    @property
    def is_contested(self) -> bool:
        return len(self.parties) > 1


def _label(party: str) -> str:
    return PARTY_LABELS.get(party, party)


def _join(parts: Sequence[str]) -> str:
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _ordered(parties: set[str]) -> list[str]:
    return sorted(parties, key=lambda p: (PARTY_ORDER.get(p, 99), p))


def summarise(event: dict[str, Any], claims: Sequence[dict[str, Any]]) -> Summary:
    """Build the conflict summary for one event from its claims."""
    parties = _ordered({c["party"] for c in claims})
    summary = Summary(n_claims=len(claims), parties=parties)

    with_figures = [c for c in claims if c["killed"] is not None]
    if with_figures:
        summary.killed_low = min(c["killed"] for c in with_figures)
        summary.killed_high = max(c["killed_high"] or c["killed"] for c in with_figures)
        summary.parties_with_figures = _ordered({c["party"] for c in with_figures})
        n = len(summary.parties_with_figures)
        spread = (
            f"{summary.killed_low}"
            if summary.killed_low == summary.killed_high
            else f"{summary.killed_low} – {summary.killed_high}"
        )
        summary.headline = f"killed: {spread} across {n} part{'y' if n == 1 else 'ies'}"
    else:
        summary.headline = "no party gives a death toll"
    for party in summary.parties_with_figures:
        own = [c for c in with_figures if c["party"] == party]
        low = min(c["killed"] for c in own)
        high = max(c["killed_high"] or c["killed"] for c in own)
        summary.tolls.append(f"{_label(party)} {low}" + (f"–{high}" if high != low else ""))

    for column, word in BREAKDOWN:
        by_party: dict[str, int] = {}
        for c in claims:
            if c[column] is not None:
                by_party[c["party"]] = max(by_party.get(c["party"], 0), c[column])
        for party in _ordered(set(by_party)):
            summary.breakdowns.append(f"{word} {by_party[party]} per {_label(party)}")

    summary.conflicts = _conflicts(claims)
    summary.unknowns = _unknowns(event, claims, parties, summary.parties_with_figures)
    return summary


def stated_toll(claim: dict[str, Any]) -> str:
    """A claim's death toll as stated: 'at least 20', '15–30', '–' when it gives none."""
    if claim["killed"] is None:
        return "–"
    qualifier = {"at_least": "at least ", "more_than": "more than ", "about": "about "}.get(
        claim["killed_qualifier"] or "", ""
    )
    high = f"–{claim['killed_high']}" if claim["killed_high"] not in (None, claim["killed"]) else ""
    return f"{qualifier}{claim['killed']}{high}"


def comparison_rows(claims: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per claim for the comparison table, in words (no stored codes)."""
    return [
        {
            "party": c["party_label"] or _label(c["party"]),
            "claimant": c["claimant"],
            "date": c["claimed_start"] or "",
            # Text that sorts as a number (spaces before the digits sort first): a numeric cell
            # would show a missing figure as "None", and this table shows "–".
            "killed": "–" if c["killed"] is None else f"{c['killed']:>9,}",
            "stated": stated_toll(c),
            "hit": vocab.VICTIM_SHORT.get(c["victims"] or "", c["victims"] or "–"),
            "responsibility": vocab.RESPONSIBILITY_SHORT.get(
                c["responsibility"] or "", c["responsibility"] or "–"
            ),
            "credibility": (
                f"{c['credibility']} {credibility.SCALE.get(c['credibility'], '')}".strip()
                if c.get("credibility")
                else "–"
            ),
            "source": c["publisher"],
            "url": c["url"],
        }
        for c in claims
    ]


def _conflicts(claims: Sequence[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    framings: dict[str, set[str]] = {}
    for c in claims:
        if c["victims"] in VICTIM_WORDS:
            framings.setdefault(c["victims"], set()).add(c["party"])
    if len(framings) > 1:
        parts = [
            f"{VICTIM_WORDS[v]} per {_join([_label(p) for p in _ordered(ps)])}"
            for v, ps in sorted(
                framings.items(), key=lambda kv: min(PARTY_ORDER.get(p, 99) for p in kv[1])
            )
        ]
        out.append("Who was hit: " + "; ".join(parts))

    stances: dict[str, set[str]] = {}
    for c in claims:
        if c["responsibility"] in ("accepted", "denied"):
            stances.setdefault(c["responsibility"], set()).add(c["party"])
    if "accepted" in stances and "denied" in stances:
        out.append(
            f"Responsibility: accepted by {_join([_label(p) for p in _ordered(stances['accepted'])])}; "
            f"denied by {_join([_label(p) for p in _ordered(stances['denied'])])}"
        )
    elif "accepted" in stances:
        out.append(f"Acknowledged by {_join([_label(p) for p in _ordered(stances['accepted'])])}")
    elif "denied" in stances:
        out.append(f"Denied by {_join([_label(p) for p in _ordered(stances['denied'])])}")

    targets: dict[str, list[str]] = {}
    for c in claims:
        if c["target"]:
            targets.setdefault(c["party"], [])
            if c["target"] not in targets[c["party"]]:
                targets[c["party"]].append(c["target"])
    if len(targets) > 1:
        out.append(
            "Target: "
            + "; ".join(
                f"{'; '.join(t)} per {_label(p)}"
                for p, t in sorted(targets.items(), key=lambda kv: PARTY_ORDER.get(kv[0], 99))
            )
        )
    return out


def _unknowns(
    event: dict[str, Any],
    claims: Sequence[dict[str, Any]],
    parties: list[str],
    parties_with_figures: list[str],
) -> list[str]:
    out: list[str] = []
    if event.get("fatalities_best") is None:
        out.append(
            "No curated best estimate of the death toll: no source outside the parties gives one."
        )
    if event.get("date_precision") and event["date_precision"] != "day":
        out.append(
            f"The date is known only {vocab.DATE_PRECISIONS[event['date_precision']]}: "
            f"{event['date_start']} to {event['date_end']}."
        )
    precision = event.get("geo_precision")
    if precision is None:
        out.append("No sourced coordinates: the event is not on the map.")
    elif precision not in ("exact", "near"):
        out.append(f"The location is known only as a {vocab.GEO_PRECISIONS[precision]}.")
    silent = [p for p in parties if p not in parties_with_figures]
    if silent and claims:
        out.append(f"No death toll from: {_join([_label(p) for p in silent])}.")
    undated = sum(1 for c in claims if c["claimed_start"] is None)
    if undated:
        out.append(f"When {undated} of the {len(claims)} claims were made is not known.")
    if len(parties) == 1:
        out.append("Only one party's account is recorded: there is no competing account yet.")
    return out


LINK_PHRASES = {
    ("out", "retaliation_for"): "Retaliation for",
    ("in", "retaliation_for"): "Answered by",
    ("out", "preceded_by"): "Preceded by",
    ("in", "preceded_by"): "Followed by",
    ("out", "part_of_campaign"): "Part of",
    ("in", "part_of_campaign"): "Includes",
}


def link_phrase(direction: str, kind: str) -> str:
    """How a link reads from the current event's side ('Retaliation for', 'Answered by', …)."""
    return LINK_PHRASES.get((direction, kind), kind.replace("_", " "))
