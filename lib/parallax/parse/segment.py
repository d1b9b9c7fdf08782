"""Paragraphs and sentences.

Sentences come from pysbd (rule-based Golden Rules segmentation), which keeps
"U.S.", "Dec. 28", "Mr.", decimals, quotes and dashes inside a sentence. A
sentence keeps its paragraph, its position in the article and its character
offsets in the paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pysbd
from pysbd.languages import LANGUAGE_CODES

from parallax.thresholds import value as limit

MAX_SENTENCE_CHARS = int(limit("parse.max_sentence_chars"))
SEGMENT_WINDOW = int(limit("parse.segment_window"))
_END_MARKS = re.compile(r"[.!?…。！？]")
# where a window may end: after an end mark (not one closing a one-letter initial, "J.") and white
# space, before a capital, which may follow an opening quotation mark or bracket
_WINDOW_END = re.compile(r"(?<![\W\d_][^\W\d_])([.!?…。！？])[\"”’»)]*\s+(?=[\"“«(]?([A-ZÀ-ÖØ-ÞА-ЯЁ]))")

# Two sentences glued by a broken page: "...battlefield claims.Russian Foreign Minister..."
_GLUED = re.compile(r"(?<=[a-z\u00e0-\u024f\u0430-\u044f]{2}[.!?])([\"”’»]?)(?=[A-Z\u00c0-\u024f\u0410-\u042f][a-z\u00e0-\u024f\u0430-\u044f])")


# A news agency's dateline before the first sentence: "MOSCOW, Dec 29 (Meridian Wire) – ", "WASHINGTON — "
DATELINE = re.compile(r"^[A-Z][A-Z.'’\-]{2,}(?:\s+[A-Z][A-Z.'’\-]+)*(?:,\s*[^–—(\n]{0,40}?)?\s*"
                      r"(?:\([^)]{0,80}\))?\s*[–—-]+\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article."""

    text: str        # verbatim, without surrounding white space
    paragraph: int   # index of its paragraph (0 = first)
    position: int    # index of the sentence in the article (0 = lede)
    start: int       # character offsets in the paragraph
    end: int


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs on blank lines; white space inside a paragraph is folded."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [re.sub(r"\s+", " ", p).strip() for p in parts if p.strip()]


def unglue(paragraph: str) -> str:
    """Put a space between two sentences a page glued together ("claims.Russian")."""
    return _GLUED.sub(r"\1 ", paragraph)


