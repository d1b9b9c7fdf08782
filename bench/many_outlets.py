"""How time and memory grow with the number of outlets: `parallax run` of constructed stories of N outlets.

Usage: python bench/many_outlets.py [--outlets 6,12,25,50,100,200] [--paragraphs 18] [--wire 0]

Each story is built here, in a temporary folder, from the paragraphs of the bundled examples: every outlet
gets ``--paragraphs`` of them at random, each varied (a filler word inserted, numbers shifted) so that most
sentences are unique, as in real coverage. ``--wire 1`` builds the other shape: 30 paragraphs an outlet, not
varied, so that many outlets run the same wire copy (many identical sentences, many more claim units).
The table gives, for each N: the claim units, the wall time of the command, its stages from run.json, and
the peak memory of the whole process tree (the CLI and the notebook's kernel, summed, sampled every 0.1 s).
No network: the pages are saved files and the run is ``--offline``.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html
import psutil

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "lib" / "parallax" / "examples"
FILLERS = ("reportedly", "officially", "again", "on Monday", "late on Sunday", "according to officials", "for now")
STAGES = ("extract", "claims", "wording", "charts", "cells", "total")


def paragraphs() -> list[str]:
    """The bundled examples' paragraphs of more than eight words."""
    out = []
    for page in sorted(EXAMPLES.glob("*/pages/*.html")):
        for element in lxml.html.fromstring(page.read_bytes()).iter("p"):
            text = " ".join(element.text_content().split())
            if len(text.split()) > 8:
                out.append(text)
    return out


def build(folder: Path, outlets: int, per_outlet: int, wire: bool, seed: int = 7) -> Path:
    """A story spec of ``outlets`` saved pages under ``folder``; returns the spec's path."""
    rng = random.Random(seed)
    pool = paragraphs()

    def vary(text: str) -> str:
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(0, 3)), text)
        words = text.split()
        words.insert(rng.randrange(1, len(words)), rng.choice(FILLERS))
        return " ".join(words)

    (folder / "pages").mkdir(parents=True, exist_ok=True)
    lines = ["story: many-outlets", "title: Many outlets", "language: en", "outlets:"]
    for i in range(outlets):
        chosen = rng.sample(pool, min(per_outlet, len(pool)))
        body = "".join(f"<p>{html.escape(t if wire else vary(t))}</p>\n" for t in chosen)
        (folder / "pages" / f"o{i}.html").write_text(
            f"<html><head><title>Outlet {i}'s story</title></head><body><article><h1>Outlet {i}'s story</h1>\n"
            f"{body}</article></body></html>", encoding="utf-8")
        lines += [f"  - name: Outlet {i}", f"    key: o{i}", f"    file: pages/o{i}.html"]
    spec = folder / "story.yaml"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return spec


def measure(spec: Path, out: Path) -> dict[str, object]:
    """One offline `parallax run`: exit status, wall time, peak summed RSS of the process tree, run.json."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "parallax.cli", "run", str(spec), "--offline", "--quiet",
                                "--out", str(out), "--cache", str(out / "cache")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    runs = sorted((out / "many-outlets").glob("2*/run.json"))
    data = json.loads(runs[-1].read_text()) if runs else {}
    return {"status": process.returncode, "wall": wall, "peak": peak, "run": data, "stderr": stderr.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", default="6,12,25,50,100,200")
    parser.add_argument("--paragraphs", type=int, default=18)
    parser.add_argument("--wire", type=int, default=0, help="1: the wire-copy shape (see the docstring)")
    args = parser.parse_args()
    per_outlet = 30 if args.wire else args.paragraphs
    print(f"`parallax run --offline`, constructed stories ({'wire copy' if args.wire else 'varied'}, "
          f"{per_outlet} paragraphs an outlet); peak = CLI + kernel RSS, summed")
    print("| outlets | claim units | exit | wall (s) | " + " | ".join(f"{s} (s)" for s in STAGES) + " | peak (GB) |")
    print("|---:|---:|---:|---:|" + "---:|" * len(STAGES) + "---:|")
    for n in [int(x) for x in args.outlets.split(",")]:
        with tempfile.TemporaryDirectory(prefix="parallax-many-") as tmp:
            spec = build(Path(tmp) / "story", n, per_outlet, bool(args.wire))
            result = measure(spec, Path(tmp) / "out")
        run = result["run"]
        timings = run.get("timings", {})
        units = (run.get("parameters", {}).get("claim_matching") or {}).get("units", "")
        print(f"| {n} | {units} | {result['status']} | {result['wall']:.1f} | "
              + " | ".join(f"{timings.get(s, float('nan')):.1f}" for s in STAGES)
              + f" | {result['peak'] / 1e9:.2f} |", flush=True)
        if result["status"] not in (0, 1):
            print(f"  exit {result['status']}: {result['stderr'].splitlines()[-1] if result['stderr'] else ''}")


if __name__ == "__main__":
    main()
