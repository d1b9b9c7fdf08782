"""A small real HTTP server for the fetch tests.

It listens on 127.0.0.1 only, on a port the OS chooses, in a background
thread. Every request is recorded (path and headers) and counted per path
(the full path, query included), so a route can behave differently on its
first and later hits (``500`` then ``200``, ``429`` then ``200``...).

Routes (query parameters in brackets):

=====================  ====================================================
``/page``              200, UTF-8 HTML with ``charset=utf-8``
``/missing``           404
``/flaky[status]``     ``status`` (default 500) on the first hit, then 200
``/ratelimited[after]`` 429 with ``Retry-After: after`` first, then 200
``/down``              always 503
``/drop-then-ok``      first hit: connection closed without an answer; then 200
``/slow[delay]``       sleeps ``delay`` s before answering 200
``/slow-body[delay]``  sends half the body, sleeps ``delay`` s, sends the rest
``/chain/<n>``         302 to ``/chain/<n-1>``; ``/chain/0`` is a 200 page
``/loop-a``, ``/loop-b``  302 to each other, forever
``/redirect[to]``      302 to ``to`` as given (another host, a scheme...), else to
                       ``server.location``
``/big-declared[size]`` ``size`` bytes with a Content-Length
``/big-streamed[size]`` ``size`` bytes, no Content-Length, closed at the end
``/big-chunked[size]``  ``size`` bytes, ``Transfer-Encoding: chunked``
``/drip[pieces,gap,chunked]`` body sent in ``pieces`` small writes ``gap`` s apart
``/png``, ``/octet``, ``/json``  non-HTML bodies
``/cp1251[declare]``   Cyrillic page in windows-1251; ``declare`` is
                       ``header``, ``meta`` or ``none``
``/gzip``              UTF-8 page with ``Content-Encoding: gzip``
``/empty``, ``/blank``  200 with an empty / whitespace-only body
``/switchable``        status taken from ``server.switches["/switchable"]`` (200)
``/robots.txt``        ``server.robots_txt`` (200) when set; else the status in
                       ``server.switches["/robots.txt"]``; else 404
``/story/<name>``      200 with ``server.pages[name]`` (UTF-8 HTML); 404 when absent
``/versioned``         200 with ``ETag: "v<N>"`` where N is ``server.switches["/versioned"]``
                       (default 1); 304 when the request's If-None-Match is that tag
``/track[delay]``      200 after ``delay`` s, counting requests in flight
                       (``server.max_in_flight``)
=====================  ====================================================
"""

from __future__ import annotations

import gzip
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"

PAGE_SENTENCE = "Officials in Zürich said the café reopened — naïvely, some thought."
PAGE_HTML = (
    "<!doctype html><html><head><title>Test page</title></head>"
    f"<body><article><h1>Headline</h1><p>{PAGE_SENTENCE}</p></article></body></html>"
)
PAGE_BYTES = PAGE_HTML.encode("utf-8")

RUSSIAN_SENTENCE = "Министерство обороны сообщило, что ночью над областью были сбиты двенадцать беспилотников."
RUSSIAN_PARAGRAPH = (
    f"{RUSSIAN_SENTENCE} По словам губернатора, пострадавших нет, однако в нескольких сёлах "
    "повреждены крыши жилых домов и линии электропередачи. Аварийные службы работали до утра, "
    "чтобы восстановить подачу света в больницы и школы. Местные жители рассказали журналистам, "
    "что слышали взрывы около трёх часов ночи и видели вспышки над лесом. Независимые эксперты "
    "пока не смогли подтвердить число сбитых аппаратов, а официальные лица отказались от "
    "дальнейших комментариев до окончания расследования."
)

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
OCTET_BYTES = b"BLOB\x00\x01\x02\x03 not text \x00\xff\xfe" * 64


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]  # names lower-cased


Route = Callable[["Handler", int, dict[str, str]], None]


