"""Saving charts (PNG at 150 dpi and SVG), here or on background processes while the run goes on.

Saving is most of a chart's cost: text layout, rasterising and encoding took 4.2 s of the 5.1 s the
eleven charts of a six-outlet run cost, against 0.8 s for building the figures. In a report,
:class:`ChartSaver` builds each figure here, hands it (pickled: about 0.3 s for all eleven) to a small
pool of worker processes and returns a :class:`Chart` at once, so the next stage runs on one core
while the charts are saved on the other. The notebook shows a placeholder where a chart is displayed before it
is saved; after each cell the charts saved since are put in its place (IPython's ``update_display``,
which papermill applies to the executed notebook), and :meth:`ChartSaver.wait` (called by
``pipeline.finish``) puts in the rest. Outside a kernel, and with ``PARALLAX_CHART_PROCESSES=0``,
charts are drawn and saved here, one after another.

The workers are plain child processes (``python -m parallax.report.render``) that read pickled figures
on their standard input and answer on their standard output; not multiprocessing's, whose spawn start
method adds a resource-tracker process that ignores SIGTERM, so ipykernel waited seconds for it at
shutdown. Nothing is lost if a worker breaks (killed, out of memory): the charts it did not save are
saved here instead. A chart maker that fails raises at once, in the cell that asked for the chart; a save that
fails raises ChartError, naming the chart, when its result is asked for. A worker exits when its input closes, so a killed kernel
leaves no process behind.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
import uuid
import warnings
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

log = logging.getLogger(__name__)

#: Fonts with scripts DejaVu Sans lacks (CJK, Arabic, Indic...), used for those glyphs when installed.
FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR", "Source Han Sans", "WenQuanYi Zen Hei",
                  "Droid Sans Fallback", "PingFang SC", "Hiragino Sans", "Microsoft YaHei", "Yu Gothic",
                  "Malgun Gothic", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Thai",
                  "Arial Unicode MS")
#: Worker processes that save charts, at most; fewer on fewer cores (none on one core).
PROCESSES = 2
#: How much lower the workers' CPU priority is than the kernel's (``nice``): they use what the run leaves.
NICENESS = 10
#: How long the run waits for a chart's worker (seconds) before it stops the workers and saves the
#: charts left in its own process: a guard against a worker that hangs, far above any chart's time.
SAVE_SECONDS = 300.0
_missing_glyphs_said = False


def use_fallback_fonts() -> list[str]:
    """Put the installed fonts of :data:`FALLBACK_FONTS` after DejaVu Sans, so that matplotlib draws
    a headline in Japanese or Arabic with them; return the ones found."""
    from matplotlib import font_manager, rcParams

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in FALLBACK_FONTS if name in installed]
    rcParams["font.sans-serif"] = ["DejaVu Sans", *found, *[f for f in rcParams["font.sans-serif"]
                                                           if f != "DejaVu Sans" and f not in found]]
    rcParams["font.family"] = ["sans-serif"]
    return found


def save_figure(fig: Figure, folder: Path, name: str) -> tuple[list[Path], str]:
    """Write ``charts/<name>.png`` (150 dpi) and ``charts/<name>.svg`` and close ``fig``; return both
    paths and the characters no installed font has (drawn as boxes; "" when none). Other warnings
    are re-issued."""
    target = Path(folder) / "charts"
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{name}.png", target / f"{name}.svg"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(paths[0], dpi=150)
        fig.set_layout_engine("none")   # laid out once: the SVG keeps the PNG's layout (0.8 s of 11 charts)
        fig.savefig(paths[1])
    plt.close(fig)  # shown by the report with display(), not again at the end of the cell
    missing = [w for w in caught if "missing from font" in str(w.message)]
    for w in caught:
        if w not in missing:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    chars = "".join(sorted({chr(int(m.group(1))) for w in missing[:20]
                            for m in [re.search(r"Glyph (\d+)", str(w.message))] if m})[:5])
    return paths, chars or ("?" if missing else "")


def say_missing_glyphs(chars: str) -> None:
    """Log, once per process, that some characters have no installed font, naming the fix."""
    global _missing_glyphs_said
    if chars and not _missing_glyphs_said:
        _missing_glyphs_said = True
        logging.getLogger("parallax.report.charts").warning(
            "charts: some characters (e.g. %s) have no installed font and show as boxes; install a font for that "
            "script (Debian/Ubuntu: fonts-noto-cjk, or fonts-noto for others); the tables hold the text", chars)


Maker = Callable[..., Figure]


def _save_pickled(job: bytes) -> tuple[list[Path], str]:
    """The job is ``(figure, folder, name)``, pickled in the kernel."""
    return save_figure(*pickle.loads(job))


class WorkerGone(RuntimeError):
    """A worker process stopped before answering (killed, out of memory)."""


def _send(stream: Any, data: bytes) -> None:
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: Any) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    data = stream.read(int.from_bytes(head, "big"))
    return data if len(data) == int.from_bytes(head, "big") else None


def worker_main() -> None:
    """A worker: save each pickled figure read on stdin, answer ``("ok", result)`` or ``("error", text)``
    on stdout; exit when stdin closes."""
    try:
        os.nice(NICENESS)   # the run's own stages come first when both cores are busy
    except OSError:
        pass
    import matplotlib

    matplotlib.use("agg")
    import parallax.report.figures  # noqa: F401  (mathtext off, as in the kernel)

    use_fallback_fonts()
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr   # nothing else may write on the answer channel
    while (job := _receive(source)) is not None:
        try:
            answer = ("ok", _save_pickled(job))
        except Exception as exc:  # noqa: BLE001 - handed back to the kernel, which raises it
            answer = ("error", f"{exc.__class__.__name__}: {exc}")
        _send(sink, pickle.dumps(answer))


class _Workers:
    """``n`` worker processes fed from one queue, each by a thread of this process."""

    def __init__(self, n: int) -> None:
        self.jobs: queue.Queue[tuple[bytes, Future] | None] = queue.Queue()
        self.procs: list[subprocess.Popen] = []
        self.threads = [threading.Thread(target=self._feed, name=f"parallax-charts-{i}", daemon=True)
                        for i in range(n)]
        for thread in self.threads:
            thread.start()

    def submit(self, job: bytes) -> Future:
        future: Future = Future()
        self.jobs.put((job, future))
        return future

    def _feed(self) -> None:
        try:
            proc = subprocess.Popen([sys.executable, "-m", "parallax.report.render"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self.procs.append(proc)
        except OSError as exc:
            proc, why = None, f"cannot start a chart worker: {exc}"
        while (item := self.jobs.get()) is not None:
            job, future = item
            if proc is None or proc.poll() is not None:
                future.set_exception(WorkerGone(why if proc is None else f"chart worker exited ({proc.returncode})"))
                continue
            try:
                _send(proc.stdin, job)
                answer = _receive(proc.stdout)
            except OSError:
                answer = None
            if answer is None:
                future.set_exception(WorkerGone("chart worker stopped"))
                continue
            status, value = pickle.loads(answer)
            if status == "ok":
                future.set_result(value)
            else:
                future.set_exception(ChartError(value))
        if proc is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop(self) -> None:
        """Kill every worker (what they were saving, and what waits for them, is then saved here)."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()

    def close(self) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()


