"""Fetching pages over HTTP and reading saved pages, with a snapshot cache.

The only module that touches the network. Every page read becomes a
:class:`~parallax.acquire.snapshot.Snapshot`; fetched pages are also kept in a cache so
that ``--offline`` runs can use them later.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from parallax import __version__
from parallax.acquire import snapshot as snap
from parallax.errors import FetchError
from parallax.acquire.polite import Politeness
from parallax.spec import Outlet, Story, redact, without_userinfo

log = logging.getLogger(__name__)
def user_agent(contact: str = "") -> str:
    """The User-Agent Parallax sends: it names Parallax and, when given, how to reach whoever runs it
    (``contact``, else ``$PARALLAX_CONTACT``: an e-mail address or a URL)."""
    contact = contact or os.environ.get("PARALLAX_CONTACT", "")
    reach = f"; +{contact}" if contact else ""
    return f"Mozilla/5.0 (compatible; Parallax/{__version__}; news comparison for research{reach})"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
RETRY_STATUSES = (429, 500, 502, 503, 504)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"OggS", b"ID3")


@dataclass(frozen=True)
class FetchSettings:
    """How pages are fetched. The defaults suit news sites."""

    connect_timeout: float = 10.0   # seconds to open a connection
    read_timeout: float = 20.0      # seconds without a byte before giving up
    total_timeout: float = 60.0     # seconds for the whole body
    retries: int = 3                # extra tries after a 429, a 5xx or a dropped connection
    backoff: float = 1.0            # seconds before the first retry, doubled each time
    max_retry_after: float = 30.0   # longest Retry-After honoured, seconds
    max_redirects: int = 10
    max_bytes: int = 10_000_000     # size cap of one page
    workers: int = 8                # outlets fetched at once
    user_agent: str = ""            # empty: user_agent(contact)
    contact: str = ""               # e-mail or URL put in the User-Agent (default: $PARALLAX_CONTACT)
    per_host: int = 2               # requests to one site at a time
    delay: float = 1.0              # seconds between the starts of two requests to one site
    robots: bool = True             # respect robots.txt (RFC 9309)

    @property
    def agent(self) -> str:
        """The User-Agent header value."""
        return self.user_agent or user_agent(self.contact)

    def politeness(self) -> Politeness:
        """A request gate with these settings (share one between the fetches of a run)."""
        return Politeness(self.per_host, self.delay, self.robots, timeout=self.connect_timeout + self.read_timeout)


def default_cache_dir() -> Path:
    """``$PARALLAX_CACHE_DIR``, else ``$XDG_CACHE_HOME/parallax``, else ``~/.cache/parallax``."""
    if os.environ.get("PARALLAX_CACHE_DIR"):
        return Path(os.environ["PARALLAX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "parallax"


class SnapshotCache:
    """Fetched pages by URL, kept between runs (``--offline`` reads only from here)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else default_cache_dir() / "snapshots"

    def _name(self, url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def get(self, url: str) -> snap.Snapshot | None:
        """The cached snapshot of ``url``, or None."""
        return snap.load(self.folder, self._name(url))

    def put(self, snapshot: snap.Snapshot) -> None:
        """Keep ``snapshot`` under its source URL."""
        snap.save(snapshot, self.folder, self._name(snapshot.source))


def fetch_url(
    url: str,
    outlet: str = "",
    settings: FetchSettings = FetchSettings(),
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    language: str | None = None,
    polite: Politeness | None = None,
    previous: snap.Snapshot | None = None,
    data: bool = False,
) -> snap.Snapshot:
    """Fetch one page over HTTP(S).

    Retries 429 and 5xx answers and dropped connections with exponential
    backoff (honouring Retry-After), follows at most ``max_redirects``
    redirects, stops past ``max_bytes``, and refuses bodies that are not HTML
    or plain text. With ``polite``, robots.txt is asked first and every request waits for a
    slot of its site. With ``previous`` (the page as fetched before), the request is
    conditional, and an unchanged page (``304``, or the same bytes) returns ``previous`` itself.
    With ``data``, the body may be a feed, a sitemap or JSON (any text, or gzip) rather than a page:
    use :func:`fetch_data`.

    Raises:
        FetchError: naming the outlet, the URL, what went wrong and what to do.
    """
    outlet = outlet or url
    session = session or requests.Session()
    headers = {
        "User-Agent": settings.agent,
        "Accept": ("application/rss+xml,application/atom+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.5"
                   if data else "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"),
        "Accept-Language": f"{language};q=0.9,*;q=0.5" if language else "*",
    }
    if previous is not None and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous is not None and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    # redirects are followed here, not by requests, so that each hop's host is asked for its robots.txt
    # and waits for a slot of its own site
    current, hops, attempt = url, 0, 0
    while True:
        if polite is not None:
            _ask_robots(polite, current, url, outlet, session, headers, redirected=hops > 0)
        with polite.slot(current) if polite is not None else nullcontext():
            try:
                response = session.get(
                    current, headers=headers, stream=True, allow_redirects=False,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                )
            except requests.Timeout as exc:
                kind = "connecting" if isinstance(exc, requests.ConnectTimeout) else "waiting for the server"
                raise FetchError(outlet, url, f"timed out {kind}", "try again later, or save the page and use 'file:'") from None
            except requests.ConnectionError as exc:
                if attempt < settings.retries:
                    sleep(settings.backoff * 2**attempt)
                    attempt += 1
                    continue
                raise FetchError(outlet, url, f"could not connect ({_short(exc)})",
                                 "check the address and your connection, or use --offline with a cached copy") from None
            except requests.RequestException as exc:
                raise FetchError(outlet, url, f"request failed ({_short(exc)})", "check the URL") from None
            with response:
                if response.is_redirect:
                    current, hops, attempt = _redirect_target(response, current, hops, url, outlet, settings), hops + 1, 0
                    continue
                if response.status_code == 304 and previous is not None:
                    return previous  # not modified: the page as fetched before
                if response.status_code in RETRY_STATUSES and attempt < settings.retries:
                    sleep(_retry_delay(response, settings, attempt))
                    attempt += 1
                    continue
                if response.status_code >= 400:
                    raise FetchError(outlet, url, f"HTTP {response.status_code} {response.reason or ''}".strip(),
                                     _status_fix(response.status_code))
                body = _read_capped(response, outlet, url, settings)
                content_type = response.headers.get("Content-Type", "")
                kind = _data_kind(body, outlet, url) if data else _kind(content_type, body, outlet, url)
                if previous is not None and previous.body == body:
                    return previous  # the same bytes: reuse the snapshot (and its fetch time)
                return snap.Snapshot(
                    source=url, final_url=without_userinfo(current), status=response.status_code,
                    fetched_at=snap.now_iso(), content_type=content_type, kind=kind, body=body,
                    charset=_charset(content_type), etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                )


def _ask_robots(polite: Politeness, current: str, url: str, outlet: str, session: requests.Session,
                headers: dict[str, str], redirected: bool) -> None:
    """Raise a FetchError unless the robots.txt of ``current``'s host lets Parallax fetch it."""
    answer = polite.allowed(current, session, {"User-Agent": headers["User-Agent"]})
    if answer.allowed:
        return
    host = urlsplit(current).netloc
    via = f"redirected to {redact(current)}: " if redirected else ""
    if isinstance(answer.error, requests.Timeout):
        raise FetchError(outlet, url, f"{via}timed out reaching {host}", "try again later, or save the page and use 'file:'")
    if isinstance(answer.error, requests.ConnectionError):
        raise FetchError(outlet, url, f"{via}could not connect to {host} ({_short(answer.error)})",
                         "check the address and your connection, or use --offline with a cached copy")
    raise FetchError(outlet, url, via + answer.reason,
                     "save the page from a browser and use 'file:', or, if the site lets you, run with --ignore-robots")


def _redirect_target(response: requests.Response, current: str, hops: int, url: str, outlet: str,
                     settings: FetchSettings) -> str:
    """The absolute address a redirect points to, without any ``user:password@`` it carries."""
    if hops >= settings.max_redirects:
        raise FetchError(outlet, url, f"more than {settings.max_redirects} redirects (a redirect loop?)",
                         "open the URL in a browser and put the final address in the spec")
    target = urljoin(current, response.headers["Location"])
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(outlet, url, f"redirected to {redact(target)!r}, which is not a web page address",
                         "open the URL in a browser and put the final address in the spec")
    return without_userinfo(target)


def read_file(path: Path, outlet: str = "", max_bytes: int = FetchSettings.max_bytes) -> snap.Snapshot:
    """Read a saved page (``.html``, ``.htm`` or ``.txt``) as a snapshot.

    Raises:
        FetchError: the file is missing, too large or not a page.
    """
    outlet = outlet or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(outlet, str(path), f"file is {size:,} bytes, over the {max_bytes:,}-byte cap",
                             "save only the article page")
        body = path.read_bytes()
    except OSError as exc:
        raise FetchError(outlet, str(path), f"cannot read the file ({exc.strerror})", "check the path in the spec") from None
    is_text = path.suffix.lower() == ".txt"
    content_type = "text/plain" if is_text else "text/html"
    _kind(content_type, body, outlet, str(path))
    return snap.Snapshot(
        source=str(path), final_url=None, status=None, fetched_at=snap.now_iso(),
        content_type=content_type, kind="text" if is_text else "html", body=body,
    )


def get_snapshot(
    outlet: Outlet,
    cache: SnapshotCache,
    offline: bool = False,
    settings: FetchSettings = FetchSettings(),
    polite: Politeness | None = None,
) -> snap.Snapshot:
    """The outlet's page: read from its file, fetched (and cached), or, offline, from the cache."""
    if outlet.file is not None:
        return read_file(outlet.file, outlet.key, settings.max_bytes)
    assert outlet.url is not None
    if offline:
        cached = cache.get(outlet.url)
        if cached is None:
            raise FetchError(outlet.key, outlet.url, "offline and no cached copy of this page",
                             "run once without --offline to fetch it, or save the page and use 'file:'")
        return cached
    previous = cache.get(outlet.url)
    with requests.Session() as session:
        fetched = fetch_url(outlet.url, outlet.key, settings, session, language=outlet.language,
                            polite=polite or settings.politeness(), previous=previous)
    if fetched is previous:
        return previous
    try:
        cache.put(fetched)
    except OSError as exc:  # a cache we cannot write costs --offline later, not this run
        log.warning("%s: could not cache %s: %s", outlet.key, outlet.url, exc)
    return fetched


def get_snapshots(
    story: Story,
    cache: SnapshotCache,
    offline: bool = False,
    settings: FetchSettings = FetchSettings(),
    on_done: Callable[[str], None] | None = None,
    polite: Politeness | None = None,
) -> dict[str, snap.Snapshot | FetchError]:
    """Every outlet's page, fetched concurrently (politely: ``polite``, else one gate built from
    ``settings``, shared by all outlets); a failure is returned, not raised."""
    polite = polite or settings.politeness()

    def one(outlet: Outlet) -> snap.Snapshot | FetchError:
        try:
            return get_snapshot(outlet, cache, offline, settings, polite)
        except FetchError as exc:
            return exc
        except Exception as exc:  # a bug must cost one outlet, not the run
            log.exception("fetching %s", outlet.source)
            return FetchError(outlet.key, outlet.source, f"internal error ({exc.__class__.__name__}: {exc})",
                              "please report this with the page")
        finally:
            if on_done:
                on_done(outlet.key)

    workers = max(1, min(settings.workers, len(story.outlets)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, story.outlets))
    return {outlet.key: result for outlet, result in zip(story.outlets, results)}


def _read_capped(response: requests.Response, outlet: str, url: str, settings: FetchSettings) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
        raise FetchError(outlet, url, f"page is {int(declared):,} bytes, over the {settings.max_bytes:,}-byte cap",
                         "check that the URL is an article page, or raise the cap")
    chunks, size, started = [], 0, time.monotonic()
    try:
        # read1 returns as soon as bytes arrive, so the deadline holds against a server that drips
        for chunk in iter(lambda: response.raw.read1(65536, decode_content=True), b""):
            size += len(chunk)
            if size > settings.max_bytes:
                raise FetchError(outlet, url, f"page is over the {settings.max_bytes:,}-byte cap",
                                 "check that the URL is an article page, or raise the cap")
            if time.monotonic() - started > settings.total_timeout:
                raise FetchError(outlet, url, f"page took over {settings.total_timeout:g} s to download",
                                 "try again later, or save the page and use 'file:'")
            chunks.append(chunk)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError)):
            raise FetchError(outlet, url, "timed out waiting for the server", "try again later, or save the page and use 'file:'") from None
        raise FetchError(outlet, url, f"the connection broke while reading ({_short(exc)})", "try again later") from None
    return b"".join(chunks)


