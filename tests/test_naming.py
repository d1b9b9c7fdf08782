"""Actor naming: mentions, their forms and positions, and grouping across outlets (invented text)."""

from __future__ import annotations

import pandas as pd
import pytest

from parallax.extract.extractors import Article
from parallax.outlet.naming import (MENTION_COLUMNS, NAMING_COLUMNS, default_aliases, mentions, naming_table,
                             naming_variants, parse_aliases)


def art(outlet: str, *paragraphs: str, language: str = "en") -> Article:
    return Article(outlet=outlet, name=outlet.title(), source="x", language=language, paragraphs=list(paragraphs))


def actors_of(frame: pd.DataFrame, *names: str) -> set[str]:
    return set(frame[frame["name"].isin(names)]["actor"])


# ---------------------------------------------------------------- grouping


@pytest.mark.parametrize("first, second, third", [
    ("Bohdan Hrytsenkyy", "Bohdan Hrytsenkiy", "Hrytsenky"),    # transliteration endings
    ("Sergei Marov", "Sergey Marov", "Marov"),                  # first-name spelling
    ("José Ortega", "Jose Ortega", "Ortega"),                   # accents
])
def test_spellings_of_one_name_are_one_actor(first: str, second: str, third: str) -> None:
    frame = mentions([
        art("a", f"Mayor {first} opened the bridge on Tuesday."),
        art("b", f"Crowds cheered as {second} cut the ribbon."),
        art("c", f"Critics said {third} had rushed the work."),
    ])
    assert set(frame["name"]) == {first, second, third}
    assert len(actors_of(frame, first, second, third)) == 1


def test_actor_is_displayed_under_the_full_name_most_outlets_use() -> None:
    frame = mentions([
        art("a", "Mayor Bohdan Hrytsenkiy opened the bridge."),
        art("b", "The bridge was opened by Bohdan Hrytsenkiy on Tuesday."),
        art("c", "Bohdan Hrytsenkyy opened the bridge. Hrytsenkyy was late."),
    ])
    assert set(frame["actor"]) == {"Bohdan Hrytsenkiy"}


@pytest.mark.parametrize("full, short, actor", [
    ("Interior Minister Aurelio Vance", "Vance", "Aurelio Vance"),
    ("Mayor Ines Dorra", "Ms Dorra", "Ines Dorra"),
    ("President Xi Jinping", "Xi", "Xi Jinping"),               # family name first: joins a titled person
])
def test_a_surname_alone_joins_the_full_name_in_another_outlet(full: str, short: str, actor: str) -> None:
    frame = mentions([art("a", f"{full} visited the port on Friday."),
                      art("b", f"The port was quiet when {short} arrived.")])
    assert set(frame["actor"]) == {actor}
    assert frame[frame["outlet"] == "b"]["form"].tolist() == [short]


def test_an_ambiguous_surname_joins_only_the_name_in_its_own_article() -> None:
    frame = mentions([
        art("a", "Dana Wells chairs the committee."),
        art("b", "Ruth Wells runs the port authority. Wells said the port was open."),
        art("c", "A spokesman said Wells was travelling."),
    ])
    by_outlet = frame.groupby("outlet")["actor"].apply(set)
    assert by_outlet["b"] == {"Ruth Wells"}
    assert by_outlet["c"] == {"Wells"}          # two people could be meant: left apart


def test_a_place_inside_an_institution_name_is_not_joined_to_it() -> None:
    frame = mentions([art("a", "The Bank of Arden raised rates. Traders in Arden were calm.")])
    assert set(frame["actor"]) == {"Bank of Arden", "Arden"}


# ---------------------------------------------------------------- forms


@pytest.mark.parametrize("text, form, name", [
    ("Interior Minister Aurelio Vance spoke on Tuesday.", "Interior Minister Aurelio Vance", "Aurelio Vance"),
    ("The talks were led by Mr. Vance, who arrived late.", "Mr Vance", "Vance"),
    ("The report was written by senior analyst Lina Ferro last year.", "senior analyst Lina Ferro", "Lina Ferro"),
    ("Officials quoted Arden board spokeswoman Lina Ferro.", "Arden board spokeswoman Lina Ferro", "Lina Ferro"),
    ("He met Arden's foreign minister, Tomas Reyl, in the afternoon.", "Arden's foreign minister, Tomas Reyl",
     "Tomas Reyl"),
    ("Talks resumed, according to the Kremlin.", "the Kremlin", "Kremlin"),
    ("The Defence Ministry of Arden said nothing.", "the Defence Ministry of Arden", "Defence Ministry of Arden"),
])
def test_titles_and_articles_stay_in_the_form(text: str, form: str, name: str) -> None:
    frame = mentions([art("a", text)])
    assert frame[["form", "name"]].values.tolist() == [[form, name]]


