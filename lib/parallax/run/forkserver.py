"""Warm report kernels for batches: each story's kernel is a fork of a process that has already
imported everything and loaded the models.

A fresh kernel does much before its first stage (the fork server, which does the same, took 3.3 s to
start on 2 cores): importing pandas, matplotlib,
ipykernel and Parallax, loading spaCy's pipeline, the pronouncing dictionary and the attribution
taggers, and newspaper4k's import (which builds a set of every Unicode punctuation character). A
batch worker pays that once: it starts a *fork server* (``python -m parallax.run.forkserver SOCKET``)
that does all of it and then waits. For each story, the kernel manager asks the server for a kernel;
the server forks, and the child becomes the story's kernel (``parallax.run.kernel``) with the
connection file, folder and environment the manager gave. Every story still gets a kernel of its own,
a copy of a process that never ran a story, so nothing of one story reaches the next; the fork server
never runs notebook code.

Only the fork server's own main thread runs when it forks (it checks), and it creates no thread pools
(the cross-encoder's onnxruntime session, which has them, is made in each kernel). Whatever goes
wrong (no server, a refused fork) the manager starts the kernel the usual way. The server exits
when the worker that started it closes its standard input, for instance by dying.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KERNEL_MODULE = "parallax.run.kernel"
_server: "ForkServer | None" = None


def preload() -> None:
    """Import and load what every report kernel needs before its first stage."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")   # as ipykernel sets it
    import IPython.display  # noqa: F401
    import pandas  # noqa: F401
    from ipykernel import kernelapp  # noqa: F401

    from parallax.compare import pairs, wording  # noqa: F401
    from parallax.extract import extractors
    from parallax.outlet import labeller, readability
    from parallax.parse import document
    from parallax.report import charts, narrate, tables  # noqa: F401
    from parallax.run import kernel, pipeline  # noqa: F401

    document.load_model("en")
    readability.english_pronunciations()
    labeller.taggers()
    # both extractors' lazy imports (newspaper4k's punctuation set, trafilatura's, dateparser's), on a page of
    # made-up text that no story sees
    extractors.extract_html("<html><head><title>Warming up</title></head><body><article>"
                            + "<p>A sentence that only warms the extractors up, and no more.</p>" * 12
                            + "</article></body></html>", "http://localhost/warm-up")


class _Forked:
    """The part of ``subprocess.Popen`` that jupyter_client's provisioner uses, for a kernel that is
    the fork server's child (not ours): alive until its pidfd says it has ended."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._fd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self.returncode = 0   # ended; its exit status went to the fork server, which reaps it
            os.close(self._fd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """A fork server process of this one, and how to ask it for a kernel."""

    def __init__(self, start_timeout: float = 120.0) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="parallax-forkserver-"))
        self.path = self.folder / "socket"
        self.proc = subprocess.Popen([sys.executable, "-m", "parallax.run.forkserver", str(self.path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + start_timeout
        while not self.path.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the fork server did not start")
            time.sleep(0.05)

    def fork(self, argv: list[str], cwd: str | None, env: dict[str, str] | None) -> int:
        """A new kernel ``python -m parallax.run.kernel ARGV``; its pid."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(30)
            conn.connect(str(self.path))
            conn.sendall(json.dumps({"argv": argv, "cwd": cwd or os.getcwd(),
                                     "env": dict(env if env is not None else os.environ)}).encode() + b"\n")
            answer = json.loads(_read_line(conn))
        if "pid" not in answer:
            raise RuntimeError(answer.get("error", "the fork server refused"))
        return int(answer["pid"])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for leftover in (self.path, self.folder):
            try:
                leftover.unlink() if leftover.is_file() or leftover.is_socket() else leftover.rmdir()
            except OSError:
                pass


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def start() -> ForkServer | None:
    """Start this process's fork server (once, or again if it has died); None if it cannot start
    (kernels then start the usual way)."""
    global _server
    if _server is not None and _server.proc.poll() is not None:
        log.info("the fork server has stopped (%s); starting another", _server.proc.returncode)
        _server.close()
        _server = None
    if _server is None:
        try:
            _server = ForkServer()
        except (OSError, RuntimeError) as exc:
            log.info("no fork server (%s): kernels start the usual way", exc)
            return None
        import atexit

        atexit.register(_server.close)   # (a replaced one is closed already; closing twice is harmless)
    return _server


def fork_kernel(cmd: list[str], cwd: str | None, env: dict[str, str] | None) -> _Forked | None:
    """The kernel of ``cmd`` forked from this process's fork server, or None (no server, another
    command, a refusal: start it the usual way)."""
    if _server is None or cmd[1:3] != ["-m", KERNEL_MODULE] or not hasattr(os, "pidfd_open"):
        return None
    try:
        return _Forked(_server.fork(cmd[3:], cwd, env))
    except (OSError, RuntimeError, ValueError) as exc:
        log.info("the fork server gave no kernel (%s): starting one the usual way", exc)
        return None


# ---------------------------------------------------------------- the server process

def _become_kernel(listener: socket.socket, conn: socket.socket, request: dict[str, Any]) -> None:
    """In the forked child: the story's kernel, in a session of its own."""
    listener.close()
    conn.close()
    os.setsid()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [KERNEL_MODULE, *request["argv"]]
    from parallax.run import kernel

    kernel.main()


def serve(path: str) -> None:
    """The fork server: preload, then fork a kernel for each request until stdin closes."""
    preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.replace(path + ".tmp", path)   # the socket appears once it can be used
    listener.listen(8)
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:   # reap the kernels that ended
                pass
        except ChildProcessError:
            pass
        ready, _, _ = select.select([listener, sys.stdin], [], [], 0.5)
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1):
            return   # the worker that started us has gone
        if listener not in ready:
            continue
        conn, _ = listener.accept()
        with conn:
            try:
                request = json.loads(_read_line(conn))
            except ValueError:
                continue
            if threading.active_count() > 1:   # a fork of a process with other threads could hang
                conn.sendall(json.dumps({"error": "the fork server has threads"}).encode() + b"\n")
                continue
            pid = os.fork()
            if pid == 0:
                try:
                    _become_kernel(listener, conn, request)
                finally:
                    os._exit(1)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


if __name__ == "__main__":
    serve(sys.argv[1])
