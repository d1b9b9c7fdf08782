"""Text reuse: a republished wire story is a copy, two outlets quoting the same official are not."""

from __future__ import annotations

import pandas as pd
import pytest

from parallax.extract.extractors import Article
from parallax.compare.reuse import (
    CHANGE_COLUMNS, COLUMNS, Passage, copy_changes, fold, is_copy, quote_spans, shared_passages, similarity,
)

# Invented text about a fictional city; the copy applies US house style and a few edits.
WIRE = [
    "ASHFORD, March 3 (Lakeside Wire) – The city of Ashford closed the Old Mill Bridge to all traffic on "
    "Tuesday after engineers found cracks in two of its steel supports, officials said.",
    "The closure was organised within hours, and police diverted lorries and buses to the Kingsway crossing, "
    "about four kilometres downstream. Drivers were told to expect delays of up to an hour during the morning rush.",
    "Transport director Helen Marsh said the bridge would stay shut until a full inspection had been completed. "
    "“We will not take any risks with a structure that carries thirty thousand vehicles a day,” she told "
    "reporters at the city centre.",
    "The bridge, which opened in 1962, was last inspected in the autumn. Its grey paint and rust-coloured rails "
    "have long been a landmark of the river front.",
    "Council members travelled to the site on Tuesday afternoon. The council has set aside 2.4 million pounds "
    "for repairs this year, a figure some members said was too small.",
    "A decision on whether to replace the bridge is expected next month.",
]
COPY = [
    "ASHFORD, March 3 (Lakeside Wire) – The city of Ashford closed the Old Mill Bridge to all traffic on "
    "Tuesday after engineers found cracks in two of its steel supports, officials said.",
    "The closure was organized within hours, and police diverted lorries and buses to the Kingsway crossing, "
    "about four kilometers downstream.",
    "Transport director Helen Marsh claimed the bridge would stay shut until a full inspection had been completed. "
    "“We will not take any risks with a structure that carries thirty thousand vehicles a day,” she told "
    "reporters at the city center.",
    "The bridge, which opened in 1962, was last inspected in the autumn. Its gray paint and rust-colored rails "
    "have long been a landmark of the river front.",
    "Council members traveled to the site on Tuesday afternoon. The council has set aside 2.4 million pounds "
    "for repairs this year, a figure some members said was too small.",
    "A decision on whether to replace the bridge is expected next month.",
]

QUOTE = ("“We will not take any risks with a structure that carries thirty thousand vehicles a day, and we will "
         "reopen it only when every single support has been checked by independent engineers,”")
INDEPENDENT_A = [
    "Ashford shut one of its busiest river crossings on Tuesday. Engineers had spotted cracks in two steel "
    "supports of the Old Mill Bridge during a routine walk-through on Monday night.",
    f"{QUOTE} Helen Marsh, who runs the city's transport department, told a news conference.",
    "Buses now run over the Kingsway crossing downstream, and commuters should allow extra time, the city advised.",
    "Built in 1962, the bridge last had a full inspection in the autumn, according to council records.",
]
INDEPENDENT_B = [
    "Traffic was banned from the Old Mill Bridge in Ashford on Tuesday, hours after inspectors reported cracks "
    "in a pair of its steel supports.",
    "The city's transport chief did not rule out a long closure. "
    f"{QUOTE} Marsh said outside city hall.",
    "Residents on the east bank said the detour through Kingsway added half an hour to the school run.",
    "Council records show the 1962 bridge was last examined in the autumn.",
]


def article(outlet: str, name: str, paragraphs: list[str], title: str = "", published: str = "") -> Article:
    return Article(outlet=outlet, name=name, source="x", language="en", paragraphs=paragraphs,
                   title=title, published=published)


@pytest.fixture
def wire() -> Article:
    return article("lakeside-wire", "Lakeside Wire", WIRE, "Ashford closes Old Mill Bridge after cracks found",
                   "2026-03-03T09:10:00+00:00")


@pytest.fixture
def copy() -> Article:
    return article("bay-city-courier", "Bay City Courier", COPY, "Ashford shuts Old Mill Bridge after cracks found",
                   "2026-03-03T08:30:00-05:00")


