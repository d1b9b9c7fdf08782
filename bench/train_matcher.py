#!/usr/bin/env python3
"""Train the same-claim pair model (``lib/parallax/models/matcher/weights.json``) and cross-validate it.

Data (read from ``../shared/bench``, never copied into the project):
- MSRP train (``paraphrase-msrp/msr_paraphrase_train.txt``): 4,076 news sentence pairs, label 1 = the
  same claim;
- the cross-outlet sentence pairs of the *train* BASIL golds (``bench/gold/basil/train``, hand-annotated;
  the tune golds, on which the thresholds are chosen, and the report golds are never read here): a
  pair is positive when the two sentences share a gold claim.
  Each triplet gives thousands of pairs, nearly all of them about different claims; they are weighted
  so that BASIL's pairs together weigh as much as MSRP's, positives and negatives as in the data.

Model: L2-regularised logistic regression (Newton's method, no randomness) over the standardised
features of :mod:`parallax.compare.pairs`; the threshold is the probability that maximises accuracy
on the training pairs. Reported: 10-fold stratified cross-validation on MSRP (folds fixed by the
seed; the model fitted on the nine other folds plus all BASIL train pairs), accuracy and F1 of label 1,
mean ± SD, and the calibration of the held-out probabilities (expected calibration error, 10 bins).

Usage::

    python bench/train_matcher.py [--write] [--folds 10] [--seed 0] [--l2 1.0]

``--write`` saves the model fitted on everything (``make train`` runs it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
SHARED = ROOT.parent / "shared" / "bench"
MSRP = SHARED / "paraphrase-msrp" / "msr_paraphrase_train.txt"
OUT = ROOT / "lib" / "parallax" / "models" / "matcher" / "weights.json"

sys.path.insert(0, str(ROOT / "bench"))
from basil import SPLITS, load_gold  # noqa: E402


def msrp_pairs(path: Path = MSRP) -> tuple[list[tuple[str, str]], np.ndarray]:
    pairs, labels = [], []
    # The first line is a pair, not a header, but it has always been skipped: the shipped models and
    # the cross-encoder's cv.json were built on the other 4,075; it is read again when they are rebuilt.
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines()):
        parts = line.split("\t")
        if n == 0 or len(parts) < 5 or parts[0] not in ("0", "1"):
            continue
        pairs.append((parts[3], parts[4]))
        labels.append(int(parts[0]))
    return pairs, np.array(labels)


def basil_pairs(ids: tuple[str, ...]) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Cross-outlet sentence pairs of hand-annotated triplets; 1 when they share a gold claim."""
    pairs, labels = [], []
    for short in ids:
        gold = load_gold(short)
        sents = [(o, s["text"], frozenset(s.get("claims") or ())) for o, v in gold["outlets"].items()
                 for s in v["sentences"] if s.get("status") != "none"]
        for (oa, ta, ca), (ob, tb, cb) in itertools.combinations(sents, 2):
            if oa != ob:
                pairs.append((ta, tb))
                labels.append(int(bool(ca & cb)))
    return pairs, np.array(labels)


def matrix(pairs: list[tuple[str, str]]) -> np.ndarray:
    from parallax.compare.pairs import FEATURES, pair_features   # here: bench/train_reranker.py reads the data without it

    feats = pair_features(pairs)
    return np.column_stack([feats[name] for name in FEATURES]).astype(np.float64)


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> dict:
    """Weighted L2 logistic regression on standardised features, by Newton's method."""
    mean = np.average(X, axis=0, weights=w)
    scale = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))
    scale[scale == 0] = 1.0
    Z = np.column_stack([(X - mean) / scale, np.ones(len(X))])
    beta = np.zeros(Z.shape[1])
    penalty = np.full(Z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(Z @ beta)))
        grad = Z.T @ (w * (p - y)) + penalty * beta
        hess = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    prob = 1 / (1 + np.exp(-(Z @ beta)))
    candidates = np.unique(np.round(prob, 3))
    accs = [np.average((prob >= t) == y, weights=w) for t in candidates]
    threshold = float(candidates[int(np.argmax(accs))])
    from parallax.compare.pairs import FEATURES

    return {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(), "coef": beta[:-1].tolist(),
            "intercept": float(beta[-1]), "threshold": threshold}


