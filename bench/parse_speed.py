#!/usr/bin/env python3
"""Parse + attribution speed and memory: N synthetic outlets of about 40 sentences each.

The outlets are built from the bundled drone-claim example's sentences (shuffled per outlet with a
fixed seed, each with its outlet number worked in so no two texts are the same), then:

* cold: an empty parse cache, the spaCy model and the labeller loaded first (their load time is
  reported on its own line), every article parsed and attributed;
* cache: the same articles again after the in-memory documents are dropped: parses and labels come
  from the on-disk parse cache, as in a rerun or a re-analysis.

Peak memory is the process's maximum resident set size (``ru_maxrss``) at the end.

Usage::

    python bench/parse_speed.py [--outlets 6 12 25 50] [--sentences 40]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))


def synthetic(n_outlets: int, per_outlet: int, seed: int = 0) -> list[list[str]]:
    """Paragraph lists: each outlet gets ``per_outlet`` sentences of the example, shuffled, in
    paragraphs of two sentences, with its number worked in."""
    from parallax.run.examples import example_spec
    from parallax.extract.extractors import extract_snapshot
    from parallax.acquire.fetch import read_file
    from parallax.parse.segment import sentences
    from parallax.spec import load_spec

    story = load_spec(example_spec("drone-claim"))
    pool = []
    for o in story.outlets:
        article = extract_snapshot(read_file(o.file, o.key), o.key, o.name, o.language, story.language)
        pool += [s.text for s in sentences(article.paragraphs)]
    rng = random.Random(seed)
    out = []
    for i in range(n_outlets):
        picked = [rng.choice(pool) for _ in range(per_outlet)]
        picked[0] = f"Outlet {i + 1} reports: {picked[0]}"
        out.append([" ".join(picked[k:k + 2]) for k in range(0, per_outlet, 2)])
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outlets", type=int, nargs="+", default=[6, 12, 25, 50])
    parser.add_argument("--sentences", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ["PARALLAX_CACHE_DIR"] = tempfile.mkdtemp(prefix="parallax-parse-bench-")

    started = time.perf_counter()
    from parallax.outlet import attribution
    from parallax.outlet import labeller
    from parallax.parse import document as parse

    parse.load_model("en")
    labeller.taggers()
    load = time.perf_counter() - started
    info = parse.model_info("en")
    print(f"parse + attribution, {args.sentences} sentences per outlet; model {info.label}, "
          f"labeller loaded in {load:.2f} s (import and model load, once per process)\n")
    print("| outlets | sentences | tokens | cold s | from parse cache s |")
    print("|---|---|---|---|---|")
    for n in args.outlets:
        articles = synthetic(n, args.sentences, seed=n)
        langs = ["en"] * n
        t0 = time.perf_counter()
        docs = parse.documents(articles, langs)
        for d in docs:
            attribution.attribute_document(d)
        cold = time.perf_counter() - t0
        parse.forget()
        t0 = time.perf_counter()
        docs = parse.documents(articles, langs)
        for d in docs:
            attribution.attribute_document(d)
        warm = time.perf_counter() - t0
        sentences = sum(len(d.sentences) for d in docs)
        tokens = sum(len(d.doc) for d in docs)
        print(f"| {n} | {sentences} | {tokens} | {cold:.2f} | {warm:.2f} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS) {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
