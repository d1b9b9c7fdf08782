#!/usr/bin/env python3
"""``parallax discover`` on BASIL: does it find a triplet's two other versions from one of them?

Each of BASIL's 270 articles (``../shared/bench/basil``) is the seed in turn, as a saved page. The
candidates are all 270 articles as three outlets' RSS feeds list them (title, first paragraph, date),
built here and served with the articles' pages on 127.0.0.1; an outlets file names the three feeds.
Discovery runs as a user runs it (``parallax.discover``: the feeds read and parsed, stage 1, the
shortlisted pages fetched and their ledes read, one version per outlet), with no window and with a
3-day window. Reported: precision and recall of the versions found over all seeds, and seconds a
seed. How often nothing is chosen for an outlet whose version is absent is measured by
``bench/train_discover.py`` (cross-validated).

The model was fitted on these triplets (``bench/train_discover.py``, which also prints its 5-fold
cross-validation by triplet): these figures are in-sample; the cross-validated ones are the estimate.

Usage::

    python bench/discover.py [--seeds N] [--no-pages]
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import threading
import time
from datetime import timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "bench"))

from train_discover import BASIL, OUTLETS, articles, description, when  # noqa: E402

from parallax.acquire.fetch import FetchSettings  # noqa: E402
from parallax.discover.find import discover  # noqa: E402
from parallax.discover.outlets import load_outlets  # noqa: E402
from parallax.discover.seed import read_seed  # noqa: E402

KEYS = {name: key for key, name in OUTLETS.items()}


def page(a: dict, url: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in a["paragraphs"])
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(a['title'])}</title>"
            f"<link rel=canonical href=\"{url}\"><meta property=\"article:published_time\" "
            f"content=\"{when(a['date']).isoformat()}\"></head><body><article><h1>{html.escape(a['title'])}</h1>\n"
            f"{body}</article></body></html>")


def feed(items: list[tuple[dict, str]], outlet: str) -> str:
    entries = "".join(
        f"<item><title>{html.escape(a['title'])}</title><link>{html.escape(url)}</link>"
        f"<description>{html.escape(description(a['paragraphs']))}</description>"
        f"<pubDate>{format_datetime(when(a['date']))}</pubDate></item>\n" for a, url in items)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{outlet}</title>"
            f"<link>http://example.test/</link><description>{outlet}</description>\n{entries}</channel></rss>")


def build(folder: Path, arts: list[dict], base: str) -> tuple[Path, dict[str, str]]:
    """Pages, feeds and an outlets file in ``folder``; returns the outlets file and each article's URL."""
    urls = {}
    for key in OUTLETS:
        (folder / key).mkdir(parents=True, exist_ok=True)
    for a in arts:
        key = KEYS[a["outlet"]]
        url = f"{base}/{key}/{a['id']}.html"
        urls[a["id"]] = url
        (folder / key / f"{a['id']}.html").write_text(page(a, url), encoding="utf-8")
    lines = []
    for key, name in OUTLETS.items():
        items = [(a, urls[a["id"]]) for a in arts if a["outlet"] == name]
        (folder / key / "feed.xml").write_text(feed(items, name), encoding="utf-8")
        lines += [f"- name: {name}", f"  homepage: {base}/{key}/", f"  feeds: [{base}/{key}/feed.xml]"]
    outlets = folder / "outlets.yaml"
    outlets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return outlets, urls


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=0, help="only the first N seeds (default: all 270)")
    parser.add_argument("--no-pages", action="store_true", help="judge by the feeds alone (no page fetched)")
    args = parser.parse_args()
    if not BASIL.is_dir():
        print(f"skip: {BASIL} not found (BASIL triplets, see ../shared/bench/README.md)")
        return 0
    arts = articles()
    seeds = arts[:args.seeds] if args.seeds else arts
    settings = FetchSettings(delay=0.0, per_host=8, robots=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server, base = serve(folder)
        # the server's port is known once it listens, so the files are written after
        outlets_file, urls = build(folder, arts, base)
        outlets = load_outlets(outlets_file)
        by_url = {urls[a["id"]]: a for a in arts}
        rows = []
        for window in (None, 3.0):
            tp = fp = fn = 0
            started = time.monotonic()
            for a in seeds:
                seed = read_seed(str(folder / KEYS[a["outlet"]] / f"{a['id']}.html"), outlets, settings,
                                 outlet=a["outlet"])
                found = discover(seed, outlets, ["feeds"], timedelta(days=window) if window else None,
                                 settings=settings, read_pages=not args.no_pages)
                hits = sum(by_url[j.candidate.url]["triplet"] == a["triplet"] for j in found.chosen)
                truth = sum(b["triplet"] == a["triplet"] for b in arts) - 1
                tp, fp, fn = tp + hits, fp + len(found.chosen) - hits, fn + truth - hits
            seconds = (time.monotonic() - started) / len(seeds)
            rows.append((window, tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp, fp, fn, seconds))
        server.shutdown()
    print(f"BASIL discovery, {len(seeds)} seeds, candidates: 3 RSS feeds of {len(arts)} items on 127.0.0.1, "
          f"pages {'not read' if args.no_pages else 'read'} (in-sample: the model was fitted on these triplets)")
    print("| window | precision | recall | tp | fp | fn | s a seed |")
    print("|---|---|---|---|---|---|---|")
    for window, p, r, tp, fp, fn, s in rows:
        print(f"| {'none' if window is None else f'{window:g} days'} | {p:.3f} | {r:.3f} | {tp} | {fp} | {fn} | {s:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
