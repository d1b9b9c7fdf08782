"""Actor naming on the bundled drone-claim example against the hand-written gold, and its speed.

Usage: python bench/naming.py [--no-speed] [--outlets 50] [--sentences 40]

Gold: bench/gold/drone-claim.naming.csv (columns ``actor, surface``), written by hand from the
extracted article text before the system was run. Every gold surface is looked up in the
system's mentions (``parallax.outlet.naming.mentions``): it matches a mention whose ``form``, ``mention``
or ``name`` equals it after folding (case, curly apostrophes, white space, a leading "the", a
trailing possessive); the surface's system actor is the commonest actor of its matches.

Scores:
- pairwise precision/recall/F1 over surface pairs: a gold pair is two surfaces of one gold actor,
  a system pair two found surfaces that got the same system actor (a surface the system never
  produced is in no system pair);
- actors whole: the share of gold actors whose surfaces were all found and all got one system
  actor;
- baseline: surfaces grouped by their last word, lower-cased (no transliteration folding, no
  metonyms), for comparison.
Speed: ``mentions`` + ``naming_table`` on N synthetic outlets x M sentences drawn from the
example's sentences (shuffled, spellings varied), with the sentence-splitter cache emptied first.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from parallax.run.examples import example_spec  # noqa: E402
from parallax.extract.extractors import Article, extract_snapshot  # noqa: E402
from parallax.acquire.fetch import read_file  # noqa: E402
from parallax.outlet.naming import mentions, naming_table  # noqa: E402
from parallax.parse.segment import split_sentences  # noqa: E402
from parallax.spec import load_spec  # noqa: E402

GOLD = ROOT / "bench" / "gold" / "drone-claim.naming.csv"


def load_articles() -> list[Article]:
    """The six outlets of the bundled example, extracted as the pipeline extracts them."""
    story = load_spec(example_spec("drone-claim"))
    return [extract_snapshot(read_file(o.file, o.key), o.key, o.name, o.language, story.language)
            for o in story.outlets]


def load_gold(path: Path = GOLD) -> dict[str, list[str]]:
    """Gold actor -> its surfaces, in file order."""
    gold: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            gold[row["actor"]].append(row["surface"])
    return dict(gold)


def fold(surface: str) -> str:
    """A surface folded for lookup: case, curly apostrophes, white space, "the", possessive."""
    s = re.sub(r"\s+", " ", surface.replace("’", "'").replace("‘", "'")).strip().lower()
    s = re.sub(r"^the ", "", s)
    return re.sub(r"'s$", "", s)


def assign(surfaces: Sequence[str], rows: Sequence[Mapping[str, str]]) -> dict[str, str | None]:
    """Each surface's system actor: the commonest actor among the mentions whose form, mention or
    name folds to the surface; None when no mention matches."""
    by_text: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        for text in {fold(r["form"]), fold(r["mention"]), fold(r["name"])}:
            by_text[text][r["actor"]] += 1
    out: dict[str, str | None] = {}
    for s in surfaces:
        found = by_text.get(fold(s))
        out[s] = found.most_common(1)[0][0] if found else None
    return out


def _pairs(groups: Mapping[str, str | None]) -> set[frozenset[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for surface, group in groups.items():
        if group is not None:
            members[group].append(surface)
    return {frozenset((a, b)) for ms in members.values() for i, a in enumerate(ms) for b in ms[i + 1:]}


def score(gold: Mapping[str, Sequence[str]], system: Mapping[str, str | None]) -> dict[str, float]:
    """Pairwise P/R/F1 over surface pairs, share of gold actors kept whole, surfaces found."""
    gold_of = {s: actor for actor, surfaces in gold.items() for s in surfaces}
    gold_pairs, sys_pairs = _pairs(gold_of), _pairs({s: system.get(s) for s in gold_of})
    tp = len(gold_pairs & sys_pairs)
    p = tp / len(sys_pairs) if sys_pairs else 0.0
    r = tp / len(gold_pairs) if gold_pairs else 0.0
    whole = sum(1 for surfaces in gold.values()
                if all(system.get(s) is not None for s in surfaces) and len({system[s] for s in surfaces}) == 1)
    return {"found": sum(system.get(s) is not None for s in gold_of), "surfaces": len(gold_of),
            "gold pairs": len(gold_pairs), "system pairs": len(sys_pairs), "P": p, "R": r,
            "F1": 2 * p * r / (p + r) if p + r else 0.0, "whole": whole, "actors": len(gold)}


def last_word_baseline(surfaces: Sequence[str]) -> dict[str, str | None]:
    """Surfaces grouped by their last word, lower-cased."""
    return {s: fold(s).split()[-1] for s in surfaces}


def problems(gold: Mapping[str, Sequence[str]], system: Mapping[str, str | None]) -> list[str]:
    """Readable list of misses: surfaces not found, gold actors split, system actors merging gold actors."""
    lines = []
    for actor, surfaces in gold.items():
        missing = [s for s in surfaces if system.get(s) is None]
        if missing:
            lines.append(f"- {actor}: not found: {', '.join(missing)}")
        got = Counter(system[s] for s in surfaces if system.get(s) is not None)
        if len(got) > 1:
            lines.append(f"- {actor}: split into {', '.join(f'{a} ({n})' for a, n in got.items())}")
    owners: dict[str, set[str]] = defaultdict(set)
    for actor, surfaces in gold.items():
        for s in surfaces:
            if system.get(s) is not None:
                owners[system[s]].add(actor)  # type: ignore[index]
    lines += [f"- system actor {a} holds gold actors {', '.join(sorted(g))}" for a, g in owners.items() if len(g) > 1]
    return lines


# ---------------------------------------------------------------- speed

_VARIANTS = [("Zelenskyy", "Zelenskiy"), ("Zelenskyy", "Zelensky"), ("Kyiv", "Kiev"), ("Mr Putin", "Putin"),
             ("Sergei", "Sergey"), ("Russia", "Moscow")]


def synthetic(articles: Sequence[Article], n_outlets: int, per_outlet: int, seed: int = 0) -> list[Article]:
    """N outlets of ``per_outlet`` sentences each, drawn from the example's sentences, shuffled,
    with spellings varied; five sentences a paragraph."""
    rng = random.Random(seed)
    pool = [p[s:e] for a in articles for p in a.paragraphs for s, e in split_sentences(p, "en")]
    out = []
    for k in range(n_outlets):
        sents = [rng.choice(pool) for _ in range(per_outlet)]
        for old, new in rng.sample(_VARIANTS, 2):
            sents = [s.replace(old, new) for s in sents]
        paras = [" ".join(sents[i:i + 5]) for i in range(0, len(sents), 5)]
        out.append(Article(outlet=f"outlet-{k:02d}", name=f"Outlet {k}", source="synthetic", language="en",
                           paragraphs=paras))
    return out


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time in seconds, the sentence cache emptied before each call."""
    times = []
    for _ in range(repeat):
        split_sentences.cache_clear()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-speed", action="store_true", help="skip the speed table")
    parser.add_argument("--outlets", type=int, default=50, help="synthetic outlets for the speed table")
    parser.add_argument("--sentences", type=int, default=40, help="sentences per synthetic outlet")
    args = parser.parse_args(argv)

    articles = load_articles()
    gold = load_gold()
    surfaces = [s for ss in gold.values() for s in ss]
    frame = mentions(articles)
    order = [a.outlet for a in articles]
    table = naming_table(frame, order)
    system = assign(surfaces, frame.to_dict("records"))
    rows = [("parallax.outlet.naming", score(gold, system)), ("last-word baseline", score(gold, last_word_baseline(surfaces)))]

    print(f"gold: {GOLD.relative_to(ROOT)} ({len(gold)} actors, {len(surfaces)} surfaces); "
          f"system: {len(frame)} mentions, {frame.actor.nunique()} actors, "
          f"{table.actor.nunique()} in naming.csv ({len(table)} rows)")
    print()
    head = ["system", "surfaces found", "gold pairs", "system pairs", "pair P", "pair R", "pair F1", "actors whole"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, s in rows:
        print(f"| {name} | {s['found']}/{s['surfaces']} | {s['gold pairs']} | {s['system pairs']} | {s['P']:.3f} | "
              f"{s['R']:.3f} | {s['F1']:.3f} | {s['whole']}/{s['actors']} ({s['whole'] / s['actors']:.0%}) |")
    issues = problems(gold, system)
    print()
    print("parallax.outlet.naming misses:" if issues else "parallax.outlet.naming misses: none")
    for line in issues:
        print(line)

    if not args.no_speed:
        print()
        print("| outlets x sentences | mentions | seconds (median of 3, cold sentence cache) |")
        print("|---|---|---|")
        sizes = sorted({6, 25, args.outlets})
        for n in sizes:
            synth = synthetic(articles, n, args.sentences)
            found = mentions(synth)
            secs = timed(lambda: naming_table(mentions(synth), [a.outlet for a in synth]))
            print(f"| {n} x {args.sentences} | {len(found)} | {secs:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
