"""Clean-up that extractors do not do: repeated bodies, pull quotes and page furniture.

All functions are pure: paragraphs in, paragraphs out, plus a count of what
was removed so the caller can warn about it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from parallax.parse.segment import split_sentences, unglue
from parallax.parse.words import keys
from parallax.thresholds import value as limit

MAX_FURNITURE_WORDS = int(limit("clean.max_furniture_words"))   # longer paragraphs are never dropped as furniture
MIN_RUN = int(limit("clean.min_run"))                # consecutive repeated sentences that count as a repeated block
MIN_REPEAT_WORDS = int(limit("clean.min_repeat_words"))       # a lone repeated sentence must be at least this long to be dropped
PULL_QUOTE_WORDS = int(limit("clean.pull_quote_words"))      # a pull quote is at most this long...
PULL_QUOTE_OVERLAP = limit("clean.pull_quote_overlap")   # ...and this share of its word trigrams stand in a longer paragraph
_QUOTES = "\"“”„«»‘’'‹›「『"  # a pull quote opens with a quotation mark; a lede or summary line does not


@lru_cache(maxsize=8)
def patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """The regular expressions in ``parallax/data/<name>.txt`` (comments and blanks skipped)."""
    text = resources.files("parallax").joinpath("data", f"{name}.txt").read_text(encoding="utf-8")
    return tuple(
        re.compile(line.strip(), re.IGNORECASE)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def _norm(text: str) -> str:
    """A sentence as repeats are compared: its folded words (:func:`parallax.parse.words.keys`)."""
    return " ".join(keys(text))


def is_furniture(paragraph: str) -> bool:
    """True for a short paragraph that is a comment form, share bar, newsletter box, cookie notice..."""
    words = paragraph.split()
    if len(words) > MAX_FURNITURE_WORDS:
        return False
    text = " ".join(words)
    return any(p.search(text) for p in patterns("boilerplate"))


def drop_furniture(paras: list[str]) -> tuple[list[str], int]:
    """Paragraphs without page furniture, and how many were dropped."""
    kept = [p for p in paras if not is_furniture(p)]
    return kept, len(paras) - len(kept)


def drop_repeats(paras: list[str], lang: str = "en") -> tuple[list[str], int]:
    """Keep once what the page repeats; return the paragraphs and the number of sentences removed.

    1. A block of ``MIN_RUN`` or more consecutive sentences that already appeared,
       in the same order, is removed (a CMS that prints the body twice, even when
       the copies are glued together mid-paragraph).
    2. A pull quote is removed: a short paragraph (not the first) that opens with a
       quotation mark and whose words stand in a longer paragraph; with it goes a
       credit line right under it.
    3. Any other sentence of ``MIN_REPEAT_WORDS`` or more words that already
       appeared is removed; the first occurrence stays.
    """
    paras = [unglue(p) for p in paras]
    if not _may_repeat(paras):  # the common case: skip the (slow) sentence splitter
        return _drop_pull_quotes(paras)
    units = [(i, para[s:e]) for i, para in enumerate(paras) for s, e in split_sentences(para, lang)]
    keys = [_norm(text) for _, text in units]
    drop = _repeated_runs(keys)
    kept_units = [(i, text) for n, (i, text) in enumerate(units) if n not in drop]
    rebuilt = _rebuild(kept_units)
    removed = len(drop)

    rebuilt, pulled = _drop_pull_quotes(rebuilt)
    removed += pulled

    seen: set[str] = set()
    final_units: list[tuple[int, str]] = []
    for i, para in enumerate(rebuilt):
        for s, e in split_sentences(para, lang):
            text = para[s:e]
            key = _norm(text)
            if key in seen and len(key.split()) >= MIN_REPEAT_WORDS:
                removed += 1
                continue
            seen.add(key)
            final_units.append((i, text))
    return _rebuild(final_units), removed


_ROUGH_SPLIT = re.compile(r"(?<=[.!?])[\"”’»)]*\s+")


def _may_repeat(paras: list[str]) -> bool:
    """False when no sentence can repeat: cheap, splitting at every full stop (finer than any
    sentence splitter, so a repeated sentence always shows up as a repeated piece here)."""
    seen: set[str] = set()
    for para in paras:
        for piece in _ROUGH_SPLIT.split(para):
            key = _norm(piece)
            if len(key.split()) < 3:
                continue
            if key in seen:
                return True
            seen.add(key)
    return False


def _repeated_runs(keys: list[str]) -> set[int]:
    """Indices of sentences inside runs that repeat an earlier run of sentences."""
    first: dict[str, list[int]] = {}
    for n, key in enumerate(keys):
        first.setdefault(key, []).append(n)
    drop: set[int] = set()
    n = 0
    while n < len(keys):
        best = 0
        for m in first.get(keys[n], []):
            if m >= n:
                break
            length = 0
            while n + length < len(keys) and m + length < n and keys[m + length] == keys[n + length]:
                length += 1
            best = max(best, length)
        if best >= MIN_RUN and any(len(k.split()) >= 3 for k in keys[n:n + best]):
            drop.update(range(n, n + best))
            n += best
        else:
            n += 1
    return drop


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _norm(text).split()
    return {tuple(words[i:i + 3]) for i in range(max(0, len(words) - 2))}


def _drop_pull_quotes(paras: list[str]) -> tuple[list[str], int]:
    grams = [_trigrams(p) for p in paras]
    kept, removed = [], 0
    after_pull = False
    for i, para in enumerate(paras):
        if after_pull and _is_credit_line(para):  # "Sergei Lavrov, Minister of Foreign Affairs" under a pull quote
            removed += 1
            after_pull = False
            continue
        words = len(para.split())
        mine = grams[i]
        is_pull = (
            i > 0 and 3 <= words <= PULL_QUOTE_WORDS and para.lstrip()[:1] in _QUOTES and mine and any(
                j != i and len(paras[j].split()) > words * 1.5
                and len(mine & grams[j]) >= PULL_QUOTE_OVERLAP * len(mine)
                for j in range(len(paras))
            )
        )
        after_pull = bool(is_pull)
        if is_pull:
            removed += 1
        else:
            kept.append(para)
    return kept, removed


def _is_credit_line(para: str) -> bool:
    """A short line with no sentence end: the name under a pull quote or a caption credit."""
    return len(para.split()) <= 8 and not re.search(r"[.!?…”\"]$", para.strip())


def _rebuild(units: list[tuple[int, str]]) -> list[str]:
    out: list[str] = []
    last = None
    for index, text in units:
        if index == last:
            out[-1] += " " + text
        else:
            out.append(text)
            last = index
    return out
