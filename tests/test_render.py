"""Charts saved on background worker processes (parallax.report.render) and the report kernel's exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from parallax.report import figures, render  # noqa: E402


def bars(title: str, n: int = 5) -> plt.Figure:
    fig, ax = figures._figure(n, title, "a subtitle that wraps nowhere")
    ax.barh(range(n), [i * 3 + 1 for i in range(n)], color="#0072B2")
    ax.set_yticks(range(n), [f"outlet number {i}" for i in range(n)])
    for i in range(n):
        ax.text(i * 3 + 1, i, f" {i * 3 + 1}", va="center")
    return fig


def test_a_chart_saved_by_a_worker_is_the_chart_saved_here(tmp_path: Path) -> None:
    here = render.ChartSaver(0).submit(bars, ("Same chart",), {}, tmp_path / "here", "c")
    saver = render.ChartSaver(2)
    there = [saver.submit(bars, ("Same chart",), {}, tmp_path / "there", f"c{i}") for i in range(3)]
    saver.wait()
    assert saver.pending == [] and saver.pool is None
    for chart in there:
        assert chart.done() and chart.png.read_bytes() == here.png.read_bytes()   # the same pixels, byte for byte
        assert chart.svg.read_text().count("<path") == here.svg.read_text().count("<path")
        assert chart.filename == str(chart.png)


def test_a_worker_that_dies_costs_no_chart(tmp_path: Path) -> None:
    saver = render.ChartSaver(1)
    saver.start()
    first = saver.submit(bars, ("Before",), {}, tmp_path, "before")
    first.result()
    (proc,) = saver.pool.procs
    proc.kill()
    proc.wait()
    after = saver.submit(bars, ("After",), {}, tmp_path, "after")
    saver.wait()
    assert after.png.is_file() and after.svg.is_file() and after.png.stat().st_size > 1000


def test_a_save_that_fails_names_the_chart(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the run folder should be")
    saver = render.ChartSaver(1)
    chart = saver.submit(bars, ("Nowhere",), {}, blocker, "coverage_map")
    good = saver.submit(bars, ("Somewhere",), {}, tmp_path, "fine")
    with pytest.raises(render.ChartError, match=r"chart coverage_map could not be saved: .*Error"):
        saver.wait()
    assert good.png.is_file()   # the others are still saved
    assert saver.pool is None


def test_a_maker_that_fails_raises_at_once(tmp_path: Path) -> None:
    def broken() -> plt.Figure:
        raise ValueError("no data")

    with pytest.raises(ValueError, match="no data"):
        render.ChartSaver(1).submit(broken, (), {}, tmp_path, "x")


def test_a_worker_leaves_when_its_input_closes() -> None:
    """A kernel killed with SIGKILL closes its end of the pipe: its workers must not stay behind."""
    proc = subprocess.Popen([sys.executable, "-m", "parallax.report.render"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.close()
    assert proc.wait(timeout=60) == 0
    assert proc.stdout.read() == b""


@pytest.mark.parametrize("setting, expected", [("0", 0), ("3", 3), ("-1", 0), ("two", 0)])
def test_the_number_of_workers_can_be_set(monkeypatch: pytest.MonkeyPatch, setting: str, expected: int) -> None:
    monkeypatch.setenv("PARALLAX_CHART_PROCESSES", setting)
    assert render.processes() == expected


def test_outside_a_kernel_charts_are_saved_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARALLAX_CHART_PROCESSES", raising=False)
    assert render.processes() == 0


def test_the_kernel_runs_every_exit_handler_then_leaves_at_once(tmp_path: Path) -> None:
    """parallax.run.kernel's last exit handler skips the interpreter's teardown, not the other handlers
    nor buffered output."""
    mark = tmp_path / "ran"
    code = ("import atexit, sys\nfrom parallax.run import kernel\natexit.register(kernel._leave)\n"
            f"atexit.register(lambda: open({str(mark)!r}, 'w').write('handler ran'))\n"
            "sys.stdout.write('buffered, no newline')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONUNBUFFERED": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "buffered, no newline"
    assert mark.read_text() == "handler ran"


def test_the_kernelspec_starts_the_parallax_kernel(tmp_path: Path) -> None:
    import json

    from parallax.run import notebook

    notebook.ensure_kernel(tmp_path)
    argv = json.loads((tmp_path / "kernels" / "parallax" / "kernel.json").read_text())["argv"]
    assert argv[:3] == [sys.executable, "-m", "parallax.run.kernel"] and "{connection_file}" in argv


def test_the_output_notebook_is_saved_sparingly_but_always_at_start_failure_and_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime

    import nbformat
    import papermill.engines

    from parallax.run import notebook

    writes = []
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: writes.append(path))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(str(i)) for i in range(10)]
    nb.metadata["papermill"] = {}   # as papermill.execute_notebook prepares it
    manager = notebook._SparingManager(nb, output_path=str(tmp_path / "out.ipynb"), progress_bar=False)
    manager.notebook_start()
    assert len(writes) == 1   # at once: a watcher sees the run has started
    for i, cell in enumerate(nb.cells[:-1]):
        manager.cell_start(cell, i)
        manager.cell_complete(cell, i)
    assert len(writes) == 1   # 18 saves papermill would make within a second
    manager.last_save_time -= datetime.timedelta(seconds=notebook.SAVE_EVERY)
    manager.cell_start(nb.cells[-1], 9)
    assert len(writes) == 2   # one a second while cells run
    manager.cell_exception(nb.cells[-1], 9)
    manager.cell_complete(nb.cells[-1], 9)
    assert len(writes) == 3   # a failure is saved at once
    manager.notebook_complete()
    assert len(writes) == 4


def test_local_batch_workers_save_charts_in_their_kernels_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from parallax.run import batch

    monkeypatch.delenv("PARALLAX_CHART_PROCESSES", raising=False)
    batch._one_core_each()
    assert os.environ["PARALLAX_CHART_PROCESSES"] == "0" and render.processes() == 0
    monkeypatch.setenv("PARALLAX_CHART_PROCESSES", "2")
    batch._one_core_each()
    assert render.processes() == 2


def test_a_worker_that_takes_too_long_is_stopped_and_the_charts_are_saved_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "SAVE_SECONDS", 0.0)   # every wait is too long
    saver = render.ChartSaver(1)
    charts = [saver.submit(bars, (f"Chart {i}",), {}, tmp_path, f"c{i}") for i in range(3)]
    pool = saver.pool
    saver.wait()
    assert all(c.png.is_file() and c.svg.is_file() for c in charts)
    assert saver.pool is None and [p.returncode for p in pool.procs] == [-9]   # stopped, not left to finish
