#!/usr/bin/env python3
"""Train the attribution labeller (``make train``): the cue and role CRFs of ``parallax.outlet.labeller``.

Data: PolNeAR v1.0.0 train (``../shared/bench/attribution-polnear-train``, 840 articles; see
``shared/bench/README.md``), read with ``bench/attribution.py``'s loader and parsed with
``parallax.parse.document`` exactly as ``parallax.outlet.attribution.attribute_text`` parses a text (one paragraph per
line), so training and use see the same sentences, tokens and features.

* cue model: one sequence per sentence, ``B-C`` / ``I-C`` / ``O`` for the tokens of each gold cue.
* role model: one sequence per (sentence, gold cue whose first character lies in it): ``K`` for the
  cue, ``S`` for its source, ``C`` for its content (the parts inside the sentence), ``O`` elsewhere;
  the other gold cues of the sentence feed the "another cue in between" feature.

L-BFGS with L1 = 0.1, L2 = 0.01, 150 iterations: deterministic for the same data and versions.
Writes ``lib/parallax/models/attribution/{cue,role}.crfsuite`` and ``training.json`` (counts,
versions, data hash), then prints the PolNeAR dev scores of the result (``bench/attribution.py``).

Usage::

    python bench/train_attribution.py [--data DIR] [--out DIR] [--limit N] [--no-eval]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import attribution as bench   # bench/attribution.py: loader and metric

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "lib" / "parallax" / "models" / "attribution"
PARAMS = {"c1": 0.1, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}


def _doc_offsets(text: str, document) -> list[tuple[int, int]]:
    """(start of the line in ``text``, start of that paragraph in the document's text) per line."""
    out, offset = [], 0
    for p, line in enumerate(text.split("\n")):
        out.append((offset, document.paragraph_starts[p]))
        offset += len(line) + 1
    return out


def _to_doc(span, lines) -> tuple[int, int]:
    """A span of the original text as offsets in the document's text (line by line)."""
    def move(x: int) -> int:
        best = lines[0]
        for line_start, doc_start in lines:
            if line_start <= x:
                best = (line_start, doc_start)
            else:
                break
        return best[1] + x - best[0]

    return move(span[0]), move(span[1] - 1) + 1


def _mark(tokens, spans, tag: str, labels: list[str]) -> None:
    for start, end in spans:
        first = True
        for k, t in enumerate(tokens):
            if t.idx < end and t.idx + len(t) > start and not t.is_space and labels[k] == "O":
                labels[k] = ("B-" if first else "I-") + tag
                first = False


def _tok_span(tokens, span) -> tuple[int, int] | None:
    ks = [k for k, t in enumerate(tokens) if t.idx < span[1] and t.idx + len(t) > span[0] and not t.is_space]
    return (ks[0], ks[-1] + 1) if ks else None


def sequences(articles, limit_log: bool = True, lemma_counts: dict | None = None):
    """Yield ("cue", features, labels) and ("role", features, labels) sequences; count, per verb
    lemma, how often it occurs and how often it is a gold cue (into ``lemma_counts``)."""
    from parallax.outlet import labeller
    from parallax.parse import document as parse

    for n, art in enumerate(articles, start=1):
        document = parse.document(art.text.split("\n"), "en")
        lines = _doc_offsets(art.text, document)
        gold = [(_to_doc(g.cue, lines), _to_doc(g.source, lines) if g.source else None,
                 [_to_doc(c, lines) for c in g.content]) for g in art.gold]
        states = labeller.quote_states(document)
        for position, sent in enumerate(document.sentences):
            tokens = document.tokens(position)
            start, end = document.char_span(position)
            base = labeller.token_features(tokens, states[position].marks)
            mine = [g for g in gold if start <= g[0][0] < end]
            labels = ["O"] * len(tokens)
            _mark(tokens, [g[0] for g in mine], "C", labels)
            if lemma_counts is not None:
                for t, label, mark in zip(tokens, labels, states[position].marks):
                    if t.pos_ == "VERB" and mark == 0:   # quotations hold no annotated attributions
                        counts = lemma_counts.setdefault(t.lemma_.lower(), [0, 0])
                        counts[0] += label != "O"
                        counts[1] += 1
            yield "cue", base, labels
            cues = [_tok_span(tokens, g[0]) for g in mine]
            for g, cue in zip(mine, cues):
                if cue is None:
                    continue
                role = ["O"] * len(tokens)
                _mark(tokens, [g[0]], "K", role)
                if g[1]:
                    _mark(tokens, [g[1]], "S", role)
                _mark(tokens, g[2], "C", role)
                others = [c for c in cues if c is not None and c != cue]
                yield "role", labeller.role_features(tokens, base, cue, others), role
        if limit_log and n % 100 == 0:
            print(f"  parsed {n}/{len(articles)} articles", file=sys.stderr, flush=True)


def write_lemma_rates(lemmas: dict[str, list[int]], out: Path) -> None:
    """cue_lemmas.json: verb lemma -> [times a gold cue, times seen] outside quotations (lemmas seen 3+ times)."""
    kept = {k: v for k, v in sorted(lemmas.items()) if v[1] >= 3}
    (out / "cue_lemmas.json").write_text(json.dumps(kept, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=bench.SHARED_BENCH / bench.SPLIT_DIRS["train"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--limit", type=int, default=None, help="first N training articles only")
    parser.add_argument("--no-eval", action="store_true", help="do not score the result on PolNeAR dev")
    parser.add_argument("--lemmas-only", action="store_true", help="only recount cue_lemmas.json (no training)")
    args = parser.parse_args(argv)
    if not (args.data / "attributions").is_dir():
        print(f"skipped: PolNeAR train not found at {args.data} (see shared/bench/README.md)")
        return 0
    bench._parallax_on_path()
    import pycrfsuite
    import spacy

    from parallax.parse import document as parse

    started = time.perf_counter()
    articles = bench.load_articles(args.data, args.limit)
    digest = hashlib.sha256()
    for art in articles:
        digest.update(art.name.encode())
        digest.update(art.text.encode())
        digest.update(repr(art.gold).encode())
    if args.lemmas_only:
        lemmas: dict[str, list[int]] = {}
        for _ in sequences(articles, lemma_counts=lemmas):
            pass
        write_lemma_rates(lemmas, args.out)
        return 0
    trainers = {"cue": pycrfsuite.Trainer(verbose=False), "role": pycrfsuite.Trainer(verbose=False)}
    counts = {"cue": 0, "role": 0}
    lemmas: dict[str, list[int]] = {}
    for kind, feats, labels in sequences(articles, lemma_counts=lemmas):
        trainers[kind].append(feats, labels)
        counts[kind] += 1
    print(f"{len(articles)} articles, {sum(len(a.gold) for a in articles)} attributions; "
          f"{counts['cue']} cue sequences, {counts['role']} role sequences "
          f"({time.perf_counter() - started:.0f} s)", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    write_lemma_rates(lemmas, args.out)
    for kind, trainer in trainers.items():
        trainer.set_params(PARAMS)
        path = args.out / f"{kind}.crfsuite"
        trainer.train(str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").replace(path)
        print(f"trained {path.name} ({path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.0f} s)",
              flush=True)
    info = parse.model_info("en")
    (args.out / "training.json").write_text(json.dumps({
        "data": f"PolNeAR v1.0.0 train ({len(articles)} articles)", "data_sha256": digest.hexdigest(),
        "sequences": counts, "params": PARAMS, "parser": info.as_dict(), "spacy": spacy.__version__,
        "python-crfsuite": pycrfsuite.__version__ if hasattr(pycrfsuite, "__version__") else "",
    }, indent=2) + "\n", encoding="utf-8")
    if args.no_eval:
        return 0
    from parallax.outlet import labeller

    labeller.taggers.cache_clear()
    dev = bench.SHARED_BENCH / bench.SPLIT_DIRS["dev"]
    system, _ = bench.load_parallax()
    result = bench.run_system("parallax", system, bench.load_articles(dev))
    print(bench.format_table([result]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
