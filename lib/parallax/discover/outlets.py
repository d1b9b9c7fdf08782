"""The outlets file: which outlets ``parallax discover`` looks at, and where their feeds and sitemaps are.

YAML, a list of outlets (or a mapping with an ``outlets:`` list and notes of one's own)::

    - name: BBC News
      homepage: https://www.bbc.com/news
      feeds: [https://feeds.bbci.co.uk/news/world/rss.xml]
      sitemaps: [https://www.bbc.com/sitemaps/https-index-com-news.xml]
      sites: [bbc.co.uk]          # optional: other hosts its pages are on

A page is the outlet's when its host is the homepage's, a feed's, a sitemap's or one of ``sites``, or a
subdomain of one (``edition.cnn.com`` is on ``cnn.com``); failing that, when the two differ only by an
edition's label (``www.cnn.com`` and ``edition.cnn.com``: ``us.``, ``uk.``, ``amp.``, ``m.``...). Two
outlets on one platform (``a.substack.com``, ``b.substack.com``) stay two.

A bundled starter list (``parallax/data/outlets.yaml``, dated) is used unless ``--outlets`` names
another; copy it, check it and edit it: feeds move and outlets change them without notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

import yaml

from parallax.errors import SpecError
from parallax.spec import read_capped

FIELDS = {"name", "homepage", "feeds", "sitemaps", "sites"}
_EDITIONS = {"www", "edition", "editions", "international", "int", "global", "us", "uk", "eu", "en", "amp", "m",
             "mobile"}   # labels that name an edition of one site, not another site
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class OutletEntry:
    """One outlet of the outlets file."""

    name: str
    homepage: str = ""
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()          # other hosts its pages are on ("bbc.co.uk")

    @property
    def host(self) -> str:
        """The homepage's host without ``www.`` ("bbc.com")."""
        return _host(self.homepage)

    @property
    def hosts(self) -> set[str]:
        """Every host of the outlet: its homepage's, its feeds' and sitemaps', and ``sites``."""
        return {self.host, *(_host(u) for u in self.feeds + self.sitemaps), *self.sites} - {""}


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def bundled() -> Path:
    """The bundled starter list."""
    with resources.as_file(resources.files("parallax").joinpath("data", "outlets.yaml")) as path:
        return Path(path)


def load_outlets(path: str | Path | None = None) -> list[OutletEntry]:
    """The outlets of ``path`` (the bundled list when None), validated.

    Raises:
        SpecError: naming the file, the entry and the field, and the fix.
    """
    path = Path(path) if path else bundled()
    label = str(path)
    text = read_capped(path, label, "outlets file", MAX_BYTES, "give a YAML list of outlets")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise SpecError(label, "outlets file", f"not valid YAML{at}", "fix the YAML (a list of {name, homepage, feeds, "
                        "sitemaps})") from None
    if isinstance(data, dict) and "outlets" in data:
        data = data["outlets"]
    if not isinstance(data, list) or not data:
        raise SpecError(label, "outlets", "expected a non-empty list of outlets",
                        "write '- name: ...' entries with homepage, feeds and sitemaps")
    out, seen = [], set()
    for i, item in enumerate(data):
        entry = _entry(label, i, item)
        if entry.name.casefold() in seen:
            raise SpecError(label, f"outlets[{i}].name", f"{entry.name!r} is listed twice", "keep one entry per outlet")
        seen.add(entry.name.casefold())
        out.append(entry)
    return out


def _entry(label: str, i: int, item: Any) -> OutletEntry:
    where = f"outlets[{i}]"
    if not isinstance(item, dict):
        raise SpecError(label, where, "expected a mapping", "write 'name:', 'homepage:', 'feeds:' and 'sitemaps:'")
    unknown = set(item) - FIELDS
    if unknown:
        raise SpecError(label, f"{where}.{sorted(map(str, unknown))[0]}", "unknown field",
                        f"use only {', '.join(sorted(FIELDS))}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SpecError(label, f"{where}.name", "missing or empty", "give the outlet's name")
    urls: dict[str, tuple[str, ...]] = {}
    for key in ("feeds", "sitemaps"):
        value = item.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(u, str) and is_web(u) for u in value):
            raise SpecError(label, f"{where}.{key}", "expected a list of http(s) URLs", f"write '{key}: [https://...]'")
        urls[key] = tuple(u.strip() for u in value)
    sites = item.get("sites") or []
    if isinstance(sites, str):
        sites = [sites]
    if not isinstance(sites, list) or not all(isinstance(h, str) and _HOST.match(h.strip().lower()) for h in sites):
        raise SpecError(label, f"{where}.sites", "expected a list of host names (no http://, no path)",
                        "write 'sites: [example.co.uk]'")
    homepage = item.get("homepage") or ""
    if homepage and not (isinstance(homepage, str) and is_web(homepage)):
        raise SpecError(label, f"{where}.homepage", "not an http(s) URL", "write the outlet's home page address")
    if not homepage and not urls["feeds"] and not urls["sitemaps"]:
        raise SpecError(label, where, f"{name!r} has no homepage, feeds or sitemaps",
                        "give at least its homepage (search services find its pages by it)")
    return OutletEntry(name.strip(), str(homepage).strip(), urls["feeds"], urls["sitemaps"],
                       tuple(_host(f"http://{h.strip().lower()}/") for h in sites))


def is_web(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) address."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def outlet_for(url: str, outlets: Sequence[OutletEntry]) -> OutletEntry | None:
    """The outlet ``url`` is on: the one with the longest of its hosts that ``url``'s host is or is under
    (``edition.cnn.com`` is on ``cnn.com``); else the one whose host differs from it only by an edition's
    label (``www.cnn.com`` and ``edition.cnn.com``), when only one does; else None."""
    host = _host(url)
    if not host:
        return None
    best = None
    for entry in outlets:
        for site in entry.hosts:
            if (host == site or host.endswith("." + site)) and (best is None or len(site) > best[0]):
                best = (len(site), entry)
    if best:
        return best[1]
    same = [e for e in outlets if _edition_free(host) in {_edition_free(h) for h in e.hosts}]
    return same[0] if len(same) == 1 else None


def _edition_free(host: str) -> str:
    """``host`` without a leading edition label (``edition.cnn.com`` -> ``cnn.com``), when more than two
    labels are left."""
    labels = host.split(".")
    return ".".join(labels[1:]) if len(labels) > 2 and labels[0] in _EDITIONS else host


def site_name(url: str) -> str:
    """A name for an outlet not in the outlets file: its host without ``www.``."""
    return _host(url) or url
