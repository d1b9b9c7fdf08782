"""The attribution labeller: cues, then each cue's source and content, learned from PolNeAR.

Two linear-chain CRFs (python-crfsuite) over the parsed sentence (:mod:`parallax.parse.document`):

1. **cue**: every token of a sentence is tagged ``B-C`` / ``I-C`` / ``O`` from its word, lemma,
   part of speech, dependency, head, children, quotation state and neighbours. A sentence can hold
   several cues ("X said Y denied Z").
2. **role**: for each cue found, the sentence is tagged again, ``S`` (source), ``C`` (content),
   ``K`` (the cue itself) or ``O``, with features of each token's relation to that cue: side and
   distance, the dependency path to the cue's head ("nsubj of the cue", "inside its ccomp"),
   whether another cue stands in between.

The models and their card live in ``parallax/models/attribution/``; ``make train``
(:mod:`parallax.train`) rebuilds them from ``../shared/bench`` with a fixed seed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Sequence

from parallax.thresholds import value as limit

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from parallax.parse.document import Document

MODEL_DIR = ("models", "attribution")
#: A cue verb whose content is a bare noun phrase ("reviewed the missions") stands only when PolNeAR
#: train tags that verb as a cue at least this often (cue_lemmas.json; "criticized the plan": 0.73,
#: "supports the bill": 0.31, "released a statement": 0.24, "reviewed the missions": 0.08; counted
#: outside quotations). Chosen on PolNeAR train's rates and the BASIL tuning triplets, not on dev or the
#: report triplets.
NP_CUE_RATE = limit("attribution.np_cue_rate")
#: A "sentence" longer than this (a page without punctuation) is not labelled: it is no prose, and
#: the role model's cost grows with cues x tokens.
MAX_LABEL_TOKENS = int(limit("attribution.max_label_tokens"))
CUE_MODEL = "cue.crfsuite"
ROLE_MODEL = "role.crfsuite"

#: Double quotation marks; single quotes and apostrophes (’) never open or close a quotation.
OPEN_QUOTES = frozenset("“«„")
CLOSE_QUOTES = frozenset("”»")
STRAIGHT = '"'

TokSpan = tuple[int, int]   # token indices in the sentence, end exclusive


# ---------------------------------------------------------------- the tokens, read once

class _Table:
    """What the features read of every token of a Doc, by token index, read from spaCy once.

    spaCy makes a new Token object on every ``doc[i]``, ``token.head`` and ``token.children``, and a
    new Python string on every ``token.lemma_`` or ``token.dep_``: read feature by feature, token by
    token and again for each cue of a sentence, that was most of the labeller's time. A Doc is not
    changed after it is parsed (:mod:`parallax.parse.document`), so its table stays true."""

    __slots__ = ("doc", "text", "lower", "lemma", "pos", "tag", "dep", "shape", "ent", "head", "kids",
                 "newline", "spaced")

    def __init__(self, doc: "Doc"):
        tokens = list(doc)
        self.doc = doc
        self.text = [t.text for t in tokens]
        self.lower = [t.lower_ for t in tokens]
        self.lemma = [t.lemma_.lower() for t in tokens]
        self.pos = [t.pos_ for t in tokens]
        self.tag = [t.tag_ for t in tokens]
        self.dep = [t.dep_ for t in tokens]
        self.shape = [t.shape_[:4] for t in tokens]
        self.ent = [t.ent_type_ or "-" for t in tokens]
        self.head = [t.head.i for t in tokens]
        self.kids = [tuple(c.i for c in t.children) for t in tokens]
        self.newline = ["\n" in t.text_with_ws for t in tokens]   # a line break in the token or after it
        self.spaced = [bool(t.whitespace_) for t in tokens]


_TABLES: dict[int, _Table] = {}


def _table(doc: "Doc") -> _Table:
    """The table of a Doc, made once (a few recent Docs are kept: training reads a document sentence
    by sentence through the public functions)."""
    hit = _TABLES.get(id(doc))
    if hit is None or hit.doc is not doc:
        if len(_TABLES) > 64:
            _TABLES.clear()
        hit = _TABLES[id(doc)] = _Table(doc)
    return hit


# ---------------------------------------------------------------- quotation state

def quote_marks(tokens: Sequence["Token"], inside: bool = False) -> tuple[list[int], bool]:
    """Per token: 2 for a double quotation mark, 1 inside a quotation, 0 outside; and whether a
    quotation is still open after the last token. ``inside``: one was open before the first token.

    Curly marks say which way they face; a straight ``"`` opens when none is open and closes
    otherwise. Apostrophes and single quotes (’ ‘ ') are never quotation marks here: "It’s" inside
    a straight-quoted quotation does not close it."""
    return _marks([t.text for t in tokens], inside)


def _marks(texts: Sequence[str], inside: bool) -> tuple[list[int], bool]:
    """:func:`quote_marks` over the tokens' texts."""
    out = []
    for text in texts:
        if text in OPEN_QUOTES or (text == STRAIGHT and not inside):
            out.append(2)
            inside = True
        elif text in CLOSE_QUOTES or (text == STRAIGHT and inside):
            out.append(2)
            inside = False
        elif STRAIGHT in text or any(ch in OPEN_QUOTES or ch in CLOSE_QUOTES for ch in text):
            out.append(2)   # a mark glued to a word by the tokenizer
            for ch in text:
                if ch in OPEN_QUOTES or (ch == STRAIGHT and not inside):
                    inside = True
                elif ch in CLOSE_QUOTES or ch == STRAIGHT:
                    inside = False
        else:
            out.append(1 if inside else 0)
    return out, inside


# ---------------------------------------------------------------- features
#
# The public functions take a sentence's spaCy tokens (training calls them, bench/train_attribution.py);
# the private ones below them take the Doc's table and the tokens' indices in the Doc, and are what
# label_document runs. Both make the same features, key for key and in the same order (crfsuite sums
# a token's feature weights in that order).

_KID_DEPS = ("nsubj", "nsubjpass", "ccomp", "xcomp", "dobj", "mark", "prep", "agent", "advcl", "neg", "aux",
             "pobj", "acl", "relcl")
#: The window features of the tokens two before and two after (key names per offset).
_WINDOW = tuple((off, f"{off}:l", f"{off}:p", f"{off}:q", f"{off}:w", f"{off}:sh") for off in (-2, -1, 1, 2))
#: The keys of :func:`token_features` that :func:`near_features` leaves out: its only keys with a
#: colon are the window's (no dependency in _KID_DEPS has one).
_FAR_KEYS = ("-2:l", "-2:p", "-2:q", "2:l", "2:p", "2:q")


def token_features(tokens: Sequence["Token"], quotes: Sequence[int]) -> list[dict[str, object]]:
    """The cue model's features for each token of one sentence."""
    if not tokens:
        return []
    return _token_features(_table(tokens[0].doc), [t.i for t in tokens], quotes)


def _token_features(tb: _Table, ids: Sequence[int], quotes: Sequence[int]) -> list[dict[str, object]]:
    n = len(ids)
    lower, lemma, pos, tag, dep, ent, head = tb.lower, tb.lemma, tb.pos, tb.tag, tb.dep, tb.ent, tb.head
    base = []
    for i, q in zip(ids, quotes):
        w, h = lower[i], head[i]
        base.append({"w": w, "l": lemma[i], "p": pos[i], "t": tag[i], "d": dep[i], "sh": tb.shape[i],
                     "suf": w[-3:], "q": str(q), "hl": lemma[h], "hp": pos[h], "dhp": f"{dep[i]}|{pos[h]}",
                     "e": ent[i]})
    marks = str(min(2, sum(1 for q in quotes if q == 2)))
    first = ids[0] if n else None
    line_start = first is not None and (first == 0 or tb.newline[first - 1])
    feats: list[dict[str, object]] = []
    for k, i in enumerate(ids):
        own = base[k]
        f: dict[str, object] = dict(own)
        f["bias"] = 1.0
        for c in tb.kids[i]:
            d = dep[c]
            if d in _KID_DEPS:
                f["k_" + d] = 1.0
            if d in ("nsubj", "nsubjpass"):
                f["subj_p"], f["subj_e"], f["subj_l"] = pos[c], ent[c], lemma[c]
            elif d in ("ccomp", "xcomp"):
                f["comp_p"] = tag[c]
        f["lp"] = f"{own['l']}|{own['p']}"
        f["ld"] = f"{own['l']}|{own['d']}"
        for off, kl, kp, kq, kw, ksh in _WINDOW:
            j = k + off
            if 0 <= j < n:
                other = base[j]
                f[kl], f[kp], f[kq] = other["l"], other["p"], other["q"]
                if off in (-1, 1):
                    f[kw], f[ksh] = other["w"], other["sh"]
            else:
                f[kl] = "BOS" if j < 0 else "EOS"
        if k + 1 < n:
            f["bi+"] = f"{own['l']}_{base[k + 1]['l']}"
        if k > 0:
            f["bi-"] = f"{base[k - 1]['l']}_{own['l']}"
            if tb.newline[ids[k - 1]]:
                f["nl"] = 1.0
        f["pos_in"] = "first" if k == 0 else ("last" if k == n - 1 else "mid")
        if line_start:
            f["sent_line_start"] = 1.0
        if first == 0:
            f["doc_first"] = 1.0
        f["quotes_in_sent"] = marks
        f["hq"] = f"{own['hl']}|{own['q']}"
        feats.append(f)
    return feats


def _bucket(n: int) -> str:
    n = abs(n)
    return str(n) if n <= 3 else ("4-6" if n <= 6 else ("7-12" if n <= 12 else "13+"))


def cue_head(tokens: Sequence["Token"], cue: TokSpan) -> "Token":
    """The token of a cue whose head lies outside it (the verb of "said in a statement")."""
    inside = {t.i for t in tokens[cue[0]:cue[1]]}
    for t in tokens[cue[0]:cue[1]]:
        if t.head.i not in inside or t.head.i == t.i:
            return t
    return tokens[cue[0]]


def _cue_head(tb: _Table, ids: Sequence[int], cue: TokSpan) -> int:
    """:func:`cue_head` as a token index."""
    members = ids[cue[0]:cue[1]]
    inside = set(members)
    for i in members:
        if tb.head[i] not in inside or tb.head[i] == i:
            return i
    return ids[cue[0]]


def _path(t: int, head: int, tb: _Table, above: dict[int, int]) -> tuple[str, int]:
    """How token ``t`` hangs from the cue's head: 'down:<dep of the branch>', 'up' or 'other', with
    the depth (``above``: the head's ancestors and their height over it, from :func:`_ancestors`)."""
    heads = tb.head
    x, prev, depth = t, -1, 0
    while depth <= 30:
        if x == head:
            return "down:" + (tb.dep[prev] if prev >= 0 else "self"), depth
        if heads[x] == x:
            break
        prev, x, depth = x, heads[x], depth + 1
    up = above.get(t)
    return ("up", up) if up is not None else ("other", 0)


def _ancestors(head: int, tb: _Table) -> dict[int, int]:
    """The tokens above ``head`` (up to 30 steps), each with the fewest steps that reach it."""
    above: dict[int, int] = {}
    x, depth = head, 0
    while tb.head[x] != x and depth < 30:
        x, depth = tb.head[x], depth + 1
        above.setdefault(x, depth)
    return above


def near_features(base: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """The cue model's features without the far window (what the role model uses of them)."""
    return [{x: v for x, v in f.items() if ":" not in x or x.startswith(("-1:", "1:"))} for f in base]


def _near(base: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """:func:`near_features` of :func:`token_features`'s output: the same dicts, made by taking out
    the far window's keys rather than testing every key."""
    out = []
    for f in base:
        f = dict(f)
        for x in _FAR_KEYS:
            f.pop(x, None)
        out.append(f)
    return out


def role_features(tokens: Sequence["Token"], base: Sequence[dict[str, object]], cue: TokSpan,
                  others: Sequence[TokSpan], near: Sequence[dict[str, object]] | None = None) -> list[dict[str, object]]:
    """The role model's features: each token's own (without the far window) and its relation to ``cue``."""
    own = near if near is not None else near_features(base)
    return _role_features(_table(tokens[0].doc), [t.i for t in tokens], base, cue, others, own)


def _role_features(tb: _Table, ids: Sequence[int], base: Sequence[dict[str, object]], cue: TokSpan,
                   others: Sequence[TokSpan], own: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    a, b = cue
    head = _cue_head(tb, ids, cue)
    above = _ancestors(head, tb)
    cue_lemma = tb.lemma[head]
    cue_text = " ".join(tb.lower[i] for i in ids[a:b])[:30]
    cue_q = base[a]["q"]
    pos_of, dep_of = tb.pos, tb.dep
    out = []
    for k, i in enumerate(ids):
        rel = "L" if k < a else ("K" if k < b else "R")
        dist = (a - k) if k < a else (k - b + 1 if k >= b else 0)
        path, depth = _path(i, head, tb, above)
        pos = pos_of[i]
        f = {**own[k],
             "rel": rel, "dist": rel + _bucket(dist), "path": path, "rel_path": f"{rel}|{path}",
             "rel_pos": f"{rel}|{pos}", "rel_dep": f"{rel}|{dep_of[i]}", "path_pos": f"{path}|{pos}",
             "depth": _bucket(depth), "cue_l": cue_lemma, "cue_txt": cue_text, "cue_l_rel": f"{cue_lemma}|{rel}",
             "cue_l_path": f"{cue_lemma}|{path}", "cue_q": cue_q, "rq": f"{rel}|{base[k]['q']}|{cue_q}"}
        if others and any((k <= oa < a) or (b <= oa < k) for oa, _ in others):
            f["oc_between"] = 1.0
            f["oc_rel"] = rel
        out.append(f)
    return out


# ---------------------------------------------------------------- tagging

@dataclass(frozen=True)
class Found:
    """One attribution found in a sentence, as token spans of that sentence."""

    cue: TokSpan
    source: TokSpan | None
    content: TokSpan | None


@lru_cache(maxsize=1)
def taggers():
    """The two trained taggers (cue, role), loaded once."""
    import pycrfsuite

    folder = resources.files("parallax").joinpath(*MODEL_DIR)
    out = []
    for name in (CUE_MODEL, ROLE_MODEL):
        tagger = pycrfsuite.Tagger()
        with resources.as_file(folder.joinpath(name)) as path:
            tagger.open(str(path))
        out.append(tagger)
    return tuple(out)


def runs(labels: Sequence[str], tag: str) -> list[TokSpan]:
    """Token spans of a BIO tag: ``B-x`` starts one, ``I-x`` extends it (or starts one after ``O``)."""
    out: list[list[int]] = []
    current: list[int] | None = None
    for k, label in enumerate(labels):
        if label == f"B-{tag}" or (label == f"I-{tag}" and current is None):
            current = [k, k + 1]
            out.append(current)
        elif label == f"I-{tag}" and current is not None:
            current[1] = k + 1
        else:
            current = None
    return [(s, e) for s, e in out]


def _role_span(labels: Sequence[str], tag: str, whole: bool) -> TokSpan | None:
    ks = [k for k, label in enumerate(labels) if label.endswith("-" + tag)]
    if not ks:
        return None
    if whole:                        # content: from its first to its last token
        return ks[0], ks[-1] + 1
    spans = runs(labels, tag)        # source: the longest run
    return max(spans, key=lambda s: s[1] - s[0])


def label_sentence(tokens: Sequence["Token"], quotes: Sequence[int]) -> list[Found]:
    """Every attribution of one parsed sentence."""
    if not tokens:
        return []
    return _label_sentence(_table(tokens[0].doc), [t.i for t in tokens], quotes)


def _label_sentence(tb: _Table, ids: Sequence[int], quotes: Sequence[int]) -> list[Found]:
    cue_tagger, role_tagger = taggers()
    base = _token_features(tb, ids, quotes)
    cues = runs(cue_tagger.tag(base), "C")
    found = []
    near = _near(base) if cues else None
    for cue in cues:
        labels = role_tagger.tag(_role_features(tb, ids, base, cue, [c for c in cues if c != cue], near))
        found.append(Found(cue, _role_span(labels, "S", whole=False), _role_span(labels, "C", whole=True)))
    return found


@lru_cache(maxsize=1)
def model_id() -> str:
    """A short hash of the two model files (labels cached under another model are not reused)."""
    folder = resources.files("parallax").joinpath(*MODEL_DIR)
    h = hashlib.sha256()
    for name in (CUE_MODEL, ROLE_MODEL):
        h.update(folder.joinpath(name).read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class QuoteState:
    """A sentence's quotation marks (per token, see :func:`quote_marks`) and whether it starts or
    ends inside a quotation."""

    marks: tuple[int, ...]
    starts_inside: bool
    ends_inside: bool


def _sentence_ranges(document: "Document") -> list[tuple[int, int]]:
    """Each sentence's tokens as a range of Doc indices (what ``document.tokens(i)`` lists)."""
    out = []
    for position in range(len(document.sentences)):
        span = document.span(position)
        out.append((span.start, span.end))
    return out


def quote_states(document: "Document") -> list[QuoteState]:
    """Quotation state sentence by sentence. A quotation left open at the end of a paragraph goes on
    only where the next paragraph opens with a quotation mark (the news convention); otherwise it is
    closed there, so one stray mark cannot credit the rest of an article to a speaker."""
    return _quote_states(document, _table(document.doc), _sentence_ranges(document))


def _quote_states(document: "Document", tb: _Table, ranges: Sequence[tuple[int, int]]) -> list[QuoteState]:
    out = []
    open_quote, paragraph = False, -1
    for position, sent in enumerate(document.sentences):
        a, b = ranges[position]
        continuing = False
        if sent.paragraph != paragraph:
            paragraph = sent.paragraph
            first_mark = _first_mark(document, sent.paragraph, tb)
            if not (open_quote and first_mark == "closing"):   # else it runs on unmarked and closes here
                continuing = open_quote and first_mark == "opening" and b > a \
                    and tb.text[a] in OPEN_QUOTES | {STRAIGHT}
                open_quote = False
        marks, ends = _marks(tb.text[a:b], inside=open_quote)
        out.append(QuoteState(tuple(marks), open_quote or continuing, ends))
        open_quote = ends
    return out


def _first_mark(document: "Document", paragraph: int, tb: _Table) -> str:
    """'opening', 'closing' or '' for the first double quotation mark of a paragraph (a straight
    mark glued to the word before it closes)."""
    start = document.paragraph_starts[paragraph]
    end = document.paragraph_starts[paragraph + 1] if paragraph + 1 < len(document.paragraph_starts) else len(document.text)
    span = document.doc.char_span(start, end, alignment_mode="expand")
    for i in range(span.start, span.end) if span is not None else ():
        text = tb.text[i]
        if text in OPEN_QUOTES:
            return "opening"
        if text in CLOSE_QUOTES:
            return "closing"
        if text == STRAIGHT:
            glued = i > 0 and not tb.spaced[i - 1] and i > span.start
            return "closing" if glued else "opening"
    return ""


Labels = tuple[list[QuoteState], list[list[Found]]]
_labels_memory: dict[str, Labels] = {}


def _labels_key(document: "Document") -> str:
    return f"{document.key}.labels-{model_id()}"


def label_document(document: "Document") -> Labels:
    """Every sentence's quotation state and attributions (token spans), cached with the parse: a
    re-analysis of the same text with the same models reads them back instead of tagging again
    (the cached states keep only where quotations start and end, not the per-token marks)."""
    key = _labels_key(document)
    if document.key and key in _labels_memory:
        return _labels_memory[key]
    from parallax.parse import document as parse

    path = parse.cache_path(document.key, f".labels-{model_id()}.json") if document.key else None
    if path is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if len(data["found"]) == len(document.sentences) == len(data["quotes"]):
                states = [QuoteState((), bool(a), bool(b)) for a, b in data["quotes"]]
                found = [[Found(tuple(c), tuple(s) if s else None, tuple(t) if t else None) for c, s, t in sent]
                         for sent in data["found"]]
                _labels_memory[key] = (states, found)
                return states, found
        except (OSError, ValueError, TypeError, KeyError):
            pass
    tb = _Table(document.doc)       # read once for the whole document: not kept with the others
    ranges = _sentence_ranges(document)
    states = _quote_states(document, tb, ranges)
    found = [_label_sentence(tb, range(a, b), states[i].marks) if 0 < b - a <= MAX_LABEL_TOKENS else []
             for i, (a, b) in enumerate(ranges)]
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"quotes": [[s.starts_inside, s.ends_inside] for s in states],
                                       "found": [[[f.cue, f.source, f.content] for f in sent] for sent in found]}),
                           encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass
        keep_labels(document, (states, found))
    return states, found


def keep_labels(document: "Document", labels: Labels) -> None:
    """Keep a document's labels in memory, for :func:`label_document` to return: its own, or those a
    parse worker made as it parsed the document (:func:`parallax.parse.documents`)."""
    if not document.key:
        return
    if len(_labels_memory) > 256:
        _labels_memory.clear()
    _labels_memory[_labels_key(document)] = labels


# ---------------------------------------------------------------- what the labeller cannot see alone

_CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "obj", "attr", "oprd")
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_NOT_CONTENT_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "GPE", "LOC", "FAC"})


