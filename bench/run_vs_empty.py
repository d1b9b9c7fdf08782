"""A six-outlet `parallax run` against papermill running an empty notebook, in the same venv (issue 14).

Usage: python bench/run_vs_empty.py [--runs 3] [--example drone-claim]

Alternates the two commands ``--runs`` times each, offline: ``parallax run <example spec> --offline
--quiet`` (saved pages, a fresh cache) and ``papermill -k python3 empty.ipynb out.ipynb`` (one empty code
cell, this venv's ipykernel). Prints the wall time of each (median, min, max), the ratio of the medians
(the goal is at most 3), and the median stage timings of the runs' run.json. One warm-up of each is not
counted (the first start of a Python reads every module from disk).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAGES = ("kernel_start", "fetch", "extract", "analysis", "claims", "wording", "charts", "revisions", "cells",
          "html", "total")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return wall, result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--example", default="drone-claim")
    args = parser.parse_args()
    from parallax.run.examples import example_spec

    import os
    work = Path(tempfile.mkdtemp(prefix="parallax-run-vs-empty-"))
    env = {**os.environ, "PARALLAX_CACHE_DIR": str(work / "cache")}
    empty = work / "empty.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(empty))
    run_cmd = [str(BIN / "parallax"), "run", str(example_spec(args.example)), "--out", str(work / "out"),
               "--offline", "--quiet"]
    empty_cmd = [str(BIN / "papermill"), "-k", "python3", "--no-progress-bar", str(empty), str(work / "empty-out.ipynb")]
    timed(run_cmd, env)
    timed(empty_cmd, env)
    runs, empties, stages = [], [], []
    for _ in range(args.runs):
        wall, out = timed(run_cmd, env)
        runs.append(wall)
        stages.append(json.loads((Path(out.strip().splitlines()[-1]).parent / "run.json").read_text())["timings"])
        empties.append(timed(empty_cmd, env)[0])
    med_run, med_empty = statistics.median(runs), statistics.median(empties)
    print(f"{args.runs} runs of each, alternating, offline ({args.example}, {len(open(example_spec(args.example)).read().split('name:')) - 1} outlets)\n")
    print("| command | median s | min s | max s |\n|---|---:|---:|---:|")
    print(f"| parallax run | {med_run:.2f} | {min(runs):.2f} | {max(runs):.2f} |")
    print(f"| papermill, empty notebook | {med_empty:.2f} | {min(empties):.2f} | {max(empties):.2f} |")
    print(f"\nratio of the medians: {med_run / med_empty:.2f} (goal: at most 3)\n")
    print("| stage (run.json) | median s |\n|---|---:|")
    for stage in STAGES:
        print(f"| {stage} | {statistics.median(t.get(stage, 0.0) for t in stages):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
