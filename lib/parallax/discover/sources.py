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
import logging
import os
import re
import warnings
from calendar import timegm
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol, Sequence
from urllib.parse import urljoin, urlsplit

import requests

from parallax.acquire.fetch import FetchSettings, fetch_data
from parallax.acquire.polite import Politeness
from parallax.discover.match import Candidate, Seed, _names, _terms
from parallax.discover.outlets import OutletEntry, is_web, outlet_for, site_name
from parallax.errors import FetchError, ParallaxError

GDELT_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_ITEMS = 2_000          # candidates one feed or sitemap may give: those closest in date to the seed are kept
SUB_SITEMAPS = 3           # sitemaps of an index read: news ones first, then the newest
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
    centre: datetime | None = None     # the seed's date (else now): a long listing keeps the items closest to it

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
        bare = [o.name for o in ctx.outlets if not o.feeds and not o.sitemaps]
        if bare:
            ctx.notes.append(f"{self.name}: {len(bare)} outlet(s) list no feed or sitemap, so only search services find "
                             f"their pages: {', '.join(bare[:5])}{' ...' if len(bare) > 5 else ''}")
        if not jobs:
            raise SourceError(self.name, "the outlets file lists no feeds or sitemaps", "add 'feeds:' or 'sitemaps:'")
        polite = ctx.polite or ctx.settings.politeness()
        with ThreadPoolExecutor(max_workers=max(1, min(ctx.settings.workers, len(jobs)))) as pool:
            results = list(pool.map(lambda job: self._one(*job, ctx, polite), jobs))
        out: list[Candidate] = []
        failed = []
        for (outlet, kind, url), result in zip(jobs, results):
            if isinstance(result, Exception):
                fix = getattr(result, "fix", "")
                failed.append(f"{outlet.name}'s {kind} {url}: {getattr(result, 'problem', result)}"
                              + (f"; {fix}" if fix else ""))
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
                    items = read_feed(body, outlet.name, ctx, base=url)
                else:
                    items = read_sitemap(body, outlet.name, ctx, lambda u: fetch_data(u, outlet.name, ctx.settings,
                                                                                       session, polite), base=url)
                return closest(items, ctx, f"{outlet.name}'s {kind} {url}")
        except (FetchError, SourceError) as exc:
            return exc
        except Exception as exc:  # a malformed feed costs that feed, not the discovery
            return SourceError(url, f"could not be read ({exc.__class__.__name__}: {exc})")


def closest(items: list[Candidate], ctx: Context, label: str, most: int = MAX_ITEMS) -> list[Candidate]:
    """At most ``most`` of ``items``: those closest in date to the seed (to now for an undated seed),
    the undated after the dated; a note says how many were left out."""
    if len(items) <= most:
        return items
    centre = ctx.centre or datetime.now(timezone.utc)

    def distance(c: Candidate) -> float:
        return abs((c.published - centre).total_seconds()) if c.published else float("inf")

    kept = sorted(items, key=distance)[:most]
    ctx.notes.append(f"{label}: {len(items):,} items, the {most:,} closest in date to the seed are compared")
    return kept


def _web_url(url: str, base: str = "") -> str:
    """``url`` made absolute against ``base``; "" unless it is an http(s) address."""
    url = urljoin(base, url.strip()) if base else url.strip()
    return url if is_web(url) else ""