def _subtree(t: "Token", tokens: Sequence["Token"]) -> TokSpan:
    first = tokens[0].i
    left, right = t.left_edge.i - first, t.right_edge.i - first
    return max(0, left), min(len(tokens), right + 1)


def _trim(span: TokSpan, tokens: Sequence["Token"]) -> TokSpan | None:
    a, b = span
    while a < b and (tokens[a].is_punct or tokens[a].is_space or tokens[a].dep_ in ("cc",)):
        a += 1
    while b > a and (tokens[b - 1].is_punct or tokens[b - 1].is_space):
        b -= 1
    return (a, b) if a < b else None


def _minus(whole: TokSpan, cut: TokSpan, tokens: Sequence["Token"]) -> TokSpan | None:
    """The larger side of ``whole`` left when ``cut`` is taken out of it."""
    left = _trim((whole[0], max(whole[0], cut[0])), tokens)
    right = _trim((min(whole[1], cut[1]), whole[1]), tokens)
    sides = [s for s in (left, right) if s]
    return max(sides, key=lambda s: s[1] - s[0]) if sides else None


def _according(tokens: Sequence["Token"], cues: list[TokSpan]) -> list[Found]:
    """'according to X' is always a cue: X its source, the clause it qualifies its content."""
    out = []
    for k in range(len(tokens) - 2):
        if tokens[k].lower_ != "according" or tokens[k + 1].lower_ != "to":
            continue
        if any(a <= k < b for a, b in cues):
            continue
        objects = [c for c in tokens[k + 1].children if c.dep_ == "pobj"]
        source = _trim(_subtree(objects[0], tokens), tokens) if objects else None
        phrase = _subtree(tokens[k], tokens)
        if source:
            phrase = (min(phrase[0], source[0]), max(phrase[1], source[1]))
        content = _minus((0, len(tokens)), phrase, tokens)
        out.append(Found((k, k + 2), source, content))
    return out


