"""One discovery: ask the sources, read the listings, read the best ledes, choose one version per outlet."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from parallax.acquire import snapshot as snap
from parallax.acquire.fetch import FetchSettings, SnapshotCache, fetch_url, get_snapshot
from parallax.acquire.polite import Politeness
from parallax.discover.match import (Candidate, Judged, Model, Seed, _terms, choose, lede_sentences, lede_signal,
                                     model, signals)
from parallax.discover.outlets import OutletEntry, is_web
from parallax.discover.sources import SOURCES, Context, SourceError, closest
from parallax.errors import OutletError
from parallax.spec import Outlet

_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "cmpid", "ocid", "smid", "smtyp",
             "ref", "ref_src", "ref_url", "_ga"}   # and every utm_* parameter
MAX_CANDIDATES = 20_000   # compared at once (40 outlets' feeds and sitemaps hold a few thousand); the closest in date are kept


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


def _tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in _TRACKING


def clean_url(url: str) -> str:
    """``url`` without its fragment and tracking parameters (``utm_*``, ``fbclid``...): the address written
    in the spec. The query is rebuilt only when a tracking parameter is dropped."""
    parts = urlsplit(url.strip())
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not _tracking(k)]) if any(_tracking(k) for k, _ in pairs) else parts.query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def normalise_url(url: str) -> str:
    """:func:`clean_url` with the scheme and host lowercased, for finding duplicates."""
    parts = urlsplit(clean_url(url))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def window_of(seed: Seed, window: timedelta | None, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """The dates candidates must fall in: the seed's date ± ``window``; for a query or an undated seed,
    the last ``window`` up to now."""
    if window is None:
        return None, None
    if seed.published is not None and not seed.query:
        try:
            return seed.published - window, seed.published + window
        except OverflowError:   # a date at the calendar's end: as if undated
            pass
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
    """One candidate per page: the first, with the longest description and a date any of them gave, and
    its address without tracking parameters."""
    seen: dict[str, Candidate] = {}
    for c in candidates:
        key = normalise_url(c.url)
        old = seen.get(key)
        if old is None:
            seen[key] = replace(c, url=clean_url(c.url))
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
    ctx = Context(outlets, since, until, settings, polite, gdelt_url, centre=None if seed.query else seed.published)
    if found is None:
        raw, reports = ask_sources(seed, sources, ctx)
    else:
        raw, reports = list(found), [SourceReport("given", len(found))]
    unusable = [c for c in raw if not is_web(c.url)]
    if unusable:
        ctx.notes.append(f"{len(unusable)} candidate(s) without an http(s) address left out (first: "
                         f"{unusable[0].outlet}: {unusable[0].url[:80]!r})")
    candidates = dedupe([c for c in raw if is_web(c.url)])
    if not seed.query and not seed.outlet:
        seed = _seed_outlet_from(seed, candidates, ctx.notes)
    candidates = [c for c in candidates if not seed.url or normalise_url(c.url) != normalise_url(seed.url)]
    judged_out: list[Judged] = []
    kept = []
    for c in candidates:
        if since is not None and c.published is not None and not since <= c.published <= until:
            judged_out.append(Judged(c, {}, reason=f"outside the window ({c.published:%Y-%m-%d}; the window is "
                                                  f"{since:%Y-%m-%d} to {until:%Y-%m-%d})"))
        else:
            kept.append(c)
    kept = closest(kept, ctx, "all sources (narrow --window)", MAX_CANDIDATES)
    discovery = Discovery(seed, judged_out, [], reports, ctx.notes, since, until)
    if since is not None and seed.published is None and not seed.query:
        ctx.notes.append(f"the seed page gives no date: the window is {since:%Y-%m-%d} to {until:%Y-%m-%d} (up to now); "
                         "use --window none for an older story")
    if seed.query and kept:
        seed, kept = _seed_from_query(seed, kept, m, settings, polite, cache, read_pages, discovery)
        discovery.seed = seed
    if seed.query:   # no result carries the query's words: nothing to compare with
        discovery.judged = [Judged(c, {}, reason=f"does not carry half the words of the query {seed.title!r}")
                            for c in kept] + judged_out
        return discovery
    judged = signals(seed, kept)
    _confirm(seed, judged, m, settings, polite, cache, read_pages)
    discovery.chosen = choose(judged, m, seed.outlet, most)
    discovery.judged = ([discovery.seed_from] if discovery.seed_from else []) + judged + judged_out
    return discovery


def _seed_outlet_from(seed: Seed, candidates: Sequence[Candidate], notes: list[str]) -> Seed:
    """A seed whose outlet is not known (a saved page naming neither its address nor its site): the
    outlet of the one candidate with the seed's very title is taken for it, since its own pages are not
    versions of it; otherwise a note says so."""
    title = " ".join(seed.title.casefold().split())
    same = {c.outlet: c for c in candidates if " ".join(c.title.casefold().split()) == title}
    if len(same) == 1:
        c = next(iter(same.values()))
        notes.append(f"the seed page names no outlet: taken to be {c.outlet}'s {c.url} (the same title); "
                     "give --seed-outlet if it is not")
        return replace(seed, outlet=c.outlet, url=seed.url or c.url)
    notes.append("the seed page names no outlet" + (f" and {len(same)} outlets carry its title" if same else "")
                 + ": its own outlet's pages may be proposed as versions; give --seed-outlet")
    return seed


def _seed_from_query(seed: Seed, kept: list[Candidate], m: Model, settings: FetchSettings, polite: Politeness,
                     cache: SnapshotCache | None, read_pages: bool, discovery: Discovery) -> tuple[Seed, list[Candidate]]:
    """A query has no lede to compare with: the result closest to it, read, becomes the seed article."""
    ranked = sorted((j for j in signals(seed, kept) if _answers(seed, j.candidate)),
                    key=lambda j: -m.listing_probability(j.signals))
    for j in ranked[:3]:
        article = _read(j.candidate, settings, polite, cache) if read_pages else None
        if isinstance(article, str):
            continue
        text = article.text if article is not None else j.candidate.description
        published = j.candidate.published
        new = Seed(j.candidate.title, text, published, j.candidate.outlet, j.candidate.url, "", seed.language)
        j.score, j.accepted = m.listing_probability(j.signals), True
        j.reason = f"chosen as the seed: the result closest to the query {seed.title!r}"
        discovery.seed_from = j
        return new, [c for c in kept if c is not j.candidate]
    return seed, kept


QUERY_SHARE = 0.5   # of a query's words a result must carry (stemmed) to become the seed


def _answers(query: Seed, c: Candidate) -> bool:
    """Whether ``c``'s title and description carry at least :data:`QUERY_SHARE` of the query's words."""
    wanted = set(_terms(query.title, query.language))
    have = set(_terms(f"{c.title} {c.description}", query.language))
    return bool(wanted) and len(wanted & have) >= QUERY_SHARE * len(wanted)


def _confirm(seed: Seed, judged: list[Judged], m: Model, settings: FetchSettings, polite: Politeness,
             cache: SnapshotCache | None, read_pages: bool) -> None:
    """Stage 2: each outlet's ``m.shortlist`` best by the listing get their lede read and their final score;
    the others keep the listing's probability and say so."""
    by_outlet: dict[str, list[Judged]] = {}
    for j in judged:
        j.score = m.listing_probability(j.signals)
        if j.candidate.outlet.casefold() != seed.outlet.casefold():
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
        text = article.text if article is not None and not isinstance(article, str) else ""
        lede = lede_sentences(text or j.candidate.description or j.candidate.title, seed.language)
        j.signals["lede"] = lede_signal(seed_lede, lede, seed.language)
        j.confirmed = True
        j.score = m.probability(j.signals)


def _read(c: Candidate, settings: FetchSettings, polite: Politeness, cache: SnapshotCache | None):  # type: ignore[no-untyped-def]
    """The candidate's article, or why it could not be read (a string)."""
    from parallax.extract.extractors import extract_snapshot

    try:
        return extract_snapshot(fetch_page(c.url, c.outlet, settings, polite, cache), c.outlet, c.outlet)
    except OutletError as exc:
        return exc.problem


def fetch_page(url: str, name: str, settings: FetchSettings, polite: Politeness | None,
               cache: SnapshotCache | None) -> snap.Snapshot:
    """A page, fetched as ``parallax run`` fetches it (:func:`~parallax.acquire.fetch.get_snapshot`: a
    conditional request when the cache holds it, the answer cached for ``run``); without a cache, fetched.

    Raises:
        FetchError: naming ``name``, the URL and what to do.
    """
    if cache is None:
        with requests.Session() as session:
            return fetch_url(url, name, settings, session, polite=polite)
    return get_snapshot(Outlet(key=name, name=name, url=url), cache, settings=settings, polite=polite)
