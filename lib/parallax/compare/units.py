"""Claim units: the checkable statements of a sentence, each with its own status, source and cue.

A sentence often carries more than one claim: "Lavrov said the drones were launched overnight and
that all of them were intercepted"; "Russia accused Ukraine of an attack, an allegation Kyiv
rejected"; "Russian authorities released no images, and it is unclear whether Putin was there".
:func:`sentence_units` cuts a sentence into

* the content of each attribution (the labeller's content span), cut again between coordinated
  "that" clauses ("said X and that Y"); an attribution inside another keeps its own source;
* an aside naming a claim and who rejects it (", an allegation that Kyiv rejected as ..."): the
  rejecting source's unit, its cue the verb (a denial verb of ``data/cues.txt``);
* the coordinated main clauses of a sentence in the outlet's own voice, each with its own subject
  (from the parse: a verb joined to the main verb by "and"/"but"/";" with a subject of its own);
* what is left in the outlet's own voice when it holds a claim of its own (five words or more).

A sentence with one claim is one unit: the whole sentence. Offsets are characters in the sentence
(end exclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from parallax.outlet.attribution import Attribution, SentenceAttribution, cues, remember_core, source_kind
from parallax.parse.words import tokens as word_tokens

MIN_WORDS = 4          # a piece with fewer words is no claim of its own
MIN_OWN_WORDS = 5      # the outlet's own words left over must say this much to be a unit
_THAT_SPLIT = re.compile(r",?\s+(?:and|but)\s+(?:that|whether)\s+|,\s+(?:although|though|whereas)\s+", re.IGNORECASE)
_COMPLEMENTIZER = re.compile(r"(?:that|whether)\s+", re.IGNORECASE)
_CLAIM_NOUNS = "allegation|claim|accusation|charge|assertion|account|version|story|report"


@dataclass(frozen=True)
class Piece:
    """One claim unit of a sentence."""

    start: int
    end: int
    status: str                     # attributed, asserted or hedged
    attribution: Attribution | None = None
    source: str = ""                # when the piece's source is not an Attribution's (an aside)
    cue: str = ""

    @property
    def source_kind(self) -> str:
        return source_kind(self.source)

    @property
    def cue_class(self) -> str:
        return cues().get(self.cue.lower(), "neutral") if self.cue else ""


def _enough(text: str, n: int) -> bool:
    """True when ``text`` has at least ``n`` words (read from its start: a 2,000-character piece
    is not tokenized whole to learn that it has four words)."""
    head = text[:40 * n]
    if sum(1 for w in word_tokens(head) if w.is_word) >= n:
        return True
    return len(head) < len(text) and sum(1 for w in word_tokens(text) if w.is_word) >= n


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-“”\"'‘’«»()"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-“”\"'‘’«»()."):
        end -= 1
    return start, end


@lru_cache(maxsize=1)
def _aside_pattern() -> re.Pattern[str]:
    denials = sorted((c for c, kind in cues().items() if kind == "denial" and " " not in c), key=len, reverse=True)
    return re.compile(rf",\s+(?:an?|the)\s+(?:\w+\s+)?(?:{_CLAIM_NOUNS})s?\s+(?:that\s+|which\s+)?"
                      rf"(?P<src>(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+(?:\w+ly\s+)?(?:has\s+|have\s+|had\s+)?"
                      rf"(?P<cue>{'|'.join(map(re.escape, denials))})\b[^.;]*", re.UNICODE)


def _asides(text: str) -> list[Piece]:
    out = []
    for m in _aside_pattern().finditer(text):
        start, end = _trim(text, m.start(), m.end())
        if _enough(text[start:end], MIN_WORDS):
            out.append(Piece(start, end, "attributed", source=m.group("src"), cue=m.group("cue")))
    return out


def _coordinated_clauses(tokens: Sequence, base: int, text: str) -> list[tuple[int, int]]:
    """Cut points of coordinated main clauses with their own subject ("X happened, and it is unclear
    whether Y"): character ranges in the sentence, from the parse."""
    roots = [t for t in tokens if t.dep_ == "ROOT"]
    if len(roots) != 1:
        return []
    root = roots[0]
    cuts = []
    for conj in root.children:
        if conj.dep_ != "conj" or conj.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in conj.children):
            continue
        first = conj.left_edge
        # the coordinator before the clause starts the cut ("..., and it is unclear")
        before = [t for t in root.children if t.i < first.i and t.dep_ in ("cc", "punct") and t.i > root.i]
        start_tok = min([first] + [t for t in before if t.i >= first.i - 2], key=lambda t: t.i)
        cuts.append(start_tok.idx - base)
    if not cuts:
        return []
    bounds = [0] + sorted(cuts) + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]