def test_a_reference_by_title_alone_is_left_out() -> None:
    frame = mentions([art("a", "Foreign Minister Tomas Reyl spoke first. The minister said the border was calm. "
                               "The Prime Minister did not speak.")])
    assert frame["form"].tolist() == ["Foreign Minister Tomas Reyl"]


# ---------------------------------------------------------------- what is not an actor


@pytest.mark.parametrize("text, not_actors, actors", [
    ("The council met in Harlow.", {"The", "The council"}, {"Harlow"}),
    ("On Monday the mayor of Harlow spoke.", {"On", "On Monday", "Monday"}, {"Harlow"}),
    ("But the roads to Harlow were closed.", {"But"}, {"Harlow"}),
    ("Dec. 12 was cold in Harlow.", {"Dec", "Dec."}, {"Harlow"}),
    ("Observers said Harlow was calm.", {"Observers"}, {"Harlow"}),
    ("Residents of Harlow left early.", {"Residents", "Residents of Harlow"}, {"Harlow"}),
    ("HARLOW, Dec 3 (Coast Wire) – Floods closed the port of Harlow.", {"HARLOW", "Coast Wire", "Floods"},
     {"Harlow"}),
    ("Arden officials and Western diplomats met in Harlow.", {"Western"}, {"Harlow"}),
])
def test_function_words_and_sentence_starts_are_not_actors(text: str, not_actors: set[str], actors: set[str]) -> None:
    frame = mentions([art("a", text)])
    assert not (set(frame["actor"]) | set(frame["mention"])) & not_actors
    assert set(frame["actor"]) == actors


@pytest.mark.parametrize("text, found", [
    ("Summers said the plan was sound.", False),                       # common ending, no other evidence
    ("Summers said the plan was sound. Critics asked Summers to resign.", True),
])
def test_a_sentence_initial_word_is_a_name_when_capitalised_mid_sentence_elsewhere(text: str, found: bool) -> None:
    frame = mentions([art("a", text)])
    assert (frame["mention"].iloc[:1].tolist() == ["Summers"]) is found


# ---------------------------------------------------------------- metonyms


@pytest.mark.parametrize("text, mention, actor", [
    ("Officials in Kyiv rejected the claim.", "Kyiv", "Ukraine"),
    ("Analysts blamed the Kyiv regime for the delay.", "the Kyiv regime", "Ukraine"),
    ("A statement came from the Kremlin late at night.", "the Kremlin", "Russia"),
    ("Envoys travelled to Washington twice.", "Washington", "United States"),
    ("Envoys said the Russians had left.", "the Russians", "Russia"),
    ("Envoys met Ukrainian President Ivan Petrenko.", "Ukrainian President Ivan Petrenko", "Ivan Petrenko"),
])
def test_metonyms_map_to_their_actor(text: str, mention: str, actor: str) -> None:
    frame = mentions([art("a", text)])
    assert frame[["mention", "actor"]].values.tolist() == [[mention, actor]]


def test_a_country_adjective_before_a_noun_is_no_mention() -> None:
    assert mentions([art("a", "Russian officials met Ukrainian diplomats.")]).empty


def test_the_aliases_file_can_be_replaced() -> None:
    aliases = parse_aliases("# test\nPort Selwyn\tRepublic of Arden\nthe Selwyn junta\tRepublic of Arden\n")
    frame = mentions([art("a", "Port Selwyn denied it. Critics of the Selwyn junta disagreed.")], aliases)
    assert frame[["form", "actor"]].values.tolist() == [["Port Selwyn", "Republic of Arden"],
                                                         ["the Selwyn junta", "Republic of Arden"]]
    assert set(mentions([art("a", "Port Selwyn denied it.")])["actor"]) == {"Port Selwyn"}  # not in the default


