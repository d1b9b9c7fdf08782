"""From a page to an :class:`Article`: body text, metadata, clean-up and warnings.

Extractors plug in by name (``EXTRACTORS``): each takes HTML and a URL and
returns a :class:`Extracted`. trafilatura goes first (best measured F1 on the
extraction benchmark); newspaper4k fills in metadata and is the fallback when
trafilatura finds nothing useful. Nothing here touches the network.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, Callable

import lxml.html
from dateutil import parser as dateparser

from parallax.extract import clean
from parallax.errors import ExtractionError
from parallax.parse.segment import MAX_SENTENCE_CHARS, lang_root, paragraphs, sentences
from parallax.parse.words import words
from parallax.acquire.snapshot import Snapshot
from parallax.thresholds import value as limit

log = logging.getLogger(__name__)

MIN_USEFUL_WORDS = int(limit("extract.min_useful_words"))   # below this, the next extractor is tried
SHORT_WORDS = int(limit("extract.short_words"))       # below this, the article gets a "short" warning
MIN_ARTICLE_WORDS = int(limit("extract.min_article_words"))  # below this, there is no article on the page
MAX_ARTICLE_WORDS = int(limit("extract.max_article_words"))  # above this, the page is not one article
MAX_ARTICLE_PARAGRAPHS = int(limit("extract.max_article_paragraphs"))  # nor above this
PAYWALL_TEASER_WORDS = int(limit("extract.paywall_teaser_words"))  # a paywall notice elsewhere on the page counts only for bodies shorter than this
ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}


@dataclass
class Extracted:
    """What one extractor found on a page (any field may be empty)."""

    text: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    language: str = ""


@dataclass
class Article:
    """One outlet's article, as the rest of Parallax sees it (a row of articles.csv)."""

    outlet: str
    name: str
    source: str
    status: str = "ok"          # "ok" or "failed"
    error: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""         # ISO 8601, or "" when unknown
    language: str = ""
    extractor: str = ""
    warnings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        """Number of words in the body."""
        return len(words(self.text, self.language or "en"))

    @property
    def ok(self) -> bool:
        """True when the article was fetched and extracted."""
        return self.status == "ok"

    def row(self) -> dict[str, Any]:
        """The articles.csv row (lists joined with "; ")."""
        data = asdict(self)
        del data["paragraphs"]
        data["authors"] = "; ".join(self.authors)
        data["warnings"] = "; ".join(self.warnings)
        data["words"] = self.words if self.ok else 0
        data["text"] = self.text
        return data


def failed(outlet: str, name: str, source: str, error: str) -> Article:
    """The row of an outlet that could not be fetched or extracted."""
    return Article(outlet=outlet, name=name, source=source, status="failed", error=error)


# ---------------------------------------------------------------- extractors

def _trafilatura(html: str, url: str | None) -> Extracted:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True,
        # only dates the page states; an extensive search turns "© 2025" into 2025-01-01
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return Extracted()
    authors = [a.strip() for a in re.split(r";|\band\b", doc.author or "") if a.strip()]
    return Extracted(
        text=doc.text or "", title=doc.title or "", authors=authors,
        published=doc.date or "", language=doc.language or "",
    )


def _newspaper(html: str, url: str | None) -> Extracted:
    import newspaper

    article = newspaper.Article(url or "http://localhost/", fetch_images=False)
    article.download(input_html=html)
    article.parse()
    published = article.publish_date.isoformat() if isinstance(article.publish_date, datetime) else ""
    return Extracted(
        text=article.text or "", title=article.title or "", authors=list(article.authors),
        published=published, language=article.meta_lang or "",
    )


