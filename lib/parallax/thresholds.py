"""Every threshold and limit Parallax decides with, in one table, with where each came from.

Modules read their values from here (``thresholds.value("align.lexical")``), so a reader finds them
all in one place and each run records them in run.json (``thresholds`` key, :func:`as_dict`).
"where" says how a value was chosen: measured on which data with which command, a definition
borrowed from the literature, or set by hand (with why).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    name: str       # "<stage>.<what>"
    value: float
    where: str      # how the value was chosen


_TABLE = (
    # parse and attribution
    Threshold("parse.max_sentence_tokens", 150, "set by hand: the parser's cost grows with sentence length; "
              "a longer run of tokens is cut into pieces for the parser"),
    Threshold("parse.max_sentence_chars", 2_000, "set by hand: about 350 words, longer than real sentences; a longer "
              "span without an end mark is cut at white space into pieces of at most this (bounded time downstream)"),
    Threshold("parse.segment_window", 5_000, "set by hand: pysbd's cost grows with the square of the text's length "
              "(0.13 s at 10,000 characters, 1 s at 30,000); a longer paragraph is segmented in windows cut after an "
              "end mark"),
    Threshold("parse.max_parse_chars", 200_000, "set by hand: about 30,000 words, longer than any article; "
              "a longer text is tokenized, not parsed (bounded time on pathological pages)"),
    Threshold("attribution.max_label_tokens", 400, "set by hand: a 'sentence' this long is not one; "
              "the labeller skips it (bounded time)"),
    Threshold("attribution.np_cue_rate", 0.28, "set by hand on PolNeAR train's rates (cue_lemmas.json): a verb "
              "with a noun-phrase content, or a main verb, counts as a cue when tagged as one at least this often"),
    Threshold("attribution.tail_cue_rate", 0.6, "PolNeAR train (cue_lemmas.json): a verb tagged as a cue at least "
              "this often closes a quotation as its tag (“...,” he said); set by hand above 'respond' (0.51)"),
    # lexicons a researcher hands in
    Threshold("lexicon.probe_seconds", 0.2, "set by hand: a hedging pattern is tried on three short test texts before "
              "the run; the bundled patterns take under a millisecond there, (a|aa)+b takes minutes"),
    Threshold("lexicon.match_seconds", 1.0, "set by hand: a researcher's pattern on one sentence (at most "
              "parse.max_sentence_chars); past it the wording stage stops naming the line, instead of hanging"),
    # extraction and cleaning
    Threshold("extract.min_useful_words", 60, "set by hand: below this the next extractor is tried"),
    Threshold("extract.short_words", 100, "set by hand: an article shorter than this gets a 'short' warning"),
    Threshold("extract.max_article_paragraphs", 5_000, "set by hand: ten times a long live blog; cleaning and "
              "newspaper4k's scoring grow with the paragraphs (50,000 one-line paragraphs took minutes, 6,000 ran "
              "end to end in 49 s, bench/hostile.py C13b); a text of more is refused before it is cleaned"),
    Threshold("extract.max_article_words", 200_000, "set by hand: ten times the longest long-reads (about 20,000 "
              "words), above a 1 MB run-on sentence (about 127,000 words, 28.6 s end to end, bench/hostile.py C03); a "
              "longer text is refused before it is cleaned"),
    Threshold("extract.min_article_words", 25, "set by hand: below this there is no article on the page"),
    Threshold("extract.paywall_teaser_words", 350, "set by hand: a paywall notice elsewhere on the page counts "
              "only for bodies shorter than this"),
    Threshold("clean.max_furniture_words", 40, "set by hand: longer paragraphs are never dropped as furniture"),
    Threshold("clean.min_run", 2, "set by hand: consecutive repeated sentences that count as a repeated block"),
    Threshold("clean.min_repeat_words", 6, "set by hand: a lone repeated sentence must be this long to be dropped"),
    Threshold("clean.pull_quote_words", 40, "set by hand: a pull quote is at most this long"),
    Threshold("clean.pull_quote_overlap", 0.8, "set by hand: share of a pull quote's word trigrams that stand "
              "in a longer paragraph"),
    # comparison
    Threshold("align.lexical", 0.50, "MSRP train, 10-fold cross-validation (bench/paraphrase.py): the mean of "
              "the folds' best thresholds"),
    Threshold("align.semantic", 0.56, "MSRP train, 10-fold cross-validation (bench/paraphrase.py): the mean of "
              "the folds' best thresholds"),
    Threshold("align.learned_link", 0.4, "BASIL tune triplets (bench/basil.py --split tune --sweep 0.2,0.3,...,0.6): "
              "the probability of the default matcher (pair model + cross-encoder) at which grouping links two "
              "units; best align F1 of the sweep with the 100-pair budget (0.608; omission accuracy 0.602)"),
    Threshold("align.learned_attach", 0.4, "BASIL tune triplets (bench/basil.py --split tune --sweep 0.35,0.4,0.45 "
              "--attach 2,0.6,0.5,0.4, 2026-12-02): the probability at which a unit also joins a group holding "
              "nothing of its outlet; the best mean of align F1 and omission accuracy at link 0.4 (off: 0.597 / "
              "0.590; 0.6: 0.602 / 0.617; 0.5: 0.599 / 0.650; 0.4: 0.593 / 0.668)"),
    Threshold("align.rerank_low", 0.05, "set by hand: below this pair-model probability the cross-encoder is not asked"),
    Threshold("align.rerank_high", 0.9, "set by hand: at or above this pair-model probability the cross-encoder is not asked"),
    Threshold("align.rerank_weight", 0.5, "set before measuring: the cross-encoder's share of the combined log-odds "
              "(an even mean; bench/paraphrase.py shows the cross-validated alternatives)"),
    Threshold("align.rerank_budget", 100, "bench/demo_timing.py against the commit before issue 12 (six-outlet "
              "report at most 2 s slower): cross-outlet pairs the cross-encoder reads per story, about 1 s on 2 cores, "
              "the most probable first (BASIL tune align F1 at link 0.4: none 0.475, 50 pairs 0.601, 100 0.608, "
              "400 0.623)"),
    Threshold("align.rerank_per_unit", 3, "set by hand: each unit's most probable uncertain pairs that compete for the budget"),
    Threshold("align.possibly_carried", 0.7, "BASIL tune triplets (2026-12-02, default matcher): of the 40 omitted cells "
              "of claim groups that stand for a gold claim, 17 whose outlet does carry it; at 0.7 of the link "
              "threshold 14 of them are flagged and 10 of the 23 others (at 0.6: the same 14, and 13). A cell at "
              "or above it is shown 'possibly carried'"),
    Threshold("align.fragment_match", 0.9, "set by hand: the similarity a fragment (a label, a list item) needs "
              "to join another unit"),
    Threshold("reuse.shingle", 5, "set by hand: words per shingle (similarity columns and passage seeds)"),
    Threshold("reuse.min_words", 8, "set by hand: a shared passage has at least this many words"),
    Threshold("reuse.long_passage_words", 20, "set by hand: 'copied' needs one shared run this long outside quotation marks"),
    Threshold("reuse.copy_min_share", 0.25, "set by hand: ... and shared unquoted text of this share of the shorter text"),
    Threshold("reuse.block_min_words", 100, "set by hand: ... or a shared block of this many words"),
    Threshold("reuse.direction_margin", 0.05, "set by hand: containments closer than this do not tell who copied"),
    Threshold("reuse.sentence_match", 0.5, "set by hand: Dice overlap of words above which two sentences are one "
              "edited sentence"),
    Threshold("wording.max_modifier_words", 2, "set by hand: an inserted 'alleged' or 'so-called' reads as a change "
              "of the word next to it"),
    Threshold("wording.z_significant", 1.96, "two-sided 95% of the normal distribution (Monroe, Colaresi and "
              "Quinn 2008, weighted log-odds z-scores)"),
    # size of a story
    Threshold("story.max_outlets", 200, "set by hand: claim matching compares every pair of claim units, so memory "
              "grows with the square of the story; 200 outlets of ~37 units ran in 1.60 GB peak, of ~61 in 1.81 GB "
              "(bench/many_outlets.py, varied and --wire 1); a spec with more is refused before anything is read"),
    Threshold("align.max_units", 14_000, "measured, whole run (CLI + kernel), on 200-outlet stories built by "
              "bench/many_outlets.py: 12,202 claim units peaked at 1.81 GB (--wire 1); with the cap lifted, 16,320 "
              "(40 varied paragraphs an outlet) at 2.77 GB and 17,839 (45 wire paragraphs) at 2.92 GB: about 8.5 bytes "
              "a pair of units over a 0.55 GB base, so 14,000 is about 2.2 GB, under 2.5 GB; a story with more is "
              "refused at the claims stage, naming the count and how to split it"),
    # report
    Threshold("report.max_chart_outlets", 30, "set by hand: past 30 columns the coverage map and the reuse grid "
              "are over 40 inches wide and their cells unreadable (and drawing them took 85 s at 50 outlets); "
              "a story with more outlets gets a note pointing to the table instead of each chart"),
    Threshold("readability.long_word_letters", 7, "LIX's definition of a long word (Björnsson 1968)"),
)

THRESHOLDS: dict[str, Threshold] = {t.name: t for t in _TABLE}


def value(name: str) -> float:
    """The value of a threshold (KeyError names the ones there are)."""
    try:
        return THRESHOLDS[name].value
    except KeyError:
        raise KeyError(f"no threshold {name!r}; known: {', '.join(sorted(THRESHOLDS))}") from None


def as_dict() -> dict[str, dict[str, object]]:
    """Every threshold with its value and where it came from, as run.json records them."""
    return {t.name: {"value": t.value, "where": t.where} for t in _TABLE}