def test_republished_wire_copy_is_copied_with_direction(wire: Article, copy: Article) -> None:
    table = similarity([wire, copy])
    assert list(table.columns) == COLUMNS
    row = table.iloc[0]
    assert (row.outlet_a, row.outlet_b) == ("lakeside-wire", "bay-city-courier")
    assert bool(row.copied)
    assert row.direction == "bay-city-courier copies lakeside-wire"
    assert row.containment_b > row.containment_a > 0.8
    assert row.cosine > 0.9 and row.shingle_jaccard > 0.7


def test_copy_changes_lists_the_edits(wire: Article, copy: Article) -> None:
    changes = copy_changes(wire, copy)
    assert list(changes.columns) == CHANGE_COLUMNS
    got = {(r.change, r.before, r.after, r.spelling, r.part) for r in changes.itertuples()}
    assert ("replaced", "closes", "shuts", False, "headline") in got
    assert ("replaced", "said", "claimed", False, "body") in got
    assert ("deleted", "Drivers were told to expect delays of up to an hour during the morning rush.", "",
            False, "body") in got
    for before, after in [("organised", "organized"), ("kilometres", "kilometers"), ("centre", "center"),
                          ("grey", "gray"), ("rust-coloured", "rust-colored"), ("travelled", "traveled")]:
        assert ("replaced", before, after, True, "body") in got
    assert len(changes) == 9  # nothing else: the rest is the same text
    dropped = changes[changes["change"] == "deleted"].iloc[0]
    assert (dropped.paragraph_from, dropped.sentence_from) == (1, 2)
    assert pd.isna(dropped.paragraph_to) and pd.isna(dropped.sentence_to)
    said = changes[changes["after"] == "claimed"].iloc[0]
    assert (said.paragraph_from, said.sentence_from, said.paragraph_to, said.sentence_to) == (2, 3, 2, 2)


def test_independent_reports_sharing_a_long_quote_are_not_copies() -> None:
    a = article("ridge-gazette", "Ridge Gazette", INDEPENDENT_A)
    b = article("valley-ledger", "Valley Ledger", INDEPENDENT_B)
    passages = shared_passages(a, b)
    assert len(passages) == 1 and passages[0].words >= 25
    assert passages[0].unquoted_words < 8  # the quotation, perhaps with a word of attribution
    row = similarity([a, b]).iloc[0]
    assert not row.copied and row.direction == ""
    assert row.shared_passages == 1 and row.unquoted_passages == 0


def test_two_stock_phrases_are_not_a_copy() -> None:
    phrase1 = "did not immediately respond to a request for comment on the matter"
    phrase2 = "which began with the collapse of the northern embankment in February"
    a = article("a", "A", [f"The port authority {phrase1}. The flooding, {phrase2}, closed three roads. "
                           "Engineers from the county worked through the night to stack sandbags along the quay."])
    b = article("b", "B", [f"Harbour officials {phrase2} were still assessing the damage on Friday. The mayor's office "
                           f"{phrase1}. Shopkeepers near the quay spent the weekend drying out their stock and counting losses."])
    row = similarity([a, b]).iloc[0]
    assert row.unquoted_passages == 2 and row.unquoted_words >= 0.25 * len(b.text.split())
    assert not row.copied


def test_passage_offsets_are_exact() -> None:
    a = article("a", "A", ["Alpha beta gamma. One two three four five six seven eight nine ten. Omega.",
                           "Eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen end."])
    b = article("b", "B", ["Something else entirely! One two three four five six seven eight nine ten, and more."])
    (p,) = shared_passages(a, b)
    assert isinstance(p, Passage)
    assert (p.words, p.quoted_words, p.a_word, p.b_word) == (10, 0, 3, 3)
    assert (p.a_paragraph, p.a_start, p.a_end_paragraph, p.a_end) == (0, 18, 0, 66)
    assert (p.b_paragraph, p.b_start, p.b_end_paragraph, p.b_end) == (0, 25, 0, 73)
    assert p.text_a == "One two three four five six seven eight nine ten" == a.paragraphs[0][18:66]
    assert p.text_b == "One two three four five six seven eight nine ten" == b.paragraphs[0][25:73]


def test_passage_across_a_paragraph_break(wire: Article) -> None:
    merged = article("m", "M", ["Intro words here. " + WIRE[4] + " " + WIRE[5]])
    (p,) = shared_passages(wire, merged)
    assert (p.a_paragraph, p.a_start, p.a_end_paragraph, p.a_end) == (4, 0, 5, len(WIRE[5]) - 1)
    assert p.text_a == WIRE[4] + "\n\n" + WIRE[5][:-1]
    assert p.text_b == merged.paragraphs[0][p.b_start:p.b_end] == WIRE[4] + " " + WIRE[5][:-1]


