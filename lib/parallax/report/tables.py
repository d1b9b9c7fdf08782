"""Tidy tables and their codebook, and the writer that puts them in a run folder.

Every column of every table Parallax writes is described in ``CODEBOOK``;
``tables/codebook.csv`` lists those of the tables a run wrote.

Text from pages and specs never lands in a CSV as a spreadsheet formula (OWASP's CSV-injection
rule): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after
any number of single quotes, is written with one more ``'`` in front, so that a spreadsheet shows
it as text. Plain numbers ("-3.5") are left alone. The rule is reversible: :func:`read_table` gives
the cells exactly as Parallax had them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from parallax.parse import document as parse
from parallax.extract.extractors import Article
from parallax.outlet.readability import MEASURES, STAT_DESCRIPTIONS, readability

ARTICLE_COLUMNS = ["outlet", "name", "source", "status", "error", "title", "authors", "published",
                   "language", "words", "extractor", "warnings", "parser", "text"]

CODEBOOK: dict[str, dict[str, str]] = {
    "articles": {
        "outlet": "outlet key (from the spec, or derived from the name)",
        "name": "outlet name as shown in charts",
        "source": "URL or saved file the spec names",
        "status": "'ok', or 'failed' when the page could not be fetched or had no article text",
        "error": "why the outlet failed, and what to do (empty when ok)",
        "title": "headline, from the page's metadata or the extractor",
        "authors": "bylines, separated by '; '",
        "published": "publication date-time, ISO 8601 (empty when the page does not say)",
        "language": "ISO 639-1 language used for sentence splitting and readability",
        "words": "words in the extracted body",
        "extractor": "extractor whose body text was used (trafilatura, newspaper4k, html-paragraphs for pages nested too deep for both, plain-text)",
        "warnings": "extraction warnings separated by '; ' (code: explanation); codes: repeated, furniture, long, short, paywall, not-article, fallback, language",
        "parser": "how the text was analysed: 'spaCy <model> <version>' (parsed; attribution by the trained labeller), or 'tokens only (<why>)' (no parser model for the language; attribution by rules)",
        "text": "extracted body text, paragraphs separated by a blank line",
    },
    "claims": {
        "claim_id": "the cross-outlet claim group (C001 = carried by the most outlets); a unit that carries two claims can be in two groups, so one sentence can have rows under two claim ids",
        "label": "a short label of the claim: the shortest sentence piece in the group",
        "outlet": "outlet key",
        "status": "attributed (credits a source), asserted (outlet's own voice), hedged (own voice with 'alleged', 'reportedly'...), or omitted (the outlet does not carry the claim)",
        "source": "who the outlet credits, as written, pronouns and titles resolved to the name ('He' -> 'Sergei Lavrov')",
        "source_kind": "named, anonymous ('a source familiar...'), collective ('Ukrainian officials', 'the Kremlin'), or pronoun (unresolved)",
        "cue": "the attribution cue as written ('said', 'claimed', 'according to')",
        "cue_class": "neutral, distancing, endorsing, denial or accusation (data/cues.txt)",
        "quote": "direct (a quotation), indirect (reported speech) or mixed",
        "sentence": "the sentence, verbatim as extracted (empty when omitted)",
        "position": "the sentence's index in the article (0 = lede); empty when omitted",
        "paragraph": "the sentence's paragraph (0 = first); empty when omitted",
        "lede": "True when the sentence is in the article's first paragraph",
        "outlets_carrying": "how many outlets carry the claim",
        "unit": "the claim unit: the piece of the sentence that carries this claim (the whole sentence when it carries one claim; empty when omitted)",
        "unit_start": "the unit's first character in the sentence (0-based; empty when omitted)",
        "unit_end": "the character after the unit's last one in the sentence (end exclusive; empty when omitted)",
        "score": "the match score (probability, learned matcher) of the evidence behind the cell: for a carried unit, its best match with another outlet's unit in the group; for an omitted cell, the best match between the outlet's units and the claim's; for a claim only this outlet carries, its nearest unit elsewhere",
        "possibly_carried": "True for an omitted cell whose nearest unit scores close to the threshold (thresholds: align.possibly_carried): shown as 'possibly carried' with that sentence, not as an omission",
        "nearest": "for an omitted cell: the outlet's sentence nearest the claim; for a claim only this outlet carries: the nearest sentence of another outlet",
        "nearest_outlet": "the outlet of the nearest sentence",
    },
    "exclusive_claims": {
        "outlet": "the outlet that alone carries the claim",
        "claim_id": "claim group (as in claims.csv)",
        "status": "attributed, asserted or hedged",
        "source": "who the outlet credits",
        "unit": "the claim unit",
        "sentence": "its sentence",
        "position": "the sentence's index in the article",
        "nearest_outlet": "the other outlet with the nearest unit",
        "nearest": "that outlet's sentence",
        "score": "the match score of the two (low: really this outlet's own; close to the threshold: check it)",
    },
    "claim_summary": {
        "outlet": "outlet key",
        "claims_carried": "claim groups the outlet carries",
        "shared_claims_omitted": "claims carried by two or more other outlets that this outlet leaves out (its nearest sentence scores below the 'possibly carried' mark)",
        "shared_claims_possibly_carried": "claims carried by two or more other outlets that this outlet may carry in other words (an omitted cell shown as 'possibly carried')",
        "share_attributed": "share of its claim sentences that credit a source",
        "share_asserted": "share stated in the outlet's own voice",
        "share_hedged": "share in its own voice, hedged",
        "named_sources": "claim sentences crediting a named source",
        "anonymous_sources": "claim sentences crediting an anonymous source",
        "collective_sources": "claim sentences crediting a group or institution",
        "distinct_sources": "different sources credited",
        "single_outlet_claims": "claims only this outlet carries (listed in exclusive_claims.csv)",
    },
    "sources": {
        "outlet": "outlet key",
        "source": "a source the outlet credits (resolved)",
        "source_kind": "named, anonymous, collective or pronoun",
        "sentences": "sentences crediting it (each sentence once)",
    },
    "wording_diffs": {
        "claim_id": "claim group (as in claims.csv)",
        "label": "the claim's short label",
        "reference": "outlet whose version the others are compared with: the one closest to all the others",
        "outlet": "outlet whose version differs",
        "change": "substituted (words replaced: 'said' -> 'claimed', 'attack' -> 'alleged attack'), inserted, deleted, or same (no word differs)",
        "before": "the words in the reference version",
        "after": "the words in this outlet's version",
        "similarity": "share of words the two versions have in the same order (0-1)",
        "reference_sentence": "the reference version (its sentences in the claim, joined)",
        "sentence": "this outlet's version",
    },
    "distinctive_terms": {
        "outlet": "outlet key",
        "term": "a word or short phrase, lowercased (stopwords left out)",
        "n": "words in the term (1 or 2)",
        "count": "times the outlet uses it",
        "count_others": "times all the other outlets together use it",
        "rate_per_1000": "times per 1,000 words of the outlet",
        "log_odds": "weighted log-odds ratio, outlet vs the others, with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008)",
        "z": "log_odds divided by its standard deviation; above 1.96 the outlet uses the term distinctly more",
    },
    "naming": {
        "actor": "a person, organisation or country, under its commonest full name; spellings and metonyms joined (data/actors.txt)",
        "outlet": "outlet key",
        "form": "how the outlet names the actor ('President Vladimir Putin', 'Mr Putin', 'the Kyiv regime')",
        "count": "mentions in this form",
        "share": "share of the outlet's mentions of the actor in this form",
        "first_sentence": "the first sentence using this form",
    },
    "lexicon_hits": {
        "outlet": "outlet key",
        "lexicon": "hedging, intensifiers, loaded, attribution, or a list named in the spec or --lexicon",
        "category": "the cue class for attribution verbs (neutral, distancing, endorsing, denial, accusation), else the list's category",
        "term": "the list entry that matched",
        "match": "the words as written",
        "paragraph": "paragraph index (0 = first)",
        "sentence": "sentence index in the article (0 = lede)",
        "start": "character offset of the match in its paragraph",
        "end": "character offset of its end",
        "text": "the sentence",
    },
    "lexicon_rates": {
        "outlet": "outlet key",
        "lexicon": "word list",
        "category": "category within the list",
        "hits": "matches",
        "words": "words in the outlet's article",
        "per_1000": "matches per 1,000 words",
    },
    "similarity": {
        "outlet_a": "outlet key (earlier in the spec)",
        "outlet_b": "outlet key",
        "cosine": "TF-IDF cosine of the two texts' words (0-1): how much they talk about the same things",
        "shingle_jaccard": "shared 5-word sequences over all of either (0-1): how much text is word for word the same",
        "containment_a": "share of a's 5-word sequences found in b",
        "containment_b": "share of b's 5-word sequences found in a",
        "shared_passages": "passages of 8 or more words the two texts have word for word in common",
        "shared_words": "words in those passages",
        "unquoted_passages": "shared passages with 8 or more words outside quotation marks (shared quotations do not count as copying)",
        "unquoted_words": "words of those passages outside quotation marks",
        "longest_unquoted": "unquoted words of the longest such passage",
        "copied": "True when one text republishes the other: a shared unquoted run of 20+ words and shared unquoted text of 25% of the shorter text or 100+ words",
        "direction": "'<copy> copies <original>' (the text more contained in the other, else the one crediting the other, else the later one), or empty when unclear",
    },
    "copy_changes": {
        "outlet_from": "the outlet whose text was republished",
        "outlet_to": "the outlet that republished it",
        "paragraph_from": "paragraph in the original",
        "paragraph_to": "paragraph in the copy",
        "sentence_from": "sentence index in the original (empty for an added sentence)",
        "sentence_to": "sentence index in the copy (empty for a dropped sentence)",
        "change": "replaced, inserted or deleted",
        "before": "the original's words",
        "after": "the copy's words",
        "part": "body or headline",
        "spelling": "True when the change is only a spelling (defence -> defense, kilometres -> kilometers)",
    },
    "headlines": {
        "outlet": "outlet key",
        "name": "outlet name",
        "headline": "the headline",
        "lede": "the first paragraph",
        "headline_similarity": "highest word-order similarity to another outlet's headline (0-1)",
        "lede_similarity": "highest word-order similarity to another outlet's lede (0-1)",
    },
    "revisions": {
        "outlet": "outlet key",
        "previous_run": "the earlier run compared with (its folder name)",
        "previous_fetched_at": "when the earlier run fetched the page (ISO 8601, UTC)",
        "current_fetched_at": "when this run fetched it",
        "change": "headline (the headline changed), added, removed or changed (a paragraph), or markup (the page changed, its headline and text did not)",
        "paragraph_before": "the paragraph's index in the earlier version (empty for an added one)",
        "paragraph_after": "its index in this version (empty for a removed one)",
        "before": "the earlier text",
        "after": "this run's text",
    },
    "readability": {
        "outlet": "outlet key",
        "name": "outlet name",
        "language": "language the measure was computed for",
        "measure": "statistic or formula (see the rows for readability.csv measure=...)",
        "value": "its value; empty (NA) when the formula does not apply to the language",
        "note": "why the value is NA, if it is",
    },
}


def articles_frame(articles: Iterable[Article]) -> pd.DataFrame:
    """articles.csv: one row per outlet, in spec order."""
    rows = [{**a.row(), "parser": parse.model_info(a.language or "en").label if a.ok else ""} for a in articles]
    return pd.DataFrame(rows, columns=ARTICLE_COLUMNS)


def readability_frame(articles: Iterable[Article]) -> pd.DataFrame:
    """readability.csv, tidy: one row per (outlet, measure); failed outlets are left out."""
    rows = []
    for article in articles:
        if not article.ok:
            continue
        for row in readability(article.text, article.language):
            rows.append({"outlet": article.outlet, "name": article.name, "language": article.language, **row})
    return pd.DataFrame(rows, columns=["outlet", "name", "language", "measure", "value", "note"])


def readability_wide(tidy: pd.DataFrame) -> pd.DataFrame:
    """Outlets as rows, measures as columns (labels as headers), for reading; measures that
    apply to no outlet's language are left out (readability.csv keeps them, with the reason)."""
    if tidy.empty:
        return pd.DataFrame()
    wide = tidy.pivot_table(index="name", columns="measure", values="value", aggfunc="first", sort=False, dropna=False)
    labels = {**{k: v[0] for k, v in STAT_DESCRIPTIONS.items()}, **{m.name: m.label for m in MEASURES}}
    order = [c for c in labels if c in wide.columns and wide[c].notna().any()]  # no column of NA only
    wide = wide[order]
    for count in ("words", "sentences"):
        if count in wide.columns:
            wide[count] = wide[count].astype("Int64")
    return wide.rename(columns=labels).rename_axis(index="outlet", columns=None)


