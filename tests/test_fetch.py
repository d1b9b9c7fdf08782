"""The fetch module against a real HTTP server on 127.0.0.1 (see ``httpserver.py``).

Nothing here leaves this machine: every URL is on the test server, whose port
the OS chooses. Retries use a fake ``sleep`` that records delays, and timeouts
are a fraction of a second, so the whole file runs in a few seconds.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

import pytest

from httpserver import (
    GZIP_HTML,
    PAGE_BYTES,
    PAGE_HTML,
    PAGE_SENTENCE,
    PNG_BYTES,
    RUSSIAN_PARAGRAPH,
    RUSSIAN_SENTENCE,
    LocalServer,
    cp1251_page,
    running_server,
)
from parallax.errors import FetchError
from parallax.acquire.fetch import (
    user_agent,
    FetchSettings,
    SnapshotCache,
    fetch_url,
    get_snapshot,
    get_snapshots,
    read_file,
)
from parallax.acquire.snapshot import Snapshot
from parallax.spec import Outlet, Story

OUTLET = "The Daily Test"

#: Small timeouts and a visible backoff (the fake sleep records it; nothing really waits).
FAST = FetchSettings(
    connect_timeout=1.0,
    read_timeout=2.0,
    total_timeout=5.0,
    retries=2,
    backoff=0.25,
    max_retry_after=30.0,
    max_redirects=10,
    max_bytes=1_000_000,
    workers=8,
    delay=0.0,
    per_host=8,
)


class FakeSleep:
    """Stands in for ``time.sleep``: records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    """The test HTTP server, shared by the module, shut down at its end."""
    with running_server() as srv:
        yield srv


@pytest.fixture(autouse=True)
def fresh(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with empty counters, and no proxy can divert 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server.reset()
    yield


@pytest.fixture
def sleep() -> FakeSleep:
    """A fresh fake sleep."""
    return FakeSleep()


def fetch_error(server: LocalServer, path: str, settings: FetchSettings = FAST,
                sleep: FakeSleep | None = None) -> FetchError:
    """Fetch ``path`` expecting a FetchError; return it."""
    with pytest.raises(FetchError) as info:
        fetch_url(server.url(path), OUTLET, settings, sleep=sleep or FakeSleep())
    return info.value


def assert_names(exc: FetchError, url: str, *fragments: str) -> None:
    """The error names the outlet and URL, has a fix, and mentions every fragment."""
    message = str(exc)
    assert exc.outlet == OUTLET and OUTLET in message
    assert exc.source == url and url in message
    assert exc.fix and exc.fix in message
    for fragment in fragments:
        assert fragment.lower() in message.lower(), f"{fragment!r} not in {message!r}"


# -- a plain page ---------------------------------------------------------------


def test_html_page(server: LocalServer, sleep: FakeSleep) -> None:
    """A 200 UTF-8 page comes back whole, with status, final URL, charset and a browser UA."""
    url = server.url("/page")
    snapshot = fetch_url(url, OUTLET, FAST, sleep=sleep)

    assert snapshot.status == 200
    assert snapshot.source == url
    assert snapshot.final_url == url
    assert snapshot.kind == "html"
    assert snapshot.charset == "utf-8"
    assert snapshot.content_type == "text/html; charset=utf-8"
    assert snapshot.from_cache is False
    assert snapshot.body == PAGE_BYTES
    assert snapshot.sha256 == hashlib.sha256(PAGE_BYTES).hexdigest()
    assert PAGE_SENTENCE in snapshot.text()
    meta = snapshot.meta()
    assert meta["sha256"] == snapshot.sha256 and meta["bytes"] == len(PAGE_BYTES)
    assert meta["encoding"] == "utf-8" and "body" not in meta
    assert sleep.delays == []

    (seen,) = server.requests_to("/page")
    assert "Mozilla/" in seen.headers["user-agent"]
    assert "text/html" in seen.headers["accept"]


def test_custom_user_agent_is_sent(server: LocalServer) -> None:
    """``FetchSettings.user_agent`` is what the server sees."""
    fetch_url(server.url("/page"), OUTLET, replace(FAST, user_agent="Mozilla/5.0 TestAgent/1"))
    assert server.requests_to("/page")[0].headers["user-agent"] == "Mozilla/5.0 TestAgent/1"


def test_outlet_defaults_to_url(server: LocalServer) -> None:
    """Without an outlet name the error still says which URL failed."""
    url = server.url("/missing")
    with pytest.raises(FetchError) as info:
        fetch_url(url, settings=FAST, sleep=FakeSleep())
    assert info.value.outlet == url
    assert str(info.value).startswith(url)


# -- HTTP errors and retries ----------------------------------------------------


def test_404_is_not_retried(server: LocalServer, sleep: FakeSleep) -> None:
    """A 404 fails at once with the outlet, the status and a fix in the message."""
    exc = fetch_error(server, "/missing", sleep=sleep)
    assert_names(exc, server.url("/missing"), "404")
    assert "gone" in exc.fix
    assert server.hits("/missing") == 1
    assert sleep.delays == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_then_success(server: LocalServer, sleep: FakeSleep, status: int) -> None:
    """A 5xx is retried after the backoff; the second answer is used."""
    path = f"/flaky?status={status}"
    snapshot = fetch_url(server.url(path), OUTLET, FAST, sleep=sleep)
    assert snapshot.status == 200
    assert snapshot.body == PAGE_BYTES
    assert server.hits(path) == 2
    assert sleep.delays == [FAST.backoff]


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        ("120", 30.0),                          # capped at max_retry_after
        ("-5", 0.0),                            # never negative
        (formatdate(0, usegmt=True), 0.0),      # an HTTP date in the past
        ("soon", FAST.backoff),                 # unparseable: plain backoff
    ],
    ids=["seconds", "fraction", "capped", "negative", "past-date", "garbage"],
)
def test_429_honours_retry_after(server: LocalServer, sleep: FakeSleep, retry_after: str, expected: float) -> None:
    """A 429's Retry-After sets the delay before the retry (capped, never negative)."""
    path = f"/ratelimited?after={quote(retry_after)}"
    snapshot = fetch_url(server.url(path), OUTLET, FAST, sleep=sleep)
    assert snapshot.status == 200
    assert server.hits(path) == 2
    assert sleep.delays == [pytest.approx(expected)]


