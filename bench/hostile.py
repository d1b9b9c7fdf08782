"""Hostile-input battery: how Parallax behaves when specs, servers, pages and folders fight back.

Each case feeds the real ``parallax`` command (run as a subprocess, the way a user runs it) one
hostile input and checks the exact behaviour the README and the CLI promise: the exit status
(0 ok, 1 some outlet failed, 2 bad spec or usage, 3 the report failed, 4 the story is busy), a
message that names the outlet or field and says what to do, the other outlets still done
(their row in ``tables/articles.csv`` with status ``ok``), earlier run folders untouched (hashed
before and after), no secret anywhere under the output and cache folders (contents and file
names), and bounds on wall time and on the peak memory of the command and its children
(``os.wait4``'s ``ru_maxrss``).

Categories:
  specs    malformed, oversized and malicious story specs and word lists (``validate`` and ``run``)
  http     a local server on 127.0.0.1 that misbehaves (status codes, timeouts, bombs, redirects,
           robots.txt); each run has one bad URL outlet and one good saved page
  content  hostile pages (no article, huge sentences, deep nesting, markup and formula injection,
           odd scripts and characters, furniture)
  runs     run folders under stress (concurrent runs, SIGKILL and SIGINT midway, reruns of altered
           runs, read-only, full and permission-denied disks, broken caches)

Nothing leaves this machine: every URL is on servers this script starts on 127.0.0.1, and every
child runs with a ``sitecustomize`` that refuses (and logs) any other connection; the last case
checks that log. Each case works in its own temporary folder (runs, cache, pages), removed at the
end unless ``--keep``. Some cases need root (read-only bind mounts, a small tmpfs through
``unshare -m``; ``setpriv`` to run as nobody); without it they are skipped.

This is a benchmark, not a test: it prints one row per case (id, category, case, expected,
observed, HELD/FAILED), the full observation of every FAILED case, and "N of M held", and exits 0
unless the script itself crashes.

    .venv/bin/python bench/hostile.py                      # the default battery (13-18 min on 2 cores)
    .venv/bin/python bench/hostile.py --only http          # one category (specs, http, content, runs)
    .venv/bin/python bench/hostile.py --case H09,R03       # some cases by id
    .venv/bin/python bench/hostile.py --slow               # also the slow cases (1,000 outlets)
    .venv/bin/python bench/hostile.py --jobs 1 --keep --json results.json
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PARALLAX = ROOT / ".venv" / "bin" / "parallax"
HOST = "127.0.0.1"

MEMORY_MB = 2500          # peak RSS of a command and its children
BOMB_MEMORY_MB = 1000     # ... when the input is a decompression or size bomb
RUN_SECONDS = 120         # wall time of one `parallax run` of two small outlets (about 16 s alone)
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_REPORT, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
COMPLETE = ("ok", "partial")   # run.json statuses that may become `latest`
CHARTS = ("reading_ease", "grade_levels", "sentence_lengths", "article_length", "coverage_map",
          "attribution_status", "sources_quoted", "distinctive_terms", "naming", "lexicon_rates", "text_reuse")
BAD, BAD_KEY = "Faulty Wire", "faulty-wire"       # the hostile outlet of a two-outlet story
GOOD, GOOD_KEY = "Saved Herald", "saved-herald"   # the good saved page beside it

csv.field_size_limit(sys.maxsize)

# ---------------------------------------------------------------------------------------- pages
# Fictional text written for this battery.

FERRY = [
    "The Lindmoor harbour council postponed its vote on the winter ferry timetable on Tuesday, after "
    "residents of the outer islands asked for more time to study the plan, the council's chair, Maren "
    "Oduya, said.",
    "The proposal would cut the late crossing to Skerry Point from four evenings a week to two between "
    "November and March. Ferry operator Blue Gull Lines says the late boats carry fewer than a dozen "
    "passengers on most winter nights.",
    "\u201cWe heard clearly that people need the evening boat to get home from shifts at the hospital,\u201d "
    "Ms Oduya told reporters after the meeting. She said the council would hold two more public hearings "
    "before the end of the month.",
    "Island residents' association spokesman Tomas Reil welcomed the delay but warned that families could "
    "leave the islands if the service shrank. The council is now expected to vote on the timetable on "
    "October 28, according to the meeting's minutes.",
]
FERRY_B = [
    "Islanders won a reprieve on Tuesday when the Lindmoor harbour council put off its vote on a winter "
    "ferry timetable that would halve the late sailings to Skerry Point, council chair Maren Oduya said.",
    "Blue Gull Lines, which runs the route, says the evening boats carry fewer than a dozen passengers on "
    "most winter nights and cost the council more than any other crossing.",
    "\u201cWe heard clearly that people need the evening boat to get home from shifts at the hospital,\u201d "
    "Ms Oduya said. Two more public hearings will be held before the end of the month.",
    "Tomas Reil, who speaks for the island residents' association, said families could leave the islands if "
    "the service shrank. A vote is now expected on October 28, according to the minutes.",
]
SPANISH = [
    "El consejo del puerto de Lindmoor aplazó el martes la votación sobre el horario de invierno del ferri, "
    "después de que los vecinos de las islas exteriores pidieran más tiempo para estudiar el plan, según dijo "
    "la presidenta del consejo, Maren Oduya.",
    "La propuesta reduciría el último cruce a Skerry Point de cuatro noches por semana a dos entre noviembre "
    "y marzo. La naviera Blue Gull Lines afirma que los barcos nocturnos llevan menos de una docena de "
    "pasajeros la mayoría de las noches de invierno.",
    "«Hemos oído con claridad que la gente necesita el barco de la tarde para volver a casa después de sus "
    "turnos en el hospital», dijo Oduya a los periodistas. El consejo celebrará dos audiencias públicas más "
    "antes de fin de mes.",
]
RUSSIAN = ("Совет гавани Линдмура во вторник отложил голосование о зимнем расписании парома, после того как "
           "жители внешних островов попросили больше времени, чтобы изучить план, сообщила председатель совета "
           "Марен Одуя. Предложение сократит поздний рейс до мыса Скерри с четырёх вечеров в неделю до двух с "
           "ноября по март. Перевозчик утверждает, что поздние рейсы зимой почти пусты. Жители островов говорят, "
           "что без вечернего парома им придётся уезжать, а школьники не смогут возвращаться домой после занятий.")
ACCENTED = ("Visiting planners from Zürich and São Paulo told the café owners on the quay that the naïve hope "
            "of a daily winter service had gone, according to council member Åse Ødegaard.")
SECRET_SPEC = "hx-Spec-Passw0rd-7731"        # never to be seen again once a spec holds it
SECRET_REDIRECT = "hx-Redirect-Passw0rd-4419"


def html_page(title: str, paragraphs: Iterable[str], head: str = "", lang: str = "en", after: str = "") -> str:
    """A small article page: <title>, <h1> and paragraphs inside <article>."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>{head}"
            f"</head><body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>{title}</h1>\n"
            f"{body}{after}</article><footer>Lindmoor Media</footer></body></html>")


BAD_PAGE = html_page("Harbour council delays ferry vote", FERRY).encode("utf-8")
GOOD_PAGE = html_page("Ferry timetable vote put off after islanders object", FERRY_B)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 8
NOISE = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(256))   # 8 KiB, NUL bytes included

# ---------------------------------------------------------------------------------------- network guard

GUARD = '''\
"""Written by bench/hostile.py: refuse (and log) every connection that leaves 127.0.0.1."""
import os, socket
_LOG = os.environ.get("HX_GUARD_LOG", "")
def _local(host):
    if isinstance(host, bytes):
        host = host.decode()
    return host in ("localhost", "127.0.0.1", "::1", "", None) or str(host).startswith("127.")
def _refuse(what):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"pid {os.getpid()}: {what}\\n")
    raise OSError(101, "network disabled by bench/hostile.py: " + what)
_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect(self, address)
def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _refuse(f"connect {address!r}")
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        _refuse(f"getaddrinfo {host!r}")
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
'''

# ---------------------------------------------------------------------------------------- HTTP server


class FaultServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 whose routes misbehave on purpose; it records every request."""

    daemon_threads = True

    def __init__(self, robots: str | int | None = None) -> None:
        super().__init__((HOST, 0), FaultHandler)
        self.robots = robots              # robots.txt: its text, a status code to answer, or None (404)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, str, dict[str, str]]] = []   # (monotonic time, path, headers)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def record(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.hits[path] += 1
            self.log.append((time.monotonic(), path, headers))
            return self.hits[path]

    def requests_to(self, path: str) -> list[tuple[float, str, dict[str, str]]]:
        """Requests whose path (query included) starts with ``path``."""
        with self.lock:
            return [entry for entry in self.log if entry[1].startswith(path)]

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.0"   # one request per connection; a body may end at the close

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        hit = self.server.record(self.path, {k.lower(): v for k, v in self.headers.items()})
        route = ROUTES.get(parts.path, _route_not_found)
        try:
            route(self, query, hit)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the client gave up (a cap, a timeout): that is the point of most routes

    def answer(self, status: int, body: bytes, content_type: str | None = "text/html; charset=utf-8",
               headers: dict[str, str] | None = None, length: bool = True) -> None:
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

    def start_stream(self, content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True


Route = Callable[[FaultHandler, dict[str, str], int], None]
_BOMB: list[bytes] = []
_BOMB_LOCK = threading.Lock()


def gzip_bomb() -> bytes:
    """1 GiB of zeros, gzip-compressed (about 1 MB), built once."""
    with _BOMB_LOCK:
        if not _BOMB:
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = bytes(1 << 20)
            _BOMB.append(b"".join(packer.compress(zeros) for _ in range(1024)) + packer.flush())
        return _BOMB[0]


def _route_not_found(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.answer(404, b"<html><body>Not here</body></html>")


def _route_robots(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    robots = h.server.robots
    if isinstance(robots, str):
        h.answer(200, robots.encode(), "text/plain")
    else:
        h.answer(robots or 404, b"", "text/plain")


def _route_article(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.answer(200, BAD_PAGE)


def _route_status(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    code = int(q["code"])
    h.answer(code, f"<html><body><h1>Error {code}</h1></body></html>".encode(),
             headers={"Retry-After": q["after"]} if "after" in q else None)


def _route_once(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    """``status`` (with ``Retry-After: after``) on the first hit, the article afterwards."""
    if hit == 1:
        _route_status(h, {"code": q["status"], **({"after": q["after"]} if "after" in q else {})}, hit)
    else:
        _route_article(h, q, hit)


def _route_sleep(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    time.sleep(float(q["s"]))
    _route_article(h, q, hit)


def _route_drip(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    """The page, one byte every ``gap`` seconds (never finishing before ``seconds``)."""
    h.start_stream()
    gap, deadline = float(q.get("gap", "0.5")), time.monotonic() + float(q.get("seconds", "150"))
    body = BAD_PAGE * 100
    for i in range(len(body)):
        if time.monotonic() > deadline:
            return
        h.wfile.write(body[i:i + 1])
        h.wfile.flush()
        time.sleep(gap)


def _route_truncated(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    """Declares twice the page's length, sends half of it and hangs up."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(2 * len(BAD_PAGE)))
    h.end_headers()
    h.wfile.write(BAD_PAGE[: len(BAD_PAGE) // 2])
    h.wfile.flush()
    h.close_connection = True


def _route_gzip_bomb(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    bomb = gzip_bomb()
    h.start_stream(headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))})
    for start in range(0, len(bomb), 65536):
        h.wfile.write(bomb[start:start + 65536])
    h.wfile.flush()