@dataclass(eq=False)
class Chart:
    """A chart being saved: ``png`` and ``svg`` are where it goes. Displaying it shows the PNG, or a
    placeholder that the saver replaces by the PNG once it is written."""

    name: str
    png: Path
    svg: Path
    future: Future | None = None          # None: saved already (in this process)
    job: bytes = b""                       # kept to save it here if the worker breaks
    display_id: str = field(default_factory=lambda: f"parallax-chart-{uuid.uuid4().hex}")
    shown: bool = False                    # a placeholder of it is on display
    missing_glyphs: str = ""
    workers: "_Workers | None" = None      # the pool saving it

    @property
    def filename(self) -> str:
        """The PNG's path, once it is written (waits for it)."""
        self.result()
        return str(self.png)

    def done(self) -> bool:
        return self.future is None or self.future.done()

    def result(self) -> list[Path]:
        """Wait until the chart is saved; return its paths.

        Raises:
            ChartError: the chart could not be saved (naming the chart and why).
        """
        if self.future is not None:
            try:
                _, self.missing_glyphs = self.future.result(timeout=SAVE_SECONDS)
            except FutureTimeout:    # a worker hangs: stop them all (the others' charts come back as WorkerGone)
                log.warning("chart %s: not saved after %.0f s; saving the charts left in this process",
                            self.name, SAVE_SECONDS)
                if self.workers is not None:
                    self.workers.stop()
                _, self.missing_glyphs = _save_pickled(self.job)
            except WorkerGone:       # the worker died: save it here
                log.info("chart %s: its worker stopped; drawing it in this process", self.name)
                _, self.missing_glyphs = _save_pickled(self.job)
            except ChartError as exc:
                raise ChartError(f"chart {self.name} could not be saved: {exc}") from exc
            self.future, self.job = None, b""
            say_missing_glyphs(self.missing_glyphs)
        return [self.png, self.svg]

    def image(self) -> Any:
        from IPython.display import Image

        return Image(filename=self.filename)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.done():
            display(self.image())
            return
        display({"text/plain": f"[chart {self.name}: being drawn]"}, raw=True, display_id=self.display_id)
        self.shown = True