def test_429_retry_after_future_date(server: LocalServer, sleep: FakeSleep) -> None:
    """An HTTP-date Retry-After a few seconds ahead becomes roughly that many seconds."""
    path = f"/ratelimited?after={quote(formatdate(time.time() + 5, usegmt=True))}"
    fetch_url(server.url(path), OUTLET, FAST, sleep=sleep)
    (delay,) = sleep.delays
    assert 3.0 <= delay <= 5.0


def test_429_retry_after_nan_does_not_crash(server: LocalServer) -> None:
    """A nonsense ``Retry-After: nan`` must not escape as a ValueError from ``time.sleep``.

    Uses the real ``time.sleep``; ``max_retry_after`` keeps any real wait tiny.
    """
    settings = replace(FAST, backoff=0.01, max_retry_after=0.05)
    snapshot = fetch_url(server.url("/ratelimited?after=nan"), OUTLET, settings)
    assert snapshot.status == 200


def test_always_503_gives_up(server: LocalServer, sleep: FakeSleep) -> None:
    """A server that keeps failing gets ``retries + 1`` requests, with doubling backoff."""
    exc = fetch_error(server, "/down", sleep=sleep)
    assert_names(exc, server.url("/down"), "503")
    assert server.hits("/down") == FAST.retries + 1
    assert sleep.delays == [FAST.backoff, FAST.backoff * 2]


def test_no_retries_setting(server: LocalServer, sleep: FakeSleep) -> None:
    """With ``retries=0`` a 5xx fails on the first answer."""
    fetch_error(server, "/down", replace(FAST, retries=0), sleep)
    assert server.hits("/down") == 1
    assert sleep.delays == []


def test_dropped_connection_is_retried(server: LocalServer, sleep: FakeSleep) -> None:
    """A connection closed without an answer counts as a retryable failure."""
    snapshot = fetch_url(server.url("/drop-then-ok"), OUTLET, FAST, sleep=sleep)
    assert snapshot.body == PAGE_BYTES
    assert server.hits("/drop-then-ok") == 2
    assert sleep.delays == [FAST.backoff]


