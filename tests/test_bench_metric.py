"""Hand-computed cases of the extraction benchmark's shingle metric (bench/extraction.py).

The benchmark script is not part of the package, so it is loaded by path; no data is needed.
"""

from __future__ import annotations


import pytest

from conftest import load_bench

bench = load_bench("extraction.py")


def test_identical_text_is_perfect() -> None:
    # "a b c d e" -> shingles (a,b,c,d), (b,c,d,e): TP 2, FP 0, FN 0.
    assert bench.score("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    # Fewer than 4 tokens: one shorter shingle, as in the benchmark's evaluate.py.
    assert bench.score("a b", "a b") == (1.0, 0.0, 0.0)


def test_one_word_differs_at_the_end() -> None:
    # pred: abcd bcde cdef; truth: abcd bcde cdeg -> TP 2, FP 1, FN 1, out of 4.
    tp, fp, fn = bench.score("a b c d e f", "a b c d e g")
    assert (tp, fp, fn) == pytest.approx((0.5, 0.25, 0.25))
    assert bench.page_precision(tp, fp, fn) == pytest.approx(2 / 3)
    assert bench.page_recall(tp, fp, fn) == pytest.approx(2 / 3)


def test_shingles_are_a_multiset_and_tokens_are_unicode_words() -> None:
    # A body repeated twice: pred has xyzw twice (plus yzwx, zwxy, wxyz), truth once.
    # TP 1, FP 4, FN 0 -> normalised over 5.
    assert bench.score("x y z w x y z w", "x y z w") == pytest.approx((0.2, 0.8, 0.0))
    # Punctuation splits tokens, accents stay inside them, case matters:
    # "Ça va, l'été!" -> Ça va l été; truth "ça va l été" differs in one token -> TP 0.
    assert bench.tokenize("Ça va, l'été!") == ["Ça", "va", "l", "été"]
    assert bench.score("Ça va, l'été!", "Ça va l été") == (1.0, 0.0, 0.0)
    assert bench.score("Ça va, l'été!", "ça va l été") == (0.0, 0.5, 0.5)


def test_aggregate_skips_empty_outputs_for_precision_only() -> None:
    perfect = bench.score("a b c d e", "a b c d e")  # precision 1, recall 1
    half = bench.score("a b c d e f", "a b c d e g")  # precision 2/3, recall 2/3
    empty = bench.score("", "a b c d")  # no output: (0, 0, 1)
    assert empty == (0.0, 0.0, 1.0)
    metrics = bench.aggregate([perfect, half, empty])
    # precision over the 2 non-empty outputs: (1 + 2/3) / 2 = 5/6
    # recall over all 3 pages: (1 + 2/3 + 0) / 3 = 5/9
    # F1 = 2 * 5/6 * 5/9 / (5/6 + 5/9) = 2/3
    assert metrics["precision"] == pytest.approx(5 / 6)
    assert metrics["recall"] == pytest.approx(5 / 9)
    assert metrics["f1"] == pytest.approx(2 / 3)
    # Both texts empty: all zero, and the page counts in neither average.
    both_empty = bench.score("", "...")
    assert both_empty == (0.0, 0.0, 0.0)
    assert bench.aggregate([perfect, both_empty]) == pytest.approx(
        {"f1": 1.0, "precision": 1.0, "recall": 1.0}
    )
