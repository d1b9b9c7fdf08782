"""The across-stories summary: run folders written by hand, read back and summarised per outlet.

Two stories, three outlets (called by the same names under different keys in the two stories);
East leaves out most of the claims the others carry. Every expected number below is worked out
by hand in the comments from the rows written here.
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from conftest import PY, guarded_env, network_attempts
from parallax.report import summary
from parallax.report import summary_charts
from parallax.run.notebook import ParameterError, check_parameters, notebook_path

NOTEBOOK = "batch_summary.ipynb"
ALPHA = {"north": "North", "south": "South", "east": "East"}
BETA = {"n": "North", "s": "South", "e": "East"}        # same outlets, other keys

A1, A2, A3 = "20260101T100000Z-aaaaaa", "20260102T100000Z-bbbbbb", "20260103T100000Z-cccccc"
B1, B2 = "20260105T090000Z-dddddd", "20260106T090000Z-eeeeee"


def _claim(claim_id: str, outlet: str, status: str, position: int | None = None, source: str = "",
           kind: str = "", sentence: str = "") -> dict:
    omitted = status == "omitted"
    return {"claim_id": claim_id, "label": f"label of {claim_id}", "outlet": outlet, "status": status,
            "source": source, "source_kind": kind, "cue": "said" if source else "", "cue_class": "neutral" if source else "",
            "quote": "indirect" if source else "", "sentence": "" if omitted else (sentence or f"{outlet} sentence {position}"),
            "position": pd.NA if omitted else position, "paragraph": pd.NA if omitted else position,
            "lede": position == 0, "outlets_carrying": 0}


CLAIMS = {
    A1: [  # all three carry C001 in their own voice; East leaves out C002
        _claim("C001", "north", "asserted", 0), _claim("C001", "south", "asserted", 0), _claim("C001", "east", "asserted", 0),
        _claim("C002", "north", "attributed", 1, "Jane Doe", "named"), _claim("C002", "south", "asserted", 1),
        _claim("C002", "east", "omitted"),
    ],
    A2: [
        _claim("C001", "north", "attributed", 0, "Jane Doe", "named"),
        _claim("C001", "south", "asserted", 0),
        _claim("C001", "east", "attributed", 0, "a source", "anonymous"),
        _claim("C002", "north", "hedged", 1),
        _claim("C002", "south", "attributed", 1, "officials", "collective"),
        _claim("C002", "east", "omitted"),
        _claim("C003", "north", "asserted", 2),            # North alone carries C003
        _claim("C003", "south", "omitted"),
        _claim("C003", "east", "omitted"),
        _claim("C004", "north", "attributed", 0, "Jane Doe", "named"),   # North's lede again: one sentence, two claims
        _claim("C004", "south", "attributed", 2, "Jane Doe", "named"),
        _claim("C004", "east", "omitted"),
    ],
    B1: [
        _claim("C001", "n", "attributed", 0, "Mayor Lee", "named"),
        _claim("C001", "s", "attributed", 0, "a person familiar with the plan", "anonymous"),
        _claim("C001", "e", "asserted", 0),
        _claim("C002", "n", "asserted", 1),
        _claim("C002", "s", "omitted"),
        _claim("C002", "e", "asserted", 1),
        _claim("C003", "n", "omitted"),
        _claim("C003", "s", "hedged", 1),                  # South alone carries C003
        _claim("C003", "e", "omitted"),
    ],
}
FLESCH = {A1: {"north": (10, "en"), "south": (20, "en"), "east": (30, "en")},
          A2: {"north": (60, "en"), "south": (50, "en"), "east": (40, "en")},
          B1: {"n": (70, "en"), "s": (30, "en"), "e": (80, "es")}}   # East's beta version is Spanish
WORDS = {A1: {"north": 100, "south": 100, "east": 100}, A2: {"north": 300, "south": 200, "east": 100},
         B1: {"n": 500, "s": 400, "e": 300}}


def _write_run(root: Path, story: str, run: str, status: str, outlets: dict[str, str]) -> Path:
    folder = root / story / run
    (folder / "tables").mkdir(parents=True)
    spec = {"story": story, "title": f"The {story} story", "outlets": [{"key": k, "name": n} for k, n in outlets.items()]}
    meta = {"story": story, "status": status, "spec": spec, "parameters": {}, "versions": {}, "timings": {},
            "outlets": [{"outlet": k, "name": n, "status": "ok"} for k, n in outlets.items()], "snapshots": {}}
    (folder / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    if run in CLAIMS:
        pd.DataFrame(CLAIMS[run]).to_csv(folder / "tables" / "claims.csv", index=False)
        pd.DataFrame([{"outlet": k, "name": n, "status": "ok", "published": "", "words": WORDS[run][k],
                       "language": FLESCH[run][k][1]} for k, n in outlets.items()]).to_csv(
            folder / "tables" / "articles.csv", index=False)
        rows = []
        for k, n in outlets.items():
            value, lang = FLESCH[run][k]
            rows.append({"outlet": k, "name": n, "language": lang, "measure": "flesch_reading_ease", "value": value, "note": ""})
            rows.append({"outlet": k, "name": n, "language": lang, "measure": "gunning_fog",
                         "value": 12.0 if lang == "en" else None, "note": "" if lang == "en" else "English only"})
        pd.DataFrame(rows).to_csv(folder / "tables" / "readability.csv", index=False)
    return folder


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    """An outputs folder: alpha run twice (plus one still running), beta once (plus one whose report
    failed), and alpha's ``latest`` symlink."""
    root = tmp_path / "outputs"
    _write_run(root, "alpha", A1, "ok", ALPHA)
    _write_run(root, "alpha", A2, "ok", ALPHA)
    _write_run(root, "alpha", A3, "running", ALPHA)          # newest, but not finished
    os.symlink(A2, root / "alpha" / "latest")
    _write_run(root, "beta", B1, "partial", BETA)
    _write_run(root, "beta", B2, "report-failed", BETA)      # newest, report failed: no tables
    (root / "beta" / ".lock").write_text("")
    (root / "_batch" / "20260101T000000Z-ffffff").mkdir(parents=True)   # an earlier summary: not a story
    return root


