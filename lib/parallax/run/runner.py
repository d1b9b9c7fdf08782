"""Running one story end to end: the run folder, the story lock, the report, ``latest``.

``run_story`` is what ``parallax run``, ``parallax example`` and every story of ``parallax
batch`` call; ``rerun`` re-executes a run from its own snapshots and parameters.

A run holds ``<out>/<story>/.lock`` from start to end, so two overlapping runs of one story do not
clash (the second waits with ``wait=True``, else exits with status 4). It compares each page with
the previous complete run (``<out>/<story>/latest``), and becomes ``latest`` itself only when it
completed (status ok or partial): a run that crashes or whose report fails never does.
"""

from __future__ import annotations

import shutil
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from parallax.errors import SpecError, Terminated
from parallax.acquire.fetch import FetchSettings

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_REPORT, EXIT_BUSY = 0, 1, 2, 3, 4


def _progress(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="outlet", disable=not enabled, file=sys.stderr, leave=False)


def lexicons_readable(story: Any, lexicons: dict[str, str] | None = None) -> bool:
    """Check every word list of the spec and of ``--lexicon`` (size cap, terms listed, patterns probed)
    before anything is fetched; False, with a one-line message, when one cannot be used."""
    files = story.lexicon_files(lexicons)
    if not files:
        return True
    from parallax.compare.terms import check_lexicon_file

    try:
        for name, path in files.items():
            check_lexicon_file(name, path, f"--lexicon {name}=" if name in (lexicons or {}) else "")
    except SpecError as exc:
        print(f"parallax: bad lexicon: {exc}", file=sys.stderr)
        return False
    return True


def run_story(spec_path: Path, out: Path, offline: bool = False, cache_dir: Path | None = None,
              progress: bool | None = None, quiet: bool = False, matcher: str = "learned",
              lexicons: dict[str, str] | None = None, settings: FetchSettings | None = None,
              wait: bool = False, rerun_of: Path | None = None) -> tuple[Path | None, int]:
    """Run one story end to end into a new run folder; return ``(folder, exit status)``.

    ``lexicons`` (name -> word list file) replaces or adds to the bundled word lists and the spec's.
    ``wait``: queue behind a run of the same story that is going, instead of exiting with 4.
    ``rerun_of``: a run folder whose snapshots and parameters to use (see :func:`rerun`).
    """
    from parallax.run import runs
    from parallax.compare import available_matchers
    from parallax.spec import load_spec

    if matcher not in available_matchers():
        print(f"parallax: no matcher {matcher!r}; available: {', '.join(available_matchers())} "
              "(semantic needs: pip install .[semantic])", file=sys.stderr)
        return None, EXIT_USAGE
    lexicons = {name: str(Path(file).resolve()) for name, file in (lexicons or {}).items()}
    try:
        story = load_spec(spec_path)
    except SpecError as exc:
        print(f"parallax: bad spec: {exc}", file=sys.stderr)
        return None, EXIT_USAGE
    if not lexicons_readable(story, lexicons):
        return None, EXIT_USAGE
    story_dir = Path(out).resolve() / story.story
    try:
        with runs.story_lock(story_dir, wait) if rerun_of is None else nullcontext():
            return _run_locked(story, story_dir, offline, cache_dir, progress, quiet, matcher, lexicons,
                               settings, rerun_of)
    except runs.StoryBusy as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return None, EXIT_BUSY
    except OSError as exc:
        where = f"{exc.filename}" if exc.filename else f"under {out}"
        print(f"parallax: cannot write {where}: {exc.strerror or exc}; free space or choose another --out",
              file=sys.stderr)
        return None, EXIT_USAGE