class LocalServer(ThreadingHTTPServer):
    """A threading HTTP server on 127.0.0.1 that records what it was asked."""

    daemon_threads = True  # a handler still sleeping must not hold up shutdown

    def __init__(self) -> None:
        super().__init__((HOST, 0), Handler)
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.counts: Counter[str] = Counter()
        self.switches: dict[str, int] = {}
        self.errors: list[BaseException] = []
        self.robots_txt = ""
        self.location = "/page"           # where /redirect sends a request without ?to=
        self.pages: dict[str, str] = {}   # /story/<name> -> HTML (kept across reset())
        self.request_times: list[tuple[float, str]] = []  # (monotonic time, path) of each request
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.server_address[1]}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + path

    def record(self, path: str, headers: dict[str, str]) -> int:
        """Remember a request; return how many times ``path`` has been hit (1 for the first)."""
        with self.lock:
            self.seen.append(Seen(path, headers))
            self.request_times.append((time.monotonic(), path))
            self.counts[path] += 1
            return self.counts[path]

    def hits(self, path: str) -> int:
        """How many requests ``path`` (query included) received."""
        with self.lock:
            return self.counts[path]

    def requests_to(self, path: str) -> list[Seen]:
        """The requests ``path`` received, oldest first."""
        with self.lock:
            return [s for s in self.seen if s.path == path]

    def reset(self) -> None:
        """Forget requests, counters and switches (between tests)."""
        with self.lock:
            self.seen.clear()
            self.counts.clear()
            self.switches.clear()
            self.errors.clear()
            self.robots_txt = ""
            self.location = "/page"
            self.request_times.clear()
            self.in_flight = self.max_in_flight = 0

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore clients that hung up (timeouts, caps); keep anything else for inspection."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        if exc is not None:
            self.errors.append(exc)
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """Dispatches GET requests to the functions in :data:`ROUTES`."""

    server: LocalServer
    protocol_version = "HTTP/1.0"  # one request per connection; bodies may end at close

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet."""

    def do_GET(self) -> None:
        """Record the request and answer it from the route table."""
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        hit = self.server.record(self.path, {k.lower(): v for k, v in self.headers.items()})
        chain = re.fullmatch(r"/chain/(\d+)", parts.path)
        story = re.fullmatch(r"/story/([\w.-]+)", parts.path)
        if story:
            page = self.server.pages.get(story.group(1))
            if page is None:
                _not_found(self, hit, query)
            else:
                self.answer(200, page.encode("utf-8"))
            return
        if chain:
            query["n"] = chain.group(1)
            route = _chain
        else:
            route = ROUTES.get(parts.path, _not_found)
        route(self, hit, query)

    # -- helpers -----------------------------------------------------------

    def answer(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        """Send a whole response."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


# -- routes ------------------------------------------------------------------


def _filler(size: int) -> bytes:
    """An HTML body of exactly ``size`` bytes (``size`` >= 20)."""
    head, tail = b"<html><body><p>", b"</p></body></html>"
    return head + b"a" * max(0, size - len(head) - len(tail)) + tail


def _page(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, PAGE_BYTES)


def _not_found(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(404, b"<html><body>Not here</body></html>")


def _flaky(h: Handler, hit: int, q: dict[str, str]) -> None:
    if hit == 1:
        h.answer(int(q.get("status", "500")), b"<html>oops</html>")
    else:
        h.answer(200, PAGE_BYTES)


def _ratelimited(h: Handler, hit: int, q: dict[str, str]) -> None:
    if hit == 1:
        h.answer(429, b"<html>slow down</html>", headers={"Retry-After": q.get("after", "2")})
    else:
        h.answer(200, PAGE_BYTES)


def _down(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(503, b"<html>maintenance</html>")


def _drop_then_ok(h: Handler, hit: int, q: dict[str, str]) -> None:
    if hit == 1:
        h.close_connection = True  # say nothing: the client sees the connection close
        return
    h.answer(200, PAGE_BYTES)


def _slow(h: Handler, hit: int, q: dict[str, str]) -> None:
    time.sleep(float(q.get("delay", "1.5")))
    h.answer(200, PAGE_BYTES)


def _slow_body(h: Handler, hit: int, q: dict[str, str]) -> None:
    half = len(PAGE_BYTES) // 2
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(PAGE_BYTES)))
    h.end_headers()
    h.wfile.write(PAGE_BYTES[:half])
    h.wfile.flush()
    time.sleep(float(q.get("delay", "1.5")))
    h.wfile.write(PAGE_BYTES[half:])
    h.wfile.flush()


def _chain(h: Handler, hit: int, q: dict[str, str]) -> None:
    n = int(q["n"])
    if n == 0:
        h.answer(200, PAGE_BYTES)
    else:
        h.answer(302, b"", content_type=None, headers={"Location": f"/chain/{n - 1}"})