def _content_from_parse(found: Found, tokens: Sequence["Token"]) -> TokSpan | None:
    """A content the role model left out: the cue verb's clausal or object complement, or, when the
    cue itself hangs from the main clause ("Ukraine launched 91 drones, Lavrov claimed"), that clause."""
    head = cue_head(tokens, found.cue)
    for child in head.children:
        if child.dep_ in _CONTENT_DEPS:
            span = _trim(_subtree(child, tokens), tokens)
            if span and not (found.source and span[0] <= found.source[0] < span[1]):
                return span
    if head.dep_ in ("ccomp", "parataxis", "advcl") and head.head.i != head.i:
        main = _subtree(head.head, tokens)
        return _minus(main, _subtree(head, tokens), tokens)
    return None


def _source_from_parse(found: Found, tokens: Sequence["Token"]) -> TokSpan | None:
    """A source the role model left out: the subject of the cue, or of the verb a participle cue
    hangs from ("Lavrov spoke for an hour, saying ...")."""
    head = cue_head(tokens, found.cue)
    for verb in (head, head.head):
        for child in verb.children:
            if child.dep_ in _SUBJECT_DEPS and child.i != head.i:
                return _trim(_subtree(child, tokens), tokens)
        if verb.dep_ not in ("advcl", "xcomp", "conj", "acl"):
            break
    # "In a statement issued Thursday, Mark Sheridan, a partner with Patton Boggs, said": the parser
    # lost the subject; the last person or organisation named before the cue, not inside a phrase of
    # a preposition, is the speaker
    if tokens and found.cue[0] > 0:
        doc, first = tokens[0].doc, tokens[0].i
        for ent in reversed(list(doc[first:first + found.cue[0]].ents)):
            if ent.label_ in ("PERSON", "ORG", "NORP") and ent.root.dep_ != "pobj":
                return ent.start - first, ent.end - first
    # "But Early still says ...": the parser took a capitalised name for an adverb; a capitalised word
    # right before the cue (adverbs between) that does not open the sentence, or follows a conjunction
    k = found.cue[0] - 1
    while k >= 0 and tokens[k].pos_ == "ADV" and tokens[k].is_lower:
        k -= 1
    if k >= 0 and tokens[k].is_title and not tokens[k].is_stop and (k > 0 and tokens[k - 1].dep_ == "cc"):
        return (k, k + 1)
    return None


