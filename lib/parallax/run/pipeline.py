"""The stages a report runs, in order; the notebook calls these and shows what they return.

Each stage takes plain data and returns plain data; the ``run`` argument is
only used to time the stage and to write its tables and charts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parallax import thresholds
from parallax.report import charts as charts_mod
from parallax.report import render
from parallax.report.render import Chart
from parallax.report.figures import not_drawn
from parallax.compare import coverage
from parallax.parse import document as parse
from parallax.report import tables
from parallax.errors import ExtractionError
from parallax.run.examples import example_spec
from parallax.extract.extractors import Article, extract_snapshot, failed
from parallax.acquire.fetch import FetchSettings, SnapshotCache
from parallax.run.runs import Run, collect_snapshots, find_out_dir, new_run_folder, record
from parallax.spec import load_spec


def open_run(spec: str = "", run_dir: str = "", offline: bool = False, cache_dir: str = "") -> Run:
    """Load the spec (the bundled example when empty), open the run folder and get every page.

    ``run_dir`` empty: a new folder under :func:`~parallax.run.runs.find_out_dir`.
    """
    story = load_spec(spec or example_spec())
    folder = Path(run_dir) if run_dir else new_run_folder(find_out_dir(), story.story)
    folder.mkdir(parents=True, exist_ok=True)
    run = Run(story=story, folder=folder, offline=offline,
              parameters={"spec": str(story.path), "run_dir": str(folder), "offline": offline})
    cache = SnapshotCache(Path(cache_dir) / "snapshots") if cache_dir else SnapshotCache()
    render.saver().start()   # in a kernel, the chart workers get ready while the pages are read
    collect_snapshots(run, cache, FetchSettings())
    return run


def extract_articles(run: Run) -> list[Article]:
    """Every outlet's article in spec order; an outlet that failed is a row with status 'failed'."""
    articles = []
    with run.stage("extract"):
        for outlet in run.story.outlets:
            if outlet.key in run.errors:
                articles.append(failed(outlet.key, outlet.name, outlet.source, run.errors[outlet.key]))
                continue
            try:
                articles.append(extract_snapshot(run.snapshots[outlet.key], outlet.key, outlet.name,
                                                 outlet.language, run.story.language))
            except ExtractionError as exc:
                run.errors[outlet.key] = str(exc)
                articles.append(failed(outlet.key, outlet.name, outlet.source, str(exc)))
            except Exception as exc:  # a bug must cost one outlet, not the report
                message = f"{outlet.key}: internal error while extracting ({exc.__class__.__name__}: {exc}); please report this with the page"
                run.errors[outlet.key] = message
                articles.append(failed(outlet.key, outlet.name, outlet.source, message))
        tables.write_table(run.folder, "articles", tables.articles_frame(articles))
    return articles


def outlets_overview(articles: list[Article]) -> pd.DataFrame:
    """The outlets table of the report: what was read, from where, with warnings and errors."""
    frame = tables.articles_frame(articles)
    frame["published"] = frame["published"].str.slice(0, 16).str.replace("T", " ")
    return frame[["name", "status", "title", "authors", "published", "language", "words", "extractor",
                  "parser", "warnings", "error"]].set_index("name")


def readability(run: Run, articles: list[Article]) -> pd.DataFrame:
    """readability.csv (tidy) for the outlets that have text."""
    with run.stage("analysis"):
        tidy = tables.readability_frame(articles)
        tables.write_table(run.folder, "readability", tidy)
    return tidy


def claims(run: Run, articles: list[Article], matcher: str = "learned") -> dict[str, pd.DataFrame]:
    """Attribution per sentence, claim units grouped across outlets, coverage; writes claims.csv,
    claim_summary.csv, sources.csv and exclusive_claims.csv. Returns those tables by name."""
    from parallax.compare.align import MATCHERS

    with run.stage("claims"):
        attributed = coverage.attribute_articles(articles)
        keys = [a.outlet for a in articles if a.ok]
        lang = next((a.language for a in articles if a.ok), "en")
        chosen = MATCHERS[matcher]
        claims_frame = coverage.claims_table(articles, attributed, chosen, lang)
        # what the matcher did, for run.json: e.g. how many pairs the cross-encoder read, and its budget
        run.parameters["claim_matching"] = {"matcher": matcher, "units": claims_frame.attrs.get("units"),
                                            **dict(getattr(chosen, "last", {}) or {})}
        result = {
            "claims": claims_frame,
            "claim_summary": coverage.outlet_summary(claims_frame, keys),
            "sources": coverage.quoted_sources(attributed),
            "omissions": coverage.omissions(claims_frame),
            "exclusive_claims": coverage.exclusive_claims(claims_frame, keys),
        }
        for name in ("claims", "claim_summary", "sources", "exclusive_claims"):
            tables.write_table(run.folder, name, result[name])
    return result


WORDING_TABLES = ("wording_diffs", "distinctive_terms", "naming", "lexicon_hits", "lexicon_rates", "similarity",
                  "copy_changes", "headlines")