def sentence_units(s: SentenceAttribution, sentence_start: int, tokens: Sequence = (), doc_start: int = 0) -> list[Piece]:
    """The claim units of one sentence (see the module's docstring). ``sentence_start`` is the
    sentence's offset in its paragraph (attribution spans are paragraph offsets); ``tokens`` are the
    sentence's parsed tokens (optional: without them own-voice clauses are not cut) and ``doc_start``
    the sentence's offset in the parsed text.

    Only the sentence's own attributions cut it (``main``): a cue inside a clause the outlet asserts
    ("the allegations that his aides...", "showing that...") leaves that clause in the outlet's voice,
    as the sentence's status does."""
    text = s.text
    whole = Piece(0, len(text), s.status, s.attributions[0] if s.attributions and s.status == "attributed" else None)
    pieces: list[Piece] = []
    if s.status == "attributed":
        for a in s.attributions:
            if not (a.main and a.content_span):
                continue
            cs, ce = a.content_span[0] - sentence_start, a.content_span[1] - sentence_start
            if cs < 0 or ce > len(text):
                continue
            bounds = [cs]
            for m in _THAT_SPLIT.finditer(text, cs, ce):
                bounds += [m.start(), m.end()]
            bounds.append(ce)
            for ps, pe in zip(bounds[0::2], bounds[1::2]):
                ps, pe = _trim(text, ps, pe)
                lead = _COMPLEMENTIZER.match(text, ps, pe)   # "that the drones...": the claim starts after "that"
                ps = lead.end() if lead else ps
                if pe > ps and _enough(text[ps:pe], MIN_WORDS):
                    pieces.append(Piece(ps, pe, "attributed", a))
    elif tokens:
        own = "hedged" if s.status == "hedged" else "asserted"
        parts = [(a, b) for a, b in (_trim(text, a, b) for a, b in _coordinated_clauses(tokens, doc_start, text)) if b > a]
        if len(parts) > 1 and all(_enough(text[a:b], MIN_OWN_WORDS) for a, b in parts):
            pieces = [Piece(a, b, own) for a, b in parts]
    for aside in _asides(text):
        # the aside's words leave the piece they sit in ("X, an allegation Kyiv rejected")
        pieces = [replace(p, end=_trim(text, p.start, aside.start)[1]) if p.start < aside.start < p.end else p
                  for p in pieces if not (aside.start <= p.start and p.end <= aside.end)]
        if not pieces:
            lead = _trim(text, 0, aside.start)
            if _enough(text[lead[0]:lead[1]], MIN_WORDS):
                pieces.append(Piece(lead[0], lead[1], s.status, whole.attribution))
        pieces.append(aside)
    pieces = _dedupe([p for p in pieces if p.end > p.start and _enough(text[p.start:p.end], MIN_WORDS)])
    if len(pieces) <= 1 and "; " in text:
        pieces = _semicolon_clauses(s, sentence_start) or pieces
    if len(pieces) <= 1:
        if pieces and pieces[0].attribution is None and pieces[0].source:   # the sentence is the aside
            return [Piece(0, len(text), "attributed", None, pieces[0].source, pieces[0].cue)]
        return [whole]
    return pieces


def _semicolon_clauses(s: SentenceAttribution, sentence_start: int) -> list[Piece]:
    """Independent clauses joined by a semicolon ("Moscow said X; Kyiv said Y"), each with the
    attribution whose cue it holds, else the sentence's own status."""
    text, out, start = s.text, [], 0
    for part in re.split(r"(?<=;) ", text) + [""]:
        if not part:
            break
        a, b = _trim(text, start, start + len(part))
        start += len(part) + 1
        if not _enough(text[a:b], MIN_WORDS):
            return []
        att = next((x for x in s.attributions if a <= x.cue_span[0] - sentence_start < b), None)
        if att and att.content_span and a <= att.content_span[0] - sentence_start < att.content_span[1] - sentence_start <= b:
            a, b = _trim(text, att.content_span[0] - sentence_start, att.content_span[1] - sentence_start)
            lead = _COMPLEMENTIZER.match(text, a, b)
            a = lead.end() if lead else a
        out.append(Piece(a, b, "attributed" if att else ("asserted" if s.status == "attributed" else s.status), att))
    return out if len(out) > 1 else []


def _dedupe(pieces: list[Piece]) -> list[Piece]:
    seen: set[tuple[int, int]] = set()
    out = []
    for p in sorted(pieces, key=lambda p: (p.start, -p.end)):
        if (p.start, p.end) in seen or any(q.start <= p.start < q.end for q in out):
            continue   # overlapping pieces: the first (longest) stands
        seen.add((p.start, p.end))
        out.append(p)
    return out


def remember(text: str) -> str:
    """A piece is its own claim (no wrapper to take off); return it."""
    remember_core(text, text)
    return text
