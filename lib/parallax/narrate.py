"""Plain-language readings of tables and charts, as Markdown for the report."""

from __future__ import annotations

import html

import pandas as pd

from .extract import Article


def esc(text: object) -> str:
    """Text from a page or a spec, safe inside Markdown: HTML escaped, Markdown emphasis and links defused."""
    return html.escape(str(text), quote=False).replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("`", "\\`")


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def outlets_reading(articles: list[Article]) -> str:
    """What the outlets table says: who came through, who failed, what to check."""
    ok = [a for a in articles if a.ok]
    failed = [a for a in articles if not a.ok]
    lines = [f"**{len(ok)} of {len(articles)} outlets** were read and extracted."]
    if ok:
        longest = max(ok, key=lambda a: a.words)
        shortest = min(ok, key=lambda a: a.words)
        if longest is not shortest:
            lines.append(f"The longest version is **{esc(longest.name)}** ({longest.words:,} words), "
                         f"the shortest **{esc(shortest.name)}** ({shortest.words:,} words).")
    for a in failed:
        lines.append(f"- **{esc(a.name)} failed**: {esc(a.error)}")
    warned = [a for a in ok if a.warnings]
    if warned:
        lines.append("Extraction warnings (check these pages by eye before citing numbers):")
        lines += [f"- **{esc(a.name)}**: {esc('; '.join(a.warnings))}" for a in warned]
    return "\n\n".join(lines[:2]) + ("\n\n" + "\n".join(lines[2:]) if len(lines) > 2 else "")


def readability_reading(tidy: pd.DataFrame, order: list[str]) -> str:
    """Which version is easiest and hardest to read, and what the numbers cannot say."""
    if tidy.empty:
        return "No outlet has text, so there is nothing to compare."
    lines = []
    fre = tidy[(tidy.measure == "flesch_reading_ease") & tidy.value.notna()]
    en = fre[fre.language.str.startswith("en")]
    if len(en) >= 2:
        easy, hard = en.loc[en.value.idxmax()], en.loc[en.value.idxmin()]
        lines.append(f"Among the English versions, **{esc(easy['name'])}** is the easiest to read "
                     f"(Flesch reading ease {easy.value:.0f}) and **{hard['name']}** the hardest ({hard.value:.0f}). "
                     "A gap of 10 points is about one school grade.")
    grade = tidy[(tidy.measure == "consensus_grade") & tidy.value.notna()]
    if len(grade):
        parts = [f"{esc(r['name'])} {r.value:.0f}" for _, r in grade.set_index("name").loc[[n for n in order if n in set(grade.name)]].reset_index().iterrows()]
        lines.append("textstat's consensus US school grade: " + ", ".join(parts) + ".")
    wps = tidy[tidy.measure == "words_per_sentence"].dropna(subset=["value"])
    if len(wps) >= 2:
        long_, short = wps.loc[wps.value.idxmax()], wps.loc[wps.value.idxmin()]
        lines.append(f"Sentences are longest at **{esc(long_['name'])}** ({long_.value:.1f} words on average) "
                     f"and shortest at **{esc(short['name'])}** ({short.value:.1f}).")
    other = sorted(set(tidy.loc[~tidy.language.str.startswith("en"), "name"]))
    if other:
        lines.append(f"{_names([esc(o) for o in other])} {'is' if len(other) == 1 else 'are'} not in English: the English grade formulas "
                     "show NA there, and Flesch reading ease uses that language's own constants, so compare "
                     "those scores only within a language. LIX works across languages.")
    lines.append("Readability formulas count sentence and word length only: they cannot tell whether a text is "
                 "clear, fair or accurate.")
    return "\n\n".join(lines)


def chart_reading(name: str, tidy: pd.DataFrame, articles: list[Article]) -> str:
    """One or two sentences on how to read a chart."""
    if name == "reading_ease":
        return ("Longer bars are easier to read. The shaded bands name the usual ranges; most news writing "
                "sits between 30 and 60.")
    if name == "grade_levels":
        return ("Each group is one formula; each colour is an outlet. The formulas disagree by a grade or two; "
                "look at whether outlets keep the same order across formulas.")
    if name == "sentence_lengths":
        if not any(a.ok for a in articles):
            return ""
        sd = tidy[tidy.measure == "sentence_length_sd"].dropna(subset=["value"])
        extra = ""
        if len(sd) >= 2:
            top = sd.loc[sd.value.idxmax()]
            extra = f" **{esc(top['name'])}** varies its sentence length the most (SD {top.value:.1f} words)."
        return "A wide box means the outlet mixes short and long sentences; dots far right are very long sentences." + extra
    if name == "article_length":
        return "Length alone says little, but a much shorter version often leaves things out: see which claims it carries."
    return ""


def claims_reading(result: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    """What the coverage map shows: shared claims, who states claims in its own voice, who omits most."""
    claims, summary = result["claims"], result["claim_summary"]
    if claims.empty:
        return "No claims were found."
    shared = claims[claims.outlets_carrying >= 2].claim_id.nunique()
    lines = [f"Parallax found **{claims.claim_id.nunique()} claims**; **{shared}** of them are carried by two or "
             "more outlets and appear in the map. Blue cells credit a source (\"X said\"), orange cells state the "
             "claim in the outlet's own voice, yellow cells hedge it (\"alleged\", \"reportedly\"), grey cells "
             "mean the outlet does not carry it."]
    if len(summary) >= 2 and summary.share_asserted.notna().any():
        most = summary.loc[summary.share_asserted.idxmax()]
        least = summary.loc[summary.share_attributed.idxmax()]
        lines.append(f"**{esc(names.get(most.outlet, most.outlet))}** states the largest share of its claims in its own "
                     f"voice ({most.share_asserted:.0%}); **{esc(names.get(least.outlet, least.outlet))}** credits a source "
                     f"most often ({least.share_attributed:.0%}).")
        gaps = summary.sort_values("shared_claims_omitted", ascending=False)
        top = gaps.iloc[0]
        if top.shared_claims_omitted:
            lines.append(f"**{esc(names.get(top.outlet, top.outlet))}** leaves out the most claims that other outlets "
                         f"carry ({int(top.shared_claims_omitted)}): see the table of omissions below.")
    lines.append("How to read it with care: a claim group joins sentences that Parallax judged to say the same "
                 "thing, from their wording; it can split one claim told in very different words (a grey cell may "
                 "then be a claim told differently) or join two close ones. Check the sentences in "
                 "`tables/claims.csv` before citing a cell.")
    return "\n\n".join(lines)
