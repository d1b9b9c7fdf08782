"""The ``parallax`` command: run, rerun, batch, validate, extract, example.

Exit status: 0 every outlet succeeded; 1 some outlet failed; 2 a bad spec or
usage; 3 the report itself failed (report.ipynb shows where); 4 another run of
the story is going (use --wait to queue behind it).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from parallax import __version__
from parallax.errors import OutletError, ParallaxError, SpecError, TerminalSafe, Terminated, printable
from parallax.run.examples import DEFAULT_EXAMPLE, example_names, example_spec

if TYPE_CHECKING:
    from parallax.acquire.fetch import FetchSettings

from parallax.run.runner import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, rerun, run_lesson, run_story, run_summary  # noqa: F401 (EXIT_* are the CLI's too)


def _lexicon_option(value: str) -> tuple[str, str]:
    name, sep, file = value.partition("=")
    if not sep or not name.strip() or not file.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: write NAME=FILE, e.g. loaded=my-loaded-words.txt")
    return name.strip(), file.strip()


def _out(args: argparse.Namespace) -> Path:
    from parallax.run.runs import find_out_dir

    return Path(args.out) if args.out else find_out_dir()


def _fetch_settings(args: argparse.Namespace) -> FetchSettings:
    from parallax.acquire.fetch import FetchSettings

    return FetchSettings(robots=not args.ignore_robots, contact=args.contact, delay=max(0.0, args.delay))


def cmd_run(args: argparse.Namespace) -> int:
    _, code = run_story(Path(args.spec), _out(args), args.offline,
                        Path(args.cache) if args.cache else None, quiet=args.quiet, matcher=args.matcher,
                        lexicons=dict(args.lexicon), settings=_fetch_settings(args), wait=args.wait)
    return code


def cmd_batch(args: argparse.Namespace) -> int:
    from parallax.run import batch

    try:
        specs = batch.find_specs(args.specs)
    except FileNotFoundError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not specs:
        print("parallax: no story specs (*.yaml) found there", file=sys.stderr)
        return EXIT_USAGE
    if args.workers < 1:
        print("parallax: --workers must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    options = {"offline": args.offline, "matcher": args.matcher, "lexicons": dict(args.lexicon),
               "settings": _fetch_settings(args), "wait": args.wait,
               "cache_dir": Path(args.cache).resolve() if args.cache else None}
    try:
        results = batch.run_batch(specs, _out(args), args.workers, args.scheduler, options,
                                  progress=sys.stderr.isatty() and not args.quiet)
    except OSError as exc:  # the scheduler is unreachable
        print(f"parallax: cannot reach the scheduler {args.scheduler}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(batch.report(results), file=sys.stderr)
    for r in results:
        if r.folder:
            print(Path(r.folder) / "report.html")
    return batch.exit_status(results)


def cmd_lesson(args: argparse.Namespace) -> int:
    if args.spec:
        spec = Path(args.spec)
    else:
        try:
            spec = example_spec(args.example)
        except KeyError as exc:
            print(f"parallax: {exc.args[0]}", file=sys.stderr)
            return EXIT_USAGE
    _, code = run_lesson(spec, _out(args), answers=args.answers, offline=not args.online,
                         cache_dir=Path(args.cache) if args.cache else None)
    return code


def cmd_summary(args: argparse.Namespace) -> int:
    from parallax.run.runs import find_out_dir

    paths = args.runs or [str(find_out_dir())]
    _, code = run_summary(paths, Path(args.out) if args.out else None, args.per_story,
                          Path(args.cache) if args.cache else None)
    return code


def cmd_rerun(args: argparse.Namespace) -> int:
    _, code = rerun(Path(args.run_dir), Path(args.out) if args.out else None,
                    Path(args.cache) if args.cache else None, quiet=args.quiet)
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
    from parallax.run.runner import lexicons_readable
    from parallax.spec import load_spec

    try:
        story = load_spec(args.spec)
    except SpecError as exc:
        print(f"parallax: bad spec: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not lexicons_readable(story):
        return EXIT_USAGE
    print(f"ok: {args.spec}: story '{story.story}', {len(story.outlets)} outlets "
          f"({', '.join(o.key for o in story.outlets)})")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from parallax.extract.extractors import extract_snapshot
    from parallax.acquire.fetch import read_file

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
            print(printable(f"== {path}\nFAILED: {row['error']}\n"))
        else:
            print(printable(f"== {path}\ntitle: {row['title']}\nauthors: {row['authors']}\npublished: {row['published']}\n"
                            f"language: {row['language']}  words: {row['words']}  extractor: {row['extractor']}\n"
                            f"warnings: {row['warnings'] or '-'}\n\n{row['text']}\n"))
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
        p.add_argument("--matcher", default="learned", help="how claims are matched across outlets: learned "
                       "(default: the trained pair model), lexical (word overlap only) or semantic (needs: pip install .[semantic])")
        p.add_argument("--lexicon", action="append", default=[], metavar="NAME=FILE", type=_lexicon_option,
                       help="a word list replacing the bundled one of that name (hedging, intensifiers, loaded, "
                       "attribution) or adding one; repeatable")

    p = sub.add_parser("run", help="fetch, extract and compare a story; write a run folder")
    p.add_argument("spec", help="story spec (YAML)")
    p.add_argument("--offline", action="store_true", help="use cached snapshots only; never touch the network")
    p.add_argument("--wait", action="store_true", help="if a run of this story is going, wait for it instead of "
                   "exiting with status 4")
    polite(p)
    common(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("batch", help="run many stories into the same run folders as 'run'")
    p.add_argument("specs", nargs="+", help="story specs, or folders holding them (*.yaml)")
    p.add_argument("--workers", type=int, default=1, help="stories run at once on this machine (default 1)")
    p.add_argument("--scheduler", default="", help="a dask.distributed scheduler (tcp://host:8786) to run the "
                   "stories on instead; its workers need Parallax and the same paths")
    p.add_argument("--offline", action="store_true", help="use cached snapshots only; never touch the network")
    p.add_argument("--wait", action="store_true", help="queue behind a run of the same story that is going")
    polite(p)
    common(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("lesson", help="the classroom lesson for a story (HTML for a projector); offline")
    p.add_argument("spec", nargs="?", default="", help="story spec (default: a bundled example, see --example)")
    p.add_argument("--example", default=DEFAULT_EXAMPLE, help=f"bundled example to use (default {DEFAULT_EXAMPLE})")
    p.add_argument("--answers", action="store_true", help="make the answer key instead of the students' version")
    p.add_argument("--online", action="store_true", help="fetch pages that are not saved or cached yet")
    p.add_argument("--out", default="", help="folder for outputs (lessons go in <out>/_lessons/<story>/)")
    p.add_argument("--cache", default="", help="snapshot cache folder (default: $PARALLAX_CACHE_DIR)")
    p.set_defaults(func=cmd_lesson)

    p = sub.add_parser("summary", help="across stories: per-outlet omissions, voice, sources, readability, over time")
    p.add_argument("runs", nargs="*", help="run folders, story folders or an outputs folder (default: outputs/)")
    p.add_argument("--out", default="", help="folder for the summary (default: outputs/_batch/<time>-<id>/)")
    p.add_argument("--per-story", default="latest", choices=["latest", "all"],
                   help="the newest run of each story (default), or every run")
    p.add_argument("--cache", default="", help="folder for the kernel files (default: $PARALLAX_CACHE_DIR)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("rerun", help="re-execute a run from its own snapshots and parameters (a new run folder)")
    p.add_argument("run_dir", help="the run folder to re-execute")
    p.add_argument("--out", default="", help="folder for the new run folder (default: beside the run)")
    p.add_argument("--cache", default="", help="folder for the report's kernel files (default: $PARALLAX_CACHE_DIR)")
    p.add_argument("--quiet", action="store_true", help="print only the report's path")
    p.set_defaults(func=cmd_rerun)

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
    stderr = sys.stderr
    sys.stderr = TerminalSafe(stderr)   # type: ignore[assignment]  (text from pages and specs stays inert)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args.func(args))
    except Terminated:
        print("parallax: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("parallax: interrupted", file=sys.stderr)
        return 130
    except ParallaxError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        sys.stderr = stderr
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


if __name__ == "__main__":
    sys.exit(main())