def _by_outlet(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("outlet")


# ---------------------------------------------------------------- finding and reading runs

def test_find_runs_skips_running_report_failed_and_latest(outputs: Path) -> None:
    found = summary.find_runs([outputs])
    assert [p.name for p in found] == [A1, A2, B1]          # each once: `latest` is not a second A2
    assert [p.name for p in summary.find_runs([outputs / "alpha"])] == [A1, A2]
    assert [p.name for p in summary.find_runs([outputs / "beta" / B1, outputs / "alpha" / "latest"])] == [A2, B1]
    assert summary.find_runs([outputs / "beta" / B2]) == []
    scan = summary.scan_runs([outputs]).set_index("run")
    assert scan.loc[A3, "reason"].startswith("still running") and not scan.loc[A3, "included"]
    assert scan.loc[B2, "reason"] == "its report failed"


def test_find_runs_latest_only_keeps_newest_complete_run_per_story(outputs: Path) -> None:
    assert [p.name for p in summary.find_runs([outputs], latest_only=True)] == [A2, B1]


def test_find_runs_rejects_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no-such"):
        summary.find_runs([tmp_path / "no-such"])


def test_run_time_from_folder_name_or_run_json(tmp_path: Path) -> None:
    assert summary.run_time(Path(A2)) == "2026-01-02T10:00:00Z"
    meta = {"snapshots": {"a": {"fetched_at": "2026-03-04T05:06:07Z"}, "b": {"fetched_at": "2026-03-04T05:06:01Z"}}}
    assert summary.run_time(tmp_path / "renamed-run", meta) == "2026-03-04T05:06:01Z"


def test_load_runs_combines_tables_with_run_columns(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    claims = tables["claims"]
    assert list(claims.columns[:3]) == ["story", "run", "run_time"]
    assert len(claims) == len(CLAIMS[A1]) + len(CLAIMS[A2]) + len(CLAIMS[B1])
    assert set(claims[claims.story == "beta"].name) == {"North", "South", "East"}   # keys n/s/e -> names
    assert list(tables["runs"].run) == [A1, A2, B1]
    assert tables["problems"].empty
    assert set(tables["readability"].run_time) == {"2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z"}


# ---------------------------------------------------------------- the outlet summary

def test_outlet_summary_latest_run_of_each_story(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    got = _by_outlet(summary.outlet_summary(tables))
    assert list(got.index) == ["North", "South", "East"]
    # shared = carried by at least half of the other outlets (3 outlets: at least one other)
    # North: A2 C001 C002 C004 shared, none left out; B1 C001 C002 C003 shared, C003 left out -> 1 of 6
    # South: A2 C001-C004 shared, C003 left out; B1 C001 C002 shared, C002 left out -> 2 of 6
    # East:  A2 C001-C004 shared, C002-C004 left out; B1 C001-C003 shared, C003 left out -> 4 of 7
    assert got.shared_claims.tolist() == [6, 6, 7]
    assert got.shared_omitted.tolist() == [1, 2, 4]
    assert got.omission_rate.tolist() == pytest.approx([1 / 6, 1 / 3, 4 / 7])
    assert got.claims_carried.tolist() == [6, 5, 3]
    assert got.stories.tolist() == [2, 2, 2] and got.runs.tolist() == [2, 2, 2]
    # claim sentences, each once: North 3 (A2, its lede carries two claims) + 2 (B1)
    assert got.claim_sentences.tolist() == [5, 5, 3]
    assert got.share_attributed.tolist() == pytest.approx([2 / 5, 3 / 5, 1 / 3])
    assert got.share_asserted.tolist() == pytest.approx([2 / 5, 1 / 5, 2 / 3])
    assert got.share_hedged.tolist() == pytest.approx([1 / 5, 1 / 5, 0])
    assert got.named_sources.tolist() == [2, 1, 0]
    assert got.anonymous_sources.tolist() == [0, 1, 1]
    assert got.credited_sentences.tolist() == [2, 3, 1]
    assert got.share_anonymous.tolist() == pytest.approx([0, 1 / 3, 1])
    # Flesch: English only, mean over runs; East's beta version is Spanish
    assert got.flesch_reading_ease.tolist() == pytest.approx([65, 40, 40])
    assert got.words.tolist() == pytest.approx([400, 300, 200])
    assert got.languages.tolist() == ["en", "en", "en, es"]
    assert got.runs_other_language.tolist() == [0, 0, 1]


def test_outlet_summary_all_runs_counts_repeated_runs(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    got = _by_outlet(summary.outlet_summary(tables, per_story="all"))
    # A1 adds: everyone shares C001 and C002; East leaves out C002
    assert got.loc["East", "shared_omitted"] == 5 and got.loc["East", "shared_claims"] == 9
    assert got.loc["East", "omission_rate"] == pytest.approx(5 / 9)
    assert got.loc["North", "runs"] == 3
    assert got.loc["North", "flesch_reading_ease"] == pytest.approx((10 + 60 + 70) / 3)
    with pytest.raises(ValueError, match="per_story"):
        summary.outlet_summary(tables, per_story="newest")


def test_flesch_is_na_for_an_outlet_never_in_english(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs / "beta"]))
    got = _by_outlet(summary.outlet_summary(tables))
    assert pd.isna(got.loc["East", "flesch_reading_ease"])
    assert got.loc["North", "flesch_reading_ease"] == pytest.approx(70)


def _claims_only_run(root: Path, outlets: list[str], carried: dict[str, str]) -> Path:
    """A run with only claims.csv: ``carried`` maps each claim to the outlets (letters) carrying it."""
    folder = root / "gamma" / "20260201T000000Z-121212"
    (folder / "tables").mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"story": "gamma", "status": "ok",
                                                 "outlets": [{"outlet": o.lower(), "name": o} for o in outlets]}))
    rows = [_claim(cid, o.lower(), "asserted" if o in who else "omitted", i) for i, (cid, who) in enumerate(carried.items())
            for o in outlets]
    pd.DataFrame(rows).to_csv(folder / "tables" / "claims.csv", index=False)
    return folder


