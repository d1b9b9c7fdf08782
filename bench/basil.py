#!/usr/bin/env python3
"""Claims and attribution on real articles: BASIL triplets against golds written by hand.

Each gold in ``bench/gold/basil/<id>.yaml`` (claims-scorer format, written blind from BASIL's
sentences before any Parallax output was looked at; see ``bench/gold/basil/README-*.md``) names one
BASIL triplet (Fox News, New York Times, HuffPost on one event). For each, this script does what a
user would: saves the three articles as ``.txt`` pages (title, a blank line, one paragraph per
BASIL paragraph) in a temporary folder with a story spec, reads them with Parallax's extraction,
runs the claims stage and scores ``claims.csv`` with ``../shared/bench/claims-scorer/evaluate.py``.

The golds are split in three: ``train`` (12 triplets, ``bench/gold/basil/train/``: the pair model and
the cross-encoder are fitted on their cross-outlet sentence pairs), ``tune`` (d1344998, 6e502405,
8dc7ccfe, 3ae35b16, eb17fa36, 74708dbf: may be looked at while developing; the thresholds are chosen
on them) and ``report`` (22b6e900, 0ffb34cd, 29ffd053: never used for fitting or tuning; the figures
quoted in the README). BASIL's articles are read from ``../shared/bench/basil`` (skipped when absent)
and never copied into the project.

Usage::

    python bench/basil.py [--split report|tune|train|all] [--matcher learned] [--keep DIR] [--sweep 0.2,0.3]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
SHARED = ROOT.parent / "shared" / "bench"
BASIL = SHARED / "basil" / "articles"
SCORER = SHARED / "claims-scorer" / "evaluate.py"
GOLD_DIR = ROOT / "bench" / "gold" / "basil"
SPLITS = {
    # fitting the matcher's models (bench/train_matcher.py, bench/train_reranker.py); golds in train/
    "train": ("3db93526", "97566c74", "f11c2566", "11c9f251", "550b80db", "ad409798", "df6a55fb", "b4dbeda7",
              "59f2f47c", "8abec8d9", "0c78e748", "96b7046f"),
    # choosing thresholds (grouping link, possibly carried)
    "tune": ("d1344998", "6e502405", "8dc7ccfe", "3ae35b16", "eb17fa36", "74708dbf"),
    # the figures quoted in the README: never fitted or tuned on
    "report": ("22b6e900", "0ffb34cd", "29ffd053"),
}


def gold_path(short_id: str) -> Path:
    """The hand gold of a triplet (train golds sit in ``train/``)."""
    return GOLD_DIR / "train" / f"{short_id}.yaml" if short_id in SPLITS["train"] else GOLD_DIR / f"{short_id}.yaml"


def load_gold(short_id: str) -> dict:
    return yaml.safe_load(gold_path(short_id).read_text(encoding="utf-8"))
OUTLETS = {"fox": "Fox News", "nyt": "New York Times", "hpo": "HuffPost"}
FIGURES = ("extraction_recall", "align_precision", "align_recall", "align_f1", "claims_linked", "status_accuracy",
           "hedge_recall", "source_accuracy", "omission_accuracy")


def _scorer():
    spec = importlib.util.spec_from_file_location("claims_scorer", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def triplet_files(short_id: str) -> dict[str, Path]:
    """The three BASIL article files of a triplet, by outlet code."""
    out = {}
    for path in sorted(BASIL.glob(f"*/{short_id}*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[data["source"].lower()] = path
    return out


def write_story(short_id: str, folder: Path) -> Path:
    """Save the triplet as .txt pages with a story spec in ``folder``; return the spec's path."""
    pages = folder / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    outlets = []
    for code, path in triplet_files(short_id).items():
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(s.strip() for s in para if s.strip()) for para in data["body-paragraphs"]]
        page = pages / f"{code}.txt"
        page.write_text(data["title"].strip() + "\n\n" + "\n\n".join(p for p in paragraphs if p) + "\n", encoding="utf-8")
        outlets.append({"name": OUTLETS[code], "file": f"pages/{code}.txt", "language": "en"})
    spec = folder / "story.yaml"
    spec.write_text(yaml.safe_dump({"story": f"basil-{short_id}", "title": short_id, "outlets": outlets}),
                    encoding="utf-8")
    return spec


def read_story(spec_path: Path):
    """Extraction and attribution, in-process, as the report runs them."""
    from parallax.compare.coverage import attribute_articles
    from parallax.extract.extractors import extract_snapshot
    from parallax.acquire.fetch import read_file
    from parallax.spec import load_spec

    story = load_spec(spec_path)
    articles = [extract_snapshot(read_file(o.file, o.key), o.key, o.name, o.language, story.language)
                for o in story.outlets]
    return articles, attribute_articles(articles)


