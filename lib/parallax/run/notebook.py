"""Running the report notebooks through papermill, and exporting them to HTML.

The kernel is named explicitly: Parallax writes a kernelspec called
``parallax`` that starts *this* Python, and puts it first on JUPYTER_PATH, so a
``python3`` kernel of some other environment is never picked up.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import weakref
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum

from parallax.errors import ParallaxError

log = logging.getLogger(__name__)

KERNEL_NAME = "parallax"
REPORT = "compare_story.ipynb"


class IPCKernelManager(AsyncKernelManager):
    """Talks to the kernel over Unix sockets: no TCP ports to clash when runs go in parallel (papermill #511).
    Each manager is remembered (weakly) so that an interrupted run can stop its kernel."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _MANAGERS.add(self)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """In a batch worker with a fork server, the kernel is a fork of it (:mod:`parallax.run.forkserver`)."""
        from parallax.run import forkserver

        forked = forkserver.fork_kernel(kernel_cmd, kw.get("cwd"), kw.get("env"))
        if forked is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = forked, forked.pid, forked.pid   # its own session
        provisioner.cwd = kw.get("cwd") or os.getcwd()
        self._reconcile_connection_info(provisioner.connection_info)


_MANAGERS: weakref.WeakSet[IPCKernelManager] = weakref.WeakSet()


def _kill_kernels() -> None:
    """SIGKILL the kernels this process started (they run in their own session: a Ctrl-C does not reach them)."""
    for manager in list(_MANAGERS):
        pid = getattr(manager.provisioner, "pid", None) if manager.provisioner else None
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


#: While cells run, the output notebook is saved at most this often (seconds); always at its start, after a
#: failed cell and at its end.
SAVE_EVERY = 1.0


class _SparingManager(NotebookExecutionManager):
    """papermill's execution manager, saving the output notebook at most every :data:`SAVE_EVERY` seconds.

    papermill saves it before and after every cell, 78 times for a report that grows to 2 MB of
    images, each save on the path from one cell to the next (about 0.5 s of a six-outlet run)."""

    forced = False

    def save(self, **kwargs: Any) -> None:
        if self.forced or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY:
            super().save(**kwargs)

    def _always(self, method: Any, *args: Any, **kwargs: Any) -> None:
        self.forced = True
        try:
            method(*args, **kwargs)
        finally:
            self.forced = False

    def notebook_start(self, **kwargs: Any) -> None:
        self._always(super().notebook_start, **kwargs)

    def cell_complete(self, cell: Any, cell_index: Any = None, **kwargs: Any) -> None:
        if cell.metadata.papermill.get("status") == self.FAILED:
            self._always(super().cell_complete, cell, cell_index, **kwargs)
        else:
            super().cell_complete(cell, cell_index, **kwargs)

    def notebook_complete(self, **kwargs: Any) -> None:
        self._always(super().notebook_complete, **kwargs)


class SparingEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`_SparingManager` (registered as ``parallax``)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None, progress_bar: bool = True,
                         log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        nb_man = _SparingManager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                 autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register("parallax", SparingEngine)


class ParameterError(ParallaxError):
    """A parameter the notebook does not declare (papermill would only warn)."""


def notebook_path(name: str = REPORT) -> Path:
    """A notebook shipped with Parallax: notebooks/ of the source tree, or its installed copy."""
    source_tree = Path(__file__).resolve().parents[3] / "notebooks" / name
    if source_tree.is_file():  # a checkout (editable install)
        return source_tree
    return Path(str(resources.files("parallax.notebooks").joinpath(name)))


def ensure_kernel(home: Path) -> Path:
    """Write the ``parallax`` kernelspec (this Python) under ``home`` and put it first on JUPYTER_PATH;
    return the folder used.

    When ``home`` cannot be written (a cache on a read-only mount, a full disk), the kernelspec goes to a
    private temporary folder of this process instead (made by mkdtemp, removed at exit): the cache is an
    aid, and a kernelspec in a folder others could write would let them choose what the kernel runs.
    """
    try:
        return _write_kernel(Path(home).resolve())
    except OSError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="parallax-kernel-"))
        atexit.register(shutil.rmtree, fallback, True)
        log.info("cannot write the kernelspec under %s (%s); using %s", home, exc.strerror or exc, fallback)
        return _write_kernel(fallback)


def _write_kernel(home: Path) -> Path:
    spec_dir = home / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        # papermill's shutdown interrupts the kernel first (SIGINT), which ipykernel logs as an ERROR
        # on the terminal; a failing cell still surfaces through papermill, so keep only critical logs
        "argv": [sys.executable, "-m", "parallax.run.kernel", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=CRITICAL"],
        "display_name": f"Parallax ({Path(sys.prefix).name})",
        "language": "python",
        "metadata": {"debugger": False},
    }
    path = spec_dir / "kernel.json"
    try:
        current = json.loads(path.read_text())
    except (OSError, ValueError):
        current = None
    if current != spec:  # written atomically: runs in parallel may start kernels from here at the same time
        tmp = spec_dir / f".kernel.json.{os.getpid()}"
        tmp.write_text(json.dumps(spec, indent=1))
        os.replace(tmp, path)
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if str(home) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(home), *paths])
    return home


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Refuse parameters the notebook's ``parameters`` cell does not declare.

    Raises:
        ParameterError: naming the unknown parameter and the known ones.
    """
    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"{notebook.name} has no parameter {', '.join(map(repr, unknown))}; it takes: {', '.join(sorted(declared))}"
        )


