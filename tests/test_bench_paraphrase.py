"""Hand-computed cases of the paraphrase benchmark's threshold choice and metrics (bench/paraphrase.py).

The benchmark script is not part of the package, so it is loaded by path; no data folder is
needed (the end-to-end cases write a tiny MSRP-style file and use a token-Jaccard stand-in
matcher defined here, put in place of ``parallax.compare.align`` for the test only).
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from conftest import load_bench

bench = load_bench("paraphrase.py")
INF = math.inf


# ----------------------------------------------------------------------------- accuracy_f1


def test_accuracy_f1_counts() -> None:
    # TP 2 (pairs 0, 4), FP 1 (pair 1), TN 1 (pair 2), FN 1 (pair 3):
    # accuracy 3/5, F1 = 2*2 / (2*2 + 1 + 1) = 2/3.
    acc, f1 = bench.accuracy_f1([1, 1, 0, 0, 1], [1, 0, 0, 1, 1])
    assert acc == pytest.approx(0.6)
    assert f1 == pytest.approx(2 / 3)


def test_accuracy_f1_edge_cases() -> None:
    assert bench.accuracy_f1([True, False], [1, 0]) == (1.0, 1.0)
    # No positive predicted and none to find: every pair right, F1 taken as 0.
    assert bench.accuracy_f1([False, False], [0, 0]) == (1.0, 0.0)
    # All wrong.
    assert bench.accuracy_f1([False, False], [1, 1]) == (0.0, 0.0)
    # Predicting everything positive: accuracy = share of label 1, F1 = 2p / (1 + p).
    acc, f1 = bench.accuracy_f1([1, 1, 1, 1], [1, 1, 1, 0])
    assert (acc, f1) == (pytest.approx(0.75), pytest.approx(2 * 0.75 / 1.75))
    with pytest.raises(ValueError):
        bench.accuracy_f1([1, 0], [1, 0, 1])


# ----------------------------------------------------------------------------- best_threshold


def test_best_threshold_separable() -> None:
    assert bench.best_threshold([0.2, 0.3, 0.6, 0.9], [0, 0, 1, 1]) == 0.6


def test_best_threshold_ties_go_to_the_lowest() -> None:
    # t=0.1 -> all positive, 2/4; t=0.35 -> [0,1,1,1], 3/4; t=0.4 -> [0,1,0,1], 2/4;
    # t=0.8 -> [0,0,0,1], 3/4; above 0.8 -> 2/4.  Best 3/4 at 0.35 and 0.8: take 0.35.
    assert bench.best_threshold([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.35


def test_best_threshold_repeated_scores() -> None:
    # t=0.5 -> [1,1,1,0], 3/4; t=0.2 -> all positive, 2/4; above -> 2/4.
    assert bench.best_threshold([0.5, 0.5, 0.5, 0.2], [1, 1, 0, 0]) == 0.5


def test_best_threshold_predict_nothing() -> None:
    # Only label 0: the best is to predict no pair positive, a threshold above every score.
    t = bench.best_threshold([0.5, 0.7], [0, 0])
    assert t > 0.7
    assert t == pytest.approx(0.7)
    # ... but "nothing" loses ties like any other candidate: t=0.2 -> 1/3, t=0.5 -> [0,1,1]
    # 2/3, t=0.7 -> [0,0,1] 1/3, above -> [0,0,0] 2/3.  Lowest of the best: 0.5.
    assert bench.best_threshold([0.2, 0.5, 0.7], [0, 1, 0]) == 0.5


def test_best_threshold_vetoed_pairs_give_no_candidate() -> None:
    # The -inf pair (label 1) is always predicted 0.  t=0.3 -> [0,1,1,1], 2/4;
    # t=0.6 -> [0,0,1,1], 3/4; t=0.9 -> [0,0,0,1], 2/4; above -> 1/4.
    assert bench.best_threshold([-INF, 0.3, 0.6, 0.9], [1, 0, 1, 1]) == 0.6
    assert bench.best_threshold([-INF, -INF], [1, 0]) == INF
    with pytest.raises(ValueError):
        bench.best_threshold([0.1, math.nan], [0, 1])


# ----------------------------------------------------------------------------- folds and CV


def test_make_folds_is_stratified_and_seeded() -> None:
    labels = np.array([1] * 27 + [0] * 13)
    folds = bench.make_folds(labels, 10, seed=0)
    sizes = np.bincount(folds, minlength=10)
    assert sizes.sum() == 40 and sizes.max() - sizes.min() <= 1
    positives = np.bincount(folds[labels == 1], minlength=10)
    assert positives.max() - positives.min() <= 1  # 27 over 10 folds: 2 or 3 each
    assert np.array_equal(folds, bench.make_folds(labels, 10, seed=0))
    assert not np.array_equal(folds, bench.make_folds(labels, 10, seed=1))
    with pytest.raises(ValueError):
        bench.make_folds(labels, 1, seed=0)


def _ten_and_ten() -> tuple[np.ndarray, np.ndarray]:
    """10 paraphrases scoring 0.9 and 10 non-paraphrases scoring 0.05..0.14.

    Stratified 10-fold CV puts exactly one of each in every fold, whatever the seed.
    """
    scores = np.array([0.9] * 10 + [0.05 + 0.01 * i for i in range(10)])
    labels = np.array([1] * 10 + [0] * 10)
    return scores, labels


def test_cv_threshold_separable() -> None:
    scores, labels = _ten_and_ten()
    for seed in (0, 7):
        out = bench.cv_threshold(scores, labels, None, folds=10, seed=seed)
        assert out["fold_size"] == [2] * 10
        assert out["accuracy_mean"] == 1.0 and out["accuracy_sd"] == 0.0
        assert out["f1_mean"] == 1.0 and out["f1_sd"] == 0.0
        # The only candidate reaching 18/18 on the training folds is 0.9.
        assert out["threshold_mean"] == pytest.approx(0.9)
        assert out["fold_threshold"] == [pytest.approx(0.9)] * 10
        assert (out["folds"], out["seed"]) == (10, seed)


def test_cv_threshold_with_gate() -> None:
    scores, labels = _ten_and_ten()
    gate = np.ones(20, dtype=bool)
    gate[3] = False  # veto one paraphrase
    out = bench.cv_threshold(scores, labels, gate, folds=10, seed=0)
    # Its fold: trained on 9+9 separable pairs -> t=0.9; held out, the vetoed paraphrase is
    # predicted 0 (FN) and the other pair right: accuracy 1/2, F1 0.  Other 9 folds: on the
    # training folds t=0.9 gets 8 TP + 9 TN = 17/18 (any lower candidate adds false
    # positives, none higher exists); held out: 2/2, F1 1.
    # accuracy: nine 1.0 and one 0.5 -> mean 0.95, SD sqrt((9*0.05^2 + 0.45^2) / 9) = sqrt(0.025)
    # F1: nine 1.0 and one 0.0 -> mean 0.9, SD sqrt((9*0.1^2 + 0.9^2) / 9) = sqrt(0.1)
    assert out["accuracy_mean"] == pytest.approx(0.95)
    assert out["accuracy_sd"] == pytest.approx(math.sqrt(0.025))
    assert out["f1_mean"] == pytest.approx(0.9)
    assert out["f1_sd"] == pytest.approx(math.sqrt(0.1))
    assert out["threshold_mean"] == pytest.approx(0.9)
    assert sorted(out["fold_accuracy"]) == [0.5] + [1.0] * 9


def test_cv_threshold_gate_none_is_all_open() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random(50)
    labels = (scores + rng.normal(0, 0.3, 50) > 0.5).astype(int)
    assert bench.cv_threshold(scores, labels, None, 5, 1) == bench.cv_threshold(
        scores, labels, np.ones(50, dtype=bool), 5, 1
    )
    with pytest.raises(ValueError):
        bench.cv_threshold(scores[:4], labels[:4], None, 10, 0)


# ----------------------------------------------------------------------------- data and runs


def test_load_pairs_bom_quotes_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / bench.DATA_FILE
    text = (
        "1\t11\t12\t\"Quoted,\" he said.\tHe said \"quoted\".\r\n"
        "0\t21\t22\tNo \"closing quote\tOther\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    pairs = bench.load_pairs(path)
    assert pairs == [
        bench.Pair(1, "11", "12", '"Quoted," he said.', 'He said "quoted".'),
        bench.Pair(0, "21", "22", 'No "closing quote', "Other"),
    ]
    path.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n" + text, encoding="utf-8")
    assert len(bench.load_pairs(path)) == 2  # a header line is skipped
    path.write_text("1\t1\t2\tonly four fields\n", encoding="utf-8")
    with pytest.raises(ValueError):
        bench.load_pairs(path)


class JaccardMatcher:
    """Stand-in matcher: token-set Jaccard, with a gate on numbers (as the contract describes)."""

    name = "jaccard"
    threshold = 0.5

    @staticmethod
    def _tokens(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.lower()))

    def score_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        out = []
        for a, b in pairs:
            ta, tb = self._tokens(a), self._tokens(b)
            out.append(len(ta & tb) / len(ta | tb) if ta | tb else 0.0)
        return np.array(out)

    def compatible(self, a: str, b: str) -> bool:
        na, nb = set(re.findall(r"\d+", a)), set(re.findall(r"\d+", b))
        return not (na and nb and not (na & nb))


class BrokenMatcher(JaccardMatcher):
    def score_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        return np.zeros(len(pairs) - 1)


def _write_data(folder: Path) -> None:
    lines = [f"1\t{i}\t{i + 100}\tThe cat sat on mat {i}\tthe cat sat on MAT {i}" for i in range(10)]
    lines += [f"0\t{i}\t{i + 100}\tAlpha beta {i}x\tgamma delta {i}y" for i in range(10, 19)]
    # Jaccard 2/4 = 0.5 (at the default threshold) but different numbers: vetoed.
    lines.append("0\t19\t119\t91 drones hit\t19 drones hit")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / bench.DATA_FILE).write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")


def _fake_align(monkeypatch: pytest.MonkeyPatch, matchers: dict[str, object]) -> None:
    import parallax  # noqa: F401 - the real package; only its align module is replaced

    module = ModuleType("parallax.compare.align")
    module.MATCHERS = matchers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "parallax.compare.align", module)


def test_main_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--data", str(tmp_path / "missing")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("skipped: ") and "(see shared/bench/README.md)" in out


def test_main_end_to_end_with_stand_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_data(tmp_path / "data")
    _fake_align(monkeypatch, {"jaccard": JaccardMatcher(), "broken": BrokenMatcher()})
    json_path = tmp_path / "out.json"
    argv = ["--data", str(tmp_path / "data"), "--json", str(json_path)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "pairs: 20 (10 paraphrases, 10 not)" in out
    row = next(line for line in out.splitlines() if line.startswith("| jaccard |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # Paraphrases score 1, others 0 or (vetoed) 0.5: CV picks t=1 in every fold.
    assert cells[1:] == [
        "1.000 ± 0.000", "1.000 ± 0.000", "1.000", "0.500", "1.000", "1.000", "0.500", "20",
        cells[-1],
    ]
    assert "| broken: error (score_pairs returned 19 scores for 20 pairs) |" in out
    assert (
        "jaccard gate: compatible() vetoes 1 pairs, 100.0% of them label 0 "
        "(1 vetoed pairs score >= the default threshold)"
    ) in out
    payload = json.loads(json_path.read_text(encoding="utf-8"))
    assert payload["pairs"] == 20 and payload["majority_accuracy"] == 0.5
    jaccard = next(r for r in payload["results"] if r["name"] == "jaccard")
    assert jaccard["default_accuracy"] == 1.0 and jaccard["vetoed"] == 1
    assert jaccard["compatible"].count(False) == 1 and len(jaccard["scores"]) == 20
    assert jaccard["cv"]["fold_threshold"] == [1.0] * 10

    assert bench.main(["--data", str(tmp_path / "data"), "--matcher", "jaccard"]) == 0
    out = capsys.readouterr().out
    assert "| jaccard |" in out and "broken" not in out
    assert bench.main(["--data", str(tmp_path / "data"), "--matcher", "semantic"]) == 0
    assert "| semantic: not in MATCHERS (available: broken, jaccard) |" in capsys.readouterr().out


def test_main_reports_missing_parallax_align(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_data(tmp_path / "data")
    import parallax  # noqa: F401

    monkeypatch.setitem(sys.modules, "parallax.compare.align", None)  # makes the import fail
    assert bench.main(["--data", str(tmp_path / "data")]) == 0
    assert "| parallax: not importable (ModuleNotFoundError: " in capsys.readouterr().out
