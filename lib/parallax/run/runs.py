"""Run folders: where a run's snapshots, tables, charts, report and run.json live.

``DIR/<story>/<UTC time>-<short id>/``. A new folder for every run; an earlier
run is never touched.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import secrets
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Iterator

from parallax.acquire import snapshot as snap
from parallax.errors import FetchError, ParallaxError
from parallax.acquire.fetch import FetchSettings, SnapshotCache, get_snapshots
from parallax.spec import Story
from parallax import thresholds

RUN_JSON = "run.json"
LATEST = "latest"                 # outputs/<story>/latest -> the newest complete run
SPEC_COPY = "spec.yaml"   # the spec as the run read it (reruns use it)
LOCK_FILE = ".lock"               # outputs/<story>/.lock, held while a run of the story is going
COMPLETE = ("ok", "partial")      # run statuses that may become latest
ERRORS_FILE = "_errors.json"  # in snapshots/; "_" cannot start an outlet key, so no outlet's file clashes
PACKAGES = ("parallax", "trafilatura", "newspaper4k", "textstat", "pysbd", "spacy", "python-crfsuite", "pandas",
            "matplotlib", "papermill", "nbconvert", "requests", "lxml")


@dataclass
class Run:
    """One run of one story: its folder, the pages it read and what went wrong."""

    story: Story
    folder: Path
    offline: bool = False
    snapshots: dict[str, snap.Snapshot] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)       # outlet key -> message
    timings: dict[str, float] = field(default_factory=dict)    # stage -> seconds
    parameters: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage of the run (seconds add up if a stage runs twice)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 3)


def find_out_dir(start: Path | None = None) -> Path:
    """Where runs go by default: ``$PARALLAX_OUT``, else the ``outputs/`` of the project above ``start``."""
    if os.environ.get("PARALLAX_OUT"):
        return Path(os.environ["PARALLAX_OUT"])
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "outputs").is_dir() and (folder / "pyproject.toml").is_file():
            return folder / "outputs"
    return start / "outputs"


def new_run_folder(out_dir: Path, story_id: str) -> Path:
    """Create ``out_dir/<story>/<UTC time>-<short id>/`` (never an existing one). The time has
    milliseconds (``20261203T162729.123Z``), so runs of a story sort in the order they started even when
    several start within a second."""
    now = datetime.now(timezone.utc)
    stamp = f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z"
    while True:
        folder = Path(out_dir) / story_id / f"{stamp}-{secrets.token_hex(3)}"
        try:
            folder.mkdir(parents=True, exist_ok=False)
            return folder
        except FileExistsError:
            continue


def collect_snapshots(
    run: Run,
    cache: SnapshotCache | None = None,
    settings: FetchSettings = FetchSettings(),
    on_done: Any = None,
) -> None:
    """Fill ``run.snapshots`` and ``run.errors``: from the run's own ``snapshots/`` when
    every outlet is there already (the CLI fetched them), else by fetching."""
    folder = run.folder / "snapshots"
    saved = {o.key: snap.load(folder, o.key) for o in run.story.outlets}
    errors = _load_errors(folder)
    if all(saved[o.key] is not None or o.key in errors for o in run.story.outlets):
        run.snapshots = {k: s for k, s in saved.items() if s is not None}
        run.errors.update(errors)
        return
    with run.stage("fetch"):
        results = get_snapshots(run.story, cache or SnapshotCache(), run.offline, settings, on_done)
    for key, result in results.items():
        if isinstance(result, FetchError):
            run.errors[key] = str(result)
        else:
            run.snapshots[key] = result
            snap.save(result, folder, key)
    _save_errors(folder, {k: v for k, v in run.errors.items() if k in results})


def _load_errors(folder: Path) -> dict[str, str]:
    try:
        return json.loads((folder / ERRORS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_errors(folder: Path, errors: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ERRORS_FILE).write_text(json.dumps(errors, indent=2, ensure_ascii=False), encoding="utf-8")


def versions() -> dict[str, str]:
    """Versions of Python and the packages a run depends on."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def parsers(outlets: list[dict[str, Any]]) -> dict[str, Any]:
    """The parser model each language of the run used (name and version), or why there was none."""
    from parallax.parse import document as parse

    langs = sorted({o.get("language") or "en" for o in outlets if o.get("status") == "ok"})
    return {lang: parse.model_info(lang).as_dict() for lang in langs}


def read_run_json(folder: Path) -> dict[str, Any]:
    """The run's run.json, or an empty dict."""
    try:
        return json.loads((folder / RUN_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_run_json(folder: Path, data: dict[str, Any]) -> Path:
    """Write run.json (atomically)."""
    path = folder / RUN_JSON
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def record(run: Run, outlets: list[dict[str, Any]]) -> Path:
    """Write what the run did into run.json, keeping what the CLI already put there."""
    data = read_run_json(run.folder)
    data.update({
        "story": run.story.story,
        "spec": run.story.to_dict(),
        "spec_sha256": file_sha256(run.story.path),
        "parameters": {**data.get("parameters", {}), **run.parameters},
        "versions": versions(),
        "executable": sys.executable,
        "timings": {**data.get("timings", {}), **run.timings},
        "outlets": outlets,
        "snapshots": {k: s.meta() for k, s in run.snapshots.items()},
        "parser": parsers(outlets),
        "thresholds": thresholds.as_dict(),
    })
    return write_run_json(run.folder, data)


class StoryBusy(ParallaxError):
    """Another run of the same story holds its lock."""

    def __init__(self, story_dir: Path, holder: str) -> None:
        self.story_dir, self.holder = story_dir, holder
        who = f" (process {holder})" if holder else ""
        super().__init__(f"another run of '{story_dir.name}' is in progress{who}, lock {story_dir / LOCK_FILE}: "
                         "wait for it to finish, or run with --wait to queue behind it")


@contextmanager
def story_lock(story_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the story's lock for the length of a run: a second run of the same story waits for it
    (``wait``) or raises :class:`StoryBusy` at once. The lock goes with the process, even when it
    is killed."""
    story_dir.mkdir(parents=True, exist_ok=True)
    with open(story_dir / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            raise StoryBusy(story_dir, handle.read().strip()) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} since {snap.now_iso()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def latest_run(story_dir: Path) -> Path | None:
    """The run ``story_dir/latest`` points at, if it is there and complete."""
    link = Path(story_dir) / LATEST
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return target if read_run_json(target).get("status") in COMPLETE else None


def mark_latest(folder: Path) -> Path:
    """Point ``<story>/latest`` at ``folder`` (atomically: a reader sees the old or the new run)."""
    story_dir = folder.parent
    tmp = story_dir / f".{LATEST}-{secrets.token_hex(4)}"
    os.symlink(folder.name, tmp)
    os.replace(tmp, story_dir / LATEST)
    return story_dir / LATEST


def file_sha256(path: Path | None) -> str:
    """SHA-256 of a file, hex ("" when there is none)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""
    except OSError:
        return ""
