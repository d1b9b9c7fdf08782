"""Where candidate versions come from: a registry of sources, each optional and each reported by name.

A source is an object with a ``name`` and ``search(seed, ctx) -> list[Candidate]``; it raises
:class:`SourceError` when it cannot answer at all (a feed of one outlet that fails is a note, not a
failure of the source). :data:`SOURCES` maps names to factories; ``register`` adds one:

- ``feeds``: the outlets' own RSS/Atom feeds (feedparser) and news sitemaps (ultimate-sitemap-parser),
  from the outlets file;
- ``gdelt``: GDELT's DOC 2.0 article search (no key; ``$PARALLAX_GDELT_URL`` or ``--gdelt-url`` for
  another base URL);
- ``mediacloud``: Media Cloud's search API through its official client (``pip install mediacloud``),
  when ``$MEDIACLOUD_API_KEY`` is set (``$MEDIACLOUD_COLLECTIONS``: comma-separated collection ids to search,
  default all; ``$MEDIACLOUD_BASE_URL`` for another server).

Every request goes through :func:`parallax.acquire.fetch.fetch_data` (robots.txt, per-site limits,
the User-Agent, the size cap), except Media Cloud's client, which keeps its own rate limit.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from calendar import timegm
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol, Sequence

import requests

from parallax.acquire.fetch import FetchSettings, fetch_data
from parallax.acquire.polite import Politeness
from parallax.discover.match import Candidate, Seed, _names, _terms
from parallax.discover.outlets import OutletEntry, outlet_for, site_name
from parallax.errors import FetchError, ParallaxError

GDELT_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_ITEMS = 2_000          # candidates one source may give (a feed or sitemap holds tens to a few thousand)
SUB_SITEMAPS = 3           # sitemaps of an index read, news ones first
QUERY_TERMS = 6            # words of a search query built from the seed


class SourceError(ParallaxError):
    """A source that could not answer at all: says which and why."""

    def __init__(self, source: str, problem: str, fix: str = "") -> None:
        self.source, self.problem, self.fix = source, problem, fix
        super().__init__(f"{source}: {problem}" + (f"; {fix}" if fix else ""))


@dataclass
class Context:
    """What sources share: the outlets, the window, polite fetching."""

    outlets: Sequence[OutletEntry]
    since: datetime | None = None
    until: datetime | None = None
    settings: FetchSettings = field(default_factory=FetchSettings)
    polite: Politeness | None = None
    gdelt_url: str = ""
    notes: list[str] = field(default_factory=list)   # what went wrong short of failing (one outlet's feed)

    def name_of(self, url: str) -> str:
        entry = outlet_for(url, self.outlets)
        return entry.name if entry else site_name(url)


class Source(Protocol):
    name: str

    def search(self, seed: Seed, ctx: Context) -> list[Candidate]: ...


SOURCES: dict[str, Callable[[], "Source"]] = {}


def register(name: str, factory: Callable[[], "Source"]) -> None:
    """Add a source under ``name`` (a factory called once per discovery)."""
    SOURCES[name] = factory


def query_for(seed: Seed, most: int = QUERY_TERMS) -> str:
    """Search words for the seed: a query seed as typed; else the names of its title and lede, then its
    title's other words, at most ``most``."""
    if seed.query:
        return seed.title
    words: list[str] = []
    names = _names(f"{seed.title}\n{seed.lede[:600]}")
    for w in re.findall(r"[^\W_][\w'’-]*", seed.title):
        folded = w.casefold()
        if folded in names and folded not in words and len(folded) > 2:
            words.append(folded)
    terms = set(_terms(seed.title, seed.language))
    for w in re.findall(r"[^\W\d_][\w'’-]*", seed.title):
        if len(words) >= most:
            break
        folded = w.casefold()
        if folded not in words and len(folded) > 3 and any(t in folded for t in terms):
            words.append(folded)
    return " ".join(words[:most]) or seed.title


# ---------------------------------------------------------------- feeds and sitemaps

