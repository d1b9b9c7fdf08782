"""The same-claim cross-encoder and how the default matcher spends it on uncertain pairs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from parallax.compare.pairs import LearnedMatcher, combine, in_band, model, rerank_candidates
from parallax.compare.reranker import reranker
from parallax.thresholds import value as limit

SAME = ("Ukraine's foreign minister called the accusation a fabrication meant to justify new strikes.",
        "Kyiv's top diplomat said the claim was invented to excuse further attacks.")
OTHER = ("Ukraine's foreign minister called the accusation a fabrication meant to justify new strikes.",
         "Residents of the region were told to pay close attention to air raid alerts.")
DRONES = ("Russia said Ukraine launched 91 drones at Putin's residence.",
          "Moscow claimed Kyiv sent 91 drones towards the president's residence.")


def test_cross_encoder_tells_a_paraphrase_from_another_claim() -> None:
    p = reranker().probability([SAME, OTHER, DRONES, SAME[::-1]])
    assert p.dtype == np.float32 and ((0 <= p) & (p <= 1)).all()
    assert p[2] > 0.5 > p[1]
    assert p[0] > p[1] + 0.1                         # other words, same claim: above another claim
    assert abs(p[0] - p[3]) < 0.2                    # the order of the two sides matters little
    assert np.array_equal(p, reranker().probability([SAME, OTHER, DRONES, SAME[::-1]]))   # deterministic
    assert reranker().probability([]).shape == (0,)


def test_combine_is_a_weighted_mean_of_log_odds() -> None:
    feature, cross = np.array([0.2, 0.5, 0.9]), np.array([0.8, 0.5, 0.1])
    assert np.allclose(combine(feature, cross, 0.0), feature, atol=1e-6)
    assert np.allclose(combine(feature, cross, 1.0), cross, atol=1e-6)
    assert np.allclose(combine(feature, cross, 0.5), [0.5, 0.5, 0.5], atol=1e-6)


def test_candidates_are_uncertain_cross_outlet_pairs_most_probable_first_within_budget() -> None:
    lo, hi = limit("align.rerank_low"), limit("align.rerank_high")
    prob = np.array([[1, hi + 0.05, 0.5, 0.4, lo / 2],
                     [hi + 0.05, 1, 0.3, 0.6, 0.35],
                     [0.5, 0.3, 1, 0.45, 0.2],
                     [0.4, 0.6, 0.45, 1, 0.25],
                     [lo / 2, 0.35, 0.2, 0.25, 1]], dtype=np.float32)
    cross = np.ones((5, 5), dtype=bool)
    cross[2, 3] = cross[3, 2] = False                  # the same outlet
    a, b = rerank_candidates(prob, cross, budget=100, per_unit=4)
    got = list(zip(a.tolist(), b.tolist()))
    assert (0, 1) not in got and (0, 4) not in got     # out of the band: certain either way
    assert (2, 3) not in got                           # one outlet: never asked
    assert all(in_band(prob)[i, j] and cross[i, j] for i, j in got)
    assert [prob[i, j] for i, j in got] == sorted((prob[i, j] for i, j in got), reverse=True)
    assert len(got) == len(set(got)) == 7
    a2, b2 = rerank_candidates(prob, cross, budget=3, per_unit=4)
    assert list(zip(a2.tolist(), b2.tolist())) == got[:3]
    a3, _ = rerank_candidates(prob, cross, budget=100, per_unit=1)
    assert len(a3) < len(got)                           # each unit proposes its best pair only
    assert rerank_candidates(prob, cross, budget=0, per_unit=3)[0].size == 0


def test_matcher_rereads_only_the_candidates_and_says_how_many() -> None:
    texts = [SAME[0], SAME[1], OTHER[1], DRONES[0], DRONES[1]]
    outlets = ["a", "b", "c", "a", "a"]
    plain = LearnedMatcher(rerank=False).similarity(texts)
    matcher = LearnedMatcher()
    sim = matcher.similarity(texts, outlets=outlets)
    assert np.allclose(sim, sim.T) and np.allclose(np.diag(sim), 1.0)
    changed = {(i, j) for i in range(5) for j in range(i + 1, 5) if abs(sim[i, j] - plain[i, j]) > 1e-6}
    assert matcher.last["pairs_reranked"] == len(changed) > 0
    assert matcher.last["pairs_reranked"] <= matcher.last["pairs_in_band"]
    assert not changed & {(0, 3), (0, 4), (3, 4)}       # outlet a's own units are never re-read
    assert sim[0, 1] > plain[0, 1]                      # the paraphrase the features underrate
    limited = LearnedMatcher(budget=1)
    limited.similarity(texts, outlets=outlets)
    assert limited.last["pairs_reranked"] == 1


def test_pair_decision_threshold_and_scores() -> None:
    matcher = LearnedMatcher()
    assert matcher.pair_threshold == 0.5 and LearnedMatcher(rerank=False).pair_threshold == model().threshold
    p = matcher.score_pairs([DRONES, OTHER, SAME])
    assert p[0] > matcher.pair_threshold > p[1]
    assert p[2] > LearnedMatcher(rerank=False).score_pairs([SAME])[0]   # the cross-encoder lifts a paraphrase


def test_importing_parallax_does_not_load_onnxruntime() -> None:
    code = ("import sys, parallax, parallax.compare.pairs, parallax.compare.coverage; "
            "print('onnxruntime' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("value, expected", [("1", 1), ("3", 3), ("", None), ("zero", None)])
def test_threads_follow_the_environment(monkeypatch, value, expected) -> None:
    from parallax.compare import reranker as module

    monkeypatch.setenv("PARALLAX_THREADS", value)
    got = module.threads()
    assert got == expected if expected else 1 <= got <= 4
