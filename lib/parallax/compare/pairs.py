"""Do two claim units say the same thing? Signals of a pair, combined by a model trained on data.

Each unit is read once into a :class:`Profile` (its words, word n-grams, stems, numbers, names,
negation, the static sentence vector of :mod:`parallax.compare.encoder`), taken from the claim with
its attribution wrapper removed ("Lavrov said that X" -> "X"). A pair's signals (:data:`FEATURES`):
how many of each text's word 1- to 4-grams the other has, stem overlap, length difference, numbers
shared or in conflict, names shared, negation on one side only, and the cosine of the two vectors.
A logistic regression trained on MSRP train and on cross-outlet sentence pairs of hand-annotated
BASIL triplets (``bench/train_matcher.py``; weights and model card in ``parallax/models/matcher/``)
turns them into the probability that the two carry the same claim.

The same features are computed two ways with one code path: for a list of pairs (training, the
benchmark) and for every pair of a story's units at once (counted from the units that hold each
word n-gram), so the
probabilities a run groups with are the ones that were measured.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np

from parallax.compare.align import number_conflicts
from parallax.compare.encoder import encoder
from parallax.outlet.attribution import claim_core
from parallax.parse.words import keys, stem_word
from parallax.thresholds import value as limit

NGRAMS = (1, 2, 3, 4)
NEGATIONS = frozenset("not no never n't nobody nothing none neither nor without".split())
STOPWORDS = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being
it its this that these those he she they we you i his her their our your them him us so than then there
here which who whom whose what when where why how also has have had do does did will would can could may might
shall should must into about over after before under up down out off again very just more most such only own same
other some any each both few all too s t said says""".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

FEATURES = tuple(
    [f"{k}{n}" for n in NGRAMS for k in ("gram_min", "gram_max", "gram_f1")]
    + ["stem_min", "stem_max", "stem_jaccard", "len_logratio", "len_diff", "num_both", "num_conflict",
       "num_jaccard", "name_jaccard", "name_diff", "neg_xor", "wrapped", "vector_cos"])


@dataclass(frozen=True)
class Profile:
    """What the pair signals read of one unit."""

    grams: tuple[frozenset[str], ...]   # word n-grams, n = 1..4, of the folded words
    stems: frozenset[str]               # stems of the content words
    numbers: frozenset[str]
    names: frozenset[str]               # capitalised words after the first
    negated: bool
    length: int                         # words
    wrapped: bool                       # the unit had an attribution wrapper taken off


@lru_cache(maxsize=50_000)
def profile(text: str, lang: str = "en") -> Profile:
    core = claim_core(text, lang)
    return _profile(core, core != text, lang)


def _profile(core: str, wrapped: bool, lang: str) -> Profile:
    words = [w for w in keys(core, lang) if any(c.isalnum() for c in w)]
    grams = tuple(frozenset(" ".join(words[i:i + n]) for i in range(len(words) - n + 1)) for n in NGRAMS)
    stems = frozenset(stem_word(w, lang) for w in words if w not in STOPWORDS and not w[:1].isdigit())
    capitals = re.findall(r"\b[^\W\d_][\w'’-]*", core)
    names = frozenset(w.casefold() for w in capitals[1:] if w[:1].isupper())
    return Profile(grams=grams, stems=stems, numbers=frozenset(n.replace(",", "") for n in _NUMBER.findall(core)),
                   names=names, negated=bool(NEGATIONS & set(words)), length=len(words), wrapped=wrapped)


PAIR_BATCH = 2_000_000   # unit pairs generated, or matrix cells counted, at once when counting shared items


def _count_into(flat_out: np.ndarray, cells: np.ndarray) -> None:
    """Add to ``flat_out`` one for each occurrence of each cell index, a band of at most
    :data:`PAIR_BATCH` cells at a time (the counts of a band are the only temporary array)."""
    cells = np.sort(cells)
    for start in range(0, len(flat_out), PAIR_BATCH):
        stop = min(start + PAIR_BATCH, len(flat_out))
        lo, hi = np.searchsorted(cells, [start, stop])
        if hi > lo:
            flat_out[start:stop] += np.bincount(cells[lo:hi] - start, minlength=stop - start)