class FeedSource:
    """The outlets' RSS/Atom feeds and news sitemaps."""

    name = "feeds"

    def search(self, seed: Seed, ctx: Context) -> list[Candidate]:
        jobs = [(o, "feed", u) for o in ctx.outlets for u in o.feeds]
        jobs += [(o, "sitemap", u) for o in ctx.outlets for u in o.sitemaps]
        if not jobs:
            raise SourceError(self.name, "the outlets file lists no feeds or sitemaps", "add 'feeds:' or 'sitemaps:'")
        polite = ctx.polite or ctx.settings.politeness()
        with ThreadPoolExecutor(max_workers=max(1, min(ctx.settings.workers, len(jobs)))) as pool:
            results = list(pool.map(lambda job: self._one(*job, ctx, polite), jobs))
        out: list[Candidate] = []
        failed = []
        for (outlet, kind, url), result in zip(jobs, results):
            if isinstance(result, Exception):
                failed.append(f"{outlet.name}'s {kind} {url}: {getattr(result, 'problem', result)}")
            else:
                out += result
        ctx.notes += [f"{self.name}: {f}" for f in failed]
        if len(failed) == len(jobs):
            raise SourceError(self.name, f"none of the {len(jobs)} feeds and sitemaps could be read "
                              f"(first: {failed[0]})", "check your connection and the outlets file")
        return out

    def _one(self, outlet: OutletEntry, kind: str, url: str, ctx: Context,
             polite: Politeness) -> list[Candidate] | Exception:
        try:
            with requests.Session() as session:
                body = fetch_data(url, outlet.name, ctx.settings, session, polite)
                if kind == "feed":
                    return read_feed(body, outlet.name, ctx)[:MAX_ITEMS]
                return read_sitemap(body, outlet.name, ctx, lambda u: fetch_data(u, outlet.name, ctx.settings,
                                                                                  session, polite))[:MAX_ITEMS]
        except (FetchError, SourceError) as exc:
            return exc
        except Exception as exc:  # a malformed feed costs that feed, not the discovery
            return SourceError(url, f"could not be read ({exc.__class__.__name__}: {exc})")


def read_feed(body: bytes, outlet: str, ctx: Context | None = None) -> list[Candidate]:
    """The items of an RSS or Atom feed (feedparser) as candidates of ``outlet``."""
    import feedparser

    parsed = feedparser.parse(body)
    if not parsed.entries and not parsed.get("version"):
        why = parsed.get("bozo_exception")
        raise SourceError(outlet, "not a feed (neither RSS nor Atom" + (f": {why}" if why else "") + ")",
                          "check the feed's address in the outlets file")
    out = []
    for e in parsed.entries:
        link, title = e.get("link", ""), _plain(e.get("title", ""))
        if not link or not title:
            continue
        when = e.get("published_parsed") or e.get("updated_parsed")
        published = datetime.fromtimestamp(timegm(when), tz=timezone.utc) if when else None
        out.append(Candidate(outlet, link, title, _plain(e.get("summary", "")), published, "feeds"))
    return out


def read_sitemap(body: bytes, outlet: str, ctx: Context | None = None,
                 fetch: Callable[[str], bytes] | None = None, depth: int = 0) -> list[Candidate]:
    """The pages of a sitemap (ultimate-sitemap-parser) as candidates of ``outlet``: a news sitemap's
    titles and dates; an index's news sitemaps (at most :data:`SUB_SITEMAPS`) read through ``fetch``."""
    from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
    from usp.tree import sitemap_from_str

    tree = sitemap_from_str(body.decode("utf-8", errors="replace"))
    if isinstance(tree, InvalidSitemap):
        raise SourceError(outlet, f"not a sitemap ({tree.reason})")
    if isinstance(tree, AbstractIndexSitemap):
        if fetch is None or depth >= 2:
            return []
        subs = sorted((s.url for s in tree.sub_sitemaps), key=lambda u: "news" not in u.lower())[:SUB_SITEMAPS]
        out = []
        for url in subs:
            out += read_sitemap(fetch(url), outlet, ctx, fetch, depth + 1)
        return out
    out = []
    for page in tree.all_pages():
        story = page.news_story
        title = _plain(story.title) if story and story.title else ""
        published = (story.publish_date if story else None) or page.last_modified
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=timezone.utc)
        if not title:
            title = _title_from_url(page.url)   # a plain sitemap: the URL's words are all there is
        keywords = ", ".join(story.keywords or []) if story else ""
        out.append(Candidate(outlet, page.url, title, keywords, published, "feeds"))
    return out


def _title_from_url(url: str) -> str:
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.\w{2,5}$", "", slug)
    return " ".join(w for w in re.split(r"[-_]+", slug) if w and not w.isdigit())


def _plain(html: str) -> str:
    """A feed's text without its markup or entities."""
    import html as htmlmod

    text = re.sub(r"<[^>]+>", " ", html or "")
    return re.sub(r"\s+", " ", htmlmod.unescape(text)).strip()


