"""Across stories: many run folders read back and summarised per outlet.

``find_runs`` lists the complete runs under run folders, story folders or an outputs folder;
``load_runs`` reads their tables into combined frames (``story``, ``run`` and ``run_time``
first); ``outlet_summary`` and ``over_time`` compute, per outlet, how often it leaves out
claims most other outlets carry, how it voices its claims, whom it credits and how readable it
is; ``combined_export`` writes ``batch_claims.csv`` and ``batch_outlets.csv``. The readings at
the end turn those frames into plain-language Markdown for ``notebooks/batch_summary.ipynb``.

Outlets are matched across stories by ``name`` (their keys can differ from spec to spec), so in
the frames this module returns, ``outlet`` is the outlet's name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from parallax.run import runs as runs_mod
from parallax.report.narrate import esc
from parallax.report.tables import read_table, write_csv

RUN_KEYS = ["story", "run", "run_time"]
SKIP_STATUSES = {"running": "still running (or crashed before it finished)", "report-failed": "its report failed"}
PER_STORY = ("latest", "all")
TABLES = {  # table -> columns a run's CSV must have to be read
    "articles": ["outlet", "name", "status", "words"],
    "readability": ["outlet", "name", "language", "measure", "value"],
    "claims": ["claim_id", "outlet", "status", "source", "source_kind", "sentence", "position"],
}
TEXT_COLUMNS = ("name", "status", "error", "title", "authors", "published", "language", "warnings", "text",
                "note", "label", "source", "source_kind", "cue", "cue_class", "quote", "sentence")
COUNTS = ["claims_carried", "shared_claims", "shared_omitted", "claim_sentences", "attributed", "asserted",
          "hedged", "credited_sentences", "named_sources", "anonymous_sources"]
SUMMARY_COLUMNS = ["stories", "runs", "claims_carried", "shared_claims", "shared_omitted", "omission_rate",
                   "share_attributed", "share_asserted", "share_hedged", "claim_sentences", "named_sources",
                   "anonymous_sources", "credited_sentences", "share_anonymous", "flesch_reading_ease", "words",
                   "languages", "runs_other_language"]
RUN_COLUMNS = ["story", "run", "run_time", "status", "title", "outlets", "folder"]
PROBLEM_COLUMNS = ["story", "run", "table", "problem"]

BATCH_CODEBOOK: dict[str, str] = {
    "outlet": "the outlet's name (outlets are matched across stories by name)",
    "stories": "stories the outlet appears in",
    "runs": "runs read for it",
    "claims_carried": "claim groups the outlet carries, summed over those runs",
    "shared_claims": "claims carried by at least half of the other outlets of the run (and by at least one)",
    "shared_omitted": "shared claims the outlet leaves out",
    "omission_rate": "shared_omitted / shared_claims (NA without shared claims)",
    "share_attributed": "share of its claim sentences that credit a source (each sentence once)",
    "share_asserted": "share stated in the outlet's own voice",
    "share_hedged": "share in its own voice, hedged ('alleged', 'reportedly')",
    "claim_sentences": "claim sentences the shares are computed over",
    "named_sources": "claim sentences crediting a named source",
    "anonymous_sources": "claim sentences crediting an anonymous source",
    "credited_sentences": "claim sentences crediting any source (named, anonymous, collective or pronoun)",
    "share_anonymous": "anonymous_sources / credited_sentences",
    "flesch_reading_ease": "Flesch reading ease, mean over runs, English versions only (NA otherwise)",
    "words": "words in the extracted article, mean over runs",
    "languages": "the languages of its versions",
    "runs_other_language": "runs where fewer than half of the other outlets wrote in its language: claims are matched "
                           "by wording, so its omissions there may be claims told in another language",
}

_STAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")


# ---------------------------------------------------------------- finding runs

def input_paths(runs: Sequence[str | Path]) -> list[Path]:
    """The folders to look in: ``runs`` as given, or the outputs folder when it is empty."""
    return [Path(p) for p in runs] if runs else [runs_mod.find_out_dir()]


def batch_folder(out_dir: str | Path = "") -> Path:
    """Where a summary writes: ``out_dir`` (created), or ``<outputs>/_batch/<UTC time>-<id>/``."""
    if out_dir:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return folder.resolve()
    return runs_mod.new_run_folder(runs_mod.find_out_dir(), "_batch").resolve()


def run_time(folder: Path, meta: dict[str, Any] | None = None) -> str:
    """When a run started, ISO 8601 UTC: from its folder name (``20260102T100000Z-…``), else the
    earliest ``fetched_at`` of its snapshots in run.json, else ``""``."""
    match = _STAMP.match(Path(folder).name)
    if match:
        y, mo, d, h, mi, s = match.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"
    meta = runs_mod.read_run_json(Path(folder)) if meta is None else meta
    fetched = [str(m.get("fetched_at")) for m in (meta.get("snapshots") or {}).values()
               if isinstance(m, dict) and m.get("fetched_at")]
    return min(fetched) if fetched else ""


def _candidates(path: Path) -> list[Path]:
    """Run folders at ``path`` or one or two levels below (story folders, an outputs folder);
    ``latest`` symlinks, hidden folders and ``_``-folders (``_batch``, ``_lessons``) are passed over."""
    if (path / runs_mod.RUN_JSON).is_file():
        return [path]
    found: list[Path] = []
    for child in sorted(_subfolders(path)):
        if (child / runs_mod.RUN_JSON).is_file():
            found.append(child)
        elif not child.name.startswith("_"):
            found += [g for g in sorted(_subfolders(child)) if (g / runs_mod.RUN_JSON).is_file()]
    return found


def _subfolders(path: Path) -> list[Path]:
    return [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")
            and not (p.is_symlink() and p.name == runs_mod.LATEST)]


def scan_runs(paths: Sequence[str | Path], latest_only: bool = False) -> pd.DataFrame:
    """Every run folder found under ``paths``, with whether it is read and why not.

    Columns: folder, story, run, run_time, status, included, reason. A run still ``running`` or
    whose report failed is not read; with ``latest_only`` only the newest complete run of each
    story is. A path with no run under it is a row with an empty ``run``.

    Raises:
        FileNotFoundError: a path that does not exist.
    """
    rows: list[dict[str, Any]] = []
    seen: set[Path] = set()
    for item in map(Path, paths):
        if not item.is_dir():
            raise FileNotFoundError(f"{item}: no such run, story or outputs folder")
        found = _candidates(item)
        if not found:
            rows.append({"folder": str(item), "story": "", "run": "", "run_time": "", "status": "",
                         "included": False, "reason": "no run folder with a run.json here or one or two levels below"})
        for folder in found:
            real = folder.resolve()
            if real in seen:
                continue
            seen.add(real)
            meta = runs_mod.read_run_json(real)
            status = str(meta.get("status", ""))
            rows.append({"folder": str(real), "story": str(meta.get("story") or real.parent.name), "run": real.name,
                         "run_time": run_time(real, meta), "status": status,
                         "included": status not in SKIP_STATUSES, "reason": SKIP_STATUSES.get(status, "")})
    frame = pd.DataFrame(rows, columns=["folder", "story", "run", "run_time", "status", "included", "reason"])
    if latest_only and not frame.empty:
        ok = frame[frame.included & (frame.run != "")].sort_values(["story", "run_time", "run"])
        newest = set(ok.groupby("story").tail(1).index)
        older = frame.included & ~frame.index.isin(newest)
        frame.loc[older, "included"] = False
        frame.loc[older, "reason"] = "an older run of the story (only the newest is read)"
    return frame.sort_values(["story", "run_time", "run"], kind="stable").reset_index(drop=True)


def find_runs(paths: Sequence[str | Path], latest_only: bool = False) -> list[Path]:
    """The complete run folders under ``paths`` (run folders, story folders ``outputs/<story>/``
    or an outputs folder), sorted by story and time, each once.

    Skipped: folders without run.json, runs whose status is ``running`` or ``report-failed``,
    and ``latest`` symlinks (their run is read under its own name). ``latest_only`` keeps the
    newest complete run of each story.

    Raises:
        FileNotFoundError: a path that does not exist.
    """
    scan = scan_runs(paths, latest_only)
    return [Path(f) for f in scan[scan.included].folder]


# ---------------------------------------------------------------- reading runs

def load_runs(runs: Sequence[str | Path]) -> dict[str, pd.DataFrame]:
    """The runs' tables, combined: ``articles``, ``readability`` and ``claims`` with ``story``,
    ``run`` (folder name) and ``run_time`` first (claims also get the outlet's ``name`` after
    ``outlet``); ``runs``, one row per run; and ``problems`` (story, run, table, problem): a
    table that is missing or unreadable is left out for that run, and said so there."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    run_rows: list[dict[str, Any]] = []
    problems: list[dict[str, str]] = []
    for folder in dict.fromkeys(Path(r).resolve() for r in runs):
        meta = runs_mod.read_run_json(folder)
        if not meta:
            problems.append({"story": folder.parent.name, "run": folder.name, "table": "run.json",
                             "problem": "no readable run.json: the run is left out"})
            continue
        keys = {"story": str(meta.get("story") or folder.parent.name), "run": folder.name,
                "run_time": run_time(folder, meta)}
        spec = meta.get("spec") or {}
        run_rows.append({**keys, "status": meta.get("status", ""), "title": spec.get("title", ""),
                         "outlets": len(spec.get("outlets") or meta.get("outlets") or []), "folder": str(folder)})
        read: dict[str, pd.DataFrame] = {}
        for name in TABLES:
            frame, problem = _read_table(folder, name)
            if problem:
                problems.append({"story": keys["story"], "run": keys["run"], "table": name, "problem": problem})
            if frame is not None:
                read[name] = frame
        if "claims" in read:
            names = _outlet_names(meta, read.get("articles"))
            claims = read["claims"]
            claims.insert(claims.columns.get_loc("outlet") + 1, "name",
                          [names.get(k, k) for k in claims.outlet.astype(str)])
        for name, frame in read.items():
            for i, column in enumerate(RUN_KEYS):
                frame.insert(i, column, keys[column])
            parts[name].append(frame)
    tables = {name: _concat(frames, RUN_KEYS + TABLES[name]) for name, frames in parts.items()}
    tables["runs"] = pd.DataFrame(run_rows, columns=RUN_COLUMNS)
    tables["problems"] = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    return tables


