"""One discovery: ask the sources, read the listings, read the best ledes, choose one version per outlet."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from parallax.acquire.fetch import FetchSettings, SnapshotCache, fetch_url
from parallax.acquire.polite import Politeness
from parallax.discover.match import Candidate, Judged, Model, Seed, choose, lede_sentences, lede_signal, model, signals
from parallax.discover.outlets import OutletEntry
from parallax.discover.sources import SOURCES, Context, SourceError
from parallax.errors import OutletError

_TRACKING = ("utm_", "fbclid", "gclid", "cmpid", "ocid", "smid", "ref")
MAX_CANDIDATES = 20_000   # compared at once (40 outlets' feeds and sitemaps hold a few thousand); the newest are kept


@dataclass
class SourceReport:
    """What one source gave: how many candidates, or why it gave none."""

    name: str
    candidates: int = 0
    error: str = ""
    seconds: float = 0.0


@dataclass
class Discovery:
    """Everything a discovery found and decided."""

    seed: Seed
    judged: list[Judged]                 # every candidate considered, with its decision and reason
    chosen: list[Judged]                 # the accepted ones, best first
    reports: list[SourceReport]
    notes: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    seed_from: Judged | None = None      # for a query seed: the result read as the seed article


def normalise_url(url: str) -> str:
    """``url`` without its fragment and tracking parameters (``utm_*``, ``fbclid``...), for finding duplicates."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), ""))


