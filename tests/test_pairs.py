"""The learned same-claim matcher: its features, its encoder and its probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.compare.align import MATCHERS, Unit, group
from parallax.compare.encoder import encoder
from parallax.compare.pairs import FEATURES, matrix_features, model, pair_features

TEXTS = [
    "Russia said Ukraine launched 91 long-range drones at Putin's residence in the Novgorod region.",
    "Moscow claimed that Kyiv had sent 91 drones towards the president's residence in Novgorod.",
    "Ukraine's president called the accusation a fabrication meant to justify new strikes.",
    "Russia said Ukraine launched 19 long-range drones at Putin's residence in the Novgorod region.",
    "Residents were told to pay close attention to air raid alerts.",
]


def test_pair_and_matrix_features_are_the_same_numbers() -> None:
    pairs = [(a, b) for i, a in enumerate(TEXTS) for b in TEXTS[i + 1:]]
    one = pair_features(pairs)
    every = matrix_features(TEXTS)
    k = 0
    for i in range(len(TEXTS)):
        for j in range(i + 1, len(TEXTS)):
            for name in FEATURES:
                assert one[name][k] == pytest.approx(every[name][i, j], abs=1e-5), (name, i, j)
            k += 1


def test_features_read_numbers_negation_and_names() -> None:
    f = pair_features([(TEXTS[0], TEXTS[3]), (TEXTS[0], TEXTS[1]), ("Kyiv denied the attack.", "Kyiv did not deny the attack.")])
    assert list(f["num_conflict"]) == [1.0, 0.0, 0.0]
    assert list(f["neg_xor"]) == [0.0, 0.0, 1.0]
    assert f["gram_max4"][0] > 0.5 and f["gram_max4"][1] < 0.2


def test_encoder_vectors() -> None:
    v = encoder().encode([TEXTS[0], TEXTS[1], TEXTS[4], ""])
    assert v.shape == (4, encoder().dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5) and not v[3].any()
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2         # the same claim in other words is nearer than another claim
    assert np.array_equal(v, encoder().encode([TEXTS[0], TEXTS[1], TEXTS[4], ""]))   # deterministic


def test_probabilities_rank_paraphrases_first_and_gate_numbers() -> None:
    learned = MATCHERS["learned"]
    p = learned.score_pairs([(TEXTS[0], TEXTS[1]), (TEXTS[0], TEXTS[2]), (TEXTS[0], TEXTS[4])])
    assert ((0 <= p) & (p <= 1)).all()
    assert p[0] > learned.threshold > p[2] and p[0] > p[1]
    assert not learned.compatible(TEXTS[0], TEXTS[3]) and learned.compatible(TEXTS[0], TEXTS[1])
    sim = learned.similarity(TEXTS)
    assert sim.shape == (5, 5) and np.allclose(sim, sim.T, atol=1e-6) and np.allclose(np.diag(sim), 1.0)
    units = [Unit(o, 0, 0, t, t) for o, t in zip("abcde", TEXTS)]
    groups = group(units, learned)
    together = next(g for g in groups if 0 in g)
    assert 1 in together and 3 not in together    # "91 drones" and "19 drones" never merge


def test_shipped_model_matches_the_feature_list() -> None:
    m = model()
    assert m.features == FEATURES and len(m.coef) == len(FEATURES) and 0 < m.threshold < 1


def test_shared_counts_match_set_intersections_in_any_batch_size(monkeypatch) -> None:
    import random

    from parallax.compare import pairs

    rng = random.Random(1)
    sets = [frozenset(rng.sample("abcdefghijklmnopqrstuvwxyz", rng.randint(0, 8))) for _ in range(120)]
    truth = np.array([[len(a & b) for b in sets] for a in sets], dtype=np.float32)
    assert np.array_equal(pairs._shared_matrix(sets), truth)
    monkeypatch.setattr(pairs, "PAIR_BATCH", 50)      # common items added as blocks, the rest in small batches
    assert np.array_equal(pairs._shared_matrix(sets), truth)
    assert pairs._shared_matrix([frozenset(), frozenset()]).sum() == 0


def test_features_streamed_into_the_model_give_the_same_probabilities_as_all_at_once() -> None:
    from parallax.compare.pairs import each_matrix_feature

    every = matrix_features(TEXTS)
    at_once = model().probability(every)
    assert np.array_equal(model().probability(each_matrix_feature(TEXTS)), at_once)
    assert np.array_equal(model().probability(reversed(list(every.items()))), at_once)   # any order
    assert at_once.dtype == np.float32 and at_once.shape == (len(TEXTS), len(TEXTS))


def test_banded_gate_and_candidate_choice_match_the_whole_matrix(monkeypatch) -> None:
    import random

    from parallax.compare import align, pairs

    rng = random.Random(3)
    texts = [f"{rng.choice(['', '91 drones', '19 drones', 'the 2 sides', '91 and 19'])} unit {i}" for i in range(60)]
    nums = [align.numbers(t) for t in texts]
    truth = np.array([[bool(a and b and not a & b) for b in nums] for a in nums])
    assert np.array_equal(align.number_conflicts(texts), truth)

    prob = np.random.default_rng(0).random((60, 60)).astype(np.float32)
    prob = (prob + prob.T) / 2
    cross = np.random.default_rng(1).random((60, 60)) > 0.2
    cross &= cross.T
    whole = pairs.rerank_candidates(prob, cross, budget=200, per_unit=4)
    monkeypatch.setattr(pairs, "RANK_CELLS", 70)          # one row at a time, then a few
    assert all(np.array_equal(x, y) for x, y in zip(pairs.rerank_candidates(prob, cross, 200, 4), whole))
    monkeypatch.setattr(pairs, "RANK_CELLS", 7 * 60)
    assert all(np.array_equal(x, y) for x, y in zip(pairs.rerank_candidates(prob, cross, 200, 4), whole))
    assert len(whole[0]) > 0
