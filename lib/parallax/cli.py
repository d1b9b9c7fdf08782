"""The ``parallax`` command: run, validate, extract, example.

Exit status: 0 every outlet succeeded; 1 some outlet failed; 2 a bad spec or
usage; 3 the report itself failed (report.ipynb shows where).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from . import __version__
from .errors import OutletError, ParallaxError, SpecError
from .examples import DEFAULT_EXAMPLE, example_names, example_spec

if TYPE_CHECKING:
    from .fetch import FetchSettings

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_REPORT = 0, 1, 2, 3


def _progress(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="outlet", disable=not enabled, file=sys.stderr, leave=False)


def _lexicon_option(value: str) -> tuple[str, str]:
    name, sep, file = value.partition("=")
    if not sep or not name.strip() or not file.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: write NAME=FILE, e.g. loaded=my-loaded-words.txt")
    return name.strip(), file.strip()


def run_story(spec_path: Path, out: Path, offline: bool = False, cache_dir: Path | None = None,
              progress: bool | None = None, quiet: bool = False, matcher: str = "lexical",
              lexicons: dict[str, str] | None = None,
              settings: FetchSettings | None = None) -> tuple[Path | None, int]:
    """Run one story end to end into a new run folder; return ``(folder, exit status)``.

    ``lexicons`` (name -> word list file) replaces or adds to the bundled word lists and the spec's."""
    from papermill.exceptions import PapermillExecutionError

    from . import notebook
    from .align import MATCHERS
    from .fetch import FetchSettings, SnapshotCache, default_cache_dir
    from .runs import Run, collect_snapshots, new_run_folder, read_run_json, write_run_json
    from .spec import load_spec

    progress = sys.stderr.isatty() and not quiet if progress is None else progress
    started = time.perf_counter()
    if matcher not in MATCHERS:
        print(f"parallax: no matcher {matcher!r}; available: {', '.join(MATCHERS)} "
              "(semantic needs: pip install .[semantic])", file=sys.stderr)
        return None, EXIT_USAGE
    lexicons = {name: str(Path(file).resolve()) for name, file in (lexicons or {}).items()}
    missing = [f"{name}={file}" for name, file in lexicons.items() if not Path(file).is_file()]
    if missing:
        print(f"parallax: --lexicon {missing[0]}: no such file; give a word list, one term per line", file=sys.stderr)
        return None, EXIT_USAGE
    try:
        story = load_spec(spec_path)
    except SpecError as exc:
        print(f"parallax: bad spec: {exc}", file=sys.stderr)
        return None, EXIT_USAGE
    cache_root = Path(cache_dir or default_cache_dir()).resolve()  # papermill runs in the run folder
    try:
        folder = new_run_folder(Path(out).resolve(), story.story)
    except OSError as exc:
        print(f"parallax: cannot create a run folder under {out}: {exc.strerror}; choose another --out", file=sys.stderr)
        return None, EXIT_USAGE
    parameters = {"spec": str(story.path), "run_dir": str(folder), "offline": offline,
                  "cache_dir": str(cache_root) if cache_dir else "", "matcher": matcher, "lexicons": lexicons}
    write_run_json(folder, {"story": story.story, "status": "running", "parameters": parameters})
    run = Run(story=story, folder=folder, offline=offline)
    with _progress(len(story.outlets), "fetching", progress) as bar:
        collect_snapshots(run, SnapshotCache(cache_root / "snapshots"), settings or FetchSettings(),
                          on_done=lambda key: bar.update(1))
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
    html_started = time.perf_counter()
    if (folder / "report.ipynb").is_file():
        try:
            notebook.to_html(folder / "report.ipynb", folder / "report.html", story.title)
        except Exception as exc:
            report_error = report_error or f"the HTML export failed: {exc.__class__.__name__}: {exc}"
    timings["html"] = round(time.perf_counter() - html_started, 3)
    timings["total"] = round(time.perf_counter() - started, 3)

    data = read_run_json(folder)
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
    write_run_json(folder, data)
    if quiet:
        print(folder / "report.html")
    else:
        _summary(folder, outlets, report_error)
    return folder, code


def _summary(folder: Path, outlets: list[dict[str, Any]], report_error: str) -> None:
    for o in outlets:
        mark = "ok    " if o["status"] == "ok" else "FAILED"
        detail = f"{o['words']:,} words" if o["status"] == "ok" else o["error"]
        if o["status"] == "ok" and o.get("warnings"):
            detail += f"  [{'; '.join(w.split(':')[0] for w in o['warnings'])}]"
        print(f"  {mark} {o['name']}: {detail}", file=sys.stderr)
    if report_error:
        print(f"parallax: {report_error}; see {folder / 'report.ipynb'}", file=sys.stderr)
    print(folder / "report.html")


def _out(args: argparse.Namespace) -> Path:
    from .runs import find_out_dir

    return Path(args.out) if args.out else find_out_dir()