def _run_locked(story: Any, story_dir: Path, offline: bool, cache_dir: Path | None, progress: bool | None,
                quiet: bool, matcher: str, lexicons: dict[str, str], settings: FetchSettings | None,
                rerun_of: Path | None) -> tuple[Path | None, int]:
    from papermill.exceptions import PapermillExecutionError

    from parallax.run import notebook
    from parallax.run import runs
    from parallax.acquire.fetch import SnapshotCache, default_cache_dir

    progress = sys.stderr.isatty() and not quiet if progress is None else progress
    started = time.perf_counter()
    cache_root = Path(cache_dir or default_cache_dir()).resolve()  # papermill runs in the run folder
    folder = runs.new_run_folder(story_dir.parent, story.story)
    shutil.copyfile(story.path, folder / runs.SPEC_COPY)   # the spec as it was, for reruns
    spec = story.path if rerun_of is None else folder / runs.SPEC_COPY
    if rerun_of is not None:
        previous = runs.read_run_json(rerun_of).get("parameters", {}).get("previous_run", "")
        shutil.copytree(rerun_of / "snapshots", folder / "snapshots")
    else:
        latest = runs.latest_run(story_dir)
        previous = str(latest) if latest else ""
    parameters = {"spec": str(spec), "run_dir": str(folder), "offline": offline,
                  "cache_dir": str(cache_root) if cache_dir else "", "matcher": matcher, "lexicons": lexicons,
                  "previous_run": previous}
    runs.write_run_json(folder, {"story": story.story, "status": "running", "parameters": parameters,
                                 "rerun_of": str(rerun_of) if rerun_of else ""})
    run = runs.Run(story=story, folder=folder, offline=offline)
    try:
        with _progress(len(story.outlets), "fetching", progress) as bar:
            runs.collect_snapshots(run, SnapshotCache(cache_root / "snapshots"), settings or FetchSettings(),
                                   on_done=lambda key: bar.update(1))
    except BaseException as exc:   # a full disk, Ctrl-C...: the folder says so instead of "running"
        _mark_stopped(folder, exc)
        raise
    report_error = ""
    timings = dict(run.timings)
    try:
        timings.update(notebook.execute(notebook.notebook_path(), folder / "report.ipynb", parameters,
                                        kernel_home=cache_root / "jupyter", progress=progress, cwd=folder))
    except PapermillExecutionError as exc:
        report_error = f"the report failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except notebook.ParameterError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return folder, EXIT_USAGE
    except Exception as exc:  # the kernel would not start, the notebook is unreadable...: say so, keep the folder
        report_error = f"the report could not run: {exc.__class__.__name__}: {exc}"
    except BaseException as exc:  # Ctrl-C, SIGTERM: the kernel is stopped; the folder says so
        _mark_stopped(folder, exc)
        raise
    html_started = time.perf_counter()
    if (folder / "report.ipynb").is_file():
        try:
            notebook.to_html(folder / "report.ipynb", folder / "report.html", story.title)
        except Exception as exc:
            report_error = report_error or f"the HTML export failed: {exc.__class__.__name__}: {exc}"
    timings["html"] = round(time.perf_counter() - html_started, 3)
    timings["total"] = round(time.perf_counter() - started, 3)

    data = runs.read_run_json(folder)
    outlets = data.get("outlets", [])
    failed = [o for o in outlets if o.get("status") != "ok"]
    if report_error:
        status, code = "report-failed", EXIT_REPORT
    elif failed or not outlets:
        status, code = "partial", EXIT_PARTIAL
    else:
        status, code = "ok", EXIT_OK
    data.update({"status": status, "exit_status": code, "error": report_error,
                 "timings": {**data.get("timings", {}), **timings}})
    runs.write_run_json(folder, data)
    if status in runs.COMPLETE and rerun_of is None:
        runs.mark_latest(folder)
    if quiet:
        print(folder / "report.html")
    else:
        summary(folder, outlets, report_error)
    return folder, code