def _redirect(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(302, b"", content_type=None, headers={"Location": q.get("to", h.server.location)})


def _loop_a(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(302, b"", content_type=None, headers={"Location": "/loop-b"})


def _loop_b(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(302, b"", content_type=None, headers={"Location": "/loop-a"})


def _big_declared(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, _filler(int(q["size"])))


def _big_streamed(h: Handler, hit: int, q: dict[str, str]) -> None:
    body = _filler(int(q["size"]))
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Connection", "close")
    h.end_headers()
    for start in range(0, len(body), 500):
        h.wfile.write(body[start:start + 500])
        h.wfile.flush()
    h.close_connection = True


def _write_chunked(h: Handler, pieces: list[bytes], gap: float = 0.0) -> None:
    h.protocol_version = "HTTP/1.1"  # chunked encoding needs HTTP/1.1 on the status line
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Transfer-Encoding", "chunked")
    h.send_header("Connection", "close")
    h.end_headers()
    for piece in pieces:
        h.wfile.write(f"{len(piece):x}\r\n".encode("ascii") + piece + b"\r\n")
        h.wfile.flush()
        time.sleep(gap)
    h.wfile.write(b"0\r\n\r\n")
    h.wfile.flush()
    h.close_connection = True


def _big_chunked(h: Handler, hit: int, q: dict[str, str]) -> None:
    body = _filler(int(q["size"]))
    _write_chunked(h, [body[i:i + 500] for i in range(0, len(body), 500)])


def _drip(h: Handler, hit: int, q: dict[str, str]) -> None:
    pieces = [b"<p>drip</p>\n"] * int(q.get("pieces", "20"))
    gap = float(q.get("gap", "0.1"))
    if q.get("chunked") == "1":
        _write_chunked(h, pieces, gap)
        return
    body_len = sum(map(len, pieces))
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(body_len))
    h.end_headers()
    for piece in pieces:
        h.wfile.write(piece)
        h.wfile.flush()
        time.sleep(gap)


def _png(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, PNG_BYTES, content_type="image/png")


def _octet(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, OCTET_BYTES, content_type="application/octet-stream")


def _json(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, b'{"headline": "not a page"}', content_type="application/json")


def cp1251_page(declare: str) -> bytes:
    """The Cyrillic test page in windows-1251; ``declare="meta"`` adds a ``<meta charset>``."""
    meta = '<meta charset="windows-1251">' if declare == "meta" else ""
    html = (
        f"<!doctype html><html><head>{meta}<title>Новости</title></head>"
        f"<body><article><p>{RUSSIAN_PARAGRAPH}</p></article></body></html>"
    )
    return html.encode("cp1251")


def _cp1251(h: Handler, hit: int, q: dict[str, str]) -> None:
    declare = q.get("declare", "header")
    content_type = "text/html; charset=windows-1251" if declare == "header" else "text/html"
    h.answer(200, cp1251_page(declare), content_type=content_type)


GZIP_HTML = f"<!doctype html><html><body><p>{PAGE_SENTENCE}</p><p>{RUSSIAN_SENTENCE}</p></body></html>"


def _gzip(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, gzip.compress(GZIP_HTML.encode("utf-8")), headers={"Content-Encoding": "gzip"})


def _empty(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, b"")


def _blank(h: Handler, hit: int, q: dict[str, str]) -> None:
    h.answer(200, b" \r\n\t \n")


def _switchable(h: Handler, hit: int, q: dict[str, str]) -> None:
    status = h.server.switches.get("/switchable", 200)
    h.answer(status, PAGE_BYTES if status == 200 else b"<html>broken</html>")


def _robots(h: Handler, hit: int, q: dict[str, str]) -> None:
    if h.server.robots_txt:
        h.answer(200, h.server.robots_txt.encode(), "text/plain")
    else:
        h.answer(h.server.switches.get("/robots.txt", 404), b"", "text/plain")


def _versioned(h: Handler, hit: int, q: dict[str, str]) -> None:
    version = h.server.switches.get("/versioned", 1)
    tag = f'"v{version}"'
    if h.headers.get("If-None-Match") == tag:
        h.answer(304, b"", None, headers={"ETag": tag}, length=False)
        return
    body = f"<html><body><h1>Version {version}</h1><p>Text of version {version}.</p></body></html>".encode()
    h.answer(200, body, headers={"ETag": tag})


def _track(h: Handler, hit: int, q: dict[str, str]) -> None:
    with h.server.lock:
        h.server.in_flight += 1
        h.server.max_in_flight = max(h.server.max_in_flight, h.server.in_flight)
    time.sleep(float(q.get("delay", "0.2")))
    with h.server.lock:
        h.server.in_flight -= 1
    _page(h, hit, q)


ROUTES: dict[str, Route] = {
    "/robots.txt": _robots,
    "/track": _track,
    "/versioned": _versioned,
    "/page": _page,
    "/missing": _not_found,
    "/flaky": _flaky,
    "/ratelimited": _ratelimited,
    "/down": _down,
    "/drop-then-ok": _drop_then_ok,
    "/slow": _slow,
    "/slow-body": _slow_body,
    "/redirect": _redirect,
    "/loop-a": _loop_a,
    "/loop-b": _loop_b,
    "/big-declared": _big_declared,
    "/big-streamed": _big_streamed,
    "/big-chunked": _big_chunked,
    "/drip": _drip,
    "/png": _png,
    "/octet": _octet,
    "/json": _json,
    "/cp1251": _cp1251,
    "/gzip": _gzip,
    "/empty": _empty,
    "/blank": _blank,
    "/switchable": _switchable,
}


@contextmanager
def running_server() -> Iterator[LocalServer]:
    """Start a :class:`LocalServer` in a daemon thread; stop and close it on exit."""
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="parallax-test-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
