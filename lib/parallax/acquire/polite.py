"""Polite fetching: robots.txt, a limit on concurrent requests per site and a delay between them.

One :class:`Politeness` is shared by the threads that fetch a story's outlets (and by every
story of a batch run in one process). It answers two questions before each request: may
Parallax fetch this URL (robots.txt, RFC 9309), and when may it send the request (at most
``per_host`` requests to one host at a time, ``delay`` seconds apart).
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import urllib.robotparser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

ROBOTS_AGENT = "Parallax"  # the product token robots.txt rules are matched against
ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB


@dataclass
class _Host:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0


@dataclass(frozen=True)
class RobotsAnswer:
    """Whether robots.txt allows a URL, and why not when it does not."""

    allowed: bool
    reason: str = ""
    error: Exception | None = None   # robots.txt could not be read at all (no connection, timeout)


class Politeness:
    """Per-host request gate and robots.txt cache, safe to share between threads."""

    def __init__(self, per_host: int = 2, delay: float = 1.0, robots: bool = True, user_agent: str = ROBOTS_AGENT,
                 timeout: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self.robots = robots
        self.user_agent = user_agent
        self.timeout = timeout
        self._clock, self._sleep = clock, sleep
        self._hosts: dict[str, _Host] = {}
        self._rules: dict[str, urllib.robotparser.RobotFileParser | RobotsAnswer] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _host(self, netloc: str) -> _Host:
        with self._lock:
            if netloc not in self._hosts:
                self._hosts[netloc] = _Host(threading.Semaphore(self.per_host))
            return self._hosts[netloc]

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the host's request slots, starting no sooner than ``delay`` after the last start."""
        host = self._host(urlsplit(url).netloc.lower())
        with host.slots:
            with host.lock:
                wait = host.next_start - self._clock()
                host.next_start = max(host.next_start, self._clock()) + self.delay
            if wait > 0:
                self._sleep(wait)
            yield

    def allowed(self, url: str, session: requests.Session | None = None, headers: dict[str, str] | None = None) -> RobotsAnswer:
        """What the site's robots.txt says about ``url`` (always allowed when robots checking is off).

        As RFC 9309 says: a robots.txt that is missing (4xx) allows everything; one the server
        fails to give (5xx) or that cannot be reached disallows everything for now.
        """
        if not self.robots:
            return RobotsAnswer(True)
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            site_lock = self._robots_locks.setdefault(root, threading.Lock())
        with site_lock:  # one read of robots.txt per site, whichever thread asks first
            rules = self._rules.get(root)
            if rules is None:
                rules = self._rules[root] = self._read(root + "/robots.txt", session, headers)
        if isinstance(rules, RobotsAnswer):
            return rules
        if rules.can_fetch(self.user_agent, url):
            return RobotsAnswer(True)
        rule = _rule(rules, self.user_agent, url)
        return RobotsAnswer(False, f"{root}/robots.txt disallows this page for {self.user_agent}"
                                   + (f" (rule '{rule}')" if rule else ""))

    def _read(self, robots_url: str, session: requests.Session | None,
              headers: dict[str, str] | None) -> urllib.robotparser.RobotFileParser | RobotsAnswer:
        session = session or requests.Session()
        try:
            with self.slot(robots_url):
                response = session.get(robots_url, headers=headers, timeout=self.timeout, stream=True)
            with response:
                status = response.status_code
                body = response.raw.read(ROBOTS_MAX_BYTES, decode_content=True) if status < 400 else b""
        except requests.RequestException as exc:
            return RobotsAnswer(False, f"could not read {robots_url} ({exc.__class__.__name__})", error=exc)
        if 400 <= status < 500:
            return RobotsAnswer(True)
        if status >= 500:
            return RobotsAnswer(False, f"{robots_url} answered HTTP {status}, which means 'disallow all for now'")
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser


def _rule(parser: urllib.robotparser.RobotFileParser, agent: str, url: str) -> str:
    """The robots.txt line that decides ``url`` for ``agent`` ("Disallow: /private"), found as
    :meth:`~urllib.robotparser.RobotFileParser.can_fetch` finds it; empty when none does."""
    parts = urlsplit(urllib.parse.unquote(url))
    path = urllib.parse.quote(urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))) or "/"
    entries = [e for e in parser.entries if e.applies_to(agent)] or [e for e in [parser.default_entry] if e]
    for entry in entries[:1]:
        for line in entry.rulelines:
            if line.applies_to(path):
                return str(line)
    return ""