def _passive_without_agent(found: Found, tokens: Sequence["Token"]) -> bool:
    head = cue_head(tokens, found.cue)
    passive = head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children)
    return passive and not any(c.dep_ == "agent" for c in head.children)


def _empty_content(span: TokSpan | None, tokens: Sequence["Token"]) -> bool:
    """No claim in it: only a date, a time, a number or a place ("spoke for an hour")."""
    if span is None:
        return True
    words = [t for t in tokens[span[0]:span[1]] if not (t.is_punct or t.is_stop)]
    return not words or all(t.ent_type_ in _NOT_CONTENT_ENTS or t.like_num for t in words)


@lru_cache(maxsize=1)
def cue_rates() -> dict[str, float]:
    """Verb lemma -> share of its occurrences in PolNeAR train that are a gold cue."""
    path = resources.files("parallax").joinpath(*MODEL_DIR, "cue_lemmas.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: cue / seen for k, (cue, seen) in data.items()}


def _is_according(f: Found, tokens: Sequence["Token"]) -> bool:
    return f.cue[1] - f.cue[0] >= 2 and tokens[f.cue[0]].lower_ == "according" and tokens[f.cue[0] + 1].lower_ == "to"


def _passive(f: Found, tokens: Sequence["Token"]) -> tuple[bool, "Token | None"]:
    """(the cue is a passive, its agent's object or None)."""
    head = cue_head(tokens, f.cue)
    if not (head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children)):
        return False, None
    for c in head.children:
        if c.dep_ == "agent":
            objects = [o for o in c.children if o.dep_ == "pobj"]
            return True, objects[0] if objects else None
    return True, None


