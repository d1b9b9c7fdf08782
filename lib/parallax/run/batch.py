"""Many stories at once: ``parallax batch SPEC... | DIR``.

Each story runs exactly as ``parallax run`` runs it (same run folders, lock, ``latest``), in
one of three places: in this process one after another (``workers=1``), in N local worker
processes (each run starts its own kernel over IPC sockets, so parallel kernels never clash on
ports: papermill #511), or on a dask.distributed cluster (``scheduler="tcp://host:8786"``),
whose workers need Parallax installed and the specs, pages and output folder on a shared path.

Each worker process (and this one, for ``workers=1``) starts a fork server at its first story
(:mod:`parallax.run.forkserver`): the imports and model loads a kernel needs are paid once per
worker, and every story's kernel is a fresh fork of that warm process.
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from parallax.run.runner import EXIT_BUSY, EXIT_OK, EXIT_PARTIAL, EXIT_REPORT, EXIT_USAGE, run_story

SPEC_SUFFIXES = (".yaml", ".yml")
BATCH_OK, BATCH_PARTIAL, BATCH_FAILED = 0, 1, 3


@dataclass(frozen=True)
class StoryResult:
    """How one story of a batch went."""

    spec: str
    status: str          # ok, partial (some outlet failed) or failed (bad spec, busy, report failed, crash)
    code: int            # the exit status `parallax run` would have given
    folder: str = ""     # the run folder ("" when none was made)
    error: str = ""      # why it failed, in a line
    seconds: float = 0.0
    worker: str = ""


def find_specs(paths: Sequence[str | Path]) -> list[Path]:
    """Story specs named directly, or every ``*.yaml``/``*.yml`` under the folders given (sorted;
    hidden folders skipped). Raises FileNotFoundError for a path that does not exist."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found += sorted(p for p in item.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(item).parts))
        elif item.is_file():
            found.append(item)
        else:
            raise FileNotFoundError(f"{item}: no such spec file or folder")
    return list(dict.fromkeys(p.resolve() for p in found))


_STATUS = {EXIT_OK: "ok", EXIT_PARTIAL: "partial"}


def run_one(spec: str, out: str, options: dict[str, Any] | None = None) -> StoryResult:
    """Run one story (any failure becomes a result, never an exception); its console output is
    kept from the batch's terminal and its last line is the result's error when it failed. The
    story's kernel is forked from this worker's fork server (:mod:`parallax.run.forkserver`, started
    by the first story), so the imports and model loads are paid once per worker, not per story."""
    import os
    import socket

    from parallax.run import forkserver

    forkserver.start()   # once per worker process: each story's kernel is then a fork of a warm one
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            folder, code = run_story(Path(spec), Path(out), progress=False, quiet=True, **(options or {}))
    except Exception as exc:  # a bug costs one story, not the batch
        folder, code = None, EXIT_REPORT
        captured.write(f"parallax: internal error: {exc.__class__.__name__}: {exc}\n{traceback.format_exc()}")
    lines = [line for line in captured.getvalue().splitlines() if line.startswith("parallax:")]
    status = _STATUS.get(code, "failed")
    error = "" if status == "ok" else (lines[-1].removeprefix("parallax: ") if lines else f"exit status {code}")
    return StoryResult(spec=str(spec), status=status, code=code, folder=str(folder or ""), error=error,
                       seconds=round(time.perf_counter() - started, 2), worker=worker)


def _local(specs: Sequence[Path], out: Path, workers: int, options: dict[str, Any]) -> Iterator[StoryResult]:
    if workers <= 1:
        for spec in specs:
            yield run_one(str(spec), str(out), options)
        return
    # spawn, not fork: a forked copy of a process with threads (tqdm, zmq) can hang
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_one_core_each) as pool:
        futures = [pool.submit(run_one, str(spec), str(out), options) for spec in specs]
        for future in as_completed(futures):
            yield future.result()


def _one_core_each() -> None:
    """In a local batch worker: the stories' kernels save their charts themselves (one process each), as
    the other workers' stories already use the other cores; ``PARALLAX_CHART_PROCESSES`` set by the user
    still wins."""
    import os

    os.environ.setdefault("PARALLAX_CHART_PROCESSES", "0")


def _dask(specs: Sequence[Path], out: Path, scheduler: str, options: dict[str, Any]) -> Iterator[StoryResult]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="30s") as client:
        futures = client.map(run_one, [str(s) for s in specs], out=str(out), options=options, pure=False)
        for future in dask_completed(futures):
            yield future.result()


def run_batch(specs: Sequence[Path], out: Path, workers: int = 1, scheduler: str = "",
              options: dict[str, Any] | None = None, progress: bool = False) -> list[StoryResult]:
    """Run every spec; results in the order of ``specs``."""
    from tqdm import tqdm

    options = options or {}
    out = Path(out).resolve()
    source = _dask(specs, out, scheduler, options) if scheduler else _local(specs, out, workers, options)
    results: dict[str, StoryResult] = {}
    with tqdm(total=len(specs), desc="stories", unit="story", disable=not progress, file=sys.stderr) as bar:
        for result in source:
            results[result.spec] = result
            bar.set_postfix_str(f"{sum(r.status != 'ok' for r in results.values())} not ok")
            bar.update(1)
    return [results[str(spec)] for spec in specs]


def exit_status(results: Sequence[StoryResult]) -> int:
    """0 every story ok; 1 some story only partly (an outlet failed), none failed; 3 some story failed."""
    if any(r.status == "failed" for r in results):
        return BATCH_FAILED
    return BATCH_PARTIAL if any(r.status == "partial" for r in results) else BATCH_OK


def report(results: Sequence[StoryResult]) -> str:
    """The end-of-batch summary: counts, then each story that did not go fully well, with its path."""
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "partial", "failed")}
    lines = [f"{len(results)} stories: {counts['ok']} ok, {counts['partial']} partly failed, {counts['failed']} failed"]
    for r in results:
        where = r.folder or r.spec
        if r.status == "partial":
            lines.append(f"  partly failed  {where}: {r.error}")
        elif r.status == "failed":
            lines.append(f"  failed         {where}: {r.error}")
    return "\n".join(lines)


def as_rows(results: Sequence[StoryResult]) -> list[dict[str, Any]]:
    """The results as dicts (for a batch.json)."""
    return [asdict(r) for r in results]


__all__ = ["StoryResult", "find_specs", "run_one", "run_batch", "exit_status", "report", "as_rows",
           "EXIT_BUSY", "EXIT_USAGE"]