def window_of(seed: Seed, window: timedelta | None, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """The dates candidates must fall in: the seed's date ± ``window``; for a query or an undated seed,
    the last ``window`` up to now."""
    if window is None:
        return None, None
    if seed.published is not None and not seed.query:
        return seed.published - window, seed.published + window
    now = now or datetime.now(timezone.utc)
    return now - window, now


def ask_sources(seed: Seed, names: Sequence[str], ctx: Context) -> tuple[list[Candidate], list[SourceReport]]:
    """Every named source's candidates, the sources asked at once; one that fails is reported, not raised."""
    def one(name: str) -> tuple[list[Candidate], SourceReport]:
        started = time.monotonic()
        try:
            found = SOURCES[name]().search(seed, ctx)
            return found, SourceReport(name, len(found), seconds=time.monotonic() - started)
        except SourceError as exc:
            return [], SourceReport(name, error=str(exc), seconds=time.monotonic() - started)
        except Exception as exc:  # a bug in one source costs that source
            return [], SourceReport(name, error=f"{name}: internal error ({exc.__class__.__name__}: {exc})",
                                    seconds=time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        results = list(pool.map(one, names))
    found = [c for cands, _ in results for c in cands]
    return found, [r for _, r in results]


def dedupe(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per page: the first, with the longest description and a date any of them gave."""
    seen: dict[str, Candidate] = {}
    for c in candidates:
        key = normalise_url(c.url)
        old = seen.get(key)
        if old is None:
            seen[key] = c
            continue
        seen[key] = replace(old, description=max(old.description, c.description, key=len),
                            published=old.published or c.published,
                            source=old.source if c.source in old.source.split("+") else f"{old.source}+{c.source}")
    return list(seen.values())


def discover(seed: Seed, outlets: Sequence[OutletEntry], sources: Sequence[str], window: timedelta | None = timedelta(days=3),
             most: int | None = None, settings: FetchSettings = FetchSettings(), cache: SnapshotCache | None = None,
             read_pages: bool = True, gdelt_url: str = "", found: Sequence[Candidate] | None = None,
             the_model: Model | None = None, now: datetime | None = None) -> Discovery:
    """Find the other outlets' versions of ``seed``.

    ``found`` replaces asking the sources (a benchmark's candidates). With ``read_pages`` the shortlisted
    candidates' pages are fetched (politely, and cached for ``parallax run``) and their first sentences
    read; otherwise, or when a page cannot be read, their descriptions stand in for the lede.
    """
    m = the_model or model()
    polite = settings.politeness()
    since, until = window_of(seed, window, now)
    ctx = Context(outlets, since, until, settings, polite, gdelt_url)
    if found is None:
        raw, reports = ask_sources(seed, sources, ctx)
    else:
        raw, reports = list(found), [SourceReport("given", len(found))]
    candidates = [c for c in dedupe(raw) if not seed.url or normalise_url(c.url) != normalise_url(seed.url)]
    judged_out: list[Judged] = []
    kept = []
    for c in candidates:
        if since is not None and c.published is not None and not since <= c.published <= until:
            judged_out.append(Judged(c, {}, reason=f"outside the window ({c.published:%Y-%m-%d}; the window is "
                                                  f"{since:%Y-%m-%d} to {until:%Y-%m-%d})"))
        else:
            kept.append(c)
    if len(kept) > MAX_CANDIDATES:
        kept.sort(key=lambda c: c.published or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
        ctx.notes.append(f"{len(kept):,} candidates: the newest {MAX_CANDIDATES:,} are compared (narrow --window)")
        kept = kept[:MAX_CANDIDATES]
    discovery = Discovery(seed, judged_out, [], reports, ctx.notes, since, until)
    if since is not None and seed.published is None and not seed.query:
        ctx.notes.append(f"the seed page gives no date: the window is {since:%Y-%m-%d} to {until:%Y-%m-%d} (up to now); "
                         "use --window none for an older story")
    if seed.query and kept:
        seed, kept = _seed_from_query(seed, kept, m, settings, polite, cache, read_pages, discovery)
        discovery.seed = seed
    judged = signals(seed, kept)
    _confirm(seed, judged, m, settings, polite, cache, read_pages)
    discovery.chosen = choose(judged, m, seed.outlet, most)
    discovery.judged = ([discovery.seed_from] if discovery.seed_from else []) + judged + judged_out
    return discovery


def _seed_from_query(seed: Seed, kept: list[Candidate], m: Model, settings: FetchSettings, polite: Politeness,
                     cache: SnapshotCache | None, read_pages: bool, discovery: Discovery) -> tuple[Seed, list[Candidate]]:
    """A query has no lede to compare with: the result closest to it, read, becomes the seed article."""
    ranked = sorted(signals(seed, kept), key=lambda j: -m.listing_probability(j.signals))
    for j in ranked[:3]:
        article = _read(j.candidate, settings, polite, cache) if read_pages else None
        if isinstance(article, str):
            continue
        text = "\n\n".join(article.paragraphs) if article is not None else j.candidate.description
        published = j.candidate.published
        new = Seed(j.candidate.title, text, published, j.candidate.outlet, j.candidate.url, "", seed.language)
        j.score, j.accepted = m.listing_probability(j.signals), True
        j.reason = f"chosen as the seed: the result closest to the query {seed.title!r}"
        discovery.seed_from = j
        return new, [c for c in kept if c is not j.candidate]
    return seed, kept


def _confirm(seed: Seed, judged: list[Judged], m: Model, settings: FetchSettings, polite: Politeness,
             cache: SnapshotCache | None, read_pages: bool) -> None:
    """Stage 2: each outlet's ``m.shortlist`` best by the listing get their lede read and their final score;
    the others keep the listing's probability and say so."""
    by_outlet: dict[str, list[Judged]] = {}
    for j in judged:
        j.score = m.listing_probability(j.signals)
        if j.candidate.outlet != seed.outlet:
            by_outlet.setdefault(j.candidate.outlet, []).append(j)
    short: list[Judged] = []
    for outlet, items in by_outlet.items():
        items.sort(key=lambda j: -j.score)
        short += items[:m.shortlist]
        for j in items[m.shortlist:]:
            j.reason = (f"not among {outlet}'s {m.shortlist} closest by title and description "
                        f"(listing score {j.score:.2f})")
    articles: list = [None] * len(short)
    if read_pages and short:
        with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(short)))) as pool:
            articles = list(pool.map(lambda j: _read(j.candidate, settings, polite, cache), short))
    seed_lede = lede_sentences(seed.lede, seed.language)
    for j, article in zip(short, articles):
        if isinstance(article, str):
            j.note = f"page not read ({article}); its description stands in for the lede"
        text = "\n\n".join(article.paragraphs) if article is not None and not isinstance(article, str) else ""
        lede = lede_sentences(text or j.candidate.description or j.candidate.title, seed.language)
        j.signals["lede"] = lede_signal(seed_lede, lede, seed.language)
        j.confirmed = True
        j.score = m.probability(j.signals)


def _read(c: Candidate, settings: FetchSettings, polite: Politeness, cache: SnapshotCache | None):  # type: ignore[no-untyped-def]
    """The candidate's article, or why it could not be read (a string)."""
    from parallax.extract.extractors import extract_snapshot

    try:
        snapshot = cache.get(c.url) if cache is not None else None
        if snapshot is None:
            with requests.Session() as session:
                snapshot = fetch_url(c.url, c.outlet, settings, session, polite=polite)
            if cache is not None:
                try:
                    cache.put(snapshot)
                except OSError:
                    pass
        return extract_snapshot(snapshot, c.outlet, c.outlet)
    except OutletError as exc:
        return exc.problem
