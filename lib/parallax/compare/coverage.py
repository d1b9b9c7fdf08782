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

from parallax.compare.align import DEFAULT_MATCHER, MATCHERS, Matcher, Unit, group, similarities
from parallax.compare.units import remember, sentence_units
from parallax.thresholds import value as limit
from parallax.parse.words import stem_word
from parallax.parse import document as parse
from parallax.outlet.attribution import SentenceAttribution, attribute_paragraphs
from parallax.errors import StoryTooLarge
from parallax.extract.extractors import Article
from parallax.parse.words import keys

CLAIM_COLUMNS = ["claim_id", "label", "outlet", "status", "source", "source_kind", "cue", "cue_class", "quote",
                 "sentence", "position", "paragraph", "lede", "outlets_carrying", "unit", "unit_start", "unit_end",
                 "score", "possibly_carried", "nearest", "nearest_outlet"]
POSSIBLY_CARRIED = limit("align.possibly_carried")
LABEL_CHARS = 70


_WORDLIKE = re.compile(r"[^\W_]")


def attribute_articles(articles: Sequence[Article]) -> dict[str, list[SentenceAttribution]]:
    """Each outlet's sentences with their attributions (outlets that failed are left out).

    All articles are parsed first, in one batch (:func:`parallax.parse.document.documents`)."""
    ok = [a for a in articles if a.ok]
    parse.documents([a.paragraphs for a in ok], [a.language or "en" for a in ok])
    return {a.outlet: attribute_paragraphs(a.paragraphs, a.language) for a in ok}


def claim_units(articles: Sequence[Article], attributed: dict[str, list[SentenceAttribution]]) -> list[Unit]:
    """Every outlet's claim units (:func:`parallax.compare.units.sentence_units`), in story order."""
    by_outlet = {a.outlet: a for a in articles if a.ok}
    out: list[Unit] = []
    for outlet, sents in attributed.items():
        article = by_outlet.get(outlet)
        doc = parse.document(article.paragraphs, article.language or "en") if article is not None else None
        for s in sents:
            if not _WORDLIKE.search(s.text):   # a line without a word or number ("—", "***") carries no claim
                continue
            located = doc is not None and s.position < len(doc.sentences) and doc.sentences[s.position].text == s.text
            sent_start = doc.sentences[s.position].start if located else 0
            tokens = doc.tokens(s.position) if located and doc.parsed else ()
            doc_start = doc.starts[s.position] if located else 0
            for piece in sentence_units(s, sent_start, tokens, doc_start) if located else [None]:
                whole = piece is None or (piece.start, piece.end) == (0, len(s.text))
                att = piece.attribution if piece is not None else (
                    s.attributions[0] if s.attributions and s.status == "attributed" else None)
                status = piece.status if piece is not None else s.status
                out.append(Unit(
                    outlet, s.position, s.paragraph, s.text, s.text if whole else remember(s.text[piece.start:piece.end]),
                    start=0 if whole else piece.start, end=len(s.text) if whole else piece.end, status=status,
                    source=((att.resolved_source or att.source) if att else (piece.source if piece else "")),
                    source_kind=att.source_kind if att else (piece.source_kind if piece else ""),
                    cue=att.cue if att else (piece.cue if piece else ""),
                    cue_class=att.cue_class if att else (piece.cue_class if piece else ""),
                    quote=att.quote if att else ""))
    return out


