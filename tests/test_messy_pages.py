"""The report's own code, cell by cell, on pages shaped like the web rather than like our examples.

Real pages hold lines without words (a dash, an emoji, "***"), price lists and credit lines with
colons, sentences opened by time words and linking words, passives, pages in other scripts, and
pages of a few lines. The notebook's code cells run here in this process (no kernel, so it is
quick) on five such pages written for this test, and the tables must still hold their contracts.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import pandas as pd
import pytest

from parallax.run.notebook import notebook_path

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article"></head><body><article><h1>{title}</h1>
{body}</article><footer>© Example Media</footer></body></html>"""

MAIN = [
    "The Harlow city council voted on Tuesday to close the old Mill Street bridge for repairs.",
    "📷",
    "In August, the council announced that the bridge had failed two safety inspections.",
    "But Mayor Dana Whitfield said the closure would last no more than six months.",
    "—",
    "More closures were expected later in the year, and the detour was widely criticised.",
    "Hosting the meeting, Councillor Omar Haddad said residents would get a free shuttle bus.",
    "***",
    "VIP: 60,000",
    "Contributing: Lena Park",
]
PAGES = {
    "harlow-herald": ("en", "Council closes Mill Street bridge", MAIN),
    "river-post": ("en", "Mill Street bridge shut for six months", [
        "Harlow will close the Mill Street bridge for repairs after the council vote on Tuesday.",
        "Mayor Dana Whitfield said the closure would last no more than six months.",
        "The bridge failed two safety inspections, the council said.",
        "…",
        "🙂 🙂 🙂",
        "Tickets: 12 | 14 | 16",
    ]),
    "list-only": ("en", "Bridge closure: what you need to know", [
        "• Bridge: Mill Street",
        "• Closed: six months",
        "• Detour: Canal Road",
        "• Shuttle: every 20 minutes, free of charge",
        "The council said the detour adds about ten minutes to a trip for most drivers in the town.",
    ]),
    "kita-shimbun": ("ja", "ミル通り橋を閉鎖", [
        "ハーロウ市議会は火曜日、ミル通りの古い橋を修理のため閉鎖すると決めた。",
        "市長は、閉鎖は六か月以内に終わると述べた。",
        "📷",
    ]),
    "tiny": ("en", "Bridge shut", ["The Mill Street bridge is shut.", "—"]),
}


