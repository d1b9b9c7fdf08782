"""Coverage: which claims each outlet carries, how (attributed, asserted, hedged), and which it omits.

``claims_table`` gives ``tables/claims.csv`` exactly as DESIGN.md fixes it: one row
per (claim_id, outlet, sentence); an outlet that lacks a claim has one row with
status ``omitted`` and an empty sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd

from parallax.compare.align import MATCHERS, Matcher, Unit, group, units_of
from parallax.parse.words import stem_word
from parallax.parse import document as parse
from parallax.outlet.attribution import SentenceAttribution, attribute_paragraphs
from parallax.extract.extractors import Article
from parallax.parse.words import keys

CLAIM_COLUMNS = ["claim_id", "label", "outlet", "status", "source", "source_kind", "cue", "cue_class", "quote",
                 "sentence", "position", "paragraph", "lede", "outlets_carrying"]
LABEL_CHARS = 70


_WORDLIKE = re.compile(r"[^\W_]")


def attribute_articles(articles: Sequence[Article]) -> dict[str, list[SentenceAttribution]]:
    """Each outlet's sentences with their attributions (outlets that failed are left out).

    All articles are parsed first, in one batch (:func:`parallax.parse.document.documents`)."""
    ok = [a for a in articles if a.ok]
    parse.documents([a.paragraphs for a in ok], [a.language or "en" for a in ok])
    return {a.outlet: attribute_paragraphs(a.paragraphs, a.language) for a in ok}


def claims_table(articles: Sequence[Article], attributed: dict[str, list[SentenceAttribution]],
                 matcher: Matcher | None = None, lang: str = "en") -> pd.DataFrame:
    """tables/claims.csv: claim groups across outlets, with each outlet's status, source and cue."""
    units: list[Unit] = []
    by_key: dict[tuple[str, int], SentenceAttribution] = {}
    for outlet, sents in attributed.items():
        # a line without a word or number ("—", "***", an emoji) carries no claim
        units += units_of(outlet, [(s.position, s.paragraph, s.text) for s in sents if _WORDLIKE.search(s.text)])
        by_key.update({(outlet, s.position): s for s in sents})
    groups = group(units, matcher or MATCHERS["lexical"], lang)
    outlets = [a.outlet for a in articles if a.ok]
    rows = []
    for n, members in enumerate(groups, start=1):
        claim_id = f"C{n:03d}"
        label = _label([units[i] for i in members])
        carrying = sorted({units[i].outlet for i in members})
        seen: set[tuple[str, int]] = set()
        for i in members:
            u = units[i]
            if (u.outlet, u.position) in seen:  # two clauses of one sentence in one group: one row
                continue
            seen.add((u.outlet, u.position))
            s = by_key[(u.outlet, u.position)]
            att = s.attributions[0] if s.attributions and s.status == "attributed" else None
            rows.append({
                "claim_id": claim_id, "label": label, "outlet": u.outlet, "status": s.status,
                "source": (att.resolved_source or att.source) if att else "",
                "source_kind": att.source_kind if att else "", "cue": att.cue if att else "",
                "cue_class": att.cue_class if att else "", "quote": att.quote if att else "",
                "sentence": u.sentence, "position": u.position, "paragraph": u.paragraph,
                "lede": u.paragraph == 0, "outlets_carrying": len(carrying),
            })
        for outlet in outlets:
            if outlet not in carrying:
                rows.append({"claim_id": claim_id, "label": label, "outlet": outlet, "status": "omitted",
                             "source": "", "source_kind": "", "cue": "", "cue_class": "", "quote": "",
                             "sentence": "", "position": pd.NA, "paragraph": pd.NA, "lede": False,
                             "outlets_carrying": len(carrying)})
    frame = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    frame["position"] = frame["position"].astype("Int64")
    frame["paragraph"] = frame["paragraph"].astype("Int64")
    return frame