def fetch_data(url: str, name: str, settings: FetchSettings = FetchSettings(), session: requests.Session | None = None,
               polite: Politeness | None = None, params: dict[str, str] | None = None) -> bytes:
    """The body of a feed, a sitemap or an API's answer (gunzipped when it is a ``.gz`` file), fetched
    as politely as a page (robots.txt, per-site limits, retries, the size cap).

    Raises:
        FetchError: naming ``name`` (the source or the outlet), the URL and what to do.
    """
    if params:
        url = requests.Request("GET", url, params=params).prepare().url or url
    try:
        body = fetch_url(url, name, settings, session, polite=polite, data=True).body
    except FetchError as exc:
        fix = _data_fix(exc.fix)
        if fix == exc.fix:
            raise
        raise FetchError(exc.outlet, exc.source, exc.problem, fix) from None
    if body[:2] == b"\x1f\x8b":
        import zlib

        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        body = inflate.decompress(body, settings.max_bytes)
        if inflate.unconsumed_tail:
            raise FetchError(name, url, f"unpacks to over the {settings.max_bytes:,}-byte cap", "check the URL")
    return body


_PAGE_ONLY = (", or save the page and use 'file:'", ", or use --offline with a cached copy",
              "save the page from a browser and use 'file:', or, ", ": save the page from a browser and use 'file:'",
              ", or use an archived copy")


