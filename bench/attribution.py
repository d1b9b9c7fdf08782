#!/usr/bin/env python3
"""Attribution benchmark (who said what): Parallax against a naive reporting-verb baseline.

Data: PolNeAR v1.0.0 kept outside the project at
``<project root>/../shared/bench/attribution-polnear-dev`` (``--split train`` reads
``attribution-polnear-train``; see ``shared/bench/README.md``): ``text/<article>.txt`` and brat
standoff files ``attributions/<article>_<annotator>.ann``.  An article annotated by several
people is scored against the first of its ``.ann`` files in sorted order only.

Gold (``load_gold``): every ``E`` line is one attribution, built from the ``T`` spans its roles
point at: ``Cue``, ``Source`` (absent for some attributions) and ``Content``; ``Content2`` and the
pieces of a discontinuous span (``START END;START END``) are all kept as content pieces.  An ``E``
line without a cue or without any content is skipped; ``Discuss`` and ``Discard`` spans are never
attributions (a role pointing at one is dropped).  Roles are taken from the ``E`` line, not from
the ``T`` label.  Offsets count Unicode characters, so texts are read as UTF-8 with
``newline=""``.  Lines that are neither ``T`` nor ``E`` lines (annotator notes, the continuation
of a span text that holds a line break) are ignored.

Metric (``match`` and ``score``, pure functions):

* A prediction is an item whose ``cue_span`` is not None.  Predictions and gold attributions of
  an article are paired one-to-one when their cue spans overlap, greedily, largest character
  overlap first (ties: earlier gold, then earlier prediction).
* For each of cue, source and content: precision = correct / predictions that have that span,
  recall = correct / gold attributions that have that span, where "correct" counts matched
  pairs in which both sides have the span and the spans agree.  So an unmatched prediction
  with a source counts against source precision, a gold source whose attribution is unmatched
  or whose matched prediction has no source counts against source recall, and a gold
  attribution without a source (or a prediction without one) is left out of the source
  denominators.  Counts are summed over all articles (micro average); F1 is the harmonic mean.
* Strict: the two spans are equal after trimming leading and trailing punctuation (Unicode
  category P*) and white space (non-breaking space included); the trimmed offsets are compared.
  A span that is nothing but punctuation (a ``:`` or dash cue) is compared untrimmed.  For gold
  content with several pieces (discontinuous, or with ``Content2``) the prediction must cover
  from the first piece's start to the last piece's end.
* Lenient: token-overlap F1 >= 0.5, tokens being ``\\w+`` lowercased, as multisets; gold content
  uses the tokens of all its pieces together.  Two spans without any token (punctuation cues)
  agree when their characters overlap.

Usage::

    python bench/attribution.py [--data DIR] [--split dev|train] [--limit N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = PROJECT_ROOT.parent / "shared" / "bench"
SPLIT_DIRS = {"dev": "attribution-polnear-dev", "train": "attribution-polnear-train"}

#: (start, end) character offsets, end exclusive.
Span = tuple[int, int]

PARTS = ("cue", "source", "content")
MODES = ("lenient", "strict")
LENIENT_THRESHOLD = 0.5

_TOKEN_RE = re.compile(r"\w+")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
NOT_ATTRIBUTIONS = frozenset({"Discuss", "Discard"})


# --------------------------------------------------------------------------------------
# Gold
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: a cue, an optional source and one or more content pieces."""

    cue: Span
    source: Span | None
    content: tuple[Span, ...]  # sorted pieces: discontinuous parts and Content2
    id: str = ""


@dataclass(frozen=True)
class Prediction:
    """One predicted attribution (spans only)."""

    cue: Span
    source: Span | None = None
    content: Span | None = None


def _pieces(offsets: str) -> tuple[Span, ...]:
    out = []
    for piece in offsets.split(";"):
        start, end = (int(x) for x in piece.split())
        out.append((start, end))
    return tuple(out)