def claims_table(articles: Sequence[Article], attributed: dict[str, list[SentenceAttribution]],
                 matcher: Matcher | None = None, lang: str = "en") -> pd.DataFrame:
    """tables/claims.csv: claim groups across outlets, with each unit's status, source and cue, the
    score of the evidence behind every cell, and, for an omitted cell, the outlet's nearest unit."""
    matcher = matcher or MATCHERS[DEFAULT_MATCHER]
    units = claim_units(articles, attributed)
    most = int(limit("align.max_units"))
    if len(units) > most:
        readable = sum(a.ok for a in articles)
        raise StoryTooLarge(
            f"the {readable} outlets' articles hold {len(units):,} claim units (sentences and their parts), more than "
            f"the {most:,} Parallax compares at once (memory grows with the square of the count); split the story "
            f"into specs of about {max(2, readable * most // len(units))} outlets each and compare the runs with "
            "'parallax summary'")
    sim = similarities(units, matcher, lang)
    groups = group(units, matcher, lang, sim=sim)
    outlets = [a.outlet for a in articles if a.ok]
    unit_outlets = np.array([u.outlet for u in units])
    of_outlet = {o: np.flatnonzero(unit_outlets == o) for o in outlets}
    possible = POSSIBLY_CARRIED * matcher.threshold
    rows = []
    for n, members in enumerate(groups, start=1):
        claim_id = f"C{n:03d}"
        label = _label([units[i] for i in members])
        carrying = sorted({units[i].outlet for i in members})
        idx = np.array(members, dtype=np.intp)
        seen: set[tuple[str, int]] = set()
        for i in members:
            u = units[i]
            if (u.outlet, u.position) in seen:  # two units of one sentence in one group: one row
                continue
            seen.add((u.outlet, u.position))
            others = idx[[units[j].outlet != u.outlet for j in members]]
            if others.size:    # the evidence: its best match in the group from another outlet
                score, near = float(sim[i, others].max()), None
            else:              # a claim only this outlet carries: its nearest unit elsewhere
                elsewhere = np.flatnonzero(unit_outlets != u.outlet)
                near = int(elsewhere[np.argmax(sim[i, elsewhere])]) if elsewhere.size else None
                score = float(sim[i, near]) if near is not None else float("nan")
            rows.append({
                "claim_id": claim_id, "label": label, "outlet": u.outlet, "status": u.status, "source": u.source,
                "source_kind": u.source_kind, "cue": u.cue, "cue_class": u.cue_class, "quote": u.quote,
                "sentence": u.sentence, "position": u.position, "paragraph": u.paragraph,
                "lede": u.paragraph == 0, "outlets_carrying": len(carrying),
                "unit": u.text if u.end >= 0 else u.sentence, "unit_start": u.start, "unit_end": u.end,
                "score": round(score, 4), "possibly_carried": False,
                "nearest": units[near].sentence if near is not None else "",
                "nearest_outlet": units[near].outlet if near is not None else "",
            })
        for outlet in outlets:
            if outlet in carrying:
                continue
            mine = of_outlet[outlet]
            block = sim[np.ix_(mine, idx)]
            near = int(mine[np.argmax(block.max(axis=1))]) if mine.size else None
            score = float(block.max()) if mine.size else float("nan")
            rows.append({"claim_id": claim_id, "label": label, "outlet": outlet, "status": "omitted",
                         "source": "", "source_kind": "", "cue": "", "cue_class": "", "quote": "",
                         "sentence": "", "position": pd.NA, "paragraph": pd.NA, "lede": False,
                         "outlets_carrying": len(carrying), "unit": "", "unit_start": pd.NA, "unit_end": pd.NA,
                         "score": round(score, 4), "possibly_carried": bool(score >= possible),
                         "nearest": units[near].sentence if near is not None else "",
                         "nearest_outlet": outlet if near is not None else ""})
    frame = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    for column in ("position", "paragraph", "unit_start", "unit_end"):
        frame[column] = frame[column].astype("Int64")
    frame.attrs["units"] = len(units)   # how many units were compared pairwise (run.json: claim_matching)
    return frame