def _mark_stopped(folder: Path, exc: BaseException) -> None:
    """Record in run.json that the run stopped before its report (best effort: the disk may be full)."""
    from parallax.run import runs

    interrupted = isinstance(exc, KeyboardInterrupt)
    code = (143 if isinstance(exc, Terminated) else 130) if interrupted else EXIT_REPORT
    try:
        data = runs.read_run_json(folder)
        data.update({"status": "interrupted" if interrupted else "failed", "exit_status": code,
                     "error": ("terminated (SIGTERM)" if code == 143 else "interrupted (Ctrl-C)") if interrupted
                     else f"{exc.__class__.__name__}: {exc}"})
        runs.write_run_json(folder, data)
    except Exception:  # noqa: BLE001, S110 (nothing more can be written)
        pass


def rerun(run_dir: Path, out: Path | None = None, cache_dir: Path | None = None,
          quiet: bool = False) -> tuple[Path | None, int]:
    """Re-execute a run from its own snapshots, spec and parameters into a new run folder (beside
    it unless ``out`` is given); the earlier run is not touched and the rerun never becomes latest.

    The spec is the copy the run kept (``spec.yaml``), so editing or moving the spec file later
    does not change a rerun; its relative paths (saved pages, word lists) still resolve against
    the original spec's folder. Runs made before runs kept a copy use the spec file itself."""
    import tempfile

    from parallax.run import runs
    from parallax.spec import self_contained

    run_dir = Path(run_dir).resolve()
    data = runs.read_run_json(run_dir)
    parameters = data.get("parameters", {})
    if not data or not (run_dir / "snapshots").is_dir():
        print(f"parallax: {run_dir} is not a run folder (no run.json or snapshots/)", file=sys.stderr)
        return None, EXIT_USAGE
    for key, meta in (data.get("snapshots") or {}).items():
        body = run_dir / "snapshots" / f"{key}.body"
        wanted = meta.get("sha256") if isinstance(meta, dict) else None
        if wanted and (not body.is_file() or runs.file_sha256(body) != wanted):
            problem = "is missing" if not body.is_file() else "does not match the sha256 in run.json (it was altered)"
            print(f"parallax: {key}: the run's snapshot {body} {problem}; refusing to rerun "
                  "(restore the run folder from a copy, or start a new run)", file=sys.stderr)
            return None, EXIT_USAGE
    original = Path(parameters.get("spec", ""))
    kept = run_dir / runs.SPEC_COPY
    if kept.is_file():
        source = kept
    elif original.is_file():
        source = original
        if data.get("spec_sha256") and runs.file_sha256(original) != data["spec_sha256"]:
            print(f"parallax: warning: {original} changed since the run (sha256 differs) and the run kept no copy; "
                  "rerunning with the spec as it is now", file=sys.stderr)
    else:
        print(f"parallax: the run's spec {original} is gone and the run kept no copy; put it back to rerun",
              file=sys.stderr)
        return None, EXIT_USAGE
    try:
        text = self_contained(source.read_text(encoding="utf-8"), original.parent)
    except Exception as exc:  # an unreadable copy: say which file
        print(f"parallax: cannot read {source}: {exc}", file=sys.stderr)
        return None, EXIT_USAGE
    with tempfile.TemporaryDirectory(prefix="parallax-rerun-") as tmp:
        spec = Path(tmp) / runs.SPEC_COPY
        spec.write_text(text, encoding="utf-8")
        return run_story(spec, Path(out) if out else run_dir.parent.parent, offline=True, cache_dir=cache_dir,
                         quiet=quiet, matcher=parameters.get("matcher", "learned"),
                         lexicons=parameters.get("lexicons") or {}, rerun_of=run_dir)


def summary(folder: Path, outlets: list[dict[str, Any]], report_error: str) -> None:
    """Print one line per outlet and where the report is."""
    for o in outlets:
        mark = "ok    " if o["status"] == "ok" else "FAILED"
        detail = f"{o['words']:,} words" if o["status"] == "ok" else o["error"]
        if o["status"] == "ok" and o.get("warnings"):
            detail += f"  [{'; '.join(w.split(':')[0] for w in o['warnings'])}]"
        print(f"  {mark} {o['name']}: {detail}", file=sys.stderr)
    if report_error:
        print(f"parallax: {report_error}; see {folder / 'report.ipynb'}", file=sys.stderr)
    print(folder / "report.html")


