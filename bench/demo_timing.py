"""Time `parallax example` (what `make demo` runs): median of N runs, split by stage.

Usage: python bench/demo_timing.py [--runs 3] [--example drone-claim] [--against OTHER_CHECKOUT]

Stages come from each run's run.json: kernel start (papermill start to the first cell),
fetch (reading the pages), extract, analysis (readability), claims, wording, charts, all cells, HTML export, and the total
wall time of the command.

``--against DIR`` times another checkout of Parallax (its ``.venv`` made by ``make install``) in the
same way, one run of each in turn, and adds the median of the paired differences (this checkout minus
the other) per stage: alternating runs share the machine's state, so the difference is steadier than
two medians taken apart.
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

STAGES = ("kernel_start", "fetch", "extract", "analysis", "claims", "wording", "charts", "cells", "html", "total")
ROOT = Path(__file__).resolve().parents[1]


def one_run(python: str, example: str, out: Path, cwd: Path) -> dict[str, float]:
    """One `parallax example` with ``python``: the stage timings from run.json and the command's wall time."""
    started = time.perf_counter()
    result = subprocess.run([python, "-m", "parallax.cli", "example", example, "--out", str(out), "--quiet"],
                            capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"parallax example failed in {cwd} ({result.returncode}):\n{result.stderr}")
    folder = Path(result.stdout.strip().splitlines()[-1]).parent
    timings = json.loads((folder / "run.json").read_text())["timings"]
    return {**{s: timings.get(s, 0.0) for s in STAGES}, "command": wall}


def table(title: str, rows: list[dict[str, float]]) -> None:
    print(f"{title}\n")
    print("| stage | median s | min s | max s |\n|---|---|---|---|")
    for stage in (*STAGES, "command"):
        values = [r[stage] for r in rows]
        print(f"| {stage} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--example", default="drone-claim")
    parser.add_argument("--against", type=Path, default=None, help="another checkout to time in turn with this one")
    args = parser.parse_args()
    trees = [("this checkout", Path(sys.executable), ROOT)]
    if args.against is not None:
        other = args.against.resolve()
        python = other / ".venv" / "bin" / "python"
        if not python.exists():
            print(f"{python} not found: run `make install` in {other} first", file=sys.stderr)
            return 1
        trees.append((f"{other}", python, other))
    rows: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.runs):
            for name, python, cwd in (trees if n % 2 == 0 else trees[::-1]):
                out = Path(tmp) / str(len(rows[name])) / Path(cwd).name
                try:
                    rows[name].append(one_run(str(python), args.example, out, cwd))
                except RuntimeError as error:
                    print(error, file=sys.stderr)
                    return 1
    for name, _, _ in trees:
        table(f"`parallax example {args.example}` ({name}), median of {args.runs} runs (seconds)", rows[name])
    if args.against is not None:
        mine, theirs = rows[trees[0][0]], rows[trees[1][0]]
        print(f"Paired differences, this checkout minus {trees[1][0]} ({args.runs} pairs, seconds)\n")
        print("| stage | median | min | max |\n|---|---|---|---|")
        for stage in (*STAGES, "command"):
            diff = [a[stage] - b[stage] for a, b in zip(mine, theirs)]
            print(f"| {stage} | {statistics.median(diff):+.2f} | {min(diff):+.2f} | {max(diff):+.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
