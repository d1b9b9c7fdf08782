"""Plain-language readings of tables and charts, as Markdown for the report."""

from __future__ import annotations

import html

import pandas as pd

from parallax.extract.extractors import Article


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
                     f"(Flesch reading ease {easy.value:.0f}) and **{esc(hard['name'])}** the hardest ({hard.value:.0f}). "
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
             "mean the outlet does not carry it, hatched cells that it has a sentence close to it (possibly "
             "carried: read it before calling it an omission). The number in a cell is the match score of the "
             "evidence behind it."]
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
    singles = claims[(claims.outlets_carrying == 1) & (claims.status != "omitted")].claim_id.nunique()
    if singles:
        lines.append(f"**{singles}** claims are carried by one outlet alone; each is listed below with the nearest "
                     "sentence of another outlet and its score.")
    lines.append("How to read it with care: a claim group joins claim units that a model trained on paraphrase "
                 "pairs and hand-linked real articles judged to say the same thing; on real articles it still "
                 "splits many claims told in very different words (a grey cell may then be a claim told "
                 "differently) and can join two close ones. Check the sentences in `tables/claims.csv` before "
                 "citing a cell.")
    return "\n\n".join(lines)


# ---------------------------------------------------------------- wording

def _name(names: dict[str, str], key: str) -> str:
    return esc(names.get(key, key))


def headlines_reading(frame: pd.DataFrame) -> str:
    """Which headlines and ledes are (nearly) the same, and which stand apart."""
    if len(frame) < 2:
        return "Fewer than two outlets have text, so there is nothing to compare."
    same = frame[frame.lede_similarity >= 0.8]
    apart = frame.sort_values("lede_similarity").iloc[0]
    lines = []
    if not same.empty:
        lines.append(f"{_names([esc(n) for n in same.name])} open with nearly the same first paragraph "
                     "(80% or more of the words in the same order as another outlet's): a sign of shared wire copy.")
    lines.append(f"**{esc(apart['name'])}** opens most differently from the others. **Ask** what each outlet puts "
                 "first: the accusation, the denial, or something else. A headline is where an outlet's framing is "
                 "most visible, and many readers see nothing else.")
    return "\n\n".join(lines)


def diffs_reading(diffs: pd.DataFrame, subs: pd.DataFrame, names: dict[str, str]) -> str:
    """The word choices that change most often between versions of the same claims."""
    if diffs.empty:
        return "No claim is carried by two or more outlets, so no wording can be compared."
    lines = ["Each table shows one claim: the reference version (the one closest to all the others) and each "
             "outlet's version, with the words it adds highlighted and, below, the reference's words it drops struck "
             "through. The full list is `tables/wording_diffs.csv`."]
    short = subs.head(6)
    if not short.empty:
        items = [f"\"{esc(r.before)}\" → \"{esc(r.after)}\" ({_name(names, r.outlet)})" for r in short.itertuples()]
        lines.append("Word swaps between versions of the same claim, most frequent first: " + "; ".join(items) + ".")
    lines.append("**Look at** swaps of attribution verbs (\"said\" → \"claimed\"), added hedges (\"alleged\") and "
                 "labels (\"regime\"): small edits that change what a reader takes as fact.")
    return "\n\n".join(lines)


def terms_reading(terms: pd.DataFrame, names: dict[str, str], top: int = 3) -> str:
    """The most distinctive terms of each outlet, in a sentence."""
    if terms.empty:
        return "Fewer than two outlets have text, so no term can stand out."
    lines = []
    for outlet, mine in terms[terms.z >= 1.96].groupby("outlet", sort=False):
        best = mine.nlargest(top, "z")
        lines.append(f"- **{_name(names, outlet)}**: " + ", ".join(f"\"{esc(t)}\"" for t in best.term))
    if not lines:
        return ("No word or phrase stands out for any outlet (no z-score above 1.96): the outlets use much the same "
                "vocabulary.")
    return ("Words and phrases each outlet uses distinctly more than the others together (z-score above 1.96; "
            "weighted log-odds with an informative prior, Monroe, Colaresi and Quinn 2008):\n\n" + "\n".join(lines)
            + "\n\nA distinctive word is a lead, not a verdict: check in `tables/lexicon_hits.csv` or the article "
            "how it is used. With short articles, a word used twice can stand out.")


