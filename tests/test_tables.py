"""Tables: tidy shapes, the articles.csv contract, and a codebook entry for every column."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from parallax.extract.extractors import Article, failed
from parallax.outlet.readability import MEASURES, STAT_DESCRIPTIONS
from parallax.report import tables
from parallax.report.tables import (ARTICLE_COLUMNS, CODEBOOK, articles_frame, readability_frame, readability_wide,
                             write_codebook, write_table)

CONTRACT = ["outlet", "name", "source", "status", "error", "title", "authors", "published", "language", "words",
            "extractor", "warnings", "parser", "text"]


def articles() -> list[Article]:
    ok = Article(outlet="a", name="A Daily", source="a.html", title="T", authors=["X", "Y"], language="en",
                 extractor="trafilatura", warnings=["short: only 20 words"],
                 paragraphs=["The cat sat on the mat.", "The dog ran home."])
    es = Article(outlet="b", name="B Diario", source="b.html", language="es", extractor="trafilatura",
                 paragraphs=["El gato se sentó. El perro corrió a casa."])
    return [ok, es, failed("c", "C Post", "https://c.example/x", "c: HTTP 404")]


def test_articles_frame_follows_the_contract() -> None:
    frame = articles_frame(articles())
    assert list(frame.columns) == CONTRACT == ARTICLE_COLUMNS
    row = frame.iloc[0]
    assert row.authors == "X; Y" and row.words == 10 and row.text == "The cat sat on the mat.\n\nThe dog ran home."
    assert frame.iloc[2].status == "failed" and frame.iloc[2].error == "c: HTTP 404" and frame.iloc[2].words == 0


def test_readability_frame_is_tidy_and_skips_failed_outlets() -> None:
    frame = readability_frame(articles())
    assert list(frame.columns) == ["outlet", "name", "language", "measure", "value", "note"]
    assert set(frame.outlet) == {"a", "b"}
    assert len(frame) == 2 * (len(MEASURES) + len(STAT_DESCRIPTIONS))
    es_fk = frame[(frame.outlet == "b") & (frame.measure == "flesch_kincaid_grade")].iloc[0]
    assert math.isnan(es_fk.value) and es_fk.note
    wide = readability_wide(frame)
    assert list(wide.index) == ["A Daily", "B Diario"] and "Flesch reading ease" in wide.columns
    assert "Wiener Sachtextformel" not in wide.columns  # NA for every outlet: left out of the reading view
    assert "Fernández Huerta" in wide.columns and wide.loc["B Diario", "Sentences"] == 2


def test_codebook_describes_every_column_and_measure(tmp_path: Path) -> None:
    write_table(tmp_path, "articles", articles_frame(articles()))
    write_table(tmp_path, "readability", readability_frame(articles()))
    codebook = pd.read_csv(write_codebook(tmp_path))
    for name in ("articles", "readability"):
        columns = pd.read_csv(tmp_path / "tables" / f"{name}.csv").columns
        described = set(codebook[codebook.table == name].column)
        assert set(columns) <= described, name
    measures = set(pd.read_csv(tmp_path / "tables" / "readability.csv").measure)
    assert {f"measure={m}" for m in measures} <= set(codebook.column)
    assert {"articles", "readability", "claims", "claim_summary", "sources"} <= set(CODEBOOK)


def test_tables_are_utf8(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": ["Зеленский — «нет»"]})
    path = write_table(tmp_path, "x", frame)
    assert path.read_bytes().decode("utf-8").splitlines()[1] == "Зеленский — «нет»"


# -- CSV injection: no formula reaches a spreadsheet, and programs get the cells back exactly ----------

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "'=already quoted", "''+twice"]
PLAIN = ["-3.5", "+7", "1e-3", "ok = fine", "it's", "'quoted'", "", "Kyiv"]


def test_formula_cells_are_prefixed_and_plain_cells_kept(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": FORMULAS + PLAIN, "count": range(-7, 8)})
    path = tables.write_table(tmp_path, "probe", frame)
    raw = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert raw.text.tolist()[:len(FORMULAS)] == ["'" + v for v in FORMULAS]
    assert raw.text.tolist()[len(FORMULAS):] == PLAIN
    assert raw["count"].tolist() == [str(v) for v in range(-7, 8)]    # numbers are never prefixed
    assert not any(cell[:1] in "=+-@\t\r" and not cell.lstrip("+-").replace(".", "").replace("e-", "").isdigit()
                   for cell in raw.text if cell)


def test_read_table_gives_the_cells_back_exactly(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": FORMULAS + PLAIN, "count": range(-7, 8)})
    back = tables.read_table(tables.write_table(tmp_path, "probe", frame), keep_default_na=False)
    assert back.text.tolist() == frame.text.tolist() and back["count"].tolist() == frame["count"].tolist()


def test_escaping_leaves_the_frame_given_untouched() -> None:
    frame = pd.DataFrame({"text": ["=1", "\r=1"]})
    assert tables.escape_formulas(frame).text.tolist() == ["'=1", "'\r=1"] and frame.text[0] == "=1"
    assert tables.unescape_formulas(tables.escape_formulas(frame)).equals(frame)


def test_the_codebook_says_how_formula_like_cells_are_written_and_read_back(tmp_path: Path) -> None:
    from parallax.report.tables import FORMULA_NOTE

    write_table(tmp_path, "articles", pd.DataFrame({"outlet": ["a"], "title": ["=1+1"]}))
    codebook = pd.read_csv(write_codebook(tmp_path))
    note = codebook[(codebook.table == "(every table)") & (codebook.column == "(text cells)")]
    assert list(note.description) == [FORMULA_NOTE] and "read_table" in FORMULA_NOTE