def lang_root(lang: str) -> str:
    """The language without its region: "en_US", "en-GB", "EN" -> "en"."""
    return lang.replace("-", "_").split("_")[0].lower()


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """(titles, months) from data/abbreviations.txt: words after which no sentence ends."""
    titles, months = set(), set()
    text = resources.files("parallax").joinpath("data", "abbreviations.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip().lower()
        if not line or line.startswith("#"):
            continue
        if line.startswith("month:"):
            months.add(line.split(":", 1)[1].strip())
        else:
            titles.add(line)
    return frozenset(titles), frozenset(months)


def _binds(piece: str, following: str) -> bool:
    """True when ``piece`` ends in an abbreviation that cannot end a sentence before ``following``."""
    match = re.search(r"(?:^|[\s(“\"'])([^\W\d_]+)\.$", piece)
    if not match:
        return False
    word = match.group(1).lower()
    titles, months = _abbreviations()
    return word in titles or (word in months and following[:1].isdigit())


_CLOSING = "”»\""
# '“...stupid wall!” Mr. Calderón told CNBC.': after a quotation ending in ! or ?, a short tail with a
# verb of speaking is that quotation's attribution, not a sentence of its own
_SPEECH_TAIL = re.compile(r"^(?:\S+\s+){0,5}?(?:said|says|told|tells|asked|asks|added|adds|wrote|writes|tweeted|"
                          r"shouted|yelled|exclaimed|replied|insisted|declared|continued|explained|argued|cried|"
                          r"recalled|joked|warned|posted|responded)\b", re.IGNORECASE)


def _is_tail(previous: str, piece: str) -> bool:
    return bool(re.search(r"[!?][”»\"]$", previous)) and len(piece.split()) <= 15 and bool(_SPEECH_TAIL.match(piece))


@lru_cache(maxsize=32)
def _segmenter(lang: str) -> pysbd.Segmenter:
    root = lang_root(lang)
    return pysbd.Segmenter(language=root if root in LANGUAGE_CODES else "en", clean=False, char_span=False)


@lru_cache(maxsize=8192)
def split_sentences(paragraph: str, lang: str = "en") -> tuple[tuple[int, int], ...]:
    """Character spans ``(start, end)`` of the sentences of one paragraph (cached: clean-up,
    readability and charts split the same paragraphs).

    Time stays linear on pathological text: a paragraph longer than :data:`SEGMENT_WINDOW` is
    segmented window by window (each cut after an end mark where there is one), a window without
    any end mark is one span, and a span longer than :data:`MAX_SENTENCE_CHARS` is cut at white
    space into pieces of at most that length."""
    spans = [(offset + s, offset + e) for offset, window in _windows(paragraph) for s, e in _segment(window, lang)]
    return tuple(piece for span in spans for piece in _capped(paragraph, span))


def _windows(paragraph: str) -> list[tuple[int, str]]:
    """``(offset, text)`` pieces of at most :data:`SEGMENT_WINDOW` characters covering ``paragraph``,
    each cut after the last end mark followed by a space in its second half, else at the last space."""
    out, start = [], 0
    while len(paragraph) - start > SEGMENT_WINDOW:
        stop = start + SEGMENT_WINDOW
        half = start + SEGMENT_WINDOW // 2
        ends = [m.end() for m in _WINDOW_END.finditer(paragraph, half, stop)
                if not _binds(paragraph[start:m.start(1) + 1], m.group(2))]
        cut = ends[-1] if ends else paragraph.rfind(" ", half, stop) + 1 or stop
        out.append((start, paragraph[start:cut]))
        start = cut
    out.append((start, paragraph[start:]))
    return out


def _capped(paragraph: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """``span`` cut at white space into pieces of at most :data:`MAX_SENTENCE_CHARS`."""
    start, end = span
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = paragraph.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS + 1)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append((start, cut))
        start = cut
        while start < end and paragraph[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


def _segment(paragraph: str, lang: str) -> list[tuple[int, int]]:
    """pysbd's sentences of one window, with Parallax's repairs (a closing quotation mark, a word
    cut at a dot, an abbreviation, a quotation's tail)."""
    if not _END_MARKS.search(paragraph):   # nothing to segment: one span (pysbd would take long to say so)
        stripped = paragraph.strip()
        start = paragraph.find(stripped[:1]) if stripped else 0
        return [(start, start + len(stripped))] if stripped else []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter(lang).segment(paragraph):
        piece = piece.strip()
        if not piece:
            continue
        start = paragraph.find(piece, cursor)
        if start < 0:  # pysbd changed the text; fall back to the cursor
            start = cursor
        end = start + len(piece)
        cursor = end
        if spans:
            previous = paragraph[spans[-1][0]:spans[-1][1]]
            # a closing quotation mark pysbd left at the start of the next piece belongs to the previous one
            while piece[:1] in _CLOSING and len(piece) > 1 and piece[1:2].isspace() and previous[-1:] in ".!?,":
                spans[-1] = (spans[-1][0], start + 1)
                previous = paragraph[spans[-1][0]:spans[-1][1]]
                rest = piece[1:].lstrip()
                start, piece = end - len(rest), rest
            # no space between the two pieces: pysbd cut inside a word (".NET", "Node.js")
            # ("claims.Russian", two sentences a page glued, stays cut)
            glued = (start == spans[-1][1] and previous[-1:] == "." and piece[:1].isalnum()
                     and not (piece[:1].isupper() and piece[1:2].islower()))
            if glued or not any(ch.isalnum() for ch in piece) or _binds(previous, piece) or _is_tail(previous, piece):
                spans[-1] = (spans[-1][0], end)  # a bare mark, "Sr." / "Dec. 28", or a quotation's tail
                continue
        spans.append((start, end))
    return spans


def sentences(paras: list[str], lang: str = "en") -> list[Sentence]:
    """The sentences of an article given as paragraphs, in order."""
    out: list[Sentence] = []
    for p_index, para in enumerate(paras):
        for start, end in split_sentences(para, lang):
            out.append(Sentence(para[start:end], p_index, len(out), start, end))
    return out
