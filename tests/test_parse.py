"""The document model: one parse per article, cached; other languages; bounded input."""

import multiprocessing
import pkgutil
import subprocess
import sys

import pytest

import parallax
from parallax.parse import document as parse
from parallax.outlet.attribution import attribute_paragraphs, method
from parallax.parse.segment import sentences as segment_sentences

english = pytest.mark.skipif(parse.model_info("en").method != "parse",
                             reason="the English spaCy model is part of the install (make test installs it)")


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_CACHE_DIR", str(tmp_path))
    parse.forget()
    yield tmp_path
    parse.forget()


PARAS = ["Mayor Ana Cruz said on Tuesday that the clinic would stay open. It serves 4,000 people.",
         "“We will not close it,” she told reporters."]


@english
def test_sentences_tokens_and_offsets_come_from_one_parse(cache):
    doc = parse.document(PARAS, "en")
    assert [s.text for s in doc.sentences] == [s.text for s in segment_sentences(PARAS)]
    for i, s in enumerate(doc.sentences):
        start, end = doc.char_span(i)
        assert doc.text[start:end] == s.text
        tokens = doc.tokens(i)
        assert tokens[0].idx == start and tokens[-1].idx + len(tokens[-1]) == end
    said = next(t for t in doc.doc if t.text == "said")
    assert said.lemma_ == "say" and said.pos_ == "VERB"
    assert any(e.label_ == "PERSON" and "Cruz" in e.text for e in doc.doc.ents)
    assert parse.document(PARAS, "en") is doc          # the same object, not a second parse


@english
def test_a_re_analysis_reads_the_parse_from_the_cache(cache, monkeypatch):
    first = parse.document(PARAS, "en")
    assert list(cache.glob("parse/*/*.spacy"))
    parse.forget()
    nlp, _ = parse.load_model("en")

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(type(nlp), "pipe", no_parse)
    again = parse.document(PARAS, "en")
    assert again is not first
    assert [(t.text, t.dep_, t.head.i) for t in again.doc] == [(t.text, t.dep_, t.head.i) for t in first.doc]


def test_a_language_without_a_parser_model_says_so_and_still_attributes(cache):
    paras = ["«La clínica seguirá abierta», dijo la alcaldesa Ana Cruz.", "El martes hubo una reunión."]
    info = parse.model_info("es")
    assert info.method == "tokens" and "es" in info.note
    assert method("es").startswith("rules")
    results = attribute_paragraphs(paras, "es")
    assert [r.position for r in results] == [0, 1]
    assert {r.status for r in results} <= {"attributed", "asserted", "hedged"}


def test_articles_in_several_languages_keep_their_own_tokenizer(cache):
    docs = parse.documents([["La alcaldesa dijo que sí."], ["Die Bürgermeisterin sagte ja."], PARAS],
                           ["es", "de", "en"])
    assert [d.doc.lang_ for d in docs] == ["es", "de", "en"]
    assert [d.model.lang for d in docs] == ["es", "de", "en"]


@english
def test_the_parser_sees_bounded_input(cache):
    long_sentence = "word " * 1000                 # no punctuation: cut for the parser
    doc = parse.document([long_sentence], "en")
    assert doc.parsed and max(len(s) for s in doc.doc.sents) <= parse.MAX_SENTENCE_TOKENS + 1
    huge = ["word " * (parse.MAX_PARSE_CHARS // 5 + 10)]
    big = parse.document(huge, "en")
    assert not big.parsed and "not parsed" in big.model.note
    assert attribute_paragraphs(huge, "en")[0].status == "asserted"


BATCH = [[f"Mayor {name} said on Tuesday that the clinic would stay open. It serves {n},000 people.",
          "“We will not close it,” she told reporters, according to a statement."]
         for n, name in enumerate(["Ana Cruz", "Bo Lee", "Cy Park", "Di Moreno", "Ed Vance", "Flo Ames",
                                   "Gus Hart", "Hal Ortiz"], start=2)]


def _snapshot(docs):
    from parallax.outlet import labeller

    return [([(t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in d.doc],
             labeller.label_document(d)) for d in docs]


@english
def test_a_batch_on_worker_processes_is_parsed_and_labelled_as_in_this_one(cache, tmp_path, monkeypatch):
    from parallax.outlet import labeller

    def here(*args, **kwargs):
        raise AssertionError("parsed in this process")

    monkeypatch.setenv("PARALLAX_PARSE_PROCESSES", "2")
    with monkeypatch.context() as m:
        m.setattr(parse, "_parse_here", here)
        on_workers = parse.documents(BATCH, ["en"] * len(BATCH))
        m.setattr(labeller, "_label_sentence", here)        # the workers' labels are kept: no tagging here
        from_workers = _snapshot(on_workers)
    assert list(cache.glob("parse/*/*.spacy")) and list(cache.glob("parse/*/*.labels-*.json"))
    monkeypatch.setenv("PARALLAX_PARSE_PROCESSES", "1")
    monkeypatch.setenv("PARALLAX_CACHE_DIR", str(tmp_path / "again"))
    parse.forget()
    labeller._labels_memory.clear()
    assert _snapshot(parse.documents(BATCH, ["en"] * len(BATCH))) == from_workers


def _documents_in_a_daemon(queue):
    docs = parse.documents(BATCH, ["en"] * len(BATCH))
    queue.put((parse._processes([]), [d.parsed for d in docs]))


@english
@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_a_daemonic_process_parses_in_itself(cache, monkeypatch):
    monkeypatch.setenv("PARALLAX_PARSE_PROCESSES", "2")    # asked for, but a daemon may not start children
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_documents_in_a_daemon, args=(queue,), daemon=True)
    child.start()
    try:
        assert queue.get(timeout=300) == (1, [True] * len(BATCH))
    finally:
        child.join(timeout=60)
    assert child.exitcode == 0


@english
def test_run_json_records_the_parser(cache):
    from parallax.run.runs import parsers

    got = parsers([{"status": "ok", "language": "en"}, {"status": "ok", "language": "de"},
                   {"status": "failed", "language": "fr"}])
    assert set(got) == {"en", "de"}
    assert got["en"]["method"] == "parse" and got["en"]["name"].startswith("en_core_web_sm")
    assert got["en"]["version"].startswith("3.8")
    assert got["de"]["method"] == "tokens"


OPTIONAL = {"parallax.compare.semantic": "pip install .[semantic]"}


def _modules():
    return sorted(m.name for m in pkgutil.walk_packages(parallax.__path__, "parallax.")
                  if not m.name.startswith("parallax.notebooks"))


@pytest.mark.parametrize("name", _modules())
def test_every_module_imports_on_its_own(name):
    result = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120)
    assert "circular import" not in result.stderr
    if name in OPTIONAL and result.returncode:   # an optional extra that is not installed says how to get it
        assert "ImportError" in result.stderr and OPTIONAL[name] in result.stderr
        return
    assert result.returncode == 0, result.stderr[-2000:]