def write_story(folder: Path) -> Path:
    pages = folder / "pages"
    pages.mkdir(parents=True)
    outlets = []
    for key, (lang, title, paragraphs) in PAGES.items():
        body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        (pages / f"{key}.html").write_text(PAGE.format(lang=lang, title=title, body=body), encoding="utf-8")
        outlets.append(f"  - name: {key.replace('-', ' ').title()}\n    file: pages/{key}.html")
    spec = folder / "story.yaml"
    spec.write_text("story: messy-bridge\ntitle: A bridge closes\nlanguage: en\noutlets:\n" + "\n".join(outlets) + "\n",
                    encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import IPython.display

    root = tmp_path_factory.mktemp("messy")
    spec = write_story(root)
    cells = [c for c in json.loads(notebook_path().read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    from parallax.report import render

    namespace: dict = {}
    shown: list = []
    original = IPython.display.display
    IPython.display.display = lambda *objs, **kw: shown.extend(objs)
    render._missing_glyphs_said = False
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("parallax").addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec("".join(cells[0]["source"]), namespace)   # the parameters cell, then papermill's injection
            namespace.update(spec=str(spec), run_dir=str(root / "run"), offline=True, cache_dir=str(root / "cache"))
            for cell in cells[1:]:
                exec("".join(cell["source"]), namespace)
    finally:
        IPython.display.display = original
        logging.getLogger("parallax").removeHandler(handler)
    namespace.update(shown=shown, warnings=[str(w.message) for w in caught],
                     logged=[r.getMessage() for r in records])
    return namespace


def test_pages_are_read_and_a_page_of_one_line_fails_alone(ran: dict) -> None:
    articles = pd.read_csv(Path(ran["run"].folder) / "tables" / "articles.csv", keep_default_na=False)
    status = dict(zip(articles.outlet, articles.status))
    assert status == {**{key: "ok" for key in PAGES}, "tiny": "failed"}
    tiny = articles[articles.outlet == "tiny"].iloc[0]
    assert tiny.error.startswith("tiny: no article on the page") and "file:" in tiny.error
    assert dict(zip(articles.outlet, articles.language))["kita-shimbun"] == "ja"


def test_claims_keep_their_contract(ran: dict) -> None:
    claims = pd.read_csv(Path(ran["run"].folder) / "tables" / "claims.csv", keep_default_na=False)
    outlets = set(PAGES) - {"tiny"}
    for claim_id, rows in claims.groupby("claim_id"):
        assert set(rows.outlet) == outlets and rows.outlet.is_unique, claim_id
    carried = claims[claims.status != "omitted"]
    assert not carried.sentence.str.fullmatch(r"[\W_]*").any()   # a dash or an emoji is no claim
    mayor = carried[carried.sentence.str.contains("no more than six months")]
    assert set(mayor.outlet) == {"harlow-herald", "river-post"} and mayor.claim_id.nunique() == 1


def test_sources_are_names_not_sentence_openers(ran: dict) -> None:
    claims = pd.read_csv(Path(ran["run"].folder) / "tables" / "claims.csv", keep_default_na=False)
    sources = set(claims.source) - {""}
    assert {"Dana Whitfield", "Omar Haddad", "the council"} <= sources   # the column holds the resolved name
    assert not sources & {"VIP", "Contributing", "Tickets", "More closures", "August, the council", "But Mayor Dana Whitfield"}
    assert not any(s.startswith(("But ", "Hosting ", "In ")) for s in sources)


def test_every_table_and_chart_is_written(ran: dict) -> None:
    folder = Path(ran["run"].folder)
    charts = {p.stem for p in (folder / "charts").glob("*.png")}
    assert {"coverage_map", "attribution_status", "sources_quoted", "distinctive_terms", "naming",
            "lexicon_rates", "text_reuse", "reading_ease", "grade_levels", "sentence_lengths", "article_length"} <= charts
    for name in ("articles", "readability", "claims", "claim_summary", "sources", "wording_diffs",
                 "distinctive_terms", "naming", "lexicon_hits", "similarity", "codebook"):
        assert (folder / "tables" / f"{name}.csv").is_file(), name
    terms = pd.read_csv(folder / "tables" / "distinctive_terms.csv", keep_default_na=False)
    assert not set(terms.term) & {"the", "of", "a", "は", "の"}


def test_characters_without_a_font_are_said_once_not_per_glyph(ran: dict) -> None:
    from parallax.report.charts import use_fallback_fonts

    assert not [w for w in ran["warnings"] if "missing from font" in w]
    said = [m for m in ran["logged"] if "no installed font" in m]
    if use_fallback_fonts():   # a CJK font is installed here: the headline is drawn with it
        assert not said
    else:
        assert len(said) == 1 and "fonts-noto-cjk" in said[0]


def test_charts_leave_out_an_outlet_that_could_not_be_read(ran: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    from parallax.report import charts
    from parallax.run import pipeline

    seen = {}

    def probe(data: object, outlets: dict[str, str], colors: dict[str, str]) -> object:
        seen.update(outlets=outlets, colors=colors)
        return plt.figure()

    monkeypatch.setitem(charts.CHARTS, "probe", probe)
    pipeline.make_charts(ran["run"], ["probe"], None)
    assert list(seen["outlets"]) == [key for key in PAGES if key != "tiny"]
    assert len(seen["colors"]) == len(PAGES)   # colours still follow the spec, so they match other runs


def test_a_story_with_more_outlets_than_a_chart_shows_gets_a_note_naming_the_table(
        ran: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    from parallax import thresholds
    from parallax.report import charts, figures
    from parallax.run import pipeline

    def never(*args: object, **kwargs: object) -> object:
        raise AssertionError("a chart of more outlets than it can show was drawn")

    drawn = []

    def noted(name: str, outlets: int, most: int) -> object:
        fig = figures.not_drawn(name, outlets, most)
        drawn.append((name, [t.get_text() for ax in fig.axes for t in ax.texts], fig.texts[0].get_text()))
        return fig

    readable = len([key for key in PAGES if key != "tiny"])
    monkeypatch.setitem(thresholds.THRESHOLDS, "report.max_chart_outlets",
                        thresholds.Threshold("report.max_chart_outlets", readable - 1, "test"))
    monkeypatch.setitem(charts.CHARTS, "text_reuse", never)
    monkeypatch.setattr(pipeline, "not_drawn", noted)
    images = pipeline.make_charts(ran["run"], ["text_reuse"], None)
    assert Path(images["text_reuse"].filename).is_file()
    (name, texts, title), = drawn
    assert title == figures.TITLES["text_reuse"]
    assert texts == [f"Not drawn: this story has {readable} outlets, and a chart shows at most {readable - 1}.\n"
                     "tables/similarity.csv has every outlet; or split the story into smaller specs."]
    plt.close("all")

    monkeypatch.setitem(thresholds.THRESHOLDS, "report.max_chart_outlets",
                        thresholds.Threshold("report.max_chart_outlets", readable, "test"))
    with pytest.raises(AssertionError, match="was drawn"):   # at the limit, the chart itself is drawn
        pipeline.make_charts(ran["run"], ["text_reuse"], None)


def test_every_chart_has_a_title_and_a_table() -> None:
    from parallax.report import charts, figures

    assert set(figures.TITLES) == set(figures.TABLES) == set(charts.CHARTS)
    known = {"articles", "readability", "claims", "claim_summary", "sources", "distinctive_terms", "naming",
             "lexicon_rates", "similarity"}
    assert {t.removesuffix(".csv") for t in figures.TABLES.values()} <= known
