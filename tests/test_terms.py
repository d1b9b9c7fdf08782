"""Distinctive terms (weighted log-odds with an informative Dirichlet prior) and lexicon hits."""

from __future__ import annotations

import math
import time

from collections.abc import Callable
from pathlib import Path

import pytest

from parallax.outlet.attribution import attribute_paragraphs

from parallax.errors import SpecError
from parallax.extract.extractors import Article
from parallax.compare.terms import (HIT_COLUMNS, RATE_COLUMNS, TERM_COLUMNS, distinctive_terms, lexicon_hits, lexicon_rates,
                            load_lexicons, log_odds, stopwords)


def article(outlet: str, *paragraphs: str, language: str = "en", status: str = "ok") -> Article:
    return Article(outlet=outlet, name=outlet.title(), source="x", language=language, status=status,
                   paragraphs=list(paragraphs))


def lexicon_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- log-odds by hand

# Group i says drone 3 times and attack once; group j says drone once, attack twice, strike 3 times.
# The prior is the pooled corpus counts (alpha0 = 10 = corpus size): drone 4, attack 3, strike 3.
# So n_i = 4, n_j = 6, a0 = 10, and for each word
#   delta = log((y_i + a) / (n_i + a0 - y_i - a)) - log((y_j + a) / (n_j + a0 - y_j - a))
#   var   = 1 / (y_i + a) + 1 / (y_j + a)
COUNTS_I = {"drone": 3, "attack": 1, "strike": 0}
COUNTS_J = {"drone": 1, "attack": 2, "strike": 3}
PRIOR = {"drone": 4.0, "attack": 3.0, "strike": 3.0}
HAND = {
    "drone": (math.log((3 + 4) / (4 + 10 - 3 - 4)) - math.log((1 + 4) / (6 + 10 - 1 - 4)), 1 / (3 + 4) + 1 / (1 + 4)),
    "attack": (math.log((1 + 3) / (4 + 10 - 1 - 3)) - math.log((2 + 3) / (6 + 10 - 2 - 3)), 1 / (1 + 3) + 1 / (2 + 3)),
    "strike": (math.log((0 + 3) / (4 + 10 - 0 - 3)) - math.log((3 + 3) / (6 + 10 - 3 - 3)), 1 / (0 + 3) + 1 / (3 + 3)),
}


@pytest.mark.parametrize("term", ["drone", "attack", "strike"])
def test_log_odds_matches_the_hand_computation(term: str) -> None:
    delta, variance = HAND[term]
    assert log_odds(COUNTS_I, COUNTS_J, PRIOR)[term] == pytest.approx((delta, delta / math.sqrt(variance)))


def test_log_odds_in_numbers() -> None:
    # drone: log(7/7) - log(5/11) = log(2.2) = 0.78846; var = 1/7 + 1/5 = 0.34286; z = 0.78846 / 0.58554
    # strike: log(3/11) - log(6/10) = -0.78846; var = 1/3 + 1/6 = 0.5; z = -1.11504
    result = log_odds(COUNTS_I, COUNTS_J, PRIOR)
    assert result["drone"] == pytest.approx((0.78846, 1.34655), abs=1e-4)
    assert result["strike"] == pytest.approx((-0.78846, -1.11504), abs=1e-4)


def test_log_odds_is_antisymmetric() -> None:
    forward, backward = log_odds(COUNTS_I, COUNTS_J, PRIOR), log_odds(COUNTS_J, COUNTS_I, PRIOR)
    for term in PRIOR:
        assert backward[term] == pytest.approx((-forward[term][0], -forward[term][1]))