def _has_verb(span: TokSpan | None, tokens: Sequence["Token"]) -> bool:
    """A clause inside the span: a verb that is not a modifier ("the proposed missions" has none)."""
    return span is not None and any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound", "nmod", "acl", "relcl")
                                    for t in tokens[span[0]:span[1]])


TAIL_CUE_RATE = limit("attribution.tail_cue_rate")   # a verb tagged as a cue this often closes a quotation as its tag
_TAIL_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
_TAIL_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "one", "another"})


def _quote_tail(tokens: Sequence["Token"], cues: list[TokSpan], marks: Sequence[int]) -> list[Found]:
    """The tag after each closing quotation mark that no cue covers yet: '"We will not give in," he
    continued', '“People said, ‘Trump is crazy,’” he said', '"...," said Mr. Trump'. The quotation
    (from its opening mark, or from the sentence's start when it opened before) is the content. The
    tag is a pronoun or a short name or description next to a verb PolNeAR tags as a cue at least
    TAIL_CUE_RATE of the time, or, right after a quotation that opens the sentence and ends in a comma,
    a short tail whose verb has a subject in the parse."""
    taken = {k for c in cues for k in range(*c)}
    out = []
    for k in range(1, len(tokens)):
        if marks[k] != 2 or marks[k - 1] != 1:
            continue                                   # not a closing mark
        start = k - 1
        while start > 0 and marks[start - 1] == 1:
            start -= 1
        opened = start > 0 and marks[start - 1] == 2
        content = _trim((start, k) if opened else (0, k), tokens)
        if content is None:
            continue
        j = k + 1
        while j < len(tokens) and tokens[j].text in (",", "—", "–", "-"):
            j += 1
        hit = _tail_at(tokens, j) or (_parsed_tail(tokens, k) if start <= 1 else None)
        if hit is not None and hit[0][0] not in taken:
            out.append(Found(hit[0], hit[1], content))
            taken.add(hit[0][0])
    return out


