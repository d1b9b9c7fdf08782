"""Is a candidate another outlet's version of the seed's story? Signals, a trained score, one pick per outlet.

Two stages, as a person would do it:

1. **Read the listing** (:func:`signals`): for every candidate, what a feed, a sitemap or a search
   service gives of it (its title, its description, its date) against the seed's title, lede and date:
   how much of the seed's title and lede the candidate's words share, weighted by how rare each word is
   among all the candidates (TF-IDF cosine); the cosine of the two texts' static sentence vectors
   (:mod:`parallax.compare.encoder`); the seed's names and numbers the candidate repeats; how many days
   apart the two were published.
2. **Read the lede** (:func:`lede_signal`): for the best candidates of each outlet, the first sentences of
   the page (or, without a page, its description) against the seed's first sentences, scored by the
   claims' own same-claim matcher (:class:`parallax.compare.pairs.LearnedMatcher`): the highest
   probability that a sentence of one lede carries a claim of the other.

A logistic regression over these signals (:data:`FEATURES`; weights and model card in
``parallax/models/discover/``, rebuilt by ``make train`` from BASIL's triplets) gives the probability
that the candidate is the same story. :func:`choose` keeps one candidate per outlet, the most probable,
when it clears the model's threshold, and says of every other candidate why it was not chosen.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Mapping, Sequence

import numpy as np

from parallax.compare.align import numbers as _all_numbers
from parallax.compare.pairs import STOPWORDS
from parallax.parse.words import fold, keys, stem_word

FEATURES = ("title_cos", "text_cos", "vector_cos", "names", "numbers", "days", "lede")
LEDE_SENTENCES = 3     # sentences of each lede compared in stage 2
LEDE_WORDS = 90        # words of a seed's lede read in stage 1
DAYS_CAP = 7.0         # a date difference counts up to a week; beyond that the window decides
UNDATED_DAYS = 1.0     # a candidate or a seed without a date counts as a day apart (a typical same-story gap)
_CAPITAL = re.compile(r"\b[^\W\d_][\w'’.-]*")
_STOP = STOPWORDS | {"say", "new", "one", "two", "amid"}   # the claims' stopwords, and words every headline uses


@dataclass(frozen=True)
class Candidate:
    """A page some source proposes as a version of the story."""

    outlet: str                          # the outlet's name (from the outlets file), else the site's host
    url: str
    title: str
    description: str = ""                # the feed's summary, the sitemap's keywords, a search snippet
    published: datetime | None = None    # timezone-aware
    source: str = ""                     # the source that proposed it ("feeds", "gdelt", "mediacloud")


@dataclass(frozen=True)
class Seed:
    """The story the user starts from: an article (title, lede, date) or a query (title only)."""

    title: str
    lede: str = ""
    published: datetime | None = None
    outlet: str = ""                     # the seed's own outlet, whose other pages are not versions of it
    url: str = ""
    file: str = ""
    language: str = "en"
    query: bool = False                  # a search query, not an article

    @property
    def text(self) -> str:
        """Title and the first words of the lede: what stage 1 reads of the seed."""
        words = self.lede.split()
        return f"{bare_title(self.title)}\n{' '.join(words[:LEDE_WORDS])}".strip()


@dataclass
class Judged:
    """A candidate with its signals, its probability of being the same story, and the decision."""

    candidate: Candidate
    signals: dict[str, float]
    score: float = 0.0
    accepted: bool = False
    reason: str = ""
    shared_names: tuple[str, ...] = ()
    confirmed: bool = False              # stage 2 read its lede
    dated: bool = True                   # both it and the seed have a date
    note: str = ""                       # what stage 2 could not do ("page not read: HTTP 403")


# ---------------------------------------------------------------- stage 1: the listing

_SITE_SUFFIX = re.compile(r"\s+[|\-–—]\s+([^|\-–—]+)$")


def bare_title(title: str) -> str:
    """A title without the site's name a page or a search result appends ("... | BBC News", "... - The
    Harbor Times"): a last segment of at most four words after at least four."""
    found = _SITE_SUFFIX.search(title)
    if found and len(found.group(1).split()) <= 4 and len(title[:found.start()].split()) >= 4:
        return title[:found.start()].strip()
    return title.strip()


def _terms(text: str, lang: str) -> list[str]:
    return [stem_word(w, lang) for w in keys(text, lang)
            if any(c.isalpha() for c in w) and w not in _STOP and len(w) > 1]