def _data_fix(fix: str) -> str:
    """A page's fix without what only a page allows (saving it, a cached copy): a feed or an API's answer
    cannot be saved by hand and is never cached."""
    for clause in _PAGE_ONLY:
        fix = fix.replace(clause, "")
    return fix


def _data_kind(body: bytes, outlet: str, source: str) -> str:
    if not body.strip():
        raise FetchError(outlet, source, "the answer is empty", "check the URL")
    if body.startswith(_BINARY_MAGIC) and not body.startswith(b"\x1f\x8b"):
        raise FetchError(outlet, source, "binary content, not a feed, a sitemap or JSON", "check the URL")
    return "data"


def _kind(content_type: str, body: bytes, outlet: str, source: str) -> str:
    mime = content_type.split(";")[0].strip().lower()
    head = body[:2048]
    if not body.strip():
        raise FetchError(outlet, source, "the page is empty", "check the URL or the saved file")
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FetchError(outlet, source, f"not an HTML page (binary content{', ' + mime if mime else ''})",
                         "point the spec at the article's web page")
    if mime in HTML_TYPES or not mime:
        return "html"
    if mime in TEXT_TYPES:
        return "html" if head.lstrip().lower().startswith((b"<!doctype html", b"<html")) else "text"
    raise FetchError(outlet, source, f"not an HTML page ({mime})", "point the spec at the article's web page")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _retry_delay(response: requests.Response, settings: FetchSettings, attempt: int) -> float:
    header = response.headers.get("Retry-After", "").strip()
    if header:
        try:
            delay = float(header)
            if not math.isfinite(delay):
                raise ValueError(header)
        except ValueError:
            try:
                delay = parsedate_to_datetime(header).timestamp() - time.time()
            except (TypeError, ValueError):
                delay = settings.backoff * 2**attempt
        return min(max(delay, 0.0), settings.max_retry_after)
    return settings.backoff * 2**attempt


def _status_fix(status: int) -> str:
    if status in (401, 402, 403):
        return "the site refuses automated access or needs a login: save the page from a browser and use 'file:'"
    if status in (404, 410):
        return "the page is gone: check the URL, or use an archived copy"
    if status == 429:
        return "the site is rate-limiting: try again later"
    return "the server failed: try again later, or save the page and use 'file:'"


_REASONS = ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
            "No route to host", "Network is unreachable", "Connection reset by peer", "certificate verify failed")


def _short(exc: Exception) -> str:
    text = str(exc).split("\n")[0]
    for reason in _REASONS:
        if reason.lower() in text.lower():
            return reason.lower()
    return text if len(text) < 160 else text[:157] + "..."