def _tail_at(tokens: Sequence["Token"], j: int) -> tuple[TokSpan, TokSpan] | None:
    """(cue, source) of a tag starting at token ``j``: "he said", "the official added", "said Mr. Trump"."""
    rates, n = cue_rates(), len(tokens)

    def verb(i: int) -> bool:
        return i < n and tokens[i].pos_ in ("VERB", "AUX") and rates.get(tokens[i].lemma_.lower(), 0) >= TAIL_CUE_RATE

    def subject(i: int) -> int | None:
        """End of a pronoun, a name or a short description starting at ``i``."""
        if i < n and tokens[i].lower_ in _TAIL_PRONOUNS:
            return i + 1
        e = i + (i < n and tokens[i].lower_ in _TAIL_DETERMINERS)
        while e < n and e - i < 6 and tokens[e].pos_ in ("PROPN", "NOUN", "ADJ"):
            e += 1
        return e if e > i and tokens[e - 1].pos_ in ("PROPN", "NOUN") else None

    end = subject(j)
    if end is not None:
        v = end
        while v < n and tokens[v].pos_ == "ADV":      # "he later said"
            v += 1
        if verb(v):
            return (v, v + 1), (j, end)
    if verb(j) and (end := subject(j + 1)) is not None:
        return (j, j + 1), (j + 1, end)
    return None