def codebook_frame(tables: Iterable[str]) -> pd.DataFrame:
    """The codebook rows for the given tables, plus one row per readability measure."""
    rows = [{"table": "(every table)", "column": "(text cells)", "description": FORMULA_NOTE}]
    rows += [{"table": t, "column": c, "description": d} for t in tables for c, d in CODEBOOK.get(t, {}).items()]
    if "readability" in tables:
        for key, (label, desc) in STAT_DESCRIPTIONS.items():
            rows.append({"table": "readability", "column": f"measure={key}", "description": f"{label}: {desc}"})
        for m in MEASURES:
            langs = ", ".join(sorted(m.languages)) if m.languages else "any language"
            rows.append({"table": "readability", "column": f"measure={m.name}",
                         "description": f"{m.label}: {m.description} (applies to: {langs})"})
    return pd.DataFrame(rows, columns=["table", "column", "description"])


FORMULA_NOTE = ("a text cell that begins with = + - @, a tab or a carriage return (after any number of ') has one "
                "more ' in front, so that a spreadsheet shows it as text, not a formula; plain numbers are left "
                "alone; parallax.report.tables.read_table(path) reads a table back with the cells as they were")
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _escape_cell(value: object) -> object:
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _unescape_cell(value: object) -> object:
    if isinstance(value, str) and _ESCAPED.match(value) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def _map_text(frame: pd.DataFrame, cell: Callable[[object], object]) -> pd.DataFrame:
    """A copy of ``frame`` with ``cell`` applied to every cell of its text columns (``frame`` itself
    when it has none)."""
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    if not text or frame.empty:
        return frame
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(cell)
    return out


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula prefixed with ``'``
    (see the module's docstring); other cells, and the frame given, unchanged."""
    return _map_text(frame, _escape_cell)


def unescape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`escape_formulas`, for a table read back from CSV."""
    return _map_text(frame, _unescape_cell)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as UTF-8 CSV without its index, formula-safe (:func:`escape_formulas`)."""
    escape_formulas(frame).to_csv(path, index=False, encoding="utf-8")
    return path


def read_table(path: str | Path, **options: object) -> pd.DataFrame:
    """A table Parallax wrote, with its cells as Parallax had them (``pandas.read_csv`` with
    ``options``, then :func:`unescape_formulas`)."""
    return unescape_formulas(pd.read_csv(path, encoding="utf-8", **options))


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> Path:
    """Write ``tables/<name>.csv`` (UTF-8, no index, formula-safe) and return its path."""
    path = Path(folder) / "tables" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(frame, path)


def write_codebook(folder: Path) -> Path:
    """Write ``tables/codebook.csv`` for the tables present in the run folder."""
    present = sorted(p.stem for p in (Path(folder) / "tables").glob("*.csv") if p.stem != "codebook")
    return write_table(folder, "codebook", codebook_frame(present))