def _read_table(folder: Path, name: str) -> tuple[pd.DataFrame | None, str]:
    """One table of one run, or ``(None, why not)``."""
    path = folder / "tables" / f"{name}.csv"
    if not path.is_file():
        return None, f"no tables/{name}.csv: left out of what needs it"
    try:
        frame = read_table(path, dtype={c: str for c in TEXT_COLUMNS})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        return None, f"tables/{name}.csv cannot be read ({exc.__class__.__name__}: {str(exc).strip()[:120]}): left out"
    missing = [c for c in TABLES[name] if c not in frame.columns]
    if missing:
        return None, f"tables/{name}.csv lacks the column(s) {', '.join(missing)}: left out"
    for column in TEXT_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype(object).fillna("").astype(str)
    return frame, ""


def _outlet_names(meta: dict[str, Any], articles: pd.DataFrame | None) -> dict[str, str]:
    """Outlet key -> name for one run: from articles.csv, else run.json's outlets, else its spec."""
    names: dict[str, str] = {}
    for o in (meta.get("spec") or {}).get("outlets") or []:
        if isinstance(o, dict) and o.get("key") and o.get("name"):
            names[str(o["key"])] = str(o["name"])
    for o in meta.get("outlets") or []:
        if isinstance(o, dict) and o.get("outlet") and o.get("name"):
            names[str(o["outlet"])] = str(o["name"])
    if articles is not None:
        names.update({str(k): str(n) for k, n in zip(articles.outlet, articles.name) if n})
    return names


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def outlet_order(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Outlet names in the order they first appear (stories by name, runs by time, outlets in
    spec order): the order and colours of every batch chart."""
    order: list[str] = []
    for name in ("articles", "readability", "claims"):
        frame = tables.get(name)
        if frame is not None and not frame.empty:
            order += list(frame.sort_values(["story", "run_time", "run"], kind="stable").name.astype(str))
    return list(dict.fromkeys(n for n in order if n))


# ---------------------------------------------------------------- measures

def latest_runs(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest run of each story in ``frame`` (by run_time, then folder name)."""
    if frame.empty:
        return frame
    runs = frame[RUN_KEYS].drop_duplicates().sort_values(["story", "run_time", "run"]).groupby("story").tail(1)
    return frame.merge(runs, on=RUN_KEYS)


def per_run(tables: dict[str, pd.DataFrame], min_share: float = 0.5) -> pd.DataFrame:
    """One row per (run, outlet): the counts behind every measure, plus its Flesch reading ease
    (English only) and words. A claim is *shared* for an outlet when at least ``min_share`` of the
    run's other outlets (and at least one) carry it."""
    keys = RUN_KEYS + ["outlet", "name"]
    frames = [_claim_counts(tables["claims"], min_share)]
    read = tables["readability"]
    lang = read.language.fillna("").astype(str)
    fre = read[(read.measure == "flesch_reading_ease") & lang.str.startswith("en") & read.value.notna()]
    frames.append(fre.assign(flesch_reading_ease=fre.value.astype(float))[keys + ["flesch_reading_ease"]]
                  .drop_duplicates(keys))
    arts = tables["articles"]
    ok = arts[arts.status == "ok"]
    language = ok["language"] if "language" in ok.columns else pd.Series("", index=ok.index)
    ok = ok.assign(language=language.fillna("").astype(str))
    outlets = ok.groupby(["story", "run"]).outlet.transform("nunique")
    same = ok.groupby(["story", "run", "language"]).outlet.transform("nunique") - 1
    ok = ok.assign(words=pd.to_numeric(ok.words, errors="coerce"),
                   other_language=(ok.language != "") & (same < 0.5 * (outlets - 1)))
    frames.append(ok[keys + ["words", "language", "other_language"]].drop_duplicates(keys))
    merged = frames[0]
    for frame in frames[1:]:
        merged = merged.merge(frame, on=keys, how="outer")
    merged["outlet"] = merged["outlet"].astype(str)
    merged["name"] = merged["name"].astype(str)
    return merged.sort_values(["story", "run_time", "run"], kind="stable").reset_index(drop=True)


def _claim_counts(claims: pd.DataFrame, min_share: float) -> pd.DataFrame:
    """Per (run, outlet): claims carried, shared claims and those omitted, and claim sentences by
    status and source kind (each sentence once, though it may carry two claims)."""
    keys = RUN_KEYS + ["outlet", "name"]
    if claims.empty:
        return pd.DataFrame(columns=keys + COUNTS)
    c = claims.assign(carries=claims.status != "omitted")
    per = c.groupby(RUN_KEYS + ["claim_id", "outlet", "name"], as_index=False, sort=False).carries.any()
    carriers = per.groupby(["story", "run", "claim_id"]).carries.transform("sum")
    outlets = per.groupby(["story", "run"]).outlet.transform("nunique")
    others = carriers - per.carries.astype(int)
    per["shared"] = (others >= 1) & (others >= min_share * (outlets - 1))
    per["omitted_shared"] = per.shared & ~per.carries
    counts = per.groupby(keys, sort=False).agg(claims_carried=("carries", "sum"), shared_claims=("shared", "sum"),
                                                shared_omitted=("omitted_shared", "sum"))
    said = c[c.carries].drop_duplicates(RUN_KEYS + ["outlet", "position", "sentence"])
    credited = said.source.str.strip() != ""
    flags = pd.DataFrame({
        "claim_sentences": 1, "attributed": said.status == "attributed", "asserted": said.status == "asserted",
        "hedged": said.status == "hedged", "credited_sentences": credited,
        "named_sources": credited & (said.source_kind == "named"),
        "anonymous_sources": credited & (said.source_kind == "anonymous"),
    }, index=said.index)
    sentences = pd.concat([said[keys], flags.astype(int)], axis=1).groupby(keys, sort=False).sum()
    out = counts.join(sentences, how="left").fillna(0).astype(int).reset_index()
    return out[keys + COUNTS]


def _aggregate(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum the counts and average readability and length over ``rows`` grouped by ``by``; the
    shares are pooled (all sentences of all runs together), not averages of runs' shares."""
    if rows.empty:
        return pd.DataFrame(columns=by + SUMMARY_COLUMNS)
    rows = rows.assign(run_id=rows.story + "/" + rows.run)
    grouped = rows.groupby(by, sort=False, dropna=False)
    out = grouped.agg(stories=("story", "nunique"), runs=("run_id", "nunique"),
                      flesch_reading_ease=("flesch_reading_ease", "mean"), words=("words", "mean"),
                      languages=("language", lambda s: ", ".join(sorted({v for v in s.dropna() if v}))),
                      runs_other_language=("other_language", lambda s: int(s.fillna(False).astype(bool).sum())))
    for column in COUNTS:
        out[column] = grouped[column].sum(min_count=1).astype("Int64")
    out["omission_rate"] = _ratio(out.shared_omitted, out.shared_claims)
    for status in ("attributed", "asserted", "hedged"):
        out[f"share_{status}"] = _ratio(out[status], out.claim_sentences)
    out["share_anonymous"] = _ratio(out.anonymous_sources, out.credited_sentences)
    return out.reset_index()[by + SUMMARY_COLUMNS]


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("Float64")
    return (part.astype("Float64") / whole.where(whole > 0)).astype(float)


def _check_per_story(per_story: str) -> None:
    if per_story not in PER_STORY:
        raise ValueError(f"per_story must be 'latest' or 'all', not {per_story!r}")


def _selected(tables: dict[str, pd.DataFrame], per_story: str) -> dict[str, pd.DataFrame]:
    """The tables restricted to the newest run of each story that has the table (``latest``),
    or unchanged (``all``)."""
    _check_per_story(per_story)
    if per_story == "all":
        return tables
    return {**tables, **{name: latest_runs(tables[name]) for name in TABLES}}


def outlet_summary(tables: dict[str, pd.DataFrame], per_story: str = "latest", min_share: float = 0.5) -> pd.DataFrame:
    """One row per outlet (by name, across stories): stories, runs, claims_carried, shared_claims,
    shared_omitted, omission_rate, share_attributed / share_asserted / share_hedged (over its
    claim sentences), named_sources, anonymous_sources, share_anonymous (of credited sentences),
    flesch_reading_ease (mean over runs, English only, else NA) and words (mean); see
    ``BATCH_CODEBOOK``.

    ``per_story="latest"`` (the default) reads only the newest run of each story that has the
    table, since repeated runs of one story would count its claims several times; ``"all"``
    reads every run.
    """
    selected = _selected(tables, per_story)
    frame = _aggregate(per_run(selected, min_share), ["name"]).rename(columns={"name": "outlet"})
    order = {n: i for i, n in enumerate(outlet_order(tables))}
    return frame.sort_values("outlet", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def over_time(tables: dict[str, pd.DataFrame], by: str = "outlet", min_share: float = 0.5) -> pd.DataFrame:
    """The measures of :func:`outlet_summary` per (outlet, run_time) over every run, for a chart
    over time; ``by="story"`` gives them per (story, run_time), pooled over the run's outlets."""
    if by not in ("outlet", "story"):
        raise ValueError(f"by must be 'outlet' or 'story', not {by!r}")
    rows = per_run(tables, min_share)
    group = "name" if by == "outlet" else "story"
    frame = _aggregate(rows, [group, "run_time"])
    if by == "outlet":
        frame = frame.rename(columns={"name": "outlet"})
        order = {n: i for i, n in enumerate(outlet_order(tables))}
        return frame.sort_values(["outlet", "run_time"], key=lambda s: s.map(order) if s.name == "outlet" else s,
                                 kind="stable").reset_index(drop=True)
    if "stories" in frame.columns:
        frame = frame.drop(columns="stories")
    return frame.sort_values(["story", "run_time"]).reset_index(drop=True)


# ---------------------------------------------------------------- export

def combined_export(tables: dict[str, pd.DataFrame], folder: str | Path, per_story: str = "latest",
                    min_share: float = 0.5) -> Path:
    """Write ``batch_claims.csv`` (every run's claims.csv rows, with story, run, run_time, the
    outlet's name and ``in_summary``: True for the rows the outlet summary used) and
    ``batch_outlets.csv`` (:func:`outlet_summary`) into ``folder``; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    claims = tables["claims"].copy()
    used = _selected(tables, per_story)["claims"][["story", "run"]].drop_duplicates()
    claims["in_summary"] = pd.MultiIndex.from_frame(claims[["story", "run"]]).isin(
        pd.MultiIndex.from_frame(used)) if len(claims) else pd.Series(dtype=bool)
    write_csv(claims, folder / "batch_claims.csv")
    write_csv(outlet_summary(tables, per_story, min_share), folder / "batch_outlets.csv")
    return folder


# ---------------------------------------------------------------- readings (Markdown)

def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _code(text: object) -> str:
    """Text from a path or a table as a Markdown code span (shown literally; a backtick cannot end it early)."""
    return "`" + str(text).replace("`", "'") + "`"


def _n(count: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{count} {word if count == 1 else plural}"


def runs_reading(scan: pd.DataFrame, tables: dict[str, pd.DataFrame], per_story: str = "latest") -> str:
    """Which runs were read, which were skipped and why, and the tables that could not be read."""
    _check_per_story(per_story)
    runs = tables["runs"]
    lines: list[str] = []
    if runs.empty:
        lines.append("**No complete run was read.** Run a story first (`parallax run SPEC`), or pass run folders, "
                     "story folders or an outputs folder in `runs`.")
    else:
        stories = runs.groupby("story", sort=True).size()
        lines.append(f"Parallax read **{_n(len(runs), 'run')} of {_n(len(stories), 'story')}**: "
                     + "; ".join(f"{esc(s)} ({_n(int(n), 'run')})" for s, n in stories.items()) + ".")
        lines.append("The per-outlet table and its charts use **the newest run of each story** (several runs of one "
                     "story would count its claims several times); the chart over time uses every run."
                     if per_story == "latest" else
                     "The per-outlet table pools **every run** read: a story run several times weighs several times.")
    skipped = scan[~scan.included & (scan.reason != "")]
    for reason, rows in skipped.groupby("reason", sort=False):
        label = ", ".join(_code(f"{r.story}/{r.run}") if r.run else _code(r.folder) for r in rows.itertuples())
        lines.append(f"Not read ({esc(reason)}): {label}.")
    problems = tables["problems"]
    if not problems.empty:
        lines.append("Problems (the rest of each run was still read):\n\n"
                     + "\n".join(f"- {_code(f'{p.story}/{p.run}')}: {esc(p.problem)}" for p in problems.itertuples()))
    return "\n\n".join(lines)


def _pct(value: float) -> str:
    return f"{value:.0%}"


def outlets_reading(summary: pd.DataFrame) -> str:
    """Who omits most, who states claims in its own voice, who relies on anonymous sources, who
    is easiest to read, and how far the numbers can be trusted."""
    if summary.empty:
        return "There is no outlet to summarise."
    lines: list[str] = []
    rated = summary[summary.omission_rate.notna()]
    if not rated.empty:
        top, low = rated.loc[rated.omission_rate.idxmax()], rated.loc[rated.omission_rate.idxmin()]
        lines.append(f"**{esc(top.outlet)}** leaves out the largest share of the claims most other outlets carry: "
                     f"{int(top.shared_omitted)} of {int(top.shared_claims)} ({_pct(top.omission_rate)})"
                     + (f"; **{esc(low.outlet)}** the smallest ({int(low.shared_omitted)} of {int(low.shared_claims)}, "
                        f"{_pct(low.omission_rate)})." if low.outlet != top.outlet else "."))
    voiced = summary[summary.share_asserted.notna()]
    if len(voiced) >= 2:
        own, credit = voiced.loc[voiced.share_asserted.idxmax()], voiced.loc[voiced.share_attributed.idxmax()]
        lines.append(f"**{esc(own.outlet)}** states the largest share of its claim sentences in its own voice "
                     f"({_pct(own.share_asserted)}); **{esc(credit.outlet)}** credits a source most often "
                     f"({_pct(credit.share_attributed)}).")
    anonymous = summary[summary.anonymous_sources.fillna(0) > 0]
    if anonymous.empty:
        lines.append("No outlet credits a claim to an anonymous source.")
    else:
        most = anonymous.loc[anonymous.share_anonymous.idxmax()]
        lines.append(f"**{esc(most.outlet)}** relies most on anonymous sources: {int(most.anonymous_sources)} of "
                     f"its {int(most.credited_sentences)} credited sentences ({_pct(most.share_anonymous)}).")
    fre = summary[summary.flesch_reading_ease.notna()]
    if len(fre) >= 2:
        easy, hard = fre.loc[fre.flesch_reading_ease.idxmax()], fre.loc[fre.flesch_reading_ease.idxmin()]
        lines.append(f"In English, **{esc(easy.outlet)}** is the easiest to read (Flesch reading ease "
                     f"{easy.flesch_reading_ease:.0f}) and **{esc(hard.outlet)}** the hardest "
                     f"({hard.flesch_reading_ease:.0f}).")
    lone = summary[summary.runs_other_language.fillna(0) > 0]
    if not lone.empty:
        lines.append(f"{_names([f'**{esc(o)}**' for o in lone.outlet])} wrote in another language than most outlets "
                     "of the same story: Parallax matches claims by their wording, so claims told in another "
                     "language count as left out there. Compare omissions only within a language "
                     "(`runs_other_language` in the table).")
    single = summary[summary.stories == 1]
    lines.append("Read with care: outlets are matched across stories by name; an outlet seen in one story "
                 + (f"(here {_names([esc(o) for o in single.outlet])}) " if 0 < len(single) < len(summary) else "")
                 + "is judged on that story alone, and a share of a few claims moves a lot with one sentence. "
                 "A claim counts as shared when at least half of the other outlets of the run carry it, as Parallax "
                 "grouped them from their wording: check `batch_claims.csv` before citing an omission.")
    return "\n\n".join(lines)


def chart_reading(name: str, summary: pd.DataFrame) -> str:
    """A sentence or two on how to read one of the batch charts (nothing when there is no outlet)."""
    if summary.empty:
        return ""
    if name == "omission_rates":
        return ("A longer bar means the outlet leaves out more of the claims that at least half of the other outlets "
                "of the same story carry; the label gives the count behind the share.")
    if name == "voice_shares":
        return ("Blue is credited to a source (\"X said\"), yellow hedged (\"reportedly\"), orange stated in the "
                "outlet's own voice. **Look at** outlets with much orange: they present as fact what others attribute.")
    if name == "sources_named_anonymous":
        return ("Solid bars count claim sentences crediting a named person, hatched bars an anonymous source "
                "(\"a source familiar with...\"); groups and institutions (\"officials\", \"the Kremlin\") are in "
                "neither. The label is the anonymous share of all credited sentences.")
    return ""


def time_reading(frame: pd.DataFrame) -> str:
    """What the chart over time can show: how many outlets have more than one run, and the
    largest change in the share of claims stated in the outlet's own voice."""
    if frame.empty:
        return "No run was read, so there is nothing to show over time."
    points = frame.groupby("outlet").run_time.nunique()
    repeated = points[points >= 2]
    if repeated.empty:
        return ("Each outlet appears in one run only, so the chart shows one point each. Run the stories again "
                "(`parallax run`, or a scheduled `parallax batch`) to see how coverage changes.")
    changes: list[tuple[float, str, float, float]] = []
    for outlet in repeated.index:
        mine = frame[(frame.outlet == outlet) & frame.share_asserted.notna()].sort_values("run_time")
        if len(mine) >= 2:
            changes.append((abs(mine.share_asserted.iloc[-1] - mine.share_asserted.iloc[0]), outlet,
                            mine.share_asserted.iloc[0], mine.share_asserted.iloc[-1]))
    lines = [f"{'All ' if len(repeated) == len(points) else ''}{_n(len(repeated), 'outlet')}"
             f"{'' if len(repeated) == len(points) else f' of {len(points)}'} "
             f"appear{'s' if len(repeated) == 1 else ''} in two or more runs."]
    if changes and max(changes)[0] < 0.005:
        lines.append("No outlet's share of claims stated in its own voice changed from its first run to its last.")
    elif changes:
        delta, outlet, first, last = max(changes)
        lines.append(f"The largest change in the share stated in the outlet's own voice is **{esc(outlet)}**'s: "
                     f"{_pct(first)} in its first run, {_pct(last)} in its last.")
    lines.append("Each point is one run. Points of different stories sit on one line when an outlet covers "
                 "several: a change there may be the story, not the outlet. Pages also change between runs of one "
                 "story (see each run's `tables/revisions.csv`).")
    return "\n\n".join(lines)


def export_reading(folder: Path, tables: dict[str, pd.DataFrame], summary: pd.DataFrame) -> str:
    """The files written, with what each holds."""
    folder = Path(folder)
    claims = tables["claims"]
    lines = [f"Written to {_code(folder)}:", "",
             f"- `batch_claims.csv`: {len(claims):,} rows, every claims.csv row of the "
             f"{claims.groupby(['story', 'run']).ngroups if len(claims) else 0} runs read, with `story`, `run`, "
             "`run_time`, the outlet's `name`, and `in_summary` (the rows the per-outlet table used)",
             f"- `batch_outlets.csv`: the per-outlet table above, {_n(len(summary), 'outlet')}"]
    charts = sorted(p.name for p in (folder / "charts").glob("*.png")) if (folder / "charts").is_dir() else []
    if charts:
        lines.append("- `charts/`: " + ", ".join(_code(c) for c in charts) + " (and SVG)")
    return "\n".join(lines)


def codebook_frame() -> pd.DataFrame:
    """The columns of ``batch_outlets.csv`` and what they mean."""
    return pd.DataFrame({"column": list(BATCH_CODEBOOK), "description": list(BATCH_CODEBOOK.values())})