def _label(members: list[Unit]) -> str:
    """A short label: the shortest piece of the group, cut at a word."""
    text = min((u.text for u in members), key=len).rstrip(".")
    if len(text) <= LABEL_CHARS:
        return text
    return text[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def coverage_matrix(claims: pd.DataFrame, order: Sequence[str], min_outlets: int = 2) -> pd.DataFrame:
    """Claims (rows) × outlets (columns) -> the strongest status of that outlet for that claim."""
    rank = {"attributed": 3, "asserted": 4, "hedged": 2, "omitted": 0}
    shown = claims[claims.outlets_carrying >= min_outlets]
    if shown.empty:
        return pd.DataFrame(columns=list(order))
    best = (shown.assign(r=shown.status.map(rank)).sort_values("r", ascending=False)
            .drop_duplicates(["claim_id", "outlet"]).pivot(index="claim_id", columns="outlet", values="status"))
    return best.reindex(columns=[o for o in order if o in best.columns])


def outlet_summary(claims: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per outlet: claims carried and omitted, share attributed / asserted / hedged, named vs anonymous sources."""
    rows = []
    shared = claims[claims.outlets_carrying >= 2]
    for outlet in order:
        mine = claims[claims.outlet == outlet]
        carried = mine[mine.status != "omitted"].drop_duplicates("claim_id")
        said = mine[mine.status != "omitted"]
        sources = said[said.source != ""]
        n = max(len(said), 1)
        rows.append({
            "outlet": outlet,
            "claims_carried": carried.claim_id.nunique(),
            "shared_claims_omitted": int((shared[shared.outlet == outlet].status == "omitted").sum()),
            "share_attributed": (said.status == "attributed").sum() / n if len(said) else np.nan,
            "share_asserted": (said.status == "asserted").sum() / n if len(said) else np.nan,
            "share_hedged": (said.status == "hedged").sum() / n if len(said) else np.nan,
            "named_sources": int((sources.source_kind == "named").sum()),
            "anonymous_sources": int((sources.source_kind == "anonymous").sum()),
            "collective_sources": int((sources.source_kind == "collective").sum()),
            "distinct_sources": sources.source.nunique(),
        })
    return pd.DataFrame(rows)


def _spelling_key(name: str) -> str:
    """A source's name as spellings are compared: its folded words, stemmed."""
    return " ".join(stem_word(w, "en") for w in keys(name))


def quoted_sources(attributed: dict[str, list[SentenceAttribution]]) -> pd.DataFrame:
    """Who each outlet quotes and how often (every attributed sentence counts once). Spellings of
    one name ("Zelensky", "Zelenskiy", "Zelenskyy") count as one source, under the commonest."""
    raw: Counter[tuple[str, str, str]] = Counter()
    for outlet, sents in attributed.items():
        for s in sents:
            if s.attributions:
                a = s.attributions[0]
                if a.resolved_source or a.source:
                    raw[(outlet, a.resolved_source or a.source, a.source_kind)] += 1
    spellings: dict[str, Counter[str]] = {}
    for (_, src, _), n in raw.items():
        spellings.setdefault(_spelling_key(src), Counter())[src] += n
    canonical = {key: c.most_common(1)[0][0] for key, c in spellings.items()}
    counts: Counter[tuple[str, str, str]] = Counter()
    for (outlet, src, kind), n in raw.items():
        counts[(outlet, canonical[_spelling_key(src)], kind)] += n
    rows = [{"outlet": o, "source": src, "source_kind": kind, "sentences": n} for (o, src, kind), n in counts.items()]
    return pd.DataFrame(rows, columns=["outlet", "source", "source_kind", "sentences"])


def omissions(claims: pd.DataFrame, min_share: float = 0.5) -> pd.DataFrame:
    """Claims that most other outlets carry and one outlet leaves out."""
    n_outlets = claims.outlet.nunique()
    omitted = claims[(claims.status == "omitted") & (claims.outlets_carrying >= max(2, min_share * (n_outlets - 1)))]
    return omitted[["outlet", "claim_id", "label", "outlets_carrying"]].sort_values(["outlet", "claim_id"]).reset_index(drop=True)
