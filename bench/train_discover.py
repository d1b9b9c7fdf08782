#!/usr/bin/env python3
"""Train the same-story model of ``parallax discover`` (``lib/parallax/models/discover/weights.json``).

Data (read from ``../shared/bench/basil``, never copied): BASIL's 90 triplets. Each of the 270 articles
is a seed in turn; the candidates are all 270 articles as a feed would list them (title, first
paragraph, date, :func:`candidates`). A candidate is the same story when it belongs to the seed's
triplet.

Two logistic regressions (Newton's method, no randomness; ``train_matcher.fit``):
1. the listing model, over the stage-1 signals of every candidate among each outlet's ten closest by
   text, used to shortlist each outlet's ``SHORTLIST`` best;
2. the full model, over the stage-1 signals and the lede signal of the shortlisted candidates; its
   threshold is the probability maximising accuracy on them.

Reported: 5-fold cross-validation by triplet (the models fitted on the seeds of four folds, the
seeds of the fifth decided): precision and recall of the versions found, with no window and with
a 3-day window, and how often an outlet whose version is removed from the pool has nothing chosen.

Usage::

    python bench/train_discover.py [--write] [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))
BASIL = ROOT.parent / "shared" / "bench" / "basil" / "articles"
OUT = ROOT / "lib" / "parallax" / "models" / "discover" / "weights.json"
SHORTLIST = 3
HARD = 10   # negatives per seed and outlet the listing model is fitted on
OUTLETS = {"fox": "Fox News", "nyt": "New York Times", "hpo": "HuffPost"}

from parallax.discover.match import FEATURES, Candidate, Judged, Model, Seed, choose, lede_sentences, lede_signal, signals  # noqa: E402


def articles(folder: Path = BASIL) -> list[dict]:
    """BASIL's articles, sorted by file name: outlet, title, date, triplet, paragraphs."""
    out = []
    for path in sorted(folder.glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paras = [" ".join(s.strip() for s in p if s.strip()) for p in data["body-paragraphs"]]
        out.append({"id": path.stem, "outlet": OUTLETS[data["source"].lower()], "title": data["title"].strip(),
                    "date": date.fromisoformat(data["date"]), "triplet": data["triplet-uuid"],
                    "paragraphs": [p for p in paras if p]})
    return out


def when(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc)


def description(paras: list[str]) -> str:
    """A feed's summary: the first paragraph, with the next when the first is under 20 words."""
    text = paras[0] if paras else ""
    if len(text.split()) < 20 and len(paras) > 1:
        text += " " + paras[1]
    return text


def candidates(arts: list[dict]) -> list[Candidate]:
    return [Candidate(a["outlet"], f"http://basil.test/{a['id']}", a["title"], description(a["paragraphs"]),
                      when(a["date"]), "feeds") for a in arts]


def seed_of(a: dict) -> Seed:
    return Seed(a["title"], "\n\n".join(a["paragraphs"]), when(a["date"]), a["outlet"])


def in_window(seed: Seed, c: Candidate, days: float | None) -> bool:
    return days is None or abs((c.published - seed.published).total_seconds()) <= days * 86400 + 1


def stage1(arts: list[dict], window: float | None) -> dict[int, list[Judged]]:
    """Every seed's judged candidates (other outlets and the seed's own alike, not itself)."""
    pool = candidates(arts)
    out = {}
    for i, a in enumerate(arts):
        seed = seed_of(a)
        cands = [c for j, c in enumerate(pool) if j != i and in_window(seed, c, window)]
        out[i] = signals(seed, cands)
    return out


def matrix(items: list[Judged], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[j.signals[k] for k in names] for j in items], dtype=np.float64)


def to_model(fitted: dict, names: tuple[str, ...]) -> Model:
    coef, mean, scale = (np.array(fitted[k]) for k in ("coef", "mean", "scale"))
    raw = coef / scale
    bias = float(fitted["intercept"] - (coef * mean / scale).sum())
    return Model({k: float(v) for k, v in zip(names, raw)}, bias, float(fitted["threshold"]), SHORTLIST)


def truth(arts: list[dict], i: int, j: Judged) -> int:
    return int(arts[_index(arts)[j.candidate.url]]["triplet"] == arts[i]["triplet"])


_INDEX: dict[str, int] = {}


def _index(arts: list[dict]) -> dict[str, int]:
    if not _INDEX:
        _INDEX.update({f"http://basil.test/{a['id']}": k for k, a in enumerate(arts)})
    return _INDEX


def by_outlet(items: list[Judged], seed_outlet: str) -> dict[str, list[Judged]]:
    out: dict[str, list[Judged]] = {}
    for j in items:
        if j.candidate.outlet != seed_outlet:
            out.setdefault(j.candidate.outlet, []).append(j)
    return out


def fit_listing(arts: list[dict], judged: dict[int, list[Judged]], seeds: list[int]) -> Model:
    from train_matcher import fit

    names = tuple(f for f in FEATURES if f != "lede")
    rows, ys = [], []
    for i in seeds:
        for items in by_outlet(judged[i], arts[i]["outlet"]).values():
            items = sorted(items, key=lambda j: -j.signals["text_cos"])
            pos = [j for j in items if truth(arts, i, j)]
            rows += pos + [j for j in items[:HARD] if not truth(arts, i, j)]
            ys += [1] * len(pos) + [0] * len([j for j in items[:HARD] if not truth(arts, i, j)])
    y = np.array(ys)
    return to_model(fit(matrix(rows, names), y, np.ones(len(y)), 1.0), names)


