"""Warm kernels for batches (parallax.run.forkserver): each story's kernel is a fork of a preloaded
process, and nothing of one story reaches the next."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from parallax.run import batch, forkserver
from parallax.run.examples import example_spec

GOLDEN = Path(__file__).parent / "golden"


def _digests(folder: Path, name: str) -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("digests", GOLDEN / "digests.py")
    digests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(digests)
    return digests.table_digests(folder, example_spec(name).parent)


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PARALLAX_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PARALLAX_CHART_PROCESSES", "0")
    forked: list[int] = []
    real = forkserver.fork_kernel

    def counting(cmd: list[str], cwd: str | None, env: dict[str, str] | None):
        kernel = real(cmd, cwd, env)
        if kernel is not None:
            forked.append(kernel.pid)
        return kernel

    monkeypatch.setattr(forkserver, "fork_kernel", counting)
    yield forked
    if forkserver._server is not None:
        forkserver._server.close()
        forkserver._server = None


def test_stories_back_to_back_in_one_worker_give_the_tables_each_gives_alone(tmp_path: Path, warm: list[int]) -> None:
    """The tables of runs alone are the stored digests (test_run checks every run alone against them)."""
    golden = json.loads((GOLDEN / "example_tables.json").read_text(encoding="utf-8"))
    order = ["drone-claim", "riverton-clinic", "drone-claim"]
    results = [batch.run_one(str(example_spec(name)), str(tmp_path / "out"), {"offline": True}) for name in order]
    assert [r.status for r in results] == ["ok"] * 3
    assert len(warm) == 3 and len(set(warm)) == 3   # three kernels, each forked from the one server
    for name, result in zip(order, results):
        got = _digests(Path(result.folder), name)
        assert [t for t in golden[name] if got.get(t) != golden[name][t]] == [], (name, result.folder)


def test_a_fork_server_that_dies_is_replaced(tmp_path: Path, warm: list[int]) -> None:
    first = forkserver.start()
    first.proc.kill()
    first.proc.wait()
    result = batch.run_one(str(example_spec("riverton-clinic")), str(tmp_path / "out"), {"offline": True})
    assert result.status == "ok" and len(warm) == 1
    assert forkserver._server is not first and forkserver._server.proc.poll() is None


def test_without_a_fork_server_kernels_start_the_usual_way(tmp_path: Path, warm: list[int],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def cannot(*args: object, **kwargs: object) -> None:
        raise OSError("no room for a socket")

    monkeypatch.setattr(forkserver, "ForkServer", cannot)
    assert forkserver.start() is None
    result = batch.run_one(str(example_spec("riverton-clinic")), str(tmp_path / "out"), {"offline": True})
    assert result.status == "ok" and warm == []


def test_only_the_report_kernel_is_forked(warm: list[int]) -> None:
    assert forkserver.start() is not None
    assert forkserver.fork_kernel(["python", "-m", "ipykernel_launcher", "-f", "x"], None, None) is None
    assert warm == []