def execute(notebook: Path, output: Path, parameters: dict[str, Any], kernel_home: Path,
            progress: bool = False, cwd: Path | None = None) -> dict[str, float]:
    """Run ``notebook`` with ``parameters`` into ``output``; return timings (kernel start, cells).

    Raises:
        ParameterError: an unknown parameter.
        papermill.PapermillExecutionError: a cell failed (``output`` still holds the notebook so far).
    """
    check_parameters(notebook, parameters)
    ensure_kernel(kernel_home)
    started = time.time()
    # papermill runs in a thread of its own: in the main thread, nbclient takes SIGINT and SIGTERM for
    # itself (it shuts the kernel down and the run goes on as if complete); here they stay ours
    failure: list[BaseException] = []

    def run() -> None:
        try:
            papermill.execute_notebook(
                str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
                progress_bar=progress, cwd=str(cwd) if cwd else None, log_output=False,
                kernel_manager_class=IPCKernelManager, engine_name="parallax",
            )
        except BaseException as exc:   # noqa: BLE001  (handed to the caller's thread)
            failure.append(exc)

    worker = threading.Thread(target=run, name="papermill", daemon=True)
    worker.start()
    # the HTML exporter (nbconvert's import, its templates) gets ready while the kernel works
    threading.Thread(target=html_exporter, name="html-exporter", daemon=True).start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except BaseException:   # Ctrl-C, SIGTERM: stop the kernel, let the thread see it die, then go
        _kill_kernels()
        worker.join(5)
        raise
    if failure:
        raise failure[0]
    return cell_timings(output, started)


def cell_timings(output: Path, started: float) -> dict[str, float]:
    """Kernel start-up (papermill start to first cell) and total cell time, from papermill's metadata."""
    nb = nbformat.read(str(output), as_version=4)
    starts, ends = [], []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("start_time") and meta.get("end_time"):
            starts.append(_ts(meta["start_time"]))
            ends.append(_ts(meta["end_time"]))
    if not starts:
        return {}
    return {"kernel_start": round(min(starts) - started, 3), "cells": round(max(ends) - min(starts), 3)}


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


_exporter_lock = threading.Lock()


def html_exporter() -> Any:
    """nbconvert's HTML exporter as the reports use it (code hidden), made and run once on a small
    notebook so that its templates are compiled; the same one each call."""
    global _html_exporter
    with _exporter_lock:
        if _html_exporter is None:
            from nbconvert import HTMLExporter

            exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
            warm = nbformat.v4.new_notebook()
            warm.cells = [nbformat.v4.new_markdown_cell("# *a* title"), nbformat.v4.new_code_cell("1")]
            exporter.from_notebook_node(warm)
            _html_exporter = exporter
        return _html_exporter


_html_exporter: Any = None


def to_html(notebook: Path, output: Path, title: str = "", css: str = "") -> Path:
    """Export an executed notebook to a self-contained HTML report (code hidden); ``css``
    (a ``<style>`` block) is added at the end of the head."""
    nb = nbformat.read(str(notebook), as_version=4)
    if title:
        nb.metadata["title"] = title
    exporter = html_exporter()
    with _exporter_lock:
        body, _ = exporter.from_notebook_node(nb)
    if css:
        body = body.replace("</head>", f"{css}</head>", 1)
    output.write_text(body, encoding="utf-8")
    return output