def _shared_matrix(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """n x n: how many items each two units share (|A ∩ B|), from the units that hold each item,
    counted in batches of items so that memory stays bounded however common an item is.

    Only the pairs i < j of each item's holders are counted (then mirrored); the diagonal is each
    set's size, and an item one unit alone holds costs nothing."""
    n = len(sets)
    vocab: dict[str, int] = {}
    units, items = [], []
    for i, members in enumerate(sets):
        for item in members:
            units.append(i)
            items.append(vocab.setdefault(item, len(vocab)))
    out = np.zeros((n, n), dtype=np.float32)   # counts of the pairs i < j, then mirrored
    flat_out = out.reshape(-1)
    blocks: list[np.ndarray] = []               # holders of the items many units hold, added as blocks
    if units:
        order = np.argsort(np.asarray(items), kind="stable")
        holders = np.asarray(units, dtype=np.int64)[order]    # ascending within each item
        sorted_items = np.asarray(items)[order]
        starts = np.flatnonzero(np.r_[True, sorted_items[1:] != sorted_items[:-1]])
        sizes = np.diff(np.r_[starts, len(holders)]).astype(np.int64)
        pairs = sizes * (sizes - 1) // 2
        batch = PAIR_BATCH                       # pairs generated at once: a few arrays of this length
        blocks = [holders[starts[k]:starts[k] + sizes[k]] for k in np.flatnonzero(pairs > batch)]
        groups = np.flatnonzero((pairs > 0) & (pairs <= batch))
        cost = np.cumsum(pairs[groups])
        first = 0
        while first < len(groups):
            last = max(int(np.searchsorted(cost, (cost[first - 1] if first else 0) + batch, side="right")), first + 1)
            g = groups[first:last]
            size = sizes[g]
            # each holder entry of these items, its place in its item, and how many holders follow it
            pos = np.repeat(starts[g], size) + (np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size))
            rep = np.repeat(size, size) - (pos - np.repeat(starts[g], size)) - 1
            rows = np.repeat(holders[pos], rep)
            after = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
            cols = holders[np.repeat(pos, rep) + 1 + after]
            _count_into(flat_out, rows * n + cols)
            first = last
    out += out.T
    if blocks:   # the items many units hold: one column each, counted by a matrix product, a band of rows at a time
        held = np.zeros((n, len(blocks)), dtype=np.float32)
        for k, h in enumerate(blocks):
            held[h, k] = 1.0
        band = max(1, PAIR_BATCH // n)
        for start in range(0, n, band):
            out[start:start + band] += held[start:start + band] @ held.T
    np.fill_diagonal(out, [len(members) for members in sets])
    return out


class _Pairs:
    """Features of the pairs (i, j) of a list of units: either given index arrays, or all pairs (a matrix)."""

    def __init__(self, profiles: Sequence[Profile], vectors: np.ndarray, ii: np.ndarray | None = None,
                 jj: np.ndarray | None = None) -> None:
        self.p, self.v, self.ii, self.jj = profiles, vectors, ii, jj

    def shared(self, sets: Sequence[frozenset[str]]) -> np.ndarray:
        if self.ii is None:
            return _shared_matrix(sets)
        return np.array([len(sets[i] & sets[j]) for i, j in zip(self.ii, self.jj)], dtype=np.float32)

    def each(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values = np.asarray(values, dtype=np.float32)
        if self.ii is None:
            return values[:, None], values[None, :]
        return values[self.ii], values[self.jj]

    def features(self) -> dict[str, np.ndarray]:
        return dict(self.each_feature())

    def each_feature(self) -> Iterator[tuple[str, np.ndarray]]:
        """Each feature of :data:`FEATURES` in turn, by name: a caller that uses one and lets it go holds
        a few n x n arrays at a time instead of all of them."""
        shape = (len(self.p), len(self.p)) if self.ii is None else (len(self.ii),)

        def out(name: str, value: object) -> tuple[str, np.ndarray]:
            return name, np.broadcast_to(np.asarray(value, dtype=np.float32), shape)

        for k, n in enumerate(NGRAMS):
            sets = [p.grams[k] for p in self.p]
            both = self.shared(sets)
            la, lb = self.each(np.array([len(s) for s in sets]))
            pa, pb = both / np.maximum(la, 1), both / np.maximum(lb, 1)
            yield out(f"gram_min{n}", np.minimum(pa, pb))
            yield out(f"gram_max{n}", np.maximum(pa, pb))
            del pa, pb
            yield out(f"gram_f1{n}", 2 * both / np.maximum(la + lb, 1))
        stems = [p.stems for p in self.p]
        both = self.shared(stems)
        la, lb = self.each(np.array([len(s) for s in stems]))
        yield out("stem_min", np.minimum(both / np.maximum(la, 1), both / np.maximum(lb, 1)))
        yield out("stem_max", np.maximum(both / np.maximum(la, 1), both / np.maximum(lb, 1)))
        yield out("stem_jaccard", both / np.maximum(la + lb - both, 1))
        wa, wb = self.each(np.array([p.length for p in self.p]))
        yield out("len_logratio", np.abs(np.log((wa + 1) / (wb + 1))))
        yield out("len_diff", np.abs(wa - wb) / np.maximum(np.maximum(wa, wb), 1))
        nums = [p.numbers for p in self.p]
        both = self.shared(nums)
        na, nb = self.each(np.array([len(s) for s in nums]))
        has = (na > 0) & (nb > 0)
        yield out("num_both", has.astype(np.float32))
        yield out("num_conflict", (has & (both == 0)).astype(np.float32))
        union = na + nb - both
        yield out("num_jaccard", np.where(union > 0, both / np.maximum(union, 1), 0.0))
        del has, union
        names = [p.names for p in self.p]
        both = self.shared(names)
        ca, cb = self.each(np.array([len(s) for s in names]))
        union = ca + cb - both
        yield out("name_jaccard", np.where(union > 0, both / np.maximum(union, 1), 1.0))
        yield out("name_diff", union - both)
        del both, union
        ga, gb = self.each(np.array([p.negated for p in self.p]))
        yield out("neg_xor", (ga != gb).astype(np.float32))
        ra, rb = self.each(np.array([p.wrapped for p in self.p]))
        yield out("wrapped", ra + rb)
        if self.ii is None:
            yield out("vector_cos", self.v @ self.v.T)
        else:
            yield out("vector_cos", np.einsum("ij,ij->i", self.v[self.ii], self.v[self.jj]))


@dataclass(frozen=True)
class PairModel:
    """A logistic regression over :data:`FEATURES` (standardised), from ``models/matcher/weights.json``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    @classmethod
    def from_json(cls, data: dict) -> "PairModel":
        return cls(tuple(data["features"]), np.asarray(data["mean"], dtype=np.float32),
                   np.asarray(data["scale"], dtype=np.float32), np.asarray(data["coef"], dtype=np.float32),
                   float(data["intercept"]), float(data["threshold"]))

    def probability(self, feats: Mapping[str, np.ndarray] | Iterable[tuple[str, np.ndarray]]) -> np.ndarray:
        """The probability of each pair, from its features: a mapping by name, or (name, value) pairs in
        any order (:meth:`_Pairs.each_feature`), each let go once it has been added in."""
        pending = dict(feats) if isinstance(feats, Mapping) else {}
        stream = iter(()) if isinstance(feats, Mapping) else iter(feats)
        logit = None
        for k, name in enumerate(self.features):
            while name not in pending:
                got, value = next(stream)
                pending[got] = value
            term = (pending.pop(name) - self.mean[k]) * (self.coef[k] / self.scale[k])
            if logit is None:
                logit = term       # a new array: arithmetic on a feature never returns the feature itself
            else:
                logit += term
            del term
        logit += self.intercept    # 1 / (1 + exp(-logit)), in place: one n x n array for the whole model
        np.negative(logit, out=logit)
        np.exp(logit, out=logit)
        logit += 1.0
        return np.divide(1.0, logit, out=logit)


@lru_cache(maxsize=1)
def model() -> PairModel:
    """The shipped pair model."""
    text = resources.files("parallax").joinpath("models", "matcher", "weights.json").read_text(encoding="utf-8")
    return PairModel.from_json(json.loads(text))


def profiles_and_vectors(texts: Sequence[str], lang: str = "en") -> tuple[list[Profile], np.ndarray]:
    profiles = [profile(t, lang) for t in texts]
    vectors = encoder().encode([claim_core(t, lang) for t in texts])
    return profiles, vectors


def pair_features(pairs: Sequence[tuple[str, str]], lang: str = "en") -> dict[str, np.ndarray]:
    """The features of each pair of texts (training and benchmarks)."""
    texts = sorted({t for pair in pairs for t in pair})
    index = {t: i for i, t in enumerate(texts)}
    profiles, vectors = profiles_and_vectors(texts, lang)
    ii = np.array([index[a] for a, _ in pairs], dtype=np.intp)
    jj = np.array([index[b] for _, b in pairs], dtype=np.intp)
    return _Pairs(profiles, vectors, ii, jj).features()


def matrix_features(texts: Sequence[str], lang: str = "en") -> dict[str, np.ndarray]:
    """The features of every pair of texts, as n x n matrices."""
    return dict(each_matrix_feature(texts, lang))


def each_matrix_feature(texts: Sequence[str], lang: str = "en") -> Iterator[tuple[str, np.ndarray]]:
    """:func:`matrix_features` one at a time (bounded memory for :meth:`PairModel.probability`)."""
    profiles, vectors = profiles_and_vectors(texts, lang)
    return _Pairs(profiles, vectors).each_feature()


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def combine(feature_prob: np.ndarray, cross_prob: np.ndarray, weight: float | None = None) -> np.ndarray:
    """The matcher's probability of a pair the cross-encoder read: the weighted mean of the two
    models' log-odds (weight ``align.rerank_weight`` on the cross-encoder)."""
    w = limit("align.rerank_weight") if weight is None else weight
    z = w * _logit(np.asarray(cross_prob, dtype=np.float64)) + (1 - w) * _logit(np.asarray(feature_prob, dtype=np.float64))
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def in_band(prob: np.ndarray) -> np.ndarray:
    """Where the pair model is uncertain enough for the cross-encoder to be asked."""
    return (prob >= limit("align.rerank_low")) & (prob < limit("align.rerank_high"))


RANK_CELLS = 4_000_000   # matrix cells sorted at once when choosing each unit's best pairs


def rerank_candidates(prob: np.ndarray, cross: np.ndarray, budget: int, per_unit: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i < j) the cross-encoder reads: cross-outlet pairs in the uncertain band, each
    unit's ``per_unit`` most probable ones, then the most probable of those up to ``budget``.
    Deterministic: ties go to the lower indices."""
    n = len(prob)
    if n < 2 or budget <= 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    ok = in_band(prob) & cross
    np.fill_diagonal(ok, False)
    keyed = np.where(ok, prob, -1.0)
    del ok
    k = min(per_unit, n - 1)
    rows_at_once = max(1, RANK_CELLS // n)   # the row-wise sort holds this many rows of indices at a time
    top = np.concatenate([np.argsort(-keyed[s:s + rows_at_once], axis=1, kind="stable")[:, :k]
                          for s in range(0, n, rows_at_once)])
    rows = np.repeat(np.arange(n), k)
    cols = top.ravel()
    keep = keyed[rows, cols] >= 0
    a, b = np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])
    flat = np.unique(a * n + b)
    a, b = flat // n, flat % n
    order = np.lexsort((flat, -prob[a, b]))[:budget]
    return a[order], b[order]


@dataclass
class LearnedMatcher:
    """The default matcher: the pair model's probability that two units carry the same claim; for
    the pairs it is unsure of (cross-outlet, within the thresholds' rerank band, up to a budget), the
    cross-encoder of :mod:`parallax.compare.reranker` is read too and the two are combined."""

    name: str = "learned"
    link: float | None = None    # the grouping threshold; None: the thresholds table's align.learned_link
    join: float | None = None    # a unit's second group; None: align.learned_attach (see align.group)
    rerank: bool = True          # ask the cross-encoder (English only)
    budget: int | None = None    # pairs it reads per story; None: align.rerank_budget
    last: dict = field(default_factory=dict, compare=False)   # what the last similarity() did

    @property
    def threshold(self) -> float:
        """The probability two units need to be linked into one claim group."""
        return limit("align.learned_link") if self.link is None else self.link

    @property
    def attach(self) -> float:
        """The probability a unit needs to join a second group (:func:`parallax.compare.align.group`)."""
        return limit("align.learned_attach") if self.join is None else self.join

    @property
    def pair_threshold(self) -> float:
        """The probability above which one pair is called "the same claim"."""
        return 0.5 if self.rerank else model().threshold

    def similarity(self, sentences: Sequence[str], lang: str = "en", outlets: Sequence[str] | None = None) -> np.ndarray:
        """The probability of every pair (n x n; the diagonal is 1). ``outlets`` (one per sentence)
        keeps the cross-encoder to pairs from different outlets."""
        if not sentences:
            return np.zeros((0, 0), dtype=np.float32)
        # identical units (wire copy that several outlets run) are scored once
        unique, inverse = np.unique(np.asarray(sentences, dtype=object), return_inverse=True)
        prob = model().probability(each_matrix_feature(list(unique), lang))
        self.last = {"pairs_in_band": 0, "pairs_reranked": 0}
        if self.rerank and lang == "en" and len(unique) > 1:
            prob = self._rerank(list(unique), prob, _cross_outlet(inverse, outlets, len(unique)))
        prob = prob[np.ix_(inverse, inverse)]
        np.fill_diagonal(prob, 1.0)
        return prob

    def _rerank(self, texts: list[str], prob: np.ndarray, cross: np.ndarray) -> np.ndarray:
        from parallax.compare.reranker import reranker

        budget = int(limit("align.rerank_budget")) if self.budget is None else self.budget
        a, b = rerank_candidates(prob, cross, budget, int(limit("align.rerank_per_unit")))
        band = in_band(prob) & cross
        self.last = {"pairs_in_band": int(np.triu(band, k=1).sum()), "pairs_reranked": len(a), "budget": budget}
        if len(a):   # the cross-encoder reads the units as written, as it was trained
            combined = combine(prob[a, b], reranker().probability([(texts[i], texts[j]) for i, j in zip(a, b)]))
            prob = prob.copy()
            prob[a, b] = combined
            prob[b, a] = combined
        return prob

    def score_pairs(self, pairs: Sequence[tuple[str, str]], lang: str = "en") -> np.ndarray:
        """The probability of each pair."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        prob = model().probability(pair_features(pairs, lang)).astype(np.float32)
        if self.rerank and lang == "en":
            from parallax.compare.reranker import reranker

            ask = np.flatnonzero(in_band(prob))
            if len(ask):
                prob[ask] = combine(prob[ask], reranker().probability([pairs[i] for i in ask]))
        return prob

    def compatible(self, a: str, b: str) -> bool:
        """False when both name numbers and they share none ("91 drones" vs "19 drones")."""
        return not number_conflicts([a, b])[0, 1]

    def conflicts(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`compatible` of every pair at once."""
        return number_conflicts(texts)


def _cross_outlet(inverse: np.ndarray, outlets: Sequence[str] | None, n: int) -> np.ndarray:
    """n x n over unique texts: True unless both texts occur in one outlet only, the same one."""
    if outlets is None:
        return np.ones((n, n), dtype=bool)
    ids: dict[str, int] = {}
    only: list[set[int]] = [set() for _ in range(n)]
    for u, o in zip(inverse, outlets):
        only[u].add(ids.setdefault(o, len(ids)))
    label = np.array([min(s) for s in only], dtype=np.int64)
    single = np.array([len(s) == 1 for s in only])
    return ~(single[:, None] & single[None, :] & (label[:, None] == label[None, :]))
