"""Attribution patterns: cue, source, content, quote type, resolution, status."""

from __future__ import annotations

import pytest

from parallax.outlet.attribution import attribute_paragraphs, attribute_text, hedges_in


def one(text: str) -> tuple[str, str, str, str, str]:
    """(status, cue, source as written, resolved source, content) of the last sentence."""
    result = attribute_paragraphs([text])[-1]
    a = result.attributions[0] if result.attributions else None
    return (result.status, a.cue if a else "", a.source if a else "", result.source, a.content if a else "")


@pytest.mark.parametrize(
    "text, status, cue, source, content",
    [
        ("Russian Foreign Minister Sergei Lavrov said that Ukraine attempted to strike the residence.",
         "attributed", "said", "Russian Foreign Minister Sergei Lavrov", "that Ukraine attempted to strike the residence"),
        ("Ukraine launched 91 drones at the residence, Lavrov claimed.",
         "attributed", "claimed", "Lavrov", "Ukraine launched 91 drones at the residence"),
        ("The council said the detour adds ten minutes to a trip.",
         "attributed", "said", "The council", "the detour adds ten minutes to a trip"),
        ("“Reckless actions will not go unanswered,” said Sergei Lavrov.",
         "attributed", "said", "Sergei Lavrov", "Reckless actions will not go unanswered"),
        ("According to the Kremlin press service, Putin discussed the incident with Trump.",
         "attributed", "According to", "the Kremlin press service", "Putin discussed the incident with Trump"),
        ("Putin discussed the incident with Trump, according to the Kremlin.",
         "attributed", "according to", "the Kremlin", "Putin discussed the incident with Trump"),
        ("President Volodymyr Zelenskyy labeled the claim a fabrication.",
         "attributed", "labeled", "President Volodymyr Zelenskyy", "the claim a fabrication"),
        ("Ukrainian officials accused Russia of trying to undermine diplomacy.",
         "attributed", "accused", "Ukrainian officials", "Russia of trying to undermine diplomacy"),
        ("Kremlin aide Yuri Ushakov told reporters that Washington is pressing Kyiv.",
         "attributed", "told", "Kremlin aide Yuri Ushakov", "that Washington is pressing Kyiv"),
        ("A source familiar with the talks said the call was tense.",
         "attributed", "said", "A source familiar with the talks", "the call was tense"),
        ("Ukraine launched 91 long-range drones at the residence.", "asserted", "", "", ""),
        ("The alleged attack took place on the night of December 28.", "hedged", "", "", ""),
        ("It remains unclear whether Putin was at the residence.", "hedged", "", "", ""),
        ("Russia's claim could not be verified.", "hedged", "", "", ""),
    ],
)
def test_patterns(text: str, status: str, cue: str, source: str, content: str) -> None:
    got = one(text)
    assert got[0] == status
    assert (got[1], got[2], got[4]) == (cue, source, content)


def test_relative_pronoun_source_resolves_to_its_antecedent() -> None:
    result = attribute_paragraphs(["The vote was welcomed by Mayor Ana Cruz, who said the clinic would stay open."])[0]
    assert result.attributions[0].source == "who"
    assert result.source == "Ana Cruz"


def test_participle_cue_takes_the_sentence_subject() -> None:
    result = attribute_paragraphs(["Lavrov spoke for an hour, saying that Russia would respond."])[0]
    assert result.attributions[0].source == "Lavrov" and result.attributions[0].content == "that Russia would respond"


def test_no_cue_in_nouns_and_adjectives() -> None:
    assert one("The claim spread quickly on social media.")[0] == "asserted"
    assert one("Russia's claims were repeated by state television.")[0] == "asserted"
    assert one("The council called for calm after the vote.")[1] != "called"


@pytest.mark.parametrize(
    "paras, source",
    [
        (["Russian Foreign Minister Sergei Lavrov spoke on Monday.", "He stressed that talks would go on."], "Sergei Lavrov"),
        (["Foreign Minister Sergei Lavrov said retaliation would follow.", "The minister stressed that talks would go on."],
         "Sergei Lavrov"),
        (["Sergei Lavrov said retaliation would follow.", "Lavrov added that talks would go on."], "Sergei Lavrov"),
        (["Russia’s foreign minister, Sergei Lavrov, said retaliation would follow."], "Sergei Lavrov"),
        # a capitalised word that opens a sentence is not part of the name after it
        (["Mayor Ana Cruz spoke first.", "But Cruz said the clinic would stay open."], "Ana Cruz"),
        (["Hosting Cruz, Governor Ben Alder said the clinic would stay open."], "Ben Alder"),
        (["Channing Tatum opened the clinic.", "He said it would stay open."], "Channing Tatum"),
        (["Mohammed Shtayyeh spoke first.", "He said the talks would go on."], "Mohammed Shtayyeh"),
    ],
)
def test_pronouns_titles_and_surnames_resolve(paras: list[str], source: str) -> None:
    assert attribute_paragraphs(paras)[-1].source == source


def test_multi_sentence_quote_keeps_its_source() -> None:
    paras = ["“We will answer. Nothing will stop us,” Lavrov said.",
             "“The residence was the target. We will find those responsible.",
             "They will pay,” he added."]
    result = attribute_paragraphs(paras)
    assert all(r.status == "attributed" for r in result)
    assert result[1].source.endswith("Lavrov")