LXML_MAX_DEPTH = 255   # libxml2 stops building the tree past this depth: both extractors then see no text
_SKIPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
            "select", "svg", "figcaption", "iframe"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Paragraphs(HTMLParser):
    """A streaming reader of a page's paragraph text that builds no tree, so nesting depth costs it
    nothing: text of block elements (p, h1-h6, li, blockquote...) outside navigation, forms and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = self.max_depth = self.skip = 0
        self.title, self.in_title = "", False
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []
        self._block = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag in _BLOCKS:
            self._flush()
            self._block += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in _BLOCKS:
            self._flush()
            self._block = max(0, self._block - 1)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip and self._block:
            self._buffer.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text:
            self.paragraphs.append(text)
        self._buffer = []


def _paragraphs(html: str, url: str | None) -> Extracted:
    """The page's paragraph text, read without a tree (the fallback for pages nested past
    :data:`LXML_MAX_DEPTH`)."""
    return _read_paragraphs(html)[0]


def _read_paragraphs(html: str) -> tuple[Extracted, int]:
    reader = _Paragraphs()
    reader.feed(html)
    reader.close()
    reader._flush()
    return Extracted(text="\n".join(reader.paragraphs), title=" ".join(reader.title.split())), reader.max_depth


EXTRACTORS: dict[str, Callable[[str, str | None], Extracted]] = {
    "trafilatura": _trafilatura,
    "newspaper4k": _newspaper,
    "html-paragraphs": _paragraphs,
}
ORDER = ("trafilatura", "newspaper4k")   # html-paragraphs only reads pages too deep for both


# Joiners that are part of words and emoji (Persian and Hindi spelling use ZWNJ, 👨‍👩‍👧 is three emoji
# joined by ZWJ) but that trafilatura drops with every non-printable character. They are carried through
# an extractor as printable stand-ins the page does not hold, and put back after.
_JOINERS = {"\u200d": re.compile(r"\u200d|&zwj;|&#0*8205;|&#x0*200d;", re.IGNORECASE),
            "\u200c": re.compile(r"\u200c|&zwnj;|&#0*8204;|&#x0*200c;", re.IGNORECASE)}
_STAND_INS = "\u2e3a\u2e3b\u4dc0\u4dc1\u4dc2\u4dc3\U0001d300\U0001d301\U0001d302\U0001d303"


def _protect(html: str) -> tuple[str, dict[str, str]]:
    """``html`` with each joiner it holds replaced by a stand-in absent from it; stand-in -> joiner."""
    back: dict[str, str] = {}
    free = (c for c in _STAND_INS if c not in html)
    for joiner, pattern in _JOINERS.items():
        if pattern.search(html):
            stand_in = next(free, None)
            if stand_in is None:   # the page holds every stand-in: leave it as the extractor reads it
                break
            html, back[stand_in] = pattern.sub(stand_in, html), joiner
    return html, back


def _restore(found: Extracted, back: dict[str, str]) -> Extracted:
    if not back:
        return found
    table = str.maketrans(back)
    return Extracted(text=found.text.translate(table), title=found.title.translate(table),
                     authors=[a.translate(table) for a in found.authors], published=found.published,
                     language=found.language)


def _run(name: str, html: str, url: str | None, back: dict[str, str]) -> Extracted:
    """What extractor ``name`` finds in ``html``; ``back`` puts the joiners :func:`_protect` replaced back."""
    try:
        return _restore(EXTRACTORS[name](html, url), back)
    except Exception as exc:  # an extractor crash must not sink the outlet
        lines = [line.strip() for line in str(exc).splitlines() if any(c.isalpha() for c in line)]
        first = lines[0] if lines else exc.__class__.__name__   # NLTK's errors open with a row of '*'
        first = first if len(first) <= 160 else first[:157] + "..."
        log.warning("%s could not read %s (%s); the other extractor's text is used", name, url or "the page", first)
        return Extracted()


# ---------------------------------------------------------------- metadata

def _page_facts(html: str) -> dict[str, str]:
    """What the page declares about itself (<html lang>, og:type, JSON-LD type, dates,
    isAccessibleForFree) and its visible text."""
    facts: dict[str, str] = {}
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses a str with an encoding declaration
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return facts
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        facts["lang"] = lang.strip()
    for meta in tree.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").lower()
        if prop == "og:type":
            facts["og_type"] = (meta.get("content") or "").strip().lower()
        elif prop in ("article:published_time", "og:published_time", "datepublished", "pubdate") and meta.get("content"):
            facts.setdefault("meta_published", meta.get("content", "").strip())
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        for item in _jsonld_items(script.text_content()):
            kind = item.get("@type")
            kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
            if any(str(k).lower() in ARTICLE_TYPES for k in kinds):
                facts["jsonld_type"] = "article"
                if isinstance(item.get("datePublished"), str):
                    facts.setdefault("jsonld_published", item["datePublished"])
            if item.get("isAccessibleForFree") in (False, "false", "False"):
                facts["paywalled"] = "json-ld"
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    facts["visible"] = tree.text_content()
    return facts


def _jsonld_items(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    items = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                out.extend(g for g in graph if isinstance(g, dict))
    return out


def _published(candidates: list[str]) -> str:
    """ISO 8601 publication time: the first candidate that parses (the page's own metadata
    comes first), with the time of day from another candidate of the same day if it lacks one."""
    parsed = [iso for iso in (_iso(c) for c in candidates if c and c.strip()) if iso]
    if not parsed:
        return ""
    day = parsed[0][:10]
    # a bare midnight is how some parsers say "no time given": not more precise than the day
    precise = [c for c in parsed if c[:10] == day and len(c) > 10 and "T00:00:00" not in c[:19] + "+"]
    return precise[0] if precise else day


def _iso(value: str) -> str:
    """A date or date-time in ISO 8601, or "" when it cannot be read."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()  # "Mon, 29 Dec 2025 14:52:00 GMT"
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dateparser.parse(value, dayfirst=not re.match(r"\d{4}", value)).isoformat()
    except (ValueError, OverflowError):
        return ""


