#!/usr/bin/env python3
"""How far two people who annotate the same BASIL triplet agree, under the claims scorer.

The ``bench/gold/basil/*.yaml`` golds are the first annotation; ``bench/gold/basil/second/*.yaml``
are a second person's, written blind to the first and to Parallax's output (see the README there).
Each annotation is turned into a claims table (one row per sentence and claim it carries; a sentence
with no claim gets an id of its own) and scored against the other with ``claims-scorer/evaluate.py``,
the figures Parallax is held to. This is the ceiling of those figures on these triplets: a system
that agreed with one annotator as well as the other does would score this.

Usage::

    python bench/agreement.py [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from basil import GOLD_DIR, SPLITS, _scorer, load_gold  # noqa: E402

SECOND = GOLD_DIR / "second"
FIGURES = ("align_precision", "align_recall", "align_f1", "omission_accuracy", "status_accuracy", "source_accuracy")


def as_rows(gold: dict) -> list[dict]:
    """A gold annotation written as a claims table: what a system would output if it were this annotator."""
    rows = []
    for key, outlet in gold["outlets"].items():
        for n, s in enumerate(outlet["sentences"]):
            if s.get("status") == "none":
                continue
            status = s.get("status") or "asserted"
            for claim in s.get("claims") or [f"none-{key}-{n}"]:
                rows.append({"claim_id": str(claim), "outlet": key, "status": status,
                             "source": s.get("source") or "", "sentence": s["text"]})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    scorer = _scorer()
    if scorer is None:
        print("skipped: ../shared/bench/claims-scorer not found (see ../shared/bench/README.md)")
        return 0
    ids = sorted(p.stem for p in SECOND.glob("*.yaml"))
    if not ids:
        print(f"skipped: no second annotation in {SECOND.relative_to(ROOT)}")
        return 0
    split_of = {i: name for name, members in SPLITS.items() for i in members}
    results = {}
    for short in ids:
        first = load_gold(short)
        second = yaml.safe_load((SECOND / f"{short}.yaml").read_text(encoding="utf-8"))
        results[short] = {"second vs first": scorer.score(first, as_rows(second)),
                          "first vs second": scorer.score(second, as_rows(first))}
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print("| triplet | split | scored | " + " | ".join(FIGURES) + " |")
    print("|---|---|---|" + "---|" * len(FIGURES))
    for short, both in results.items():
        for way, res in both.items():
            print(f"| {short} | {split_of.get(short, '?')} | {way} | " + " | ".join(f"{res[f]:.3f}" for f in FIGURES) + " |")
    for way in ("second vs first", "first vs second"):
        means = [statistics.mean(results[s][way][f] for s in results) for f in FIGURES]
        print(f"| mean of {len(results)} | | {way} | " + " | ".join(f"{m:.3f}" for m in means) + " |")
    print("(the first annotation is the gold Parallax is scored against; 'second vs first' reads the second "
          "annotator as a system scored against it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
