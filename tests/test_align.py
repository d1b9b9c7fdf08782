"""Alignment: the same claim in other words groups together; different numbers never do."""

from __future__ import annotations

import math

import pytest

from parallax.compare.align import MATCHERS, Unit, claim_core, group, numbers

LEX = MATCHERS["lexical"]


@pytest.mark.parametrize("a, b", [
    ("Lavrov said Ukraine launched 91 long-range drones at the residence in the Novgorod region.",
     "Ukraine launched 91 long-range drones toward the presidential residence in the Novgorod region."),
    ("President Volodymyr Zelenskiy called the claim a fabrication.",
     "President Volodymyr Zelenskyy labeled the claim a fabrication."),
    ("The Kremlin said Putin discussed the incident with Donald Trump by phone.",
     "Putin discussed the incident with U.S. President Donald Trump in a phone call, the Kremlin said."),
])
def test_same_claim_scores_above_threshold(a: str, b: str) -> None:
    assert LEX.score_pairs([(a, b)])[0] >= LEX.threshold
    assert LEX.compatible(a, b)


@pytest.mark.parametrize("a, b", [
    ("Ukraine launched 91 drones at the residence.", "Ukraine launched 19 drones at the residence."),
    ("The clinic cost $2.45 million last year.", "The clinic cost $1.2 million last year."),
])
def test_different_numbers_never_match(a: str, b: str) -> None:
    assert not LEX.compatible(a, b)
    units = [Unit("x", 0, 0, a, a), Unit("y", 0, 0, b, b)]
    assert sorted(group(units, LEX, threshold=0.0)) == [[0], [1]]


def test_unrelated_claims_score_low() -> None:
    score = LEX.score_pairs([("Ukrainian officials said Moscow presented no evidence.",
                              "Kremlin aide Yuri Ushakov said Washington wants a final settlement.")])[0]
    assert score < LEX.threshold


def test_scores_are_in_unit_interval_and_symmetric() -> None:
    texts = ["A drone attack was reported.", "A drone attack was reported.", "Nothing at all alike here."]
    sim = LEX.similarity(texts)
    assert sim.min() >= 0 and sim.max() <= 1
    assert sim[0, 1] == pytest.approx(1.0, abs=1e-5) and sim[0, 2] == pytest.approx(sim[2, 0])


def test_claim_core_strips_the_wrapper() -> None:
    assert claim_core("Lavrov said that Ukraine launched 91 drones at the residence.") == \
        "Ukraine launched 91 drones at the residence"
    assert claim_core("Ukraine launched 91 drones.") == "Ukraine launched 91 drones."


def test_numbers_normalised() -> None:
    assert numbers("1,200 people on Dec 28–29, 2.5%") == {"1200", "28", "29", "2.5"}


def test_groups_cross_outlets_and_keep_singletons() -> None:
    texts = {
        ("a", 0): "Ukraine launched 91 long-range drones at Putin's residence in the Novgorod region.",
        ("b", 0): "Lavrov claimed Ukraine launched 91 long-range drones at Putin's residence in the Novgorod region.",
        ("c", 2): "According to Moscow, Ukraine launched 91 long-range drones at the residence in Novgorod region.",
        ("b", 1): "The weather in Moscow was cold and snowy throughout the week.",
    }
    units = [Unit(o, p, 0, t, t) for (o, p), t in texts.items()]
    groups = group(units, LEX)
    assert sorted(map(len, groups), reverse=True) == [3, 1]


@pytest.mark.parametrize("blank", ["—", "...", "★ ★ ★", "📷"])
def test_a_sentence_without_words_matches_nothing_and_breaks_nothing(blank: str) -> None:
    a, b = "The bridge will close in May, the mayor said.", "The mayor said the bridge will close in May."
    sim = LEX.similarity([a, blank, b])
    assert sim[0, 2] >= LEX.threshold and sim[1].max() == 0 and sim[:, 1].max() == 0
    assert LEX.score_pairs([(blank, a), (a, b)])[0] == 0
    units = [Unit("x", 0, 0, a, a), Unit("x", 1, 0, blank, blank), Unit("y", 0, 0, b, b)]
    assert sorted(group(units, LEX)) == [[0, 2], [1]]


def test_a_fragment_joins_only_a_near_identical_unit() -> None:
    claim = "The city council voted on Tuesday to close the old Mill Street bridge for repairs."
    units = [Unit("a", 0, 0, claim, claim), Unit("b", 0, 0, "Bridge: Mill Street", "Bridge: Mill Street"),
             Unit("c", 0, 0, "Bridge: Mill Street.", "Bridge: Mill Street.")]
    assert LEX.similarity([claim, "Bridge: Mill Street"])[0, 1] >= LEX.threshold   # contained, by overlap
    assert sorted(group(units, LEX)) == [[0], [1, 2]]