def _label(members: list[Unit]) -> str:
    """A short label: the shortest piece of the group, cut at a word."""
    text = min((u.text for u in members), key=len).rstrip(".")
    if len(text) <= LABEL_CHARS:
        return text
    return text[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


POSSIBLY = "possibly carried"


def coverage_matrix(claims: pd.DataFrame, order: Sequence[str], min_outlets: int = 2,
                    value: str = "status") -> pd.DataFrame:
    """Claims (rows) × outlets (columns) -> the strongest status of that outlet for that claim (an
    omitted cell whose nearest unit scores close to the threshold reads "possibly carried"), or with
    ``value="score"`` the match score of the evidence behind that cell."""
    rank = {"attributed": 3, "asserted": 4, "hedged": 2, "omitted": 0}
    shown = claims[claims.outlets_carrying >= min_outlets]
    if shown.empty:
        return pd.DataFrame(columns=list(order))
    best = shown.assign(r=shown.status.map(rank)).sort_values("r", ascending=False).drop_duplicates(["claim_id", "outlet"])
    if value == "status" and "possibly_carried" in best:
        best = best.assign(status=best.status.where(~((best.status == "omitted") & best.possibly_carried.astype(bool)),
                                                    POSSIBLY))
    table = best.pivot(index="claim_id", columns="outlet", values=value)
    return table.reindex(columns=[o for o in order if o in table.columns])


def exclusive_claims(claims: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """What only one outlet carries: per outlet, each such claim unit with its nearest unit in another
    outlet (sentence, outlet) and that match's score, nearest first, so a reader can check that it is
    really the outlet's own."""
    only = claims[(claims.outlets_carrying == 1) & (claims.status != "omitted")]
    columns = ["outlet", "claim_id", "status", "source", "unit", "sentence", "position", "nearest_outlet", "nearest",
               "score"]
    if only.empty:
        return pd.DataFrame(columns=columns)
    rank = {o: i for i, o in enumerate(order)}
    out = only.assign(_o=only.outlet.map(rank)).sort_values(["_o", "score", "position"], ascending=[True, False, True])
    return out[columns].reset_index(drop=True)


def outlet_summary(claims: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per outlet: claims carried and omitted, share attributed / asserted / hedged, named vs anonymous sources."""
    rows = []
    shared = claims[claims.outlets_carrying >= 2]
    for outlet in order:
        mine = claims[claims.outlet == outlet]
        mine_shared = shared[shared.outlet == outlet]
        gaps, near = mine_shared.status.eq("omitted"), _possible(mine_shared)
        carried = mine[mine.status != "omitted"].drop_duplicates("claim_id")
        said = mine[mine.status != "omitted"]
        sources = said[said.source != ""]
        n = max(len(said), 1)
        rows.append({
            "outlet": outlet,
            "claims_carried": carried.claim_id.nunique(),
            "shared_claims_omitted": int((gaps & ~near).sum()),
            "shared_claims_possibly_carried": int((gaps & near).sum()),
            "share_attributed": (said.status == "attributed").sum() / n if len(said) else np.nan,
            "share_asserted": (said.status == "asserted").sum() / n if len(said) else np.nan,
            "share_hedged": (said.status == "hedged").sum() / n if len(said) else np.nan,
            "named_sources": int((sources.source_kind == "named").sum()),
            "anonymous_sources": int((sources.source_kind == "anonymous").sum()),
            "collective_sources": int((sources.source_kind == "collective").sum()),
            "distinct_sources": sources.source.nunique(),
            "single_outlet_claims": mine[(mine.status != "omitted") & (mine.outlets_carrying == 1)].claim_id.nunique(),
        })
    return pd.DataFrame(rows)


def _possible(frame: pd.DataFrame) -> pd.Series:
    if "possibly_carried" not in frame:
        return pd.Series(False, index=frame.index)
    return frame.possibly_carried.fillna(False).astype(bool)


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
    if "possibly_carried" in omitted:   # a near match is shown with its sentence, not as a clean omission
        omitted = omitted[~omitted.possibly_carried.astype(bool)]
    return omitted[["outlet", "claim_id", "label", "outlets_carrying", "score", "nearest"]].sort_values(
        ["outlet", "claim_id"]).reset_index(drop=True)