def _names(text: str) -> set[str]:
    """Capitalised words that are not the first of a sentence or line, folded (titles are often in
    title case, so a title's words count only when the lede capitalises them too)."""
    out: set[str] = set()
    for line in re.split(r"(?<=[.!?:])\s+|\n", text):
        for m in list(_CAPITAL.finditer(line))[1:]:
            if not m.group()[0].isupper():
                continue
            word = fold(m.group().rstrip(".'’"), accents=False)
            if word and word not in _STOP and len(word) > 1:
                out.add(word)
    return out


def _numbers(text: str) -> set[str]:
    """The numbers of two digits or more (one digit is too common to tell stories apart)."""
    return {n for n in _all_numbers(text) if len(n) >= 2}


def _tfidf(docs: Sequence[Counter[str]], idf: Mapping[str, float]) -> list[dict[str, float]]:
    out = []
    for counts in docs:
        vec = {t: (1.0 + math.log(n)) * idf.get(t, 0.0) for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def _cos(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return float(sum(v * b.get(t, 0.0) for t, v in a.items()))


def _days(seed: Seed, c: Candidate) -> float | None:
    if seed.published is None or c.published is None:
        return None
    return abs((c.published - seed.published).total_seconds()) / 86400.0


def signals(seed: Seed, candidates: Sequence[Candidate]) -> list[Judged]:
    """Stage 1: the listing's signals of every candidate against the seed (no network)."""
    from parallax.compare.encoder import encoder

    lang = seed.language or "en"
    if not candidates:
        return []
    titles_read = [bare_title(c.title) for c in candidates]
    cand_titles = [Counter(_terms(t, lang)) for t in titles_read]
    cand_texts = [Counter(_terms(f"{t}\n{c.description}", lang)) for t, c in zip(titles_read, candidates)]
    seed_title, seed_text = Counter(_terms(bare_title(seed.title), lang)), Counter(_terms(seed.text, lang))
    df: Counter[str] = Counter()
    for counts in (*cand_texts, seed_text):
        df.update(counts.keys())
    n = len(candidates) + 1
    idf = {t: math.log((n + 1) / (k + 1)) + 1.0 for t, k in df.items()}
    st, sx = _tfidf([seed_title, seed_text], idf)
    titles, texts = _tfidf(cand_titles, idf), _tfidf(cand_texts, idf)
    vectors = encoder().encode([seed.text] + [f"{t}\n{c.description}" for t, c in zip(titles_read, candidates)])
    vector_cos = vectors[1:] @ vectors[0]
    seed_names = _names(" ".join(seed.lede.split()[:LEDE_WORDS])) or _names(seed.title)
    # a name's weight is how rare it is among the candidates, as for words
    name_df = Counter(nm for c in candidates for nm in _folded_words(f"{c.title} {c.description}") & seed_names)
    name_weight = {nm: math.log((n + 1) / (name_df.get(nm, 0) + 1)) + 1.0 for nm in seed_names}
    total_names = sum(name_weight.values()) or 1.0
    seed_numbers = _numbers(seed.text)
    out = []
    for i, c in enumerate(candidates):
        words = _folded_words(f"{c.title} {c.description}")
        shared = sorted(seed_names & words, key=lambda nm: -name_weight[nm])
        days = _days(seed, c)
        feats = {
            "title_cos": _cos(st, titles[i]),
            "text_cos": _cos(sx, texts[i]),
            "vector_cos": float(vector_cos[i]),
            "names": sum(name_weight[nm] for nm in shared) / total_names,
            "numbers": float(min(3, len(seed_numbers & _numbers(f"{c.title} {c.description}")))),
            "days": min(days if days is not None else UNDATED_DAYS, DAYS_CAP) / DAYS_CAP,
            "lede": 0.0,
        }
        out.append(Judged(c, feats, shared_names=tuple(shared), dated=days is not None))
    return out


def _folded_words(text: str) -> set[str]:
    return {fold(w.rstrip(".'’"), accents=False) for w in re.findall(r"[^\W_][\w'’.-]*", text)}


# ---------------------------------------------------------------- stage 2: the lede

def lede_sentences(text: str, lang: str = "en", most: int = LEDE_SENTENCES) -> list[str]:
    """The first ``most`` sentences of a text (its paragraphs as :mod:`parallax.parse.segment` splits them)."""
    from parallax.parse.segment import paragraphs, split_sentences

    out: list[str] = []
    for para in paragraphs(text):
        for start, end in split_sentences(para, lang):
            sentence = para[start:end].strip()
            if len(sentence.split()) >= 4:
                out.append(sentence)
            if len(out) >= most:
                return out
    return out


def lede_signal(seed_lede: Sequence[str], lede: Sequence[str], lang: str = "en") -> float:
    """Stage 2: the highest same-claim probability between a sentence of the seed's lede and one of
    the candidate's (the claims' matcher, cross-encoder included); 0 when either is empty."""
    pairs = [(a, b) for a in seed_lede for b in lede]
    if not pairs:
        return 0.0
    return float(np.max(_matcher().score_pairs(pairs, lang)))


@lru_cache(maxsize=1)
def _matcher():  # type: ignore[no-untyped-def]
    from parallax.compare.pairs import LearnedMatcher

    return LearnedMatcher()


# ---------------------------------------------------------------- the score and the choice

@dataclass(frozen=True)
class Model:
    """Logistic regression over :data:`FEATURES` and the threshold a candidate must clear."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    shortlist: int = 3          # candidates of each outlet whose ledes are read
    listing_weights: dict[str, float] = field(default_factory=dict)   # stage 1's model, to shortlist with
    listing_bias: float = 0.0

    def probability(self, feats: Mapping[str, float]) -> float:
        """The probability that the candidate is the same story (both stages' signals)."""
        return _logistic(self.bias + sum(w * feats.get(k, 0.0) for k, w in self.weights.items()))

    def listing_probability(self, feats: Mapping[str, float]) -> float:
        """The same from the listing's signals alone (stage 1's model): which ledes are worth reading."""
        return _logistic(self.listing_bias + sum(w * feats.get(k, 0.0) for k, w in self.listing_weights.items()))


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model (``parallax/models/discover/weights.json``)."""
    data = json.loads(resources.files("parallax").joinpath("models", "discover", "weights.json").read_text("utf-8"))
    return Model(dict(data["weights"]), float(data["bias"]), float(data["threshold"]), int(data["shortlist"]),
                 dict(data["listing"]["weights"]), float(data["listing"]["bias"]))


def why(j: Judged) -> str:
    """The signals of a candidate in words: "title 0.52, lede 0.61, 4 names shared (steele, rnc), 1 day apart"."""
    s = j.signals
    parts = [f"title {s['title_cos']:.2f}", f"text {s['text_cos']:.2f}"]
    if j.confirmed:
        parts.append(f"lede {s['lede']:.2f}")
    if j.shared_names:
        parts.append(f"names shared: {', '.join(j.shared_names[:4])}")
    if s["numbers"]:
        parts.append(f"{int(s['numbers'])} number{'s' if s['numbers'] > 1 else ''} shared")
    if j.dated:
        days = s["days"] * DAYS_CAP
        parts.append("same day" if days < 1 else f"{days:.0f} day{'s' if round(days) != 1 else ''} apart"
                     + ("+" if days >= DAYS_CAP else ""))
    return ", ".join(parts)


def choose(judged: Sequence[Judged], model: Model, seed_outlet: str = "", most: int | None = None) -> list[Judged]:
    """Decide every candidate not decided yet (without a reason): per outlet the most probable one, when
    it clears the threshold; then at most ``most`` outlets, the most probable first. Every candidate gets
    a reason. Returns the accepted ones, best first."""
    by_outlet: dict[str, list[Judged]] = {}
    for j in judged:
        by_outlet.setdefault(j.candidate.outlet, []).append(j)
    winners = []
    for outlet, items in by_outlet.items():
        if seed_outlet and outlet.casefold() == seed_outlet.casefold():
            for j in items:
                j.reason = j.reason or "the seed's own outlet"
            continue
        items = sorted((j for j in items if not j.reason), key=lambda j: -j.score)   # those already decided stay so
        if not items:
            continue
        best = items[0]
        if best.score >= model.threshold:
            winners.append(best)
        elif not best.reason:
            best.reason = _below(best, model)
        for j in items[1:]:
            if j.reason:
                continue
            if best.score >= model.threshold:
                j.reason = f"{outlet}'s closer version is chosen (score {best.score:.2f}); " + (
                    "a second version of it" if j.score >= model.threshold else _miss(j))
            else:
                j.reason = _below(j, model)
    winners.sort(key=lambda j: -j.score)
    for rank, j in enumerate(winners):
        if most is not None and rank >= most:
            j.reason = f"past --max {most}"
            continue
        j.accepted = True
        j.reason = "chosen: " + why(j)
    return [j for j in winners if j.accepted]


def _same_topic(j: Judged) -> bool:
    """Close enough to be about the same thing: two names of the seed's lede, or a third of its title's weight."""
    return len(j.shared_names) >= 2 or j.signals["title_cos"] >= 0.3


def _miss(j: Judged) -> str:
    if not _same_topic(j):
        return "another story"
    if j.confirmed and j.signals["lede"] < 0.5:
        return "same topic, another story: its lede carries none of the seed's claims"
    return "same topic, another story"


def _below(j: Judged, model: Model) -> str:
    what = _miss(j) if j.confirmed else "not the same story by its listing"
    return f"{what} (score {j.score:.2f} < {model.threshold:.2f}; {why(j)})"