def _fetch_settings(args: argparse.Namespace) -> FetchSettings:
    from .fetch import FetchSettings

    return FetchSettings(robots=not args.ignore_robots, contact=args.contact, delay=max(0.0, args.delay))


def cmd_run(args: argparse.Namespace) -> int:
    _, code = run_story(Path(args.spec), _out(args), args.offline,
                        Path(args.cache) if args.cache else None, quiet=args.quiet, matcher=args.matcher,
                        lexicons=dict(args.lexicon), settings=_fetch_settings(args))
    return code


def cmd_example(args: argparse.Namespace) -> int:
    if args.list:
        print("\n".join(example_names()))
        return EXIT_OK
    try:
        spec = example_spec(args.name)
    except KeyError as exc:
        print(f"parallax: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    folder, code = run_story(spec, _out(args), offline=True,
                             cache_dir=Path(args.cache) if args.cache else None, quiet=args.quiet, matcher=args.matcher,
                             lexicons=dict(args.lexicon))
    if folder is not None and not args.quiet:
        print(f"The report of the '{args.name}' example is in {folder}/ (open report.html in a browser).",
              file=sys.stderr)
    return code


def cmd_validate(args: argparse.Namespace) -> int:
    from .spec import load_spec

    try:
        story = load_spec(args.spec)
    except SpecError as exc:
        print(f"parallax: bad spec: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"ok: {args.spec}: story '{story.story}', {len(story.outlets)} outlets "
          f"({', '.join(o.key for o in story.outlets)})")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_snapshot
    from .fetch import read_file

    code = EXIT_OK
    for name in args.paths:
        path = Path(name)
        try:
            snapshot = read_file(path, outlet=path.stem)
            article = extract_snapshot(snapshot, path.stem, path.stem, args.language)
            row: dict[str, Any] = {"path": str(path), **article.row()}
        except OutletError as exc:
            code = EXIT_PARTIAL
            row = {"path": str(path), "status": "failed", "error": str(exc)}
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        elif row["status"] != "ok":
            print(f"== {path}\nFAILED: {row['error']}\n")
        else:
            print(f"== {path}\ntitle: {row['title']}\nauthors: {row['authors']}\npublished: {row['published']}\n"
                  f"language: {row['language']}  words: {row['words']}  extractor: {row['extractor']}\n"
                  f"warnings: {row['warnings'] or '-'}\n\n{row['text']}\n")
    return code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``parallax`` command."""
    parser = argparse.ArgumentParser(prog="parallax", description="Compare how news outlets tell the same story.")
    parser.add_argument("--version", action="version", version=f"parallax {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def polite(p: argparse.ArgumentParser) -> None:
        p.add_argument("--ignore-robots", action="store_true",
                       help="fetch pages that robots.txt disallows (only where the site allows you to)")
        p.add_argument("--contact", default="", help="e-mail or URL put in the User-Agent so sites can reach you "
                       "(default: $PARALLAX_CONTACT)")
        p.add_argument("--delay", type=float, default=1.0, help="seconds between two requests to one site (default 1)")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", default="", help="folder for run folders (default: $PARALLAX_OUT, else the outputs/ "
                       "of the Parallax checkout you are in, else ./outputs)")
        p.add_argument("--cache", default="", help="snapshot cache folder (default: $PARALLAX_CACHE_DIR or ~/.cache/parallax)")
        p.add_argument("--quiet", action="store_true", help="print only the report's path")
        p.add_argument("--matcher", default="lexical", help="how claims are matched across outlets: lexical "
                       "(default) or semantic (needs: pip install .[semantic])")
        p.add_argument("--lexicon", action="append", default=[], metavar="NAME=FILE", type=_lexicon_option,
                       help="a word list replacing the bundled one of that name (hedging, intensifiers, loaded, "
                       "attribution) or adding one; repeatable")

    p = sub.add_parser("run", help="fetch, extract and compare a story; write a run folder")
    p.add_argument("spec", help="story spec (YAML)")
    p.add_argument("--offline", action="store_true", help="use cached snapshots only; never touch the network")
    polite(p)
    common(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("example", help="run a bundled example story (offline)")
    p.add_argument("name", nargs="?", default=DEFAULT_EXAMPLE, help=f"example name (default: {DEFAULT_EXAMPLE})")
    p.add_argument("--list", action="store_true", help="list the bundled examples")
    common(p)
    p.set_defaults(func=cmd_example)

    p = sub.add_parser("validate", help="check a story spec without running it")
    p.add_argument("spec")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("extract", help="extract saved pages and print what Parallax sees")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="one JSON object per page")
    p.add_argument("--language", default=None, help="language of the pages (default: what they declare)")
    p.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``parallax`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("parallax: interrupted", file=sys.stderr)
        return 130
    except ParallaxError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
