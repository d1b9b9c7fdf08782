"""Which words set an outlet apart: distinctive terms and lexicon hits.

Distinctive terms are scored with the weighted log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi and Quinn 2008, "Fightin' Words", eq. 16-22): each outlet against all
the other outlets pooled, the prior proportional to how often the term occurs in the whole
corpus. Rare terms are shrunk towards the corpus rate, so a word said once by one outlet does
not outrank a word it says five times and nobody else says at all.

Lexicon hits find the words of plain, editable lists (intensifiers, loaded terms, hedges,
attribution verbs) in each article, with their paragraph, sentence and character offsets, and
:func:`lexicon_rates` turns them into hits per 1,000 words. A researcher can replace any list,
or add one, by passing a file (``load_lexicons(overrides=...)``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import regex

from parallax.outlet import attribution
from parallax import thresholds
from parallax.errors import SpecError
from parallax.extract.extractors import Article
from parallax.parse.segment import lang_root, split_sentences
from parallax.parse.words import fold, tokens as word_tokens

TERM_COLUMNS = ["outlet", "term", "n", "count", "count_others", "rate_per_1000", "log_odds", "z"]
HIT_COLUMNS = ["outlet", "lexicon", "category", "term", "match", "paragraph", "sentence", "start", "end", "text"]
RATE_COLUMNS = ["outlet", "lexicon", "category", "hits", "words", "per_1000"]

#: Total weight of the prior in pseudo-counts when ``alpha0`` is not given, capped at the number
#: of term occurrences in the corpus (so that the prior never outweighs the data).
DEFAULT_ALPHA0 = 1000.0

#: Lexicons whose files hold regular expressions (one per line) rather than words and phrases.
REGEX_LEXICONS = frozenset({"hedging"})

#: Probes a researcher's regular expression is tried on before the run, each within
#: ``lexicon.probe_seconds``: runs of one character and of words with no closing match, where
#: nested repeats such as ``(a|aa)+b`` backtrack for minutes.
_PROBES = ("a" * 64, "word " * 48 + "?", "The minister said that " + "the vote, " * 24 + "...")

_GAP_BREAKS = re.compile(r"\S")  # any punctuation between two words ends an n-gram
_POSSESSIVE = re.compile(r"(?<=\w)'s$")  # "russia's" counts as "russia"


# ---------------------------------------------------------------- distinctive terms

@lru_cache(maxsize=16)
def stopwords(lang: str) -> frozenset[str]:
    """The stopwords of a language, from ``data/stopwords/<lang>.txt``, else from the lists
    newspaper4k ships (about 50 languages); empty when neither has the language."""
    root = lang_root(lang or "en")
    path = resources.files("parallax").joinpath("data", "stopwords", f"{root}.txt")
    if not path.is_file():
        path = resources.files("newspaper").joinpath("resources", "text", f"stopwords-{root}.txt")
    if not re.fullmatch(r"[a-z]{2,3}", root) or not path.is_file():
        return frozenset()
    return frozenset(fold(line.strip()) for line in _lines(path.read_text(encoding="utf-8")))


def _runs(paragraph: str, lang: str = "en") -> list[list[str]]:
    """The paragraph's words (lowercase, apostrophes folded, possessive "'s" dropped) in runs that
    no punctuation interrupts.

    Words are those of :func:`parallax.parse.words.tokens`; an n-gram never spans a comma, a full
    stop, a quotation mark or a dash between words.
    """
    runs: list[list[str]] = []
    current: list[str] = []
    last_end = 0
    for w in word_tokens(paragraph, lang):
        if not w.is_word:
            continue
        if current and _GAP_BREAKS.search(paragraph, last_end, w.start):
            runs.append(current)
            current = []
        current.append(_POSSESSIVE.sub("", w.key))
        last_end = w.end
    if current:
        runs.append(current)
    return runs


def _count_terms(paragraphs: Iterable[str], ngrams: Sequence[int],
                 stop: frozenset[str], lang: str = "en") -> tuple[dict[int, Counter[str]], int]:
    """Term counts by n-gram order, and the number of words, of one article."""
    counts: dict[int, Counter[str]] = {n: Counter() for n in ngrams}
    n_words = 0
    for para in paragraphs:
        for run in _runs(para, lang):
            n_words += len(run)
            for n in ngrams:
                counts[n].update(" ".join(run[k:k + n]) for k in range(len(run) - n + 1)
                                 if run[k] not in stop and run[k + n - 1] not in stop)
    return counts, n_words


def _weighted_log_odds(y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The formulas of :func:`log_odds` on count arrays (the last axis runs over terms).

    ``y_i`` and ``y_j`` may be 2-d (one row per outlet); ``alpha`` is the prior per term.
    Returns (delta, z) with the shape of ``y_i``.
    """
    n_i = y_i.sum(axis=-1, keepdims=True)
    n_j = y_j.sum(axis=-1, keepdims=True)
    a0 = alpha.sum()
    delta = (np.log((y_i + alpha) / (n_i + a0 - y_i - alpha))
             - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha)))
    variance = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    return delta, delta / np.sqrt(variance)


