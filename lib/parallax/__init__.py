"""Parallax: compare how different news outlets tell the same story."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("parallax")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
