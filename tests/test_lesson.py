"""The classroom lesson: runs offline on both examples; the student version holds no answers."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import PY, guarded_env, network_attempts
from parallax.extract.extractors import Article
from parallax.report.lesson import guess_the_outlet

_RUNS: dict[tuple[str, bool], Path] = {}


def lesson(example: str, answers: bool, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of one offline lesson run (one per example and version per session)."""
    if (example, answers) not in _RUNS:
        tmp = tmp_path_factory.mktemp(f"lesson-{example}")
        env = guarded_env(tmp)
        args = [PY, "-m", "parallax.cli", "lesson", "--example", example, "--out", str(tmp / "out")]
        result = subprocess.run(args + (["--answers"] if answers else []), env=env, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, result.stderr
        assert network_attempts(env) == ""
        html = Path(result.stdout.strip().splitlines()[-1])
        assert html.name == ("answer-key.html" if answers else "lesson.html") and html.is_file()
        _RUNS[(example, answers)] = html.parent
    return _RUNS[(example, answers)]


def outputs(folder: Path, name: str) -> list[str]:
    """The text of every output of the executed notebook (markdown, HTML, plain text)."""
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.output_type != "error", o
            data = o.get("data", {})
            out.append("\n".join(str(data.get(k, "")) for k in ("text/markdown", "text/html", "text/plain")) + o.get("text", ""))
    return out


@pytest.mark.parametrize("example", ["drone-claim", "riverton-clinic"])
def test_student_version_runs_offline_and_holds_no_answers(example: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = lesson(example, False, tmp_path_factory)
    articles = pd.read_csv(folder / "tables" / "articles.csv", keep_default_na=False)
    texts = outputs(folder, "lesson")
    everything = "\n".join(texts)
    assert "Guess the outlet" in (folder / "lesson.html").read_text(encoding="utf-8")
    assert "answer key" not in everything.lower() and "suggested answer" not in everything.lower()
    assert not re.search(r"headline [A-F]\b", everything)          # the key's items
    for row in articles.itertuples():
        assert row.title in everything                              # every headline is on the sheet...
        for text in texts:                                          # ...but never next to its outlet's name
            assert not (row.title in text and re.search(rf"\b{re.escape(row.name)}\b.{{0,40}}{re.escape(row.title[:20])}",
                                                        text, re.S)), row.name
    sheet = next(t for t in texts if "First paragraphs" in t)
    assert not any(name in sheet.split("The outlets:")[1].split("</p>", 1)[1] for name in articles.name)


@pytest.mark.parametrize("example", ["drone-claim", "riverton-clinic"])
def test_answer_key_matches_the_student_sheet(example: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    student, key = lesson(example, False, tmp_path_factory), lesson(example, True, tmp_path_factory)
    articles = pd.read_csv(key / "tables" / "articles.csv", keep_default_na=False).set_index("name")
    key_text = "\n".join(outputs(key, "answer-key"))
    sheet = next(t for t in outputs(student, "lesson") if "First paragraphs" in t)
    assert "Answer key" in key_text and "Suggested answer" in key_text
    solution = re.findall(r"headline ([A-F])\s+(.+?)\n", key_text)
    assert len(solution) == len(articles)
    for letter, name in solution:
        title = articles.loc[name.strip(), "title"]
        assert f"<b>{letter}</b>: {title}" in sheet.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def test_lesson_html_is_set_for_a_projector(tmp_path_factory: pytest.TempPathFactory) -> None:
    html = (lesson("drone-claim", False, tmp_path_factory) / "lesson.html").read_text(encoding="utf-8")
    assert "font-size: 21px" in html and html.count("<img") >= 5


def test_the_exercise_is_shuffled_the_same_way_and_hides_outlet_names() -> None:
    arts = [Article(outlet=k, name=n, source="x", title=f"{n} headline {i}", paragraphs=[f"({n}) lede {i} text."])
            for i, (k, n) in enumerate([("a", "Alpha Post"), ("b", "The Beta Times"), ("c", "Gamma Wire")])]
    one, two = guess_the_outlet(arts, "story-x"), guess_the_outlet(arts, "story-x")
    assert one.headlines == two.headlines and one.ledes == two.ledes
    assert all("[outlet]" in text and "Alpha" not in text and "Beta" not in text for _, text in one.headlines + one.ledes)
    orders = {tuple(t for _, t in guess_the_outlet(arts, f"story-{n}").ledes) for n in range(8)}
    assert len(orders) > 1                                        # the seed is the story id
    assert sorted(one.key.outlet) == sorted([a.name for a in arts] * 2)