def log_odds(counts_i: Mapping[str, int], counts_j: Mapping[str, int],
             prior: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """Weighted log-odds ratio of each term between two groups, with an informative Dirichlet prior.

    For term w, with y the counts, n the groups' totals and a_w the prior (a0 = sum of a_w):
    ``delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))``,
    ``var_w = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)`` and ``z_w = delta_w / sqrt(var_w)``.
    A positive z means the term is characteristic of group i.

    The prior's terms are the vocabulary: n_i and n_j sum the counts over them only, and a
    term missing from ``prior`` is ignored. Returns term -> (delta, z).

    Raises ValueError when the prior has fewer than two terms or a weight that is not positive.
    """
    terms = list(prior)
    alpha = np.array([float(prior[t]) for t in terms])
    if len(terms) < 2 or (alpha <= 0).any():
        raise ValueError("the prior needs at least two terms, each with a positive weight")
    y_i = np.array([float(counts_i.get(t, 0)) for t in terms])
    y_j = np.array([float(counts_j.get(t, 0)) for t in terms])
    delta, z = _weighted_log_odds(y_i, y_j, alpha)
    return {t: (float(d), float(s)) for t, d, s in zip(terms, delta, z)}


def _score_order(outlets: list[str], counts: list[Counter[str]], n: int, alpha0: float | None,
                 min_count: int) -> pd.DataFrame:
    """Every outlet against the others for one n-gram order: rows for the terms each outlet uses."""
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    vocab = sorted(t for t, k in total.items() if k >= min_count)
    if len(vocab) < 2:
        return pd.DataFrame(columns=TERM_COLUMNS)
    index = {t: k for k, t in enumerate(vocab)}
    y = np.zeros((len(outlets), len(vocab)))
    for row, c in enumerate(counts):
        for term, k in c.items():
            col = index.get(term)
            if col is not None:
                y[row, col] = k
    corpus = y.sum(axis=0)
    a0 = min(DEFAULT_ALPHA0, float(corpus.sum())) if alpha0 is None else float(alpha0)
    alpha = a0 * corpus / corpus.sum()
    others = corpus - y
    delta, z = _weighted_log_odds(y, others, alpha)
    rows, cols = np.nonzero(y)
    return pd.DataFrame({
        "outlet": [outlets[r] for r in rows], "term": [vocab[c] for c in cols], "n": n,
        "count": y[rows, cols].astype(int), "count_others": others[rows, cols].astype(int),
        "log_odds": delta[rows, cols], "z": z[rows, cols],
    })


def distinctive_terms(articles: Sequence[Article], ngrams: tuple[int, ...] = (1, 2), alpha0: float | None = None,
                      min_count: int = 2, top: int | None = None) -> pd.DataFrame:
    """The terms that set each outlet apart from all the others, by weighted log-odds (z-scores).

    Terms are lowercased word n-grams of the orders in ``ngrams`` (words as in
    :func:`parallax.parse.segment.words`; an n-gram never spans punctuation or a paragraph break).
    Stopwords of the article's language (``data/stopwords/<lang>.txt``; none for a language
    without a file) are dropped as unigrams, and an n-gram that starts or ends with one is
    dropped. A term must occur ``min_count`` times in the whole corpus to be scored. Each order
    is scored separately, each outlet (its articles pooled) against all other outlets pooled.

    ``alpha0`` is the prior's total weight in pseudo-counts, spread over the terms in proportion
    to their corpus counts. By default it is ``DEFAULT_ALPHA0`` (1,000) or the number of term
    occurrences in the corpus, whichever is smaller, so that on a few short articles the prior
    never outweighs the data; a number given is used as is. Larger values shrink rare terms more.

    Only articles with ``.ok`` count. Returns one row per outlet and term the outlet uses, with
    columns ``TERM_COLUMNS`` (``rate_per_1000``: the term's count per 1,000 words of the
    outlet), sorted by outlet, then z descending; ``top`` keeps the first rows of each outlet.
    With fewer than two outlets the frame is empty.
    """
    orders = tuple(sorted(set(ngrams)))
    counts: dict[str, dict[int, Counter[str]]] = {}
    n_words: Counter[str] = Counter()
    for article in articles:
        if not article.ok:
            continue
        found, n = _count_terms(article.paragraphs, orders, stopwords(article.language or "en"), article.language or "en")
        mine = counts.setdefault(article.outlet, {k: Counter() for k in orders})
        for k in orders:
            mine[k].update(found[k])
        n_words[article.outlet] += n
    outlets = sorted(counts)
    if len(outlets) < 2:
        return pd.DataFrame(columns=TERM_COLUMNS)
    frames = [_score_order(outlets, [counts[o][k] for o in outlets], k, alpha0, min_count) for k in orders]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=TERM_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    table["rate_per_1000"] = table["count"] / table["outlet"].map(n_words).astype(float) * 1000
    table = table.sort_values(["outlet", "z", "term"], ascending=[True, False, True], kind="mergesort")
    if top is not None:
        table = table.groupby("outlet", sort=False).head(top)
    return table[TERM_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- lexicons

@dataclass(frozen=True)
class Entry:
    """One line of a lexicon: the term as listed and its category.

    A word list's term is matched word by word (``words``; ``prefix`` when it ends with "*");
    a regex lexicon's term is a regular expression (``pattern``).
    """

    term: str
    category: str
    words: tuple[str, ...] = ()
    prefix: bool = False
    pattern: re.Pattern[str] | regex.Pattern[str] | None = None   # regex: a researcher's, matched under a timeout
    line: int = 0                # the line of its file (0: bundled)


@dataclass(frozen=True)
class Lexicon:
    """A named list of terms (or regular expressions) to find in the articles."""

    name: str
    source: str                  # the file it was read from
    entries: tuple[Entry, ...]
    regex: bool = False          # entries are regular expressions, tried one by one
    cues: bool = False           # attribution cues: a hit counts only where attribution.py reads a cue


def _lines(text: str) -> list[str]:
    """Non-blank lines not starting with "#" (the convention of every data file)."""
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _entry(term: str, category: str) -> Entry | None:
    """A word-list entry: its words as :func:`parallax.parse.words.tokens` splits them, folded;
    None when the term has no word."""
    prefix = term.endswith("*")
    found = [w.key for w in word_tokens(term[:-1] if prefix else term) if w.is_word]
    return Entry(term, category, tuple(found), prefix) if found else None


def _parse(name: str, text: str, source: str, regex_lines: bool, user: bool = False) -> Lexicon:
    """A lexicon from the text of its file: ``term`` or ``term<TAB>category`` per line.

    A researcher's (``user``) regular expressions are compiled with the ``regex`` module, which
    matches under a timeout, and each is tried on :data:`_PROBES` first: one that backtracks
    there is refused naming its line, before anything is fetched.
    """
    entries: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        term, _, category = line.partition("\t")
        term, category = term.strip(), category.strip() or name
        if regex_lines:
            try:
                pattern = regex.compile(term, regex.IGNORECASE) if user else re.compile(term, re.IGNORECASE)
            except (re.error, regex.error) as exc:
                raise SpecError(source, f"lexicons.{name}", f"line {number} is not a valid regular expression ({exc})",
                                "fix or remove that line") from None
            entry: Entry | None = Entry(term, category, pattern=pattern, line=number)
            if user:
                _probe(entry, name, source)
        else:
            entry = _entry(term, category)
            if entry is None:
                raise SpecError(source, f"lexicons.{name}", f"line {number} ({term!r}) holds no word",
                                "write a word or phrase, or remove that line")
        entries.setdefault(term.lower(), entry)
    return Lexicon(name, source, tuple(entries.values()), regex=regex_lines)


def _slow_pattern(entry: Entry, name: str, source: str, seconds: float, where: str) -> SpecError:
    return SpecError(source, f"lexicons.{name}",
                     f"line {entry.line} ({entry.term!r}) takes over {seconds:g} s on {where}: the pattern "
                     "backtracks (nested repeats such as (a|aa)+ or (\\w+\\s?)+)",
                     "rewrite it without a repeat inside a repeat, or remove that line")


def _probe(entry: Entry, name: str, source: str) -> None:
    """Refuse a researcher's pattern that backtracks on a probe text."""
    seconds = thresholds.value("lexicon.probe_seconds")
    for text in _PROBES:
        try:
            for _ in entry.pattern.finditer(text, timeout=seconds):   # type: ignore[union-attr]
                pass
        except TimeoutError:
            raise _slow_pattern(entry, name, source, seconds, "a short test text") from None


class _PatternTimeout(Exception):
    def __init__(self, entry: Entry) -> None:
        self.entry = entry


def _matches(entry: Entry, text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the pattern's non-empty matches in a text; a researcher's pattern runs under
    ``lexicon.match_seconds`` (_PatternTimeout past it)."""
    assert entry.pattern is not None
    if not isinstance(entry.pattern, regex.Pattern):
        found = list(entry.pattern.finditer(text))
    else:
        try:
            found = list(entry.pattern.finditer(text, timeout=thresholds.value("lexicon.match_seconds")))
        except TimeoutError:
            raise _PatternTimeout(entry) from None
    return ((m.start(), m.end()) for m in found if m.end() > m.start())


def _bundled(name: str, *parts: str) -> Lexicon:
    text = resources.files("parallax").joinpath("data", *parts).read_text(encoding="utf-8")
    return _parse(name, text, "/".join(("parallax", "data") + parts), name in REGEX_LEXICONS)


def _attribution_cues() -> Lexicon:
    """The attribution verbs of ``data/cues.txt`` (read by attribution.py), classed by cue class."""
    entries = tuple(e for form, kind in attribution.cues().items() if (e := _entry(form, kind)) is not None)
    return Lexicon("attribution", "parallax/data/cues.txt", entries, cues=True)


def _hedges() -> Lexicon:
    """The hedges of ``data/hedges.txt``, as attribution.py reads them."""
    entries = tuple(Entry(p.pattern, "hedging", pattern=p) for p in attribution.hedge_patterns())
    return Lexicon("hedging", "parallax/data/hedges.txt", entries, regex=True)


def _read_text(name: str, path: str | Path, field: str = "") -> str:
    from parallax.spec import LEXICON_MAX_BYTES, read_capped

    field = field or f"lexicons.{name}"
    text = read_capped(Path(path), str(path), field, LEXICON_MAX_BYTES,
                       "a word list holds one term a line (optionally term<TAB>category); give a smaller file, "
                       "or remove the override to use the bundled lexicon")
    if not _lines(text):
        raise SpecError(str(path), field, "the lexicon file lists no terms",
                        "add one term a line (lines starting with # are comments)")
    return text


def check_lexicon_file(name: str, path: str | Path, field: str = "") -> None:
    """What can be checked of a researcher's lexicon file without the parser (before a run fetches
    anything): its size cap, that it lists terms, and for a regex lexicon that each line compiles and
    does not backtrack on the probes. Raises SpecError naming the file, where it was given (``field``:
    ``lexicons.NAME`` of the spec by default, ``--lexicon NAME=`` for the option), the line and the fix."""
    text = _read_text(name, path, field)
    if name in REGEX_LEXICONS:
        _parse(name, text, str(path), True, user=True)


def _read_override(name: str, path: str | Path) -> Lexicon:
    """The lexicon in a researcher's file, or a SpecError that names the file and the fix."""
    return _parse(name, _read_text(name, path), str(path), name in REGEX_LEXICONS, user=True)


def load_lexicons(overrides: Mapping[str, str | Path] | None = None) -> dict[str, Lexicon]:
    """The lexicons to look for, by name.

    The bundled ones are ``hedging`` (``data/hedges.txt``, one regular expression a line),
    ``intensifiers`` and ``loaded`` (``data/lexicons/*.txt``) and ``attribution`` (the verbs of
    ``data/cues.txt``, with their cue class as category). ``overrides`` maps a lexicon name to a
    file that replaces that lexicon, or adds a new one under a new name. An override file lists
    one term or phrase a line, optionally ``term<TAB>category`` (a ``hedging`` override: one
    regular expression a line). An overridden ``attribution`` lexicon is matched as plain words.

    Raises SpecError naming the file when an override cannot be read, lists no terms or holds
    an invalid regular expression.
    """
    lexicons = {
        "hedging": _hedges(),
        "intensifiers": _bundled("intensifiers", "lexicons", "intensifiers.txt"),
        "loaded": _bundled("loaded", "lexicons", "loaded.txt"),
        "attribution": _attribution_cues(),
    }
    for name, path in (overrides or {}).items():
        lexicons[name] = _read_override(name, path)
    return lexicons


# ---------------------------------------------------------------- hits

_Token = tuple[str, str, int, int, int]  # key, key without a possessive "'s", start, end, end without "'s"


@dataclass(frozen=True)
class _WordIndex:
    """A word list, indexed for matching: entries by first word (longest first), and the
    one-word entries that end in "*"."""

    first: dict[str, list[Entry]]
    prefixes: list[Entry]


def _index(lexicon: Lexicon) -> _WordIndex | list[Entry]:
    """The matcher of a lexicon: a word index, or the entries of a regex lexicon as they are."""
    if lexicon.regex:
        return list(lexicon.entries)
    first: dict[str, list[Entry]] = {}
    prefixes = []
    for e in lexicon.entries:
        if e.prefix and len(e.words) == 1:
            prefixes.append(e)
        else:
            first.setdefault(e.words[0], []).append(e)
    return _WordIndex(first, prefixes)


def _tokens(text: str, lang: str = "en") -> list[_Token]:
    """The words of a text (:func:`parallax.parse.words.tokens`) with their keys and offsets."""
    out = []
    for w in word_tokens(text, lang):
        if not w.is_word:
            continue
        key = w.key
        bare = _POSSESSIVE.sub("", key)
        out.append((key, bare, w.start, w.end, w.end - (len(key) - len(bare))))
    return out


def _match_at(text: str, toks: list[_Token], i: int, entry: Entry) -> int | None:
    """Where ``entry`` ends when it matches from token ``i`` on (white space only between its
    words; a possessive "'s" left out of the match), or None."""
    n = len(entry.words)
    if i + n > len(toks):
        return None
    end = -1
    for k, word in enumerate(entry.words):
        key, bare, start, stop, bare_stop = toks[i + k]
        if k and _GAP_BREAKS.search(text, toks[i + k - 1][3], start):
            return None
        if key == word:
            end = stop
        elif bare == word or (entry.prefix and k == n - 1 and bare.startswith(word)):
            end = bare_stop
        else:
            return None
    return end


def _find(matcher: _WordIndex | list[Entry], text: str, toks: list[_Token]) -> list[tuple[int, int, Entry]]:
    """(start, end, entry) of the non-overlapping matches in a text, in order; where matches
    overlap, the one starting first wins, then the one with more words ("terror attack" over "terror").
    ``toks`` are the text's :func:`_tokens`."""
    kept: list[tuple[int, int, Entry]] = []
    if isinstance(matcher, list):
        found = sorted(((start, end, e) for e in matcher if e.pattern is not None
                        for start, end in _matches(e, text)), key=lambda f: (f[0], -f[1]))
        for hit in found:
            if not kept or hit[0] >= kept[-1][1]:
                kept.append(hit)
        return kept
    i = 0
    while i < len(toks):
        key, bare = toks[i][0], toks[i][1]
        candidates = matcher.first.get(key, []) + (matcher.first.get(bare, []) if bare != key else [])
        candidates += [e for e in matcher.prefixes if bare.startswith(e.words[0])]
        best: tuple[int, Entry] | None = None
        for e in candidates:
            end = _match_at(text, toks, i, e)
            if end is not None and (best is None or (len(e.words), end) > (len(best[1].words), best[0])):
                best = (end, e)
        if best is None:
            i += 1
            continue
        kept.append((toks[i][2], best[0], best[1]))
        i += len(best[1].words)
    return kept


def _cue_spans(article: Article) -> dict[int, list[tuple[int, int]]]:
    """Sentence position -> the cue spans the article's attribution reads (offsets in the paragraph),
    from the parsed document attribution already made (nothing is attributed twice)."""
    return {s.position: [a.cue_span for a in s.attributions]
            for s in attribution.attribute_paragraphs(article.paragraphs, article.language or "en")}


def _in_a_cue(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """The word ends a cue ("said" in "has repeatedly said"; not "called" in "called for")."""
    return any(a <= start and end == b for a, b in spans)


def lexicon_hits(articles: Sequence[Article], lexicons: Mapping[str, Lexicon]) -> pd.DataFrame:
    """Every place a lexicon term occurs in the articles (only those with ``.ok``).

    Matching is case-insensitive and on whole words; within one lexicon, overlapping matches
    keep the longest. ``paragraph`` and ``sentence`` count from 0 (sentences over the whole
    article, split as :func:`parallax.parse.segment.split_sentences` does), ``start``/``end`` are
    character offsets in the paragraph, ``text`` is the sentence. Hits of the bundled
    ``attribution`` lexicon count only where attribution.py reads the word as a cue (not "the
    claims", "called for", "to say"); an overridden one counts every occurrence.
    Returns a frame with columns ``HIT_COLUMNS``.
    """
    matchers = {name: _index(lex) for name, lex in lexicons.items()}
    rows: list[dict[str, object]] = []
    for article in articles:
        if not article.ok:
            continue
        lang = article.language or "en"
        cue_spans = _cue_spans(article) if any(lex.cues for lex in lexicons.values()) else {}
        position = 0
        for p, para in enumerate(article.paragraphs):
            for start, end in split_sentences(para, lang):
                sentence = para[start:end]
                found: list[tuple[int, int, str, Entry]] = []
                toks = _tokens(sentence, lang)
                for name, lex in lexicons.items():
                    try:
                        mine = _find(matchers[name], sentence, toks)
                    except _PatternTimeout as slow:
                        seconds = thresholds.value("lexicon.match_seconds")
                        raise _slow_pattern(slow.entry, name, lex.source, seconds,
                                            f"a sentence of {article.outlet} (paragraph {p + 1})") from None
                    if mine and lex.cues:
                        spans = cue_spans.get(position, [])
                        mine = [f for f in mine if _in_a_cue(start + f[0], start + f[1], spans)]
                    found.extend((s, e, name, entry) for s, e, entry in mine)
                found.sort(key=lambda f: f[0])  # reading order; ties keep the lexicons' order
                rows.extend({
                    "outlet": article.outlet, "lexicon": name, "category": entry.category, "term": entry.term,
                    "match": sentence[s:e], "paragraph": p, "sentence": position,
                    "start": start + s, "end": start + e, "text": sentence,
                } for s, e, name, entry in found)
                position += 1
    return pd.DataFrame(rows, columns=HIT_COLUMNS)


def lexicon_rates(hits: pd.DataFrame, articles: Sequence[Article],
                  lexicons: Mapping[str, Lexicon] | None = None) -> pd.DataFrame:
    """Hits per 1,000 words for every outlet, lexicon and category, zeros included.

    The (lexicon, category) pairs are those in ``hits``, plus, when ``lexicons`` is given, every
    category of every lexicon (so a lexicon nobody used shows as zeros). ``words`` counts the
    words of the outlet's articles with ``.ok``. Returns a frame with columns ``RATE_COLUMNS``.
    """
    n_words: dict[str, int] = {}
    for article in articles:
        if article.ok:
            n_words[article.outlet] = n_words.get(article.outlet, 0) + article.words
    pairs: dict[tuple[str, str], None] = {}
    for name, lex in (lexicons or {}).items():
        pairs.update(((name, e.category), None) for e in lex.entries)
    pairs.update(((str(lx), str(c)), None) for lx, c in zip(hits["lexicon"], hits["category"]))
    counted = Counter(zip(hits["outlet"], hits["lexicon"], hits["category"]))
    rows = [{"outlet": outlet, "lexicon": lx, "category": cat, "hits": counted.get((outlet, lx, cat), 0),
             "words": words} for outlet, words in n_words.items() for lx, cat in pairs]
    table = pd.DataFrame(rows, columns=RATE_COLUMNS)
    table["per_1000"] = [h / w * 1000 if w else 0.0 for h, w in zip(table["hits"], table["words"])]
    return table.astype({"hits": int, "words": int, "per_1000": float})