def _parsed_tail(tokens: Sequence["Token"], close: int) -> tuple[TokSpan, TokSpan] | None:
    """A short tail after a quotation ending in a comma whose verb has a subject there ('he continued')."""
    if not (close >= 2 and tokens[close - 1].text in ",!?" or (close + 1 < len(tokens) and tokens[close + 1].text == ",")):
        return None
    words = [k for k in range(close + 1, len(tokens)) if not tokens[k].is_punct]
    if not words or len(words) > 8:
        return None
    for k in words:
        t = tokens[k]
        subject = next((c for c in t.children if c.dep_ == "nsubj" and close < c.i - tokens[0].i), None)
        if t.pos_ == "VERB" and subject is not None:
            source = _trim(_subtree(subject, tokens), tokens)
            return ((k, k + 1), source) if source else None
    return None


def complete(found: Sequence[Found], tokens: Sequence["Token"], marks: Sequence[int] | None = None) -> list[Found]:
    """The labeller's attributions of a sentence, completed from the parse: 'according to' cues,
    sources and contents the role model missed, agentless passives ("is expected to") left to the
    hedges, contents that hold no claim dropped; attributions that stand inside another's content
    come after it (the sentence's source is the outer one). ``marks``: the sentence's quotation marks
    (:func:`quote_marks`, with a quotation open before it), made here when not given."""
    out = []
    ends_with_colon = bool(tokens) and tokens[-1].text == ":"
    for f in found:
        if _is_according(f, tokens):
            continue        # remade below from the parse
        passive, agent = _passive(f, tokens)
        source = f.source
        if passive:
            source = _trim(_subtree(agent, tokens), tokens) if agent is not None else None
            if source is None:
                continue    # "is widely expected to": nobody is credited; the hedges see it
        content = f.content if not _empty_content(f.content, tokens) else None
        if content is None:
            content = _content_from_parse(f, tokens)
            content = content if not _empty_content(content, tokens) else None
        if passive and not _has_verb(content, tokens):
            continue        # "Russia's claims were repeated by state television": no claim is reported
        if content is not None and not _has_verb(content, tokens):
            lemma = cue_head(tokens, f.cue).lemma_.lower()
            if cue_rates().get(lemma, 1.0) < NP_CUE_RATE:
                continue    # "Experts reviewed the proposed missions": a verb that rarely reports anything
        if source and source[0] == 0 and all(t.is_upper or t.is_punct for t in tokens[source[0]:source[1]]) \
                and source[1] < len(tokens) and tokens[source[1]].text in (",", "–", "—", "-", "("):
            source = None   # "MOSCOW, Dec 29 (Wire) – Russia accused ...": a dateline, not the speaker
        source = source or _source_from_parse(f, tokens)
        if content is None and not (ends_with_colon and f.cue[1] >= len(tokens) - 2):
            continue        # nothing is reported (a colon at the end: the next sentence is the content)
        out.append(Found(f.cue, source, content))
    out += _according(tokens, [f.cue for f in out])
    out += _quote_tail(tokens, [f.cue for f in out], quote_marks(tokens)[0] if marks is None else marks)

    def depth(f: Found) -> int:
        return sum(1 for g in out if g is not f and g.content and g.content[0] <= f.cue[0] < g.content[1])

    return sorted(out, key=lambda f: (depth(f), f.cue))


