#!/usr/bin/env python3
"""Article body extraction benchmark: Parallax against trafilatura and newspaper4k.

Data: the scrapinghub article-extraction-benchmark pages (181 news pages) kept outside the
project at ``<project root>/../shared/bench/extraction`` (see ``shared/bench/README.md``):
``html/<id>.html.gz`` and ``ground-truth.json`` (``{id: {"articleBody": ..., "url": ...}}``).

Metric (the benchmark's own, as in its ``evaluate.py``): texts are split into ``\\w+`` tokens,
turned into a multiset of overlapping 4-token shingles, and each page gets TP/FP/FN counts
normalised to sum to 1.  Precision is averaged over pages whose prediction has at least one
shingle, recall over pages whose truth has at least one shingle (every page of this data set),
and F1 is the harmonic mean of the two averages.  Empty outputs and the median wall time of
the extractor call are reported as well.

Usage::

    python bench/extraction.py [--data DIR] [--limit N] [--json PATH]

Everything runs offline: socket connections are refused while the extractors run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import socket
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "bench" / "extraction"

NGRAM_N = 4
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)

#: Normalised (tp, fp, fn) of one page; all zero when both texts have no tokens.
Score = tuple[float, float, float]
#: An extractor takes (html, url) and returns the article text ("" or None when nothing found).
Extractor = Callable[[str, str], "str | None"]


# --------------------------------------------------------------------------------------
# Metric
# --------------------------------------------------------------------------------------


def tokenize(text: str | None) -> list[str]:
    """Split ``text`` into ``\\w+`` tokens (Unicode aware, case kept)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Return the multiset of overlapping ``n``-token shingles of ``text``.

    As in the benchmark's ``evaluate.py``, a text with fewer than ``n`` tokens (but at least
    one) yields a single shorter shingle holding all its tokens, and an empty text none.
    """
    tokens = tokenize(text)
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def score(pred: str | None, truth: str | None) -> Score:
    """Score one page: shingle TP, FP and FN normalised to sum to 1.

    ``TP`` is the size of the multiset intersection of predicted and true shingles,
    ``FP = |pred| - TP`` and ``FN = |truth| - TP``.  When both texts have no shingles the
    result is ``(0.0, 0.0, 0.0)`` and the page drops out of both averages (see
    :func:`aggregate`).
    """
    pred_sh, true_sh = shingles(pred), shingles(truth)
    tp = float(sum((pred_sh & true_sh).values()))
    fp = float(sum(pred_sh.values())) - tp
    fn = float(sum(true_sh.values())) - tp
    total = tp + fp + fn
    if total == 0:
        return (0.0, 0.0, 0.0)
    return (tp / total, fp / total, fn / total)


def page_precision(tp: float, fp: float, fn: float) -> float:
    """Precision of one normalised page score (1 for a perfect page)."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def page_recall(tp: float, fp: float, fn: float) -> float:
    """Recall of one normalised page score (1 for a perfect page)."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def aggregate(scores: Sequence[Score]) -> dict[str, float]:
    """Average page scores into ``{"f1", "precision", "recall"}``.

    Precision is the mean over pages with a non-empty prediction (``tp + fp > 0``); recall the
    mean over pages with a non-empty truth (``tp + fn > 0``), so an empty prediction adds 0 to
    recall and nothing to precision.  F1 is the harmonic mean of the two means.  A mean over
    no pages is taken as 0.
    """
    precisions = [page_precision(*s) for s in scores if s[0] + s[1] > 0]
    recalls = [page_recall(*s) for s in scores if s[0] + s[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One benchmark page: decoded HTML, its URL and the true article body."""

    id: str
    url: str
    html: str
    truth: str


def decode_html(raw: bytes) -> str:
    """Decode page bytes: UTF-8 first, then charset detection, then UTF-8 with replacement."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None:
            return str(best)
    except ImportError:
        pass
    return raw.decode("utf-8", errors="replace")


def load_pages(data_dir: Path, limit: int | None = None) -> list[Page]:
    """Load the ground truth and the gzipped pages (sorted by id, first ``limit`` only)."""
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    if limit is not None:
        ids = ids[:limit]
    pages = []
    for page_id in ids:
        raw = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        item = truth[page_id]
        pages.append(
            Page(
                id=page_id,
                url=item.get("url") or "",
                html=decode_html(raw),
                truth=item.get("articleBody") or "",
            )
        )
    return pages


# --------------------------------------------------------------------------------------
# Extractors
# --------------------------------------------------------------------------------------


def load_trafilatura() -> Extractor:
    """trafilatura alone, library defaults except ``include_comments=False``."""
    import trafilatura

    def extract_trafilatura(html: str, url: str) -> str | None:
        return trafilatura.extract(html, url=url, include_comments=False)

    return extract_trafilatura


def load_newspaper() -> Extractor:
    """newspaper4k alone, parsing the given HTML (no download), ``fetch_images=False``."""
    import newspaper

    def extract_newspaper(html: str, url: str) -> str | None:
        article = newspaper.Article(url, fetch_images=False)
        article.download(input_html=html)
        article.parse()
        return article.text

    return extract_newspaper


def load_parallax() -> Extractor:
    """Parallax: ``extract_html(html, url=url).text``; raises if it cannot be imported.

    ``<project root>/lib`` is put on ``sys.path`` when ``parallax`` is not installed.
    """
    try:
        import parallax  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(PROJECT_ROOT / "lib"))
    from parallax.extract.extractors import extract_html

    def extract_parallax(html: str, url: str) -> str | None:
        return extract_html(html, url=url).text

    return extract_parallax


def extractors() -> list[tuple[str, Callable[[], Extractor]]]:
    """Extractors to compare, as (name, loader) pairs.

    A loader imports its library (outside the timed calls) and returns the extractor; the
    name doubles as the distribution name used to report the version.
    """
    return [
        ("trafilatura", load_trafilatura),
        ("newspaper4k", load_newspaper),
        ("parallax", load_parallax),
    ]


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


@contextmanager
def no_network() -> Iterator[None]:
    """Refuse socket connections and DNS look-ups while the block runs."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("network access is disabled during the extraction benchmark")

    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.getaddrinfo = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved  # type: ignore[method-assign,assignment]