# ---------------------------------------------------------------- GDELT

class GdeltSource:
    """GDELT DOC 2.0's article list for the seed's words, in the window (titles, sites and dates)."""

    name = "gdelt"

    def search(self, seed: Seed, ctx: Context) -> list[Candidate]:
        base = ctx.gdelt_url or os.environ.get("PARALLAX_GDELT_URL", "") or GDELT_URL
        params = {"query": query_for(seed), "mode": "ArtList", "format": "json", "maxrecords": "250", "sort": "HybridRel"}
        if ctx.since and ctx.until:
            params["startdatetime"] = ctx.since.strftime("%Y%m%d%H%M%S")
            params["enddatetime"] = ctx.until.strftime("%Y%m%d%H%M%S")
        else:
            params["timespan"] = "1w"
        try:
            body = fetch_data(base, self.name, ctx.settings, polite=ctx.polite, params=params)
        except FetchError as exc:
            raise SourceError(self.name, exc.problem, exc.fix) from None
        try:
            data = json.loads(body.decode("utf-8", errors="replace") or "{}")
        except json.JSONDecodeError:
            said = body.decode("utf-8", errors="replace").strip().splitlines()[0][:200] if body.strip() else "nothing"
            raise SourceError(self.name, f"did not answer with JSON: {said!r}", "change the seed's words or try later") from None
        if not isinstance(data, dict):
            raise SourceError(self.name, "answered JSON that is not an article list")
        out = []
        for a in (data.get("articles") or [])[:MAX_ITEMS]:
            if not isinstance(a, dict) or not a.get("url") or not a.get("title"):
                continue
            out.append(Candidate(ctx.name_of(a["url"]), a["url"], _plain(str(a["title"])), "",
                                 _gdelt_date(str(a.get("seendate", ""))), self.name))
        return out


def _gdelt_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


# ---------------------------------------------------------------- Media Cloud

class MediaCloudSource:
    """Media Cloud's story list for the seed's words, through its official client."""

    name = "mediacloud"

    def search(self, seed: Seed, ctx: Context) -> list[Candidate]:
        key = os.environ.get("MEDIACLOUD_API_KEY", "")
        if not key:
            raise SourceError(self.name, "MEDIACLOUD_API_KEY is not set", "set it to your Media Cloud API key")
        try:
            import mediacloud.api
        except ImportError:
            raise SourceError(self.name, "the Media Cloud client is not installed", "pip install mediacloud") from None
        api = mediacloud.api.SearchApi(key)
        if os.environ.get("MEDIACLOUD_BASE_URL"):
            api.BASE_API_URL = os.environ["MEDIACLOUD_BASE_URL"].rstrip("/") + "/"
        api.TIMEOUT_SECS = int(ctx.settings.connect_timeout + ctx.settings.read_timeout)
        until = ctx.until or datetime.now(timezone.utc)
        since = ctx.since or until - timedelta(days=7)
        query = " AND ".join(f'"{w}"' if " " in w else w for w in query_for(seed).split())
        collections = [int(c) for c in os.environ.get("MEDIACLOUD_COLLECTIONS", "").split(",") if c.strip().isdigit()]
        try:
            with warnings.catch_warnings():   # the client warns when no collection is named: all of them is meant
                warnings.simplefilter("ignore", UserWarning)
                stories, _ = api.story_list(query, since.date(), until.date(), collection_ids=collections, page_size=500)
        except Exception as exc:  # the client raises its own errors and requests'
            raise SourceError(self.name, f"the search failed ({exc.__class__.__name__}: {str(exc)[:160]})",
                              "check the key and your connection") from None
        out = []
        for s in stories[:MAX_ITEMS]:
            if not s.get("url") or not s.get("title"):
                continue
            day = s.get("publish_date")
            published = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc) if day else None
            entry = outlet_for(s["url"], ctx.outlets)
            name = entry.name if entry else (s.get("media_name") or site_name(s["url"]))
            out.append(Candidate(name, s["url"], _plain(s["title"]), "", published, self.name))
        return out


register("feeds", FeedSource)
register("gdelt", GdeltSource)
register("mediacloud", MediaCloudSource)


def default_sources() -> list[str]:
    """The sources used unless ``--sources`` names others: feeds and GDELT, and Media Cloud when a key is set."""
    return ["feeds", "gdelt"] + (["mediacloud"] if os.environ.get("MEDIACLOUD_API_KEY") else [])
