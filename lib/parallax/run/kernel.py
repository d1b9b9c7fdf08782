"""The report kernel: ipykernel, ended without tearing down the interpreter.

``python -m parallax.run.kernel -f CONNECTION_FILE`` is what the ``parallax`` kernelspec starts. It
is ipykernel's own launcher, with one change at the very end of the process: once every exit
handler has run (they run last-registered first, and this one is registered before any other), it
flushes the standard streams and leaves with ``os._exit``. Freeing a report's objects one by one
(the parser's vocabulary, the pronouncing dictionary, the tables) took the kernel 0.8 s after its
shutdown request, time a run spent waiting for the kernel to go; the operating system frees the
memory at once. Files are closed by the code that writes them, long before.
"""

from __future__ import annotations

import atexit
import os
import sys


def _leave() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001 - a stream already closed
            pass
    os._exit(0)


def main() -> None:
    atexit.register(_leave)   # first registered, so it runs after every other exit handler
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
