"""The credibility rule on hand-worked examples: each expected grade is worked out from the
rule's text (dash.credibility.grade), not taken from the code's output."""

from __future__ import annotations

import pytest

from dash.credibility import SCALE, grade, graded


def claim(party, killed=None, high=None, qualifier="exact", victims="unspecified", via=None):
    return {"party_id": party, "killed": killed, "killed_high": high,
            "killed_qualifier": qualifier, "victims": victims, "via": via}  # fmt: skip


def test_the_scale_has_six_grades_in_order():
    assert list(SCALE) == [1, 2, 3, 4, 5, 6]
    assert SCALE[1].startswith("Confirmed") and SCALE[6].startswith("Truth cannot")


def test_no_toll_cannot_be_judged():
    assert grade(claim("media"), [claim("local", 5)])[0] == 6


def test_two_other_parties_agreeing_one_independent_confirms():
    # 20 vs 22 (local) and 19 (Pakistani state): both within a fifth of 20 → grade 1
    own = claim("afghan_taliban", 20, victims="civilians")
    others = [claim("local", 22, victims="civilians"), claim("pakistan_state", 19)]
    assert grade(own, others)[0] == 1


def test_two_agreeing_belligerents_only_is_probably_true():
    # agreement from the Pakistani state and a militant group, none independent → not 1; → 2
    own = claim("afghan_taliban", 10)
    assert grade(own, [claim("pakistan_state", 10), claim("militant", 11)])[0] == 2


def test_one_agreeing_party_is_probably_true():
    assert grade(claim("media", 15), [claim("international", 14)])[0] == 2


def test_same_figure_for_different_dead_does_not_agree():
    # 20 militants (Pakistani state) against 20 children (UNICEF): the numbers match, the dead do not
    own = claim("pakistan_state", 20, victims="militants", via="AFP")
    assert grade(own, [claim("international", 20, victims="civilians")])[0] == 6


def test_a_belligerent_contradicted_by_two_agreeing_parties_is_improbable():
    # 400 (Taliban) against 95 (media) and 100 (UN): those two agree (95 vs 100), neither 400 → 5
    own = claim("afghan_taliban", 400)
    others = [claim("media", 95), claim("international", 100)]
    assert grade(own, others)[0] == 5


def test_contradicted_from_outside_the_fighting_is_doubtful():
    # 46 (Taliban) against 71 (media) only: contradicted by one independent party → 4
    assert grade(claim("afghan_taliban", 46), [claim("media", 71)])[0] == 4


def test_at_least_does_not_contradict_a_higher_figure():
    # "at least 20" (UNICEF) is compatible with 46: no contradiction, no agreement → 3 (first-hand)
    assert (
        grade(claim("afghan_taliban", 46), [claim("international", 20, qualifier="at_least")])[0]
        == 3
    )


def test_a_lone_first_hand_or_independent_toll_is_possibly_true():
    assert grade(claim("pakistan_state", 12), [])[0] == 3
    assert grade(claim("media", 12, via="Reuters"), [])[0] == 3


def test_a_lone_relayed_belligerent_toll_cannot_be_judged():
    assert grade(claim("pakistan_state", 12, via="Reuters"), [])[0] == 6


def test_claims_of_the_same_party_do_not_confirm_each_other():
    own = claim("afghan_taliban", 46, via="dpa")
    assert grade(own, [claim("afghan_taliban", 46)])[0] == 6


@pytest.mark.parametrize("position", [0, 1, 2])
def test_graded_grades_each_claim_against_the_others(position):
    claims = [claim("media", 15), claim("international", 14), claim("afghan_taliban", 46)]
    grades = graded(claims)
    assert grades[position] == grade(
        claims[position], [c for i, c in enumerate(claims) if i != position]
    )
    assert all(isinstance(why, str) and why for _, why in grades)
