"""Hand-computed cases of the attribution benchmark's loader and metric (bench/attribution.py).

The benchmark script is not part of the package, so it is loaded by path; no data is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import load_bench

bench = load_bench("attribution.py")

# One small article.  Gold:
#   G1  Smith | said | taxes will rise
#   G2  Jones | told | “We will win,” + “and we will stay.”   (discontinuous content)
#   G3  (no source) | noted | growth
#   G4  Brown | claimed | victory + Content2: defeat
# plus an E line with neither cue nor content, and a Discuss span.
TEXT = (
    "Smith said taxes will rise. "
    "“We will win,” Jones told reporters, “and we will stay.”\n"
    "Officials noted growth. Brown claimed victory and claimed\u00a0defeat."
)


def at(phrase: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of phrase in TEXT."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return (start, start + len(phrase))


def t_line(tid: str, label: str, *pieces: tuple[int, int]) -> str:
    offsets = ";".join(f"{s} {e}" for s, e in pieces)
    return f"{tid}\t{label} {offsets}\t{' '.join(TEXT[s:e] for s, e in pieces)}"


ANN = "\n".join(
    [
        t_line("T1", "Source", at("Smith")),
        t_line("T2", "Cue", at("said")),
        t_line("T3", "Content", at("taxes will rise")),
        t_line("T4", "Attribution", at("said")),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t_line("T5", "Content", at("“We will win,”"), at("“and we will stay.”")),
        t_line("T6", "Source", at("Jones")),
        t_line("T7", "Cue", at("told")),
        t_line("T8", "Attribution", at("told")),
        "E2\tAttribution:T8 Source:T6 Cue:T7 Content:T5",
        t_line("T9", "Discuss", at("Officials noted growth")),
        t_line("T10", "Cue", at("noted")),
        t_line("T11", "Content", at("growth")),
        t_line("T12", "Attribution-no-source", at("noted")),
        "E3\tAttribution-no-source:T12 Cue:T10 Content:T11 ",
        t_line("T13", "Source", at("Brown")),
        t_line("T14", "Cue", at("claimed")),
        t_line("T15", "Content", at("victory")),
        t_line("T16", "Content", at("defeat")),
        t_line("T17", "Attribution", at("claimed")),
        "E4\tAttribution:T17 Content:T15 Cue:T14 Source:T13 Content2:T16",
        t_line("T18", "Attribution-no-source", at("reporters")),
        "E5\tAttribution-no-source:T18 ",  # no cue, no content: skipped
        "E6\tAttribution:T18 Cue:T9 Content:T11",  # its "cue" is a Discuss span: skipped
        "#1\tAnnotatorNotes T3\tnot sure about this one",
        "a continuation line of a span text that held a line break",
        "",
    ]
)


def test_load_gold() -> None:
    gold = bench.load_gold(ANN)
    assert [g.id for g in gold] == ["E1", "E2", "E3", "E4"]
    g1, g2, g3, g4 = gold
    assert (g1.cue, g1.source, g1.content) == (at("said"), at("Smith"), (at("taxes will rise"),))
    # Discontinuous content: both pieces, in order.
    assert g2.content == (at("“We will win,”"), at("“and we will stay.”"))
    assert g2.source == at("Jones")
    # Attribution without a source.
    assert g3.source is None and g3.cue == at("noted")
    # Content2 is one more content piece.
    assert g4.content == (at("victory"), at("defeat"))


def test_offsets_count_unicode_characters() -> None:
    # Curly quotes and the non-breaking space are one character each.
    assert TEXT[slice(*at("“We will win,”"))] == "“We will win,”"
    g4 = bench.load_gold(ANN)[3]
    assert TEXT[g4.content[1][0] - 1] == "\u00a0"


def test_strip_span() -> None:
    # Curly quotes, comma and white space are trimmed on both sides.
    s, e = bench.strip_span(TEXT, at("“We will win,” "))
    assert TEXT[s:e] == "We will win"
    # A span that is only punctuation (a ":" or dash cue) is kept as it is.
    assert bench.strip_span("He said: yes", (7, 8)) == (7, 8)
    assert bench.strip_span("A \u2015 B", (1, 4)) == (1, 4)


def test_token_f1() -> None:
    a = bench.tokens(TEXT, [at("“We will win,”")])
    assert a == {"we": 1, "will": 1, "win": 1}
    # Union of pieces: we will win and we will stay -> 7 tokens, 3 shared: P 1, R 3/7, F1 0.6.
    union = bench.tokens(TEXT, [at("“We will win,”"), at("“and we will stay.”")])
    assert sum(union.values()) == 7
    assert bench.token_f1(a, union) == pytest.approx(0.6)
    assert bench.token_f1(a, bench.tokens("Win", [(0, 3)])) == pytest.approx(0.5)  # P 1/3, R 1
    assert bench.token_f1(a, bench.Counter()) == 0.0


def test_spans_agree_on_discontinuous_content() -> None:
    pieces = (at("“We will win,”"), at("“and we will stay.”"))
    whole = (pieces[0][0], pieces[1][1])  # covers the "Jones told reporters," in between
    assert bench.spans_agree(TEXT, whole, pieces, "strict")
    # Trimming: the prediction may leave out the quotes and the final period.
    inner = (whole[0] + 1, whole[1] - 2)
    assert TEXT[slice(*inner)].endswith("stay")
    assert bench.spans_agree(TEXT, inner, pieces, "strict")
    # The first piece alone is not strict, but is lenient (token F1 0.6).
    assert not bench.spans_agree(TEXT, pieces[0], pieces, "strict")
    assert bench.spans_agree(TEXT, pieces[0], pieces, "lenient")
    # whole span: 10 tokens (jones told reporters added) vs 7: P 0.7, R 1 -> F1 0.82.
    assert bench.spans_agree(TEXT, whole, pieces, "lenient")


def test_punctuation_cue_agrees_with_itself() -> None:
    text = "Smith: taxes will rise."
    assert bench.spans_agree(text, (5, 6), [(5, 6)], "lenient")
    assert bench.spans_agree(text, (5, 6), [(5, 6)], "strict")
    assert not bench.spans_agree(text, (5, 6), [(0, 5)], "lenient")


def test_match_is_greedy_on_overlap_and_one_to_one() -> None:
    gold = [
        bench.GoldAttribution((0, 10), None, ((30, 40),), "E1"),
        bench.GoldAttribution((8, 20), None, ((30, 40),), "E2"),
    ]
    pred = [
        bench.Prediction((5, 14)),  # overlaps E1 by 5, E2 by 6
        bench.Prediction((9, 12)),  # overlaps E1 by 1, E2 by 3
        bench.Prediction((25, 28)),  # overlaps nothing
    ]
    # Largest first: (pred 0, E2) = 6; then pred 1 may only take E1 (overlap 1).
    assert bench.match(pred, gold) == [(0, 1), (1, 0)]
    assert bench.match(pred[2:], gold) == []
    assert bench.match([bench.Prediction((0, 10))] * 2, gold[:1]) == [(0, 0)]


PRED = [
    # P1: all exact (content keeps its period: equal after trimming).
    bench.Prediction(at("said"), at("Smith"), at("taxes will rise.")),
    # P2: cue "Jones told" (lenient only), no source, first quote only (lenient only).
    bench.Prediction(at("Jones told"), None, at("We will win")),
    # P3: gold has no source, so this source only adds to the precision denominator.
    bench.Prediction(at("noted"), at("Officials"), at("growth")),
    # P4: content "victory" vs victory + defeat: token F1 0.667, not strict.
    bench.Prediction(at("claimed"), at("Brown"), at("victory")),
    # P5: unmatched, with a source and a content.
    bench.Prediction(at("reporters"), at("Jones"), at("taxes")),
]


def test_score_by_hand() -> None:
    counts = bench.score(TEXT, PRED, bench.load_gold(ANN))
    assert counts["matched"] == {"correct": 4, "predicted": 5, "gold": 4}
    # cue: 5 predicted, 4 gold; lenient P1-P4 right; strict P1, P3, P4.
    assert counts["cue_lenient"] == {"correct": 4, "predicted": 5, "gold": 4}
    assert counts["cue_strict"] == {"correct": 3, "predicted": 5, "gold": 4}
    # source: predicted by P1, P3, P4, P5 = 4; gold on G1, G2, G4 = 3; right: P1, P4.
    assert counts["source_lenient"] == {"correct": 2, "predicted": 4, "gold": 3}
    assert counts["source_strict"] == {"correct": 2, "predicted": 4, "gold": 3}
    # content: lenient P1, P2 (0.6), P3, P4 (0.667); strict P1, P3.
    assert counts["content_lenient"] == {"correct": 4, "predicted": 5, "gold": 4}
    assert counts["content_strict"] == {"correct": 2, "predicted": 5, "gold": 4}

    metrics = bench.aggregate([counts])
    assert metrics["cue_lenient"]["precision"] == pytest.approx(0.8)
    assert metrics["cue_lenient"]["recall"] == pytest.approx(1.0)
    assert metrics["cue_lenient"]["f1"] == pytest.approx(2 * 0.8 / 1.8)
    assert metrics["source_strict"]["precision"] == pytest.approx(0.5)
    assert metrics["source_strict"]["recall"] == pytest.approx(2 / 3)
    assert metrics["source_strict"]["f1"] == pytest.approx(4 / 7)
    assert metrics["content_strict"]["precision"] == pytest.approx(0.4)
    assert metrics["content_strict"]["recall"] == pytest.approx(0.5)
    assert metrics["content_strict"]["f1"] == pytest.approx(4 / 9)


def test_aggregate_is_micro_average() -> None:
    gold = bench.load_gold(ANN)
    full = bench.score(TEXT, PRED, gold)
    empty = bench.score(TEXT, [], gold)  # the same article with nothing predicted
    assert empty["cue_lenient"] == {"correct": 0, "predicted": 0, "gold": 4}
    metrics = bench.aggregate([full, empty])
    # cue lenient: correct 4, predicted 5, gold 8.
    assert metrics["cue_lenient"]["precision"] == pytest.approx(0.8)
    assert metrics["cue_lenient"]["recall"] == pytest.approx(0.5)
    assert bench.prf(0, 0, 0) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_baseline_sentence() -> None:
    sentence = "“We will win,” said Jane Smith on Monday."
    p = bench.baseline_sentence(sentence)
    assert p is not None
    assert sentence[slice(*p.cue)] == "said"
    assert sentence[slice(*p.source)] == "Jane Smith on Monday"  # up to 4 words after the cue
    assert sentence[slice(*p.content)] == "We will win"
    p = bench.baseline_sentence("The senior White House official told reporters that it was over.")
    assert p is not None
    text = "The senior White House official told reporters that it was over."
    assert text[slice(*p.source)] == "senior White House official"
    assert text[slice(*p.content)] == "reporters that it was over"
    p = bench.baseline_sentence("According to the police, nobody was hurt.")
    assert p is not None and p.source == (13, 23)
    assert bench.baseline_sentence("Taxes will rise.") is None


def _write_article(root: Path, name: str, annotators: list[str], ann: str) -> None:
    (root / "text").mkdir(parents=True, exist_ok=True)
    (root / "attributions").mkdir(parents=True, exist_ok=True)
    (root / "text" / f"{name}.txt").write_text(TEXT, encoding="utf-8", newline="")
    for who in annotators:
        (root / "attributions" / f"{name}_{who}.ann").write_text(ann, encoding="utf-8", newline="")


def test_first_annotator_file_is_used(tmp_path: Path) -> None:
    _write_article(tmp_path, "site_2016-01-01_story", ["ef2d", "4b22"], ANN)
    (tmp_path / "attributions" / "site_2016-01-01_story_4b22.ann").write_text("", encoding="utf-8")
    articles = bench.load_articles(tmp_path)
    assert len(articles) == 1
    assert articles[0].ann_file == "site_2016-01-01_story_4b22.ann"
    assert articles[0].gold == ()


def test_main_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--data", str(tmp_path / "missing")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("skipped: ") and "shared/bench/README.md" in out


def test_main_on_a_tiny_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_article(tmp_path, "site_2016-01-01_story", ["4b22"], ANN)
    out_json = tmp_path / "out.json"
    assert bench.main(["--data", str(tmp_path), "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "| naive baseline | " in out
    assert "| parallax" in out  # scores, or "parallax: not importable (...)"
    assert out_json.is_file()


def test_unavailable_system_row() -> None:
    table = bench.format_table([bench.Result(name="parallax", unavailable="ModuleNotFoundError: x")])
    assert "| parallax: not importable (ModuleNotFoundError: x) |" in table