def _language(spec_lang: str | None, page_langs: list[str], default: str | None) -> tuple[str, str]:
    """``(language, warning)``: the spec's outlet language, the page's, the story default, else English."""
    if spec_lang:
        return spec_lang, ""
    for value in page_langs:
        code = lang_root(value.strip())
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code, ""
    if default:
        return default, ""
    return "en", "language: not declared by the page or the spec; assumed English (set 'language:' in the spec)"


# ---------------------------------------------------------------- the article

def extract_html(
    html: str,
    url: str | None = None,
    language: str | None = None,
    default_language: str | None = None,
) -> Article:
    """Extract the article from one HTML page (no outlet needed; used by ``parallax extract``)."""
    results: dict[str, Extracted] = {}
    chosen = ""
    protected, back = _protect(html)   # once for every extractor that reads the page
    for name in ORDER:
        results[name] = _run(name, protected, url, back)
        if _count_words(results[name].text) >= MIN_USEFUL_WORDS:
            chosen = name
            break
    if not chosen:  # nobody found much: take the longest
        chosen = max(results, key=lambda n: _count_words(results[n].text))
    _check_length(results[chosen].text, url or "", chosen)
    deep_warning = ""
    if _count_words(results[chosen].text) < MIN_USEFUL_WORDS:
        flat, depth = _read_paragraphs(html)
        if depth > LXML_MAX_DEPTH and _count_words(flat.text) > _count_words(results[chosen].text):
            chosen, results["html-paragraphs"] = "html-paragraphs", flat
            deep_warning = (f"fallback: the page nests elements {depth:,} deep, past the {LXML_MAX_DEPTH} that "
                            f"{' and '.join(ORDER)} read; used html-paragraphs (paragraph text only)")
    first = results[ORDER[0]]
    if not (first.title and first.authors and first.published):  # fill in metadata from the others
        for name in ORDER:
            if name not in results:
                results[name] = _run(name, protected, url, back)
    best = results[chosen]
    others = [results[n] for n in ORDER if n != chosen and n in results]
    facts = _page_facts(html)
    lang, lang_warning = _language(
        language, [facts.get("lang", "")] + [r.language for r in results.values()], default_language
    )
    article = Article(
        outlet="", name="", source=url or "",
        title=best.title or next((o.title for o in others if o.title), ""),
        authors=best.authors or next((o.authors for o in others if o.authors), []),
        published=_published([facts.get("jsonld_published", ""), facts.get("meta_published", ""),
                              *(r.published for r in results.values())]),
        language=lang, extractor=chosen if best.text.strip() else "",
    )
    if deep_warning:
        article.warnings.append(deep_warning)
    elif chosen != ORDER[0] and best.text.strip():
        article.warnings.append(f"fallback: {ORDER[0]} found little text; used {chosen}")
    if lang_warning:
        article.warnings.append(lang_warning)
    _finish(article, best.text, html, facts)
    return article


def _check_length(text: str, source: str, extractor: str) -> None:
    """Refuse a text longer than any article before it is cleaned and parsed (bounded time and memory):
    more paragraphs than :data:`MAX_ARTICLE_PARAGRAPHS` (cleaning and newspaper4k's scoring grow with
    them) or more words than :data:`MAX_ARTICLE_WORDS`."""
    n_words = _count_words(text)
    n_paragraphs = sum(1 for line in text.splitlines() if line.strip())
    if n_paragraphs > MAX_ARTICLE_PARAGRAPHS:
        size = f"{n_paragraphs:,} paragraphs, more than the {MAX_ARTICLE_PARAGRAPHS:,}"
    elif n_words > MAX_ARTICLE_WORDS:
        size = f"{n_words:,} words, more than the {MAX_ARTICLE_WORDS:,}"
    else:
        return
    raise ExtractionError(
        "", source, f"the text {extractor} read is {size} of one article (a live blog, an archive or a whole book?)",
        "give the page of the one article (save it from a browser and use 'file:', cut to the article)")


