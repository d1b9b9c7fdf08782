"""Time `parallax example` (what `make demo` runs): median of N runs, split by stage.

Usage: python bench/demo_timing.py [--runs 3] [--example drone-claim]
Stages come from each run's run.json: kernel start (papermill start to the first cell),
fetch (reading the pages), extract, analysis (readability), claims, wording, charts, all cells, HTML export, and the total
wall time of the command.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--example", default="drone-claim")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "parallax.cli", "example", args.example, "--out", tmp,
                                     "--quiet"], capture_output=True, text=True)
            wall = time.perf_counter() - started
            if result.returncode != 0:
                print(f"parallax example failed ({result.returncode}):\n{result.stderr}", file=sys.stderr)
                return 1
            folder = Path(result.stdout.strip().splitlines()[-1]).parent
            timings = json.loads((folder / "run.json").read_text())["timings"]
            rows.append({**{s: timings.get(s, 0.0) for s in STAGES}, "command": wall})
    print(f"`parallax example {args.example}`, median of {args.runs} runs (seconds)\n")
    print("| stage | median s | min s | max s |\n|---|---|---|---|")
    for stage in (*STAGES, "command"):
        values = [r[stage] for r in rows]
        print(f"| {stage} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