def load_gold(ann_text: str) -> list[GoldAttribution]:
    """Parse one brat ``.ann`` file into attributions, ordered by cue position.

    See the module docstring for the rules (Content2, discontinuous spans, E lines without cue
    or content, Discuss/Discard).
    """
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for raw in ann_text.split("\n"):
        line = raw.rstrip("\r")
        if m := _T_LINE.match(line):
            spans[m.group(1)] = (m.group(2), _pieces(m.group(3)))
        elif m := _E_LINE.match(line):
            args = []
            for item in m.group(2).split():
                role, sep, ref = item.partition(":")
                if sep:
                    args.append((role, ref))
            events.append((m.group(1), args))

    gold = []
    for event_id, args in events:
        cue: Span | None = None
        source: Span | None = None
        content: list[Span] = []
        for role, ref in args:
            if ref not in spans:
                continue
            label, pieces = spans[ref]
            if label in NOT_ATTRIBUTIONS:
                continue
            role = role.rstrip("0123456789")  # Content2 -> Content
            if role == "Cue" and cue is None:
                cue = (pieces[0][0], pieces[-1][1])
            elif role == "Source" and source is None:
                source = (pieces[0][0], pieces[-1][1])
            elif role == "Content":
                content.extend(pieces)
        if cue is None or not content:
            continue
        gold.append(GoldAttribution(cue, source, tuple(sorted(set(content))), event_id))
    gold.sort(key=lambda g: (g.cue, g.id))
    return gold


# --------------------------------------------------------------------------------------
# Metric
# --------------------------------------------------------------------------------------


def _is_trim(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def strip_span(text: str, span: Span) -> Span:
    """``span`` without leading and trailing punctuation and white space; a span holding
    nothing else is returned unchanged (clamped to the text)."""
    start, end = max(0, span[0]), min(len(text), span[1])
    s, e = start, end
    while s < e and _is_trim(text[s]):
        s += 1
    while e > s and _is_trim(text[e - 1]):
        e -= 1
    return (s, e) if s < e else (start, end)


def tokens(text: str, spans: Iterable[Span]) -> Counter[str]:
    """Multiset of lowercased ``\\w+`` tokens of the spans (each span tokenised on its own)."""
    out: Counter[str] = Counter()
    for start, end in spans:
        out.update(t.lower() for t in _TOKEN_RE.findall(text[max(0, start) : max(0, end)]))
    return out


def token_f1(a: Counter[str], b: Counter[str]) -> float:
    """F1 of two token multisets (0 when either is empty)."""
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def overlap(a: Span, b: Span) -> int:
    """Number of characters two spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def spans_agree(text: str, pred: Span, gold: Sequence[Span], mode: str) -> bool:
    """Whether a predicted span agrees with gold pieces under ``mode`` ("strict"/"lenient")."""
    if mode == "strict":
        whole = (gold[0][0], gold[-1][1])
        return strip_span(text, pred) == strip_span(text, whole)
    pt, gt = tokens(text, [pred]), tokens(text, gold)
    if not pt and not gt:
        return any(overlap(pred, g) for g in gold)
    return token_f1(pt, gt) >= LENIENT_THRESHOLD


def match(pred: Sequence[Prediction], gold: Sequence[GoldAttribution]) -> list[tuple[int, int]]:
    """Pair predictions and gold attributions whose cue spans overlap: one-to-one, greedy,
    largest character overlap first.  Returns ``(pred index, gold index)`` pairs."""
    candidates = []
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            n = overlap(p.cue, g.cue)
            if n > 0:
                candidates.append((-n, gi, pi))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi))
    return sorted(pairs)


def _gold_part(g: GoldAttribution, part: str) -> tuple[Span, ...]:
    if part == "cue":
        return (g.cue,)
    if part == "source":
        return (g.source,) if g.source is not None else ()
    return g.content


def _pred_part(p: Prediction, part: str) -> Span | None:
    return getattr(p, part)


def score(
    text: str,
    pred: Sequence[Prediction],
    gold: Sequence[GoldAttribution],
    pairs: Sequence[tuple[int, int]] | None = None,
) -> dict[str, dict[str, int]]:
    """Counts of one article: ``{"<part>_<mode>": {"correct", "predicted", "gold"}}`` for
    part in cue/source/content and mode in lenient/strict, plus ``"matched"``.

    ``pairs`` defaults to ``match(pred, gold)``.
    """
    if pairs is None:
        pairs = match(pred, gold)
    counts: dict[str, dict[str, int]] = {}
    for part in PARTS:
        n_pred = sum(_pred_part(p, part) is not None for p in pred)
        n_gold = sum(bool(_gold_part(g, part)) for g in gold)
        for mode in MODES:
            correct = 0
            for pi, gi in pairs:
                ps, gs = _pred_part(pred[pi], part), _gold_part(gold[gi], part)
                if ps is not None and gs and spans_agree(text, ps, gs, mode):
                    correct += 1
            counts[f"{part}_{mode}"] = {"correct": correct, "predicted": n_pred, "gold": n_gold}
    counts["matched"] = {"correct": len(pairs), "predicted": len(pred), "gold": len(gold)}
    return counts


def prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0 when a denominator is 0)."""
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def aggregate(article_counts: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, float]]:
    """Sum article counts (micro average) and turn them into P/R/F1 per key."""
    total: dict[str, Counter[str]] = {}
    for counts in article_counts:
        for key, c in counts.items():
            total.setdefault(key, Counter()).update(c)
    out = {}
    for key, c in total.items():
        out[key] = {**{k: c[k] for k in ("correct", "predicted", "gold")}, **prf(c["correct"], c["predicted"], c["gold"])}
    return out


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    name: str
    ann_file: str
    text: str
    gold: tuple[GoldAttribution, ...]