def extract_text(text: str, source: str = "", language: str | None = None, default_language: str | None = None) -> Article:
    """An article from plain text: the first line is the title when it reads like a headline."""
    _check_length(text, source, "plain-text")
    paras = paragraphs(text)
    title = ""
    if paras and len(paras[0].split()) <= 30 and not re.search(r"[.!?…:]$", paras[0]):
        title, paras = paras[0], paras[1:]
    lang, lang_warning = _language(language, [], default_language)
    article = Article(outlet="", name="", source=source, title=title, language=lang, extractor="plain-text")
    if lang_warning:
        article.warnings.append(lang_warning)
    _finish(article, "\n\n".join(paras), "", {"jsonld_type": "article"})
    return article


def extract_snapshot(
    snapshot: Snapshot,
    outlet: str,
    name: str,
    language: str | None = None,
    default_language: str | None = None,
) -> Article:
    """The article of one outlet's snapshot.

    Raises:
        ExtractionError: no article text came out of the page.
    """
    text = snapshot.text()
    try:
        if snapshot.kind == "text":
            article = extract_text(text, snapshot.source, language, default_language)
        else:
            article = extract_html(text, snapshot.final_url or None, language, default_language)
    except ExtractionError as exc:
        raise ExtractionError(outlet, snapshot.source, exc.problem, exc.fix) from None
    article.outlet, article.name, article.source = outlet, name, snapshot.source
    if article.words < MIN_ARTICLE_WORDS:
        found = f"only {article.words} words of text" if article.paragraphs else "no text"
        found += f"; read by {article.extractor or ' and '.join(ORDER)}"
        raise ExtractionError(
            outlet, snapshot.source, f"no article on the page ({found})",
            "check that the page holds the article (not a cookie wall or a login page); save it from a browser and use 'file:'",
        )
    return article


def _count_words(text: str) -> int:
    """A rough size of a candidate text, to choose between extractors (white-space separated pieces)."""
    return len(text.split())


def _finish(article: Article, text: str, html: str, facts: dict[str, str]) -> None:
    """Clean the body and add the warnings a reader needs."""
    paras = paragraphs(text.replace("\n", "\n\n"))
    if paras and article.title and clean._norm(paras[0]) == clean._norm(article.title):
        paras = paras[1:]
    paras, furniture = clean.drop_furniture(paras)
    paras, repeated = clean.drop_repeats(paras, article.language)
    article.paragraphs = paras
    if repeated:
        article.warnings.append(f"repeated: the page repeats text; {repeated} repeated sentence(s) kept once")
    if any(len(para) > MAX_SENTENCE_CHARS and re.search(rf"[^.!?…。！？]{{{MAX_SENTENCE_CHARS + 1}}}", para)
           for para in paras):
        article.warnings.append(f"long: a passage of over {MAX_SENTENCE_CHARS:,} characters has no sentence end; "
                                f"it is analysed in pieces of at most {MAX_SENTENCE_CHARS:,} characters")
    if furniture:
        article.warnings.append(f"furniture: dropped {furniture} comment-form, share, newsletter or cookie line(s)")
    n_words = article.words
    if not paras:
        return
    if n_words < SHORT_WORDS:
        article.warnings.append(f"short: only {n_words} words; check that this is the whole article")
    # "Already a subscriber? Log in" sits in the header of many free articles: the page's
    # own text counts only when the extracted body is teaser-sized
    searched = text + ("\n" + facts.get("visible", "") if n_words < PAYWALL_TEASER_WORDS else "")
    if facts.get("paywalled") or any(p.search(searched) for p in clean.patterns("paywall")):
        article.warnings.append("paywall: the page looks paywalled; the text may be only a teaser")
    og_type = facts.get("og_type", "")
    rough = sum(len(re.findall(r"[.!?](?:\s|$)", p)) or 1 for p in paras)
    n_sentences = rough if rough >= 5 else len(sentences(paras, article.language))
    if (og_type and og_type not in ARTICLE_TYPES and "jsonld_type" not in facts) or n_sentences < 3:
        kind = f"og:type is {og_type!r}" if og_type and og_type not in ARTICLE_TYPES else f"only {n_sentences} sentence(s)"
        article.warnings.append(f"not-article: this may not be an article page ({kind})")