def read_feed(body: bytes, outlet: str, ctx: Context | None = None, base: str = "") -> list[Candidate]:
    """The items of an RSS or Atom feed (feedparser) as candidates of ``outlet``; relative links are
    resolved against the feed's address ``base``."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": base} if base else None)
    if not parsed.entries and not parsed.get("version"):
        why = parsed.get("bozo_exception")
        raise SourceError(outlet, "not a feed (neither RSS nor Atom" + (f": {why}" if why else "") + ")",
                          "check the feed's address in the outlets file")
    out = []
    for e in parsed.entries:
        link, title = _web_url(e.get("link", ""), base), _plain(e.get("title", ""))
        if not link or not title:
            continue
        when = e.get("published_parsed") or e.get("updated_parsed")
        published = datetime.fromtimestamp(timegm(when), tz=timezone.utc) if when else None
        out.append(Candidate(outlet, link, title, _plain(e.get("summary", "")), published, "feeds"))
    return out


def read_sitemap(body: bytes, outlet: str, ctx: Context | None = None,
                 fetch: Callable[[str], bytes] | None = None, depth: int = 0, base: str = "") -> list[Candidate]:
    """The pages of a sitemap (ultimate-sitemap-parser) as candidates of ``outlet``: a news sitemap's
    titles and dates; of an index, at most :data:`SUB_SITEMAPS` sitemaps read through ``fetch`` (news
    ones first, then the newest by ``lastmod``); one that fails is a note while the others answer."""
    import html as htmlmod

    from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
    from usp.tree import sitemap_from_str

    logging.getLogger("usp").setLevel(logging.ERROR)   # what it skips is reported here, not logged to the terminal
    text = _xml_text(body)
    if base:   # the protocol wants absolute <loc>s; some sites write them relative
        text = _RELATIVE_LOC.sub(lambda m: m.group(1) + htmlmod.escape(_web_url(htmlmod.unescape(m.group(2)), base)
                                                                      or htmlmod.unescape(m.group(2)), quote=False), text)
    tree = sitemap_from_str(text)
    if isinstance(tree, InvalidSitemap):
        raise SourceError(outlet, f"not a sitemap ({tree.reason})", "check the sitemap's address in the outlets file")
    if isinstance(tree, AbstractIndexSitemap):
        if fetch is None or depth >= 2:
            return []
        subs = _pick_sub_sitemaps(body, [s.url for s in tree.sub_sitemaps], base)
        if len(subs) < len(tree.sub_sitemaps) and ctx is not None:
            ctx.notes.append(f"{outlet}'s sitemap index {base}: {len(subs)} of its {len(tree.sub_sitemaps)} sitemaps read "
                             f"(news ones and the newest); list another in the outlets file to read it")
        out: list[Candidate] = []
        errors: list[ParallaxError] = []
        for url in subs:
            try:
                out += read_sitemap(fetch(url), outlet, ctx, fetch, depth + 1, base=url)
            except (FetchError, SourceError) as exc:
                errors.append(exc)
                if ctx is not None:
                    ctx.notes.append(f"{outlet}'s sitemap {url} (in {base}): {getattr(exc, 'problem', exc)}")
        if errors and len(errors) == len(subs):
            first = errors[0]
            raise SourceError(outlet, f"none of the {len(subs)} sitemaps it lists could be read (first: "
                              f"{getattr(first, 'source', subs[0])}: {getattr(first, 'problem', first)})",
                              "check the sitemaps of the index, and list a readable one in the outlets file")
        return out
    out = []
    for page in tree.all_pages():
        story = page.news_story
        title = _plain(story.title) if story and story.title else ""
        published = (story.publish_date if story else None) or page.last_modified
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=timezone.utc)
        link = _web_url(page.url, base)
        if not title:
            title = _title_from_url(link)   # a plain sitemap: the URL's words are all there is
        if not link or not title:
            continue
        keywords = ", ".join(story.keywords or []) if story else ""
        out.append(Candidate(outlet, link, title, keywords, published, "feeds"))
    return out


_RELATIVE_LOC = re.compile(r"(<(?:\w+:)?loc>\s*)(?!https?://)([^<\s][^<]*?)(?=\s*</)", re.I)
_SUB = re.compile(r"<(?:\w+:)?sitemap>(.*?)</(?:\w+:)?sitemap>", re.S | re.I)
_LOC = re.compile(r"<(?:\w+:)?loc>\s*(.*?)\s*</", re.S | re.I)
_LASTMOD = re.compile(r"<(?:\w+:)?lastmod>\s*(.*?)\s*</", re.S | re.I)


def _pick_sub_sitemaps(body: bytes, urls: list[str], base: str) -> list[str]:
    """The :data:`SUB_SITEMAPS` sitemaps of an index to read: news ones first, then by ``lastmod``
    (the newest first; usp keeps only the addresses, so the dates are read from the index here), then the
    last listed (indexes are most often written oldest first)."""
    import html as htmlmod

    lastmod: dict[str, str] = {}
    for block in _SUB.findall(_xml_text(body)):
        loc, mod = _LOC.search(block), _LASTMOD.search(block)
        if loc and mod:
            address = htmlmod.unescape(loc.group(1))
            lastmod[_web_url(address, base) or address] = mod.group(1)[:10]
    ranked = urls[::-1]                                              # the last listed first,
    ranked.sort(key=lambda u: lastmod.get(u, ""), reverse=True)      # then the newest (undated last),
    ranked.sort(key=lambda u: "news" not in u.lower())               # news sitemaps first (sorts are stable)
    return [_web_url(u, base) or u for u in ranked[:SUB_SITEMAPS]]


_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([\w.:-]+)["']""")