def test_wire_copy_passages_cover_the_copy(wire: Article, copy: Article) -> None:
    passages = shared_passages(wire, copy)
    for p in passages:
        if p.a_paragraph == p.a_end_paragraph:
            assert p.text_a == wire.paragraphs[p.a_paragraph][p.a_start:p.a_end]
        if p.b_paragraph == p.b_end_paragraph:
            assert p.text_b == copy.paragraphs[p.b_paragraph][p.b_start:p.b_end]
    assert [p.a_word for p in passages] == sorted(p.a_word for p in passages)
    # US spellings are folded, so only the dropped sentence and "said" -> "claimed" cut the run;
    # "Transport director Helen Marsh" between the two is too short to be a passage
    assert len(passages) == 2
    assert sum(p.words for p in passages) == copy.words - 5


def test_direction_falls_back_to_dates_and_credits() -> None:
    text = [WIRE[0], WIRE[2], WIRE[3]]
    early = article("early", "Early News", text, published="2026-03-03T09:00:00+00:00")
    late = article("late", "Late News", text, published="2026-03-03T10:00:00+00:00")
    assert similarity([early, late]).iloc[0].direction == "late copies early"
    assert similarity([late, early]).iloc[0].direction == "late copies early"
    undated = [article("x", "X", text), article("y", "Y", text)]
    assert similarity(undated).iloc[0].direction == ""
    crediting = article("y", "Y", text + ["Reporting by Lakeside Wire."])
    wire = article("lakeside-wire", "Lakeside Wire", text)
    assert similarity([crediting, wire]).iloc[0].direction == "y copies lakeside-wire"


@pytest.mark.parametrize("a, b", [
    ("defence", "defense"), ("authorised", "authorized"), ("colour", "color"), ("centre", "center"),
    ("kilometres", "kilometers"), ("travelled", "traveled"), ("north-west", "northwest"), ("towards", "toward"),
    ("Zelenskiy", "Zelenskyy"), ("U.S.", "US"), ("Russia’s", "Russia's"), ("analysed", "analyzed"),
])
def test_fold_merges_spelling_variants(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a, b", [("our", "or"), ("four", "for"), ("filled", "filed"), ("rise", "rize")])
def test_fold_keeps_different_words_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@pytest.mark.parametrize("text, quoted", [
    ("He said “no deal,” and left.", ["“no deal,”"]),
    ('He said "no deal" twice.', ['"no deal"']),
    ("Russia’s envoy said ‘we are ready’ on Monday.", ["‘we are ready’"]),
    ("“It will go on,” she said. “We have no choice", ["“It will go on,”", "“We have no choice"]),
    ("The minister’s aides’ notes were lost.", []),
])
def test_quote_spans(text: str, quoted: list[str]) -> None:
    assert [text[s:e] for s, e in quote_spans(text)] == quoted


def _passage(words: int, quoted: int = 0) -> Passage:
    return Passage(words, quoted, 0, 0, 0, 0, 10, 0, 0, 0, 0, 10, "x", "x")


@pytest.mark.parametrize("passages, own_a, own_b, copied", [
    ([_passage(60)], 200, 400, True),                   # a verbatim copy of a short text is one passage
    ([_passage(60)], 400, 400, False),                  # one borrowed sentence in a long article
    ([_passage(60), _passage(50)], 400, 900, True),     # a block of borrowed paragraphs
    ([_passage(15)] * 3, 60, 60, False),                # stock phrases: no sentence-long run
    ([_passage(80, 70)], 100, 100, False),              # a shared quotation with a few words around it
    ([_passage(40, 25), _passage(12)], 100, 100, False),  # 15 unquoted words is not a sentence
])
def test_is_copy(passages: list[Passage], own_a: int, own_b: int, copied: bool) -> None:
    assert is_copy(passages, own_a, own_b) is copied


def test_failed_and_empty_inputs(wire: Article) -> None:
    broken = Article(outlet="gone", name="Gone", source="x", status="failed", error="404")
    assert similarity([wire, broken]).empty
    assert list(similarity([]).columns) == COLUMNS
    assert copy_changes(wire, wire).empty
