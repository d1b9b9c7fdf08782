"""Word-level differences between the outlets' versions of the same claim, and the headlines
and ledes side by side.

Every claim group of ``tables/claims.csv`` carried by two or more outlets is compared word by
word: each outlet's version against the group's reference version (the one closest to all
the others, so a wire text that others rework is usually the reference). Substitutions are
paired ("said" -> "claimed"), and a word or two inserted or dropped next to a kept word is
shown as a change of that phrase ("attack" -> "alleged attack"). Article text is untrusted:
:func:`side_by_side_html` and :func:`headlines_html` escape everything they render.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from parallax.extract.extractors import Article
from parallax.parse.words import Word, keys, opcodes, ratio, tokens as word_tokens
from parallax.thresholds import value as limit

DIFF_COLUMNS = ["claim_id", "label", "reference", "outlet", "change", "before", "after", "similarity",
                "reference_sentence", "sentence"]
MAX_MODIFIER_WORDS = int(limit("wording.max_modifier_words"))  # an inserted "alleged" or "so-called" reads as a change of the word next to it

#: A word or punctuation mark with its offsets (one tokenizer for every stage: :mod:`parallax.parse.words`).
Token = Word


@dataclass(frozen=True)
class Change:
    """One difference of a version from the reference: token ranges on both sides."""

    change: str          # substituted, inserted or deleted
    ref: tuple[int, int]  # token range in the reference [start, end)
    new: tuple[int, int]  # token range in the version [start, end)


def tokenize(text: str) -> list[Token]:
    """Words and punctuation marks with offsets (:func:`parallax.parse.words.tokens`)."""
    return list(word_tokens(text))


def _words_only(tokens: Sequence[Token], a: int, b: int) -> bool:
    return any(t.is_word for t in tokens[a:b])


def word_changes(reference: str, version: str) -> list[Change]:
    """The changes that turn ``reference`` into ``version``, word by word.

    Punctuation-only changes are left out. An insertion or deletion of up to
    ``MAX_MODIFIER_WORDS`` words right before a kept word is reported as a substitution
    of that word ("attack" -> "alleged attack").
    """
    ref, new = tokenize(reference), tokenize(version)
    out: list[Change] = []
    for op, i1, i2, j1, j2 in opcodes([t.key for t in ref], [t.key for t in new]):
        if op == "equal":
            continue
        if not (_words_only(ref, i1, i2) or _words_only(new, j1, j2)):
            continue
        if op == "replace":
            out.append(Change("substituted", (i1, i2), (j1, j2)))
        elif op == "insert":
            n = j2 - j1
            if n <= MAX_MODIFIER_WORDS and i1 < len(ref) and ref[i1].is_word and all(t.is_word for t in new[j1:j2]):
                out.append(Change("substituted", (i1, i1 + 1), (j1, j2 + 1)))  # "attack" -> "alleged attack"
            else:
                out.append(Change("inserted", (i1, i1), (j1, j2)))
        else:  # delete
            n = i2 - i1
            if n <= MAX_MODIFIER_WORDS and j1 < len(new) and new[j1].is_word and all(t.is_word for t in ref[i1:i2]):
                out.append(Change("substituted", (i1, i2 + 1), (j1, j1 + 1)))  # "alleged attack" -> "attack"
            else:
                out.append(Change("deleted", (i1, i2), (j1, j1)))
    return _merge_touching(out)


def _merge_touching(changes: list[Change]) -> list[Change]:
    """Changes that touch on both sides become one substitution ("Kyiv denied" -> "The Kyiv regime denied")."""
    out: list[Change] = []
    for c in changes:
        last = out[-1] if out else None
        if last and c.ref[0] <= last.ref[1] and c.new[0] <= last.new[1]:
            out[-1] = Change("substituted", (last.ref[0], max(last.ref[1], c.ref[1])),
                             (last.new[0], max(last.new[1], c.new[1])))
        else:
            out.append(c)
    return out


def _text(source: str, tokens: Sequence[Token], a: int, b: int) -> str:
    return source[tokens[a].start:tokens[b - 1].end] if b > a else ""


def similarity(a: str, b: str) -> float:
    """Share of words two texts have in the same order (difflib's ratio on word keys), in [0, 1]."""
    ka, kb = keys(a), keys(b)
    if not ka and not kb:
        return 1.0
    return ratio(ka, kb)


def _overlap(a: str, b: str) -> float:
    """Dice coefficient of two texts' word multisets (a fast stand-in for ``similarity``)."""
    ca, cb = Counter(keys(a)), Counter(keys(b))
    total = sum(ca.values()) + sum(cb.values())
    return 2 * sum((ca & cb).values()) / total if total else 1.0


def versions(claims: pd.DataFrame) -> dict[str, dict[str, str]]:
    """claim_id -> {outlet: its version} for claims carried by two or more outlets; an outlet with
    several sentences in one claim has them joined in article order."""
    carried = claims[claims.status != "omitted"].sort_values(["claim_id", "outlet", "position"])
    out: dict[str, dict[str, str]] = {}
    for claim_id, rows in carried.groupby("claim_id", sort=True):
        by_outlet = {o: " ".join(dict.fromkeys(r.sentence)) for o, r in rows.groupby("outlet", sort=False)}
        if len(by_outlet) >= 2:
            out[str(claim_id)] = by_outlet
    return out


def reference_of(texts: dict[str, str], order: Sequence[str] = ()) -> str:
    """The outlet whose version shares most words with all the others (ties: earlier in ``order``)."""
    rank = {o: i for i, o in enumerate(order)}
    outlets = sorted(texts, key=lambda o: rank.get(o, len(rank)))
    scores = {o: sum(_overlap(texts[o], texts[p]) for p in outlets if p != o) for o in outlets}
    return max(outlets, key=lambda o: (scores[o], -rank.get(o, len(rank))))


def claim_diffs(claims: pd.DataFrame, order: Sequence[str] = ()) -> pd.DataFrame:
    """tables/wording_diffs.csv: for every claim carried by two or more outlets, each outlet's
    changes against the reference version, one row per change (an identical version gets one row
    with change ``same``)."""
    labels = claims.drop_duplicates("claim_id").set_index("claim_id")["label"].to_dict()
    rows = []
    for claim_id, texts in versions(claims).items():
        reference = reference_of(texts, order)
        ref_text = texts[reference]
        ref_tokens = tokenize(ref_text)
        for outlet in sorted(texts, key=lambda o: list(order).index(o) if o in order else len(order)):
            if outlet == reference:
                continue
            text = texts[outlet]
            tokens = tokenize(text)
            base = {"claim_id": claim_id, "label": labels.get(claim_id, ""), "reference": reference,
                    "outlet": outlet, "similarity": round(similarity(ref_text, text), 3),
                    "reference_sentence": ref_text, "sentence": text}
            changes = word_changes(ref_text, text)
            if not changes:
                rows.append(base | {"change": "same", "before": "", "after": ""})
            for c in changes:
                rows.append(base | {"change": c.change, "before": _text(ref_text, ref_tokens, *c.ref),
                                    "after": _text(text, tokens, *c.new)})
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def substitutions(diffs: pd.DataFrame, max_words: int = 4) -> pd.DataFrame:
    """Short paired substitutions ("said" -> "claimed") counted across claims and outlets: the
    word choices that differ, most frequent first."""
    subs = diffs[(diffs.change == "substituted")
                 & (diffs.before.str.split().str.len() <= max_words) & (diffs.after.str.split().str.len() <= max_words)]
    if subs.empty:
        return pd.DataFrame(columns=["before", "after", "outlet", "claims"])
    return (subs.assign(before=subs.before.str.lower(), after=subs.after.str.lower())
            .groupby(["before", "after", "outlet"]).claim_id.nunique().rename("claims").reset_index()
            .sort_values(["claims", "before"], ascending=[False, True]).reset_index(drop=True))


# ---------------------------------------------------------------- rendering (escaped)

def _marked(text: str, tokens: Sequence[Token], ranges: list[tuple[int, int]], tag: str) -> str:
    """``text`` escaped, with the token ranges wrapped in ``<tag>``."""
    out, pos = [], 0
    for a, b in sorted(r for r in ranges if r[1] > r[0]):
        start, end = tokens[a].start, tokens[b - 1].end
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<{tag}>{html.escape(text[start:end])}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


_STYLE = """<style>
.px-diff {border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.95em; width: 100%}
.px-diff th, .px-diff td {border-top: 1px solid #ccc; padding: 0.35em 0.6em; text-align: left; vertical-align: top}
.px-diff th {white-space: nowrap; width: 11em}
.px-diff del {background: #f6d6d6; color: #7a1f1f; text-decoration: line-through}
.px-diff ins {background: #d4ecd9; color: #17502a; text-decoration: none; font-weight: 600}
.px-diff .px-ref {color: #555}
.px-diff caption {text-align: left; font-weight: 600; padding: 0.3em 0}
</style>"""


def side_by_side_html(claims: pd.DataFrame, names: dict[str, str], order: Sequence[str] = (),
                      limit: int = 8) -> str:
    """HTML: for the ``limit`` claims carried by the most outlets, each outlet's version under the
    reference, words the reference has and the version lacks struck through, words it adds
    highlighted. Every piece of article text is HTML-escaped."""
    all_versions = versions(claims)
    carried = claims.drop_duplicates("claim_id").set_index("claim_id")
    chosen = sorted(all_versions, key=lambda c: (-len(all_versions[c]), c))[:limit]
    parts = [_STYLE]
    for claim_id in chosen:
        texts = all_versions[claim_id]
        reference = reference_of(texts, order)
        ref_text = texts[reference]
        ref_tokens = tokenize(ref_text)
        label = html.escape(str(carried.loc[claim_id, "label"]))
        rows = [f'<tr><th>{html.escape(names.get(reference, reference))}<br><small>reference</small></th>'
                f'<td class="px-ref">{html.escape(ref_text)}</td></tr>']
        for outlet in [o for o in order if o in texts and o != reference] + \
                [o for o in texts if o not in order and o != reference]:
            text = texts[outlet]
            changes = word_changes(ref_text, text)
            struck = _marked(ref_text, ref_tokens, [c.ref for c in changes if c.change != "inserted"], "del")
            added = _marked(text, tokenize(text), [c.new for c in changes if c.change != "deleted"], "ins")
            body = added if not changes else f"{added}<br><small>reference: {struck}</small>"
            rows.append(f"<tr><th>{html.escape(names.get(outlet, outlet))}</th><td>{body}</td></tr>")
        parts.append(f'<table class="px-diff"><caption>{html.escape(claim_id)}: {label}</caption>'
                     + "".join(rows) + "</table>")
    if len(parts) == 1:
        parts.append("<p>No claim is carried by two or more outlets, so there is nothing to compare.</p>")
    return "\n".join(parts)


def headlines(articles: Sequence[Article]) -> pd.DataFrame:
    """Each outlet's headline and lede (first paragraph), with how close each is to the others'."""
    ok = [a for a in articles if a.ok]
    rows = []
    for a in ok:
        lede = a.paragraphs[0] if a.paragraphs else ""
        others = [b for b in ok if b is not a]
        rows.append({"outlet": a.outlet, "name": a.name, "headline": a.title, "lede": lede,
                     "headline_similarity": _closest(a.title, [b.title for b in others]),
                     "lede_similarity": _closest(lede, [b.paragraphs[0] if b.paragraphs else "" for b in others])})
    return pd.DataFrame(rows, columns=["outlet", "name", "headline", "lede", "headline_similarity", "lede_similarity"])


def _closest(text: str, others: Sequence[str], candidates: int = 3) -> float:
    """Highest ``similarity`` of ``text`` to any of ``others`` (checked on the few closest by word overlap)."""
    best = sorted(others, key=lambda o: -_overlap(text, o))[:candidates]
    return round(max((similarity(text, o) for o in best), default=0.0), 3)


def headlines_html(frame: pd.DataFrame) -> str:
    """The headlines-and-ledes table as escaped HTML."""
    rows = "".join(f"<tr><th>{html.escape(str(r.name))}</th><td><strong>{html.escape(str(r.headline))}</strong>"
                   f"<br>{html.escape(str(r.lede))}</td></tr>" for r in frame.itertuples())
    return f'{_STYLE}<table class="px-diff">{rows}</table>'
