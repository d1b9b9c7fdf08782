"""Batch throughput: many stories of 6 outlets, fetched from a local HTTP server, run with
`parallax batch` on 1 and 2 local workers and on a Dask LocalCluster of 2 workers.

Usage: python bench/batch.py [--stories 100] [--configs local1,local2,dask2]

Stories are generated from the bundled drone-claim example: story N serves the six pages at
``http://127.0.0.1:<port>/s<N>/<outlet>.html`` with the headline numbered, so every story is
fetched (robots.txt asked, no delay between requests) and analysed in full. Each configuration
starts from an empty snapshot cache and output folder. Reported: stories per minute (wall
time of the whole `parallax batch` command), the reports that are complete (report.html with all
eleven charts), peak memory (the largest sum of resident memory of the command and all its child
processes, sampled every 0.2 s; and the largest sum of their proportional set sizes, which counts a
page that a fork server shares with its kernels once, not in each), and the share of the runs'
time spent starting kernels (run.json timings: ``kernel_start`` over ``total``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "lib" / "parallax" / "examples" / "drone-claim"


def build_site(folder: Path, stories: int) -> list[str]:
    """Write ``folder/s<N>/<outlet>.html`` for N stories; return the outlet keys."""
    pages = sorted((EXAMPLE / "pages").glob("*.html"))
    for n in range(stories):
        target = folder / f"s{n:03d}"
        target.mkdir(parents=True, exist_ok=True)
        for page in pages:
            html = page.read_text(encoding="utf-8").replace("<title>", f"<title>Story {n}: ", 1)
            (target / page.name).write_text(html, encoding="utf-8")
    return [p.stem for p in pages]


def write_specs(folder: Path, base_url: str, stories: int, outlets: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(stories):
        lines = [f"story: bench-{n:03d}", f"title: Batch bench story {n}", "language: en", "outlets:"]
        lines += [f"  - name: {key}\n    url: {base_url}/s{n:03d}/{key}.html" for key in outlets]
        (folder / f"bench-{n:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _tree_memory(root: int) -> tuple[int, int]:
    """Resident memory and proportional set size (bytes) of process ``root`` and all its descendants.
    RSS counts a page shared by several processes (a fork server's and its kernels') once in each; PSS
    divides it among them, so their sum is the memory the tree really holds."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(int(entry))
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            rollup = ""
        for line in rollup.splitlines():
            if line.startswith(("Rss:", "Pss:")):
                value = int(line.split()[1]) * 1024
                if line.startswith("Rss:"):
                    rss += value
                else:
                    pss += value
        todo += children.get(pid, [])
    return rss, pss


def run_config(name: str, specs: Path, work: Path) -> dict[str, object]:
    out, cache = work / f"out-{name}", work / f"cache-{name}"
    args = [sys.executable, "-m", "parallax.cli", "batch", str(specs), "--out", str(out), "--cache", str(cache),
            "--delay", "0", "--quiet"]
    cluster = None
    if name.startswith("local"):
        args += ["--workers", name.removeprefix("local")]
    else:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=int(name.removeprefix("dask")), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        args += ["--scheduler", cluster.scheduler_address]
    peak = peak_pss = 0
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory(proc.pid)
            if cluster:
                more = _tree_memory(os.getpid())
                rss, pss = rss + more[0], pss + more[1]
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if cluster is not None:
        cluster.close()
    runs = [json.loads(p.read_text()) for p in out.glob("*/2*/run.json")]
    kernel = sum(r.get("timings", {}).get("kernel_start", 0.0) for r in runs)
    total = sum(r.get("timings", {}).get("total", 0.0) for r in runs)
    ok = sum(r.get("status") == "ok" for r in runs)
    complete = sum(_complete(p.parent) for p in out.glob("*/2*/run.json"))
    return {"config": name, "stories": len(runs), "ok": ok, "complete": complete, "exit": proc.returncode, "wall s": round(wall, 1),
            "stories/min": round(len(runs) / wall * 60, 2), "peak memory MB": round(peak / 2**20),
            "peak PSS MB": round(peak_pss / 2**20),
            "median s/story": round(statistics.median([r["timings"]["total"] for r in runs]), 2) if runs else 0,
            "kernel start share": f"{kernel / total:.1%}" if total else "n/a",
            "last line": _summary_line(stderr),
            "stages": {stage: round(statistics.median(r.get("timings", {}).get(stage, 0.0) for r in runs), 2)
                       for stage in STAGES} if runs else {}}


STAGES = ("fetch", "kernel_start", "extract", "analysis", "claims", "wording", "charts", "revisions", "cells", "html",
          "total")


def _complete(folder: Path) -> bool:
    """A report with every chart in it: report.html, the eleven PNGs, no placeholder left."""
    html = folder / "report.html"
    return (html.is_file() and len(list((folder / "charts").glob("*.png"))) == 11
            and "being drawn" not in html.read_text(encoding="utf-8"))


def _summary_line(stderr: str) -> str:
    """The batch's own summary ("N stories: ..."), not a kernel's log line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    summary = [line for line in lines if " stories: " in line or " story: " in line]
    return (summary or lines or [""])[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--configs", default="local1,local2,dask2")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="parallax-batch-bench-") as tmp:
        work = Path(tmp)
        outlets = build_site(work / "site", args.stories)
        with serve(work / "site") as base_url:
            write_specs(work / "specs", base_url, args.stories, outlets)
            rows = [run_config(name, work / "specs", work) for name in args.configs.split(",")]
    columns = [c for c in rows[0] if c not in ("last line", "stages")]
    print(f"batch: {args.stories} stories x {len(outlets)} outlets from a local HTTP server; machine: "
          f"{os.cpu_count()} cores\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    print("\nmedian seconds a story, by stage (run.json; charts: drawn and saved in the story's kernel)\n")
    print("| stage | " + " | ".join(row["config"] for row in rows) + " |")
    print("|---|" + "---:|" * len(rows))
    for stage in STAGES:
        print(f"| {stage} | " + " | ".join(str(row["stages"].get(stage, "")) for row in rows) + " |")
    for row in rows:
        print(f"{row['config']}: {row['last line']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
