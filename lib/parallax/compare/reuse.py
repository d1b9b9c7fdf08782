"""Text reuse between outlets: who republishes whose text, and what the copy changed.

The approach of text-reuse detectors (passim, winnowing/shingling) and of NewsDiffs /
diffengine for the changes:

- words are compared after folding case, curly quotes and dashes, accents, inner hyphens,
  dots in initialisms ("U.S." = "US"), transliteration endings (Zelenskiy / Zelenskyy ->
  zelensky) and British / American spelling (defence / defense, authorised / authorized,
  towards / toward, kilometres / kilometers). A republisher that applies its house style is
  still republishing: without the folding every respelled word would cut a passage in two.
  :func:`copy_changes` compares the words unfolded and lists those respellings, flagged;
- :func:`shared_passages` finds maximal common word runs by hashing word 5-grams of one text,
  looking up the other's, and extending each match that starts a run (linear in the text
  lengths plus the matches);
- :func:`similarity` scores every pair of outlets and decides ``copied`` (see
  :func:`is_copy`): words inside quotation marks do not count, because independent outlets
  quote the same official verbatim all the time;
- :func:`copy_changes` aligns the sentences of the source and the copy with :func:`parallax.parse.words.opcodes`, then the
  words of each matched sentence pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Sequence

import numpy as np
import pandas as pd

from parallax.compare.align import STOPWORDS
from parallax.extract.extractors import Article
from parallax.parse.segment import Sentence, sentences
from parallax.parse.words import fold as word_fold, opcodes, tokens as word_tokens
from parallax.thresholds import value as limit

SHINGLE = int(limit("reuse.shingle"))                  # words per shingle (similarity columns and passage seeds)
MIN_WORDS = int(limit("reuse.min_words"))                # a shared passage has at least this many words
LONG_PASSAGE_WORDS = int(limit("reuse.long_passage_words"))      # copied needs one shared run of a sentence's length outside quotation marks ...
COPY_MIN_SHARE = limit("reuse.copy_min_share")        # ... and shared unquoted text of this share of the shorter text's unquoted words
BLOCK_MIN_WORDS = int(limit("reuse.block_min_words"))        # ... or of this many words (a block of wire paragraphs inside a longer piece)
DIRECTION_MARGIN = limit("reuse.direction_margin")      # containments closer than this do not tell the direction
SENTENCE_MATCH = limit("reuse.sentence_match")         # Dice overlap of words above which two sentences are one edited sentence

COLUMNS = ["outlet_a", "outlet_b", "cosine", "shingle_jaccard", "containment_a", "containment_b",
           "shared_passages", "shared_words", "unquoted_passages", "unquoted_words", "longest_unquoted",
           "copied", "direction"]
CHANGE_COLUMNS = ["outlet_from", "outlet_to", "paragraph_from", "paragraph_to", "sentence_from", "sentence_to",
                  "change", "before", "after", "part", "spelling"]


@dataclass(frozen=True)
class Passage:
    """A maximal run of words that two articles share (after folding; see the module docstring).

    Offsets are Python string offsets into ``Article.paragraphs[paragraph]``: the passage runs
    from ``a_start`` in paragraph ``a_paragraph`` to ``a_end`` (exclusive) in paragraph
    ``a_end_paragraph`` (the same paragraph unless the run crosses a paragraph break).
    """

    words: int            # number of words
    quoted_words: int     # of which inside quotation marks in a or in b
    a_word: int           # index of the first word among a's words
    a_paragraph: int
    a_start: int
    a_end_paragraph: int
    a_end: int
    b_word: int
    b_paragraph: int
    b_start: int
    b_end_paragraph: int
    b_end: int
    text_a: str           # verbatim from a (paragraph breaks as "\n\n")
    text_b: str           # verbatim from b

    @property
    def unquoted_words(self) -> int:
        """Words of the passage outside quotation marks (the outlets' own text)."""
        return self.words - self.quoted_words


# ---------------------------------------------------------------- words and their folding


# British -> American (and a few style variants) that no suffix rule catches
_SPELLING = {
    "defence": "defense", "offence": "offense", "licence": "license", "pretence": "pretense",
    "towards": "toward", "afterwards": "afterward", "backwards": "backward", "forwards": "forward",
    "upwards": "upward", "downwards": "downward", "amongst": "among", "whilst": "while", "amidst": "amid",
    "learnt": "learned", "spelt": "spelled", "burnt": "burned", "dreamt": "dreamed",
    "grey": "gray", "programme": "program", "programmes": "programs", "catalogue": "catalog",
    "dialogue": "dialog", "analogue": "analog", "judgement": "judgment", "ageing": "aging",
    "tyre": "tire", "tyres": "tires", "cheque": "check", "cheques": "checks", "aluminium": "aluminum",
    "mould": "mold", "plough": "plow", "sceptical": "skeptical", "sceptic": "skeptic",
    "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "enrol": "enroll", "fulfil": "fulfill",
    "instalment": "installment", "jewellery": "jewelry", "storey": "story", "pyjamas": "pajamas",
    "kerb": "curb", "draught": "draft", "cosy": "cozy", "paediatric": "pediatric",
    "anaesthetic": "anesthetic", "oestrogen": "estrogen", "foetus": "fetus", "encyclopaedia": "encyclopedia",
}
_DOUBLE_L = ("travel", "cancel", "label", "model", "fuel", "signal", "counsel", "level", "marshal", "channel",
             "tunnel", "total", "dial", "equal", "rival", "panel", "pedal", "quarrel", "jewel", "duel", "libel",
             "shovel", "swivel", "unravel", "funnel", "cudgel", "marvel", "snorkel", "initial")
_SUFFIX_RULES = [
    (re.compile(r"^(\w{3,})our(s|ed|ing|ite|ites|able|ably|er|ers|ful|less)?$"), r"\1or\2"),   # colour
    (re.compile(r"^(\w{2,}[tb])re(s|d)?$"), r"\1er\2"),                                         # centre, fibre
    (re.compile(r"^(\w{3,})is(e|es|ed|ing|ation|ations|er|ers)$"), r"\1iz\2"),                  # authorise
    (re.compile(r"^(\w+)ys(e|es|ed|ing)$"), r"\1yz\2"),                                         # analyse
    (re.compile(rf"^({'|'.join(_DOUBLE_L)})l(ed|ing|er|ers)$"), r"\1\2"),                       # travelled
]


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """A word as reuse detection compares it: :func:`parallax.parse.words.fold` without accents, then inner
    hyphens, apostrophes and the dots of an initialism dropped, transliteration endings and British
    spellings mapped to one form ("north-west" = "northwest", "Zelenskiy" = "Zelensky", "authorised" =
    "authorized", "U.S." = "US")."""
    key = word_fold(word, accents=False).replace(".", "")
    key = key.replace("-", "").replace("'", "") if ("-" in key or "'" in key) else key
    if len(key) >= 6 and key.endswith(("iy", "yy", "ii")):
        key = key[:-2] + "y"
    if key in _SPELLING:
        return _SPELLING[key]
    for pattern, repl in _SUFFIX_RULES:
        new = pattern.sub(repl, key)
        if new != key:
            return new
    return key


def quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans of a paragraph that lie inside quotation marks (the marks included).

    Double quotes (“ ” „ « » and straight "), and single quotes (‘ ’ and straight ') when one
    opens after a space and before a letter; an apostrophe inside a word never opens or closes
    one. A quotation still open at the end of the paragraph runs to its end (the wire
    convention for a quote that continues in the next paragraph).
    """
    spans: list[tuple[int, int]] = []
    start = -1
    closer = ""
    n = len(paragraph)
    for i, ch in enumerate(paragraph):
        before = paragraph[i - 1] if i else " "
        after = paragraph[i + 1] if i + 1 < n else " "
        if start < 0:
            if ch in "“„«\"":
                start, closer = i, {"“": "”", "„": "“", "«": "»", '"': '"'}[ch]
            elif ch in "‘'" and not before.isalnum() and after.isalpha():
                start, closer = i, "’" if ch == "‘" else "'"
        elif ch == closer or (closer == "“" and ch == "”"):
            if closer in "’'" and after.isalpha():
                continue  # an apostrophe inside the quotation ("Russia’s")
            spans.append((start, i + 1))
            start = -1
    if start >= 0:
        spans.append((start, n))
    return spans


@dataclass
class _Doc:
    """An article as word keys with their positions; shingle indexes are built on demand."""

    article: Article
    keys: list[str]                               # folded words
    where: list[tuple[int, int, int, int]]        # (paragraph, start, end, offset of the paragraph in .text)
    quoted: list[bool]
    _index: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    _grams: dict[int, list[int]] = field(default_factory=dict)

    def grams(self, k: int) -> list[int]:
        """Hashes of the word k-grams, one per starting word."""
        if k not in self._grams:
            keys = self.keys
            self._grams[k] = [hash(tuple(keys[i:i + k])) for i in range(len(keys) - k + 1)]
        return self._grams[k]

    def index(self, k: int) -> dict[int, list[int]]:
        """Where each k-gram hash starts."""
        if k not in self._index:
            idx: dict[int, list[int]] = {}
            for i, h in enumerate(self.grams(k)):
                idx.setdefault(h, []).append(i)
            self._index[k] = idx
        return self._index[k]

    @property
    def unquoted(self) -> int:
        """Words outside quotation marks."""
        return len(self.quoted) - sum(self.quoted)


def _doc(article: Article) -> _Doc:
    keys: list[str] = []
    where: list[tuple[int, int, int, int]] = []
    quoted: list[bool] = []
    offset = 0
    for p, para in enumerate(article.paragraphs):
        spans = quote_spans(para)
        s = 0
        for w in word_tokens(para, article.language or "en"):
            if not w.is_word:
                continue
            while s < len(spans) and spans[s][1] <= w.start:
                s += 1
            keys.append(fold(w.text))
            where.append((p, w.start, w.end, offset))
            quoted.append(s < len(spans) and spans[s][0] <= w.start)
        offset += len(para) + 2
    return _Doc(article, keys, where, quoted)


# ---------------------------------------------------------------- passages

def _passages(da: _Doc, db: _Doc, min_words: int) -> list[Passage]:
    """Maximal common word runs of two documents, one-to-one, longest first, in a's order."""
    k = max(1, min(SHINGLE, min_words))
    A, B = da.keys, db.keys
    n, m = len(A), len(B)
    index = db.index(k)
    found: list[tuple[int, int, int]] = []
    for i, h in enumerate(da.grams(k)):
        for j in index.get(h, ()):
            if i and j and A[i - 1] == B[j - 1]:
                continue  # inside a run that starts earlier
            length = 0
            while i + length < n and j + length < m and A[i + length] == B[j + length]:
                length += 1
            if length >= min_words:
                found.append((length, i, j))
    found.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_a, used_b = bytearray(n), bytearray(m)
    kept = []
    for length, i, j in found:  # a repeated paragraph matches several times: keep one
        if any(used_a[i:i + length]) or any(used_b[j:j + length]):
            continue
        used_a[i:i + length] = b"\1" * length
        used_b[j:j + length] = b"\1" * length
        kept.append((i, j, length))
    return [_passage(da, db, i, j, length) for i, j, length in sorted(kept)]


def _passage(da: _Doc, db: _Doc, i: int, j: int, length: int) -> Passage:
    quoted = sum(1 for t in range(length) if da.quoted[i + t] or db.quoted[j + t])
    pa, sa, _, oa = da.where[i]
    qa, _, ea, ra = da.where[i + length - 1]
    pb, sb, _, ob = db.where[j]
    qb, _, eb, rb = db.where[j + length - 1]
    return Passage(
        words=length, quoted_words=quoted,
        a_word=i, a_paragraph=pa, a_start=sa, a_end_paragraph=qa, a_end=ea,
        b_word=j, b_paragraph=pb, b_start=sb, b_end_paragraph=qb, b_end=eb,
        text_a=da.article.text[oa + sa:ra + ea], text_b=db.article.text[ob + sb:rb + eb],
    )


def shared_passages(a: Article, b: Article, min_words: int = MIN_WORDS) -> list[Passage]:
    """The passages two articles share: maximal runs of at least ``min_words`` words that are the
    same after folding (case, quotes, dashes, accents, hyphens, British/American spelling).

    Each word of ``a`` and of ``b`` belongs to at most one passage (when ``b`` repeats a
    paragraph, the longest match is kept), and passages come in ``a``'s order. Runs may cross
    paragraph breaks; punctuation between words is ignored.
    """
    return _passages(_doc(a), _doc(b), min_words)


# ---------------------------------------------------------------- the pair table

def is_copy(passages: Sequence[Passage], unquoted_a: int, unquoted_b: int, min_words: int = MIN_WORDS) -> bool:
    """Whether one text republishes the other, judged from their shared passages.

    Only the outlets' own words count: the words of a passage that lie inside quotation marks
    (in either text) are discounted, and a passage counts when at least ``min_words`` of its
    words are outside quotation marks. Copied when

    - one such passage has at least ``LONG_PASSAGE_WORDS`` (20) unquoted words: a whole
      sentence of someone else's prose, and
    - the counted words reach ``COPY_MIN_SHARE`` (25%) of the shorter text's unquoted words (a
      republication, whole or cut) or ``BLOCK_MIN_WORDS`` (100) words (a block of wire
      paragraphs inside a longer piece of one's own).

    Why: independent outlets share the same quotations (discounted, however long) and short
    stock phrases of 8-11 words ("did not immediately respond to a request for comment",
    "towards a final settlement rather than a temporary ceasefire"): on the bundled example up
    to 4 of them, 34 words, 7% of the shorter text, none longer than 10 words. Sentence-long
    identical runs of one's own prose do not happen by chance; the share or the 100 words keep
    one borrowed sentence (or an embedded statement printed without quotation marks) in a long
    article from counting as a republication. The count of passages is not used: a verbatim
    copy is a single passage.
    """
    own = [p.unquoted_words for p in passages if p.unquoted_words >= min_words]
    if not own or max(own) < LONG_PASSAGE_WORDS:
        return False
    shorter = max(1, min(unquoted_a, unquoted_b))
    return sum(own) >= COPY_MIN_SHARE * shorter or sum(own) >= BLOCK_MIN_WORDS


def _when(published: str) -> tuple[datetime | None, bool]:
    """(UTC time, has a time of day) of an ISO 8601 date; (None, False) when unreadable."""
    if not published:
        return None, False
    try:
        when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None, False
    precise = len(published) > 10
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc), precise


def _earlier(a: Article, b: Article) -> int:
    """-1 when a was published before b, 1 when after, 0 when the dates do not tell."""
    (ta, pa), (tb, pb) = _when(a.published), _when(b.published)
    if ta is None or tb is None:
        return 0
    if pa and pb:
        return -1 if ta < tb else 1 if ta > tb else 0
    da, db = ta.date(), tb.date()  # a bare day is compared as a day
    return -1 if da < db else 1 if da > db else 0


def _mentions(text: str, name: str) -> bool:
    """True when the text names the outlet ("The Harbor Times" is found as "Harbor Times")."""
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", text, re.I) is not None


def _credits(copy: Article, source: Article) -> bool:
    """True when ``copy`` names ``source`` ("Reporting by Meridian Wire") and ``source`` does not name ``copy``."""
    return _mentions(copy.text, source.name) and not _mentions(source.text, copy.name)


def direction(a: Article, b: Article, containment_a: float, containment_b: float) -> str:
    """Who copies whom, as "<copy> copies <source>", or "" when unclear.

    The copy is the text more contained in the other (a republisher adds little of its own);
    when the two containments are within ``DIRECTION_MARGIN``, the text that names the other
    outlet and not vice versa (a credit or a kept dateline) is the copy; then the later
    publication date; else "".
    """
    if containment_a - containment_b >= DIRECTION_MARGIN:
        copy, source = a, b
    elif containment_b - containment_a >= DIRECTION_MARGIN:
        copy, source = b, a
    elif _credits(a, b) != _credits(b, a):
        copy, source = (a, b) if _credits(a, b) else (b, a)
    elif _earlier(a, b):
        copy, source = (b, a) if _earlier(a, b) < 0 else (a, b)
    else:
        return ""
    return f"{copy.outlet} copies {source.outlet}"


def _cosine(docs: Sequence[_Doc]) -> np.ndarray:
    """TF-IDF cosine of the documents' words (stop words left out; smoothed IDF over these documents)."""
    vocab: dict[str, int] = {}
    rows = []
    for d in docs:
        ids = [vocab.setdefault(k, len(vocab)) for k in d.keys if k not in STOPWORDS]
        rows.append(np.bincount(np.array(ids, dtype=np.int64), minlength=0) if ids else np.zeros(0))
    m = np.zeros((len(docs), max(1, len(vocab))), dtype=np.float64)
    for r, counts in enumerate(rows):
        m[r, :len(counts)] = counts
    df = (m > 0).sum(axis=0)
    m *= np.log((1 + len(docs)) / (1 + df)) + 1.0
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m /= np.where(norms == 0, 1, norms)
    return m @ m.T


def similarity(articles: Sequence[Article], min_words: int = MIN_WORDS) -> pd.DataFrame:
    """One row per unordered pair of usable articles (``outlet_a`` before ``outlet_b`` in the
    given order, i.e. the spec's): for ``tables/similarity.csv``.

    Columns: ``cosine`` (TF-IDF cosine of the folded words, stop words out), ``shingle_jaccard``
    (Jaccard of the sets of word 5-grams), ``containment_a`` (share of a's 5-grams found in b),
    ``containment_b``, ``shared_passages`` and ``shared_words`` (:func:`shared_passages` of at
    least ``min_words`` words), ``unquoted_passages`` and ``unquoted_words`` (passages with at
    least ``min_words`` words outside quotation marks, those words, and the most in one of
    them), ``copied``
    (:func:`is_copy`) and ``direction`` (:func:`direction`; "" when not copied).
    Failed articles are left out.
    """
    usable = [a for a in articles if a.ok and a.paragraphs]
    docs = [_doc(a) for a in usable]
    cos = _cosine(docs) if docs else np.zeros((0, 0))
    sets = [set(d.grams(SHINGLE)) for d in docs]
    rows = []
    for x in range(len(docs)):
        for y in range(x + 1, len(docs)):
            da, db, sa, sb = docs[x], docs[y], sets[x], sets[y]
            inter = len(sa & sb)
            union = len(sa) + len(sb) - inter
            ca = inter / len(sa) if sa else 0.0
            cb = inter / len(sb) if sb else 0.0
            passages = _passages(da, db, min_words) if inter or min_words < SHINGLE else []
            own = [p.unquoted_words for p in passages if p.unquoted_words >= min_words]
            copied = is_copy(passages, da.unquoted, db.unquoted, min_words)
            rows.append({
                "outlet_a": da.article.outlet, "outlet_b": db.article.outlet,
                "cosine": round(float(cos[x, y]), 4),
                "shingle_jaccard": round(inter / union, 4) if union else 0.0,
                "containment_a": round(ca, 4), "containment_b": round(cb, 4),
                "shared_passages": len(passages), "shared_words": sum(p.words for p in passages),
                "unquoted_passages": len(own), "unquoted_words": sum(own), "longest_unquoted": max(own, default=0),
                "copied": copied,
                "direction": direction(da.article, db.article, ca, cb) if copied else "",
            })
    return pd.DataFrame(rows, columns=COLUMNS)


# ---------------------------------------------------------------- what the copy changed

def _dice(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 1.0


def _pair_sentences(ka: Sequence[Sequence[str]], kb: Sequence[Sequence[str]]) -> list[tuple[int | None, int | None]]:
    """Monotonic pairing of two runs of sentences that maximises the summed word overlap; pairs
    below ``SENTENCE_MATCH`` are a dropped and an added sentence, not an edit."""
    n, m = len(ka), len(kb)
    sim = [[_dice(ka[i], kb[j]) for j in range(m)] for i in range(n)]
    score = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            diag = score[i - 1, j - 1] + sim[i - 1][j - 1] if sim[i - 1][j - 1] >= SENTENCE_MATCH else -1.0
            score[i, j] = max(score[i - 1, j], score[i, j - 1], diag)
    out: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and sim[i - 1][j - 1] >= SENTENCE_MATCH and score[i, j] == score[i - 1, j - 1] + sim[i - 1][j - 1]:
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and (not j or score[i, j] == score[i - 1, j]):
            out.append((i - 1, None))
            i -= 1
        else:
            out.append((None, j - 1))
            j -= 1
    return out[::-1]


def _words(text: str):
    return [w for w in word_tokens(text) if w.is_word]


def _word_changes(text_a: str, text_b: str) -> list[tuple[str, str, str, bool]]:
    """(change, before, after, spelling only) for the word-level differences of two versions of a sentence."""
    wa, wb = _words(text_a), _words(text_b)
    ka, kb = [w.key for w in wa], [w.key for w in wb]
    out = []
    for tag, i1, i2, j1, j2 in opcodes(ka, kb):
        if tag == "equal":
            continue
        before = text_a[wa[i1].start:wa[i2 - 1].end] if i2 > i1 else ""
        after = text_b[wb[j1].start:wb[j2 - 1].end] if j2 > j1 else ""
        spelling = tag == "replace" and [fold(k) for k in ka[i1:i2]] == [fold(k) for k in kb[j1:j2]]
        change = {"replace": "replaced", "insert": "inserted", "delete": "deleted"}[tag]
        out.append((change, before, after, spelling))
    return out


def copy_changes(a: Article, b: Article) -> pd.DataFrame:
    """What ``b`` (the copy) changed in ``a`` (the source): one row per change.

    The sentences are aligned with :func:`parallax.parse.words.opcodes`; inside a run that differs, sentences are paired
    when they share at least half their words (an edited sentence), and the rest are whole
    sentences ``deleted`` from a or ``inserted`` in b. The words of each edited pair are then
    diffed: ``replaced``, ``inserted`` or ``deleted`` runs of words with the verbatim
    ``before`` and ``after`` text. The headline is compared too (``part`` = "headline", no
    paragraph or sentence). ``spelling`` is True for a replacement that only changes spelling
    (defence -> defense, north-west -> northwest). Differences in punctuation alone are not
    listed. Meant for a pair that :func:`similarity` marks as copied, in its direction.
    """
    rows: list[dict[str, object]] = []

    def add(change: str, before: str, after: str, spelling: bool, part: str,
            sa: Sentence | None, sb: Sentence | None) -> None:
        rows.append({
            "outlet_from": a.outlet, "outlet_to": b.outlet,
            "paragraph_from": sa.paragraph if sa else None, "paragraph_to": sb.paragraph if sb else None,
            "sentence_from": sa.position if sa else None, "sentence_to": sb.position if sb else None,
            "change": change, "before": before, "after": after, "part": part, "spelling": spelling,
        })

    if a.title and b.title and a.title != b.title:
        ka, kb = [w.key for w in _words(a.title)], [w.key for w in _words(b.title)]
        if _dice(ka, kb) >= SENTENCE_MATCH:
            for change, before, after, spelling in _word_changes(a.title, b.title):
                add(change, before, after, spelling, "headline", None, None)
        elif ka != kb:
            add("replaced", a.title, b.title, False, "headline", None, None)
    sa = sentences(a.paragraphs, a.language or "en")
    sb = sentences(b.paragraphs, b.language or "en")
    ka = [tuple(w.key for w in _words(s.text)) for s in sa]
    kb = [tuple(w.key for w in _words(s.text)) for s in sb]
    for tag, i1, i2, j1, j2 in opcodes(ka, kb):
        if tag == "equal":
            continue
        for i, j in _pair_sentences(ka[i1:i2], kb[j1:j2]):
            x = sa[i1 + i] if i is not None else None
            y = sb[j1 + j] if j is not None else None
            if x and y:
                for change, before, after, spelling in _word_changes(x.text, y.text):
                    add(change, before, after, spelling, "body", x, y)
            elif x:
                add("deleted", x.text, "", False, "body", x, None)
            elif y:
                add("inserted", "", y.text, False, "body", None, y)
    table = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    for col in ("paragraph_from", "paragraph_to", "sentence_from", "sentence_to"):
        table[col] = table[col].astype("Int64")
    return table.astype({"spelling": bool})