@contextmanager
def quiet() -> Iterator[None]:
    """Silence library warnings and log records (errors are reported in the summary)."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)


@dataclass
class Result:
    """Outcome of one extractor over the pages."""

    name: str
    version: str = ""
    f1: float = 0.0
    precision: float = 0.0
    recall: float = 0.0
    empty: int = 0
    errors: int = 0
    ms_per_page: float = 0.0
    unavailable: str = ""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)


def _version(name: str) -> str:
    """Installed distribution version of ``name``, or "" if unknown."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""


def run_extractor(name: str, extract: Extractor, pages: Sequence[Page]) -> Result:
    """Run ``extract`` on every page, timing only the extractor call, and score it.

    An exception counts as an empty output (and as an error).
    """
    result = Result(name=name)
    scores: list[Score] = []
    times: list[float] = []
    for page in pages:
        error = ""
        start = time.perf_counter()
        try:
            text = extract(page.html, page.url)
        except Exception as exc:  # noqa: BLE001 - a failing page must not stop the run
            text, error = "", f"{type(exc).__name__}: {exc}"
        elapsed_ms = (time.perf_counter() - start) * 1000
        text = text or ""
        page_score = score(text, page.truth)
        empty = not tokenize(text)
        scores.append(page_score)
        times.append(elapsed_ms)
        result.empty += empty
        result.errors += bool(error)
        result.pages[page.id] = {
            "tp": page_score[0],
            "fp": page_score[1],
            "fn": page_score[2],
            "empty": empty,
            "ms": elapsed_ms,
            **({"error": error} if error else {}),
        }
    metrics = aggregate(scores)
    result.f1, result.precision, result.recall = (
        metrics["f1"],
        metrics["precision"],
        metrics["recall"],
    )
    result.ms_per_page = statistics.median(times) if times else 0.0
    return result


def format_table(results: Sequence[Result]) -> str:
    """Render results as a Markdown table (unavailable extractors as a note row)."""
    lines = [
        "| extractor | F1 | precision | recall | empty | ms/page |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        label = f"{r.name} {r.version}".strip()
        if r.unavailable:
            lines.append(f"| {r.name}: not importable ({r.unavailable}) | | | | | |")
            continue
        errors = f" ({r.errors} errors)" if r.errors else ""
        lines.append(
            f"| {label} | {r.f1:.3f} | {r.precision:.3f} | {r.recall:.3f} "
            f"| {r.empty}{errors} | {r.ms_per_page:.1f} |"
        )
    return "\n".join(lines)


def error_summary(results: Sequence[Result]) -> list[str]:
    """One line per distinct error (type and first line of its message) with its count."""
    lines = []
    for r in results:
        counts: Counter[str] = Counter()
        for page in r.pages.values():
            if error := page.get("error"):
                kind, _, message = error.partition(": ")
                first = next(
                    (ln.strip() for ln in message.splitlines() if ln.strip().strip("*")), ""
                )
                counts[f"{kind}: {first}" if first else kind] += 1
        lines += [f"{r.name} error on {n} page(s): {msg}" for msg, n in counts.most_common()]
    if lines:
        lines.insert(0, "\nerrors (counted as empty outputs):")
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="benchmark folder with html/ and ground-truth.json (default: %(default)s)",
    )
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pages")
    parser.add_argument("--json", type=Path, default=None, help="also write results as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every extractor on the benchmark pages and print the comparison table."""
    args = parse_args(argv)
    data_dir: Path = args.data.resolve()
    if not (data_dir / "ground-truth.json").is_file() or not (data_dir / "html").is_dir():
        print(
            f"skipped: extraction benchmark data not found at {data_dir} "
            "(see shared/bench/README.md)"
        )
        return 0
    if args.limit is not None and args.limit < 1:
        print("--limit must be a positive number", file=sys.stderr)
        return 2

    pages = load_pages(data_dir, args.limit)
    print(f"data: {data_dir}")
    print(f"pages: {len(pages)}")

    results: list[Result] = []
    for name, load in extractors():
        try:
            extract = load()
        except Exception as exc:  # noqa: BLE001 - report and keep going
            results.append(Result(name=name, unavailable=f"{type(exc).__name__}: {exc}"))
            continue
        with no_network(), quiet():
            result = run_extractor(name, extract, pages)
        result.version = _version(name)
        results.append(result)

    print()
    print(format_table(results))
    for line in error_summary(results):
        print(line)

    if args.json is not None:
        payload = {
            "data": str(data_dir),
            "pages": len(pages),
            "results": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
