"""Sentence splitting keeps abbreviations, dates, decimals, quotes and dashes inside sentences."""

from __future__ import annotations

import pytest

from parallax.parse.segment import paragraphs, sentences, split_sentences, unglue
from parallax.parse.words import words


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. Army said so. Then it left.", ["The U.S. Army said so.", "Then it left."]),
        ("It happened on Dec. 28 near the border. Nobody saw it.", ["It happened on Dec. 28 near the border.", "Nobody saw it."]),
        ("Mr. Smith and Dr. Jones met Gen. Ivanov. They talked.", ["Mr. Smith and Dr. Jones met Gen. Ivanov.", "They talked."]),
        ("Prices rose 2.5 percent to $3.75 million. Sales fell.", ["Prices rose 2.5 percent to $3.75 million.", "Sales fell."]),
        ("Officials — including the mayor — denied it. Others agreed.", ["Officials — including the mayor — denied it.", "Others agreed."]),
        ("“We will not stop,” he said. “Never.”", ["“We will not stop,” he said.", "“Never.”"]),
        ('"Is this true?" she asked. Nobody answered!', ['"Is this true?" she asked.', "Nobody answered!"]),
        ("Lavrov claimed that on December 28–29, Ukraine launched 91 drones.", ["Lavrov claimed that on December 28–29, Ukraine launched 91 drones."]),
    ],
)
def test_english_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in sentences([text])] == expected


def test_spanish_sentences() -> None:
    text = "El Sr. García dijo que sí. ¿Quién votó en contra? Nadie."
    assert [s.text for s in sentences([text], "es")] == ["El Sr. García dijo que sí.", "¿Quién votó en contra?", "Nadie."]


def test_sentences_keep_paragraph_position_and_offsets() -> None:
    paras = ["First one. Second one.", "Third one."]
    result = sentences(paras)
    assert [(s.paragraph, s.position) for s in result] == [(0, 0), (0, 1), (1, 2)]
    for s in result:
        assert paras[s.paragraph][s.start:s.end] == s.text


def test_paragraphs_split_on_blank_lines_and_fold_space() -> None:
    assert paragraphs("One\nline.\n\n\n  Two.  \n\n") == ["One line.", "Two."]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("battlefield claims.Russian Foreign Minister", "battlefield claims. Russian Foreign Minister"),
        ("he said.”The next", "he said.” The next"),
        ("The U.S.Army", "The U.S.Army"),          # an abbreviation is not two sentences
        ("version 2.5.Next", "version 2.5.Next"),   # nor a number
    ],
)
def test_unglue(text: str, expected: str) -> None:
    assert unglue(text) == expected


def test_words_count_hyphens_apostrophes_and_numbers_once() -> None:
    assert words("Long-range drones, Russia's 91 drones.") == ["Long-range", "drones", "Russia's", "91", "drones"]
    assert words("The U.S. and the E.U. agreed.") == ["The", "U.S.", "and", "the", "E.U.", "agreed"]


def test_unspaced_scripts_count_characters() -> None:
    assert len(words("中国外交部发言人表示。")) == 10
    assert words("The U.S. and 東京 agreed") == ["The", "U.S.", "and", "東", "京", "agreed"]
    assert words("Привет, мир-2") == ["Привет", "мир-2"]


# -- pathological paragraphs: bounded time, nothing lost ------------------------------------------

def _filler(n_words: int) -> str:
    vocabulary = "council vote budget school members report city week mayor plan road water".split()
    return " ".join(vocabulary[(i * 7) % len(vocabulary)] for i in range(n_words))


def test_a_megabyte_without_an_end_mark_is_cut_into_capped_pieces_that_cover_it() -> None:
    from parallax.parse.segment import MAX_SENTENCE_CHARS

    text = _filler(180_000)
    assert len(text) > 1_000_000
    spans = split_sentences(text, "en")
    assert all(0 < e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text        # every word kept, in order
    assert all(text[e - 1] != " " and text[s] != " " for s, e in spans)


def test_windows_do_not_change_how_a_long_ordinary_paragraph_is_split() -> None:
    from parallax.parse.segment import SEGMENT_WINDOW, _segment

    sentence = "Mr. Lavrov said on Dec. 29 that the U.S. plan, worth $2.5 billion, was {}. "
    paragraph = "".join(sentence.format(f"option {i} of the list") for i in range(200)).strip()
    assert len(paragraph) > 2 * SEGMENT_WINDOW
    assert list(split_sentences(paragraph, "en")) == _segment(paragraph, "en")
    assert len(split_sentences(paragraph, "en")) == 200