def run_claims(spec_path: Path, matcher: str, link: float | None = None, budget: int | None = None):
    """The claims stage as the report runs it (``link``: the learned matcher's grouping threshold)."""
    from parallax.compare.align import MATCHERS
    from parallax.compare.coverage import claims_table
    from parallax.compare.pairs import LearnedMatcher

    articles, attributed = read_story(spec_path)
    if matcher == "learned" and (link is not None or budget is not None):
        chosen = LearnedMatcher(link=link, budget=budget)
    else:
        chosen = MATCHERS[matcher]
    return claims_table(articles, attributed, chosen, "en")


def sweep(ids, links: list[float], scorer, budget: int | None = None, attaches: list[float] | None = None) -> None:
    """Mean figures of the learned matcher at each grouping threshold, and at each threshold for a
    unit's second group (``attaches``; for choosing them on tune triplets)."""
    from parallax.compare.coverage import claims_table
    from parallax.compare.pairs import LearnedMatcher

    settings = [(t, a) for t in links for a in (attaches or [None])]
    per: dict[tuple, list[dict]] = {key: [] for key in settings}
    with tempfile.TemporaryDirectory() as tmp:
        for short_id in ids:
            gold = load_gold(short_id)
            articles, attributed = read_story(write_story(short_id, Path(tmp) / short_id))
            for t, a in settings:
                frame = claims_table(articles, attributed, LearnedMatcher(link=t, budget=budget, join=a), "en")
                records = frame.astype(object).where(frame.notna(), "").astype(str).to_dict("records")
                per[(t, a)].append(scorer.score(gold, records))
    print("| link | attach | " + " | ".join(FIGURES[1:]) + " |")
    print("|" + "---|" * (len(FIGURES) + 1))
    for t, a in settings:
        print(f"| {t:.2f} | {'default' if a is None else f'{a:.2f}'} | " + " | ".join(
            f"{statistics.mean(f[k] for f in per[(t, a)] if f[k] != 'NA'):.3f}"
            if any(f[k] != "NA" for f in per[(t, a)]) else "NA" for k in FIGURES[1:]) + " |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("report", "tune", "train", "all"), default="report",
                        help="all: tune and report (the models were fitted on train)")
    parser.add_argument("--matcher", default="learned")
    parser.add_argument("--sweep", default="", help="comma-separated grouping thresholds of the learned matcher: "
                        "print the mean figures at each (choose on --split tune)")
    parser.add_argument("--attach", default="", help="with --sweep: comma-separated thresholds for a unit's second "
                        "group (align.learned_attach); 2 turns second groups off")
    parser.add_argument("--budget", type=int, default=None, help="pairs the cross-encoder reads per story "
                        "(default: the thresholds table's align.rerank_budget; 0: the pair model alone)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the pages, specs and claims.csv here")
    args = parser.parse_args(argv)
    if not BASIL.is_dir() or not SCORER.is_file():
        print(f"skipped: BASIL or the claims scorer not found under {SHARED} (see shared/bench/README.md)")
        return 0
    scorer = _scorer()
    ids = SPLITS["tune"] + SPLITS["report"] if args.split == "all" else SPLITS[args.split]
    if args.sweep:
        sweep(ids, [float(x) for x in args.sweep.split(",")], scorer, args.budget,
              [float(x) for x in args.attach.split(",")] if args.attach else None)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for short_id in ids:
            gold = load_gold(short_id)
            folder = base / short_id
            started = time.perf_counter()
            frame = run_claims(write_story(short_id, folder), args.matcher, budget=args.budget)
            seconds = time.perf_counter() - started
            frame.to_csv(folder / "claims.csv", index=False)
            records = frame.astype(object).where(frame.notna(), "").astype(str).to_dict("records")
            figures = scorer.score(gold, records)
            split = next(name for name, members in SPLITS.items() if short_id in members)
            n = sum(len(o["sentences"]) for o in gold["outlets"].values())
            rows.append((short_id, split, n, figures, seconds))
    head = ["triplet", "split", "sentences"] + [f.replace("_accuracy", "").replace("_", " ") for f in FIGURES] + ["s"]
    print(f"BASIL triplets, matcher={args.matcher} (scorer: {SCORER.name})\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))

    def cell(v) -> str:
        return f"{v:.3f}" if isinstance(v, (int, float)) and v == v else "NA"

    for short_id, split, n, figures, seconds in rows:
        print("| " + " | ".join([short_id, split, str(n)] + [cell(figures.get(f)) for f in FIGURES] + [f"{seconds:.1f}"]) + " |")
    if len(rows) > 1:
        means = []
        for f in FIGURES:
            vals = [r[3][f] for r in rows if isinstance(r[3].get(f), (int, float))]
            means.append(statistics.fmean(vals) if vals else None)
        print("| " + " | ".join(["mean", args.split, str(sum(r[2] for r in rows))] + [cell(m) for m in means] + [""]) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