def read_text(path: Path) -> str:
    """Read a file as UTF-8 without newline translation (offsets are Unicode characters)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def article_files(data_dir: Path) -> list[tuple[str, Path]]:
    """(article name, .ann file) pairs, one per article: the first .ann file in sorted order."""
    chosen: dict[str, Path] = {}
    for ann in sorted((data_dir / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(name, ann)
    return sorted(chosen.items())


def load_articles(data_dir: Path, limit: int | None = None) -> list[Article]:
    """Load the first ``limit`` articles (sorted by name) with their gold attributions."""
    files = article_files(data_dir)
    if limit is not None:
        files = files[:limit]
    articles = []
    for name, ann in files:
        text = read_text(data_dir / "text" / f"{name}.txt")
        articles.append(Article(name, ann.name, text, tuple(load_gold(read_text(ann)))))
    return articles


# --------------------------------------------------------------------------------------
# Systems
# --------------------------------------------------------------------------------------

#: A system takes the raw article text and returns predicted attributions.
System = Callable[[str], list[Prediction]]

# ~40 common reporting verbs, inflected; forms that are mostly nouns in news text ("states",
# "report", "tweets", "warning", "finding") are left out.  "according to" is a cue too, with
# the source after it.
_REPORTING_LEMMAS = {
    "say": "say says said saying",
    "tell": "tell tells told telling",
    "claim": "claim claims claimed claiming",
    "add": "add adds added adding",
    "note": "note notes noted noting",
    "state": "stated",
    "announce": "announce announces announced announcing",
    "report": "reported",
    "write": "write writes wrote written",
    "argue": "argue argues argued arguing",
    "explain": "explain explains explained explaining",
    "insist": "insist insists insisted insisting",
    "warn": "warn warns warned",
    "suggest": "suggest suggests suggested suggesting",
    "ask": "ask asks asked asking",
    "acknowledge": "acknowledge acknowledges acknowledged acknowledging",
    "admit": "admit admits admitted admitting",
    "deny": "deny denies denied denying",
    "confirm": "confirm confirms confirmed confirming",
    "believe": "believe believes believed",
    "think": "think thinks thought",
    "call": "called calls calling",
    "urge": "urge urges urged urging",
    "predict": "predict predicts predicted predicting",
    "recall": "recall recalls recalled recalling",
    "tweet": "tweeted",
    "testify": "testify testifies testified testifying",
    "contend": "contend contends contended contending",
    "maintain": "maintain maintains maintained maintaining",
    "estimate": "estimated",
    "reply": "reply replies replied replying",
    "respond": "respond responds responded responding",
    "declare": "declare declares declared declaring",
    "describe": "describe describes described describing",
    "show": "show shows showed shown showing",
    "find": "find finds found",
    "promise": "promises promised",
    "accuse": "accuse accuses accused accusing",
    "agree": "agree agrees agreed agreeing",
    "charge": "charged",
}
REPORTING_VERBS = frozenset(w for forms in _REPORTING_LEMMAS.values() for w in forms.split())

_CUE = re.compile(r"\baccording to\b|\b[\w’']+\b", re.IGNORECASE)
_SIMPLE_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+[\"”’)]*|$)")
MAX_SOURCE_TOKENS = 4


def regex_sentences(line: str) -> list[Span]:
    """Fallback sentence splitter: up to and including ``.``, ``!`` or ``?`` (and closing quotes)."""
    out = []
    for m in _SIMPLE_SENTENCE.finditer(line):
        s, e = m.span()
        while s < e and line[s].isspace():
            s += 1
        if s < e:
            out.append((s, e))
    return out


def load_splitter() -> tuple[str, Callable[[str], Sequence[Span]]]:
    """``parallax.parse.segment.split_sentences`` when importable, else ``regex_sentences``."""
    try:
        _parallax_on_path()
        from parallax.parse.segment import split_sentences

        return "parallax.parse.segment", lambda line: split_sentences(line, "en")
    except Exception:  # noqa: BLE001 - any failure falls back to the regex
        return "regex", regex_sentences


def _word_run(sentence: str, start: int, end: int, leftwards: bool) -> Span | None:
    """Up to MAX_SOURCE_TOKENS word tokens right next to ``sentence[start:end]`` (left of
    ``start`` or right of ``end``), separated only by white space."""
    taken: list[Span] = []
    if leftwards:
        pos = start
        while len(taken) < MAX_SOURCE_TOKENS:
            m = re.search(r"([\w’'.\-]*\w[.]?)(\s+)$", sentence[:pos])
            if not m:
                break
            taken.append(m.span(1))
            pos = m.start(1)
        if not taken:
            return None
        return (taken[-1][0], taken[0][1])
    pos = end
    while len(taken) < MAX_SOURCE_TOKENS:
        m = re.match(r"\s+([\w’'.\-]*\w)", sentence[pos:])
        if not m:
            break
        taken.append((pos + m.start(1), pos + m.end(1)))
        pos += m.end(1)
    if not taken:
        return None
    return (taken[0][0], taken[-1][1])


def _trim(sentence: str, start: int, end: int) -> Span | None:
    s, e = start, end
    while s < e and _is_trim(sentence[s]):
        s += 1
    while e > s and _is_trim(sentence[e - 1]):
        e -= 1
    return (s, e) if s < e else None


def baseline_sentence(sentence: str) -> Prediction | None:
    """The naive rule for one sentence (offsets relative to the sentence), or None."""
    for m in _CUE.finditer(sentence):
        word = m.group(0).lower()
        if word != "according to" and word not in REPORTING_VERBS:
            continue
        cue = m.span()
        if word == "according to":
            source = _word_run(sentence, *cue, leftwards=False)
        else:
            source = _word_run(sentence, *cue, leftwards=True) or _word_run(sentence, *cue, leftwards=False)
        lo = min(cue[0], source[0]) if source else cue[0]
        hi = max(cue[1], source[1]) if source else cue[1]
        before, after = _trim(sentence, 0, lo), _trim(sentence, hi, len(sentence))
        content = max((x for x in (before, after) if x), key=lambda x: x[1] - x[0], default=None)
        return Prediction(cue, source, content)
    return None


def load_baseline() -> tuple[System, str]:
    """The naive baseline of shared/bench/README.md: per sentence, the first reporting verb is
    the cue, the run of up to four words right before it (or after it, when nothing precedes
    it directly: "..., said Smith"; always after "according to") the source, and the longer
    remaining side of the sentence the content."""
    splitter_name, splitter = load_splitter()

    def baseline(text: str) -> list[Prediction]:
        out = []
        offset = 0
        for line in text.split("\n"):
            if line.strip():
                for s, e in splitter(line):
                    p = baseline_sentence(line[s:e])
                    if p is None:
                        continue
                    base = offset + s
                    shift = lambda sp: (sp[0] + base, sp[1] + base) if sp else None  # noqa: E731
                    out.append(Prediction(shift(p.cue), shift(p.source), shift(p.content)))
            offset += len(line) + 1
        return out

    return baseline, f"sentences: {splitter_name}"


def _parallax_on_path() -> None:
    try:
        import parallax  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(PROJECT_ROOT / "lib"))


def _span_or_none(value: Any) -> Span | None:
    if value is None:
        return None
    start, end = value
    return (int(start), int(end))


def load_parallax() -> tuple[System, str]:
    """``parallax.attribution.attribute_text(text, lang="en")``; raises if not importable."""
    _parallax_on_path()
    from parallax.attribution import attribute_text

    def parallax_system(text: str) -> list[Prediction]:
        out = []
        for a in attribute_text(text, lang="en"):
            cue = _span_or_none(getattr(a, "cue_span", None))
            if cue is None:
                continue
            out.append(
                Prediction(
                    cue,
                    _span_or_none(getattr(a, "source_span", None)),
                    _span_or_none(getattr(a, "content_span", None)),
                )
            )
        return out

    return parallax_system, ""


def systems() -> list[tuple[str, Callable[[], tuple[System, str]]]]:
    """(name, loader) pairs; a loader returns the system and a note for the report."""
    return [("naive baseline", load_baseline), ("parallax", load_parallax)]


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    note: str = ""
    unavailable: str = ""
    articles: int = 0
    gold: int = 0
    predicted: int = 0
    errors: int = 0
    ms_per_article: float = 0.0       # median
    ms_per_article_mean: float = 0.0
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    per_article: dict[str, dict[str, Any]] = field(default_factory=dict)


def clear_caches() -> None:
    """Empty ``parallax.parse.segment.split_sentences``'s cache, so that a system does not run
    faster for splitting the paragraphs another system split before it."""
    segment = sys.modules.get("parallax.parse.segment")
    cache_clear = getattr(getattr(segment, "split_sentences", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


def run_system(name: str, system: System, articles: Sequence[Article]) -> Result:
    """Run ``system`` on every article (timing only its call) and score it; an exception
    counts as no prediction for that article.  Sentence caches are emptied first."""
    clear_caches()
    result = Result(name=name, articles=len(articles))
    all_counts, times = [], []
    for art in articles:
        error = ""
        start = time.perf_counter()
        try:
            pred = system(art.text)
        except Exception as exc:  # noqa: BLE001 - one article must not stop the run
            pred, error = [], f"{type(exc).__name__}: {exc}"
        times.append((time.perf_counter() - start) * 1000)
        counts = score(art.text, pred, art.gold)
        all_counts.append(counts)
        result.gold += len(art.gold)
        result.predicted += len(pred)
        result.errors += bool(error)
        result.per_article[art.name] = {
            "ann": art.ann_file,
            "ms": times[-1],
            "counts": counts,
            **({"error": error} if error else {}),
        }
    result.metrics = aggregate(all_counts)
    result.ms_per_article = statistics.median(times) if times else 0.0
    result.ms_per_article_mean = statistics.fmean(times) if times else 0.0
    return result


def all_annotations(data_dir: Path) -> dict[str, list[Path]]:
    """Article name -> every .ann file of it, sorted."""
    by_name: dict[str, list[Path]] = {}
    for ann in sorted((data_dir / "attributions").glob("*.ann")):
        by_name.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    return by_name


def human_agreement(data_dirs: Sequence[Path]) -> Result:
    """The metric applied to people: on every article two annotators annotated, the second
    annotator's attributions (sorted .ann order) scored as predictions against the first's, the gold
    every system is scored against.  A discontinuous content becomes one span from its first piece's
    start to its last piece's end (what a system's single span can do)."""
    result = Result(name="second annotator", note="")
    all_counts = []
    for data_dir in data_dirs:
        if not (data_dir / "attributions").is_dir():
            continue
        for name, anns in all_annotations(data_dir).items():
            if len(anns) < 2:
                continue
            text = read_text(data_dir / "text" / f"{name}.txt")
            gold = load_gold(read_text(anns[0]))
            pred = [Prediction(g.cue, g.source, (g.content[0][0], g.content[-1][1])) for g in load_gold(read_text(anns[1]))]
            all_counts.append(score(text, pred, gold))
            result.articles += 1
            result.gold += len(gold)
            result.predicted += len(pred)
    result.metrics = aggregate(all_counts)
    result.note = (f"{result.articles} PolNeAR articles (train and dev) that two people annotated: the ceiling "
                   "the data sets for any system scored against one annotator")
    return result


def format_table(results: Sequence[Result]) -> str:
    """Markdown table: lenient then strict P/R/F1 of cue, source, content, then counts."""
    head = ["system"]
    for mode in ("L", "S"):
        for part in ("cue", "src", "content"):
            head += [f"{mode} {part} P", f"{mode} {part} R", f"{mode} {part} F1"]
    head += ["articles", "gold", "predicted", "ms/article"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if r.unavailable or not r.metrics:
            if not r.unavailable:
                continue
            lines.append(f"| {r.name}: not importable ({r.unavailable}) |" + " |" * (len(head) - 1))
            continue
        cells = [r.name]
        for mode in MODES:
            for part in PARTS:
                m = r.metrics[f"{part}_{mode}"]
                cells += [f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}"]
        errors = f" ({r.errors} errors)" if r.errors else ""
        ms = f"{r.ms_per_article:.1f}" if r.ms_per_article else ""
        cells += [str(r.articles), str(r.gold), f"{r.predicted}{errors}", ms]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def error_summary(results: Sequence[Result]) -> list[str]:
    lines = []
    for r in results:
        counts = Counter(a["error"].splitlines()[0] for a in r.per_article.values() if a.get("error"))
        lines += [f"{r.name} error on {n} article(s): {msg}" for msg, n in counts.most_common()]
    if lines:
        lines.insert(0, "\nerrors (counted as no predictions):")
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLIT_DIRS), default="dev", help="PolNeAR split (default: dev)")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"data folder with text/ and attributions/ (default: {SHARED_BENCH}/attribution-polnear-<split>)",
    )
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--json", type=Path, default=None, help="also write results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir: Path = (args.data or SHARED_BENCH / SPLIT_DIRS[args.split]).resolve()
    if not (data_dir / "text").is_dir() or not (data_dir / "attributions").is_dir():
        print(f"skipped: attribution benchmark data not found at {data_dir} (see shared/bench/README.md)")
        return 0
    if args.limit is not None and args.limit < 1:
        print("--limit must be a positive number", file=sys.stderr)
        return 2

    articles = load_articles(data_dir, args.limit)
    print(f"data: {data_dir}")
    print(f"articles: {len(articles)}, gold attributions: {sum(len(a.gold) for a in articles)}")

    results: list[Result] = []
    for name, load in systems():
        try:
            system, note = load()
        except Exception as exc:  # noqa: BLE001 - report and keep going
            results.append(Result(name=name, unavailable=f"{type(exc).__name__}: {exc}"))
            continue
        result = run_system(name, system, articles)
        result.note = note
        results.append(result)
    if args.data is None:
        results.append(human_agreement([SHARED_BENCH / d for d in sorted(SPLIT_DIRS.values())]))

    print()
    print("L = lenient (token F1 >= 0.5), S = strict (same span after trimming punctuation and white space);")
    print("cue spans matched one-to-one, largest overlap first; micro-averaged over articles; ms = median.")
    print()
    print(format_table(results))
    for r in results:
        if r.note:
            print(f"{r.name}: {r.note}")
    for line in error_summary(results):
        print(line)

    if args.json is not None:
        payload = {
            "data": str(data_dir),
            "articles": [{"name": a.name, "ann": a.ann_file, "gold": len(a.gold)} for a in articles],
            "results": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
