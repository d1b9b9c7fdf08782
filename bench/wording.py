"""Time of the whole wording stage (diffs, distinctive terms, naming, lexicons, reuse, headlines)
at 6 and at 50 outlets.

Usage: python bench/wording.py [--sizes 6,50]

6 outlets: the bundled drone-claim example. 50 outlets: synthetic outlets of about 40 sentences
drawn from the example's paragraphs (bench/claims.py's ``synthetic``). The claims table the
stage starts from is computed first (lexical matcher) and not timed; each part is timed on its
own, then the whole ``pipeline.wording_tables`` call. Seconds on this machine (median of 3 runs).
Copy-detection accuracy is in bench/reuse.py, naming accuracy in bench/naming.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))

from claims import load_articles, synthetic  # noqa: E402

from parallax.outlet import naming
from parallax.run import pipeline
from parallax.compare import reuse
from parallax.compare import terms
from parallax.compare import wording  # noqa: E402
from parallax.compare.align import MATCHERS  # noqa: E402
from parallax.compare.coverage import attribute_articles, claims_table  # noqa: E402

RUNS = 3


def _median_time(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(n: int) -> dict[str, float]:
    base = load_articles()
    articles = base if n == len(base) else synthetic(base, n)
    claims = claims_table(articles, attribute_articles(articles), MATCHERS["lexical"])
    order = [a.outlet for a in articles]
    lists = terms.load_lexicons()
    hits = terms.lexicon_hits(articles, lists)
    parts = {
        "diffs": lambda: wording.claim_diffs(claims, order),
        "distinctive terms": lambda: terms.distinctive_terms(articles),
        "naming": lambda: naming.naming_table(naming.mentions(articles), order),
        "lexicons": lambda: terms.lexicon_rates(terms.lexicon_hits(articles, lists), articles),
        "reuse": lambda: reuse.similarity(articles),
        "headlines": lambda: wording.headlines(articles),
    }
    out = {"outlets": n, "sentences": int((claims.status != "omitted").sum()), "lexicon hits": len(hits)}
    for name, fn in parts.items():
        out[name] = _median_time(fn)
    out["whole stage"] = _median_time(lambda: pipeline.wording_tables(articles, claims, order))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="6,50", help="outlet counts, comma separated (default 6,50)")
    args = parser.parse_args(argv)
    rows = [measure(int(n)) for n in args.sizes.split(",")]
    columns = list(rows[0])
    print("wording stage: seconds (median of 3) for N outlets; 6 = the drone-claim example, others synthetic\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