def naming_reading(naming: pd.DataFrame, names: dict[str, str]) -> str:
    """Actors that outlets name differently."""
    if naming.empty:
        return "No actor is named by two or more outlets."
    lines = []
    for actor, rows in naming.groupby("actor", sort=False):
        main = rows.sort_values("count", ascending=False).drop_duplicates("outlet")
        if main.form.nunique() < 2:
            continue
        parts = [f"{_name(names, r.outlet)} \"{esc(r.form)}\"" for r in main.itertuples()]
        lines.append(f"- **{esc(actor)}**: " + "; ".join(parts))
        if len(lines) == 5:
            break
    if not lines:
        return "Every outlet names the main actors the same way."
    return ("The form each outlet uses most for an actor, where the outlets differ (spellings such as "
            "Zelenskiy / Zelensky / Zelenskyy count as one actor):\n\n" + "\n".join(lines)
            + "\n\n**Look at** titles (\"President\", \"Mr\") and labels (\"regime\"): they carry a judgment.")


def lexicon_reading(rates: pd.DataFrame, names: dict[str, str]) -> str:
    """Who hedges, intensifies, uses loaded words and distancing verbs most."""
    if rates.empty:
        return "No outlet has text."
    lines = []
    for lexicon, what in (("hedging", "hedges most"), ("intensifiers", "intensifies most"),
                          ("loaded", "uses the most loaded words")):
        mine = rates[rates.lexicon == lexicon].groupby("outlet").per_1000.sum()
        if not mine.empty and mine.max() > 0:
            lines.append(f"**{_name(names, mine.idxmax())}** {what} ({mine.max():.1f} per 1,000 words).")
    verbs = rates[(rates.lexicon == "attribution") & (rates.category == "distancing")].groupby("outlet").per_1000.sum()
    if not verbs.empty and verbs.max() > 0:
        lines.append(f"**{_name(names, verbs.idxmax())}** uses distancing attribution verbs (\"claimed\", "
                     f"\"alleged\") most ({verbs.max():.1f} per 1,000 words).")
    lines.append("Every hit is listed with its sentence in `tables/lexicon_hits.csv`; the word lists are plain files "
                 "you can edit or replace (`lexicons:` in the spec, or `--lexicon NAME=FILE`). A list match ignores "
                 "context: \"regime\" in a quotation counts as much as in the outlet's own voice.")
    return "\n\n".join(lines)


def reuse_reading(similarity: pd.DataFrame, changes: pd.DataFrame, names: dict[str, str]) -> str:
    """Which outlet republishes whose text, and what the copy changed."""
    if similarity.empty:
        return "Fewer than two outlets have text."
    copies = similarity[similarity.copied]
    if copies.empty:
        return ("No outlet republishes another's text: the versions share facts and quotations but are written "
                "separately.")
    lines = []
    for r in copies.itertuples():
        copy, _, original = str(r.direction).partition(" copies ")
        if original:
            lines.append(f"**{_name(names, copy)}** republishes **{_name(names, original)}**'s text: "
                         f"{r.containment_a if copy == r.outlet_a else r.containment_b:.0%} of its 5-word sequences "
                         f"are in the original, in {int(r.shared_passages)} shared passages.")
        else:
            lines.append(f"**{_name(names, r.outlet_a)}** and **{_name(names, r.outlet_b)}** share "
                         f"{int(r.shared_words)} words in {int(r.shared_passages)} passages; which copies which "
                         "is unclear.")
    if not changes.empty:
        lines.append(f"The copy differs in {len(changes)} places, listed below and in `tables/copy_changes.csv`: "
                     "look for changed attribution verbs, dropped sentences and a new headline.")
    return "\n\n".join(lines)


def revisions_reading(frame: pd.DataFrame, names: dict[str, str], previous_run: str) -> str:
    """What changed since the previous run, outlet by outlet."""
    if not previous_run:
        return "This is the first run of the story here (or no earlier complete run was given), so there is nothing to compare with."
    if frame.empty:
        return f"No outlet's page changed since the previous run (`{esc(previous_run)}`)."
    lines = [f"Changes since the previous run (`{esc(previous_run)}`), where a page changed:"]
    for outlet, rows in frame.groupby("outlet", sort=False):
        counts = rows.change.value_counts()
        parts = []
        if "headline" in counts:
            new = rows[rows.change == "headline"].iloc[0]
            parts.append(f"a new headline (\"{esc(new.before)}\" → \"{esc(new.after)}\")")
        for change, word in (("added", "added"), ("removed", "removed"), ("changed", "changed")):
            if change in counts:
                parts.append(f"{counts[change]} paragraph{'s' if counts[change] > 1 else ''} {word}")
        if list(counts.index) == ["markup"]:
            parts.append("the page changed, but not its headline or text")
        lines.append(f"- **{_name(names, outlet)}**: " + ", ".join(parts))
    lines.append("A correction often shows as one changed paragraph; read the before and after below.")
    return "\n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:-1]) + "\n\n" + lines[-1]
