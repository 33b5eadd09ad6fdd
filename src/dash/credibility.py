"""How far a claim's death toll can be trusted, on the 1–6 Admiralty (NATO) information scale.

The grade is not an opinion set per claim: it follows from what the dataset records about the
event's claims, by the written rule in ``grade`` (documented for users in docs/credibility.md
and on the Data and sources page). It looks at three things: whether other parties' tolls agree
with this one, whether the claimant is a party to the fighting, and whether the figure is
first-hand or relayed by someone else (``via``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The Admiralty scale's six grades of information credibility.
SCALE: dict[int, str] = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}
# Who-was-killed framings that cannot describe the same dead.
_CLASHING = {
    frozenset(pair)
    for pair in (("civilians", "militants"), ("civilians", "security_forces"),
                 ("militants", "security_forces"))
}  # fmt: skip
# Parties to the fighting: their tolls are the ones most likely to serve a side.
BELLIGERENTS = frozenset({"pakistan_state", "afghan_taliban", "militant"})
# Two tolls agree when their ranges, each widened by this share (and by at least one death),
# overlap: 20 and 23 agree, 20 and 46 do not. They contradict when they cannot both be true.
TOLERANCE = 0.2


@dataclass(frozen=True)
class Toll:
    """One claim's total death toll as a range (a single figure is a range of one); "at least"
    and "more than" leave it open upward."""

    party: str
    low: int
    high: int
    open_above: bool = False
    victims: str = "unspecified"

    def _widened(self) -> tuple[float, float]:
        return self.low - max(1, self.low * TOLERANCE), self.high + max(1, self.high * TOLERANCE)

    def agrees_with(self, other: Toll) -> bool:
        """The two figures are close and say the same kind of people died: each confirms the
        other ('20 militants' does not confirm '20 children')."""
        a, b = self._widened(), other._widened()
        return (
            a[0] <= b[1]
            and b[0] <= a[1]
            and frozenset((self.victims, other.victims)) not in _CLASHING
        )

    def contradicts(self, other: Toll) -> bool:
        """The two cannot both be true: 'at least 20' does not contradict 46; 71 and 46 do."""
        a, b = self._widened(), other._widened()
        a_high = float("inf") if self.open_above else a[1]
        b_high = float("inf") if other.open_above else b[1]
        return not (a[0] <= b_high and b[0] <= a_high)


def toll(claim: Mapping[str, Any]) -> Toll | None:
    killed = claim.get("killed")
    if killed is None:
        return None
    high = claim.get("killed_high")
    return Toll(
        str(claim["party_id"]),
        int(killed),
        int(high if high is not None else killed),
        claim.get("killed_qualifier") in ("at_least", "more_than") and high is None,
        str(claim.get("victims") or "unspecified"),
    )


# The rule in words, in the order it is applied: shown to users, and the contract of ``grade``.
RULES: tuple[tuple[int, str], ...] = (
    (6, "the claim gives no death toll: there is nothing to check"),
    (1, "its toll agrees with tolls from two or more other parties, one of them not a party to "
        "the fighting (local people, media, international bodies, analysts)"),
    (2, "its toll agrees with a toll from one other party"),
    (5, "no other party's toll agrees, the claimant is a party to the fighting, and two or more "
        "other parties give tolls that agree with each other and contradict it"),
    (4, "no other party's toll agrees, and a party outside the fighting gives one that "
        "contradicts it"),
    (3, "nothing from outside the fighting contradicts it, and the figure is first-hand or comes "
        "from a party outside the fighting"),
    (6, "otherwise: a relayed toll from a party to the fighting that nothing else checks"),
)  # fmt: skip


def rules() -> list[str]:
    return [f"{SCALE[g]} ({g}): {text}." for g, text in RULES]


def grade(claim: Mapping[str, Any], others: Iterable[Mapping[str, Any]]) -> tuple[int, str]:
    """The grade of ``claim`` among the other claims about the same event, and why.

    The first rule that applies decides:

    6. the claim gives no death toll: there is nothing to check;
    Tolls *agree* when their ranges, widened by a fifth, overlap and they do not name different
    kinds of dead (civilians, militants, security forces); they *contradict* when they cannot
    both be true ("at least 20" does not contradict 46).

    1. its toll agrees with tolls from two or more other parties, one of them not a party to the
       fighting (local people, media, international bodies, analysts);
    2. its toll agrees with a toll from one other party;
    5. no other party's toll agrees, the claimant is a party to the fighting, and two or more
       other parties give tolls that agree with each other and contradict it;
    4. no other party's toll agrees, and a party outside the fighting gives one that
       contradicts it;
    3. nothing contradicts it from outside the fighting, and the figure is first-hand or comes
       from a party outside the fighting;
    6. otherwise: a relayed toll from a party to the fighting that nothing else checks.
    """
    own = toll(claim)
    if own is None:
        return 6, "gives no death toll to check"
    tolls = [t for c in others if (t := toll(c)) is not None and t.party != own.party]
    agreeing = {t.party for t in tolls if own.agrees_with(t)}
    disagreeing = [t for t in tolls if t.party not in agreeing and own.contradicts(t)]
    independent = [p for p in agreeing if p not in BELLIGERENTS]
    if len(agreeing) >= 2 and independent:
        return 1, f"agrees with the tolls of {_parties(agreeing)}"
    if agreeing:
        return 2, f"agrees with the toll of {_parties(agreeing)}"
    belligerent = own.party in BELLIGERENTS
    if belligerent and _corroborated(disagreeing):
        return 5, (
            f"a party to the fighting; {_parties({t.party for t in disagreeing})} give tolls "
            "that agree with each other and contradict it"
        )
    outside = {t.party for t in disagreeing if t.party not in BELLIGERENTS}
    if outside:
        return 4, f"no other party's toll agrees; {_parties(outside)} give tolls that contradict it"
    first_hand = not claim.get("via")
    if first_hand or not belligerent:
        how = "first-hand" if first_hand else f"relayed by {claim['via']}"
        alone = (
            "no other toll to check it against"
            if not tolls
            else "no other party's toll confirms it and none from outside the fighting contradicts it"
        )
        return 3, f"{how}; {alone}"
    return 6, f"a party to the fighting, relayed by {claim['via']}; nothing else checks it"


def _corroborated(tolls: Sequence[Toll]) -> bool:
    """Two or more parties whose tolls agree with each other."""
    return any(
        a.party != b.party and a.agrees_with(b) for i, a in enumerate(tolls) for b in tolls[i + 1 :]
    )


def _parties(parties: Iterable[str]) -> str:
    from .vocab import PARTY_LABELS

    return ", ".join(PARTY_LABELS.get(p, p) for p in sorted(parties))


def graded(claims: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """Grades for every claim of one event, in order."""
    return [grade(c, claims[:i] + claims[i + 1 :]) for i, c in enumerate(claims)]
