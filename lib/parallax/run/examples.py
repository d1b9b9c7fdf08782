"""The bundled example stories (constructed: fictional outlets, invented text)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_EXAMPLE = "drone-claim"


def examples_dir() -> Path:
    """The folder that holds the bundled examples."""
    return Path(str(resources.files("parallax").joinpath("examples")))


def example_names() -> list[str]:
    """Names of the bundled examples."""
    return sorted(p.parent.name for p in examples_dir().glob("*/story.yaml"))


def example_spec(name: str = DEFAULT_EXAMPLE) -> Path:
    """The story spec of a bundled example.

    Raises:
        KeyError: no example of that name (the message lists the ones there are).
    """
    path = examples_dir() / name / "story.yaml"
    if not path.is_file():
        raise KeyError(f"no example named {name!r}; there are: {', '.join(example_names())}")
    return path
