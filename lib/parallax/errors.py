"""Parallax's errors: each one says which outlet (or field) went wrong and what to do."""

from __future__ import annotations


class ParallaxError(Exception):
    """Base class of every error Parallax raises on purpose."""


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