def test_two_outlet_run_shares_every_claim_the_other_carries(tmp_path: Path) -> None:
    folder = _claims_only_run(tmp_path, ["A", "B"], {"C001": "A", "C002": "B", "C003": "AB"})
    tables = summary.load_runs([folder])
    assert len(tables["problems"]) == 2                   # no articles.csv, no readability.csv
    got = _by_outlet(summary.outlet_summary(tables))
    # A: C001 is its own (B leaves it out), so A's shared claims are C002 (left out) and C003
    assert got.loc["A", "shared_claims"] == 2 and got.loc["A", "shared_omitted"] == 1
    assert got.loc["B", "omission_rate"] == pytest.approx(1 / 2)
    assert pd.isna(got.loc["A", "words"])


def test_four_outlet_run_needs_two_others_to_share_a_claim(tmp_path: Path) -> None:
    folder = _claims_only_run(tmp_path, ["A", "B", "C", "D"], {"C001": "ABC", "C002": "AB", "C003": "A"})
    got = _by_outlet(summary.outlet_summary(summary.load_runs([folder])))
    # half of the 3 others is 1.5: C001 is shared for all; C002 only for C and D (A and B have one other
    # carrier each); C003 for nobody
    assert got.shared_claims.tolist() == [1, 1, 2, 2]
    assert got.shared_omitted.tolist() == [0, 0, 1, 2]
    assert got.omission_rate.tolist() == pytest.approx([0, 0, 0.5, 1])
    looser = _by_outlet(summary.outlet_summary(summary.load_runs([folder]), min_share=0.3))
    assert looser.shared_omitted.tolist() == [0, 1, 2, 3]   # one other carrier is enough now


