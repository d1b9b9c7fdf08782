"""Who says what: attribution cues, sources and contents, sentence by sentence (English).

Rule-based and transparent: the cue verbs, hedges and source classes live in
``data/cues.txt``, ``data/hedges.txt`` and ``data/sources.txt``. For each sentence
it finds the cue ("said", "according to", "X called it Y"), the source as written
("Russian Foreign Minister Sergei Lavrov", "Ukrainian officials"), the content,
and whether the quote is direct, indirect or mixed; pronouns and descriptions
("He stressed", "the minister said") are resolved to the last named source they fit,
and a quotation running over several sentences keeps its source. Each sentence is
then ``attributed``, ``hedged`` (own voice with "alleged", "reportedly"...) or
``asserted`` (the outlet's own voice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Sequence

from parallax.outlet import labeller
from parallax.parse import document as parse
from parallax.parse.segment import DATELINE
from parallax.parse.words import keys, ratio, tokens as word_tokens

Span = tuple[int, int]
ACCORDING = {"according to", "según", "selon", "laut"}  # cues that stand before the source

OPEN_QUOTES, CLOSE_QUOTES, BOTH_QUOTES = "“‘«", "”’»", "\"'"
DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "this", "that", "these", "those", "our", "my",
               "your", "such", "any", "no", "every", "each", "some", "russia's", "ukraine's"}
AUXILIARIES = {"has", "had", "have", "was", "were", "is", "are", "be", "been", "would", "will", "could", "can",
               "may", "might", "should", "must", "did", "does", "do", "also", "then", "later", "again", "not",
               "never", "previously", "repeatedly", "once", "first", "publicly", "privately", "recently", "earlier"}
BOUNDARIES = {"that", "which", "who", "whom", "whose", "and", "but", "or", "because", "when", "while", "if", "as",
              "than", "after", "before", "since", "where", "so", "though", "although", "whether", "what", "how",
              "why", "to", "it", "there", "not", "nor", "yet", "until", "unless", "once"}
NP_PREPOSITIONS = {"of", "for", "at", "in", "from", "with", "on"}
PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "group", "we": "group", "i": "person"}
TITLES = {"president", "prime", "minister", "foreign", "defense", "defence", "interior", "secretary", "senator",
          "sen", "sen.", "rep", "rep.", "gov", "gov.", "governor", "mayor", "chancellor", "general", "gen", "gen.",
          "chair", "chairman", "chairwoman", "director", "spokesman", "spokeswoman", "spokesperson", "aide",
          "ambassador", "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "deputy", "vice", "former", "acting",
          "kremlin", "state", "department", "press", "secretary-general", "chief", "commander", "adviser",
          "advisor", "official", "lawmaker", "representative", "judge", "justice", "board", "county", "city",
          "u.s.", "us", "white", "house", "national", "security", "councillor", "councilor", "councilman",
          "councilwoman", "councilmember", "alderman", "commissioner", "sheriff", "superintendent", "prosecutor",
          "attorney", "inspector", "detective", "sergeant", "captain", "coach", "professor", "prof", "prof."}
NOUNLIKE_CUES = {"claim", "claims", "reports", "report", "calls", "shows", "states", "notes", "finds", "labels",
                 "brands", "alleged", "reported", "purported", "said", "called", "expected", "found", "described",
                 "estimates", "promised", "threatened", "posted", "disputed", "exposed", "dismissed", "labeled",
                 "labelled", "questioned", "believed", "proved"}


@dataclass(frozen=True)
class Attribution:
    """One attribution: a cue, the source it credits and the content it reports.

    Spans are character offsets into the text given to :func:`attribute_text`
    (or into the paragraph, for :func:`attribute_paragraphs`).
    """

    sentence: int
    cue: str
    cue_span: Span
    cue_class: str
    source: str = ""
    source_span: Span | None = None
    source_kind: str = ""        # named, anonymous, collective, pronoun, or "" when there is none
    resolved_source: str = ""    # the name the source refers to ("He" -> "Sergei Lavrov")
    content: str = ""
    content_span: Span | None = None
    quote: str = ""              # direct, indirect or mixed
    main: bool = True            # the sentence's own attribution (not one inside a clause it asserts)


@dataclass(frozen=True)
class SentenceAttribution:
    """What one sentence does with its claims."""

    position: int
    paragraph: int
    text: str
    status: str                               # attributed, asserted or hedged
    attributions: tuple[Attribution, ...] = ()
    hedges: tuple[str, ...] = ()
    continued_from: int | None = None         # a quotation that started in this earlier sentence

    @property
    def source(self) -> str:
        """Who the sentence credits (resolved), or ""."""
        for a in self.attributions:
            if a.resolved_source or a.source:
                return a.resolved_source or a.source
        return ""

    @property
    def cue(self) -> str:
        """The first cue as written, or ""."""
        return self.attributions[0].cue if self.attributions else ""


# ---------------------------------------------------------------- data files

def _data(name: str) -> list[str]:
    text = resources.files("parallax").joinpath("data", name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def cues() -> dict[str, str]:
    """Cue form -> class, from data/cues.txt."""
    out = {}
    for line in _data("cues.txt"):
        form, _, kind = line.partition("\t")
        out[form.strip().lower()] = kind.strip() or "neutral"
    return out


@lru_cache(maxsize=1)
def hedge_patterns() -> tuple[re.Pattern[str], ...]:
    """Hedge expressions, from data/hedges.txt."""
    return tuple(re.compile(p, re.IGNORECASE) for p in _data("hedges.txt"))


@lru_cache(maxsize=1)
def source_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(class, pattern) pairs from data/sources.txt."""
    out = []
    for line in _data("sources.txt"):
        kind, _, pattern = line.partition("\t")
        out.append((kind.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(out)


# ---------------------------------------------------------------- tokens

@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def _tokens(text: str, base: int, lang: str = "en") -> list[_Tok]:
    """The words and marks of a sentence (:func:`parallax.parse.words.tokens`) as the rules read them: a
    full stop the tokenizer left on a word stands apart, except after an initial or a title."""
    out = []
    for w in word_tokens(text, lang):
        tok = w.text
        if tok.endswith(".") and len(tok) > 1 and not re.fullmatch(r"(?:[A-Za-z]\.)+|Mr\.|Mrs\.|Ms\.|Dr\.|Gen\.|Sen\.|Rep\.|Gov\.|St\.", tok):
            out.append(_Tok(tok[:-1], base + w.start, base + w.end - 1))
            out.append(_Tok(".", base + w.end - 1, base + w.end))
        elif not w.is_word and len(tok) > 1:     # "--", "...": one mark per character, as the rules expect
            out.extend(_Tok(ch, base + w.start + k, base + w.start + k + 1) for k, ch in enumerate(tok))
        else:
            out.append(_Tok(tok, base + w.start, base + w.end))
    return out


# ---------------------------------------------------------------- one sentence

def _find_cues(toks: list[_Tok]) -> list[tuple[int, int, str]]:
    """(first token, last token, class) of each cue in the sentence."""
    table = cues()
    found = []
    i = 0
    while i < len(toks):
        two = f"{toks[i].low} {toks[i + 1].low}" if i + 1 < len(toks) else ""
        if two in table:
            found.append((i, i + 1, table[two]))
            i += 2
            continue
        low = toks[i].low
        if low in table and toks[i].is_word and toks[i].cap and i > 0 and toks[i - 1].text not in OPEN_QUOTES + BOTH_QUOTES:
            i += 1  # "United States", "Says Who": a capital inside a sentence is a name, not a cue
            continue
        if low in table and toks[i].is_word:
            prev = toks[i - 1].low if i else ""
            if low in NOUNLIKE_CUES and (prev in DETERMINERS or prev.endswith(("'s", "’s"))):
                i += 1
                continue
            if low in QUOTE_ONLY_CUES and not (
                    any(t.text in CLOSE_QUOTES + BOTH_QUOTES for t in toks[max(0, i - 5):i])
                    or (i + 1 < len(toks) and toks[i + 1].text in ":" + OPEN_QUOTES + BOTH_QUOTES)):
                i += 1  # "fighting continued", but '"...," he continued'
                continue
            if low in AMBIGUOUS_CUES and not _verb_reading(toks, i):
                i += 1  # "won six states", "a talk show": the noun, not the verb
                continue
            if prev == "to" or (low in ("said", "called") and prev in ("the", "so", "is", "be")):
                i += 1
                continue
            if low.endswith("ed") and (prev in _MODIFIER_BEFORE or _passive(toks, i)):
                i += 1  # "the accused", "evaluations of proposed missions"; "more was expected", "is expected to"
                continue
            if low in ("called", "described", "labeled", "labelled", "branded") and i + 1 < len(toks) \
                    and toks[i + 1].low in ("for", "on", "off", "in", "up", "to"):
                i += 1  # "called for", "called on": not an attribution of a label
                continue
            found.append((i, i, table[low]))
        i += 1
    return found


#: Words before an "-ed" cue form that make it a modifier ("the accused", "of proposed missions").
_MODIFIER_BEFORE = {"the", "a", "an", "of", "on", "for", "with", "in", "at", "from", "its", "his", "her", "their",
                    "our", "this", "these", "those", "newly", "widely"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "'s", "’s"}


def _passive(toks: list[_Tok], i: int) -> bool:
    """A passive "-ed" form ("was expected", "is widely reported"): its subject is not the speaker.
    "It was reported that" stays no attribution either: it names no source (a hedge, if any)."""
    j = i - 1
    while j >= 0 and toks[j].is_word and not toks[j].cap and toks[j].low.endswith("ly"):
        j -= 1
    return j >= 0 and toks[j].low in _BE


#: Cue forms that report speech only next to a quotation or a colon ('"...," he continued').
QUOTE_ONLY_CUES = {"continued"}
#: Cue forms that are as often nouns ("swing states", "a talk show"): a cue only when a clause follows.
AMBIGUOUS_CUES = {"states", "show", "shows", "report", "reports", "claims", "claim", "notes", "finds", "calls",
                  "estimates", "charges"}
_CLAUSE_OPENERS = {"that", "how", "what", "why", "whether", "he", "she", "they", "it", "we", "i", "you", "there",
                   "the", "a", "an", "his", "her", "their", "its", "this", "these", "those", "no", "some"}
_NOT_A_SUBJECT_END = {"in", "on", "of", "for", "to", "at", "by", "with", "from", "into", "all", "many", "few",
                      "several", "other", "both", "two", "three", "six", "more", "key", "swing", "home", "talk"}


def _verb_reading(toks: list[_Tok], i: int) -> bool:
    """Whether an ambiguous cue form at ``i`` reads as a verb: a clause, quote or colon follows and
    the word before it can end a subject."""
    prev = toks[i - 1].low if i else ""
    if prev in _NOT_A_SUBJECT_END or prev.isdigit():
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None:
        return prev == ","
    return nxt.low in _CLAUSE_OPENERS or nxt.text in OPEN_QUOTES + BOTH_QUOTES + ":" or (nxt.cap and nxt.is_word)


def _outside_quotes(toks: list[_Tok], found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Cues inside a quotation belong to the quoted words ('"...a story told to scare us," he said'):
    dropped when the sentence has a cue outside quotation marks."""
    inside, depth = [], False
    for t in toks:
        if t.text in OPEN_QUOTES:
            depth = True
        elif t.text in CLOSE_QUOTES:
            depth = False
        elif t.text == '"':
            depth = not depth
        inside.append(depth)
    outside = [c for c in found if not inside[c[0]]]
    return outside if outside else found


_ADVERBS = {"still", "just", "already", "even", "now", "soon", "often", "always", "ever", "further", "instead"}
#: Words that alone are no source ("more was expected", "that pointed out").
_NOT_A_SOURCE = {"more", "that", "there", "here", "what", "much", "less", "so", "such"}


def _between_subject_and_verb(t: _Tok) -> bool:
    """An auxiliary, adverb or time word between a subject and its verb (a capitalised "Early" is a name)."""
    if not t.is_word:
        return False
    if t.low in WEEKDAYS:
        return True
    if t.cap:
        return False
    return t.low in AUXILIARIES or t.low in TIME_WORDS or t.low in _ADVERBS or (t.low.endswith("ly") and len(t.low) > 3)


def _np_left(toks: list[_Tok], end: int) -> tuple[int, int] | None:
    """The noun phrase ending at token ``end`` (inclusive), walking left; None if none."""
    i = end
    while i >= 0 and _between_subject_and_verb(toks[i]):
        i -= 1  # "has said", "also warned", "on Monday dismissed", "immediately rejected", "had just found"
    last = i
    if last < 0:
        return None
    start = None
    j = last
    taken = 0
    while j >= 0 and taken < 12:
        t = toks[j]
        if t.text == "," and start is not None and j > 0:
            # "Sergei Lavrov, Russia's foreign minister, said": take the name before the appositive
            k = j - 1
            name_start = None
            while k >= 0 and toks[k].is_word and (toks[k].cap or toks[k].low in ("de", "van", "von", "al")):
                name_start = k
                k -= 1
            if name_start is not None and (k < 0 or not toks[k].is_word or toks[k].low in BOUNDARIES):
                start = name_start
            break
        if not t.is_word and t.text not in ("'s", "’s", "-", "&"):
            break
        if t.low in BOUNDARIES and not (t.cap and j == 0):
            break
        if t.low in NP_PREPOSITIONS and (j == 0 or not toks[j - 1].is_word):
            break
        start = j
        taken += 1
        j -= 1
    if start is None:
        return None
    while start <= last and toks[start].low in NP_PREPOSITIONS:
        start += 1
    if start > last:
        return None
    # a noun phrase has a noun or a name: not just "also" or "Monday"
    words = [t for t in toks[start:last + 1] if t.is_word]
    if not words or all(t.low in _NOT_A_SOURCE for t in words):
        return None
    return start, last


def _np_right(toks: list[_Tok], begin: int) -> tuple[int, int] | None:
    """The noun phrase starting at token ``begin``, walking right to a comma or the end."""
    j, end = begin, None
    while j < len(toks) and j - begin < 14:
        t = toks[j]
        if not t.is_word and t.text not in ("'s", "’s", "-", "&"):
            break
        if t.low in BOUNDARIES and j > begin:
            break
        end = j
        j += 1
    return (begin, end) if end is not None else None


WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today",
              "tonight", "earlier", "later", "recently", "night", "morning", "evening", "afternoon", "week", "month",
              "year", "last", "this", "on", "late", "early", "again", "also", "repeatedly", "publicly", "privately"}
ADDRESSEES = {"reporters", "journalists", "him", "her", "them", "us", "me", "lawmakers", "parliament", "congress",
              "state", "television", "tv", "radio", "officials", "supporters"}


def _skip_addressee_and_time(toks: list[_Tok], i: int, cue: str) -> int:
    """Index of the first content token after a cue: past "told reporters", "said on Monday"."""
    if cue in ("told", "tells", "tell", "asked", "asks", "urged", "urges", "warned", "assured", "reminded"):
        j = i
        while j < len(toks) and toks[j].is_word and (toks[j].cap or toks[j].low in ADDRESSEES) \
                and toks[j].low not in {"that", "it", "they", "he", "she"}:
            j += 1
        if j > i and j < len(toks) and (toks[j].low == "that" or toks[j].is_word):
            i = j
    while i < len(toks) and toks[i].low in TIME_WORDS:
        i += 1
    if i < len(toks) and toks[i].text == ",":
        i += 1
    return i


def _ends_quotation(toks: list[_Tok], k: int) -> bool:
    """Whether tokens up to ``k`` end in a closed quotation ('..."' or '...,"' or '...",')."""
    tail = [t.text for t in toks[max(0, k - 1):k + 1]]
    if not tail or not any(q in CLOSE_QUOTES + BOTH_QUOTES for q in tail):
        return False
    return tail[-1] in CLOSE_QUOTES + BOTH_QUOTES or (tail[-1] == "," and tail[0] in CLOSE_QUOTES + BOTH_QUOTES)


def _relative_pronoun(toks: list[_Tok], cue: int) -> int | None:
    """Index of "who"/"which"/"that" right before a cue (past auxiliaries), or None."""
    j = cue - 1
    while j >= 0 and toks[j].low in AUXILIARIES:
        j -= 1
    return j if j >= 0 and toks[j].low in ("who", "which") else None


def _relative_clause_source(toks: list[_Tok], comma: int) -> tuple[int, int] | None:
    """"Biden, who served as a senator for 36 years, said": the noun phrase with its clause."""
    j = comma - 1
    while j >= 0 and toks[j].text != ",":
        j -= 1
    if j < 1 or j + 1 >= comma or toks[j + 1].low not in ("who", "which", "whose"):
        return None
    outer = _np_left(toks, j - 1)
    return (outer[0], comma - 1) if outer else None


def _sentence_subject(toks: list[_Tok], limit: int) -> tuple[int, int] | None:
    """The noun phrase a sentence opens with (its likely subject), before token ``limit``."""
    i = 0
    while i < limit and not toks[i].is_word:
        i += 1
    end = None
    j = i
    while j < limit and j - i < 8 and toks[j].is_word and (toks[j].cap or toks[j].low in DETERMINERS or j == i):
        end = j
        j += 1
    return (i, end) if end is not None else None


def _tok_range(toks: list[_Tok], span: Span) -> tuple[int, int] | None:
    inside = [k for k, t in enumerate(toks) if t.start >= span[0] and t.end <= span[1]]
    return (inside[0], inside[-1]) if inside else None


def _span(toks: list[_Tok], a: int, b: int) -> Span:
    return toks[a].start, toks[b].end


def _strip_span(text: str, span: Span, base: int) -> Span | None:
    """Trim spaces, quotes and punctuation from both ends of a span (offsets include ``base``)."""
    start, end = span
    s, e = start - base, end - base
    while s < e and (text[s].isspace() or text[s] in ",;:—–-“”\"'‘’«»()."):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:—–-“”\"'‘’«»()."):
        e -= 1
    return (s + base, e + base) if e > s else None


_LEADING_LINKS = re.compile(r"(?:(?:but|and|or|so|yet|then|now|still|also|meanwhile|however|instead|later|earlier)"
                            r"\b[,]?\s+)+", re.IGNORECASE)


def _trim_source(text: str, span: Span | None, base: int) -> Span | None:
    """Drop what opens the sentence rather than names the source: a linking word ("But all of
    them", "And the minister") or a participial phrase before a comma ("Hosting Cook, Benioff")."""
    if span is None:
        return None
    start, end = span
    source = text[start - base:end - base]
    if " " not in source.strip() and (source.lower().endswith("ly") or source.lower() in _OPENERS):
        return None  # "Shortly", "Meanwhile": an adverb that opened the sentence
    link = _LEADING_LINKS.match(source)
    if link and link.end() < len(source):
        start += link.end()
        source = source[link.end():]
    first = source.split(maxsplit=1)[0].lower() if source.strip() else ""
    opener = source.split(",", 1)[0].strip().lower()
    if "," in source and (_GERUND.fullmatch(first) and first not in _NAMES_IN_ING
                          or opener in _MONTHS or opener in TIME_WORDS or opener in WEEKDAYS
                          or (opener.endswith("ly") and " " not in opener)):
        cut = source.rindex(",") + 1
        rest = source[cut:]
        if rest.strip():
            start += cut + len(rest) - len(rest.lstrip())
    return (start, end)


def _quote_kind(text: str, span: Span | None, base: int) -> str:
    if span is None:
        return ""
    s, e = span[0] - base, span[1] - base
    before = text[:s].rstrip()[-1:]
    after = text[e:].lstrip(",.;:!? ")[:1]
    if before and before in OPEN_QUOTES + BOTH_QUOTES and after and after in CLOSE_QUOTES + BOTH_QUOTES:
        return "direct"
    return "mixed" if re.search(r"[“\"«]", text[s:e]) else "indirect"


def source_kind(source: str) -> str:
    """What kind of source a text names: named, anonymous, collective or pronoun ("" when none)."""
    return _source_kind(source) if source else ""


def _source_kind(source: str) -> str:
    low = source.lower().strip()
    if low in PRONOUNS:
        return "pronoun"
    for kind, pattern in source_patterns():
        if pattern.search(source):
            name = _name_in(source) if kind == "collective" else ""
            if name and not pattern.search(name):  # "Kremlin spokesman Dmitry Peskov", not "Officials"
                return "named"
            return kind
    words = source.split()
    if words and words[0].lower() in DETERMINERS | _OPENERS:  # "The agreement": the capital opens the sentence
        words = words[1:]
    return "named" if any(w[:1].isupper() for w in words) else "collective"


# Capitalised words that open a sentence and are not part of the name after them
_OPENERS = frozenset("""a an the and but or nor so yet then now also still even just only both all some many most
several few each every either neither one two three this that these those there here today yesterday tonight later
earlier meanwhile however instead indeed separately afterwards asked when while after before since as if though
although because unlike despite during like amid with without by for from in on at to of""".split())
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"}
_GERUND = re.compile(r"[a-z]{3,}ing")   # "Hosting Cook", "Citing Reuters"
_NAMES_IN_ING = frozenset("channing manning fleming browning sterling stirling irving harding golding redding "
                          "reading hastings xiaoming liping yiming haining deming".split())


def _not_a_name(word: str) -> bool:
    low = word.lower().strip(".,;:")
    return low in _OPENERS or (bool(_GERUND.fullmatch(low)) and low not in _NAMES_IN_ING)


_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def _surname(name: str) -> str:
    """The last name of a full name, suffixes left out: "George T. Conway III" -> "Conway"."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().strip(",") in _SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def _name_in(source: str) -> str:
    """The personal name inside a source: "Russian Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"."""
    parts = [p for p in re.split(r",| who | of the | for the ", source) if p.strip()]
    if len(parts) > 1:
        for part in parts:
            found = _name_in(part)
            if found and " " in found:
                return found
    head = parts[0] if parts else source
    words = head.split()
    run: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.lower().strip(".,") not in TITLES and not w.lower().endswith(("'s", "’s")):
            run.insert(0, w)
        else:
            break
    while len(run) > 1 and _not_a_name(run[0]):  # "But Apple", "Hosting Cook": a capital opening the sentence
        run.pop(0)
    if len(run) == 1 and run[0].lower().strip(".,;:") in _OPENERS:
        return ""
    if not run or len(run) > 4:
        return ""
    if len(run) == 1 and len(words) == 1:  # "Lavrov" alone is a name; "Kyiv" alone is a place: the caller decides
        return run[0]
    return " ".join(run)


def sentence_attributions(text: str, base: int = 0, index: int = 0) -> list[Attribution]:
    """The attributions of one sentence (spans offset by ``base``)."""
    toks = _tokens(text, base)
    out: list[Attribution] = []
    for first, last, kind in _outside_quotes(toks, _find_cues(toks)):
        cue_span = _span(toks, first, last)
        cue = text[cue_span[0] - base:cue_span[1] - base]
        source_span = content_span = None
        left = None
        if cue.lower() in ACCORDING:
            right = _np_right(toks, last + 1)
            if right:
                source_span = _span(toks, *right)
                after = right[1] + 1
                if first > 0:  # "Content, according to X."
                    content_span = (toks[0].start, toks[first - 1].end)
                elif after < len(toks):  # "According to X, content."
                    content_span = (toks[after].start, toks[-1].end)
        else:
            prev = toks[first - 1] if first else None
            after_comma = prev is not None and (prev.text == "," or prev.text in CLOSE_QUOTES + BOTH_QUOTES)
            nxt = toks[last + 1] if last + 1 < len(toks) else None
            inverted = after_comma and nxt is not None and nxt.is_word and (
                nxt.cap or nxt.low in ("the", "a", "an", "his", "her", "their", "its", "one", "two", "several"))
            appositive = None
            if after_comma and prev.text == "," and first >= 2:  # "Russia's foreign minister, Sergei Lavrov, said"
                inner = _np_left(toks, first - 2)
                if inner and inner[0] >= 2 and toks[inner[0] - 1].text == ",":
                    outer = _np_left(toks, inner[0] - 2)
                    if outer and (outer[0] == 0 or not toks[outer[0] - 1].is_word):
                        appositive = (outer[0], inner[1])
                appositive = appositive or _relative_clause_source(toks, first - 1)
            relative = _relative_pronoun(toks, first)
            participle = cue.lower().endswith("ing") and cue.lower() not in ACCORDING
            if relative is not None:  # "..., who said": PolNeAR's source is the pronoun itself
                left = (relative, relative)
            elif participle and not inverted:  # "Lavrov spoke, saying ...": the subject of the sentence
                left = next(((a.source_span and _tok_range(toks, a.source_span)) for a in out if a.source_span), None) \
                    or _sentence_subject(toks, first)
            elif appositive:
                left = appositive
            elif after_comma and not inverted:
                left = _np_left(toks, first - 2) if prev.text == "," and first >= 2 else None
            else:
                left = None if inverted else _np_left(toks, first - 1)
            if left:
                source_span = _span(toks, *left)
                after = _skip_addressee_and_time(toks, last + 1, cue.lower())
                if left[0] >= 2 and _ends_quotation(toks, left[0] - 1):
                    # '"We will win," Lavrov told a crowd in Moscow': the quotation is the content
                    content_span = (toks[0].start, toks[left[0] - 1].end)
                elif after < len(toks) and toks[after].text != ".":
                    content_span = (toks[after].start, toks[-1].end)
                elif left[0] > 0:
                    content_span = (toks[0].start, toks[left[0] - 1].end)
            else:
                right = _np_right(toks, last + 1) if first == 0 or after_comma else None  # "said Lavrov"
                if right and (toks[right[0]].cap or toks[right[0]].low in DETERMINERS):
                    source_span = _span(toks, *right)
                if first > 0:
                    content_span = (toks[0].start, toks[first - 1].end)
        source_span = _trim_source(text, _strip_span(text, source_span, base), base) if source_span else None
        content_span = _strip_span(text, content_span, base) if content_span else None
        if source_span is None and content_span is None:
            continue
        source = text[source_span[0] - base:source_span[1] - base] if source_span else ""
        content = text[content_span[0] - base:content_span[1] - base] if content_span else ""
        resolved, source_kind = "", _source_kind(source) if source else ""
        if source.lower() in ("who", "which") and left is not None and left[0] >= 1:
            antecedent = _np_left(toks, left[0] - 2 if toks[left[0] - 1].text == "," else left[0] - 1)
            if antecedent:
                resolved = text[toks[antecedent[0]].start - base:toks[antecedent[1]].end - base]
                source_kind = _source_kind(resolved)
        out.append(Attribution(
            sentence=index, cue=cue, cue_span=cue_span, cue_class=kind, source=source, source_span=source_span,
            source_kind=source_kind, resolved_source=resolved, content=content, content_span=content_span,
            quote=_quote_kind(text, content_span, base),
        ))
    if not out:
        colon = _colon_attribution(text, toks, base, index)
        if colon:
            out.append(colon)
    return _drop_nested(out)


#: Words that open a "Label: text" line without being anybody's voice.
_COLON_LABELS = {"update", "updated", "note", "editor's", "editor’s", "photo", "photos", "video", "watch", "read",
                 "related", "breaking", "source", "sources", "correction", "warning", "also", "advertisement", "listen",
                 "see", "more", "live", "analysis", "opinion", "comment", "exclusive", "q", "a", "question", "answer",
                 "credit", "image", "caption", "map", "chart", "timeline", "background", "context", "why", "what",
                 "how", "who", "when", "where", "here", "the", "this", "that", "it", "there", "result", "results",
                 "contributing", "reporting", "additional", "written", "edited", "new", "release", "bestseller",
                 "price", "prices", "deal", "deals", "sale", "tags", "tag", "category", "posted", "filed", "subscribe",
                 "summary", "tickets", "ticket", "cost", "date", "time", "location", "venue", "address", "phone",
                 "email", "website", "rating", "genre", "length", "ingredients", "directions", "step", "tip", "pro",
                 "bonus", "free", "buy", "review", "top", "best", "recommended", "sponsored", "ad", "promoted",
                 "trending", "latest", "featured", "popular", "topics", "section", "part", "chapter", "episode"}


def _colon_attribution(text: str, toks: list[_Tok], base: int, index: int) -> Attribution | None:
    """"Lavrov: Kyiv staged it" (a headline) or "TAPPER: Do you think..." (a transcript): a short
    name before a colon is the source, the colon the cue and what follows the content."""
    colon = next((k for k, t in enumerate(toks[:8]) if t.text == ":"), None)
    if colon is None or colon == 0 or colon + 1 >= len(toks):
        return None
    start = 0
    while start < colon and not toks[start].is_word:
        start += 1
    words = toks[start:colon]
    if not words or len(words) > 5 or words[0].low in _COLON_LABELS:
        return None
    if not all(t.is_word and (t.cap or t.low in ("of", "on", "'s", "’s", "de")) for t in words if t.text != "-"):
        return None
    source_span = _span(toks, start, colon - 1)
    content_span = _strip_span(text, (toks[colon + 1].start, toks[-1].end), base)
    if content_span is None or sum(t.is_word and t.text.isalpha() for t in toks[colon + 1:]) < 3:
        return None  # "VIP: 60,000", "Contributing: Kristine Phillips": a label, not a statement
    source = text[source_span[0] - base:source_span[1] - base]
    content = text[content_span[0] - base:content_span[1] - base]
    return Attribution(sentence=index, cue=":", cue_span=_span(toks, colon, colon), cue_class="neutral",
                       source=source, source_span=source_span, source_kind=_source_kind(source),
                       content=content, content_span=content_span, quote=_quote_kind(text, content_span, base))


_SIGNATURE = re.compile(r"([”\"»])\s*(―|—|–|--)\s*([A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|de|van|von|of))"
                        r"{0,5})\s*[.,]?\s*$")


def _signature(text: str, base: int, index: int) -> Attribution | None:
    """A quotation signed with a dash after it ("“We are afraid.” ― Esther Tapia"), as in readers'
    voices and epigraphs: the dash is the cue, the name after it the source, the quotation the content."""
    m = _SIGNATURE.search(text)
    if m is None:
        return None
    close = m.start(1)
    opening = max(text.rfind(mark, 0, close) for mark in "“\"«")
    begin = opening + 1 if opening >= 0 else 0
    content_span = _strip_span(text, (base + begin, base + close), base)
    if content_span is None:
        return None
    source = m.group(3)
    if source.endswith(".") and len(source.split()[-1]) > 3:    # "Carla Sanchez." but "John Smith Jr."
        source = source[:-1]
    return Attribution(sentence=index, cue=m.group(2), cue_span=(base + m.start(2), base + m.end(2)),
                       cue_class="neutral", source=source, source_span=(base + m.start(3), base + m.start(3) + len(source)),
                       source_kind=_source_kind(source), content=text[content_span[0] - base:content_span[1] - base],
                       content_span=content_span, quote="direct")


def _drop_nested(atts: list[Attribution]) -> list[Attribution]:
    """A cue inside another attribution's source is no cue ("the report said" inside "X said the report said")."""
    def inside(span: Span | None, at: int) -> bool:
        return bool(span) and span[0] <= at < span[1]

    keep = []
    for a in atts:
        # "The council said the detour adds ten minutes": "adds" took "The council said the detour" as its
        # source, but it stands in the content of "said", which is the sentence's attribution
        if any(b is not a and inside(b.source_span, a.cue_span[0]) and not inside(a.content_span, b.cue_span[0])
               for b in atts):
            continue
        if any(b is not a and inside(b.content_span, a.cue_span[0]) and inside(a.source_span, b.cue_span[0])
               for b in atts):
            continue
        keep.append(a)
    return keep


@lru_cache(maxsize=1)
def _any_hedge() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in hedge_patterns()), re.IGNORECASE)


def hedges_in(text: str) -> tuple[str, ...]:
    """The hedge expressions in a sentence, as written."""
    if not _any_hedge().search(text):
        return ()
    return tuple(m.group(0) for p in hedge_patterns() for m in [p.search(text)] if m)


# ---------------------------------------------------------------- an article

@dataclass
class _Context:
    people: list[str] = field(default_factory=list)   # named person sources, latest last
    groups: list[str] = field(default_factory=list)   # collective sources, latest last
    titled: dict[str, str] = field(default_factory=dict)  # title word -> name ("minister" -> "Sergei Lavrov")
    names: dict[str, str] = field(default_factory=dict)   # surname -> full name, from the whole article
    persons: set[str] = field(default_factory=set)        # last words of the people the parse names
    gender: dict[str, str] = field(default_factory=dict)  # surname -> "he" or "she", from the article's own words


_NAME_RUN = re.compile(r"\b([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+)")


def _names_mentioned(texts: list[str]) -> dict[str, str]:
    """Surname -> full name for names the article spells out ("Lavrov" -> "Sergei Lavrov")."""
    out: dict[str, str] = {}
    for text in texts:
        for run in _NAME_RUN.findall(text):
            name = _name_in(run)
            if name and len(name.split()) >= 2:
                out.setdefault(_surname(name), name)
    return out


_GENDERED = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she", "hers": "she"}
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+([A-Z][\w’'-]+)")
_MALE_KIN = frozenset("son husband father brother nephew uncle grandson grandfather boyfriend stepson".split())
_FEMALE_KIN = frozenset("daughter wife mother sister niece aunt granddaughter grandmother girlfriend widow "
                        "stepdaughter".split())
# "her son Matthew Denice", "his wife, Margaret": a kinship noun right before a name says who is who
_KIN = re.compile(r"\b(" + "|".join(sorted(_MALE_KIN | _FEMALE_KIN)) + r"),?\s+((?:[A-Z][\w’'-]+\s+)*[A-Z][\w’'-]+)")


def _genders(document: "parse.Document") -> dict[str, str]:
    """Surname -> "he" / "she" where the article itself says so: an honorific ("Ms. Maloney",
    "Mr. Trump") or a kinship noun before the name ("her son Matthew Denice"); a surname with
    evidence both ways is left out."""
    seen: dict[str, set[str]] = {}
    for m in _HONORIFIC.finditer(document.text):
        seen.setdefault(m.group(2), set()).add("he" if m.group(1) == "Mr" else "she")
    for m in _KIN.finditer(document.text):
        seen.setdefault(_surname(m.group(2)), set()).add("he" if m.group(1).lower() in _MALE_KIN else "she")
    return {name: next(iter(g)) for name, g in seen.items() if len(g) == 1}


def _people_named(ctx: _Context) -> list[str]:
    """The people met so far whose surname the parse recognises as a person's (all of them when the
    parse names nobody): "he" is not "Log Cabin Republicans"."""
    return [p for p in ctx.people if not ctx.persons or _surname(p) in ctx.persons] or ctx.people


def _resolve(a: Attribution, ctx: _Context) -> Attribution:
    if not a.source:
        return a
    low = a.source.lower()
    if a.source_kind == "pronoun":
        person = PRONOUNS.get(low, "person" if low in _PERSON_PRONOUNS else "group") == "person"
        pool = _people_named(ctx) if person else (ctx.groups or ctx.people)
        if low in _GENDERED:    # "she said" is not the man named last
            pool = [p for p in pool if ctx.gender.get(_surname(p), _GENDERED[low]) == _GENDERED[low]] or pool
        return replace(a, resolved_source=pool[-1]) if pool else a
    words = low.split()
    if words and words[0] in ("the", "this") and len(words) <= 5:
        for word in reversed(words[1:]):
            if word in ctx.titled:
                return replace(a, resolved_source=ctx.titled[word], source_kind="named")
        if words[-1] in ROLE_NOUNS and ctx.people:
            # "the Russian leader", "the presumptive nominee": the person the article is about
            return replace(a, resolved_source=_people_named(ctx)[-1], source_kind="named")
    if a.resolved_source:  # resolved where it was found ("Biden, who said" -> "Biden")
        name = _name_in(a.resolved_source) if a.source_kind == "named" else ""
        return replace(a, resolved_source=name or a.resolved_source)
    name = _name_in(a.source) if a.source_kind == "named" else ""
    if name and " " not in name:  # "Lavrov" after "Sergei Lavrov": the full name
        name = next((p for p in reversed(ctx.people) if _surname(p) == name), ctx.names.get(name, name))
    return replace(a, resolved_source=name or a.source)


def _remember(a: Attribution, ctx: _Context) -> None:
    if a.source_kind == "named":
        name = a.resolved_source or _name_in(a.source)
        if name and len(name.split()) >= 1:
            ctx.people.append(name)
            for word in a.source.lower().replace(",", " ").split():
                if word in TITLES and word not in ("former", "acting", "deputy", "vice", "u.s.", "us"):
                    ctx.titled[word] = name
                    if len(name.split()) >= 2:
                        ctx.persons.add(_surname(name))   # "Ukraine's president, Volodymyr Zelenskiy": a person,
                                                          # whatever the entity recogniser made of the name
    elif a.source_kind == "collective":
        ctx.groups.append(a.resolved_source or a.source)


def _quote_state(text: str, open_before: bool) -> tuple[bool, bool]:
    """(starts inside a quotation, ends inside one), counting quotation marks."""
    depth = open_before
    for ch in text:
        if ch in OPEN_QUOTES:
            depth = True
        elif ch in CLOSE_QUOTES:
            depth = False
        elif ch == '"':
            depth = not depth
    return open_before, depth


def attribute_paragraphs(paras: list[str], lang: str = "en") -> list[SentenceAttribution]:
    """Every sentence of an article, with its attributions and status (spans relative to its paragraph).

    Parsed articles (English with the spaCy model) go through the trained labeller; others through
    the rules of this module (see :func:`method`)."""
    return _attribute(parse.document(paras, lang))


_ATTRIBUTED: dict[str, list[SentenceAttribution]] = {}   # document key -> its attribution (made once)


def _attribute(document: "parse.Document") -> list[SentenceAttribution]:
    """The document's attribution, made once per parsed document: coverage, lexicon hits and claim
    cores all read the same result."""
    key = f"{document.key}.{labeller.model_id()}" if document.key else ""
    if key in _ATTRIBUTED:
        return list(_ATTRIBUTED[key])
    if document.parsed:
        result = attribute_document(document)
    else:   # tokens only (no parser for the language, or an article too long to parse): the rules,
        # and each sentence's claim core from them, so that no sentence is parsed alone later
        result = _attribute_units([(s.paragraph, s.text, s.start) for s in document.sentences])
        _remember_cores(result)
    if key:
        if len(_ATTRIBUTED) >= 256:
            _ATTRIBUTED.pop(next(iter(_ATTRIBUTED)))
        _ATTRIBUTED[key] = result
    return list(result)


def method(lang: str = "en") -> str:
    """Which attribution method runs for ``lang``: 'labeller (...)' or 'rules (...)'."""
    info = parse.model_info(lang)
    if info.method == "parse":
        return f"labeller (CRF over {info.label})"
    return f"rules ({info.note})"


def attribute_text(text: str, lang: str = "en") -> list[Attribution]:
    """Every attribution in a text (one paragraph per line), spans as offsets into ``text``.

    The benchmark entry point: items with ``cue_span``, ``source_span`` and ``content_span``
    (end exclusive). A quotation that runs over several sentences is one attribution whose content
    runs from the first sentence to the last."""
    lines = text.split("\n")
    line_starts, offset = [], 0
    for line in lines:
        line_starts.append(offset)
        offset += len(line) + 1
    document = parse.document(lines, lang)
    out: list[Attribution] = []
    seen: dict[tuple[int, Span], int] = {}
    for r in _attribute(document):
        for a in r.attributions:
            home = document.sentences[a.sentence]
            key = (a.sentence, a.cue_span)
            if key not in seen:
                seen[key] = len(out)
                out.append(_shift(a, line_starts[home.paragraph]))
            if r.position != a.sentence and out[seen[key]].content_span:
                here = document.sentences[r.position]
                start = line_starts[here.paragraph] + here.start
                k = seen[key]
                c = out[k].content_span
                whole = (min(c[0], start), max(c[1], start + len(here.text)))
                out[k] = replace(out[k], content_span=whole, content=text[whole[0]:whole[1]])
    return out


def _shift(a: Attribution, base: int) -> Attribution:
    def move(span: Span | None) -> Span | None:
        return (span[0] + base, span[1] + base) if span else None

    return replace(a, cue_span=move(a.cue_span), source_span=move(a.source_span), content_span=move(a.content_span))


def _attribute_units(units: list[tuple[int, str, int]]) -> list[SentenceAttribution]:
    ctx = _Context(names=_names_mentioned([text for _, text, _ in units]))
    results: list[SentenceAttribution] = []
    runs: list[int | None] = []          # the quotation each sentence belongs to (its first sentence)
    open_quote, run_start = False, None
    for position, (paragraph, text, base) in enumerate(units):
        atts = [_resolve(a, ctx) for a in sentence_attributions(text, base, position)]
        for a in atts:
            _remember(a, ctx)
        _remember_mentions(text, ctx)
        starts_inside, ends_inside = _quote_state(text, open_quote)
        if not starts_inside and ends_inside:
            run_start = position           # a quotation opens here and runs on
        runs.append(run_start if (starts_inside or ends_inside) else None)
        if not ends_inside:
            run_start = None
        open_quote = ends_inside
        hedges = hedges_in(text)
        status = "attributed" if atts else ("hedged" if hedges else "asserted")
        results.append(SentenceAttribution(position, paragraph, text.strip(), status, tuple(atts), hedges))
    return _quoted_follow_ups(_share_quote_sources(_colon_contents(results, units), runs))


def _quoted_follow_ups(results: list[SentenceAttribution], keep_sentence: bool = False) -> list[SentenceAttribution]:
    """'"We saw the drones," Lavrov said. "They came from the north."': a sentence that is
    nothing but a quotation, right after an attributed one, is the same speaker's."""
    out = list(results)
    for i in range(1, len(out)):
        r, before = out[i], out[i - 1]
        text = r.text.strip()
        if r.status == "attributed" or before.status != "attributed" or len(text) < 3:
            continue
        # double quotation marks only: the ’ of "He’s" is an apostrophe, not a closing quote
        if text[0] not in '“«"' or text.rstrip(".!?")[-1:] not in '”»"' \
                or any(ch in '“”«»' for ch in text[1:-2]) or text.count('"') > 2:
            continue
        mains = [a for a in before.attributions if a.main]
        credited = mains[-1] if mains else before.attributions[-1]
        if credited.quote not in ("direct", "mixed") and credited.cue != ":":
            continue
        out[i] = replace(r, status="attributed", continued_from=before.continued_from or before.position,
                         attributions=(credited if keep_sentence else replace(credited, sentence=r.position),)
                         + r.attributions)
    return out


def _colon_contents(results: list[SentenceAttribution], units: list[tuple[int, str, int]],
                    keep_sentence: bool = False) -> list[SentenceAttribution]:
    """"Lavrov added:" ending a sentence — the content is the next sentence (often the next
    paragraph, a quotation), which is credited too."""
    out = list(results)
    for i in range(len(out) - 1):
        _, text, base = units[i]
        if not out[i].attributions or not text.rstrip().endswith(":"):
            continue
        first = out[i].attributions[-1]
        if first.content_span and first.content_span[1] - base < len(text.rstrip()) - 1:
            continue  # the sentence already holds the content
        _, next_text, next_base = units[i + 1]
        span = _strip_span(next_text, (next_base, next_base + len(next_text)), next_base)
        if span is None:
            continue
        content = next_text[span[0] - next_base:span[1] - next_base]
        credited = replace(first, content=content, content_span=span, quote=_quote_kind(next_text, span, next_base))
        out[i] = replace(out[i], attributions=out[i].attributions[:-1] + (credited,))
        if out[i + 1].status != "attributed":
            out[i + 1] = replace(out[i + 1], status="attributed",
                                 attributions=(credited if keep_sentence else replace(credited, sentence=i + 1),))
    return out


def _remember_mentions(text: str, ctx: _Context) -> None:
    """Names a sentence mentions, so that a "he" in the next one can find them (the first mentioned,
    usually the subject, last); a surname after an honorific ("Mr. Trump") counts, as its full name."""
    found = [(m.start(), m.group(1)) for m in _NAME_RUN.finditer(text)]
    found += [(m.start(), m.group(2)) for m in _HONORIFIC.finditer(text)]
    for _, run in sorted(found, reverse=True):
        name = _name_in(run)
        if name and " " not in name and run[:1].isupper() and name in ctx.gender:
            name = next((p for p in reversed(ctx.people) if _surname(p) == name), ctx.names.get(name, name))
            ctx.people.append(name)
        elif name and len(name.split()) >= 2 and _source_kind(run) == "named":
            ctx.people.append(name)


def _share_quote_sources(results: list[SentenceAttribution], runs: list[int | None],
                         keep_sentence: bool = False) -> list[SentenceAttribution]:
    """Every sentence of a quotation that runs over several sentences gets the source credited in any of them."""
    out = list(results)
    members: dict[int, list[int]] = {}
    for i, run in enumerate(runs):
        if run is not None:
            members.setdefault(run, []).append(i)
    for start, idx in members.items():
        credited = next((out[i].attributions[0] for i in reversed(idx) if out[i].status == "attributed"), None)
        if credited is None:
            continue
        for i in idx:
            if out[i].status != "attributed":
                out[i] = replace(out[i], status="attributed", continued_from=start,
                                 attributions=(credited if keep_sentence else replace(credited, sentence=out[i].position),)
                                 + out[i].attributions)
    return out


# ---------------------------------------------------------------- parsed articles (the labeller)

#: Head nouns of sources that are documents, not people ("FEC records show", "the report said").
DOCUMENT_NOUNS = frozenset("""record records report reports document documents data poll polls survey surveys study
studies filing filings statement statements letter letters memo memos analysis analyses figures numbers papers
transcript transcripts email emails indictment complaint lawsuit ruling order audit review estimate estimates
forecast projections census tally tallies count results release""".split())
_PERSON_PRONOUNS = frozenset({"he", "she", "i", "him", "her"})
_AUTHORING = frozenset({"sign", "write", "send", "issue", "release", "file", "author", "draft", "publish", "submit"})
_QUANTIFIERS = frozenset({"nearly", "almost", "about", "more", "than", "over", "some", "at", "least", "roughly",
                          "around", "than", "dozens", "hundreds", "of", "the", "a", "an"})


def _document_authors(document: "parse.Document") -> dict[str, list[tuple[int, str]]]:
    """Document noun -> [(where, who wrote it)], where the article says so: "a letter signed by
    nearly 90 Georgetown faculty members", "a letter from the bishops", "the bishops' letter"."""
    out: dict[str, list[tuple[int, str]]] = {}
    if not document.parsed:
        return out
    for t in document.doc:
        if t.pos_ != "NOUN" or t.lower_ not in DOCUMENT_NOUNS:
            continue
        author = None
        for c in t.children:
            if c.dep_ == "acl" and c.lemma_.lower() in _AUTHORING:
                agent = next((a for a in c.children if a.dep_ == "agent"), None)
                author = next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
            elif c.dep_ == "prep" and c.lower_ == "from":
                author = next((p for p in c.children if p.dep_ == "pobj"), None)
            elif c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN"):
                author = c
            if author is not None:
                break
        if author is None or author.pos_ not in ("PROPN", "NOUN"):
            continue
        words = [w.text for w in author.subtree if w.i <= author.i and w.dep_ not in ("case", "punct")
                 and w.pos_ not in ("NUM", "DET") and w.lower_ not in _QUANTIFIERS]
        if words:
            out.setdefault(t.lower_, []).append((t.idx, " ".join(words)))
    return out


def _with_author(a: Attribution, authors: dict[str, list[tuple[int, str]]], at: int) -> Attribution:
    """A document source with its author, where the article named one before ``at`` (a character
    offset in the document): "the letter" -> "the letter (Georgetown faculty members)"."""
    if a.source_kind != "document" or not authors:
        return a
    words = keys(a.source)
    head = words[-1].removesuffix("'s") if words else ""
    known = [(where, who) for where, who in authors.get(head, []) + authors.get(head.rstrip("s"), []) if where <= at]
    author = max(known)[1] if known else ""
    if not author or author.lower() in a.source.lower():
        return a
    return replace(a, resolved_source=f"{a.resolved_source or a.source} ({author})")
#: Nouns for one person's role: "the <...> leader" said is a person named before, not a group.
ROLE_NOUNS = frozenset("""leader nominee candidate counterpart lawmaker senator congressman congresswoman governor
president minister chancellor premier mayor chairman chairwoman spokesman spokeswoman spokesperson founder
businessman businesswoman billionaire mogul politician lawyer attorney prosecutor judge justice secretary
ambassador general commander coach actor actress singer star host anchor author""".split())
#: Verbs of seeming: PolNeAR tags "appeared to" as a cue, but in an outlet's voice it is a hedge.
HEDGE_VERBS = frozenset({"appear", "seem"})
HEDGE_RAISERS = frozenset({"certain", "likely", "unlikely", "sure", "bound", "expect"})


def _raising_hedge(head) -> bool:
    """"The move is almost certain to be challenged", "is expected to sign": a forecast in the
    outlet's voice (a hedge), not anybody's statement; "He expected to win" stays a cue."""
    if head.lemma_.lower() == "be":     # "is almost certain to": the adjective carries it
        head = next((c for c in head.children if c.dep_ == "acomp"), head)
    if head.lemma_.lower() not in HEDGE_RAISERS:
        return False
    to_follows = any(c.dep_ == "xcomp" and any(t.lower_ == "to" for t in c.lefts) for c in head.children)
    if head.lemma_.lower() == "expect":
        return to_follows and any(c.dep_ == "auxpass" for c in head.children)
    return to_follows
_GROUP_PRONOUNS = frozenset({"they", "we", "it", "them", "us"})


def attribute_document(document: "parse.Document") -> list[SentenceAttribution]:
    """Every sentence of a parsed article with its attributions and status (spans relative to the
    sentence's paragraph): the trained labeller per sentence, then what it cannot see alone —
    quotations over several sentences, pronouns and descriptions resolved within the article."""
    ctx = _Context(names=_names_in_document(document),
                   persons={_surname(_clean_name(text)) for _, _, text in _people(document.doc)
                            if _clean_name(text)},
                   gender=_genders(document))
    authors = _document_authors(document)
    results: list[SentenceAttribution] = []
    runs: list[int | None] = []
    run_start = None
    states, labels = labeller.label_document(document)
    for position, sent in enumerate(document.sentences):
        state = states[position]
        atts = []
        low = sent.text.lower()
        quoted = state.starts_inside or any(m in sent.text for m in '"”')
        maybe = labels[position] or "according to" in low or quoted   # what complete() can add to
        tokens = document.tokens(position) if maybe else []
        marks = (state.marks if len(state.marks) == len(tokens) else labeller.quote_marks(tokens, state.starts_inside)[0]) \
            if tokens else []
        found_here = labeller.complete(labels[position], tokens, marks) if maybe else []
        para_start = document.paragraph_starts[sent.paragraph]
        for found in found_here:
            a = _from_found(found, tokens, sent, para_start, position)
            if a is not None:
                atts.append(a)
        if position == 0 or document.sentences[position - 1].paragraph != sent.paragraph:
            # a headline's or a transcript's "Name: text" opens its line
            colon = _colon_attribution(sent.text, _tokens(sent.text, sent.start), sent.start, position)
            if colon is not None and colon.content_span:
                inside = [a for a in atts if colon.content_span[0] <= a.cue_span[0] < colon.content_span[1]]
                atts = [colon] + inside if len(inside) == len(atts) else atts
        signed = _signature(sent.text, sent.start, position) if sent.text.rstrip(" .,")[-1:].isalpha() else None
        if signed is not None:
            inside = [a for a in atts if signed.content_span[0] <= a.cue_span[0] < signed.content_span[1]]
            atts = [signed] + [replace(a, main=False) for a in inside] if len(inside) == len(atts) else atts
        resolved = []
        for a in atts:
            a = _with_author(_canonical(_resolve(a, ctx), ctx), authors, para_start + a.cue_span[0])
            _remember(a, ctx)
            resolved.append(a)
        atts = resolved
        _remember_mentions(sent.text, ctx)
        _remember_subject(document, position, ctx)
        if not state.starts_inside and state.ends_inside:
            run_start = position
        runs.append(run_start if (state.starts_inside or state.ends_inside) else None)
        if not state.ends_inside:
            run_start = None
        quoted_at = {t.idx - para_start for t, m in zip(tokens, marks) if m == 1}
        atts = _outer_according(atts, quoted_at)
        atts.sort(key=lambda a: not a.main)    # the sentence's own attribution first
        hedges = hedges_in(sent.text)
        status = "attributed" if any(a.main for a in atts) else ("hedged" if hedges else "asserted")
        results.append(SentenceAttribution(position, sent.paragraph, sent.text.strip(), status, tuple(atts), hedges))
    units = [(s.paragraph, s.text, s.start) for s in document.sentences]
    results = _colon_contents(results, units, keep_sentence=True)
    results = _quoted_follow_ups(_share_quote_sources(results, runs, keep_sentence=True), keep_sentence=True)
    _remember_cores(results)
    return results


def _remember_cores(results: Sequence[SentenceAttribution]) -> None:
    """Keep each sentence's claim core as its article read it (:func:`claim_core` then parses nothing)."""
    if len(_CORES) > 50_000:
        _CORES.clear()
    for r in results:
        _CORES[r.text] = _core(r.text, r.attributions)


_CORES: dict[str, str] = {}   # sentence -> its claim without the attribution wrapper, as its article read it


def _core(sentence: str, atts: Sequence[Attribution]) -> str:
    for att in atts:
        if att.main and att.content and len(att.content) >= 0.4 * len(sentence):
            return re.sub(r"^(that|whether)\s+", "", att.content, flags=re.I)
    return sentence


def remember_core(text: str, core: str) -> None:
    """Record the claim of a text that is already a claim unit (a piece of a sentence)."""
    if len(_CORES) > 50_000:
        _CORES.clear()
    _CORES[text] = core


def claim_core(sentence: str, lang: str = "en") -> str:
    """The claim without its attribution wrapper: "Lavrov said that X" -> "X" (when X is most of it),
    as the sentence's article attributed it; a sentence met alone is attributed alone."""
    core = _CORES.get(sentence)
    if core is None:
        items = attribute_text(sentence, lang)
        core = _core(sentence, [a for a in items if a.main])
    return core


def _outer_according(atts: list[Attribution], quoted_at: set[int]) -> list[Attribution]:
    """"McConnell warned Trump ..., according to The Washington Post": the outlet's source is the
    Post, whose report holds McConnell's warning; the attribution inside it is not the sentence's own.
    ``quoted_at``: where the sentence's quoted words start (an 'according to' inside a quotation is
    the speaker's, not the outlet's)."""
    outer = next((a for a in atts if a.cue.lower() in ACCORDING and a.content_span
                  and a.cue_span[0] not in quoted_at
                  and any(b is not a and b.main and a.content_span[0] <= b.cue_span[0] < a.content_span[1]
                          and b.cue_span[0] < a.cue_span[0] for b in atts)), None)
    if outer is None:
        return atts
    inside = [b for b in atts if b is not outer and outer.content_span[0] <= b.cue_span[0] < outer.content_span[1]
              and b.cue_span[0] < outer.cue_span[0]]
    return [replace(outer, main=True)] + [replace(b, main=False) if b in inside else b for b in atts if b is not outer]


_PEOPLE: dict[int, tuple[object, list[tuple[int, int, str]]]] = {}


def _people(doc) -> list[tuple[int, int, str]]:
    """(start, end, text) of the PERSON entities of a Doc, made once per Doc (spaCy builds every
    entity span anew each time ``ents`` is read)."""
    hit = _PEOPLE.get(id(doc))
    if hit is None or hit[0] is not doc:
        if len(_PEOPLE) > 64:
            _PEOPLE.clear()
        hit = (doc, [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "PERSON"])
        _PEOPLE[id(doc)] = hit
    return hit[1]


def _remember_subject(document: "parse.Document", position: int, ctx: _Context) -> None:
    """The person the sentence is about (the subject of its main verb), so that a "he" in the next
    sentence finds them rather than the last name mentioned ("Netanyahu, invited by Boehner, spoke...")."""
    for t in (document.span(position).root,):
        if t.dep_ == "ROOT":
            subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None or subject.pos_ != "PROPN":
                return
            if subject.ent_type_ and subject.ent_type_ != "PERSON":
                return
            ent = next((text for start, end, text in _people(subject.doc) if start <= subject.idx < end), None)
            words = [w.text for w in subject.lefts if w.dep_ == "compound"] + [subject.text]
            name = _clean_name(ent if ent is not None else " ".join(words))
            if not name:
                return
            if " " not in name:
                name = next((p for p in reversed(ctx.people) if _surname(p) == name), ctx.names.get(name, name))
            ctx.people.append(name)
            return


def _names_in_document(document: "parse.Document") -> dict[str, str]:
    """Surname -> full name for the people the article names (spaCy's PERSON entities, then the rules')."""
    out = _names_mentioned([s.text for s in document.sentences])
    for _, _, text in _people(document.doc):
        words = _clean_name(text).split()
        if len(words) >= 2:
            out.setdefault(words[-1], " ".join(words))
    return out


def _clean_name(name: str) -> str:
    name = re.sub(r"[’']s$", "", name.strip().strip(",.;:“”\"'"))
    words = [w for w in name.split() if w.lower().strip(".") not in TITLES]
    return " ".join(words)


def _from_found(found: "labeller.Found", tokens: list, sent, para_start: int, position: int) -> Attribution | None:
    """An :class:`Attribution` (paragraph offsets) from the labeller's token spans."""
    base = sent.start

    def chars(span: tuple[int, int] | None) -> Span | None:
        if span is None or span[0] >= span[1]:
            return None
        # a token the parser read across the sentence's edge (".NET" after "of") is cut at the edge
        start = max(tokens[span[0]].idx - para_start, base)
        end = min(tokens[span[1] - 1].idx + len(tokens[span[1] - 1]) - para_start, base + len(sent.text))
        return (start, end) if start < end else None

    cue_span = chars(found.cue)
    source_span = chars(found.source)
    content_span = chars(found.content)
    text = sent.text
    if source_span:
        stripped = _strip_span(text, source_span, base)
        trimmed = _trim_source(text, stripped, base)
        # the rules drop a lone "-ly" word as an adverb; a capitalised one inside the sentence is a name
        keep = trimmed is None and found.source is not None and found.source[0] > 0 and tokens[found.source[0]].is_title
        source_span = stripped if keep else trimmed
    dateline = DATELINE.match(text) if sent.start == 0 and source_span else None
    if dateline and source_span[0] - base < dateline.end():
        # "MOSCOW, Dec 29 (Wire) – Russia accused ...": the dateline is no source; the verb's subject is
        subject = next((c for c in labeller.cue_head(tokens, found.cue).children if c.dep_ in ("nsubj", "nsubjpass")), None)
        source_span = None
        if subject is not None and subject.idx - para_start >= base + dateline.end():
            source_span = (subject.left_edge.idx - para_start, subject.right_edge.idx + len(subject.right_edge) - para_start)
        else:   # the parse took the dateline's dash for something else: the words between it and the cue
            between = [t for t in tokens[:found.cue[0]] if t.idx - para_start >= base + dateline.end()]
            if between and len(between) <= 6 and all(t.pos_ in ("PROPN", "NOUN", "DET", "ADJ", "PART") for t in between):
                source_span = (between[0].idx - para_start, between[-1].idx + len(between[-1]) - para_start)
    if content_span:
        content_span = _strip_span(text, content_span, base)
    if cue_span is None or (source_span is None and content_span is None):
        return None
    cue = text[cue_span[0] - base:cue_span[1] - base]
    head = labeller.cue_head(tokens, found.cue)
    if head.lemma_.lower() in HEDGE_VERBS or _raising_hedge(head):
        return None  # "The drones appeared to come from the north": the outlet's hedge, nobody's claim
    source = text[source_span[0] - base:source_span[1] - base] if source_span else ""
    content = text[content_span[0] - base:content_span[1] - base] if content_span else ""
    kind, resolved = _kind_from_parse(found, tokens, source, source_span and (source_span[0] + para_start,
                                                                            source_span[1] + para_start))
    table = cues()
    cue_class = table.get(cue.lower()) or table.get(head.lower_) or "neutral"
    return Attribution(sentence=position, cue=cue, cue_span=cue_span, cue_class=cue_class, source=source,
                       source_span=source_span, source_kind=kind, resolved_source=resolved, content=content,
                       content_span=content_span, quote=_quote_kind(text, content_span, base),
                       main=labeller.is_main(found, tokens))


def _kind_from_parse(found: "labeller.Found", tokens: list, source: str,
                     chars: Span | None = None) -> tuple[str, str]:
    """(source kind, resolved name) from the parse: a pronoun, a relative pronoun (resolved to the noun
    the clause hangs from), a document, a person or organisation the model recognises, else the rules'."""
    if not source or found.source is None:
        return "", ""
    span = tokens[found.source[0]:found.source[1]]
    words = [t for t in span if not t.is_punct]
    if len(words) == 1 and words[0].lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
        return "pronoun", ""
    if len(words) == 1 and words[0].lower_ in ("who", "which", "that"):
        clause = words[0].head
        noun = clause.head if clause.dep_ in ("relcl", "acl") else None
        if noun is not None:
            phrase = " ".join(t.text for t in noun.subtree if t.i < clause.i and not t.is_punct and t.i <= noun.i) or noun.text
            return _source_kind(phrase), phrase
        return "pronoun", ""
    roots = [t for t in span if t.head.i < span[0].i or t.head.i > span[-1].i or t.head.i == t.i]
    head = roots[0] if roots else span[-1]
    if head.lemma_.lower() in DOCUMENT_NOUNS and not any(t.ent_type_ == "PERSON" for t in span):
        return "document", ""
    lo, hi = chars if chars else (span[0].idx, span[-1].idx + len(span[-1]))
    people = [(end - start, text) for start, end, text in _people(span[0].doc) if start >= lo and end <= hi]
    if people:
        return "named", _clean_name(max(people)[1])
    return _source_kind(source), ""


def _canonical(a: Attribution, ctx: _Context) -> Attribution:
    """One person, one name: a resolved name that is a spelling variant of one already met
    ("Vincente Fox" after "Vicente Fox"), or its surname alone, takes that name."""
    name = a.resolved_source
    if a.source_kind != "named" or not name:
        return a
    words = name.split()
    seen: set[str] = set()
    for known in reversed(ctx.people):
        if known == name:
            return a
        if known in seen:
            continue
        seen.add(known)
        kw = known.split()
        if not kw:
            continue
        if len(words) == 1 and _surname(known).lower() == words[0].lower():
            return replace(a, resolved_source=known)
        if len(words) >= 2 and len(kw) >= 2 and _surname(known).lower() == _surname(name).lower() \
                and _similar(kw[0], words[0]):
            return replace(a, resolved_source=known)
        if len(words) >= 2 and len(kw) >= 2 and _similar(known, name, 0.9):
            return replace(a, resolved_source=known)
    return a


def _similar(a: str, b: str, threshold: float = 0.8) -> bool:
    a, b = a.lower().strip("."), b.lower().strip(".")
    if a == b or (len(a) <= 2 and b.startswith(a[:1])) or (len(b) <= 2 and a.startswith(b[:1])):
        return True          # "Dick" / "D." / "Richard" are not told apart here; an initial matches
    return ratio(a, b) >= threshold