LESSON = "lesson_compare_coverage.ipynb"


def run_lesson(spec_path: Path, out: Path, answers: bool = False, offline: bool = True,
               cache_dir: Path | None = None) -> tuple[Path | None, int]:
    """Execute the classroom lesson for a story into ``<out>/_lessons/<story>/<time>-<id>/``:
    ``lesson.html`` (for students) or, with ``answers``, ``answer-key.html``. Returns
    ``(folder, exit status)``; lesson folders are never a story's ``latest``."""
    from papermill.exceptions import PapermillExecutionError

    from parallax.run import notebook
    from parallax.run import runs
    from parallax.acquire.fetch import default_cache_dir
    from parallax.report.lesson import PROJECTOR_CSS
    from parallax.spec import load_spec

    try:
        story = load_spec(spec_path)
    except SpecError as exc:
        print(f"parallax: bad spec: {exc}", file=sys.stderr)
        return None, EXIT_USAGE
    cache_root = Path(cache_dir or default_cache_dir()).resolve()
    folder = runs.new_run_folder(Path(out).resolve() / "_lessons", story.story)
    name = "answer-key" if answers else "lesson"
    parameters = {"spec": str(story.path), "run_dir": str(folder), "offline": offline,
                  "cache_dir": str(cache_root) if cache_dir else "", "answers": answers}
    try:
        notebook.execute(notebook.notebook_path(LESSON), folder / f"{name}.ipynb", parameters,
                         kernel_home=cache_root / "jupyter", cwd=folder)
    except PapermillExecutionError as exc:
        print(f"parallax: the lesson failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}; "
              f"see {folder / f'{name}.ipynb'}", file=sys.stderr)
        return folder, EXIT_REPORT
    notebook.to_html(folder / f"{name}.ipynb", folder / f"{name}.html", story.title, css=PROJECTOR_CSS)
    print(folder / f"{name}.html")
    return folder, EXIT_OK


SUMMARY = "batch_summary.ipynb"


def run_summary(paths: list[str], out: Path | None = None, per_story: str = "latest",
                cache_dir: Path | None = None) -> tuple[Path | None, int]:
    """Execute the across-stories summary over run, story or outputs folders into ``out`` (default
    ``<outputs>/_batch/<time>-<id>/``): batch_summary.html, batch_claims.csv, batch_outlets.csv."""
    from papermill.exceptions import PapermillExecutionError

    from parallax.run import notebook
    from parallax.report import summary
    from parallax.acquire.fetch import default_cache_dir

    if per_story not in ("latest", "all"):
        print("parallax: --per-story is 'latest' or 'all'", file=sys.stderr)
        return None, EXIT_USAGE
    missing = [p for p in paths if not Path(p).is_dir()]
    if missing:
        print(f"parallax: {missing[0]}: no such run, story or outputs folder", file=sys.stderr)
        return None, EXIT_USAGE
    folder = summary.batch_folder(out or "")
    cache_root = Path(cache_dir or default_cache_dir()).resolve()
    parameters = {"runs": [str(Path(p).resolve()) for p in paths], "out_dir": str(folder), "per_story": per_story}
    try:
        notebook.execute(notebook.notebook_path(SUMMARY), folder / "batch_summary.ipynb", parameters,
                         kernel_home=cache_root / "jupyter", cwd=folder)
    except PapermillExecutionError as exc:
        print(f"parallax: the summary failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}", file=sys.stderr)
        return folder, EXIT_REPORT
    notebook.to_html(folder / "batch_summary.ipynb", folder / "batch_summary.html", "Across stories")
    print(folder / "batch_summary.html")
    return folder, EXIT_OK