def test_missing_claims_table_is_a_problem_not_a_crash(outputs: Path) -> None:
    (outputs / "beta" / B1 / "tables" / "claims.csv").unlink()
    (outputs / "alpha" / A1 / "tables" / "readability.csv").write_text("not,a\n\"broken", encoding="utf-8")
    tables = summary.load_runs(summary.find_runs([outputs]))
    problems = tables["problems"].set_index(["run", "table"]).problem
    assert "no tables/claims.csv" in problems[(B1, "claims")]
    assert (A1, "readability") in problems.index
    assert len(problems) == 2
    got = _by_outlet(summary.outlet_summary(tables))
    # the claims measures come from alpha alone; beta's words and readability are still read
    assert got.omission_rate.tolist() == pytest.approx([0, 1 / 4, 3 / 4])
    assert got.claims_carried.tolist() == [4, 3, 1]
    assert got.words.tolist() == pytest.approx([400, 300, 200])
    reading = summary.runs_reading(summary.scan_runs([outputs]), tables)
    assert f"`beta/{B1}`: no tables/claims.csv" in reading


def test_over_time_uses_every_run(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    east = summary.over_time(tables).query("outlet == 'East'")
    assert east.run_time.tolist() == ["2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z"]
    assert east.omission_rate.tolist() == pytest.approx([1 / 2, 3 / 4, 1 / 3])
    assert east.share_asserted.tolist() == pytest.approx([1, 0, 1])
    stories = summary.over_time(tables, by="story")
    alpha = stories[stories.story == "alpha"]
    assert alpha.shared_omitted.tolist() == [1, 4]        # A1: East's C002; A2: South 1 + East 3


def test_combined_export_writes_claims_and_outlets(outputs: Path, tmp_path: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    folder = summary.combined_export(tables, tmp_path / "batch")
    claims = pd.read_csv(folder / "batch_claims.csv")
    assert len(claims) == 6 + 12 + 9
    assert list(claims.columns[:3]) == ["story", "run", "run_time"]
    assert claims.groupby("run").in_summary.all().to_dict() == {A1: False, A2: True, B1: True}
    outlets = pd.read_csv(folder / "batch_outlets.csv")
    assert outlets.outlet.tolist() == ["North", "South", "East"]
    assert outlets.shared_omitted.tolist() == [1, 2, 4]


def test_nothing_to_read_gives_empty_tables_and_charts(tmp_path: Path) -> None:
    tables = summary.load_runs([])
    assert summary.outlet_summary(tables).empty and summary.over_time(tables).empty
    assert "No complete run" in summary.runs_reading(summary.scan_runs([tmp_path]), tables)
    folder = summary.combined_export(tables, tmp_path / "batch")
    assert pd.read_csv(folder / "batch_outlets.csv").empty
    pngs = summary_charts.make_charts(list(summary_charts.SUMMARY_CHARTS), summary.outlet_summary(tables), [], folder)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs.values())


# ---------------------------------------------------------------- readings and charts

def test_readings_name_the_outlets_and_escape_them(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    tables["claims"].loc[tables["claims"].name == "East", "name"] = "East <b>*Star*</b>"
    tables["articles"].loc[tables["articles"].name == "East", "name"] = "East <b>*Star*</b>"
    tables["readability"].loc[tables["readability"].name == "East", "name"] = "East <b>*Star*</b>"
    text = summary.outlets_reading(summary.outlet_summary(tables))
    assert "**East &lt;b&gt;\\*Star\\*&lt;/b&gt;** leaves out the largest share" in text
    assert "4 of 7 (57%)" in text
    assert "<b>" not in text
    time_text = summary.time_reading(summary.over_time(tables))
    assert "All 3 outlets appear" in time_text


@pytest.mark.parametrize("name", list(summary_charts.SUMMARY_CHARTS))
def test_charts_draw_every_outlet_in_its_colour(outputs: Path, tmp_path: Path, name: str) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    data = summary.over_time(tables) if name == "over_time" else summary.outlet_summary(tables)
    order = summary.outlet_order(tables)
    colors = summary_charts.charts.outlet_colors(order)
    fig = summary_charts.SUMMARY_CHARTS[name](data, {o: o for o in order}, colors)
    labels = {t.get_text() for ax in fig.axes for t in ax.get_yticklabels()}
    legend = {t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    assert set(order) <= labels | legend
    assert fig.get_suptitle().endswith("?")
    png = summary_charts.make_charts([name], data, order, tmp_path)[name]
    assert png.read_bytes().startswith(b"\x89PNG") and png.with_suffix(".svg").is_file()


def test_omission_chart_labels_the_counts(outputs: Path) -> None:
    tables = summary.load_runs(summary.find_runs([outputs]))
    order = summary.outlet_order(tables)
    fig = summary_charts.omission_rates(summary.outlet_summary(tables), {o: o for o in order},
                                        summary_charts.charts.outlet_colors(order))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "57%  (4 of 7 shared claims)  (other language)" in texts
    assert "17%  (1 of 6 shared claims)" in texts


# ---------------------------------------------------------------- the notebook

def test_notebook_is_shipped_thin_and_without_outputs() -> None:
    path = notebook_path(NOTEBOOK)
    assert path.is_file()
    assert set(papermill.inspect_notebook(str(path))) == {"runs", "out_dir", "per_story"}
    with pytest.raises(ParameterError, match="per_story"):
        check_parameters(path, {"per_stroy": "all"})
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert not any(line.lstrip().startswith(("def ", "class ")) for c in code for line in c.source.splitlines())


def test_notebook_runs_through_papermill_offline(outputs: Path, tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    out = tmp_path / "summary.ipynb"
    batch = tmp_path / "batch"
    script = ("import sys; from pathlib import Path; from parallax.run import notebook\n"
              "notebook.execute(notebook.notebook_path('batch_summary.ipynb'), Path(sys.argv[1]),\n"
              "    {'runs': [sys.argv[2]], 'out_dir': sys.argv[3], 'per_story': 'latest'},\n"
              "    kernel_home=Path(sys.argv[4]), cwd=Path(sys.argv[5]))\n")
    result = subprocess.run([PY, "-c", script, str(out), str(outputs), str(batch), str(tmp_path / "jupyter"),
                             str(tmp_path)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(str(out), as_version=4)
    outputs_ = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs_ if o.output_type == "error"]
    markdown = "\n".join(o.data["text/markdown"] for o in outputs_ if "text/markdown" in o.get("data", {}))
    assert "Parallax read **3 runs of 2 stories**" in markdown
    assert "**East** leaves out the largest share" in markdown
    claims = pd.read_csv(batch / "batch_claims.csv")
    assert len(claims) == 27 and set(claims.run) == {A1, A2, B1}
    outlets = pd.read_csv(batch / "batch_outlets.csv")
    assert outlets.omission_rate.round(4).tolist() == [round(1 / 6, 4), round(1 / 3, 4), round(4 / 7, 4)]
    for chart in summary_charts.SUMMARY_CHARTS:
        assert (batch / "charts" / f"{chart}.png").read_bytes().startswith(b"\x89PNG")
    assert network_attempts(env) == ""


def test_notebook_ships_with_the_package() -> None:
    """An installed Parallax finds the notebook as package data of ``parallax.notebooks``
    (``notebook_path`` falls back to it outside a checkout)."""
    root = Path(__file__).resolve().parents[1]
    tool = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "parallax.notebooks" in tool["packages"]
    assert root / tool["package-dir"]["parallax.notebooks"] == notebook_path(NOTEBOOK).parent
    assert any(fnmatch(NOTEBOOK, pattern) for pattern in tool["package-data"]["parallax.notebooks"])