def test_connection_refused(sleep: FakeSleep) -> None:
    """A closed local port: retried, then a FetchError saying the connection was refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/page"
    with pytest.raises(FetchError) as info:
        fetch_url(url, OUTLET, FAST, sleep=sleep)
    assert "could not connect" in info.value.problem
    assert "refused" in info.value.problem
    assert sleep.delays == [FAST.backoff, FAST.backoff * 2]


# -- timeouts -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/slow?delay=1.5", "/slow-body?delay=1.5"], ids=["before-headers", "mid-body"])
def test_read_timeout(server: LocalServer, sleep: FakeSleep, path: str) -> None:
    """A server silent for longer than ``read_timeout`` fails fast with "timed out"."""
    settings = replace(FAST, read_timeout=0.3)
    started = time.monotonic()
    exc = fetch_error(server, path, settings, sleep)
    elapsed = time.monotonic() - started
    assert_names(exc, server.url(path), "timed out")
    assert elapsed < 1.2, f"took {elapsed:.2f} s"
    assert server.hits(path) == 1  # timeouts are not retried


@pytest.mark.parametrize("chunked", ["1", "0"], ids=["chunked", "content-length"])
def test_total_timeout_stops_a_dripping_server(server: LocalServer, chunked: str) -> None:
    """A body that trickles in slower than ``total_timeout`` is cut off near that limit.

    The server writes 20 small pieces 0.1 s apart (2 s in all), each well within
    ``read_timeout``; ``total_timeout`` is 0.5 s, so the fetch should stop after
    about 0.5 s, not after the whole 2 s body.
    """
    path = f"/drip?pieces=20&gap=0.1&chunked={chunked}"
    settings = replace(FAST, read_timeout=1.0, total_timeout=0.5)
    started = time.monotonic()
    exc = fetch_error(server, path, settings)
    elapsed = time.monotonic() - started
    assert_names(exc, server.url(path), "took over")
    assert elapsed < 1.2, f"total_timeout=0.5 s, but the fetch ran {elapsed:.2f} s"


# -- redirects ------------------------------------------------------------------


@pytest.mark.parametrize("max_redirects", [3, 10])
def test_redirect_chain_followed(server: LocalServer, max_redirects: int) -> None:
    """302 -> 302 -> 302 -> 200: the final URL is the last one."""
    snapshot = fetch_url(server.url("/chain/3"), OUTLET, replace(FAST, max_redirects=max_redirects))
    assert snapshot.source == server.url("/chain/3")
    assert snapshot.final_url == server.url("/chain/0")
    assert snapshot.status == 200
    assert snapshot.body == PAGE_BYTES
    assert [server.hits(f"/chain/{n}") for n in (3, 2, 1, 0)] == [1, 1, 1, 1]


def test_redirect_chain_over_limit(server: LocalServer) -> None:
    """The same chain with ``max_redirects=2`` fails, naming the redirects."""
    exc = fetch_error(server, "/chain/3", replace(FAST, max_redirects=2))
    assert_names(exc, server.url("/chain/3"), "more than 2 redirects")
    assert server.hits("/chain/0") == 0


def test_redirect_loop(server: LocalServer, sleep: FakeSleep) -> None:
    """/loop-a -> /loop-b -> /loop-a ... ends in a FetchError about redirects."""
    exc = fetch_error(server, "/loop-a", sleep=sleep)
    assert_names(exc, server.url("/loop-a"), "redirect")
    assert server.hits("/loop-a") + server.hits("/loop-b") == FAST.max_redirects + 1
    assert sleep.delays == []


# -- size cap -------------------------------------------------------------------

BIG_ROUTES = ["/big-declared", "/big-streamed", "/big-chunked"]


@pytest.mark.parametrize("route", BIG_ROUTES)
def test_body_over_cap(server: LocalServer, route: str) -> None:
    """A body over ``max_bytes`` fails, whether or not a Content-Length announced it."""
    path = f"{route}?size=5000"
    exc = fetch_error(server, path, replace(FAST, max_bytes=1000))
    assert_names(exc, server.url(path), "1,000-byte cap")
    if route == "/big-declared":
        assert "5,000 bytes" in exc.problem  # refused from the header alone


@pytest.mark.parametrize("route", BIG_ROUTES)
def test_body_exactly_at_cap(server: LocalServer, route: str) -> None:
    """A body of exactly ``max_bytes`` is accepted."""
    snapshot = fetch_url(server.url(f"{route}?size=1000"), OUTLET, replace(FAST, max_bytes=1000))
    assert len(snapshot.body) == 1000


# -- content checks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fragments"),
    [
        ("/png", ["not an HTML page", "binary", "image/png"]),
        ("/octet", ["not an HTML page", "binary", "application/octet-stream"]),
        ("/json", ["not an HTML page", "application/json"]),
    ],
)
def test_not_a_page(server: LocalServer, path: str, fragments: list[str]) -> None:
    """Images, binary blobs and other non-page types are refused."""
    exc = fetch_error(server, path)
    assert_names(exc, server.url(path), *fragments)
    assert server.hits(path) == 1


@pytest.mark.parametrize("path", ["/empty", "/blank"])
def test_empty_body(server: LocalServer, path: str) -> None:
    """A 200 with an empty (or whitespace-only) body is an error, not an empty page."""
    exc = fetch_error(server, path)
    assert_names(exc, server.url(path), "empty")


# -- decoding -------------------------------------------------------------------


@pytest.mark.parametrize("declare", ["header", "meta", "none"])
def test_windows_1251(server: LocalServer, declare: str) -> None:
    """Cyrillic in windows-1251 decodes from the header, from <meta>, or by detection."""
    snapshot = fetch_url(server.url(f"/cp1251?declare={declare}"), OUTLET, FAST)
    assert snapshot.body == cp1251_page(declare)
    assert snapshot.charset == ("windows-1251" if declare == "header" else None)
    text = snapshot.text()
    assert RUSSIAN_SENTENCE in text
    assert RUSSIAN_PARAGRAPH in text
    if declare != "none":
        assert snapshot.meta()["encoding"] == "cp1251"


def test_gzip(server: LocalServer) -> None:
    """A gzip-encoded body is stored decompressed and decodes to the original text."""
    snapshot = fetch_url(server.url("/gzip"), OUTLET, FAST)
    assert snapshot.body == GZIP_HTML.encode("utf-8")
    assert not snapshot.body.startswith(b"\x1f\x8b")
    assert snapshot.text() == GZIP_HTML


# -- cache and offline ----------------------------------------------------------


def test_cache_then_offline(server: LocalServer, tmp_path: Path) -> None:
    """Online fetches are cached; offline reads the cache and never calls the server."""
    cache = SnapshotCache(tmp_path / "cache")
    url = server.url("/switchable")
    outlet = Outlet(key="daily-test", name=OUTLET, url=url)

    online = get_snapshot(outlet, cache, offline=False, settings=FAST)
    assert online.from_cache is False
    assert server.hits("/switchable") == 1
    stored = cache.get(url)
    assert stored is not None and stored.sha256 == online.sha256

    server.switches["/switchable"] = 500  # the site breaks; offline must not care
    offline = get_snapshot(outlet, cache, offline=True, settings=FAST)
    assert offline.from_cache is True
    assert offline.sha256 == online.sha256
    assert offline.body == PAGE_BYTES
    assert (offline.source, offline.final_url, offline.status, offline.charset) == (
        online.source, online.final_url, online.status, online.charset)
    assert server.hits("/switchable") == 1


def test_offline_without_cache(server: LocalServer, tmp_path: Path) -> None:
    """Offline with nothing cached: a FetchError naming the outlet key and the cache."""
    outlet = Outlet(key="never-fetched", name="Never Fetched", url=server.url("/page"))
    with pytest.raises(FetchError) as info:
        get_snapshot(outlet, SnapshotCache(tmp_path / "cache"), offline=True, settings=FAST)
    message = str(info.value)
    assert info.value.outlet == "never-fetched" and "never-fetched" in message
    assert "offline" in message and "cache" in message
    assert server.hits("/page") == 0


def test_damaged_cache_entry_is_ignored(server: LocalServer, tmp_path: Path) -> None:
    """A cached body that no longer matches its hash is treated as missing."""
    cache = SnapshotCache(tmp_path / "cache")
    url = server.url("/page")
    fetched = fetch_url(url, OUTLET, FAST)
    cache.put(fetched)
    (body_file,) = (tmp_path / "cache").glob("*.body")
    body_file.write_bytes(b"<html>tampered</html>")
    assert cache.get(url) is None


# -- many outlets ---------------------------------------------------------------


def test_get_snapshots_mixed(server: LocalServer, tmp_path: Path) -> None:
    """One good URL, one 404 and one saved file: two snapshots, one error, three callbacks."""
    saved = tmp_path / "saved.html"
    saved.write_bytes(PAGE_BYTES)
    story = Story(story="mixed", title="Mixed", language="en", outlets=(
        Outlet(key="good", name="Good", url=server.url("/page")),
        Outlet(key="gone", name="Gone", url=server.url("/missing")),
        Outlet(key="saved", name="Saved", file=saved),
    ))
    done: list[str] = []
    results = get_snapshots(story, SnapshotCache(tmp_path / "cache"), False, FAST, done.append)

    assert list(results) == ["good", "gone", "saved"]
    assert isinstance(results["good"], Snapshot) and results["good"].status == 200
    assert isinstance(results["saved"], Snapshot) and results["saved"].final_url is None
    assert isinstance(results["gone"], FetchError)
    assert results["gone"].outlet == "gone" and "404" in str(results["gone"])
    assert sorted(done) == ["gone", "good", "saved"]


def test_get_snapshots_is_concurrent(server: LocalServer, tmp_path: Path) -> None:
    """Four pages that each take 0.5 s arrive together, not one after another."""
    story = Story(story="slow", title="Slow", outlets=tuple(
        Outlet(key=f"slow-{i}", name=f"Slow {i}", url=server.url(f"/slow?delay=0.5&n={i}")) for i in range(4)
    ))
    lock, done = threading.Lock(), []

    def on_done(key: str) -> None:
        with lock:
            done.append(key)

    started = time.monotonic()
    results = get_snapshots(story, SnapshotCache(tmp_path / "cache"), False, FAST, on_done)
    elapsed = time.monotonic() - started
    assert all(isinstance(r, Snapshot) for r in results.values()), results
    assert len(done) == 4
    assert elapsed < 1.5, f"4 x 0.5 s pages took {elapsed:.2f} s"


def test_get_snapshots_offline_uses_cache(server: LocalServer, tmp_path: Path) -> None:
    """Offline, cached outlets come from the cache and uncached ones become errors."""
    cache = SnapshotCache(tmp_path / "cache")
    cache.put(fetch_url(server.url("/page"), OUTLET, FAST))
    story = Story(story="off", title="Off", outlets=(
        Outlet(key="cached", name="Cached", url=server.url("/page")),
        Outlet(key="uncached", name="Uncached", url=server.url("/switchable")),
    ))
    results = get_snapshots(story, cache, offline=True, settings=FAST)
    assert isinstance(results["cached"], Snapshot) and results["cached"].from_cache
    assert isinstance(results["uncached"], FetchError)
    assert server.hits("/page") == 1 and server.hits("/switchable") == 0


# -- saved files ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [("page.txt", "text"), ("page.html", "html"), ("page.HTM", "html")])
def test_read_file_kinds(tmp_path: Path, name: str, kind: str) -> None:
    """The suffix decides the kind and content type; there is no URL or status."""
    path = tmp_path / name
    path.write_bytes(PAGE_BYTES if kind == "html" else PAGE_SENTENCE.encode("utf-8"))
    snapshot = read_file(path, "saved")
    assert snapshot.kind == kind
    assert snapshot.content_type == ("text/plain" if kind == "text" else "text/html")
    assert snapshot.source == str(path)
    assert snapshot.final_url is None and snapshot.status is None
    assert PAGE_SENTENCE in snapshot.text()


def test_read_file_missing(tmp_path: Path) -> None:
    """A missing file is a FetchError naming the outlet and the path."""
    path = tmp_path / "nope.html"
    with pytest.raises(FetchError) as info:
        read_file(path, "saved")
    assert info.value.outlet == "saved" and str(path) in str(info.value)
    assert "cannot read" in info.value.problem


def test_read_file_over_cap(tmp_path: Path) -> None:
    """A file over ``max_bytes`` is refused before it is read."""
    path = tmp_path / "big.html"
    path.write_bytes(b"<html>" + b"a" * 2000 + b"</html>")
    with pytest.raises(FetchError) as info:
        read_file(path, "saved", max_bytes=1000)
    assert "1,000-byte cap" in info.value.problem


@pytest.mark.parametrize(("content", "fragment"), [(PNG_BYTES, "binary"), (b"  \n", "empty")])
def test_read_file_not_a_page(tmp_path: Path, content: bytes, fragment: str) -> None:
    """A saved file that is really an image, or is empty, is refused."""
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(FetchError) as info:
        read_file(path, "saved")
    assert fragment in info.value.problem


def test_get_snapshot_file_outlet_ignores_offline(tmp_path: Path) -> None:
    """A file outlet is read from disk online and offline alike, and never cached."""
    path = tmp_path / "saved.html"
    path.write_bytes(PAGE_BYTES)
    cache = SnapshotCache(tmp_path / "cache")
    outlet = Outlet(key="saved", name="Saved", file=path)
    for offline in (False, True):
        assert get_snapshot(outlet, cache, offline, FAST).body == PAGE_BYTES
    assert not (tmp_path / "cache").exists()



def test_declared_latin1_but_utf8_bytes_decode_as_utf8() -> None:
    """A server's default charset=ISO-8859-1 on a UTF-8 page must not produce mojibake."""
    from parallax.acquire.snapshot import decode

    body = "<p>Der Rat beschließt: Straße, Größe, Übung.</p>".encode("utf-8")
    assert decode(body, "ISO-8859-1") == ("<p>Der Rat beschließt: Straße, Größe, Übung.</p>", "utf-8")
    latin = "<p>Der Rat beschließt.</p>".encode("cp1252")
    assert decode(latin, "ISO-8859-1")[0] == "<p>Der Rat beschließt.</p>"



