"""Coverage on the bundled drone-claim example: who asserts, who attributes, who omits."""

from __future__ import annotations

import pandas as pd
import pytest

from parallax.compare.coverage import (CLAIM_COLUMNS, attribute_articles, claims_table, coverage_matrix, omissions,
                               outlet_summary, quoted_sources)
from parallax.run.examples import example_spec
from parallax.extract.extractors import extract_snapshot
from parallax.acquire.fetch import read_file
from parallax.spec import load_spec


@pytest.fixture(scope="module")
def example() -> tuple[list, dict, pd.DataFrame]:
    story = load_spec(example_spec("drone-claim"))
    articles = [extract_snapshot(read_file(o.file, o.key), o.key, o.name, o.language, story.language)
                for o in story.outlets]
    attributed = attribute_articles(articles)
    return articles, attributed, claims_table(articles, attributed)


def test_claims_csv_contract(example) -> None:
    articles, _, claims = example
    assert list(claims.columns) == CLAIM_COLUMNS
    assert set(claims.status) <= {"attributed", "asserted", "hedged", "omitted"}
    for claim_id, rows in claims.groupby("claim_id"):
        assert set(rows.outlet) == {a.outlet for a in articles}, claim_id   # every outlet: carried or omitted
        omitted = rows[rows.status == "omitted"]
        assert (omitted.sentence == "").all() and omitted.position.isna().all()
        assert omitted.outlet.is_unique
    carried = claims[claims.status != "omitted"]
    texts = {a.outlet: a.text for a in articles}
    assert all(row.sentence in texts[row.outlet] for row in carried.itertuples())   # verbatim


def test_outlet_asserting_the_accusation_and_omitting_the_denial(example) -> None:
    _, _, claims = example
    drones = claims[(claims.outlet == "rodina-today") & claims.sentence.str.contains("launched 91")]
    assert not drones.empty and (drones.status == "asserted").all()
    drone_group = claims[claims.claim_id.isin(drones.claim_id) & (claims.outlet != "rodina-today")]
    assert (drone_group[drone_group.status != "omitted"].status == "attributed").all()  # others credit Moscow
    # sentences that carry the denial (the wire's lede carries the 91 drones and the denial: it groups with the drones)
    denial = claims[claims.sentence.str.contains("fabrication") & ~claims.sentence.str.contains("91 long-range")
                    & (claims.outlet != "rodina-today")].claim_id.unique()
    assert len(denial)
    rodina_on_denial = claims[claims.claim_id.isin(denial) & (claims.outlet == "rodina-today")]
    assert (rodina_on_denial.status == "omitted").all()


def test_republished_wire_copy_lines_up_with_the_wire(example) -> None:
    _, _, claims = example
    wire = claims[claims.outlet == "meridian-wire"]
    copy = claims[claims.outlet == "harbor-times"]
    shared = set(wire[wire.status != "omitted"].claim_id) & set(copy[copy.status != "omitted"].claim_id)
    assert len(shared) >= 0.8 * wire[wire.status != "omitted"].claim_id.nunique()


def test_summaries(example) -> None:
    articles, attributed, claims = example
    keys = [a.outlet for a in articles]
    summary = outlet_summary(claims, keys).set_index("outlet")
    assert summary.loc["rodina-today", "share_asserted"] > summary.loc["meridian-wire", "share_asserted"]
    shares = summary[["share_attributed", "share_asserted", "share_hedged"]].sum(axis=1)
    assert shares.round(6).eq(1).all()
    sources = quoted_sources(attributed)
    assert "Sergei Lavrov" in set(sources[sources.outlet == "meridian-wire"].source)
    zelensky = [s for s in sources.source.unique() if s.startswith("Volodymyr Zelensk")]
    assert len(zelensky) == 1  # Zelensky / Zelenskiy / Zelenskyy: one source
    matrix = coverage_matrix(claims, keys)
    assert list(matrix.columns) == keys and (claims.set_index("claim_id").loc[matrix.index].outlets_carrying >= 2).all()
    assert set(omissions(claims).outlet) <= set(keys)
