"""Claim units: a sentence cut into the claims it carries, each with its own status, source and cue."""

from __future__ import annotations

from parallax.compare.units import sentence_units
from parallax.outlet.attribution import attribute_paragraphs
from parallax.parse import document as parse


def units(paragraphs: list[str], position: int = 0):
    doc = parse.document(paragraphs, "en")
    s = attribute_paragraphs(paragraphs, "en")[position]
    sent = doc.sentences[position]
    pieces = sentence_units(s, sent.start, doc.tokens(position), doc.starts[position])
    return s, [(s.text[p.start:p.end], p) for p in pieces]


def test_two_that_clauses_are_two_units_of_one_speaker() -> None:
    s, got = units(["Foreign Minister Sergei Lavrov told reporters that the drones had been launched overnight "
                    "and that all of them were intercepted by air defence units."])
    texts = [t for t, _ in got]
    assert texts == ["the drones had been launched overnight", "all of them were intercepted by air defence units"]
    assert all(p.status == "attributed" and p.attribution.source.endswith("Sergei Lavrov") for _, p in got)


def test_an_aside_rejecting_the_claim_is_its_own_unit_with_its_own_source() -> None:
    s, got = units(["Russia accused Ukraine on Monday of trying to attack a residence of the president with drones, "
                    "an allegation that Kyiv swiftly rejected as a fabrication meant to derail peace efforts."])
    assert len(got) == 2
    first, second = got
    assert first[0].startswith("Ukraine on Monday of trying to attack") and "Kyiv" not in first[0]
    sources = {(p.attribution.source if p.attribution else p.source) for _, p in got}
    assert "Kyiv" in sources and "Russia" in sources


def test_coordinated_clauses_in_the_outlets_voice() -> None:
    s, got = units(["Russian authorities released no images of drones or debris, and it is unclear whether the "
                    "president was at the residence when the attack took place."])
    assert s.status != "attributed" and len(got) == 2
    assert got[0][0] == "Russian authorities released no images of drones or debris"
    assert got[1][0].startswith("and it is unclear whether the president was at the residence")
    assert {p.status for _, p in got} <= {"asserted", "hedged"}


def test_one_claim_one_unit_the_whole_sentence() -> None:
    text = "Lavrov said the drones had been launched overnight from the Chernihiv region."
    s, got = units([text])
    assert [(p.start, p.end) for _, p in got] == [(0, len(text))] and got[0][1].status == "attributed"


def test_a_cue_inside_a_clause_the_outlet_asserts_does_not_cut_it() -> None:
    text = ("Federal prosecutors have subpoenaed the governor's campaign, escalating their probe into allegations "
            "that his aides created traffic jams as political payback.")
    s, got = units([text])
    assert [(p.start, p.end) for _, p in got] == [(0, len(text))] and got[0][1].status == s.status


def test_a_concessive_clause_is_a_claim_of_its_own() -> None:
    s, got = units(["He said Moscow would review its negotiating position, although it would not abandon the talks."])
    texts = [t for t, _ in got]
    assert texts == ["Moscow would review its negotiating position", "it would not abandon the talks"]
    assert all(p.status == "attributed" for _, p in got)


def test_two_speakers_in_one_sentence_are_two_units_each_with_its_source() -> None:
    s, got = units(["Moscow said the drones were shot down; Kyiv said the attack never happened."])
    assert [t for t, _ in got] == ["the drones were shot down", "the attack never happened"]
    assert [p.attribution.source for _, p in got] == ["Moscow", "Kyiv"]