def wording_tables(articles: list[Article], claims_frame: pd.DataFrame, order: list[str],
                   lexicons: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Word choice across outlets, as tables: diffs of each claim's versions, distinctive terms,
    naming of actors, lexicon hits and rates, text reuse and what copies changed, headlines and ledes."""
    from parallax.outlet import naming
    from parallax.compare import reuse
    from parallax.compare import terms
    from parallax.compare import wording as wording_mod

    lists = terms.load_lexicons(lexicons or {})
    diffs = wording_mod.claim_diffs(claims_frame, order)
    hits = terms.lexicon_hits(articles, lists)
    similarity = reuse.similarity(articles)
    by_key = {a.outlet: a for a in articles}
    changes = [reuse.copy_changes(by_key[original], by_key[copy]) for copy, original in _originals(similarity).items()]
    return {
        "wording_diffs": diffs,
        "substitutions": wording_mod.substitutions(diffs),
        "distinctive_terms": terms.distinctive_terms(articles),
        "naming": naming.naming_table(naming.mentions(articles), order),
        "lexicon_hits": hits,
        "lexicon_rates": terms.lexicon_rates(hits, articles),
        "similarity": similarity,
        "copy_changes": pd.concat(changes, ignore_index=True) if changes else pd.DataFrame(columns=reuse.CHANGE_COLUMNS),
        "headlines": wording_mod.headlines(articles),
    }


def _originals(similarity: pd.DataFrame) -> dict[str, str]:
    """Each republishing outlet -> the outlet whose text it most contains (copies of copies are not
    compared again: with many outlets running one wire story, each is compared with the wire only)."""
    best: dict[str, tuple[float, str]] = {}
    for r in similarity[similarity.copied].itertuples():
        if r.direction.startswith(f"{r.outlet_a} copies"):
            copy, original, share = r.outlet_a, r.outlet_b, r.containment_a
        else:
            copy, original, share = r.outlet_b, r.outlet_a, r.containment_b
        if copy not in best or share > best[copy][0]:
            best[copy] = (share, original)
    return {copy: original for copy, (_, original) in best.items()}


def wording(run: Run, articles: list[Article], claims_result: dict[str, pd.DataFrame],
            lexicons: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The wording stage of a run: :func:`wording_tables` with the spec's word lists, overridden by
    ``lexicons`` (name -> file); writes the tables and returns them by name."""
    with run.stage("wording"):
        lists = run.story.lexicon_files(lexicons)
        result = wording_tables(articles, claims_result["claims"], [o.key for o in run.story.outlets], lists)
        for name in WORDING_TABLES:
            tables.write_table(run.folder, name, result[name])
    return result


def revisions(run: Run, articles: list[Article], previous_run: str = "") -> pd.DataFrame:
    """revisions.csv: what changed in each outlet's article since ``previous_run`` (a run folder;
    empty: no comparison, an empty table)."""
    from parallax.compare import revisions as revisions_mod

    with run.stage("revisions"):
        meta = {key: s.meta() for key, s in run.snapshots.items()}
        frame = revisions_mod.compare(Path(previous_run) if previous_run else None, articles, meta)
        tables.write_table(run.folder, "revisions", frame)
    return frame


def outlet_order(run: Run) -> list[str]:
    """Outlet names in spec order (the order of every chart)."""
    return [o.name for o in run.story.outlets]


def make_charts(run: Run, names: list[str], data: object, **options: object) -> dict[str, Chart]:
    """The named charts of ``charts.CHARTS`` drawn from ``data`` (``options`` go to each chart
    maker) and saved as PNG and SVG, returned by name. In a kernel they are saved on background
    processes while the run goes on (:mod:`parallax.report.render`); displaying one shows its PNG,
    or a placeholder until the PNG is written."""
    everyone = {o.key: o.name for o in run.story.outlets}
    colors = charts_mod.outlet_colors(list(everyone.values()))   # an outlet's colour does not move
    # outlets that could not be read are in the outlets table with the reason, not empty in every chart
    outlets = {key: name for key, name in everyone.items() if key not in run.errors} or everyone
    most = int(thresholds.value("report.max_chart_outlets"))
    saver = render.saver()
    shown = {}
    with run.stage("charts"):
        for name in names:
            if len(outlets) > most:
                shown[name] = saver.submit(not_drawn, (name, len(outlets), most), {}, run.folder, name)
            else:
                shown[name] = saver.submit(charts_mod.CHARTS[name], (data, outlets, colors), options, run.folder, name)
    return shown


def finish(run: Run, articles: list[Article]) -> Path:
    """Wait for the charts still being saved, write the codebook and run.json; return the run folder."""
    with run.stage("charts"):   # the time the run waited for them
        render.saver().wait()
    tables.write_codebook(run.folder)
    outlets = [{"outlet": a.outlet, "name": a.name, "source": a.source, "status": a.status,
                "error": a.error, "warnings": a.warnings, "words": a.words if a.ok else 0,
                "language": a.language, "parser": parse.model_info(a.language or "en").label if a.ok else ""}
               for a in articles]
    record(run, outlets)
    return run.folder
