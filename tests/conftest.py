"""Shared fixtures: paths, the bundled examples, and a subprocess environment without network."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = Path(__file__).parent / "netguard"


def guarded_env(tmp_path: Path) -> dict[str, str]:
    """Environment for a subprocess that may not reach the network (attempts are logged).

    NLTK_DATA points at an empty folder, so data a developer downloaded earlier cannot hide a
    run-time download; the snapshot cache and run outputs live in tmp_path.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PARALLAX_NETGUARD_LOG"] = str(tmp_path / "network-attempts.log")
    env["NLTK_DATA"] = str(tmp_path / "nltk_data")
    env["PARALLAX_CACHE_DIR"] = str(tmp_path / "cache")
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CACHE_HOME"] = str(tmp_path / "home" / ".cache")
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """``guarded_env`` in the test's own tmp_path."""
    return guarded_env(tmp_path)


def network_attempts(env: dict[str, str]) -> str:
    """What the guarded subprocess tried to reach (empty when nothing)."""
    path = Path(env["PARALLAX_NETGUARD_LOG"])
    return path.read_text(encoding="utf-8") if path.exists() else ""


PY = sys.executable


def load_bench(script: str) -> ModuleType:
    """A benchmark script under bench/, loaded by path (the scripts are not part of the package)."""
    name = f"_bench_{Path(script).stem}_under_test"
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module