class ChartError(RuntimeError):
    """A chart could not be saved."""


class ChartSaver:
    """Saves charts on up to ``processes`` worker processes (0: here, at once)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.pool: _Workers | None = None
        self.pending: list[Chart] = []

    def submit(self, maker: Maker, args: tuple, kwargs: dict[str, Any], folder: Path, name: str) -> Chart:
        """Build the chart here (``maker(*args, **kwargs)``) and save it, on a worker when there are
        workers; return it at once."""
        target = Path(folder) / "charts"
        chart = Chart(name, target / f"{name}.png", target / f"{name}.svg")
        fig = maker(*args, **kwargs)
        if self.processes > 0:
            chart.job = pickle.dumps((fig, Path(folder), name), protocol=pickle.HIGHEST_PROTOCOL)
            plt.close(fig)
            chart.workers = self._pool()
            chart.future = chart.workers.submit(chart.job)
            self.pending.append(chart)
            return chart
        _, chart.missing_glyphs = save_figure(fig, folder, name)
        say_missing_glyphs(chart.missing_glyphs)
        return chart

    def start(self) -> None:
        """Start the workers now (their imports then overlap the run's first stages)."""
        if self.processes > 0:
            self._pool()

    def _pool(self) -> _Workers:
        if self.pool is None:
            self.pool = _Workers(self.processes)
        return self.pool

    def flush(self) -> None:
        """Put every chart saved since the last call in place of its placeholder (a failed one stays
        pending: :meth:`wait` raises for it)."""
        for chart in [c for c in self.pending if c.done()]:
            error = chart.future.exception() if chart.future is not None else None
            if error is None or isinstance(error, WorkerGone):
                self._finish(chart)

    def wait(self) -> None:
        """Wait for every chart, put each in place, and stop the workers.

        Raises:
            ChartError: the first chart that could not be saved (the others are still saved).
        """
        first = None
        try:
            for chart in list(self.pending):
                try:
                    self._finish(chart)
                except ChartError as exc:
                    first = first or exc
                    self.pending.remove(chart)
        finally:
            self.close()
        if first:
            raise first

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _finish(self, chart: Chart) -> None:
        chart.result()
        self.pending.remove(chart)
        if chart.shown:
            from IPython.display import update_display

            update_display(chart.image(), display_id=chart.display_id)


_saver: ChartSaver | None = None


def processes() -> int:
    """Worker processes for charts: ``$PARALLAX_CHART_PROCESSES``, else :data:`PROCESSES` (at most one
    fewer than the cores, none on one core), and none outside an IPython kernel."""
    setting = os.environ.get("PARALLAX_CHART_PROCESSES", "").strip()
    if setting:
        try:
            return max(0, int(setting))
        except ValueError:
            log.warning("PARALLAX_CHART_PROCESSES=%r is not a number; charts are saved in this process", setting)
            return 0
    try:
        from IPython import get_ipython
    except ImportError:
        return 0
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(PROCESSES, cores) if cores > 1 else 0


def saver() -> ChartSaver:
    """This process's chart saver (made on first use; in a kernel it puts saved charts in place after
    each cell)."""
    global _saver
    if _saver is None:
        _saver = ChartSaver(processes())
        from IPython import get_ipython

        shell = get_ipython()
        if _saver.processes and shell is not None:
            shell.events.register("post_run_cell", _after_cell)
    return _saver


def _after_cell(result: Any) -> None:
    """After each cell: put the charts saved meanwhile in place; after a failed cell (the run stops
    there), wait for all of them, so the notebook holds every chart made before the failure."""
    if _saver is None:
        return
    if getattr(result, "error_in_exec", None) is not None or getattr(result, "error_before_exec", None) is not None:
        try:
            _saver.wait()
        except ChartError as exc:
            log.warning("%s", exc)
    else:
        _saver.flush()


if __name__ == "__main__":
    worker_main()
