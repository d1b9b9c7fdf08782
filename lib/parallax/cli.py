"""The ``parallax`` command: discover, run, rerun, batch, validate, extract, example.

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


def _window(value: str) -> float | None:
    """``--window``: "3d", "36h", "none"; returned in days (None: no window)."""
    text = value.strip().lower()
    if text in ("none", "off", "0", "0d", "0h"):
        return None
    unit = text[-1:] if text[-1:] in "dh" else "d"
    number = text[:-1] if text[-1:] in "dh" else text
    try:
        amount = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: write a number of days or hours, e.g. 3d or 36h, or none") from None
    if not 0 < amount < 10_000:
        raise argparse.ArgumentTypeError(f"{value!r}: give a positive window, e.g. 3d")
    return amount / 24 if unit == "h" else amount


def cmd_discover(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from parallax.acquire.fetch import SnapshotCache
    from parallax.discover import find, outlets, seed as seeds, sources, write

    if args.offline:
        print("parallax: discover reads the outlets' feeds and search services over the network, so it cannot run "
              "--offline; run it online, or write the story spec by hand (see README: Story spec)", file=sys.stderr)
        return EXIT_USAGE
    names = [n.strip() for n in args.sources.split(",") if n.strip()] if args.sources else sources.default_sources()
    unknown = [n for n in names if n not in sources.SOURCES]
    if unknown or not names:
        print(f"parallax: --sources: unknown source {unknown[0] if unknown else '(none)'!r}; choose from "
              f"{', '.join(sources.SOURCES)}", file=sys.stderr)
        return EXIT_USAGE
    if args.max is not None and args.max < 1:
        print("parallax: --max must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        listed = outlets.load_outlets(args.outlets or None)
    except SpecError as exc:
        print(f"parallax: bad outlets file: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.out:
        problem = write.check_out(Path(args.out))
        if problem:
            print(f"parallax: --out: {problem}", file=sys.stderr)
            return EXIT_USAGE
    if args.seed_outlet and args.seed_outlet.strip().casefold() not in {o.name.casefold() for o in listed}:
        print(f"parallax: note: --seed-outlet {args.seed_outlet!r} is not a name of the outlets file, so the pages "
              "of that outlet are known only if a search service names them so", file=sys.stderr)
    settings = _fetch_settings(args)
    cache = SnapshotCache(Path(args.cache) / "snapshots" if args.cache else None)
    try:
        seed = seeds.read_seed(args.seed, listed, settings, None, cache, args.seed_outlet, args.language)
    except seeds.SeedError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return EXIT_USAGE
    window = timedelta(days=args.window) if args.window is not None else None
    found = find.discover(seed, listed, names, window, args.max, settings, cache, read_pages=not args.no_pages,
                          gdelt_url=args.gdelt_url)
    print(write.summary(found), file=sys.stderr)
    if all(r.error for r in found.reports):
        print("parallax: no source answered (see why above; no network?); nothing written", file=sys.stderr)
        return EXIT_PARTIAL
    out = Path(args.out) if args.out else Path(write.story_id(found.seed.title) + ".yaml")
    if not args.out and (problem := write.check_out(out)):
        print(f"parallax: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not found.chosen:   # no new spec: an earlier one keeps its table
        table = write.table_path(out, kept=out.exists())
        write.write_table(found, table)
        what = (f"no result carries the query's words ({found.seed.title!r}); try other words or give the article"
                if found.seed.query else "no other version found")
        kept = f"; {out} and its table are left as they were" if out.exists() else ""
        print(f"parallax: {what}; every candidate and why is in {table}{kept}", file=sys.stderr)
        return EXIT_PARTIAL
    try:
        write.write_spec(found, out, args.seed)
    except SpecError as exc:
        print(f"parallax: the spec could not be written: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    write.write_table(found, write.table_path(out))
    write.table_path(out, kept=True).unlink(missing_ok=True)
    print(f"Review {out} (and {write.table_path(out)}), then: parallax run {out}", file=sys.stderr)
    print(out)
    return EXIT_PARTIAL if any(r.error for r in found.reports) else EXIT_OK


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

    p = sub.add_parser("discover", help="find other outlets' versions of a story; write a story spec to review")
    p.add_argument("seed", help="the story to start from: a URL, a saved page (.html or .txt) or a query in quotes")
    p.add_argument("--outlets", default="", help="outlets file (YAML: name, homepage, feeds, sitemaps); replaces the "
                   "bundled starter list")
    p.add_argument("--window", type=_window, default=3.0, metavar="3d",
                   help="candidates published this close to the seed (days d or hours h; 'none' for any date; default 3d)")
    p.add_argument("--max", type=int, default=None, help="at most this many other versions")
    p.add_argument("--out", default="", help="the story spec to write (default: <story id>.yaml here); the table of "
                   "candidates goes beside it (<name>.candidates.csv)")
    p.add_argument("--sources", default="", help="comma-separated sources: feeds, gdelt, mediacloud (default: feeds "
                   "and gdelt, and mediacloud when $MEDIACLOUD_API_KEY is set)")
    p.add_argument("--gdelt-url", default="", help="GDELT DOC 2.0 base URL (default: $PARALLAX_GDELT_URL or GDELT's)")
    p.add_argument("--seed-outlet", default="", help="the seed's outlet, when a saved page does not say")
    p.add_argument("--language", default=None, help="the seed's language (default: what the page declares)")
    p.add_argument("--no-pages", action="store_true", help="do not fetch candidates' pages: judge by their listings")
    p.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--cache", default="", help="snapshot cache folder (default: $PARALLAX_CACHE_DIR or ~/.cache/parallax)")
    polite(p)
    p.set_defaults(func=cmd_discover)

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
