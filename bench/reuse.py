"""Text reuse on the bundled drone-claim example against a hand-made gold, and its speed.

Usage: python bench/reuse.py [--no-speed]

Gold: bench/gold/drone-claim.reuse.csv (columns outlet_a, outlet_b, copied; one row per
unordered pair of the six outlets, in story order), written by hand from the example's pages
and lib/parallax/examples/README.md before parallax.compare.reuse was run on them: only the Harbor
Times republishes text (Meridian Wire's copy with small edits); the other outlets write their
own versions of the same facts and share, at most, quotations and short stock phrases.

Measures: precision, recall and F1 of the pairs `parallax.compare.reuse.similarity` marks `copied`,
the direction it gives for them, and the wall time of `similarity` (which finds every pair's
shared passages) for the 6 example outlets and for 50 synthetic outlets of about 40 sentences
(1,225 pairs), built as bench/claims.py's `synthetic` does: the example's paragraphs drawn at
random, shuffled and lightly reworded.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))

from claims import load_articles, prf, synthetic  # noqa: E402
from parallax.extract.extractors import Article  # noqa: E402
from parallax.compare.reuse import similarity  # noqa: E402

GOLD = ROOT / "bench" / "gold" / "drone-claim.reuse.csv"


def copied_pairs(rows: list[dict]) -> set[frozenset[str]]:
    """The unordered pairs marked copied (``copied`` as a bool or as "True"/"False")."""
    return {frozenset((r["outlet_a"], r["outlet_b"])) for r in rows if str(r["copied"]).strip().lower() == "true"}


def timed(articles: list[Article]) -> tuple[float, int, int]:
    """(seconds, pairs, pairs marked copied) of one ``similarity`` call."""
    started = time.perf_counter()
    table = similarity(articles)
    return time.perf_counter() - started, len(table), int(table["copied"].sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    articles = load_articles()
    gold_rows = list(csv.DictReader(GOLD.open(encoding="utf-8")))
    started = time.perf_counter()
    table = similarity(articles)
    seconds = time.perf_counter() - started
    gold, system = copied_pairs(gold_rows), copied_pairs(table.to_dict("records"))
    p, r, f = prf(system, gold)
    print(f"gold: {GOLD.relative_to(ROOT)} ({len(gold_rows)} pairs, {len(gold)} copied)\n")
    print("| pairs | gold copied | system copied | TP | FP | FN | precision | recall | F1 | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {len(table)} | {len(gold)} | {len(system)} | {len(system & gold)} | {len(system - gold)} "
          f"| {len(gold - system)} | {p:.3f} | {r:.3f} | {f:.3f} | {seconds:.3f} |")
    print("\nsystem pairs marked copied:\n")
    print("| outlet_a | outlet_b | containment_a | containment_b | passages | unquoted words | direction |")
    print("|---|---|---|---|---|---|---|")
    for row in table[table["copied"]].itertuples():
        print(f"| {row.outlet_a} | {row.outlet_b} | {row.containment_a:.3f} | {row.containment_b:.3f} "
              f"| {row.shared_passages} | {row.unquoted_words} | {row.direction} |")
    close = table[~table["copied"]].sort_values("unquoted_words", ascending=False).head(3)
    print("\nclosest pairs not marked copied:\n")
    print("| outlet_a | outlet_b | cosine | passages | unquoted passages | unquoted words | longest unquoted |")
    print("|---|---|---|---|---|---|---|")
    for row in close.itertuples():
        print(f"| {row.outlet_a} | {row.outlet_b} | {row.cosine:.3f} | {row.shared_passages} "
              f"| {row.unquoted_passages} | {row.unquoted_words} | {row.longest_unquoted} |")
    if not args.no_speed:
        print("\nspeed: similarity() for N outlets (seconds; synthetic outlets of ~40 sentences)\n")
        print("| outlets | pairs | copied | seconds |\n|---|---|---|---|")
        secs, pairs, n_copied = timed(articles)
        print(f"| 6 (example) | {pairs} | {n_copied} | {secs:.3f} |")
        for n in (6, 50):
            secs, pairs, n_copied = timed(synthetic(articles, n))
            print(f"| {n} (synthetic) | {pairs} | {n_copied} | {secs:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