def _xml_text(body: bytes) -> str:
    """A sitemap's text in the encoding its XML declaration names (UTF-8 otherwise)."""
    match = _XML_ENCODING.match(body[:200])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    if body.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _title_from_url(url: str) -> str:
    """The words of the URL's last path segment that has any (".../russia-drone-claim/3" -> "russia drone claim")."""
    for slug in reversed(urlsplit(url).path.strip("/").split("/")):
        slug = re.sub(r"\.\w{2,5}$", "", slug)
        words = [w for w in re.split(r"[-_+]+", slug) if w and not w.isdigit()]
        if words and any(len(w) > 2 and w.isalpha() for w in words):
            return " ".join(words)
    return ""


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
        articles = data.get("articles", []) if isinstance(data, dict) else None
        if not isinstance(articles, list):
            kind = type(articles).__name__ if isinstance(data, dict) else type(data).__name__
            raise SourceError(self.name, f"answered JSON that is not an article list ({kind} where "
                              "{\"articles\": [...]} was expected)", "check --gdelt-url: it must be a DOC 2.0 API address")
        out = []
        for a in articles:
            if not isinstance(a, dict) or not isinstance(a.get("url"), str) or not isinstance(a.get("title"), str):
                continue
            url = _web_url(a["url"]) or a["url"].strip()[:300]   # one without an http(s) address is a note later
            if url and a["title"].strip():
                out.append(Candidate(ctx.name_of(url), url, _plain(a["title"]), "",
                                     _gdelt_date(str(a.get("seendate", ""))), self.name))
        return closest(out, ctx, self.name)


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
            said = " ".join(re.sub(r"<[^>]+>", " ", str(exc)).split())[:160]
            raise SourceError(self.name, f"the search failed ({exc.__class__.__name__}: {said})",
                              "check the key and your connection") from None
        out = []
        for s in stories:
            if not isinstance(s, dict) or not isinstance(s.get("url"), str) or not isinstance(s.get("title"), str):
                continue
            url = _web_url(s["url"]) or s["url"].strip()[:300]   # one without an http(s) address is a note later
            if not url:
                continue
            day = s.get("publish_date")
            published = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc) if day else None
            entry = outlet_for(url, ctx.outlets)
            name = entry.name if entry else (s.get("media_name") or site_name(url))
            out.append(Candidate(name, url, _plain(s["title"]), "", published, self.name))
        return closest(out, ctx, self.name)


register("feeds", FeedSource)
register("gdelt", GdeltSource)
register("mediacloud", MediaCloudSource)


def default_sources() -> list[str]:
    """The sources used unless ``--sources`` names others: feeds and GDELT, and Media Cloud when a key is set."""
    return ["feeds", "gdelt"] + (["mediacloud"] if os.environ.get("MEDIACLOUD_API_KEY") else [])