def is_main(found: Found, tokens: Sequence["Token"]) -> bool:
    """Whether an attribution is the sentence's own: its cue is the main verb (or joined to it), or
    'according to' on the main verb, or the main clause is its content ("Ukraine launched drones,
    Lavrov claimed"). A cue in a relative clause, a participle or a noun ("allegations that", "a list
    showing") reports something inside a sentence the outlet itself states."""
    head = cue_head(tokens, found.cue)
    if any(c.dep_ == "neg" for c in head.children):
        return False    # "He did not say whether ...", "could not verify": nothing is credited
    that_clause = any(c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                      for c in head.children)
    if head.pos_ == "VERB" and cue_rates().get(head.lemma_.lower(), 1.0) < NP_CUE_RATE and not that_clause:
        return False    # "released a statement", "filed a disclosure": an act the outlet reports, mostly
                        # (a "that" clause makes it a statement: "Christie has maintained that he ...")
    if _is_according(found, tokens):
        head = head.head if head.dep_ == "prep" else head
        return head.dep_ == "ROOT" or (head.dep_ == "conj" and head.head.dep_ == "ROOT")
    if head.dep_ == "ROOT":
        return True
    if head.dep_ == "conj" and head.head.dep_ == "ROOT":
        return True
    if head.dep_ in ("parataxis", "ccomp", "advcl") and head.head.dep_ == "ROOT" and found.content:
        root = head.head.i - tokens[0].i
        return found.content[0] <= root < found.content[1]
    if head.dep_ == "relcl" and any(c.dep_ == "ccomp" for c in head.children) \
            and any(t.lower_ in ("who", "which") and t.head.i == head.i for t in head.children):
        return True     # "... came from Sergei Lavrov, who said Ukraine had launched 91 drones"
    if found.content and any(t.text in OPEN_QUOTES | CLOSE_QUOTES | {STRAIGHT} for t in tokens[:2]):
        return found.cue[0] >= found.content[1]      # '"...," he continued.'
    return False
