"""Word-level diffs of the outlets' versions of one claim, and escaping of what they render."""

from __future__ import annotations

import pandas as pd
import pytest

from parallax.extract.extractors import Article
from parallax.compare.wording import (claim_diffs, headlines, headlines_html, reference_of, side_by_side_html,
                              substitutions, tokenize, word_changes)


def changes(a: str, b: str) -> list[tuple[str, str, str]]:
    ta, tb = tokenize(a), tokenize(b)
    out = []
    for c in word_changes(a, b):
        before = a[ta[c.ref[0]].start:ta[c.ref[1] - 1].end] if c.ref[1] > c.ref[0] else ""
        after = b[tb[c.new[0]].start:tb[c.new[1] - 1].end] if c.new[1] > c.new[0] else ""
        out.append((c.change, before, after))
    return out


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("Lavrov said the drones were shot down.", "Lavrov claimed the drones were shot down.",
         [("substituted", "said", "claimed")]),
        ("The attack on the residence failed.", "The alleged attack on the residence failed.",
         [("substituted", "attack", "alleged attack")]),
        ("The so-called attack on the residence failed.", "The attack on the residence failed.",
         [("substituted", "so-called attack", "attack")]),
        ("Kyiv denied the claim on Monday.", "The Kyiv regime denied the claim.",
         [("substituted", "Kyiv denied", "The Kyiv regime denied"), ("deleted", "on Monday", "")]),
        ("Air defence units destroyed them.", "Air defense units destroyed them, the ministry added.",
         [("substituted", "defence", "defense"), ("inserted", "", ", the ministry added")]),
        ("The mayor said “no”.", "The mayor said \"no\".", []),   # quotes and case only: no change
        ("The vote passed.", "The vote passed.", []),
    ],
)
def test_word_changes_pair_substitutions(a: str, b: str, expected: list[tuple[str, str, str]]) -> None:
    assert changes(a, b) == expected


def claims_frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"claim_id": c, "label": "the vote", "outlet": o, "status": "asserted" if s else "omitted",
                          "sentence": s, "position": p} for c, o, s, p in rows])


def test_claim_diffs_take_the_version_closest_to_the_others_as_reference() -> None:
    frame = claims_frame([
        ("C001", "wire", "The council voted 7-2 to close the clinic on Friday.", 0),
        ("C001", "copy", "The council voted 7-2 to shut the clinic on Friday.", 1),
        ("C001", "local", "The council voted 7-2 to close the beloved clinic on Friday.", 0),
        ("C001", "other", "", 0),
        ("C002", "wire", "Only one outlet says this.", 3),
    ])
    texts = {o: s for _, o, s, _ in frame[frame.claim_id == "C001"][["claim_id", "outlet", "sentence", "position"]].itertuples(index=False) if s}
    assert reference_of(texts, ["copy", "local", "wire"]) == "wire"
    diffs = claim_diffs(frame, ["wire", "copy", "local", "other"])
    assert set(diffs.claim_id) == {"C001"}          # a claim carried by one outlet has nothing to compare
    assert set(diffs.reference) == {"wire"}
    got = {(r.outlet, r.change, r.before, r.after) for r in diffs.itertuples()}
    assert got == {("copy", "substituted", "close", "shut"), ("local", "substituted", "clinic", "beloved clinic")}
    subs = substitutions(diffs)
    assert list(subs.columns) == ["before", "after", "outlet", "claims"] and len(subs) == 2


HOSTILE = '<script>alert("px")</script> and <img src=x onerror=alert(1)>'


def test_rendered_views_escape_article_text() -> None:
    frame = claims_frame([("C001", "a", f"Officials said {HOSTILE} was found.", 0),
                          ("C001", "b", f"Officials claimed {HOSTILE} was found.", 0)])
    page = side_by_side_html(frame, {"a": "Outlet <A>", "b": "B"}, ["a", "b"])
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page and "Outlet &lt;A&gt;" in page
    assert "<del>said</del>" in page and "<ins>claimed</ins>" in page
    arts = [Article(outlet=k, name=k, source="x", title=f"{HOSTILE} headline", paragraphs=[f"{HOSTILE} lede."])
            for k in ("a", "b")]
    table = headlines(arts)
    assert list(table.headline_similarity) == [1.0, 1.0]
    rendered = headlines_html(table)
    assert "<script>alert" not in rendered and "&lt;img src=x onerror" in rendered
