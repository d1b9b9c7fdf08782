"""The seed of a discovery: a URL, a saved page or a query, read into a :class:`~parallax.discover.match.Seed`."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence
from urllib.parse import urlsplit

from parallax.acquire.fetch import FetchSettings, SnapshotCache, read_file
from parallax.acquire.polite import Politeness
from parallax.discover.find import fetch_page
from parallax.discover.match import Seed
from parallax.discover.outlets import OutletEntry, outlet_for, site_name
from parallax.errors import OutletError, ParallaxError
from parallax.spec import PAGE_SUFFIXES

_CANONICAL = re.compile(rb"""<link[^>]+rel=["']?canonical["']?[^>]*>|<meta[^>]+property=["']og:url["'][^>]*>""", re.I)
_HREF = re.compile(rb"""(?:href|content)=["']([^"']+)["']""", re.I)
_SITE_NAME = re.compile(rb"""<meta[^>]+property=["']og:site_name["'][^>]*>""", re.I)
_CONTENT = re.compile(rb"""content=["']([^"']+)["']""", re.I)
# The page fetcher's fixes speak of a spec's 'file:' and --offline; for a seed, the seed argument is the fix.
_SEED_FIXES = (("or use --offline with a cached copy", "or save the page and give its file as the seed"),
               ("and use 'file:'", "and give its file as the seed"), ("use 'file:'", "give its file as the seed"),
               ("point the spec at the article's web page", "give the article's web page"),
               ("put the final address in the spec", "give the final address"), ("the path in the spec", "the path"))


class SeedError(ParallaxError):
    """The seed could not be read: says why and what to do."""


def kind_of(seed: str) -> str:
    """"url", "file" or "query"."""
    if urlsplit(seed).scheme in ("http", "https"):
        return "url"
    path = Path(seed)
    looks_like_path = " " not in seed.strip() and (seed.startswith(("/", "./", "../", "~")) or "/" in seed or "\\" in seed)
    if path.suffix.lower() in PAGE_SUFFIXES or path.exists() or looks_like_path:
        return "file"
    return "query"


def read_seed(seed: str, outlets: Sequence[OutletEntry], settings: FetchSettings = FetchSettings(),
              polite: Politeness | None = None, cache: SnapshotCache | None = None, outlet: str = "",
              language: str | None = None) -> Seed:
    """The seed ``seed`` names: a page fetched (and cached, so that ``parallax run`` reuses it) or read
    from a file and extracted, or a query. ``outlet`` names the seed's outlet when the page does not say.

    Raises:
        SeedError: the page cannot be fetched, read or extracted.
    """
    from parallax.extract.extractors import extract_snapshot

    if not seed.strip():
        raise SeedError("the seed is empty: give a URL, a saved page (.html or .txt) or a few words to search for")
    outlet = _listed_name(outlet, outlets)
    kind = kind_of(seed)
    if kind == "query":
        return Seed(seed.strip(), query=True, outlet=outlet, language=language or "en")
    try:
        if kind == "url":
            snapshot = fetch_page(seed, "seed", settings, polite, cache)
        else:
            path = Path(seed).expanduser()
            if not path.is_file():
                raise SeedError(f"{seed}: no such file; give a saved page (.html or .txt), a URL or a query in quotes")
            snapshot = read_file(path, "seed", settings.max_bytes)
        article = extract_snapshot(snapshot, "seed", "seed", language)
    except OutletError as exc:
        fix = exc.fix
        for page, ours in _SEED_FIXES:
            fix = fix.replace(page, ours)
        raise SeedError(f"the seed {exc.source}: {exc.problem}" + (f"; {fix}" if fix else "")) from None
    url = seed if kind == "url" else (_canonical(snapshot.body) or "")
    if not outlet and url:
        entry = outlet_for(url, outlets)
        outlet = entry.name if entry else ""
    if not outlet and snapshot.kind == "html":
        outlet = _listed_name(_site_name(snapshot.body), outlets)   # og:site_name
    if not outlet and url:
        outlet = site_name(url)
    return Seed(article.title or article.paragraphs[0][:120], article.text, _date(article.published),
                outlet, url, str(Path(seed).expanduser()) if kind == "file" else "", article.language or language or "en")


def _listed_name(name: str, outlets: Sequence[OutletEntry]) -> str:
    """``name`` as the outlets file spells it (matched ignoring case), else as given."""
    folded = " ".join(name.split()).casefold()
    for entry in outlets:
        if entry.name.casefold() == folded:
            return entry.name
    return " ".join(name.split())


def _site_name(body: bytes) -> str:
    """The site's name a page declares (``og:site_name``)."""
    import html

    for tag in _SITE_NAME.findall(body[:200_000]):
        content = _CONTENT.search(tag)
        if content:
            return html.unescape(content.group(1).decode("utf-8", errors="replace")).strip()
    return ""


def _canonical(body: bytes) -> str:
    """The address a saved page says it was saved from (``rel=canonical`` or ``og:url``)."""
    for tag in _CANONICAL.findall(body[:200_000]):
        href = _HREF.search(tag)
        if href and href.group(1).startswith((b"http://", b"https://")):
            return href.group(1).decode("utf-8", errors="replace")
    return ""


def _date(iso: str) -> datetime | None:
    if not iso:
        return None
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:   # a date without a zone: noon UTC, so that a day either way is within a day
        when = when.replace(hour=when.hour or 12, tzinfo=timezone.utc)
    return when
