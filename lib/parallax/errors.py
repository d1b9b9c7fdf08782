"""Parallax's errors: each one says which outlet (or field) went wrong and what to do."""

from __future__ import annotations

from typing import Any, TextIO

# C0 and C1 control characters other than tab, newline and carriage return, DEL, and the bidirectional
# overrides and isolates (which reorder what a terminal shows): written as \x1b, \u202e...
_CONTROLS = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}")
             for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                       *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def first_control(text: str) -> str | None:
    """The first character of ``text`` that :func:`printable` would write out (tab, newline and
    carriage return aside), or None."""
    return next((ch for ch in text if ord(ch) in _CONTROLS), None)


def printable(text: str) -> str:
    """``text`` with the characters that drive a terminal (ANSI escapes, bidi overrides) written out."""
    return text.translate(_CONTROLS)


class TerminalSafe:
    """A text stream that writes :func:`printable` text: an outlet name, a page title or a server's
    reason phrase that reaches a message cannot recolour, move or rewrite the user's terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class ParallaxError(Exception):
    """Base class of every error Parallax raises on purpose."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler's timeout, ``kill``): handled as a Ctrl-C is, so the run stops cleanly."""


class SpecError(ParallaxError):
    """A story spec that cannot be run: names the field and the fix."""

    def __init__(self, path: str, field: str, problem: str, fix: str) -> None:
        self.path, self.field, self.problem, self.fix = path, field, problem, fix
        super().__init__(f"{path}: {field}: {problem}; {fix}")


class OutletError(ParallaxError):
    """Something went wrong for one outlet; the run goes on without it."""

    stage = "outlet"

    def __init__(self, outlet: str, source: str, problem: str, fix: str = "") -> None:
        self.outlet, self.source, self.problem, self.fix = outlet, source, problem, fix
        message = f"{outlet}: {problem} ({source})"
        if fix:
            message += f"; {fix}"
        super().__init__(message)


class FetchError(OutletError):
    """A page could not be fetched or read."""

    stage = "fetch"


class ExtractionError(OutletError):
    """A page was fetched but no usable article text came out of it."""

    stage = "extract"


class StoryTooLarge(ParallaxError):
    """A story with more outlets, or more sentences, than Parallax compares at once: says the limit and
    how to split the story."""
