"""One table of thresholds: the modules decide with its values, and every entry says where it came from."""

import pytest

from parallax.compare import align
from parallax.extract import clean
from parallax.extract import extractors as extract
from parallax.outlet import readability
from parallax.compare import reuse
from parallax import thresholds
from parallax.compare import wording
from parallax.outlet.labeller import MAX_LABEL_TOKENS, NP_CUE_RATE, TAIL_CUE_RATE
from parallax.parse.document import MAX_PARSE_CHARS, MAX_SENTENCE_TOKENS


def test_modules_decide_with_the_tables_values():
    v = thresholds.value
    assert align.LexicalMatcher().threshold == v("align.lexical")
    assert align.FRAGMENT_MATCH == v("align.fragment_match")
    assert TAIL_CUE_RATE == v("attribution.tail_cue_rate") and NP_CUE_RATE == v("attribution.np_cue_rate")
    assert MAX_LABEL_TOKENS == v("attribution.max_label_tokens")
    assert (MAX_SENTENCE_TOKENS, MAX_PARSE_CHARS) == (v("parse.max_sentence_tokens"), v("parse.max_parse_chars"))
    assert (clean.MIN_RUN, clean.PULL_QUOTE_OVERLAP) == (v("clean.min_run"), v("clean.pull_quote_overlap"))
    assert extract.MIN_USEFUL_WORDS == v("extract.min_useful_words")
    assert reuse.COPY_MIN_SHARE == v("reuse.copy_min_share") and reuse.SHINGLE == v("reuse.shingle")
    assert wording.MAX_MODIFIER_WORDS == v("wording.max_modifier_words")
    assert readability.LONG_WORD_LETTERS == v("readability.long_word_letters")


def test_every_threshold_says_where_it_came_from():
    table = thresholds.as_dict()
    assert len(table) == len(thresholds.THRESHOLDS) >= 20
    assert all(entry["where"].strip() and isinstance(entry["value"], (int, float)) for entry in table.values())
    assert all(name.count(".") == 1 for name in table)


def test_an_unknown_threshold_names_the_known_ones():
    with pytest.raises(KeyError, match="align.lexical"):
        thresholds.value("align.lexcial")
