#!/usr/bin/env python3
"""Claim-matching benchmark: Parallax's sentence matchers on the MSR Paraphrase Corpus.

Data: the training file of the Microsoft Research Paraphrase Corpus (4,076 pairs of news
sentences from different outlets about the same events), kept outside the project at
``<project root>/../shared/bench/paraphrase-msrp`` (see ``shared/bench/README.md``).  Each
line is tab separated ``label id1 id2 sentence1 sentence2`` (label 1 = paraphrase, i.e. the
same claim); the file starts with a byte-order mark and sentences may start with a quote, so
lines are split on tabs rather than read with the csv module.

System under test: every matcher in ``parallax.compare.align.MATCHERS`` (``"lexical"`` always,
``"semantic"`` when the optional extra is installed).  A pair is predicted "same claim" when
``matcher.compatible(s1, s2)`` (a hard gate, e.g. different numbers) and
``score >= threshold``, with scores from ``matcher.score_pairs(pairs)``.

Reported per matcher, in one Markdown table:

* 10-fold cross-validated accuracy and F1 of label 1 (mean ± SD over folds, SD with
  ``ddof=1``): the threshold is the one that maximises accuracy on the 9 training folds
  (candidates: the unique training scores of pairs the gate lets through; ties go to the
  lowest), applied to the held-out fold; the folds are stratified by label and fixed by
  ``--seed``.  The mean chosen threshold is shown next to them;
* accuracy and F1 on the whole file at the matcher's built-in ``threshold``;
* majority-class accuracy, the number of pairs and the wall time of ``score_pairs`` in ms per
  1,000 pairs (one call on all pairs after a small untimed warm-up call).

Below the table, one line per matcher on the ``compatible()`` gate: how many pairs it vetoes,
the share of those that are label 0, and the CV accuracy the same matcher gets without the
gate.

Usage::

    python bench/paraphrase.py [--data DIR] [--matcher NAME] [--folds 10] [--seed 0]
                               [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "bench" / "paraphrase-msrp"
DATA_FILE = "msr_paraphrase_train.txt"

DEFAULT_FOLDS = 10
DEFAULT_SEED = 0
WARMUP_PAIRS = 8


# --------------------------------------------------------------------------------------
# Metric and threshold choice (pure functions, tested in tests/test_bench_paraphrase.py)
# --------------------------------------------------------------------------------------


def accuracy_f1(pred: Any, labels: Any) -> tuple[float, float]:
    """Accuracy and F1 of label 1 of boolean predictions against 0/1 labels.

    F1 is ``2 TP / (2 TP + FP + FN)``; it is 0.0 when there is no positive prediction and no
    positive label (no true positive to find).  Both are 0.0 for empty input.
    """
    pred = np.asarray(pred, dtype=bool)
    truth = np.asarray(labels).astype(bool)
    if pred.shape != truth.shape:
        raise ValueError(f"pred has shape {pred.shape}, labels {truth.shape}")
    if pred.size == 0:
        return 0.0, 0.0
    tp = int(np.count_nonzero(pred & truth))
    fp = int(np.count_nonzero(pred & ~truth))
    fn = int(np.count_nonzero(~pred & truth))
    accuracy = float(np.count_nonzero(pred == truth)) / pred.size
    denominator = 2 * tp + fp + fn
    f1 = 2 * tp / denominator if denominator else 0.0
    return accuracy, f1


def best_threshold(scores: Any, labels: Any) -> float:
    """Threshold ``t`` maximising the accuracy of ``scores >= t`` against ``labels``.

    Candidates are the unique finite scores, plus one just above the largest (predict no
    pair as positive).  A score of ``-inf`` marks a pair that is never predicted positive
    (vetoed by the gate): it counts in the accuracy but gives no candidate.  Ties go to the
    lowest threshold.  With no finite score at all the result is ``inf``.
    """
    scores = np.asarray(scores, dtype=float)
    truth = np.asarray(labels).astype(bool)
    if scores.shape != truth.shape:
        raise ValueError(f"scores has shape {scores.shape}, labels {truth.shape}")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN")
    finite = np.isfinite(scores)
    if not finite.any():
        return math.inf
    candidates = np.unique(scores[finite])  # ascending
    pos = np.sort(scores[truth])
    neg = np.sort(scores[~truth])
    # Pairs predicted positive at each candidate t: those with score >= t.
    tp = pos.size - np.searchsorted(pos, candidates, side="left")
    fp = neg.size - np.searchsorted(neg, candidates, side="left")
    correct = tp + (neg.size - fp)
    # "Above everything" candidate: nothing predicted positive, every label 0 correct.
    best = int(np.argmax(correct))  # first maximum = lowest threshold
    if neg.size > correct[best]:
        return float(np.nextafter(candidates[-1], math.inf))
    return float(candidates[best])


def make_folds(labels: Any, folds: int, seed: int) -> np.ndarray:
    """Fold number (0..folds-1) of every pair: stratified by label, shuffled with ``seed``.

    Each class is shuffled and dealt round-robin, the second class continuing where the
    first stopped, so fold sizes differ by at most one and each fold holds the same share
    of each label (to within one pair).
    """
    if folds < 2:
        raise ValueError("folds must be at least 2")
    truth = np.asarray(labels).astype(bool)
    rng = np.random.default_rng(seed)
    fold_of = np.empty(truth.size, dtype=int)
    start = 0
    for cls in (True, False):
        idx = rng.permutation(np.flatnonzero(truth == cls))
        fold_of[idx] = (np.arange(idx.size) + start) % folds
        start = (start + idx.size) % folds
    return fold_of


def cv_threshold(
    scores: Any,
    labels: Any,
    gate: Any = None,
    folds: int = DEFAULT_FOLDS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Cross-validate the choice of threshold.

    For each of ``folds`` stratified folds (:func:`make_folds`), the threshold is chosen with
    :func:`best_threshold` on the other folds and applied to the held-out one; the
    prediction is ``gate & (scores >= threshold)`` (``gate=None`` lets every pair through).

    Returns ``accuracy_mean``, ``accuracy_sd``, ``f1_mean``, ``f1_sd``, ``threshold_mean``
    and ``threshold_sd`` (SD over folds with ``ddof=1``), plus the per-fold lists
    ``fold_accuracy``, ``fold_f1``, ``fold_threshold``, ``fold_size``, and ``folds``/``seed``.
    """
    scores = np.asarray(scores, dtype=float)
    truth = np.asarray(labels).astype(bool)
    passed = np.ones(scores.shape, dtype=bool) if gate is None else np.asarray(gate, dtype=bool)
    if not scores.shape == truth.shape == passed.shape:
        raise ValueError(
            f"scores {scores.shape}, labels {truth.shape} and gate {passed.shape} differ"
        )
    if scores.size < folds:
        raise ValueError(f"{scores.size} pairs cannot fill {folds} folds")
    gated = np.where(passed, scores, -math.inf)
    fold_of = make_folds(truth, folds, seed)
    accs: list[float] = []
    f1s: list[float] = []
    thresholds: list[float] = []
    sizes: list[int] = []
    for k in range(folds):
        test = fold_of == k
        threshold = best_threshold(gated[~test], truth[~test])
        acc, f1 = accuracy_f1(gated[test] >= threshold, truth[test])
        accs.append(acc)
        f1s.append(f1)
        thresholds.append(threshold)
        sizes.append(int(test.sum()))
    return {
        "accuracy_mean": statistics.fmean(accs),
        "accuracy_sd": statistics.stdev(accs),
        "f1_mean": statistics.fmean(f1s),
        "f1_sd": statistics.stdev(f1s),
        "threshold_mean": statistics.fmean(thresholds),
        "threshold_sd": statistics.stdev(thresholds),
        "fold_accuracy": accs,
        "fold_f1": f1s,
        "fold_threshold": thresholds,
        "fold_size": sizes,
        "folds": folds,
        "seed": seed,
    }


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One MSRP pair: label (1 = paraphrase), the two sentence ids and the sentences."""

    label: int
    id1: str
    id2: str
    s1: str
    s2: str


def load_pairs(path: Path) -> list[Pair]:
    """Read the tab-separated MSRP file (BOM stripped; no csv module: quotes are text).

    Lines are split on ``\\n`` only (not on other Unicode line breaks); blank lines and a
    header line whose first field is not a label are skipped.
    """
    text = path.read_text(encoding="utf-8-sig")
    pairs = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if fields[0] not in ("0", "1"):
            if number == 1:  # a header ("Quality #1 ID ...") in other copies of the corpus
                continue
            raise ValueError(f"{path}:{number}: label {fields[0]!r} is not 0 or 1")
        if len(fields) != 5:
            raise ValueError(f"{path}:{number}: {len(fields)} tab-separated fields, expected 5")
        pairs.append(Pair(int(fields[0]), fields[1], fields[2], fields[3], fields[4]))
    return pairs


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def load_matchers() -> dict[str, Any]:
    """``parallax.compare.align.MATCHERS``; raises if it cannot be imported.

    ``<project root>/lib`` is put on ``sys.path`` when ``parallax`` is not installed.
    """
    try:
        import parallax  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(PROJECT_ROOT / "lib"))
    from parallax.compare.align import MATCHERS

    return dict(MATCHERS)


@dataclass
class Result:
    """Outcome of one matcher on the pairs."""

    name: str
    unavailable: str = ""
    error: str = ""
    default_threshold: float = math.nan
    default_accuracy: float = math.nan
    default_f1: float = math.nan
    cv: dict[str, Any] = field(default_factory=dict)
    cv_no_gate: dict[str, Any] = field(default_factory=dict)
    ms_per_1000: float = math.nan
    compatible_ms_per_1000: float = math.nan
    vetoed: int = 0
    vetoed_label0: int = 0
    vetoed_above_default: int = 0
    out_of_range: int = 0
    score_min: float = math.nan
    score_max: float = math.nan
    scores: list[float] = field(default_factory=list)
    compatible: list[bool] = field(default_factory=list)


def run_matcher(
    name: str, matcher: Any, pairs: Sequence[Pair], folds: int, seed: int
) -> Result:
    """Score every pair with ``matcher`` and evaluate it (a failing call is reported, not raised)."""
    result = Result(name=name)
    labels = np.array([p.label for p in pairs], dtype=int)
    texts = [(p.s1, p.s2) for p in pairs]
    try:
        # a trained matcher's own decision threshold (the learned one groups at a lower link threshold)
        result.default_threshold = float(getattr(matcher, "pair_threshold", matcher.threshold))
        matcher.score_pairs(texts[:WARMUP_PAIRS])  # lazy loading stays out of the timing
        start = time.perf_counter()
        raw = matcher.score_pairs(texts)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        gate = np.array([bool(matcher.compatible(s1, s2)) for s1, s2 in texts], dtype=bool)
        gate_elapsed = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - report and keep going
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    scores = np.asarray(raw, dtype=float).reshape(-1)
    if scores.size != len(pairs):
        result.error = f"score_pairs returned {scores.size} scores for {len(pairs)} pairs"
        return result
    if not np.isfinite(scores).all():
        result.error = f"score_pairs returned {int((~np.isfinite(scores)).sum())} non-finite scores"
        return result
    result.out_of_range = int(((scores < 0) | (scores > 1)).sum())
    result.score_min, result.score_max = float(scores.min()), float(scores.max())
    result.ms_per_1000 = elapsed * 1000 / len(pairs) * 1000
    result.compatible_ms_per_1000 = gate_elapsed * 1000 / len(pairs) * 1000

    result.default_accuracy, result.default_f1 = accuracy_f1(
        gate & (scores >= result.default_threshold), labels
    )
    result.cv = cv_threshold(scores, labels, gate, folds, seed)
    result.cv_no_gate = cv_threshold(scores, labels, None, folds, seed)
    vetoed = ~gate
    result.vetoed = int(vetoed.sum())
    result.vetoed_label0 = int((vetoed & (labels == 0)).sum())
    result.vetoed_above_default = int((vetoed & (scores >= result.default_threshold)).sum())
    result.scores = [float(s) for s in scores]
    result.compatible = [bool(g) for g in gate]
    return result


HEADER = (
    "| matcher | CV accuracy | CV F1 | CV threshold (mean) | default threshold "
    "| accuracy @ default | F1 @ default | majority | pairs | ms / 1k pairs |"
)


def format_table(results: Sequence[Result], majority: float, n_pairs: int) -> str:
    """Render results as a Markdown table (unavailable or failing matchers as note rows)."""
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for r in results:
        if r.unavailable or r.error:
            note = r.unavailable or f"error ({r.error})"
            lines.append(f"| {r.name}: {note} | | | | | | | {majority:.3f} | {n_pairs} | |")
            continue
        cv = r.cv
        lines.append(
            f"| {r.name} | {cv['accuracy_mean']:.3f} ± {cv['accuracy_sd']:.3f} "
            f"| {cv['f1_mean']:.3f} ± {cv['f1_sd']:.3f} | {cv['threshold_mean']:.3f} "
            f"| {r.default_threshold:.3f} | {r.default_accuracy:.3f} | {r.default_f1:.3f} "
            f"| {majority:.3f} | {n_pairs} | {r.ms_per_1000:.1f} |"
        )
    return "\n".join(lines)


def gate_lines(results: Sequence[Result]) -> list[str]:
    """One line per scored matcher about its ``compatible()`` gate."""
    lines = []
    for r in results:
        if r.unavailable or r.error:
            continue
        share = f"{r.vetoed_label0 / r.vetoed:.1%}" if r.vetoed else "n/a"
        lines.append(
            f"{r.name} gate: compatible() vetoes {r.vetoed} pairs, {share} of them label 0 "
            f"({r.vetoed_above_default} vetoed pairs score >= the default threshold); "
            f"CV accuracy without the gate {r.cv_no_gate['accuracy_mean']:.3f}"
        )
        if r.out_of_range:
            lines.append(
                f"{r.name}: {r.out_of_range} scores outside [0, 1] "
                f"(min {r.score_min!r}, max {r.score_max!r}); used as they are"
            )
    return lines


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinite floats (nested in dicts and lists) replaced by None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"folder holding {DATA_FILE} (default: %(default)s)",
    )
    parser.add_argument("--matcher", default=None, help="run only this matcher of MATCHERS")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="CV folds (default: 10)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="fold seed (default: 0)")
    parser.add_argument("--json", type=Path, default=None, help="also write results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate every matcher (or ``--matcher``) on the MSRP pairs and print the table."""
    args = parse_args(argv)
    data_dir: Path = args.data.resolve()
    data_file = data_dir / DATA_FILE
    if not data_file.is_file():
        print(
            f"skipped: paraphrase benchmark data not found at {data_file} "
            "(see shared/bench/README.md)"
        )
        return 0
    if args.folds < 2:
        print("--folds must be at least 2", file=sys.stderr)
        return 2

    pairs = load_pairs(data_file)
    labels = np.array([p.label for p in pairs], dtype=int)
    positives = int(labels.sum())
    majority = max(positives, len(pairs) - positives) / len(pairs) if pairs else 0.0
    print(f"data: {data_file}")
    print(
        f"pairs: {len(pairs)} ({positives} paraphrases, {len(pairs) - positives} not); "
        f"{args.folds}-fold CV, stratified, seed {args.seed}"
    )
    if len(pairs) < args.folds:
        print(f"too few pairs for {args.folds} folds", file=sys.stderr)
        return 2

    results: list[Result] = []
    try:
        matchers = load_matchers()
    except Exception as exc:  # noqa: BLE001 - a row, not a crash
        error = f"{type(exc).__name__}: {exc}"
        results.append(Result(name="parallax", unavailable=f"not importable ({error})"))
        matchers = {}
    if matchers and args.matcher is not None:
        if args.matcher in matchers:
            matchers = {args.matcher: matchers[args.matcher]}
        else:
            available = ", ".join(sorted(matchers)) or "none"
            results.append(
                Result(name=args.matcher, unavailable=f"not in MATCHERS (available: {available})")
            )
            matchers = {}
    for name, matcher in matchers.items():
        results.append(run_matcher(name, matcher, pairs, args.folds, args.seed))

    print()
    print(format_table(results, majority, len(pairs)))
    if "learned" in matchers:
        # the learned matcher was fitted on this file: its row above is in-sample; the honest figure
        # refits the model on each fold's training pairs (bench/train_matcher.py)
        sys.path.insert(0, str(PROJECT_ROOT / "bench"))
        from train_matcher import cross_validate

        print("\nlearned matcher, cross-validated as trained (the row above is in-sample: it was fitted on this file):\n")
        print(cross_validate(args.folds, args.seed)["table"])
    lines = gate_lines(results)
    if lines:
        print()
        print("\n".join(lines))

    if args.json is not None:
        payload = {
            "data": str(data_file),
            "pairs": len(pairs),
            "positives": positives,
            "majority_accuracy": majority,
            "folds": args.folds,
            "seed": args.seed,
            "ids": [[p.id1, p.id2] for p in pairs],
            "labels": labels.tolist(),
            "results": [_finite(asdict(r)) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=1, allow_nan=False), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