# -- politeness: robots.txt, per-site limits, User-Agent ------------------------------------

def _story(server: LocalServer, paths: list[str]) -> Story:
    return Story(story="polite", title="Polite", outlets=tuple(
        Outlet(key=f"o{i}", name=f"O {i}", url=server.url(p)) for i, p in enumerate(paths)))


def test_robots_txt_disallow_is_respected_and_named(server: LocalServer, tmp_path: Path) -> None:
    server.robots_txt = "User-agent: *\nDisallow: /slow\n"
    results = get_snapshots(_story(server, ["/page", "/slow?delay=0"]), SnapshotCache(tmp_path / "c"), False, FAST)
    assert isinstance(results["o0"], Snapshot)
    refused = results["o1"]
    assert isinstance(refused, FetchError) and "robots.txt disallows" in str(refused) and "file:" in str(refused)
    assert server.hits("/slow?delay=0") == 0          # never requested
    assert server.hits("/robots.txt") == 1            # read once per site, not per page


def test_a_site_that_cannot_be_reached_says_so_not_robots_txt(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    story = Story(story="polite", title="Polite", outlets=(Outlet(key="o0", name="O 0", url=f"http://127.0.0.1:{port}/a"),))
    failed = get_snapshots(story, SnapshotCache(tmp_path / "c"), False, FAST)["o0"]
    assert isinstance(failed, FetchError)
    assert failed.problem == f"could not connect to 127.0.0.1:{port} (connection refused)"
    assert "robots" not in str(failed) and "check the address and your connection" in str(failed)


def test_robots_rules_for_parallax_and_ignoring_robots(server: LocalServer, tmp_path: Path) -> None:
    server.robots_txt = "User-agent: Parallax\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    story = _story(server, ["/page"])
    assert isinstance(get_snapshots(story, SnapshotCache(tmp_path / "c"), False, FAST)["o0"], FetchError)
    fetched = get_snapshots(story, SnapshotCache(tmp_path / "c"), False, replace(FAST, robots=False))["o0"]
    assert isinstance(fetched, Snapshot) and server.hits("/page") == 1


@pytest.mark.parametrize("status, allowed", [(404, True), (403, True), (503, False)])
def test_robots_status_follows_rfc_9309(server: LocalServer, tmp_path: Path, status: int, allowed: bool) -> None:
    server.switches["/robots.txt"] = status
    result = get_snapshots(_story(server, ["/page"]), SnapshotCache(tmp_path / "c"), False, FAST)["o0"]
    assert isinstance(result, Snapshot) is allowed
    if not allowed:
        assert "503" in str(result)


def test_requests_to_one_site_are_limited_and_spaced(server: LocalServer, tmp_path: Path) -> None:
    paths = [f"/track?delay=0.2&n={i}" for i in range(6)]
    settings = replace(FAST, per_host=2, delay=0.0)
    results = get_snapshots(_story(server, paths), SnapshotCache(tmp_path / "c"), False, settings)
    assert all(isinstance(r, Snapshot) for r in results.values())
    assert server.max_in_flight == 2

    server.reset()
    started = time.monotonic()
    get_snapshots(_story(server, paths[:3]), SnapshotCache(tmp_path / "c"), False,
                  replace(FAST, per_host=8, delay=0.3))
    starts = sorted(s for s in server.request_times if "/track" in s[1])
    assert len(starts) == 3
    gaps = [b[0] - a[0] for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.25, gaps
    assert time.monotonic() - started < 3


def test_user_agent_names_parallax_and_the_contact(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_CONTACT", "mailto:desk@newsroom.example")
    fetch_url(server.url("/page"), OUTLET, FAST)
    agent = server.requests_to("/page")[0].headers["user-agent"]
    assert "Parallax/" in agent and "mailto:desk@newsroom.example" in agent
    monkeypatch.delenv("PARALLAX_CONTACT")
    assert "+" not in user_agent("") and "+https://lab.example/parallax" in user_agent("https://lab.example/parallax")


def test_unchanged_page_is_reused_through_a_conditional_request(server: LocalServer, tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "c")
    story = _story(server, ["/versioned"])
    first = get_snapshots(story, cache, False, FAST)["o0"]
    assert isinstance(first, Snapshot) and first.etag == '"v1"'
    again = get_snapshots(story, cache, False, FAST)["o0"]
    assert isinstance(again, Snapshot)
    assert again.from_cache and again.sha256 == first.sha256 and again.fetched_at == first.fetched_at  # reused
    assert server.requests_to("/versioned")[-1].headers.get("if-none-match") == '"v1"'
    server.switches["/versioned"] = 2
    changed = get_snapshots(story, cache, False, FAST)["o0"]
    assert isinstance(changed, Snapshot) and b"version 2" in changed.body and changed.etag == '"v2"'
    assert cache.get(server.url("/versioned")).sha256 == changed.sha256


# -- redirects to other hosts: robots.txt and credentials -----------------------------------------

def test_a_redirect_to_another_host_asks_that_hosts_robots_txt(server: LocalServer, tmp_path: Path) -> None:
    """The first host allows everything; the second disallows /story/: the outlet fails naming the
    second host and its rule, and the second host's page is never requested."""
    with running_server() as other:
        other.robots_txt = "User-agent: *\nAllow: /\n\nUser-agent: Parallax\nDisallow: /story/\n"
        other.pages["kept"] = PAGE_HTML
        start = "/redirect?to=" + quote(other.url("/story/kept"), safe="")
        failed = get_snapshots(_story(server, [start]), SnapshotCache(tmp_path / "c"), False, FAST)["o0"]
        assert isinstance(failed, FetchError)
        assert failed.problem == (f"redirected to {other.url('/story/kept')}: {other.base_url}/robots.txt disallows "
                                  "this page for Parallax (rule 'Disallow: /story/')")
        assert other.hits("/robots.txt") == 1 and other.hits("/story/kept") == 0
        assert server.hits("/robots.txt") == 1


def test_a_redirect_to_an_allowing_host_is_fetched_and_its_address_kept(server: LocalServer, tmp_path: Path) -> None:
    with running_server() as other:
        other.robots_txt = "User-agent: *\nDisallow: /private\n"
        other.pages["open"] = PAGE_HTML
        start = "/redirect?to=" + quote(other.url("/story/open"), safe="")
        fetched = get_snapshots(_story(server, [start]), SnapshotCache(tmp_path / "c"), False, FAST)["o0"]
        assert isinstance(fetched, Snapshot) and fetched.body == PAGE_BYTES
        assert fetched.final_url == other.url("/story/open") and other.hits("/robots.txt") == 1


def test_credentials_in_a_redirect_are_dropped_and_never_stored(server: LocalServer, tmp_path: Path) -> None:
    """A Location of http://user:secret@host/... is followed without the userinfo: no request carries
    an Authorization header and the secret is in no cached file."""
    with running_server() as other:
        other.pages["open"] = PAGE_HTML
        server.location = other.url("/story/open").replace("http://", "http://user:s3cret-pw@")
        cache = SnapshotCache(tmp_path / "c")
        fetched = get_snapshots(_story(server, ["/redirect"]), cache, False, FAST)["o0"]
        assert isinstance(fetched, Snapshot) and fetched.final_url == other.url("/story/open")
        assert all("authorization" not in seen.headers for seen in other.requests_to("/story/open"))
        stored = b"".join(f.read_bytes() for f in (tmp_path / "c").rglob("*") if f.is_file())
        assert stored and b"s3cret-pw" not in stored


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x"])
def test_a_redirect_to_a_non_web_address_is_refused(server: LocalServer, target: str) -> None:
    exc = fetch_error(server, "/redirect?to=" + quote(target, safe=""))
    assert exc.problem == f"redirected to {target!r}, which is not a web page address"