def test_the_packaged_aliases_file_maps_capitals() -> None:
    names = default_aliases().names
    assert names[("kyiv",)][0] == "Ukraine" and names[("moscow",)][0] == "Russia"
    assert default_aliases().adjectives["Russian"] == "Russia"


# ---------------------------------------------------------------- positions


def test_positions_are_exact() -> None:
    p0 = "Officials met in Harlow on Monday. Mayor Ines Dorra said the talks went well."
    p1 = "Later, Dorra’s office told reporters that Kyiv had been informed."
    frame = mentions([art("a", p0, p1), Article(outlet="z", name="Z", source="x", status="failed")])
    assert list(frame.columns) == MENTION_COLUMNS
    rows = frame[["mention", "paragraph", "sentence", "start", "end", "text"]].values.tolist()
    assert rows == [
        ["Harlow", 0, 0, 17, 23, "Officials met in Harlow on Monday."],
        ["Mayor Ines Dorra", 0, 1, 35, 51, "Mayor Ines Dorra said the talks went well."],
        ["Dorra", 1, 2, 7, 12, p1],
        ["Kyiv", 1, 2, 42, 46, p1],
    ]
    paras = [p0, p1]
    assert all(paras[r.paragraph][r.start:r.end] == r.mention for r in frame.itertuples())
    assert set(frame["outlet"]) == {"a"}           # the failed outlet has no rows


# ---------------------------------------------------------------- tables


def _frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"outlet": o, "actor": a, "mention": f, "form": f, "name": f, "paragraph": 0, "sentence": s,
                          "start": 0, "end": 1, "text": ""} for o, a, f, s in rows], columns=MENTION_COLUMNS)


def test_naming_table_counts_shares_filter_and_order() -> None:
    frame = _frame([
        ("x", "Putin", "Mr Putin", 3), ("x", "Putin", "Putin", 1), ("x", "Putin", "Putin", 5),
        ("y", "Putin", "President Vladimir Putin", 0),
        ("y", "Ukraine", "Kyiv", 2), ("x", "Ukraine", "the Kyiv regime", 4),
        ("y", "Harlow", "Harlow", 1), ("y", "Harlow", "Harlow", 2),                      # 1 outlet, 2 mentions: out
        ("x", "Dorra", "Dorra", 0), ("x", "Dorra", "Dorra", 1), ("x", "Dorra", "Dorra", 2),  # 3 mentions: in
    ])
    table = naming_table(frame, order=["y", "x"])
    assert list(table.columns) == NAMING_COLUMNS
    assert table[["actor", "outlet", "form", "count", "share", "first_sentence"]].values.tolist() == [
        ["Putin", "y", "President Vladimir Putin", 1, 1.0, 0],
        ["Putin", "x", "Putin", 2, 0.667, 1],
        ["Putin", "x", "Mr Putin", 1, 0.333, 3],
        ["Dorra", "x", "Dorra", 3, 1.0, 0],
        ["Ukraine", "y", "Kyiv", 1, 1.0, 2],
        ["Ukraine", "x", "the Kyiv regime", 1, 1.0, 4],
    ]
    assert naming_table(frame.iloc[:0], order=[]).empty


def test_naming_variants_is_forms_by_outlets() -> None:
    frame = _frame([("x", "Putin", "Mr Putin", 3), ("x", "Putin", "Putin", 1), ("x", "Putin", "Putin", 5),
                    ("y", "Putin", "Putin", 0), ("y", "Putin", "President Vladimir Putin", 2)])
    wide = naming_variants(naming_table(frame, order=["x", "y"]))
    assert list(wide.columns) == ["x", "y"]
    assert wide.loc["Putin"].to_dict("index") == {"Putin": {"x": 2, "y": 1}, "Mr Putin": {"x": 1, "y": 0},
                                                  "President Vladimir Putin": {"x": 0, "y": 1}}
    assert list(wide.loc["Putin"].index) == ["Putin", "Mr Putin", "President Vladimir Putin"]
    shares = naming_variants(naming_table(frame, order=["x", "y"]), value="share")
    assert shares.loc[("Putin", "Putin"), "x"] == pytest.approx(0.667)
