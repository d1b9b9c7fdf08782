"""Research runs: batches (local workers and Dask), the story lock, latest, revisions, rerun."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conftest import PY, guarded_env, network_attempts
from httpserver import LocalServer, running_server
from parallax.run.examples import example_spec


def parallax(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "parallax.cli", *args], env=env, capture_output=True, text=True, timeout=timeout)


def example_copy(tmp_path: Path, story: str, example: str = "riverton-clinic") -> Path:
    """The bundled example's spec under another story id, its pages by absolute path."""
    source = example_spec(example)
    text = source.read_text(encoding="utf-8").replace("file: pages/", f"file: {source.parent / 'pages'}/")
    lines = [f"story: {story}" if line.startswith("story:") else line for line in text.splitlines()]
    spec = tmp_path / "specs" / f"{story}.yaml"
    spec.parent.mkdir(exist_ok=True)
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return spec


def run_json(folder: Path) -> dict:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def runs_of(out: Path, story: str) -> list[Path]:
    return sorted(p for p in (out / story).iterdir() if p.is_dir() and not p.is_symlink())


# ------------------------------------------------------------------ batch

def test_batch_with_a_failing_story_among_good_ones(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    good = [example_copy(tmp_path, "river-a"), example_copy(tmp_path, "river-b")]
    bad = tmp_path / "specs" / "broken.yaml"
    bad.write_text("story: broken\noutlets:\n  - name: Only One\n    url: https://one.example/x\n", encoding="utf-8")
    out = tmp_path / "out"
    result = parallax(env, "batch", str(tmp_path / "specs"), "--out", str(out), "--workers", "2")
    assert result.returncode == 3, result.stderr
    assert "3 stories: 2 ok, 0 partly failed, 1 failed" in result.stderr
    assert "broken.yaml" in result.stderr and "at least two" in result.stderr
    reports = [Path(line) for line in result.stdout.split()]
    assert len(reports) == 2 and all(p.is_file() for p in reports)
    for spec in good:
        story = spec.stem
        (folder,) = runs_of(out, story)
        assert run_json(folder)["status"] == "ok"
        assert (out / story / "latest").resolve() == folder
    assert not (out / "broken").exists()

    summary = parallax(env, "summary", str(out), "--out", str(tmp_path / "summary"))
    assert summary.returncode == 0, summary.stderr
    outlets = pd.read_csv(tmp_path / "summary" / "batch_outlets.csv")
    articles = pd.read_csv(runs_of(out, "river-a")[0] / "tables" / "articles.csv")
    assert set(outlets.outlet) == set(articles.name) and (outlets.stories == 2).all()
    assert network_attempts(env) == ""


def test_batch_exit_status_says_partial(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    spec = example_copy(tmp_path, "river-partial")
    spec.write_text(spec.read_text(encoding="utf-8") + "  - name: Gone Gazette\n    url: https://gone.example/story\n",
                    encoding="utf-8")
    result = parallax(env, "batch", str(spec), "--out", str(tmp_path / "out"), "--offline")
    assert result.returncode == 1, result.stderr
    assert "1 partly failed" in result.stderr and "partly failed" in result.stderr


def test_batch_on_a_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")  # a dependency: this skips only in a broken install
    env = guarded_env(tmp_path)
    specs = [example_copy(tmp_path, "river-dask-a"), example_copy(tmp_path, "river-dask-b")]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = parallax(env, "batch", *map(str, specs), "--out", str(tmp_path / "out"),
                          "--scheduler", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert "2 stories: 2 ok" in result.stderr
    for spec in specs:
        (folder,) = runs_of(tmp_path / "out", spec.stem)
        assert run_json(folder)["status"] == "ok"
        assert (folder / "tables" / "claims.csv").is_file()


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    result = parallax(guarded_env(tmp_path), "batch", str(example_copy(tmp_path, "river-x")),
                      "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9", timeout=120)
    assert result.returncode == 2 and "scheduler" in result.stderr


# ------------------------------------------------------------------ lock, latest, crash

def test_two_overlapping_runs_of_one_story(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    spec, out = example_copy(tmp_path, "river-lock"), tmp_path / "out"
    args = [PY, "-m", "parallax.cli", "run", str(spec), "--out", str(out), "--quiet"]
    first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "river-lock" / ".lock").exists() or not runs_of(out, "river-lock"):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.1)
    second = parallax(env, "run", str(spec), "--out", str(out), "--quiet")
    assert second.returncode == 4 and "in progress" in second.stderr and "--wait" in second.stderr
    waiting = subprocess.Popen(args + ["--wait"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert first.wait(timeout=300) == 0
    assert waiting.wait(timeout=300) == 0
    one, two = runs_of(out, "river-lock")
    assert run_json(two)["parameters"]["previous_run"] == str(one)   # the queued run came after the first
    assert (out / "river-lock" / "latest").resolve() == two


def test_a_run_killed_half_way_never_becomes_latest(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    spec, out = example_copy(tmp_path, "river-crash"), tmp_path / "out"
    assert parallax(env, "run", str(spec), "--out", str(out), "--quiet").returncode == 0
    (complete,) = runs_of(out, "river-crash")
    victim = subprocess.Popen([PY, "-m", "parallax.cli", "run", str(spec), "--out", str(out), "--quiet"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while True:  # kill it while the report is being executed
        started = [p for p in runs_of(out, "river-crash") if p != complete]
        if started and (started[0] / "report.ipynb").exists():
            break
        assert time.monotonic() < deadline and victim.poll() is None
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert run_json(started[0])["status"] == "running"
    assert (out / "river-crash" / "latest").resolve() == complete
    after = parallax(env, "run", str(spec), "--out", str(out), "--quiet")   # the dead run's lock is gone
    assert after.returncode == 0, after.stderr
    newest = runs_of(out, "river-crash")[-1]
    assert (out / "river-crash" / "latest").resolve() == newest
    assert run_json(newest)["parameters"]["previous_run"] == str(complete)  # never the crashed one


# ------------------------------------------------------------------ revisions and rerun

def _page(headline: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>{body}</article></body></html>"


PARAS = [f"Paragraph {i} says the harbour council met on Tuesday and voted on the ferry timetable, "
         f"which residents had asked to change for the winter months, according to the minutes." for i in range(5)]


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with running_server() as srv:
        yield srv


def test_a_changed_page_is_recorded_as_a_revision(tmp_path: Path, server: LocalServer) -> None:
    env = guarded_env(tmp_path)
    env.update({"NO_PROXY": "127.0.0.1,localhost", "HTTP_PROXY": "", "http_proxy": ""})
    server.pages["ferry-a"] = _page("Council backs new ferry timetable", PARAS)
    server.pages["ferry-b"] = _page("Ferry timetable changes approved", PARAS[1:] + [PARAS[0]])
    spec = tmp_path / "ferry.yaml"
    spec.write_text(f"story: ferry\ntitle: Ferry\noutlets:\n  - name: A\n    url: {server.url('/story/ferry-a')}\n"
                    f"  - name: B\n    url: {server.url('/story/ferry-b')}\n", encoding="utf-8")
    out = tmp_path / "out"
    first = parallax(env, "run", str(spec), "--out", str(out), "--quiet", "--delay", "0")
    assert first.returncode == 0, first.stderr
    corrected = PARAS[:2] + [PARAS[2].replace("Tuesday", "Wednesday")] + PARAS[3:] + ["A sixth paragraph was added later."]
    server.pages["ferry-a"] = _page("Council backs new winter ferry timetable", corrected)
    second = parallax(env, "run", str(spec), "--out", str(out), "--quiet", "--delay", "0")
    assert second.returncode == 0, second.stderr
    one, two = runs_of(out, "ferry")
    revisions = pd.read_csv(two / "tables" / "revisions.csv", keep_default_na=False)
    assert set(revisions.outlet) == {"a"}                      # B did not change
    rows = {r.change: r for r in revisions.itertuples()}
    assert set(rows) == {"headline", "changed", "added"}
    assert rows["headline"].before == "Council backs new ferry timetable"
    assert rows["headline"].after == "Council backs new winter ferry timetable"
    assert "Tuesday" in rows["changed"].before and "Wednesday" in rows["changed"].after
    assert int(rows["changed"].paragraph_before) == 2
    assert rows["added"].after == "A sixth paragraph was added later."
    assert rows["headline"].previous_run == one.name
    assert rows["headline"].previous_fetched_at < rows["headline"].current_fetched_at
    html = (two / "report.html").read_text(encoding="utf-8")
    assert "What changed since the last run" in html and "a new headline" in html
    assert server.requests_to("/robots.txt")  # fetched politely
    agents = {s.headers.get("user-agent", "") for s in server.requests_to("/story/ferry-a")}
    assert all("Parallax/" in a for a in agents)


def test_rerun_reproduces_the_tables(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    out = tmp_path / "out"
    source = example_spec("riverton-clinic")          # pages by relative path, beside the spec
    spec = tmp_path / "specs" / "river-rerun.yaml"
    shutil.copytree(source.parent / "pages", spec.parent / "pages")
    text = "\n".join("story: river-rerun" if line.startswith("story:") else line
                     for line in source.read_text(encoding="utf-8").splitlines()) + "\n"
    assert "file: pages/" in text
    spec.write_text(text, encoding="utf-8")
    first = parallax(env, "run", str(spec), "--out", str(out), "--quiet")
    assert first.returncode == 0, first.stderr
    (original,) = runs_of(out, "river-rerun")
    assert (original / "spec.yaml").read_text(encoding="utf-8") == text
    before = {p.name: p.read_bytes() for p in original.rglob("*") if p.is_file()}
    # the spec is edited after the run (an outlet dropped, a new title): the rerun uses the run's copy
    edited = text.replace("title:", "title: EDITED", 1)
    edited = edited[:edited.rindex("  - name:")]
    spec.write_text(edited, encoding="utf-8")
    for page in (spec.parent / "pages").glob("*.html"):   # and the saved pages too: the rerun reads its snapshots
        page.write_text(page.read_text(encoding="utf-8").replace("clinic", "EDITED PAGE"), encoding="utf-8")
    again = parallax(env, "rerun", str(original), "--quiet")
    assert again.returncode == 0, again.stderr
    copy = Path(again.stdout.strip().splitlines()[-1]).parent
    assert copy != original and copy.parent == original.parent
    tables = sorted(p.name for p in (original / "tables").glob("*.csv"))
    assert len(tables) >= 15
    for name in tables:
        assert (copy / "tables" / name).read_bytes() == (original / "tables" / name).read_bytes(), name
    assert "EDITED PAGE" not in (copy / "tables" / "articles.csv").read_text(encoding="utf-8")
    data = run_json(copy)
    assert data["rerun_of"] == str(original)
    kept = {k: v for k, v in run_json(original)["spec"].items() if k != "path"}
    assert {k: v for k, v in data["spec"].items() if k != "path"} == kept
    assert data["parameters"]["spec"] == str(copy / "spec.yaml")   # self-contained: absolute paths
    assert f"file: {spec.parent / 'pages'}" in (copy / "spec.yaml").read_text(encoding="utf-8")
    assert {k: v["sha256"] for k, v in data["snapshots"].items()} == \
        {k: v["sha256"] for k, v in run_json(original)["snapshots"].items()}
    assert (out / "river-rerun" / "latest").resolve() == original   # a rerun is not a newer run
    assert {p.name: p.read_bytes() for p in original.rglob("*") if p.is_file()} == before
    # a snapshot altered afterwards: the rerun refuses, naming the outlet, and writes no new run
    key = sorted(run_json(original)["snapshots"])[0]
    body = original / "snapshots" / f"{key}.body"
    body.write_bytes(body.read_bytes().replace(b"clinic", b"CLINIC", 1) + b"<!-- edited -->")
    count = len(runs_of(out, "river-rerun"))
    refused = parallax(env, "rerun", str(original), "--quiet")
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"parallax: {key}: the run's snapshot {body} does not match the sha256 in run.json")
    assert len(runs_of(out, "river-rerun")) == count


def test_run_folders_sort_in_the_order_the_runs_started_even_within_a_second(tmp_path: Path) -> None:
    from parallax.run.runs import new_run_folder

    made = []
    for _ in range(20):   # well within a second, each a few milliseconds apart
        made.append(new_run_folder(tmp_path, "story"))
        time.sleep(0.002)
    assert sorted(made) == made
    assert all(re.fullmatch(r"\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{6}", p.name) for p in made)