def shortlist(items: list[Judged], listing: Model, k: int = SHORTLIST) -> list[Judged]:
    for j in items:
        j.score = listing.probability(j.signals)   # the listing model, fitted alone
    return sorted(items, key=lambda j: -j.score)[:k]


def confirm(seed: Seed, items: list[Judged]) -> None:
    seed_lede = lede_sentences(seed.lede, seed.language)
    for j in items:
        if not j.confirmed:
            j.signals["lede"] = lede_signal(seed_lede, lede_sentences(j.candidate.description, seed.language))
            j.confirmed = True


def fit_full(arts: list[dict], judged: dict[int, list[Judged]], seeds: list[int], listing: Model) -> Model:
    from train_matcher import fit

    rows, ys = [], []
    for i in seeds:
        for items in by_outlet(judged[i], arts[i]["outlet"]).values():
            short = shortlist(items, listing)
            confirm(seed_of(arts[i]), short)
            rows += short
            ys += [truth(arts, i, j) for j in short]
    y = np.array(ys)
    model = to_model(fit(matrix(rows, FEATURES), y, np.ones(len(y)), 1.0), FEATURES)
    return Model(model.weights, model.bias, model.threshold, SHORTLIST, listing.weights, listing.bias)


def decide(arts: list[dict], judged: dict[int, list[Judged]], seeds: list[int], listing: Model, full: Model,
           drop_true: bool = False) -> tuple[int, int, int, int, int]:
    """tp, fp, fn over the seeds; with ``drop_true``, also (outlets with nothing chosen, outlets) once
    each outlet's true version is taken out of the pool."""
    tp = fp = fn = empty = asked = 0
    for i in seeds:
        seed = seed_of(arts[i])
        groups = by_outlet(judged[i], arts[i]["outlet"])
        pool = []
        for outlet, items in groups.items():
            if drop_true:
                items = [j for j in items if not truth(arts, i, j)]
            short = shortlist(items, listing)
            confirm(seed, short)
            for j in items:
                j.accepted, j.reason = False, ""
            for j in short:
                j.score = full.probability(j.signals)
            pool += short
        chosen = choose(pool, full, seed.outlet)
        if drop_true:
            asked += len(groups)
            empty += len(groups) - len({j.candidate.outlet for j in chosen})
            continue
        true_n = sum(1 for k, a in enumerate(arts) if a["triplet"] == arts[i]["triplet"] and k != i)
        hits = sum(truth(arts, i, j) for j in chosen)
        tp, fp, fn = tp + hits, fp + len(chosen) - hits, fn + true_n - hits
    return tp, fp, fn, empty, asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="save the model fitted on every seed")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not BASIL.is_dir():
        print(f"skip: {BASIL} not found (BASIL triplets, see ../shared/bench/README.md)")
        return 0
    arts = articles()
    triplets = sorted({a["triplet"] for a in arts})
    fold_of = {t: n % args.folds for n, t in enumerate(triplets)}
    started = time.monotonic()
    rows = []
    for window in (None, 3.0):
        judged = stage1(arts, window)
        totals = np.zeros(5, dtype=int)
        for f in range(args.folds):
            train = [i for i, a in enumerate(arts) if fold_of[a["triplet"]] != f]
            test = [i for i, a in enumerate(arts) if fold_of[a["triplet"]] == f]
            listing = fit_listing(arts, judged, train)
            full = fit_full(arts, judged, train, listing)
            totals[:3] += decide(arts, judged, test, listing, full)[:3]
            totals[3:] += decide(arts, judged, test, listing, full, drop_true=True)[3:]
        tp, fp, fn, empty, asked = totals
        rows.append((window, tp / max(tp + fp, 1), tp / max(tp + fn, 1), empty / max(asked, 1), tp, fp, fn))
    print(f"BASIL, {len(arts)} seeds, {args.folds}-fold CV by triplet ({time.monotonic() - started:.0f} s)")
    print("| window | precision | recall | nothing chosen when the version is absent | tp | fp | fn |")
    print("|---|---|---|---|---|---|---|")
    for window, p, r, e, tp, fp, fn in rows:
        print(f"| {'none' if window is None else f'{window:g} days'} | {p:.3f} | {r:.3f} | {e:.3f} | {tp} | {fp} | {fn} |")
    if args.write:
        judged = stage1(arts, None)
        every = list(range(len(arts)))
        listing = fit_listing(arts, judged, every)
        full = fit_full(arts, judged, every, listing)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps({
            "features": list(FEATURES), "weights": full.weights, "bias": full.bias, "threshold": full.threshold,
            "shortlist": SHORTLIST, "listing": {"weights": listing.weights, "bias": listing.bias},
            "trained_on": f"BASIL, {len(arts)} seeds x {len(arts) - 1} candidates (bench/train_discover.py)",
        }, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