def test_quote_types() -> None:
    direct = attribute_paragraphs(["“Reckless actions will not go unanswered,” Lavrov said."])[0].attributions[0]
    mixed = attribute_paragraphs(["Lavrov said the attack was “state terrorism” and would be answered."])[0].attributions[0]
    indirect = attribute_paragraphs(["Lavrov said the attack would be answered."])[0].attributions[0]
    assert (direct.quote, mixed.quote, indirect.quote) == ("direct", "mixed", "indirect")


@pytest.mark.parametrize("source, kind", [
    ("Sergei Lavrov", "named"), ("Ukrainian officials", "collective"), ("the Kremlin", "collective"),
    ("a source familiar with the talks", "anonymous"), ("unnamed officials", "anonymous"),
    ("one neo-bank CEO", "anonymous"), ("two senior Western officials", "anonymous"),
    ("but all of them", "collective"), ("and Sergei Lavrov", "named"), ("officials", "collective"),
    ("the agreement", "collective"), ("the Associated Press", "named"),
])
def test_source_kinds(source: str, kind: str) -> None:
    result = attribute_paragraphs([f"{source[0].upper() + source[1:]} said the talks would continue."])[0]
    assert result.attributions[0].source_kind == kind


def test_text_offsets_point_at_the_spans() -> None:
    text = "Intro line without attribution.\nThe mayor said on Tuesday that the clinic would close.\n"
    (att,) = attribute_text(text)
    assert text[att.cue_span[0]:att.cue_span[1]] == "said"
    assert text[att.source_span[0]:att.source_span[1]] == "The mayor"
    assert text[att.content_span[0]:att.content_span[1]] == "that the clinic would close"


def test_hedges_found_as_written() -> None:
    assert hedges_in("The purported strike, reportedly on Sunday, remains unconfirmed.") == (
        "purported", "reportedly", "unconfirmed")


def test_colon_cue_takes_the_next_sentence_as_content() -> None:
    result = attribute_paragraphs(["The minister added:", "“Russia will not leave the talks.”"])
    assert all(r.status == "attributed" for r in result)
    assert result[0].attributions[0].content.startswith("Russia will not leave the talks")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“We will not give in,” he continued.", ("attributed", "continued")),
        ("Fighting continued overnight near the border.", ("asserted", "")),
        ("Clinton has won six states so far.", ("asserted", "")),
        ("The ministry states that the convoy was attacked.", ("attributed", "states")),
        ("Polls show a tight race.", ("attributed", "show")),
        ("He hosts a talk show on Sundays.", ("asserted", "")),
        # "-ed" forms that modify a noun, and passives, report nobody's words
        ("Officers checked on accused trafficker Jeffrey Epstein.", ("asserted", "")),
        ("Experts reviewed the proposed missions.", ("asserted", "")),
        ("Rain fell on Tuesday and more was expected on Wednesday.", ("asserted", "")),
        ("Disney is widely expected to switch gears again.", ("asserted", "")),
    ],
)
def test_cues_that_are_also_nouns_or_intransitive_verbs(text: str, expected: tuple[str, str]) -> None:
    got = one(text)
    assert (got[0], got[1]) == expected


def test_headline_name_and_colon_is_an_attribution() -> None:
    got = one("Lavrov: Kyiv staged the attack to derail talks")
    assert got[:5] == ("attributed", ":", "Lavrov", got[3], "Kyiv staged the attack to derail talks")
    assert one("Update: the story was corrected on Tuesday.")[0] == "asserted"


def test_quote_before_the_source_is_the_content_even_with_an_addressee() -> None:
    got = one("“Our air defences worked,” the minister told a crowd in Moscow.")
    assert got[2] == "the minister" and got[4] == "Our air defences worked"


def test_a_quotation_sentence_after_an_attributed_quote_keeps_its_speaker() -> None:
    paras = ["“We saw the drones,” Lavrov said. “They came from the north.”", "The weather was fine."]
    results = attribute_paragraphs(paras)
    assert [r.status for r in results] == ["attributed", "attributed", "asserted"]
    assert results[1].source == "Lavrov" and results[1].continued_from == 0
    merged = attribute_text("\n".join(paras))
    assert len(merged) == 1 and merged[0].content.endswith("They came from the north.”")


def test_a_cue_inside_the_quotation_is_not_the_sentence_cue() -> None:
    got = one("“This is one more story told to scare us,” the mayor said on Friday.")
    assert got[:3] == ("attributed", "said", "the mayor") and got[4] == "This is one more story told to scare us"


@pytest.mark.parametrize("text, source", [
    ("In August, the agency announced that it would stop the programme.", "the agency"),
    ("Eventually, the mayor conceded that the clinic would close.", "the mayor"),
    ("But Early still says Ubisoft are “believers” in streaming.", "Early"),
    ("Lavrov on Monday dismissed the report as a fake.", "Lavrov"),
])
def test_what_opens_the_sentence_or_stands_before_the_verb_is_not_the_source(text: str, source: str) -> None:
    assert [a.source for a in attribute_paragraphs([text])[0].attributions] == [source]


@pytest.mark.parametrize("text", [
    "Flash-forward to 2017, when the director — a young filmmaker — had just found his next project.",
    "VIP: 60,000 won",
    "Contributing: Kristine Phillips",
    "New Release: Pocket Console Edition",
])
def test_no_source_is_made_up(text: str) -> None:
    assert all(not a.source for a in attribute_paragraphs([text])[0].attributions)