def _route_huge(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    """``mb`` megabytes of HTML, with a Content-Length when ``declare=1``, else until the close."""
    size = int(q["mb"]) * 1_000_000
    h.start_stream(headers={"Content-Length": str(size)} if q.get("declare") == "1" else None)
    chunk = b"<p>" + b"ferry " * 10_000 + b"</p>\n"
    h.wfile.write(b"<html><body><article>")
    sent = 21
    while sent < size:
        piece = chunk[: size - sent]
        h.wfile.write(piece)
        sent += len(piece)


def _route_typed(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    kind = q["kind"]
    if kind == "png":
        h.answer(200, PNG, "image/png")
    elif kind == "pdf":
        h.answer(200, PDF, "application/pdf")
    elif kind == "json":
        h.answer(200, b'{"headline": "Harbour council delays ferry vote"}', "application/json")
    else:   # "binary-html": noise with NUL bytes, declared as HTML
        h.answer(200, NOISE, "text/html; charset=utf-8")


def _route_charset(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    if q["variant"] == "cp1251-said-utf8":
        page = html_page("Паром", [RUSSIAN], lang="ru").replace('<meta charset="utf-8">', "")
        h.answer(200, page.encode("cp1251"), "text/html; charset=utf-8")
    else:   # "utf8-said-latin1"
        page = html_page("Harbour council delays ferry vote", [ACCENTED, *FERRY]).replace('<meta charset="utf-8">', "")
        h.answer(200, page.encode("utf-8"), "text/html; charset=iso-8859-1")


def _route_redirect(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.answer(302, b"", None, headers={"Location": q["to"]})


def _route_redirect_secret(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    """302 to this server's /article with a user:password@ in the Location (the spec never sees it)."""
    target = f"http://hxuser:{SECRET_REDIRECT}@{HOST}:{h.server.server_address[1]}/article?case={q.get('case', '')}"
    h.answer(302, b"", None, headers={"Location": target})


def _route_loop_a(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.answer(302, b"", None, headers={"Location": "/loop-b"})


def _route_loop_b(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.answer(302, b"", None, headers={"Location": "/loop-a"})


def _route_empty(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.answer(200, b"" if q.get("blank") != "1" else b"  \r\n\t \n")


def _route_drop(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.close_connection = True   # answer nothing: the client sees the connection close


def _route_garbage(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.wfile.write(b"SURPRISE \x00\xff not an HTTP answer\r\n\r\n" + NOISE[:512])
    h.wfile.flush()
    h.close_connection = True


def _route_header_bomb(h: FaultHandler, q: dict[str, str], hit: int) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    for i in range(5000):
        h.send_header(f"X-Hostile-{i}", "x" * 50)
    h.send_header("Content-Length", str(len(BAD_PAGE)))
    h.end_headers()
    h.wfile.write(BAD_PAGE)


ROUTES: dict[str, Route] = {
    "/robots.txt": _route_robots, "/article": _route_article, "/private/article": _route_article,
    "/status": _route_status, "/once": _route_once, "/sleep": _route_sleep, "/drip": _route_drip,
    "/truncated": _route_truncated, "/gzip-bomb": _route_gzip_bomb, "/huge": _route_huge, "/typed": _route_typed,
    "/charset": _route_charset, "/redirect": _route_redirect,
    "/redirect-secret": _route_redirect_secret, "/loop-a": _route_loop_a, "/loop-b": _route_loop_b,
    "/empty": _route_empty, "/drop": _route_drop, "/garbage": _route_garbage, "/header-bomb": _route_header_bomb,
}

# ---------------------------------------------------------------------------------------- processes


@dataclass
class Proc:
    """A finished command: exit status, output, wall time and peak memory (it and its children)."""

    args: list[str]
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float
    timed_out: bool

    def folder(self) -> Path | None:
        """The run folder the command printed (the last line ending in report.html)."""
        for line in reversed(self.out.splitlines()):
            if line.strip().endswith("report.html"):
                return Path(line.strip()).parent
        return None

    def summary(self) -> str:
        what = f"KILLED after {self.seconds:.0f} s (time limit)" if self.timed_out else f"exit {self.code}"
        return f"{what} in {self.seconds:.1f} s, {self.peak_mb:.0f} MB"

    def last_err(self, limit: int = 400) -> str:
        lines = [line for line in self.err.splitlines() if line.strip()]
        return clip(lines[-1] if lines else "(no stderr)", limit)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Child:
    """A command started in its own session; ``wait`` reaps it with ``os.wait4`` to learn its peak RSS."""

    def __init__(self, cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.cmd = [str(c) for c in cmd]
        self._out, self._err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.started = time.monotonic()
        # SIGINT at its default, as from a terminal: a battery started with '&' or nohup has it ignored,
        # and children inherit that (R04 would then test nothing)
        self.popen = subprocess.Popen(self.cmd, stdout=self._out, stderr=self._err, stdin=subprocess.DEVNULL,
                                      env=env, cwd=cwd, start_new_session=True, preexec_fn=_default_sigint)
        self.pid = self.popen.pid

    def running(self) -> bool:
        return self.popen.returncode is None and _alive(self.pid)

    def signal(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float) -> Proc:
        deadline, timed_out = self.started + timeout, False
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                timed_out = True
                for child in descendants(self.pid):   # a kernel in a session of its own, too
                    kill(child)
                self.signal(signal.SIGKILL)
                pid, status, usage = os.wait4(self.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.monotonic() - self.started
        code = os.waitstatus_to_exitcode(status)
        self.popen.returncode = code   # reaped here: keep subprocess from waiting on it again
        out, err = (self._read(f) for f in (self._out, self._err))
        return Proc(self.cmd, code, out, err, seconds, usage.ru_maxrss / 1024, timed_out)

    @staticmethod
    def _read(handle: tempfile._TemporaryFileWrapper) -> str:  # type: ignore[name-defined]
        handle.seek(0)
        text = handle.read().decode("utf-8", errors="replace")
        handle.close()
        return text


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, grandchildren...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def processes_with(marker: str) -> list[int]:
    """PIDs of live processes whose environment holds ``marker`` (a case's own cache path)."""
    found = []
    needle = marker.encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def clip(text: str, limit: int = 300) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------- checks


@dataclass
class Verdict:
    held: bool | None      # None: skipped (the machine cannot set the case up)
    observed: str


class Check:
    """Collects what a case saw and which expectations it broke."""

    def __init__(self, proc: Proc | None = None) -> None:
        self.facts: list[str] = []
        self.problems: list[str] = []
        if proc is not None:
            self.facts.append(proc.summary())

    def fact(self, text: str) -> None:
        self.facts.append(text)

    def want(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok

    def verdict(self) -> Verdict:
        parts = self.facts + [f"PROBLEM: {p}" for p in self.problems]
        return Verdict(not self.problems, "; ".join(parts))

    # common expectations -------------------------------------------------------------

    def exit(self, proc: Proc, *codes: int) -> bool:
        return self.want(not proc.timed_out and proc.code in codes,
                         f"exit status {proc.code}{' (killed: time limit)' if proc.timed_out else ''}, "
                         f"expected {' or '.join(map(str, codes))} (last stderr line: {proc.last_err(300)!r})")

    def clean_output(self, proc: Proc) -> None:
        self.want("Traceback" not in proc.err + proc.out, "a Python traceback was printed")

    def bounded(self, proc: Proc, seconds: float, mb: float = MEMORY_MB) -> None:
        self.want(proc.seconds <= seconds, f"took {proc.seconds:.1f} s, bound {seconds:g} s")
        self.want(proc.peak_mb <= mb, f"peak memory {proc.peak_mb:.0f} MB, bound {mb:g} MB")

    def says(self, text: str, *words: str, where: str = "stderr") -> bool:
        missing = [w for w in words if w.lower() not in text.lower()]
        return self.want(not missing, f"{where} lacks {missing!r}")

    def one_line(self, proc: Proc) -> None:
        lines = [line for line in proc.err.splitlines() if line.strip()]
        self.want(len(lines) == 1, f"stderr has {len(lines)} lines, expected one message")


def articles(folder: Path | None) -> dict[str, dict[str, str]]:
    """tables/articles.csv by outlet key ({} when there is none)."""
    path = (folder / "tables" / "articles.csv") if folder else None
    if not path or not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["outlet"]: row for row in csv.DictReader(handle)}


def run_json(folder: Path) -> dict:
    try:
        return json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_folders(story_dir: Path) -> list[Path]:
    """The run folders of a story, oldest first (``latest`` and dot files left out)."""
    if not story_dir.is_dir():
        return []
    return sorted(p for p in story_dir.iterdir() if p.is_dir() and not p.is_symlink() and re.match(r"\d{8}T", p.name))


def tree_hash(folder: Path) -> str:
    """SHA-256 over every file's relative path and bytes (and every symlink's target)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix().encode()
        if path.is_symlink():
            h.update(b"L" + rel + b"->" + os.readlink(path).encode())
        elif path.is_file():
            h.update(b"F" + rel + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def find_secret(secret: str, *roots: Path) -> list[str]:
    """Files under ``roots`` whose name or bytes hold ``secret`` (raw, percent-encoded or base64 of user:secret)."""
    forms = {secret.encode(), quote(secret).encode(), quote(secret, safe="").encode()}
    forms |= {base64.b64encode(f"{user}:{secret}".encode()) for user in ("hxuser", "user")}
    hits = []
    for root in roots:
        if not root.exists():
            continue
        for path in [root, *root.rglob("*")]:
            if secret in str(path):
                hits.append(f"name {path}")
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                if any(form in data for form in forms):
                    hits.append(str(path))
    return hits


def csv_formula_cells(folder: Path) -> list[str]:
    """Cells of tables/*.csv that a spreadsheet would run as a formula (= + - @ tab CR, not a number)."""
    number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    bad = []
    for path in sorted((folder / "tables").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not number.fullmatch(cell):
                        bad.append(f"{path.name}: {clip(cell, 60)}")
    return bad


# ---------------------------------------------------------------------------------------- cases


@dataclass
class Case:
    id: str
    category: str
    title: str
    expected: str
    fn: Callable[["Ctx"], Verdict]
    cost: float = 20.0     # rough seconds, to start the long cases first
    slow: bool = False


CASES: list[Case] = []


def case(id: str, category: str, title: str, expected: str, cost: float = 20.0, slow: bool = False
         ) -> Callable[[Callable[["Ctx"], Verdict]], Callable[["Ctx"], Verdict]]:
    def register(fn: Callable[["Ctx"], Verdict]) -> Callable[["Ctx"], Verdict]:
        CASES.append(Case(id, category, title, expected, fn, cost, slow))
        return fn
    return register


class Battery:
    """What the cases share: the servers, the temporary root, the environment, built-once fixtures."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.guard_dir = root / "guard"
        self.guard_dir.mkdir()
        (self.guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        self.guard_log = root / "network-attempts.log"
        self.home = root / "home"
        self.home.mkdir()
        self.a = FaultServer(robots="User-agent: *\nDisallow: /private/\n")   # the main host
        self.b = FaultServer(robots="User-agent: *\nDisallow: /\n")           # a host that refuses robots
        self.c = FaultServer(robots=500)                                      # robots.txt fails
        self._lock = threading.Lock()
        self._base_run: Path | None = None

    def env(self, cache: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.lower().endswith("_proxy") and not k.startswith(("PARALLAX_", "PYTHON", "JUPYTER"))}
        env.update({
            "PARALLAX_CACHE_DIR": str(cache), "HOME": str(self.home), "XDG_CACHE_HOME": str(self.home / ".cache"),
            "MPLCONFIGDIR": str(self.home / "mpl"), "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONPATH": str(self.guard_dir), "HX_GUARD_LOG": str(self.guard_log),
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", "PYTHONDONTWRITEBYTECODE": "1",
        })
        return env

    def base_run(self) -> Path:
        """A complete run of a two-outlet story of saved pages, made once (reruns start from copies)."""
        with self._lock:
            if self._base_run is None:
                ctx = Ctx(self, "base")
                spec = ctx.story("base", [ctx.good(), {"name": "Second Page", "file": ctx.page("b.html", BAD_PAGE)}])
                proc = ctx.cli("run", spec, "--out", ctx.out, "--offline")
                if proc.code != 0 or proc.folder() is None:
                    raise RuntimeError(f"the base run failed: {proc.summary()}: {proc.err[-2000:]}")
                self._base_run = proc.folder()
            return self._base_run

    def stop(self) -> None:
        for server in (self.a, self.b, self.c):
            server.stop()


class Ctx:
    """One case's own folder (pages, specs, out/, cache/) and helpers to run Parallax in it."""

    def __init__(self, battery: Battery, name: str) -> None:
        self.battery = battery
        self.dir = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=battery.root))
        self.out, self.cache = self.dir / "out", self.dir / "cache"
        self.env = battery.env(self.cache)

    @property
    def a(self) -> FaultServer:
        return self.battery.a

    def page(self, name: str, content: str | bytes) -> str:
        """Write a page beside the specs; return its name (relative to the spec)."""
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return name

    def good(self) -> dict[str, str]:
        """The good outlet: a saved page."""
        return {"name": GOOD, "file": self.page("good.html", GOOD_PAGE)}

    def story(self, story: str, outlets: list[dict[str, str]], title: str = "", extra: str = "",
              name: str = "story.yaml") -> Path:
        """Write a spec (values quoted as JSON strings, which YAML reads as double-quoted scalars)."""
        lines = [f"story: {story}", f"title: {json.dumps(title or 'Hostile battery ' + story, ensure_ascii=False)}"]
        lines += [extra] if extra else []
        lines.append("outlets:")
        for outlet in outlets:
            for i, (key, value) in enumerate(outlet.items()):
                lines.append(f"  {'- ' if i == 0 else '  '}{key}: {json.dumps(value, ensure_ascii=False)}")
        path = self.dir / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def raw_spec(self, content: str | bytes, name: str = "story.yaml") -> Path:
        path = self.dir / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def start(self, *args: object, wrap: list[str] | None = None, env: dict[str, str] | None = None) -> Child:
        return Child([*(wrap or []), str(PARALLAX), *map(str, args)], env or self.env, cwd=self.dir)

    def cli(self, *args: object, timeout: float = RUN_SECONDS + 60, wrap: list[str] | None = None,
            env: dict[str, str] | None = None) -> Proc:
        return self.start(*args, wrap=wrap, env=env).wait(timeout)

    def story_dir(self, story: str) -> Path:
        return self.out / story


def needs_root() -> Verdict | None:
    """A skip verdict unless this process may mount file systems (root with unshare)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return Verdict(None, "skipped: needs root and unshare -m")
    return None


# ------------------------------------------------------------------ specs

def spec_refused(ctx: Ctx, spec: Path, field: str, *words: str, seconds: float = 5.0,
                 forbidden: Iterable[str] = ()) -> Verdict:
    """``validate`` and ``run`` both exit 2 with one line naming the spec, the field and the fix, and
    ``run`` creates nothing under --out."""
    chk = Check()
    for command in ("validate", "run"):
        args = [command, spec] + (["--out", ctx.out, "--offline"] if command == "run" else [])
        proc = ctx.cli(*args, timeout=max(30.0, seconds * 3))
        chk.fact(f"{command}: {proc.summary()}: {proc.last_err(260)}")
        chk.exit(proc, EXIT_USAGE)
        chk.one_line(proc)
        chk.clean_output(proc)
        chk.bounded(proc, seconds if command == "validate" else seconds + 2)
        chk.want(proc.err.startswith(f"parallax: bad spec: {spec.name}") or proc.err.startswith(f"parallax: bad spec: {spec}"),
                 f"{command}: message does not start with 'parallax: bad spec: <spec>'")
        chk.says(proc.err, field, *words, where=command)
        for word in forbidden:
            chk.want(word.lower() not in proc.err.lower(), f"{command}: message says {word!r}")
    chk.want(not ctx.out.exists(), "run created the --out folder before refusing")
    return chk.verdict()


def two_files(ctx: Ctx) -> list[dict[str, str]]:
    return [ctx.good(), {"name": "Second Page", "file": ctx.page("b.html", BAD_PAGE)}]


@case("S01", "specs", "empty spec file", "exit 2, one line: (top level) not a mapping", cost=2)
def s01(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec(""), "(top level)", "not a mapping")


@case("S02", "specs", "not YAML (unclosed [ and {)", "exit 2, one line: line N: not valid YAML", cost=2)
def s02(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec("story: [oops\noutlets: {name: x\n  - : :\n"), "line ", "not valid YAML")


@case("S03", "specs", "a YAML list instead of a mapping", "exit 2: (top level) not a mapping", cost=2)
def s03(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec("- story: x\n- outlets: []\n"), "(top level)", "not a mapping")


@case("S04", "specs", "no 'story:' key", "exit 2: story: missing, add 'story:'", cost=2)
def s04(ctx: Ctx) -> Verdict:
    spec = ctx.raw_spec(f"title: T\noutlets:\n  - name: A\n    url: {ctx.a.url('/article')}\n"
                        f"  - name: B\n    url: {ctx.a.url('/article?b')}\n")
    return spec_refused(ctx, spec, "story: missing", "add 'story:'")


@case("S05", "specs", "no 'outlets:' key", "exit 2: outlets: missing, add 'outlets:'", cost=2)
def s05(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec("story: s05\ntitle: T\n"), "outlets: missing", "add 'outlets:'")


@case("S06", "specs", "unknown top-level key ('outlet:')", "exit 2: outlet: unknown field, lists the fields", cost=2)
def s06(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec("story: s06\noutlet: []\noutlets: []\n"), "outlet: unknown field", "outlets")


@case("S07", "specs", "unknown outlet key ('urll:')", "exit 2: outlets[0].urll: unknown field", cost=2)
def s07(ctx: Ctx) -> Verdict:
    spec = ctx.raw_spec(f"story: s07\noutlets:\n  - name: A\n    urll: {ctx.a.url('/article')}\n"
                        f"  - name: B\n    url: {ctx.a.url('/article')}\n")
    return spec_refused(ctx, spec, "outlets[0].urll", "unknown field")


@case("S08", "specs", "two outlets with the same name", "exit 2: outlets[1].name ... also the name of outlets[0]", cost=2)
def s08(ctx: Ctx) -> Verdict:
    spec = ctx.story("s08", [{"name": "Twin", "url": ctx.a.url("/article?1")}, {"name": "Twin", "url": ctx.a.url("/article?2")}])
    return spec_refused(ctx, spec, "outlets[1].name", "also the name of outlets[0]")


@case("S09", "specs", "a key given twice ('story:' x2)", "exit 2: line N: ... given twice", cost=2)
def s09(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec("story: s09\nstory: other\noutlets: []\n"), "line 2", "given twice")


@case("S10", "specs", "outlet with neither url nor file", "exit 2: outlets[0]: ... neither 'url' nor 'file'", cost=2)
def s10(ctx: Ctx) -> Verdict:
    spec = ctx.story("s10", [{"name": "Nowhere"}, ctx.good()])
    return spec_refused(ctx, spec, "outlets[0]", "neither 'url' nor 'file'", "give exactly one")


@case("S11", "specs", "outlet with both url and file", "exit 2: outlets[0]: ... has both", cost=2)
def s11(ctx: Ctx) -> Verdict:
    spec = ctx.story("s11", [{"name": "Both", "url": ctx.a.url("/article"), "file": "good.html"}, ctx.good()])
    return spec_refused(ctx, spec, "outlets[0]", "has both 'url' and 'file'")


@case("S12", "specs", "file: that does not exist", "exit 2: outlets[0].file ... does not exist, fix the path", cost=2)
def s12(ctx: Ctx) -> Verdict:
    spec = ctx.story("s12", [{"name": "Ghost", "file": "pages/ghost.html"}, ctx.good()])
    return spec_refused(ctx, spec, "outlets[0].file", "does not exist", "fix the path")


@case("S13", "specs", "file: that is a directory (x.html/)", "exit 2: outlets[0].file says it is a folder / not a file "
      "(not 'does not exist')", cost=2)
def s13(ctx: Ctx) -> Verdict:
    (ctx.dir / "folder.html").mkdir()
    spec = ctx.story("s13", [{"name": "Folder", "file": "folder.html"}, ctx.good()])
    verdict = spec_refused(ctx, spec, "outlets[0].file", forbidden=["does not exist"])
    text = verdict.observed.lower()
    if not any(w in text for w in ("director", "folder", "not a regular file", "not a file")):
        verdict = Verdict(False, verdict.observed + "; PROBLEM: the message does not say the path is a folder")
    return verdict


@case("S14", "specs", "spec path is a directory", "exit 2: file: not a regular file", cost=2)
def s14(ctx: Ctx) -> Verdict:
    (ctx.dir / "spec.yaml").mkdir()
    return spec_refused(ctx, ctx.dir / "spec.yaml", "file", "not a regular file")


@case("S15", "specs", "spec is /dev/zero (endless)", "exit 2 at once: not a regular file (never reads it)", cost=2)
def s15(ctx: Ctx) -> Verdict:
    chk = Check()
    proc = ctx.cli("validate", "/dev/zero", timeout=30)
    chk.fact(f"{proc.summary()}: {proc.last_err()}")
    chk.exit(proc, EXIT_USAGE)
    chk.bounded(proc, 5, 500)
    chk.says(proc.err, "/dev/zero", "not a regular file")
    return chk.verdict()


@case("S16", "specs", "spec file missing", "exit 2: no such spec file, check the path", cost=2)
def s16(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.dir / "missing.yaml", "file", "no such spec file", "check the path")


@case("S17", "specs", "binary file as spec (PNG bytes)", "exit 2: file: not UTF-8 text", cost=2)
def s17(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.raw_spec(PNG, "story.yaml"), "file", "not UTF-8")


@case("S18", "specs", "non-UTF-8 bytes (latin-1 title)", "exit 2: not UTF-8 text, save it as UTF-8", cost=2)
def s18(ctx: Ctx) -> Verdict:
    spec = ctx.raw_spec("story: s18\ntitle: Café del Mar\noutlets: []\n".encode("latin-1"))
    return spec_refused(ctx, spec, "file", "not UTF-8", "save it as UTF-8")


@case("S19", "specs", "2 MB spec (size cap)", "exit 2 < 2 s: over the 1,000,000-byte cap", cost=3)
def s19(ctx: Ctx) -> Verdict:
    spec = ctx.raw_spec("story: s19\noutlets: []\n" + ("# " + "x" * 98 + "\n") * 20_000)
    return spec_refused(ctx, spec, "file", "1,000,000-byte cap", seconds=2.0)


@case("S20", "specs", "billion-laughs alias bomb", "exit 2 in < 1 s (validate): aliases are not allowed", cost=3)
def s20(ctx: Ctx) -> Verdict:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    spec = ctx.raw_spec("story: s20\n" + "\n".join(lines) + "\noutlets: []\n")
    return spec_refused(ctx, spec, "line ", "aliases", seconds=1.0)


@case("S21", "specs", "100,000 nested [[[[", "exit 2 < 5 s: nested more than 20 levels (no RecursionError)", cost=3)
def s21(ctx: Ctx) -> Verdict:
    spec = ctx.raw_spec("story: s21\noutlets: " + "[" * 100_000 + "]" * 100_000 + "\n")
    return spec_refused(ctx, spec, "line ", "nested more than 20 levels")


@case("S22", "specs", "url with user:password@", "exit 2: holds a user name or password (~/.netrc named); the "
      "password in no output, file or file name", cost=3)
def s22(ctx: Ctx) -> Verdict:
    url = f"http://hxuser:{SECRET_SPEC}@{HOST}:{ctx.a.server_address[1]}/article"
    spec = ctx.story("s22", [{"name": "Secret Wire", "url": url}, ctx.good()])
    verdict = spec_refused(ctx, spec, "outlets[0].url", "user name or password", ".netrc")
    chk = Check()
    chk.fact(verdict.observed)
    for command in ("validate", "run"):
        proc = ctx.cli(command, spec, *(["--out", ctx.out] if command == "run" else []), timeout=30)
        chk.want(SECRET_SPEC not in proc.out + proc.err, f"{command} printed the password")
    hits = find_secret(SECRET_SPEC, ctx.out, ctx.cache, ctx.battery.home)
    chk.want(not hits, f"the password is stored in {hits[:3]}")
    chk.want(not ctx.a.requests_to("/article") or all("authorization" not in h for _, _, h in ctx.a.requests_to("/article")),
             "a request carried the credentials")
    if not verdict.held:
        chk.problems.append("see the spec refusal above")
    return chk.verdict()


def _url_scheme_case(ctx: Ctx, story: str, url: str) -> Verdict:
    spec = ctx.story(story, [{"name": "Odd Scheme", "url": url}, ctx.good()])
    return spec_refused(ctx, spec, "outlets[0].url", "not an http(s) url", "https://")


@case("S23", "specs", "ftp: url", "exit 2: outlets[0].url is not an http(s) URL", cost=2)
def s23(ctx: Ctx) -> Verdict:
    return _url_scheme_case(ctx, "s23", "ftp://127.0.0.1/pub/story.html")


@case("S24", "specs", "javascript: url", "exit 2: outlets[0].url is not an http(s) URL", cost=2)
def s24(ctx: Ctx) -> Verdict:
    return _url_scheme_case(ctx, "s24", "javascript:alert(document.cookie)")


@case("S25", "specs", "file:///etc/passwd as url", "exit 2: outlets[0].url is not an http(s) URL (never read)", cost=2)
def s25(ctx: Ctx) -> Verdict:
    return _url_scheme_case(ctx, "s25", "file:///etc/passwd")


@case("S26", "specs", "tab indentation", "exit 2: line 4: not valid YAML", cost=2)
def s26(ctx: Ctx) -> Verdict:
    spec = ctx.raw_spec(f"story: s26\noutlets:\n  - name: A\n\turl: {ctx.a.url('/article')}\n")
    return spec_refused(ctx, spec, "line 4", "not valid YAML")


@case("S27", "specs", "5,000 outlets", "validate < 10 s: exit 0 with 5000 outlets, or exit 2 naming an outlet limit", cost=5)
def s27(ctx: Ctx) -> Verdict:
    outlets = [{"name": f"Outlet {i}", "url": ctx.a.url(f"/article?o={i}")} for i in range(5000)]
    spec = ctx.story("s27", outlets)
    proc = ctx.cli("validate", spec, timeout=60)
    chk = Check(proc)
    chk.fact(clip(proc.out.strip() or proc.last_err(), 160))
    chk.bounded(proc, 10)
    chk.clean_output(proc)
    if proc.code == EXIT_OK:
        chk.says(proc.out, "5000 outlets", where="stdout")
    else:
        chk.exit(proc, EXIT_USAGE)
        chk.says(proc.err, "outlets")
    return chk.verdict()


@case("S28", "specs", "outlet name of 10,000 characters", "run: exit 0 with both outlets ok, or exit 2 naming "
      "outlets[0].name/key; no run folder left 'running'", cost=20)
def s28(ctx: Ctx) -> Verdict:
    spec = ctx.story("s28", [{"name": "N" * 10_000, "file": ctx.page("b.html", BAD_PAGE)}, ctx.good()])
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    chk = Check(proc)
    chk.fact(proc.last_err(200))
    chk.clean_output(proc)
    if proc.code == EXIT_OK:
        rows = articles(proc.folder())
        chk.want(len(rows) == 2 and all(r["status"] == "ok" for r in rows.values()), "not both outlets ok")
    else:
        chk.exit(proc, EXIT_USAGE)
        chk.want("outlets[0].name" in proc.err or "outlets[0].key" in proc.err,
                 "the message does not name outlets[0].name or .key (it blames something else)")
    left = [f.name for f in run_folders(ctx.story_dir("s28")) if run_json(f).get("status") not in COMPLETE]
    chk.want(not left, f"left run folder(s) that never completed: {left} (status {run_json(ctx.story_dir('s28') / left[0]).get('status') if left else ''})")
    return chk.verdict()


@case("S29", "specs", "outlet name '../../etc'", "run exit 0; key 'etc'; nothing written outside --out", cost=20)
def s29(ctx: Ctx) -> Verdict:
    spec = ctx.story("s29", [{"name": "../../etc", "file": ctx.page("b.html", BAD_PAGE)}, ctx.good()])
    before = sorted(p.relative_to(ctx.dir).as_posix() for p in ctx.dir.rglob("*"))
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    chk = Check(proc)
    chk.exit(proc, EXIT_OK)
    folder = proc.folder()
    rows = articles(folder)
    chk.fact(f"outlet keys {sorted(rows)}")
    chk.want(set(rows) == {"etc", GOOD_KEY}, "the keys are not {'etc', 'saved-herald'}")
    chk.want(folder is not None and (folder / "snapshots" / "etc.body").is_file(), "no snapshots/etc.body in the run")
    after = sorted(p.relative_to(ctx.dir).as_posix() for p in ctx.dir.rglob("*"))
    outside = [p for p in after if p not in before and not p.startswith(("out", "cache"))]
    chk.want(not outside, f"files written outside --out and the cache: {outside[:5]}")
    escaped = [str(p) for p in ctx.out.rglob("*") if not p.is_symlink() and not p.resolve().is_relative_to(ctx.out.resolve())]
    chk.want(not escaped, f"paths under --out resolve outside it: {escaped[:3]}")
    return chk.verdict()


@case("S30", "specs", "outlet key '../../etc'", "exit 2: outlets[0].key is not a valid key", cost=2)
def s30(ctx: Ctx) -> Verdict:
    spec = ctx.story("s30", [{"name": "Escaper", "key": "../../etc", "file": "good.html"}, ctx.good()])
    return spec_refused(ctx, spec, "outlets[0].key", "not a valid key")


@case("S31", "specs", "outlet name with newline, ESC, CR, BEL", "exit 2 naming outlets[0].name, or exit 0 with no raw "
      "control characters in the terminal output and 2 rows in articles.csv", cost=20)
def s31(ctx: Ctx) -> Verdict:
    name = "Evil\nName\x1b[31mRED\x1b[0m\rOVERWRITE\x07"
    spec = ctx.story("s31", [{"name": name, "file": ctx.page("b.html", BAD_PAGE)}, ctx.good()])
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    chk = Check(proc)
    chk.clean_output(proc)
    if proc.code == EXIT_USAGE:
        chk.says(proc.err, "outlets[0].name")
    else:
        chk.exit(proc, EXIT_OK)
        raw = sorted({repr(c) for c in proc.out + proc.err if c in "\x1b\r\x07"})
        chk.want(not raw, f"the terminal output carries raw control characters {raw} "
                          f"(stderr: {clip(repr(proc.err), 160)})")
        rows = articles(proc.folder())
        chk.want(len(rows) == 2, f"articles.csv has {len(rows)} rows, expected 2")
    return chk.verdict()


@case("S32", "specs", "lexicon file missing", "exit 2: lexicons.loaded: no such file", cost=2)
def s32(ctx: Ctx) -> Verdict:
    spec = ctx.story("s32", two_files(ctx), extra="lexicons:\n  loaded: lexicons/nope.txt")
    return spec_refused(ctx, spec, "lexicons.loaded", "no such file")


@case("S33", "specs", "lexicon file of 6 MB", "exit 2 < 3 s: lexicons.loaded over the 5,000,000-byte cap", cost=3)
def s33(ctx: Ctx) -> Verdict:
    ctx.page("huge.txt", ("ferry\n" * 1_000_001))
    spec = ctx.story("s33", two_files(ctx), extra="lexicons:\n  loaded: huge.txt")
    return spec_refused(ctx, spec, "lexicons.loaded", "5,000,000-byte cap", seconds=3.0)


@case("S34", "specs", "--lexicon option naming a missing file", "exit 2: --lexicon loaded=...: no such file", cost=2)
def s34(ctx: Ctx) -> Verdict:
    spec = ctx.story("s34", two_files(ctx))
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", "--lexicon", "loaded=nope.txt", timeout=30)
    chk = Check(proc)
    chk.fact(proc.last_err())
    chk.exit(proc, EXIT_USAGE)
    chk.one_line(proc)
    chk.says(proc.err, "--lexicon loaded=", "no such file")
    chk.want(not ctx.out.exists(), "created --out before refusing")
    return chk.verdict()


@case("S35", "specs", "--lexicon option naming a 6 MB file", "exit 2 before any work: over the 5,000,000-byte cap "
      "(as for a spec's lexicons)", cost=25)
def s35(ctx: Ctx) -> Verdict:
    ctx.page("huge.txt", "".join(f"ferry{i}\n" for i in range(700_000)))
    spec = ctx.story("s35", two_files(ctx))
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", "--lexicon", "loaded=huge.txt")
    chk = Check(proc)
    chk.fact(proc.last_err(240))
    chk.exit(proc, EXIT_USAGE)
    chk.says(proc.err, "5,000,000-byte cap")
    chk.want(not run_folders(ctx.story_dir("s35")), "a run folder was created before refusing")
    return chk.verdict()


@case("S36", "specs", "hedging lexicon with a catastrophic regex", "exit 2 naming lexicons.hedging, or the run "
      "finishes in < 120 s", cost=60)
def s36(ctx: Ctx) -> Verdict:
    ctx.page("hedges.txt", "(\\w+\\s?)+!\n")
    spec = ctx.story("s36", two_files(ctx), extra="lexicons:\n  hedging: hedges.txt")
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", timeout=RUN_SECONDS + 10)
    chk = Check(proc)
    chk.fact(proc.last_err(200))
    chk.clean_output(proc)
    if proc.code == EXIT_USAGE:
        chk.says(proc.err, "lexicons.hedging")
    else:
        chk.exit(proc, EXIT_OK)
        chk.bounded(proc, RUN_SECONDS)
    return chk.verdict()


@case("S37", "specs", "story id '../evil'", "exit 2: story: not a valid id", cost=2)
def s37(ctx: Ctx) -> Verdict:
    spec = ctx.story("'../evil'", two_files(ctx))
    return spec_refused(ctx, spec, "story", "not a valid id")


@case("S38", "specs", "language: no (YAML reads False)", "exit 2: language: quote the code", cost=2)
def s38(ctx: Ctx) -> Verdict:
    spec = ctx.story("s38", two_files(ctx), extra="language: no")
    return spec_refused(ctx, spec, "language", "quote the language code")


@case("S39", "specs", "a single outlet", "exit 2: outlets: list at least two outlets", cost=2)
def s39(ctx: Ctx) -> Verdict:
    return spec_refused(ctx, ctx.story("s39", [ctx.good()]), "outlets", "at least two")


# ------------------------------------------------------------------ http

def fault_run(ctx: Ctx, url: str, *words: str, seconds: float = RUN_SECONDS, mb: float = MEMORY_MB,
              bad_ok: bool = False, story: str = "") -> tuple[Check, Proc, dict[str, dict[str, str]]]:
    """Run a story of one URL outlet (``url``) and the good saved page. Unless ``bad_ok``, expect exit 1,
    the URL outlet failed with an error naming it and holding ``words``, the saved page ok."""
    story = story or ctx.dir.name.split("-")[0].lower()
    spec = ctx.story(story, [{"name": BAD, "url": url}, ctx.good()])
    proc = ctx.cli("run", spec, "--out", ctx.out, "--delay", "0", timeout=seconds + 60)
    chk = Check(proc)
    rows = articles(proc.folder())
    bad, good = rows.get(BAD_KEY, {}), rows.get(GOOD_KEY, {})
    chk.fact(f"{BAD_KEY}: {bad.get('status', 'no row')} {clip(bad.get('error', ''), 220)!r}")
    chk.fact(f"{GOOD_KEY}: {good.get('status', 'no row')}")
    chk.exit(proc, EXIT_OK if bad_ok else EXIT_PARTIAL)
    chk.clean_output(proc)
    chk.bounded(proc, seconds, mb)
    chk.want(good.get("status") == "ok" and int(good.get("words") or 0) > 100, f"{GOOD_KEY} is not ok with its words")
    if bad_ok:
        chk.want(bad.get("status") == "ok", f"{BAD_KEY} is not ok")
    else:
        chk.want(bad.get("status") == "failed", f"{BAD_KEY} is not 'failed'")
        error = bad.get("error", "")
        chk.want(error.startswith(BAD_KEY + ":"), "the error does not start with the outlet's key")
        chk.says(error, *words, where="the error")
        chk.want(f"FAILED {BAD}:" in proc.err, f"stderr does not name '{BAD}' as FAILED")
        folder = proc.folder()
        chk.want(folder is not None and run_json(folder).get("status") == "partial", "run.json status is not 'partial'")
    return chk, proc, rows


@case("H01", "http", "404 Not Found", "exit 1; faulty-wire failed 'HTTP 404 ... the page is gone'; saved-herald ok")
def h01(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/status?code=404"), "HTTP 404", "the page is gone")[0].verdict()


@case("H02", "http", "500 on every try", "exit 1; 'HTTP 500 ... try again later' after 1 + 3 retries", cost=30)
def h02(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.a.url("/status?code=500&case=h02"), "HTTP 500", "try again later")
    tries = len(ctx.a.requests_to("/status?code=500&case=h02"))
    chk.fact(f"{tries} requests")
    chk.want(tries == 4, f"{tries} requests, expected 4 (1 + 3 retries)")
    return chk.verdict()


@case("H03", "http", "403 Forbidden", "exit 1; 'HTTP 403 ... save the page from a browser and use file:'")
def h03(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/status?code=403"), "HTTP 403", "save the page", "'file:'")[0].verdict()


@case("H04", "http", "429 with Retry-After: 2, then 200", "exit 0; both ok; the retry waited >= 2 s", cost=25)
def h04(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.a.url("/once?status=429&after=2&case=h04"), bad_ok=True)
    times = [t for t, _, _ in ctx.a.requests_to("/once?status=429&after=2&case=h04")]
    gap = times[1] - times[0] if len(times) >= 2 else 0.0
    chk.fact(f"{len(times)} requests, {gap:.2f} s apart")
    chk.want(len(times) == 2 and 1.9 <= gap <= 10, "did not retry once, about 2 s later")
    return chk.verdict()


@case("H05", "http", "429 on every try", "exit 1; 'HTTP 429 ... rate-limiting'", cost=25)
def h05(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/status?code=429&after=1"), "HTTP 429", "rate-limiting")[0].verdict()


@case("H06", "http", "503 with Retry-After: 999999, then 200", "exit 0 in < 90 s: the wait is capped (30 s)", cost=60)
def h06(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.a.url("/once?status=503&after=999999&case=h06"), bad_ok=True, seconds=90)
    times = [t for t, _, _ in ctx.a.requests_to("/once?status=503&after=999999&case=h06")]
    gap = times[1] - times[0] if len(times) >= 2 else 0.0
    chk.fact(f"retry {gap:.1f} s later")
    chk.want(len(times) == 2 and gap <= 35, "the retry did not come within the 30 s cap")
    return chk.verdict()


@case("H07", "http", "connection refused (closed port)", "exit 1; 'could not connect ... connection refused'", cost=25)
def h07(ctx: Ctx) -> Verdict:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    return fault_run(ctx, f"http://{HOST}:{port}/article", "could not connect", "connection refused")[0].verdict()


@case("H08", "http", "server answers after 40 s (read timeout 20 s)", "exit 1 in < 90 s; 'timed out waiting for the "
      "server'", cost=45)
def h08(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/sleep?s=40"), "timed out", seconds=90)[0].verdict()


@case("H09", "http", "slow drip: 1 byte every 0.5 s for 150 s", "exit 1 in < 110 s; 'took over 60 s to download'", cost=85)
def h09(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/drip?gap=0.5&seconds=150"), "took over 60 s", seconds=110)[0].verdict()


@case("H10", "http", "truncated body (Content-Length twice the bytes sent)", "exit 1; 'the connection broke while "
      "reading' (no half page taken as the article)")
def h10(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/truncated"), "connection broke")[0].verdict()


@case("H11", "http", "gzip bomb (1 GiB of zeros in ~1 MB)", f"exit 1; '10,000,000-byte cap'; peak <= {BOMB_MEMORY_MB} MB",
      cost=30)
def h11(ctx: Ctx) -> Verdict:
    gzip_bomb()
    return fault_run(ctx, ctx.a.url("/gzip-bomb"), "10,000,000-byte cap", mb=BOMB_MEMORY_MB)[0].verdict()


@case("H12", "http", "200 MB streamed, no Content-Length", f"exit 1 in < 60 s; '10,000,000-byte cap'; peak <= "
      f"{BOMB_MEMORY_MB} MB", cost=25)
def h12(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/huge?mb=200"), "10,000,000-byte cap", seconds=60, mb=BOMB_MEMORY_MB)[0].verdict()


@case("H13", "http", "200 MB with Content-Length declared", "exit 1; 'page is 200,000,000 bytes, over the ... cap' "
      "(refused before reading)")
def h13(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/huge?mb=200&declare=1"), "200,000,000 bytes", "cap", seconds=60,
                     mb=BOMB_MEMORY_MB)[0].verdict()


@case("H14", "http", "image/png", "exit 1; 'not an HTML page (binary content, image/png)'")
def h14(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/typed?kind=png"), "not an HTML page", "image/png")[0].verdict()


@case("H15", "http", "application/pdf", "exit 1; 'not an HTML page ... application/pdf'")
def h15(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/typed?kind=pdf"), "not an HTML page", "application/pdf")[0].verdict()


@case("H16", "http", "application/json", "exit 1; 'not an HTML page (application/json)'")
def h16(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/typed?kind=json"), "not an HTML page", "application/json")[0].verdict()


@case("H17", "http", "text/html declared, binary bytes sent", "exit 1; 'not an HTML page (binary content ...)'")
def h17(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/typed?kind=binary-html"), "not an HTML page", "binary")[0].verdict()


@case("H18", "http", "charset=utf-8 declared, windows-1251 sent", "exit 0; the Russian text comes out right")
def h18(ctx: Ctx) -> Verdict:
    chk, _, rows = fault_run(ctx, ctx.a.url("/charset?variant=cp1251-said-utf8"), bad_ok=True)
    text = rows.get(BAD_KEY, {}).get("text", "")
    chk.fact(f"text starts {clip(text, 50)!r}")
    chk.want("Совет гавани Линдмура" in text and "\ufffd" not in text, "the Cyrillic text is garbled")
    return chk.verdict()


@case("H19", "http", "charset=iso-8859-1 declared, UTF-8 sent", "exit 0; 'Zürich', 'São Paulo' right, no mojibake")
def h19(ctx: Ctx) -> Verdict:
    chk, _, rows = fault_run(ctx, ctx.a.url("/charset?variant=utf8-said-latin1"), bad_ok=True)
    text = rows.get(BAD_KEY, {}).get("text", "")
    chk.want("Zürich" in text and "São Paulo" in text and "Ã" not in text, f"mojibake: {clip(text, 120)!r}")
    return chk.verdict()


@case("H20", "http", "redirect loop", "exit 1; 'more than 10 redirects (a redirect loop?)'")
def h20(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/loop-a"), "more than 10 redirects")[0].verdict()


@case("H21", "http", "redirect to another host whose robots.txt disallows", "exit 1; names that host and its "
      "robots.txt rule; that host never asked for the page")
def h21(ctx: Ctx) -> Verdict:
    other = ctx.battery.b.url("/article?case=h21")
    chk, _, _ = fault_run(ctx, ctx.a.url(f"/redirect?to={quote(other, safe='')}"), "redirected to",
                          ctx.battery.b.base.split("//")[1], "robots.txt disallows", "Disallow: /")
    chk.want(not ctx.battery.b.requests_to("/article?case=h21"), "the disallowed page was requested")
    return chk.verdict()


@case("H22", "http", "redirect to file:///etc/passwd", "exit 1; 'not a web page address'; /etc/passwd read nowhere")
def h22(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.a.url("/redirect?to=file:///etc/passwd"), "file:///etc/passwd",
                          "not a web page address")
    first = Path("/etc/passwd").read_text().splitlines()[0]
    chk.want(not find_secret(first, ctx.out, ctx.cache), "/etc/passwd's content is in the run or cache")
    return chk.verdict()


@case("H23", "http", "robots.txt disallows the page (first host)", "exit 1; 'robots.txt disallows ... (rule "
      "'Disallow: /private/')', --ignore-robots named; page never requested")
def h23(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.a.url("/private/article?case=h23"), "robots.txt disallows",
                          "Disallow: /private/", "--ignore-robots")
    chk.want(not ctx.a.requests_to("/private/article?case=h23"), "the disallowed page was requested")
    return chk.verdict()


@case("H24", "http", "robots.txt answers 500", "exit 1; 'robots.txt answered HTTP 500 ... disallow all for now'; "
      "page never requested")
def h24(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.battery.c.url("/article?case=h24"), "robots.txt answered HTTP 500")
    chk.want(not ctx.battery.c.requests_to("/article?case=h24"), "the page was requested anyway")
    return chk.verdict()


@case("H25", "http", "Location with user:password@", "exit 0 (userinfo dropped); the password in no output, file, "
      "file name or request header")
def h25(ctx: Ctx) -> Verdict:
    chk, proc, _ = fault_run(ctx, ctx.a.url("/redirect-secret?case=h25"), bad_ok=True)
    chk.want(SECRET_REDIRECT not in proc.out + proc.err, "the password was printed")
    hits = find_secret(SECRET_REDIRECT, ctx.out, ctx.cache, ctx.battery.home)
    chk.want(not hits, f"the password is stored in {hits[:3]}")
    sent = [h.get("authorization", "") for _, _, h in ctx.a.requests_to("/article?case=h25")]
    chk.want(not any(sent), f"the credentials were sent: {sent}")
    return chk.verdict()


@case("H26", "http", "empty 200 body", "exit 1; 'the page is empty'")
def h26(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/empty"), "the page is empty")[0].verdict()


@case("H27", "http", "whitespace-only 200 body", "exit 1; 'the page is empty'")
def h27(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/empty?blank=1"), "the page is empty")[0].verdict()


@case("H28", "http", "500 once, then 200", "exit 0; both ok after one retry")
def h28(ctx: Ctx) -> Verdict:
    chk, _, _ = fault_run(ctx, ctx.a.url("/once?status=500&case=h28"), bad_ok=True)
    tries = len(ctx.a.requests_to("/once?status=500&case=h28"))
    chk.want(tries == 2, f"{tries} requests, expected 2")
    return chk.verdict()


@case("H29", "http", "connection closed without an answer", "exit 1; 'could not connect' naming the outlet", cost=25)
def h29(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/drop"), "could not connect")[0].verdict()


@case("H30", "http", "garbage instead of HTTP", "exit 1; the outlet named with a fetch error", cost=25)
def h30(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/garbage"), "(http://")[0].verdict()


@case("H31", "http", "5,000 response headers", "exit 1 with the outlet named, bounded memory", cost=25)
def h31(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/header-bomb"), "(http://", mb=BOMB_MEMORY_MB)[0].verdict()


@case("H32", "http", "https:// to a plain-HTTP port", "exit 1; 'could not connect' naming the outlet", cost=25)
def h32(ctx: Ctx) -> Verdict:
    return fault_run(ctx, ctx.a.url("/article").replace("http://", "https://"), "could not connect")[0].verdict()


# ------------------------------------------------------------------ content

def page_run(ctx: Ctx, html: str | bytes, *words: str, bad_ok: bool = True, name: str = BAD,
             seconds: float = RUN_SECONDS, title: str = "", suffix: str = ".html") -> tuple[Check, Proc, dict[str, dict[str, str]]]:
    """Run a story of a hostile saved page and the good one (offline). ``bad_ok``: expect exit 0 and both
    ok; else exit 1 and the hostile outlet failed with an error holding ``words``."""
    story = ctx.dir.name.lower().split("-")[0]
    spec = ctx.story(story, [{"name": name, "file": ctx.page("hostile" + suffix, html)}, ctx.good()], title=title)
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", timeout=seconds + 30)
    chk = Check(proc)
    rows = articles(proc.folder())
    good = rows.get(GOOD_KEY, {})
    bad = next((r for k, r in rows.items() if k != GOOD_KEY), {})
    chk.fact(f"hostile outlet: {bad.get('status', 'no row')} {clip(bad.get('error') or bad.get('warnings', ''), 200)!r}")
    chk.exit(proc, EXIT_OK if bad_ok else EXIT_PARTIAL)
    chk.clean_output(proc)
    chk.bounded(proc, seconds)
    chk.want(good.get("status") == "ok", f"{GOOD_KEY} is not ok")
    if bad_ok:
        chk.want(bad.get("status") == "ok", "the hostile outlet is not ok")
    else:
        chk.want(bad.get("status") == "failed", "the hostile outlet did not fail")
        chk.says(bad.get("error", ""), *words, where="the error")
        chk.want(f"FAILED {name}:" in proc.err, "stderr does not name the failed outlet")
    return chk, proc, rows


def extract(ctx: Ctx, html: str | bytes, name: str = "page.html") -> tuple[Proc, dict]:
    ctx.page(name, html)
    proc = ctx.cli("extract", "--json", ctx.dir / name, timeout=120)
    try:
        row = json.loads(proc.out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        row = {}
    return proc, row


@case("C01", "content", "page with only navigation", "exit 1; 'no article on the page'; saved-herald ok")
def c01(ctx: Ctx) -> Verdict:
    nav = "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav></body></html>"
    return page_run(ctx, nav, "no article on the page", bad_ok=False)[0].verdict()


@case("C02", "content", "scripts and styles only", "exit 1; 'no article'; the script's text in no table")
def c02(ctx: Ctx) -> Verdict:
    html = ("<html><head><style>p{color:red}</style><script>var hxScriptOnly='the council voted on the ferry';</script>"
            "</head><body><script>document.write('hxScriptOnly '.repeat(300))</script></body></html>")
    chk, proc, _ = page_run(ctx, html, "no article", bad_ok=False)
    folder = proc.folder()
    chk.want(folder is not None and not find_secret("hxScriptOnly", folder / "tables"), "script text in a table")
    return chk.verdict()


@case("C03", "content", "1 MB sentence without punctuation", "exit 0 in < 120 s; warning 'long'", cost=60)
def c03(ctx: Ctx) -> Verdict:
    blob = " ".join(f"word{i % 997}" for i in range(150_000))[:1_000_000]
    chk, _, rows = page_run(ctx, html_page("One endless sentence", [*FERRY, blob]))
    warnings = next((r.get("warnings", "") for k, r in rows.items() if k != GOOD_KEY), "")
    chk.want("long:" in warnings, "no 'long' warning")
    return chk.verdict()


@case("C04", "content", "100,000 nested <div>", "exit 0; extracted by the fallback with a 'fallback' warning; "
      "text holds the article", cost=30)
def c04(ctx: Ctx) -> Verdict:
    body = "".join(f"<p>{p}</p>" for p in FERRY)
    html = f"<html><head><title>Deep</title></head><body>{'<div>' * 100_000}{body}{'</div>' * 100_000}</body></html>"
    chk, _, rows = page_run(ctx, html)
    row = next((r for k, r in rows.items() if k != GOOD_KEY), {})
    chk.want("fallback" in row.get("warnings", ""), "no 'fallback' warning")
    chk.want(FERRY[0][:60] in row.get("text", ""), "the article text is missing")
    return chk.verdict()


LIVE_MARKUP = (re.compile(r"<script>alert\("), re.compile(r"<[a-z]+[^<>]*\son[a-z]+\s*=\s*[\"']?alert", re.I),
               re.compile(r"href\s*=\s*[\"']?javascript:", re.I))


@case("C05", "content", "<script>, javascript: and onerror inside the article", "exit 0; no live markup from the page "
      "in any .html of the run; the escaped text still shown")
def c05(ctx: Ctx) -> Verdict:
    hostile = [
        "The notice pinned to the harbour office door read &lt;script&gt;alert(\"hx-escaped\")&lt;/script&gt; in "
        "large letters, according to a photograph seen by this newspaper on Tuesday morning.",
        "Residents who clicked <a href=\"javascript:alert('hx-js')\">the council's link</a> saw nothing happen, "
        "they said.<script>alert(\"hx-live\")</script>",
        "<img src=\"x\" onerror=\"alert('hx-img')\">The image on the page did not load for most readers.",
    ]
    chk, proc, _ = page_run(ctx, html_page("Harbour <script>alert(\"hx-title\")</script> vote", [*hostile, *FERRY]),
                            name="Hostile <img src=\"x\" onerror=\"alert('hx-name')\"> Wire", title="Story <script>alert(\"hx-spec\")</script>")
    folder = proc.folder()
    pages = sorted(folder.rglob("*.html")) if folder else []
    live = []
    for page in pages:   # live tags only: the same text escaped (&lt;img ...) is what should be there
        text = page.read_text(encoding="utf-8", errors="replace")
        for pattern in LIVE_MARKUP:
            live += [f"{page.name}: {clip(m.group(0), 120)}" for m in pattern.finditer(text)]
    chk.fact(f"{len(pages)} .html files checked")
    chk.want(bool(pages), "no report.html")
    chk.want(not live, f"live markup: {live}")
    report = (folder / "report.html").read_text(encoding="utf-8") if folder and (folder / "report.html").is_file() else ""
    chk.want("hx-escaped" in report, "the escaped text is not shown in the report")
    return chk.verdict()


@case("C06", "content", "title/author/text starting =HYPERLINK( +cmd| -1+1 @SUM", "exit 0; no tables/*.csv cell "
      "starts with = + - @ (non-number) unquoted; title kept as '=HYPERLINK(...")
def c06(ctx: Ctx) -> Verdict:
    title = '=HYPERLINK("http://evil.example/x","open")'
    head = ('<meta name="author" content="@SUM(1+1)*cmd|\' /C calc\'!A0">'
            '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person",'
            '"name":"=2+5+cmd|\' /C calc\'!A0"}}</script>')
    paragraphs = [
        "-1+1 is what the council treasurer wrote in the margin of the ferry budget, according to the minutes "
        "released on Tuesday by the Lindmoor harbour office.",
        "@SUM(A1:A9) appeared in the next line of the same spreadsheet, which the council later said was a typing "
        "error by a clerk.",
        "+cmd|' /C calc'!A0 was typed into the comment box of the council's website, a spokesman said.",
        *FERRY,
    ]
    chk, proc, rows = page_run(ctx, html_page(title, paragraphs, head=head), name="=cmd|' /C calc'!A0 Gazette")
    folder = proc.folder()
    bad = csv_formula_cells(folder) if folder else ["no run folder"]
    chk.fact(f"{len(bad)} formula cells")
    chk.want(not bad, f"formula cells: {bad[:4]}")
    row = next((r for k, r in rows.items() if k != GOOD_KEY), {})
    chk.want(row.get("title") == "'" + title, f"title cell is {clip(row.get('title', ''), 60)!r}")
    chk.want(row.get("text", "").startswith("'-1+1"), "text cell does not start with '-1+1")
    return chk.verdict()


@case("C07", "content", "outlet named $\\undefinedmacro$, title with broken mathtext", "exit 0; all 22 chart files "
      "written; the name kept as written")
def c07(ctx: Ctx) -> Verdict:
    name = "$\\undefinedmacro$"
    chk, proc, rows = page_run(ctx, BAD_PAGE, name=name, title="Ferry $x^{$ vote \\frac{1}{0}")
    folder = proc.folder()
    missing = [f"{c}.{ext}" for c in CHARTS for ext in ("png", "svg")
               if not folder or not (folder / "charts" / f"{c}.{ext}").is_file()
               or (folder / "charts" / f"{c}.{ext}").stat().st_size == 0]
    chk.want(not missing, f"missing charts: {missing[:5]}")
    names = [r.get("name") for r in rows.values()]
    chk.want(name in names, f"names in articles.csv: {names}")
    return chk.verdict()


@case("C08", "content", "RTL, emoji, ZWJ, zero-width and bidi-override characters", "exit 0; the Arabic, Hebrew, emoji "
      "and ZWJ emoji sequences kept exactly in articles.csv")
def c08(ctx: Ctx) -> Verdict:
    odd = ("Passengers posted 🚢⚓ and 👨‍👩‍👧 under the council's notice; one sign on the quay read مرحبا بالعبارة "
           "while another said שלום, and the word ferry\u200btimetable carried a hidden space, photographs show.")
    reversed_ = "A banner read \u202eetov on\u202c in mirrored letters, residents said, and nobody knew who had hung it there."
    chk, _, rows = page_run(ctx, html_page("Ferry vote 🚢", [odd, reversed_, *FERRY]), name="Ferry News 🚢")
    text = next((r.get("text", "") for k, r in rows.items() if k != GOOD_KEY), "")
    for piece in ("🚢⚓", "👨‍👩‍👧", "مرحبا بالعبارة", "שלום"):
        chk.want(piece in text, f"{piece!r} is not in the text")
    return chk.verdict()


@case("C09", "content", "mixed languages (es page with a Russian paragraph, beside en)", "exit 0; languages en, es; "
      "es gets Fernández Huerta, no Flesch-Kincaid value")
def c09(ctx: Ctx) -> Verdict:
    chk, proc, rows = page_run(ctx, html_page("El consejo aplaza la votación del ferri", [*SPANISH, RUSSIAN], lang="es"),
                               name="La Voz del Puerto")
    langs = {k: r.get("language") for k, r in rows.items()}
    chk.fact(f"languages {langs}")
    chk.want(langs.get("la-voz-del-puerto") == "es" and langs.get(GOOD_KEY) == "en", "languages are not es / en")
    folder = proc.folder()
    values: dict[str, str] = {}
    if folder and (folder / "tables" / "readability.csv").is_file():
        with (folder / "tables" / "readability.csv").open(encoding="utf-8", newline="") as handle:
            values = {r["measure"]: r["value"] for r in csv.DictReader(handle) if r["outlet"] == "la-voz-del-puerto"}
    chk.want(bool(values.get("fernandez_huerta")), "no Fernández Huerta value for the Spanish outlet")
    chk.want(values.get("flesch_kincaid_grade", "x") == "", "a Flesch-Kincaid value for the Spanish outlet")
    return chk.verdict()


@case("C10", "content", "the same article body twice on the page", "exit 0; warning 'repeated'; each paragraph once")
def c10(ctx: Ctx) -> Verdict:
    chk, _, rows = page_run(ctx, html_page("Harbour council delays ferry vote", [*FERRY, *FERRY]))
    row = next((r for k, r in rows.items() if k != GOOD_KEY), {})
    chk.want("repeated" in row.get("warnings", ""), "no 'repeated' warning")
    counts = [row.get("text", "").count(p[:60]) for p in FERRY]
    chk.want(counts == [1] * len(FERRY), f"paragraph counts {counts}")
    return chk.verdict()


@case("C11", "content", "comment form at the end of the article", "exit 0; 'Leave a Reply', 'Your email address', "
      "'Post Comment' not in the text; last paragraph kept")
def c11(ctx: Ctx) -> Verdict:
    form = ("<div id=\"respond\"><h3>Leave a Reply</h3><p>Your email address will not be published. Required fields "
            "are marked *</p><form><p><label>Comment</label><textarea></textarea></p><p><label>Name *</label><input></p>"
            "<p><label>Email *</label><input></p><p><input type=\"submit\" value=\"Post Comment\"></p></form></div>")
    chk, _, rows = page_run(ctx, html_page("Harbour council delays ferry vote", FERRY, after=form))
    text = next((r.get("text", "") for k, r in rows.items() if k != GOOD_KEY), "")
    junk = [j for j in ("Leave a Reply", "Your email address", "Post Comment", "Required fields") if j in text]
    chk.want(not junk, f"furniture kept: {junk}")
    chk.want(FERRY[-1][:60] in text, "the last paragraph was dropped")
    return chk.verdict()


@case("C12", "content", "NUL bytes inside the article's paragraphs", "exit 0; ok; no NUL in any table")
def c12(ctx: Ctx) -> Verdict:
    paragraphs = [p[:40] + "\x00" + p[40:] for p in FERRY]
    html = html_page("Harbour council delays ferry vote", paragraphs, head="<style>" + "p{margin:0}\n" * 300 + "</style>")
    chk, proc, rows = page_run(ctx, html)
    folder = proc.folder()
    nul = [p.name for p in (folder / "tables").glob("*.csv") if b"\x00" in p.read_bytes()] if folder else []
    chk.want(not nul, f"NUL bytes in {nul}")
    return chk.verdict()


@case("C13", "content", "50,000 small paragraphs", "exit 1 in < 90 s: the outlet fails naming the 5,000-paragraph "
      "limit of one article; saved-herald ok", cost=60)
def c13(ctx: Ctx) -> Verdict:
    extra = [f"Item {i} on the ferry list was noted." for i in range(50_000)]
    return page_run(ctx, html_page("Harbour council delays ferry vote", [*FERRY, *extra]), "5,000", bad_ok=False,
                    seconds=90)[0].verdict()


@case("C13b", "content", "4,900 small paragraphs (under the limit)", "exit 0 in < 180 s (bounded time)", cost=120)
def c13b(ctx: Ctx) -> Verdict:
    extra = [f"Item {i} on the ferry list was noted." for i in range(4_900)]
    return page_run(ctx, html_page("Harbour council delays ferry vote", [*FERRY, *extra]), seconds=180)[0].verdict()


@case("C14", "content", "calls to action inside the article (parallax extract)", "exit 0; 'Subscribe to our channel', "
      "'Follow us', 'Download our app', 'donate' not in the text; article kept", cost=5)
def c14(ctx: Ctx) -> Verdict:
    ctas = ["Subscribe to our channel to follow the latest news first.", "Follow us on Telegram for the latest updates.",
            "Download our app for breaking news alerts.", "Support independent journalism: donate today."]
    paragraphs = [FERRY[0], ctas[0], FERRY[1], ctas[1], FERRY[2], ctas[2], FERRY[3], ctas[3]]
    proc, row = extract(ctx, html_page("Harbour council delays ferry vote", paragraphs))
    chk = Check(proc)
    chk.exit(proc, EXIT_OK)
    text = row.get("text", "")
    kept = [c for c in ctas if c.split()[0] + " " + c.split()[1] in text]
    chk.fact(f"warnings {row.get('warnings', '')!r}")
    chk.want(not kept, f"calls to action kept: {kept}")
    chk.want(all(p[:60] in text for p in FERRY), "an article paragraph was dropped")
    return chk.verdict()


@case("C15", "content", "saved page over 10 MB", "exit 1; 'over the 10,000,000-byte cap'; saved-herald ok")
def c15(ctx: Ctx) -> Verdict:
    big = html_page("Huge", FERRY + ["ferry " * 2_000_000])
    return page_run(ctx, big, "10,000,000-byte cap", bad_ok=False)[0].verdict()


@case("C16", "content", "empty saved page (parallax extract)", "exit 1; 'the page is empty'", cost=3)
def c16(ctx: Ctx) -> Verdict:
    proc, row = extract(ctx, b"")
    chk = Check(proc)
    chk.exit(proc, EXIT_PARTIAL)
    chk.fact(clip(row.get("error", ""), 120))
    chk.says(row.get("error", ""), "the page is empty", where="the error")
    return chk.verdict()


@case("C17", "content", "UTF-16 page with a byte-order mark (parallax extract)", "exit 0; 'Zürich' and the paragraphs "
      "come out right", cost=5)
def c17(ctx: Ctx) -> Verdict:
    page = html_page("Harbour council delays ferry vote", [ACCENTED, *FERRY]).replace('<meta charset="utf-8">', "")
    proc, row = extract(ctx, page.encode("utf-16"))
    chk = Check(proc)
    chk.exit(proc, EXIT_OK)
    text = row.get("text", "")
    chk.fact(f"status {row.get('status')}, {row.get('words')} words")
    chk.want("Zürich" in text and FERRY[0][:60] in text, f"text {clip(text, 80)!r}")
    return chk.verdict()


# ------------------------------------------------------------------ runs

def saved_story(ctx: Ctx, story: str) -> Path:
    return ctx.story(story, two_files(ctx))


def wait_for(predicate: Callable[[], bool], seconds: float, child: Child | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        if child is not None and not child.running():
            return predicate()
        time.sleep(0.05)
    return False


@case("R01", "runs", "two runs of one story at once (no --wait)", "exit codes {0, 4}; 4 says 'in progress' and "
      "'--wait'; one run folder, complete, latest", cost=30)
def r01(ctx: Ctx) -> Verdict:
    spec = saved_story(ctx, "r01")
    children = [ctx.start("run", spec, "--out", ctx.out, "--offline") for _ in range(2)]
    procs = [c.wait(RUN_SECONDS + 60) for c in children]
    chk = Check()
    chk.fact(f"exits {[p.code for p in procs]}")
    chk.want(sorted(p.code for p in procs) == [0, 4], "exit codes are not 0 and 4")
    busy = next((p for p in procs if p.code == EXIT_BUSY), None)
    if busy:
        chk.fact(busy.last_err(160))
        chk.says(busy.err, "in progress", "--wait")
    folders = run_folders(ctx.story_dir("r01"))
    chk.want(len(folders) == 1 and run_json(folders[0]).get("status") == "ok", f"run folders {[f.name for f in folders]}")
    chk.want(bool(folders) and (ctx.story_dir("r01") / "latest").resolve() == folders[-1].resolve(), "latest is wrong")
    return chk.verdict()


@case("R02", "runs", "two runs of one story at once, both --wait", "both exit 0; two complete runs; the second's "
      "previous_run is the first; latest is the second", cost=45)
def r02(ctx: Ctx) -> Verdict:
    spec = saved_story(ctx, "r02")
    children = [ctx.start("run", spec, "--out", ctx.out, "--offline", "--wait") for _ in range(2)]
    procs = [c.wait(2 * RUN_SECONDS + 60) for c in children]
    chk = Check()
    chk.fact(f"exits {[p.code for p in procs]}")
    chk.want([p.code for p in procs] == [0, 0], "not both 0")
    folders = run_folders(ctx.story_dir("r02"))
    statuses = [run_json(f).get("status") for f in folders]
    chk.want(statuses == ["ok", "ok"], f"statuses {statuses}")
    if len(folders) == 2:
        chk.want(run_json(folders[1]).get("parameters", {}).get("previous_run") == str(folders[0]),
                 "the second run does not follow the first")
        chk.want((ctx.story_dir("r02") / "latest").resolve() == folders[1].resolve(), "latest is not the second run")
    return chk.verdict()


def _interrupted_run(ctx: Ctx, story: str, sig: int) -> tuple[Check, Path | None, Path | None, Proc | None]:
    """A complete run, then a second one hit by ``sig`` while its report executes. Returns the check, the
    complete run, the victim's folder and the victim's process."""
    chk = Check()
    spec = saved_story(ctx, story)
    first = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    complete = first.folder()
    if first.code != 0 or complete is None:
        chk.want(False, f"the first run failed: {first.summary()} {first.last_err()}")
        return chk, None, None, None
    before = tree_hash(complete)
    victim = ctx.start("run", spec, "--out", ctx.out, "--offline")
    def started() -> bool:
        return any((f / "report.ipynb").exists() for f in run_folders(ctx.story_dir(story)) if f != complete)
    if not wait_for(started, RUN_SECONDS, victim):
        chk.want(False, "the second run never reached its report")
    time.sleep(1.0)
    victim.signal(sig)
    proc = victim.wait(60)
    folder = next((f for f in run_folders(ctx.story_dir(story)) if f != complete), None)
    chk.fact(f"{signal.Signals(sig).name}: {proc.summary()}")
    status = run_json(folder).get("status") if folder else None
    chk.fact(f"victim run.json status {status!r}")
    chk.want(status not in COMPLETE, "the interrupted run is marked complete")
    chk.want((ctx.story_dir(story) / "latest").resolve() == complete.resolve(), "latest moved off the complete run")
    chk.want(tree_hash(complete) == before, "the earlier complete run was changed")
    leftover = wait_for(lambda: not processes_with(str(ctx.cache)), 20)
    chk.want(leftover, f"processes of the run still alive 20 s later: {processes_with(str(ctx.cache))}")
    return chk, complete, folder, proc


@case("R03", "runs", "SIGKILL midway, then a new run", "killed run never complete nor latest; earlier run untouched; "
      "no process left; the next run exit 0, follows the complete run", cost=70)
def r03(ctx: Ctx) -> Verdict:
    chk, complete, _, _ = _interrupted_run(ctx, "r03", signal.SIGKILL)
    if complete is None:
        return chk.verdict()
    before = tree_hash(complete)
    after = ctx.cli("run", ctx.dir / "story.yaml", "--out", ctx.out, "--offline")
    chk.fact(f"next run: {after.summary()}")
    chk.exit(after, EXIT_OK)
    newest = after.folder()
    chk.want(newest is not None and run_json(newest).get("parameters", {}).get("previous_run") == str(complete),
             "the next run does not compare with the complete run")
    chk.want(newest is not None and (ctx.story_dir("r03") / "latest").resolve() == newest.resolve(), "latest is not the next run")
    chk.want(tree_hash(complete) == before, "the earlier complete run was changed by the next run")
    return chk.verdict()


@case("R04", "runs", "SIGINT (Ctrl-C) midway", "exit 130 with 'parallax: interrupted', no traceback; run never "
      "complete nor latest; earlier run untouched; no process left", cost=50)
def r04(ctx: Ctx) -> Verdict:
    chk, _, _, proc = _interrupted_run(ctx, "r04", signal.SIGINT)
    if proc is not None:
        chk.exit(proc, EXIT_INTERRUPTED)
        chk.clean_output(proc)
        chk.want(proc.last_err() == "parallax: interrupted", f"last stderr line {proc.last_err()!r}")
        chk.bounded(proc, 90)
    return chk.verdict()


def _copy_of_base(ctx: Ctx) -> Path:
    """A copy of the battery's complete base run in this case's out/ (its story folder, latest included)."""
    base = ctx.battery.base_run()
    shutil.copytree(base.parent, ctx.out / base.parent.name, symlinks=True)
    return ctx.out / base.parent.name / base.name


@case("R05", "runs", "rerun of an intact run (control)", "exit 0; a new folder beside it; every table byte-identical; "
      "the run untouched and still latest", cost=25)
def r05(ctx: Ctx) -> Verdict:
    run = _copy_of_base(ctx)
    before = tree_hash(run)
    proc = ctx.cli("rerun", run)
    chk = Check(proc)
    chk.exit(proc, EXIT_OK)
    new = proc.folder()
    chk.want(new is not None and new.parent == run.parent and new != run, "the rerun is not a new folder beside the run")
    if new:
        differ = [p.name for p in (run / "tables").glob("*.csv") if (new / "tables" / p.name).read_bytes() != p.read_bytes()]
        chk.want(not differ, f"tables differ: {differ}")
    chk.want(tree_hash(run) == before, "the original run was changed")
    chk.want((run.parent / "latest").resolve() == run.resolve(), "latest moved to the rerun")
    return chk.verdict()


def _rerun_refused(ctx: Ctx, run: Path, *words: str) -> Verdict:
    story_dir = run.parent
    before = [f.name for f in run_folders(story_dir)]
    proc = ctx.cli("rerun", run, timeout=60)
    chk = Check(proc)
    chk.fact(proc.last_err(260))
    chk.exit(proc, EXIT_USAGE)
    chk.one_line(proc)
    chk.clean_output(proc)
    chk.says(proc.err, *words)
    chk.want([f.name for f in run_folders(story_dir)] == before, "a new run folder was created")
    return chk.verdict()


@case("R06", "runs", "rerun of a run whose snapshot was edited", "exit 2 naming the outlet: does not match the sha256 "
      "(altered); no new folder", cost=5)
def r06(ctx: Ctx) -> Verdict:
    run = _copy_of_base(ctx)
    with (run / "snapshots" / f"{GOOD_KEY}.body").open("ab") as handle:
        handle.write(b"<p>Edited after the run.</p>")
    return _rerun_refused(ctx, run, f"{GOOD_KEY}:", "altered")


@case("R07", "runs", "rerun of a run whose snapshot was deleted", "exit 2 naming the outlet: is missing; no new folder",
      cost=5)
def r07(ctx: Ctx) -> Verdict:
    run = _copy_of_base(ctx)
    (run / "snapshots" / f"{GOOD_KEY}.body").unlink()
    return _rerun_refused(ctx, run, f"{GOOD_KEY}:", "missing")


@case("R08", "runs", "rerun of a folder that is not a run", "exit 2: is not a run folder", cost=3)
def r08(ctx: Ctx) -> Verdict:
    folder = ctx.dir / "out" / "story" / "20260101T000000Z-abcdef"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("not a run")
    return _rerun_refused(ctx, folder, "not a run folder")


@case("R09", "runs", "rerun of a run whose run.json is garbage", "exit 2: is not a run folder", cost=5)
def r09(ctx: Ctx) -> Verdict:
    run = _copy_of_base(ctx)
    (run / "run.json").write_bytes(NOISE[:300])
    return _rerun_refused(ctx, run, "not a run folder")


def _in_namespace(script: str, *args: object) -> list[str]:
    """``unshare -m sh -c script sh args...``: run a command with mounts of its own."""
    return ["unshare", "-m", "sh", "-c", script, "sh", *map(str, args)]


READ_ONLY = 'd="$1"; shift; mount --bind "$d" "$d" && mount -o remount,ro,bind "$d" && exec "$@"'


@case("R10", "runs", "--out on a read-only mount", "exit 2: 'Read-only file system; choose another --out'; nothing "
      "written", cost=10)
def r10(ctx: Ctx) -> Verdict:
    if (skip := needs_root()) is not None:
        return skip
    spec = saved_story(ctx, "r10")
    ctx.out.mkdir()
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", wrap=_in_namespace(READ_ONLY, ctx.out))
    chk = Check(proc)
    chk.fact(proc.last_err())
    chk.exit(proc, EXIT_USAGE)
    chk.one_line(proc)
    chk.says(proc.err, "Read-only file system", "choose another --out")
    chk.want(not any(ctx.out.iterdir()), "something was written under --out")
    return chk.verdict()


@case("R11", "runs", "--out a chmod 555 folder, run as nobody", "exit 2: 'Permission denied; choose another --out'",
      cost=10)
def r11(ctx: Ctx) -> Verdict:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return Verdict(None, "skipped: needs root and setpriv")
    spec = saved_story(ctx, "r11")
    home = ctx.dir / "nobody-home"
    for folder in (ctx.cache, home):
        folder.mkdir()
        folder.chmod(0o777)
    ctx.out.mkdir()
    ctx.out.chmod(0o555)
    for folder in (ctx.dir, ctx.battery.root):
        folder.chmod(0o755)
    env = {**ctx.env, "HOME": str(home), "MPLCONFIGDIR": str(home / "mpl"), "XDG_CACHE_HOME": str(home / ".cache")}
    wrap = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", wrap=wrap, env=env)
    chk = Check(proc)
    chk.fact(proc.last_err())
    chk.exit(proc, EXIT_USAGE)
    chk.one_line(proc)
    chk.says(proc.err, "Permission denied", "choose another --out")
    return chk.verdict()


FULL_DISK = """
d="$1"; shift
mount -t tmpfs -o size=4m tmpfs "$d" || exit 97
"$@"; echo "first $?" >> "$d.codes"
cp -a "$d/." "$d.before/"
"$@"; echo "second $?" >> "$d.codes"
cp -a "$d/." "$d.after/"
"""


@case("R12", "runs", "full disk (4 MB tmpfs: one run fits, the next does not)", "second run exit 2 or 3 saying 'No "
      "space left on device'; not complete, not latest; the first run untouched", cost=45)
def r12(ctx: Ctx) -> Verdict:
    if (skip := needs_root()) is not None:
        return skip
    spec = saved_story(ctx, "r12")
    ctx.out.mkdir()
    for suffix in (".before", ".after"):
        Path(str(ctx.out) + suffix).mkdir()
    cmd = [str(PARALLAX), "run", str(spec), "--out", str(ctx.out), "--offline"]
    proc = Child(_in_namespace(FULL_DISK, ctx.out, *cmd), ctx.env, cwd=ctx.dir).wait(2 * RUN_SECONDS + 60)
    codes_file = Path(str(ctx.out) + ".codes")
    codes = dict(line.split() for line in codes_file.read_text().splitlines()) if codes_file.is_file() else {}
    chk = Check(proc)
    chk.fact(f"exit codes {codes}")
    second_err = proc.err.strip().splitlines()[-1] if proc.err.strip() else ""
    chk.fact(clip(second_err, 200))
    chk.want(codes.get("first") == "0", "the first run did not fit (make the tmpfs larger)")
    chk.want(codes.get("second") in ("2", "3"), "the second run did not exit 2 or 3")
    chk.says(proc.err, "No space left on device")
    chk.clean_output(proc)
    before, after = Path(str(ctx.out) + ".before") / "r12", Path(str(ctx.out) + ".after") / "r12"
    firsts = run_folders(before)
    if len(firsts) == 1:
        first = firsts[0].name
        chk.want(tree_hash(before / first) == tree_hash(after / first), "the first run was changed")
        chk.want(os.readlink(after / "latest") == first, "latest does not point at the first run")
        others = [f for f in run_folders(after) if f.name != first]
        statuses = [run_json(f).get("status") for f in others]
        chk.fact(f"second run status {statuses}")
        chk.want(all(s not in COMPLETE for s in statuses), "the half-written run is marked complete")
    else:
        chk.want(False, f"expected one run after the first command, found {len(firsts)}")
    return chk.verdict()


@case("R13", "runs", "cache folder on a read-only mount", "exit 0 with both outlets ok (the cache is an aid), or "
      "exit 2 naming the cache folder and --cache; every path printed exists", cost=25)
def r13(ctx: Ctx) -> Verdict:
    if (skip := needs_root()) is not None:
        return skip
    spec = saved_story(ctx, "r13")
    ctx.cache.mkdir()
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", wrap=_in_namespace(READ_ONLY, ctx.cache))
    chk = Check(proc)
    chk.fact(proc.last_err(260))
    chk.clean_output(proc)
    if proc.code == EXIT_OK:
        rows = articles(proc.folder())
        chk.want(len(rows) == 2 and all(r["status"] == "ok" for r in rows.values()), "not both outlets ok")
    else:
        chk.exit(proc, EXIT_OK, EXIT_USAGE)
        chk.says(proc.err, str(ctx.cache), "--cache")
    printed = [line.strip() for line in proc.out.splitlines() if line.strip().startswith("/")]
    printed += re.findall(r"see (/\S+?);?(?:\s|$)", proc.err)
    missing = [p for p in printed if not Path(p).exists()]
    chk.want(not missing, f"printed paths that do not exist: {missing}")
    return chk.verdict()


@case("R14", "runs", "cache full of garbage (every file overwritten, junk added)", "offline: exit 1, the URL outlet "
      "'no cached copy', no traceback; online again: exit 0, claims.csv as before", cost=60)
def r14(ctx: Ctx) -> Verdict:
    url = ctx.a.url("/article?case=r14")
    spec = ctx.story("r14", [{"name": BAD, "url": url}, ctx.good()])
    first = ctx.cli("run", spec, "--out", ctx.out, "--delay", "0")
    chk = Check()
    chk.fact(f"first: {first.summary()}")
    if first.code != 0 or first.folder() is None:
        chk.want(False, f"the first run failed: {first.last_err()}")
        return chk.verdict()
    rng = random.Random(14)
    for path in list(ctx.cache.rglob("*")):
        if path.is_file():
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600))))
    (ctx.cache / "snapshots" / "junk.json").write_text("{not json")
    (ctx.cache / "parse" / "zz").mkdir(parents=True, exist_ok=True)
    (ctx.cache / "parse" / "zz" / "zz.spacy").write_bytes(NOISE)
    offline = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    rows = articles(offline.folder())
    chk.fact(f"offline: {offline.summary()}: {BAD_KEY} {rows.get(BAD_KEY, {}).get('status')!r} "
             f"{clip(rows.get(BAD_KEY, {}).get('error', ''), 120)!r}")
    chk.exit(offline, EXIT_PARTIAL)
    chk.clean_output(offline)
    chk.says(rows.get(BAD_KEY, {}).get("error", ""), "no cached copy", where="the offline error")
    chk.want(rows.get(GOOD_KEY, {}).get("status") == "ok", "the saved page is not ok offline")
    again = ctx.cli("run", spec, "--out", ctx.out, "--delay", "0")
    chk.fact(f"online again: {again.summary()}")
    chk.exit(again, EXIT_OK)
    chk.clean_output(again)
    one, two = first.folder(), again.folder()
    same = bool(two) and (one / "tables" / "claims.csv").read_bytes() == (two / "tables" / "claims.csv").read_bytes()
    chk.want(same, "claims.csv differs from the run before the cache was damaged")
    return chk.verdict()


@case("R15", "runs", "--out is an existing file", "exit 2: choose another --out; the file unchanged", cost=5)
def r15(ctx: Ctx) -> Verdict:
    spec = saved_story(ctx, "r15")
    taken = ctx.dir / "taken"
    taken.write_text("keep me")
    proc = ctx.cli("run", spec, "--out", taken, "--offline", timeout=60)
    chk = Check(proc)
    chk.fact(proc.last_err())
    chk.exit(proc, EXIT_USAGE)
    chk.one_line(proc)
    chk.says(proc.err, "choose another --out")
    chk.want(taken.read_text() == "keep me", "the file was changed")
    return chk.verdict()


@case("R16", "runs", "'latest' is a planted symlink to /etc", "exit 0; /etc not taken as the previous run; latest now "
      "the new run; nothing written in /etc")
def r16(ctx: Ctx) -> Verdict:
    spec = saved_story(ctx, "r16")
    story_dir = ctx.story_dir("r16")
    story_dir.mkdir(parents=True)
    (story_dir / "latest").symlink_to("/etc")
    etc_before = sorted(os.listdir("/etc"))
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    chk = Check(proc)
    chk.exit(proc, EXIT_OK)
    folder = proc.folder()
    chk.want(folder is not None and run_json(folder).get("parameters", {}).get("previous_run") == "",
             "a previous run was taken from the planted link")
    chk.want(folder is not None and (story_dir / "latest").resolve() == folder.resolve(), "latest is not the new run")
    chk.want(sorted(os.listdir("/etc")) == etc_before, "/etc changed")
    return chk.verdict()


@case("R17", "runs", "a stale .lock left by a dead run", "exit 0 (a lock file without a holder does not block)")
def r17(ctx: Ctx) -> Verdict:
    spec = saved_story(ctx, "r17")
    ctx.story_dir("r17").mkdir(parents=True)
    (ctx.story_dir("r17") / ".lock").write_text("99999 since 2026-01-01T00:00:00Z\n")
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline")
    chk = Check(proc)
    chk.exit(proc, EXIT_OK)
    return chk.verdict()


@case("R18", "runs", "batch: a hostile spec among good ones", "exit 3; the good story's run ok; the report names the "
      "bad spec and its field", cost=30)
def r18(ctx: Ctx) -> Verdict:
    specs = ctx.dir / "specs"
    specs.mkdir()
    shutil.copy(saved_story(ctx, "r18"), specs / "good.yaml")
    (specs / "good.yaml").write_text((specs / "good.yaml").read_text().replace('"b.html"', f'"{ctx.dir}/b.html"')
                                     .replace('"good.html"', f'"{ctx.dir}/good.html"'))
    (specs / "bomb.yaml").write_text("story: bomb\na: &a [1, 2]\nb: [*a, *a]\noutlets: []\n")
    proc = ctx.cli("batch", specs, "--out", ctx.out, "--offline", timeout=RUN_SECONDS + 60)
    chk = Check(proc)
    chk.fact(clip(" | ".join(proc.err.strip().splitlines()[-3:]), 300))
    chk.exit(proc, 3)
    chk.clean_output(proc)
    chk.says(proc.err, "bomb.yaml", "aliases")
    good = run_folders(ctx.story_dir("r18"))
    chk.want(len(good) == 1 and run_json(good[0]).get("status") == "ok", "the good story did not run ok")
    return chk.verdict()


def many_outlets(ctx: Ctx, story: str, n: int) -> Verdict:
    """A story of ``n`` small saved pages: it completes within the memory bound, or is refused up front."""
    rng = random.Random(n)
    sentences = [s for p in FERRY + FERRY_B for s in re.split(r"(?<=[.”])\s+", p)]
    outlets = []
    for i in range(n):
        paragraphs = [" ".join(rng.sample(sentences, 3)) for _ in range(4)]
        outlets.append({"name": f"Outlet {i:04d}", "file": ctx.page(f"pages/o{i:04d}.html",
                                                                     html_page(f"Ferry vote, take {i}", paragraphs))})
    spec = ctx.story(story, outlets)
    proc = ctx.cli("run", spec, "--out", ctx.out, "--offline", timeout=3600)
    chk = Check(proc)
    chk.fact(proc.last_err(200))
    chk.clean_output(proc)
    if proc.code == EXIT_USAGE:
        chk.says(proc.err, "outlets", "split")
    else:
        chk.exit(proc, EXIT_OK)
        rows = articles(proc.folder())
        chk.want(len(rows) == n and all(r["status"] == "ok" for r in rows.values()), f"{len(rows)} rows, not all ok")
        chk.bounded(proc, 3600, MEMORY_MB)
    return chk.verdict()


@case("R19", "runs", "200 outlets of saved pages", "exit 0 with 200 ok and peak <= 2.5 GB, or exit 2 up front "
      "naming the limit and how to split the story", cost=60)
def r19(ctx: Ctx) -> Verdict:
    return many_outlets(ctx, "r19", 200)


@case("R20", "runs", "1,000 outlets of saved pages (--slow)", "exit 0 with 1000 ok and peak <= 2.5 GB, or exit 2 "
      "up front naming the limit and how to split the story", cost=1800, slow=True)
def r20(ctx: Ctx) -> Verdict:
    return many_outlets(ctx, "r20", 1000)


@case("N01", "http", "no connection left 127.0.0.1 during the battery", "the network guard logged no attempt", cost=0)
def n01(ctx: Ctx) -> Verdict:
    log = ctx.battery.guard_log
    attempts = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return Verdict(not attempts, f"{len(attempts)} attempts" + (f": {attempts[:3]}" if attempts else ""))


# ---------------------------------------------------------------------------------------- runner


@dataclass
class Result:
    case: Case
    verdict: Verdict
    seconds: float = 0.0

    @property
    def mark(self) -> str:
        return "SKIPPED" if self.verdict.held is None else ("HELD" if self.verdict.held else "FAILED")


def run_case(battery: Battery, c: Case) -> Result:
    started = time.monotonic()
    try:
        ctx = Ctx(battery, c.id)
        verdict = c.fn(ctx)
        leftover = processes_with(str(ctx.cache))
        for pid in leftover:   # never let a stuck kernel of one case slow the next ones down
            kill(pid)
        if leftover:
            verdict = Verdict(verdict.held, verdict.observed + f"; (cleanup: killed {len(leftover)} leftover process(es))")
    except Exception as exc:   # a bug of this script in one case must not hide the others
        verdict = Verdict(False, f"the case itself crashed: {exc.__class__.__name__}: {exc} "
                                 f"{clip(traceback.format_exc(limit=3), 400)}")
    result = Result(c, verdict, time.monotonic() - started)
    print(f"  {c.id} {result.mark:7} {result.seconds:6.1f} s  {c.title}", file=sys.stderr, flush=True)
    return result


def print_table(results: list[Result]) -> None:
    widths = {"id": 4, "category": 8, "case": 36, "expected": 44, "observed": 64, "verdict": 7}
    def row(values: list[str]) -> str:
        return "  ".join(v[:w].ljust(w) for v, w in zip(values, widths.values()))
    print(row(list(widths)))
    print(row(["-" * w for w in widths.values()]))
    for r in results:
        print(row([r.case.id, r.case.category, r.case.title, r.case.expected, r.verdict.observed, r.mark]))
    failed = [r for r in results if r.verdict.held is False]
    if failed:
        print("\nFAILED cases, in full:")
        for r in failed:
            print(f"\n{r.case.id} [{r.case.category}] {r.case.title}")
            print(textwrap.indent(textwrap.fill("expected: " + r.case.expected, 110), "  "))
            print(textwrap.indent(textwrap.fill("observed: " + r.verdict.observed, 110), "  "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted({c.category for c in CASES}), help="run one category")
    parser.add_argument("--case", default="", help="comma-separated case ids (e.g. H09,R03)")
    parser.add_argument("--slow", action="store_true", help="also run the slow cases (1,000 outlets)")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--json", default="", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if not PARALLAX.is_file():
        print(f"no {PARALLAX}: run `make install` in {ROOT} first", file=sys.stderr)
        return 0
    wanted = {x.strip().upper() for x in args.case.split(",") if x.strip()}
    cases = [c for c in CASES if (not args.only or c.category == args.only) and (not wanted or c.id in wanted)
             and (args.slow or not c.slow or c.id in wanted) and c.id != "N01"]
    guard_case = next(c for c in CASES if c.id == "N01")
    root = Path(tempfile.mkdtemp(prefix="parallax-hostile-"))
    battery = Battery(root)
    started = time.monotonic()
    print(f"hostile battery: {len(cases) + 1} cases, {args.jobs} at a time, in {root}", file=sys.stderr, flush=True)
    try:
        order = sorted(cases, key=lambda c: -c.cost)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            done = {r.case.id: r for r in pool.map(lambda c: run_case(battery, c), order)}
        results = [done[c.id] for c in cases] + [run_case(battery, guard_case)]
    finally:
        battery.stop()
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            subprocess.run(["chmod", "-R", "u+rwX", str(root)], check=False)
            shutil.rmtree(root, ignore_errors=True)
    elapsed = time.monotonic() - started
    print_table(results)
    counted = [r for r in results if r.verdict.held is not None]
    held = sum(bool(r.verdict.held) for r in counted)
    skipped = len(results) - len(counted)
    print(f"\n{held} of {len(counted)} held" + (f" ({skipped} skipped)" if skipped else "")
          + f"; {elapsed / 60:.1f} min")
    if args.json:
        Path(args.json).write_text(json.dumps([{"id": r.case.id, "category": r.case.category, "case": r.case.title,
                                                "expected": r.case.expected, "observed": r.verdict.observed,
                                                "verdict": r.mark, "seconds": round(r.seconds, 1)} for r in results],
                                              indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