@pytest.mark.parametrize("prior", [{"drone": 1.0}, {"drone": 1.0, "attack": 0.0}])
def test_log_odds_rejects_a_degenerate_prior(prior: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        log_odds(COUNTS_I, COUNTS_J, prior)


def test_distinctive_terms_reproduce_the_hand_computation() -> None:
    # the same counts as articles: the default alpha0 is capped at the corpus size (10 here)
    arts = [article("i", "Drone drone drone attack."), article("j", "Drone attack attack strike strike strike.")]
    table = distinctive_terms(arts, ngrams=(1,), min_count=1)
    mine = table[table.outlet == "i"].set_index("term")
    for term in ("drone", "attack"):
        delta, variance = HAND[term]
        assert (mine.loc[term, "log_odds"], mine.loc[term, "z"]) == pytest.approx((delta, delta / math.sqrt(variance)))
    assert "strike" not in mine.index  # only terms the outlet uses
    assert mine.loc["drone", "count"] == 3 and mine.loc["drone", "count_others"] == 1
    assert mine.loc["drone", "rate_per_1000"] == pytest.approx(3 / 4 * 1000)


def test_alpha0_sets_the_strength_of_the_prior() -> None:
    arts = [article("i", "Drone drone drone attack."), article("j", "Drone attack attack strike strike strike.")]
    weak = distinctive_terms(arts, ngrams=(1,), min_count=1, alpha0=1.0).set_index(["outlet", "term"])
    strong = distinctive_terms(arts, ngrams=(1,), min_count=1, alpha0=1000.0).set_index(["outlet", "term"])
    assert abs(strong.loc[("i", "drone"), "log_odds"]) < abs(weak.loc[("i", "drone"), "log_odds"])


# ---------------------------------------------------------------- distinctive terms

THREE_OUTLETS = [
    article("wire", "Drones struck the residence overnight, officials said.",
            "Officials said the drones were intercepted near the residence. Moscow and Kyiv traded blame."),
    article("state", "Officials said the junta sent the drones against the residence.",
            "The junta denied it. Officials said the junta lied about the drones and the residence."),
    article("daily", "The drones hit near the residence, officials said.",
            "Kyiv rejected the account. Officials said the drones came at night toward the residence."),
]


def test_a_word_only_one_outlet_uses_gets_its_top_z() -> None:
    table = distinctive_terms(THREE_OUTLETS)
    state = table[table.outlet == "state"]
    top = state.iloc[0]
    assert (top.term, top["count"], top.count_others) == ("junta", 3, 0)
    assert top.z > state.z.iloc[1:].max()
    assert "junta" not in set(table.loc[table.outlet != "state", "term"])
    shared = table[(table.term == "residence")]
    assert len(shared) == 3 and shared.z.abs().max() < top.z  # used by all: not distinctive


def test_table_columns_order_and_top() -> None:
    table = distinctive_terms(THREE_OUTLETS)
    assert list(table.columns) == TERM_COLUMNS
    assert list(table.outlet) == sorted(table.outlet)
    for _, group in table.groupby("outlet"):
        assert list(group.z) == sorted(group.z, reverse=True)
    assert set(table.term) >= {"kyiv", "junta"} and "intercepted" not in set(table.term)  # min_count=2: corpus-wide
    assert set(distinctive_terms(THREE_OUTLETS, min_count=1).n) == {1, 2}
    limited = distinctive_terms(THREE_OUTLETS, top=2)
    assert limited.groupby("outlet").size().to_dict() == {"daily": 2, "state": 2, "wire": 2}
    assert list(limited[limited.outlet == "state"].term) == list(table[table.outlet == "state"].term[:2])


@pytest.mark.parametrize(
    "term, kept",
    [
        ("drone attack", True),        # no stopword at either end
        ("the drone", False),          # starts with a stopword
        ("attack on", False),          # ends with one
        ("on the", False),
        ("the", False),                # stopword unigram
        ("residence", True),
        ("kyiv moscow", False),        # "Kyiv, Moscow": an n-gram does not span punctuation
        ("russia", True),              # "Russia's" counts as "russia"
    ],
)
def test_stopword_edged_ngrams_are_dropped(term: str, kept: bool) -> None:
    text = "The drone attack on the residence angered Kyiv, Moscow and Russia's allies."
    arts = [article("a", text, text), article("b", text, "Nothing else happened.")]
    assert (term in set(distinctive_terms(arts, min_count=1).term)) is kept


@pytest.mark.parametrize("term, kept", [("minister of defence", True), ("of defence ministry", False)])
def test_trigrams_keep_inner_stopwords_only(term: str, kept: bool) -> None:
    text = "The minister of defence ministry spoke."
    arts = [article("a", text), article("b", "The minister of defence spoke again.")]
    assert (term in set(distinctive_terms(arts, ngrams=(3,), min_count=1).term)) is kept


def test_other_languages_use_their_own_stopwords() -> None:
    assert "the" in stopwords("en_GB") and {"der", "die", "auf"} <= stopwords("de")
    assert {"que", "de", "não"} <= stopwords("pt-BR") and "the" not in stopwords("pt")
    arts = [article("a", "Der Angriff auf die Residenz.", language="de"),
            article("b", "Der Angriff war nachts.", language="de")]
    terms = set(distinctive_terms(arts, min_count=1).term)
    assert {"angriff", "residenz"} <= terms and not {"der", "die", "auf", "der angriff"} & terms


def test_a_language_without_a_stopword_list_keeps_every_word() -> None:
    assert stopwords("mt") == frozenset() and stopwords("../en") == frozenset()
    arts = [article("a", "Ir-raġel u l-mara marru d-dar.", language="mt"),
            article("b", "Ir-raġel u t-tifel ħarġu.", language="mt")]
    assert {"u", "ir-raġel u"} <= set(distinctive_terms(arts, min_count=1).term)


@pytest.mark.parametrize(
    "arts",
    [
        [],
        [article("a", "Drones struck the residence.")],
        [article("a", "Drones struck the residence."), article("b", "", status="failed")],
    ],
)
def test_fewer_than_two_outlets_give_an_empty_table(arts: list[Article]) -> None:
    table = distinctive_terms(arts)
    assert table.empty and list(table.columns) == TERM_COLUMNS


# ---------------------------------------------------------------- lexicon hits

P0 = "The regime launched a massive attack. Officials called for calm."
P1 = "Kyiv denied it and called the claim a fabrication. It was very, VERY brutal, the mayor said."


def test_lexicon_hits_with_exact_positions() -> None:
    hits = lexicon_hits([article("a", P0, P1), article("gone", P1, status="failed")], load_lexicons())
    assert list(hits.columns) == HIT_COLUMNS
    rows = hits[["lexicon", "category", "term", "match", "paragraph", "sentence", "start", "end"]]
    got = [tuple(r) for r in rows[rows.lexicon != "attribution"].itertuples(index=False)]
    assert got == [
        ("loaded", "label", "regime", "regime", 0, 0, 4, 10),
        ("intensifiers", "intensifiers", "massive", "massive", 0, 0, 22, 29),
        ("loaded", "discredit", "fabrication", "fabrication", 1, 2, 38, 49),
        ("intensifiers", "intensifiers", "very", "very", 1, 3, 58, 62),
        ("intensifiers", "intensifiers", "very", "VERY", 1, 3, 64, 68),
        ("intensifiers", "intensifiers", "brutal", "brutal", 1, 3, 69, 75),
    ]
    # attribution words count where the article's attribution reads a cue ending in them: "said",
    # never "called" in "Officials called for calm"
    cue_ends = {(s.paragraph, a.cue_span[1]) for s in attribute_paragraphs([P0, P1]) for a in s.attributions}
    said = rows[rows.lexicon == "attribution"]
    assert ("attribution", "neutral", "said", "said", 1, 3, 87, 91) in [tuple(r) for r in said.itertuples(index=False)]
    assert all((r.paragraph, r.end) in cue_ends for r in said.itertuples())
    assert not ((said.match == "called") & (said.paragraph == 0)).any()
    assert set(hits.outlet) == {"a"}
    paras = [P0, P1]
    assert all(paras[r.paragraph][r.start:r.end] == r.match for r in hits.itertuples())
    assert hits.loc[hits.match == "VERY", "text"].item() == "It was very, VERY brutal, the mayor said."


@pytest.mark.parametrize(
    "text, matches",
    [
        ("Officials called for calm.", []),
        ("Kyiv called it a fabrication.", ["called"]),
        ("The claims were false.", []),
        ("Lavrov claims that the drones came from Kyiv.", ["claims"]),
        ("Putin discussed the incident, according to the Kremlin.", ["according to"]),
    ],
)
def test_attribution_hits_follow_attribution_rules(text: str, matches: list[str]) -> None:
    hits = lexicon_hits([article("a", text)], {"attribution": load_lexicons()["attribution"]})
    assert list(hits.match) == matches


def test_hedging_hits_come_from_the_hedge_patterns() -> None:
    hits = lexicon_hits([article("a", "The alleged strike reportedly hit a so-called depot.")],
                        {"hedging": load_lexicons()["hedging"]})
    assert list(hits.match) == ["alleged", "reportedly", "so-called"]
    assert set(hits.category) == {"hedging"}


WORDS = "brutal\nregime\nso-called\nterror\nterror attack\tattack\natrocit*\n"


@pytest.mark.parametrize(
    "text, matches",
    [
        ("The brutality of it.", []),                         # whole words only
        ("A BRUTAL raid.", ["BRUTAL"]),                       # any case
        ("The regime's forces.", ["regime"]),                 # a possessive stays outside the match
        ("The regimes fell.", []),
        ("A pro-regime rally.", []),                          # a hyphenated compound is its own word
        ("The so-called referendum.", ["so-called"]),
        ("A terror attack and more terror.", ["terror attack", "terror"]),  # the longest entry wins
        ("A terror, attack.", ["terror"]),                    # a phrase does not span punctuation
        ("Atrocities and an atrocity.", ["Atrocities", "atrocity"]),        # "*" matches any ending
    ],
)
def test_matching_is_case_insensitive_on_whole_words(tmp_path: Path, text: str, matches: list[str]) -> None:
    lexicons = load_lexicons({"loaded": lexicon_file(tmp_path, "loaded", WORDS)})
    hits = lexicon_hits([article("a", text)], {"loaded": lexicons["loaded"]})
    assert list(hits.match) == matches


def test_an_override_file_replaces_a_lexicon_and_adds_one(tmp_path: Path) -> None:
    loaded = lexicon_file(tmp_path, "mine", "# my own list\ndrone\nresidence\tplace\n")
    places = lexicon_file(tmp_path, "places", "Kyiv\tcapital\nNovgorod region\n")
    lexicons = load_lexicons({"loaded": loaded, "places": str(places)})
    assert list(lexicons) == ["hedging", "intensifiers", "loaded", "attribution", "places"]
    assert lexicons["loaded"].source == str(loaded)
    text = "The regime's massive drone hit the residence in the Novgorod  region, not Kyiv."
    hits = lexicon_hits([article("a", text)], lexicons)
    rows = {(r.lexicon, r.category, r.term, r.match) for r in hits.itertuples()}
    assert rows == {
        ("intensifiers", "intensifiers", "massive", "massive"),
        ("loaded", "loaded", "drone", "drone"),
        ("loaded", "place", "residence", "residence"),
        ("places", "places", "Novgorod region", "Novgorod  region"),
        ("places", "capital", "Kyiv", "Kyiv"),
    }  # "regime" is no longer a loaded term


@pytest.mark.parametrize(
    "name, make, problem",
    [
        ("loaded", lambda d: d / "missing.txt", "no such file"),
        ("loaded", lambda d: d, "not a regular file"),                             # a folder
        ("loaded", lambda d: _sparse(d / "huge.txt", 5_000_001), "over the 5,000,000-byte cap"),
        ("loaded", lambda d: lexicon_file(d, "empty", "# nothing yet\n\n"), "lists no terms"),
        ("hedging", lambda d: lexicon_file(d, "bad", "\\balleged\n(unclosed\n"), "line 2 is not a valid regular"),
    ],
)
def test_a_bad_override_file_raises_spec_error(tmp_path: Path, name: str, make: Callable[[Path], Path],
                                               problem: str) -> None:
    path = make(tmp_path)
    with pytest.raises(SpecError) as caught:
        load_lexicons({name: path})
    assert caught.value.path == str(path) and caught.value.field == f"lexicons.{name}"
    assert problem in caught.value.problem and caught.value.fix
    assert str(path) in str(caught.value)


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_backtracking_hedging_pattern_is_refused_when_read_naming_its_line(tmp_path: Path) -> None:
    path = lexicon_file(tmp_path, "hedges", "\\balleged\\b\n(a|aa)+b\n")
    started = time.perf_counter()
    with pytest.raises(SpecError) as caught:
        load_lexicons({"hedging": path})
    assert time.perf_counter() - started < 5
    assert "line 2 ('(a|aa)+b')" in caught.value.problem and "backtracks" in caught.value.problem
    assert "repeat inside a repeat" in caught.value.fix


def test_a_pattern_that_backtracks_only_on_the_articles_stops_the_stage_naming_line_and_outlet(tmp_path: Path) -> None:
    """The probes cannot foresee every text: on a sentence where the pattern runs past its time, lexicon_hits
    stops with the file, the line and the outlet instead of hanging."""
    lexicons = load_lexicons({"hedging": lexicon_file(tmp_path, "hedges", "\\bsupposedly\\b\n(z|zz)+y\n")})
    fine = article("calm", "The council supposedly met on Monday.")
    assert lexicon_hits([fine], lexicons).query("lexicon == 'hedging'").term.tolist() == ["\\bsupposedly\\b"]
    slow = article("buzz", "The council met on Monday.", "It said " + "z" * 60 + " and nothing else.")
    started = time.perf_counter()
    with pytest.raises(SpecError) as caught:
        lexicon_hits([fine, slow], lexicons)
    assert time.perf_counter() - started < 10
    assert caught.value.path == str(tmp_path / "hedges.txt") and caught.value.field == "lexicons.hedging"
    assert "line 2 ('(z|zz)+y')" in caught.value.problem and "a sentence of buzz (paragraph 2)" in caught.value.problem


# ---------------------------------------------------------------- rates

def test_rates_per_1000_words_with_zeros(tmp_path: Path) -> None:
    lexicons = load_lexicons({"intensifiers": lexicon_file(tmp_path, "int", "massive\nvery\n"),
                              "loaded": lexicon_file(tmp_path, "loaded", "regime\tlabel\nhoax\tdiscredit\n")})
    lexicons = {k: lexicons[k] for k in ("intensifiers", "loaded")}
    arts = [
        article("a", "The regime's massive, very massive attack was brutal."),   # 8 words: 3 intensifiers, 1 label
        article("b", "Drones hit the residence overnight."),                     # 5 words, no hits
        article("c", "Massive.", status="failed"),
    ]
    hits = lexicon_hits(arts, lexicons)
    rates = lexicon_rates(hits, arts, lexicons)
    assert list(rates.columns) == RATE_COLUMNS
    got = {(r.outlet, r.lexicon, r.category): (r.hits, r.words, r.per_1000) for r in rates.itertuples()}
    assert got == {
        ("a", "intensifiers", "intensifiers"): (3, 8, pytest.approx(375.0)),
        ("a", "loaded", "label"): (1, 8, pytest.approx(125.0)),
        ("a", "loaded", "discredit"): (0, 8, 0.0),
        ("b", "intensifiers", "intensifiers"): (0, 5, 0.0),
        ("b", "loaded", "label"): (0, 5, 0.0),
        ("b", "loaded", "discredit"): (0, 5, 0.0),
    }
    # without the lexicons, the pairs are those the hits show
    assert len(lexicon_rates(hits, arts)) == 4
