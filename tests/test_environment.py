"""environment.yml lists the same dependencies as pyproject.toml; the repo layout stays as designed."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _normalise(requirement: str) -> str:
    return _name(requirement) + re.sub(r"\s+", "", requirement.strip()[len(_name(requirement)):])


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            listed |= {_normalise(r) for r in item.get("pip", [])}
        elif _name(item) not in ("python", "pip"):  # the interpreter and installer themselves
            listed.add(_normalise(item))
    assert listed == wanted


def test_notebooks_are_committed_clean() -> None:
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in code), path
        assert not any(re.search(r"^\s*(def|class) ", "".join(c["source"]), re.M) for c in code), path


def test_library_is_not_git_ignored() -> None:
    result = subprocess.run(["git", "check-ignore", "-q", "--no-index", "lib/parallax/__init__.py"], cwd=ROOT)
    assert result.returncode == 1