def predict(model: dict, X: np.ndarray) -> np.ndarray:
    z = ((X - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model["intercept"]
    return 1 / (1 + np.exp(-z))


def weights(y_msrp: np.ndarray, y_basil: np.ndarray) -> np.ndarray:
    """MSRP pairs weigh 1; BASIL's pairs together weigh as much as MSRP's."""
    share = len(y_msrp) / max(len(y_basil), 1)
    return np.concatenate([np.ones(len(y_msrp)), np.full(len(y_basil), share)])


def folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Stratified folds: each label's indices shuffled with the seed and dealt round."""
    rng = np.random.default_rng(seed)
    out: list[list[int]] = [[] for _ in range(k)]
    for label in (0, 1):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            out[n % k].append(int(i))
    return [np.array(sorted(f)) for f in out]


def ece(prob: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (prob >= lo) & ((prob < hi) | (hi == 1))
        if mask.any():
            total += mask.mean() * abs(prob[mask].mean() - y[mask].mean())
    return total


def cross_validate(k: int = 10, seed: int = 0, l2: float = 1.0) -> dict:
    """k-fold CV on MSRP of the whole recipe (the model refitted on each fold's training pairs plus
    all BASIL train pairs): accuracy and F1 per fold, the out-of-fold probabilities, a Markdown table."""
    pm, ym = msrp_pairs()
    pb, yb = basil_pairs(SPLITS["train"])
    Xm, Xb = matrix(pm), matrix(pb)
    accs, f1s, oof = [], [], np.zeros(len(ym))
    for held in folds(ym, k, seed):
        train = np.setdiff1d(np.arange(len(ym)), held)
        model = fit(np.vstack([Xm[train], Xb]), np.concatenate([ym[train], yb]), weights(ym[train], yb), l2)
        prob = predict(model, Xm[held])
        oof[held] = prob
        pred = prob >= model["threshold"]
        accs.append(float((pred == ym[held]).mean()))
        tp = int((pred & (ym[held] == 1)).sum())
        f1s.append(2 * tp / max(int(pred.sum()) + int(ym[held].sum()), 1))
    rows = [f"| pair model alone (MSRP, {k}-fold, refitted per fold) | {len(ym)} | {np.mean(accs):.3f} ± {np.std(accs, ddof=1):.3f} | "
            f"{np.mean(f1s):.3f} ± {np.std(f1s, ddof=1):.3f} | {ece(oof, ym):.3f} |"]
    combined = with_reranker(oof, ym, k, seed)
    if combined:
        rows += combined["rows"]
    table = "\n".join([
        "| matcher | pairs | CV accuracy | CV F1 | ECE |", "|---|---|---|---|---|", *rows,
        f"(BASIL train pairs in every fold's training: {len(yb)}, {int(yb.sum())} positive; majority class "
        f"on MSRP {max(ym.mean(), 1 - ym.mean()):.3f})" + (combined["note"] if combined else "")])
    return {"accuracy": accs, "f1": f1s, "oof": oof, "table": table, "data": (Xm, ym, Xb, yb),
            "combined": combined}


def _fold_scores(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = int((pred & (y == 1)).sum())
    return float((pred == y).mean()), 2 * tp / max(int(pred.sum()) + int(y.sum()), 1)


def with_reranker(oof: np.ndarray, ym: np.ndarray, k: int, seed: int) -> dict | None:
    """The default matcher's CV: the pair model's held-out probability combined, in the rerank band,
    with the cross-encoder's held-out probability of the same fold (``models/reranker/cv.json``,
    written by ``bench/train_reranker.py --cv``: a model fine-tuned per fold on the other folds plus
    the BASIL train pairs). The cross-encoder cannot be refitted here (no torch), so its part is read."""
    path = ROOT / "lib" / "parallax" / "models" / "reranker" / "cv.json"
    if not path.exists():
        return None
    cv = json.loads(path.read_text(encoding="utf-8"))
    if cv.get("folds_k") != k or cv.get("seed") != seed or len(cv["probability"]) != len(ym):
        return None
    done = [int(f) for f in cv["folds"]]
    from parallax.compare.pairs import combine, in_band
    from parallax.thresholds import value as limit

    ce = np.array([np.nan if p is None else p for p in cv["probability"]], dtype=np.float64)
    parts = folds(ym, k, seed)
    weight = limit("align.rerank_weight")

    def run(w: float, held_folds: list[int]) -> tuple[list[float], list[float], np.ndarray]:
        accs, f1s, prob = [], [], oof.copy()
        for n in held_folds:
            held = parts[n]
            band = in_band(oof[held])
            p = oof[held].copy()
            p[band] = combine(oof[held][band], ce[held][band], w)
            prob[held] = p
            a, f = _fold_scores(p >= 0.5, ym[held])
            accs.append(a)
            f1s.append(f)
        return accs, f1s, prob

    accs, f1s, prob = run(weight, done)
    held_all = np.concatenate([parts[n] for n in done])
    label = f"{len(done)} of {k} folds" if len(done) < k else f"{k}-fold"
    rows = [f"| default: pair model + cross-encoder in the band, weight {weight:g} (MSRP, {label}) | {len(held_all)} | "
            f"{np.mean(accs):.3f} ± {np.std(accs, ddof=1) if len(accs) > 1 else 0:.3f} | "
            f"{np.mean(f1s):.3f} ± {np.std(f1s, ddof=1) if len(f1s) > 1 else 0:.3f} | {ece(prob[held_all], ym[held_all]):.3f} |"]
    ce_accs = [_fold_scores(ce[parts[n]] >= 0.5, ym[parts[n]])[0] for n in done]
    rows.append(f"| cross-encoder alone (MSRP, {label}) | {len(held_all)} | {np.mean(ce_accs):.3f} ± "
                f"{np.std(ce_accs, ddof=1) if len(ce_accs) > 1 else 0:.3f} | | |")
    # the weight chosen on the other folds (nested): what choosing it would have given
    grid = np.round(np.arange(0, 1.0001, 0.05), 2)
    nested = []
    for n in done:
        others = [m for m in done if m != n]
        if not others:
            break
        best = max(grid, key=lambda w: (np.mean(run(w, others)[0]), -abs(w - 0.5)))
        nested.append(run(best, [n])[0][0])
    if len(nested) == len(done) and len(done) > 1:
        rows.append(f"| the same, weight chosen on the other folds (nested) | {len(held_all)} | {np.mean(nested):.3f} ± "
                    f"{np.std(nested, ddof=1):.3f} | | |")
    pair_accs = [_fold_scores(oof[parts[n]] >= 0.5, ym[parts[n]])[0] for n in done]
    note = (f"; on the same {len(done)} folds the pair model alone at 0.5 gives {np.mean(pair_accs):.3f}"
            if len(done) < k else "")
    return {"rows": rows, "accuracy": accs, "f1": f1s, "note": note}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()
    if not MSRP.exists():
        print(f"skipped: {MSRP} not found (see ../shared/bench/README.md)")
        return 0
    cv = cross_validate(args.folds, args.seed, args.l2)
    print(cv["table"])
    Xm, ym, Xb, yb = cv["data"]
    accs = cv["accuracy"]
    if args.write:
        model = fit(np.vstack([Xm, Xb]), np.concatenate([ym, yb]), weights(ym, yb), args.l2)
        model["trained_on"] = {"msrp_pairs": len(ym), "basil_train_pairs": len(yb), "basil_triplets": list(SPLITS["train"]),
                               "l2": args.l2, "cv_accuracy": round(float(np.mean(accs)), 4)}
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} (threshold {model['threshold']:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
