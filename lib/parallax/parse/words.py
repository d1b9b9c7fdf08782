"""Words: the one tokenizer, the one word folding and the one diff engine every stage uses.

* :func:`tokens` cuts a text with the tokenizer of the language's spaCy pipeline, the same one that
  made the parsed document (:mod:`parallax.parse.document`), so a word is the same thing in attribution,
  naming, wording, distinctive terms, reuse, alignment and readability. The pieces spaCy cuts out
  of one written word with no space between them (``so``/``-``/``called``, ``Kyiv``/``’s``,
  ``can``/``not``) are put back together as one :class:`Word`; in scripts written without spaces
  between words (Chinese, Japanese, Thai, Lao, Burmese) each character is one word.
* :func:`fold` is how words are compared: case folded, curly quotes and dashes made plain
  (``Zelenskiy’s`` and ``zelenskiy's`` fold alike), accents removed on request.
* :func:`stem_word` is a folded word's stem (Snowball for the languages it knows, else Porter), for
  matching claims and names across spellings.
* :func:`opcodes` and :func:`ratio` compare two sequences (of folded words, of sentences): difflib's
  matcher with its "junk" heuristic off, so long texts are compared as they are.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Hashable, Sequence

from nltk.stem import PorterStemmer, SnowballStemmer

from parallax.parse.segment import lang_root

_UNSPACED = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x0E00, 0x0E7F),
             (0x0E80, 0x0EFF), (0x1000, 0x109F))
_JOINERS = frozenset("-‐‑'’")
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                        "–": "-", "—": "-", "―": "-", "‐": "-", "‑": "-"})


_UNSPACED_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _UNSPACED) + "]")


def _unspaced(ch: str) -> bool:
    return _UNSPACED_RE.match(ch) is not None


def _has_unspaced(text: str) -> bool:
    return _UNSPACED_RE.search(text) is not None


@dataclass(frozen=True)
class Word:
    """A word or a punctuation mark, with its offsets in the text (end exclusive)."""

    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """The word as comparisons see it (:func:`fold`)."""
        return fold(self.text)

    @property
    def is_word(self) -> bool:
        """A word (it holds a letter or a digit), not a punctuation mark."""
        return any(c.isalnum() for c in self.text)


def fold(word: str, accents: bool = True) -> str:
    """Case folded, curly quotes, apostrophes and dashes made plain, the full stop of an
    abbreviation dropped ("Mr." -> "mr"; "U.S." stays "u.s."); ``accents=False`` also removes
    accents ("Zelenskyy" and "Zelenskyý" alike), for matching names and spellings."""
    return _fold(word, accents)


@lru_cache(maxsize=200_000)
def _fold(word: str, accents: bool) -> str:
    word = word.casefold().translate(_PLAIN)
    if len(word) > 2 and word.endswith(".") and word.count(".") == 1:
        word = word[:-1]
    if accents or word.isascii():
        return word
    stripped = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


SNOWBALL = {"es": "spanish", "fr": "french", "de": "german", "it": "italian", "pt": "portuguese", "nl": "dutch",
            "ru": "russian", "sv": "swedish", "da": "danish", "no": "norwegian", "fi": "finnish", "hu": "hungarian",
            "ro": "romanian"}


@lru_cache(maxsize=16)
def _stemmer(lang: str):  # type: ignore[no-untyped-def]
    root = lang_root(lang)
    return SnowballStemmer(SNOWBALL[root]) if root in SNOWBALL else PorterStemmer()


@lru_cache(maxsize=200_000)
def stem_word(word: str, lang: str) -> str:
    """A word's stem (:func:`fold` without accents, then Snowball), with
    transliteration variants folded (Zelenskiy, Zelenskyy -> zelensky)."""
    word = fold(word, accents=False)
    if len(word) >= 6 and word.endswith(("iy", "yy", "ii")):
        word = word[:-2] + "y"  # Zelenskiy, Zelenskyy -> zelensky
    return _stemmer(lang).stem(word)


def tokens(text: str, lang: str = "en") -> tuple[Word, ...]:
    """The words and punctuation marks of ``text``, with offsets (see the module's docstring)."""
    return _tokens(text, lang or "en")


@lru_cache(maxsize=20_000)
def _tokens(text: str, lang: str) -> tuple[Word, ...]:
    from parallax.parse.document import load_model

    pieces = [(Word(t.text, t.idx, t.idx + len(t.text)), not t.whitespace_)
              for t in load_model(lang)[0].tokenizer(text) if not t.is_space]
    out: list[Word] = []
    i = 0
    while i < len(pieces):
        word, glued = pieces[i]
        i += 1
        while glued and i < len(pieces):
            nxt, nxt_glued = pieces[i]
            if word.text[-1:].isalnum() and nxt.text[:1].isalnum():
                take = 1                                    # "can" + "not", "10" + "km"
            elif (word.text[-1:].isalnum() and nxt.text[:1] in "'’" and len(nxt.text) > 1
                  and nxt.text[1:2].isalpha()):
                take = 1                                    # "Kyiv" + "’s", "do" + "n't" is one piece already
            elif (word.text[-1:].isalnum() and nxt.text in _JOINERS and nxt_glued and i + 1 < len(pieces)
                  and pieces[i + 1][0].text[:1].isalnum()):
                take = 2                                    # "so" + "-" + "called"
            else:
                break
            last, glued = pieces[i + take - 1]
            word = Word(text[word.start:last.end], word.start, last.end)
            i += take
        out.append(word)
    return tuple(_characters(out)) if _has_unspaced(text) else tuple(out)


def _characters(pieces: list[Word]):
    """Pieces of a script without spaces, one character each (the rest unchanged)."""
    for w in pieces:
        if not _has_unspaced(w.text):
            yield w
            continue
        run = None
        for k, ch in enumerate(w.text):
            if _unspaced(ch) or not ch.isalnum():
                if run is not None:
                    yield Word(w.text[run:k], w.start + run, w.start + k)
                    run = None
                yield Word(ch, w.start + k, w.start + k + 1)
            elif run is None:
                run = k
        if run is not None:
            yield Word(w.text[run:], w.start + run, w.end)


def words(text: str, lang: str = "en") -> list[str]:
    """The words of a text (punctuation left out)."""
    return [w.text for w in tokens(text, lang) if w.is_word]


def keys(text: str, lang: str = "en") -> tuple[str, ...]:
    """The folded words of a text."""
    return _keys(text, lang or "en")


@lru_cache(maxsize=20_000)
def _keys(text: str, lang: str) -> tuple[str, ...]:
    return tuple(w.key for w in tokens(text, lang) if w.is_word)


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[str, int, int, int, int]]:
    """How ``b`` differs from ``a``: difflib's ``(tag, i1, i2, j1, j2)`` operations."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def ratio(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Share of ``a`` and ``b`` in common, in order, in [0, 1] (difflib's ratio)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