def test_grouping_honours_a_plug_in_matchers_gate() -> None:
    """A matcher without a ``conflicts`` matrix is asked ``compatible`` of each pair, and grouping obeys it."""
    from dataclasses import dataclass

    import numpy as np

    @dataclass
    class Picky:
        name: str = "picky"
        threshold: float = 0.5

        def similarity(self, sentences, lang="en"):
            return np.ones((len(sentences), len(sentences)), dtype=np.float32)

        def score_pairs(self, pairs, lang="en"):
            return np.ones(len(pairs), dtype=np.float32)

        def compatible(self, a, b):
            return ("Kyiv" in a) == ("Kyiv" in b)

    texts = ["Kyiv denied the attack on the residence.", "Kyiv said the attack never took place.",
             "Moscow said the attack was state terrorism."]
    units = [Unit(o, 0, 0, t, t) for o, t in zip("abc", texts)]
    groups = group(units, Picky())
    assert sorted(map(sorted, groups)) == [[0, 1], [2]]


def test_groups_merge_on_the_mean_best_match_not_the_mean_of_all_pairs() -> None:
    """A claim told three ways: A and B close, C close to B but far from A. Over all pairs the mean
    between {A, B} and C is (0.1 + 0.6) / 2 = 0.35, below the 0.4 link; each unit's best match in the
    other group is 0.1, 0.6 (A, B to C) and 0.6 (C to B): mean 0.43, so the three are one claim. A
    fourth unit whose best match is 0.3 stays apart."""
    import numpy as np

    texts = ["Kyiv rejected the accusation outright", "Ukraine dismissed the claim",
             "Ukrainian officials dismissed the Russian claim", "Residents heard air raid sirens overnight"]
    units = [Unit(o, 0, 0, t, t) for o, t in zip("abcd", texts)]
    sim = np.array([[1.0, 0.9, 0.1, 0.3],
                    [0.9, 1.0, 0.6, 0.0],
                    [0.1, 0.6, 1.0, 0.0],
                    [0.3, 0.0, 0.0, 1.0]], dtype=np.float32)
    groups = group(units, MATCHERS["learned"], threshold=0.4, sim=sim, attach=math.inf)
    assert sorted(map(sorted, groups)) == [[0, 1, 2], [3]]
    sim[1, 2] = sim[2, 1] = 0.5          # best matches 0.1, 0.5, 0.5: mean 0.37, below the link
    groups = group(units, MATCHERS["learned"], threshold=0.4, sim=sim, attach=math.inf)
    assert sorted(map(sorted, groups)) == [[0, 1], [2], [3]]


def _two_claims(second: str) -> tuple[list[Unit], "np.ndarray"]:
    """Four outlets tell one claim (units 0-3); outlet a's unit 0 also carries a second claim that
    outlet b tells in a sentence of its own (unit 4): 0.7 to unit 0, nothing to the rest."""
    import numpy as np

    texts = ["Steele will speak with members Monday evening and is expected to announce his decision",
             "Steele will announce his decision on Monday", "Steele is to make his decision known Monday",
             "The chairman will say on Monday whether he runs again", second]
    units = [Unit(o, 0, 0, t, t) for o, t in zip("abcdb", texts)]
    sim = np.zeros((5, 5), dtype=np.float32)
    sim[:4, :4] = 0.8
    sim[0, 4] = sim[4, 0] = 0.7
    np.fill_diagonal(sim, 1.0)
    return units, sim


def test_a_unit_that_carries_two_claims_joins_the_group_of_each() -> None:
    """Unit 4 cannot join the four-outlet group (its best matches there are 0.7 and 0, 0, 0 with the
    group's 0.7: mean 0.35, below the 0.4 link), but unit 0 joins unit 4's group: 0.7 reaches the
    second-group threshold and the merge rule holds for it alone. Outlet b is already in the big group,
    so unit 4 never joins that; with second groups off, unit 4 stays alone."""
    units, sim = _two_claims("Steele will hold a conference call with members Monday evening")
    learned = MATCHERS["learned"]
    assert sorted(group(units, learned, threshold=0.4, sim=sim, attach=math.inf)) == [[0, 1, 2, 3], [4]]
    assert sorted(group(units, learned, threshold=0.4, sim=sim, attach=0.5)) == [[0, 1, 2, 3], [0, 4]]
    assert sorted(group(units, learned, threshold=0.4, sim=sim, attach=0.75)) == [[0, 1, 2, 3], [4]]


def test_a_second_group_honours_the_gate() -> None:
    """The same, but the two units give different numbers: no second group (91 drones vs 19)."""
    units, sim = _two_claims("Steele will hold a conference call with 19 members Monday evening")
    units[0] = Unit("a", 0, 0, units[0].text + " to 91 members", units[0].text + " to 91 members")
    assert sorted(group(units, MATCHERS["learned"], threshold=0.4, sim=sim, attach=0.5)) == [[0, 1, 2, 3], [4]]


def test_the_cli_knows_the_usable_matchers_without_importing_them() -> None:
    from parallax.compare import MATCHER_NEEDS, available_matchers

    assert set(available_matchers()) == set(MATCHERS)   # the semantic one only with its extra
    assert set(MATCHER_NEEDS) == set(MATCHERS) | set(MATCHERS._missing)
