"""Charts: one function per chart, chosen by name from ``CHARTS``.

Every chart shows outlets in spec order, each outlet in the same colour
everywhere (Okabe-Ito, a colour-blind-safe palette), with a title that says
what it shows and axes with units. ``save_chart`` writes PNG (150 dpi) and SVG.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.collections import PatchCollection
from matplotlib.patches import Patch, Rectangle

from parallax.compare.coverage import coverage_matrix
from parallax.report.figures import TITLES, _empty, _figure
from parallax.report.render import FALLBACK_FONTS, save_figure, say_missing_glyphs, use_fallback_fonts  # noqa: F401
from parallax.extract.extractors import Article
from parallax.outlet.readability import MEASURE_BY_NAME
from parallax.parse.segment import sentences
from parallax.parse.words import words

# Okabe & Ito (2008), yellow last; then Paul Tol's muted scheme for more than 7 outlets.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]
GRADE_MEASURES = ("flesch_kincaid_grade", "gunning_fog", "smog_index", "coleman_liau_index",
                  "automated_readability_index")
EASE_BANDS = ((0, 30, "very hard"), (30, 50, "hard"), (50, 60, "fairly hard"), (60, 70, "plain"),
              (70, 80, "fairly easy"), (80, 100, "easy"))


def outlet_colors(names: list[str]) -> dict[str, str]:
    """A fixed colour for each outlet, by its place in the spec."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def reading_ease(tidy: pd.DataFrame, outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Flesch reading ease per outlet, with the usual bands (higher is easier)."""
    order = list(outlets.values())
    title = TITLES["reading_ease"]
    data = tidy[(tidy.measure == "flesch_reading_ease") & tidy.value.notna()].set_index("name")
    names = [n for n in order if n in data.index]
    if not names:
        return _empty(title, "Flesch reading ease does not apply to any outlet's language")
    fig, ax = _figure(len(names), title, "Flesch reading ease, 0-100: higher means shorter sentences and shorter words")
    for low, high, label in EASE_BANDS:
        ax.axvspan(low, high, color="#000000", alpha=0.03 if (low // 10) % 2 else 0.07, lw=0)
        ax.text((low + high) / 2, -0.7, label, ha="center", va="bottom", fontsize=8, color="#555555")
    y = np.arange(len(names))
    values = [float(data.loc[n, "value"]) for n in names]
    ax.barh(y, values, color=[colors[n] for n in names], height=0.6)
    for yi, value, name in zip(y, values, names):
        lang = data.loc[name, "language"]
        suffix = "" if str(lang).startswith("en") else f"  ({lang} constants)"
        ax.text(max(value, 0) + 1, yi, f"{value:.0f}{suffix}", va="center", fontsize=9)
    ax.set_yticks(y, names)
    ax.set_ylim(len(names) - 0.4, -0.9)
    ax.set_xlim(min(0, min(values) - 8), max(100, max(values) + 8))  # scores can fall outside 0-100
    if min(values) < 0:
        ax.axvline(0, color="#444444", lw=0.8)
    ax.set_xlabel("Flesch reading ease (score, 0 = very hard, 100 = very easy)")
    return fig


def grade_levels(tidy: pd.DataFrame, outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """US school grade by five formulas, outlets side by side (English outlets only)."""
    order = list(outlets.values())
    title = TITLES["grade_levels"]
    data = tidy[tidy.measure.isin(GRADE_MEASURES) & tidy.value.notna()]
    names = [n for n in order if n in set(data.name)]
    if not names:
        return _empty(title, "The grade-level formulas are made for English; no outlet is in English")
    skipped = [n for n in order if n in set(tidy.name) and n not in names]
    subtitle = "US school grade by each formula (lower is easier)"
    if skipped:
        subtitle += f"; not shown (formulas made for English): {', '.join(skipped)}"
    fig, ax = _figure(len(GRADE_MEASURES) * 1.6, title, subtitle)
    height = 0.8 / len(names)
    y = np.arange(len(GRADE_MEASURES))
    for i, name in enumerate(names):
        rows = data[data.name == name].set_index("measure")
        values = [float(rows.loc[m, "value"]) if m in rows.index else np.nan for m in GRADE_MEASURES]
        ax.barh(y - 0.4 + height * (i + 0.5), values, height=height * 0.92, color=colors[name], label=name)
    ax.set_yticks(y, [MEASURE_BY_NAME[m].label for m in GRADE_MEASURES])
    ax.invert_yaxis()
    ax.set_xlabel("US school grade (years of schooling)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False, title="outlet", title_fontsize=8)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return fig


def _with_text(articles: list[Article], order: list[str]) -> dict[str, Article]:
    """The articles that have text, by name, in chart order."""
    by_name = {a.name: a for a in articles if a.ok}
    return {n: by_name[n] for n in order if n in by_name}


def sentence_lengths(articles: list[Article], outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Distribution of sentence length per outlet (box: middle half; line: median)."""
    title = TITLES["sentence_lengths"]
    by_name = _with_text(articles, list(outlets.values()))
    if not by_name:
        return _empty(title, "No outlet has text")
    names = list(by_name)
    lengths = [[len(words(s.text, by_name[n].language)) for s in sentences(by_name[n].paragraphs, by_name[n].language)] for n in names]
    fig, ax = _figure(len(names), title, "Each dot is a sentence; the box holds the middle half, the line is the median")
    box = ax.boxplot(lengths, vert=False, positions=range(len(names)), widths=0.55, patch_artist=True,
                     showfliers=False, medianprops={"color": "black"})
    rng = np.random.default_rng(0)
    for i, (name, values) in enumerate(zip(names, lengths)):
        box["boxes"][i].set(facecolor=colors[name], alpha=0.35, edgecolor=colors[name])
        ax.scatter(values, i + rng.uniform(-0.18, 0.18, len(values)), s=9, color=colors[name], alpha=0.8, zorder=3)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("sentence length (words)")
    ax.set_xlim(left=0)
    return fig


def article_length(articles: list[Article], outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Words in each outlet's article body."""
    title = TITLES["article_length"]
    by_name = _with_text(articles, list(outlets.values()))
    if not by_name:
        return _empty(title, "No outlet has text")
    names = list(by_name)
    fig, ax = _figure(len(names), title, "Words in the article body, after removing page furniture and repeats")
    values = [by_name[n].words for n in names]
    ax.barh(range(len(names)), values, color=[colors[n] for n in names], height=0.6)
    for i, value in enumerate(values):
        ax.text(value, i, f" {value:,}", va="center", fontsize=9)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("article length (words)")
    ax.set_xlim(0, max(values) * 1.15)
    return fig


STATUS_COLORS = {"attributed": "#0072B2", "hedged": "#F0E442", "asserted": "#D55E00", "omitted": "#EEEEEE",
                 "possibly carried": "#BBBBBB"}
STATUS_LABELS = {"attributed": "attributed (credits a source)", "hedged": "hedged (own voice, qualified)",
                 "asserted": "asserted (outlet's own voice)", "omitted": "omitted",
                 "possibly carried": "possibly carried (a near match: check the sentence)"}
MAX_MAP_ROWS = 200   # beyond this the map cannot be read; the table has every claim


def _legend(ax: plt.Axes, statuses: Sequence[str]) -> None:
    handles = [Patch(facecolor=STATUS_COLORS[s], edgecolor="#999999", label=STATUS_LABELS[s]) for s in statuses]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)


def _shorten(text: str, width: int) -> str:
    """``text`` cut at a word to ``width`` characters at most, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[:width - 1].rsplit(" ", 1)[0].rstrip(" ,;:…")
    return (cut or text[:width - 1]) + "…"


def coverage_map(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str],
                 max_claims: int = MAX_MAP_ROWS, min_outlets: int = 2) -> Figure:
    """Claims (rows) × outlets (columns), coloured by how the outlet carries the claim, each cell with the
    match score of its evidence; L marks the lede. Every claim that ``min_outlets`` or more outlets carry
    is shown (up to ``max_claims`` rows, said in the subtitle); the claims one outlet alone carries are
    counted per outlet under the map."""
    title = TITLES["coverage_map"]
    claims = result["claims"]
    matrix = coverage_matrix(claims, list(outlets), min_outlets)
    singles = claims[(claims.outlets_carrying == 1) & (claims.status != "omitted")].drop_duplicates("claim_id")
    single_note = ("Claims only one outlet carries: " + ", ".join(
        f"{outlets.get(o, o)} {n}" for o, n in singles.outlet.value_counts().reindex(list(outlets)).dropna().astype(int).items())
        + " (see exclusive_claims.csv)") if len(singles) else \
        "No claim is carried by one outlet alone"
    if matrix.empty:
        return _empty(title, f"No claim is carried by {min_outlets} or more outlets. {single_note}")
    total = len(matrix)
    matrix = matrix.head(max_claims)
    scores = coverage_matrix(claims, list(outlets), min_outlets, value="score").reindex(index=matrix.index,
                                                                                           columns=matrix.columns)
    labels = claims.drop_duplicates("claim_id").set_index("claim_id").label
    lede = set(map(tuple, claims[claims.lede][["claim_id", "outlet"]].values))
    # wide enough for the subtitle, which starts where the claim labels end, even with two outlets
    # tall enough for the legend and the slanted outlet names even with one claim
    fig, ax = plt.subplots(figsize=(max(11.5, 3.2 + 1.25 * len(matrix.columns) + 3), max(3.4, 1.4 + 0.32 * len(matrix))),
                           layout="constrained")
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    shown = f"all {total}" if total <= len(matrix) else f"the first {len(matrix)} of {total}: see claims.csv for the rest"
    ax.set_title(f"Claims carried by {min_outlets} or more outlets ({shown}); L = in the outlet's first paragraph;\n"
                 f"numbers: match score of the evidence behind the cell\n{textwrap.fill(single_note, 110)}",
                 fontsize=9.5, color="#444444", loc="left")
    statuses, score_values = matrix.to_numpy(dtype=object), scores.to_numpy(dtype=float)
    cells: dict[bool, list[Rectangle]] = {False: [], True: []}   # by hatched
    for r, claim in enumerate(matrix.index):
        for c, outlet in enumerate(matrix.columns):
            status = statuses[r, c] if isinstance(statuses[r, c], str) else "omitted"
            dark = status in ("attributed", "asserted")
            cells[status == "possibly carried"].append(Rectangle((c, r), 0.94, 0.9, facecolor=STATUS_COLORS[status]))
            mark = "L " if (claim, outlet) in lede and status not in ("omitted", "possibly carried") else ""
            score = score_values[r, c]
            text = mark + (f"{score:.2f}" if pd.notna(score) else "")
            if text:   # in_layout=False: inside its cell, the layout need not measure it (same layout, less work)
                ax.text(c + 0.47, r + 0.47, text, ha="center", va="center", fontsize=7, in_layout=False,
                        fontweight="bold" if mark else "normal", color="white" if dark else "black")
    for hatched, patches in cells.items():   # one collection each: 0.15 s less than a patch per cell
        if patches:
            ax.add_collection(PatchCollection(patches, match_original=True, edgecolor="white",
                                              hatch="///" if hatched else None))
    ax.set_xlim(0, len(matrix.columns))
    ax.set_ylim(len(matrix), 0)
    ax.set_xticks([c + 0.47 for c in range(len(matrix.columns))], [outlets[o] for o in matrix.columns],
                  rotation=30, ha="right")
    ax.set_yticks([r + 0.45 for r in range(len(matrix))], [f"{cid}  {_shorten(labels[cid], 62)}" for cid in matrix.index],
                  fontsize=8.5)
    ax.xaxis.set_ticks_position("top")
    plt.setp(ax.get_xticklabels(), ha="left", rotation=30)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _legend(ax, ["attributed", "hedged", "asserted", "possibly carried", "omitted"])
    return fig


def attribution_status(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Share of each outlet's claim sentences that it attributes, hedges or asserts."""
    title = TITLES["attribution_status"]
    claims = result["claims"]
    said = claims[claims.status != "omitted"].drop_duplicates(["outlet", "sentence"])
    keys = [k for k in outlets if k in set(said.outlet)]
    if not keys:
        return _empty(title, "No claims found")
    fig, ax = _figure(len(keys), title, "Share of the sentences that carry a claim, by how the outlet voices them")
    left = np.zeros(len(keys))
    for status in ("attributed", "hedged", "asserted"):
        shares = np.array([(said[said.outlet == k].status == status).mean() * 100 for k in keys])
        ax.barh(range(len(keys)), shares, left=left, color=STATUS_COLORS[status], height=0.6,
                label=STATUS_LABELS[status], edgecolor="white")
        for i, (x, w) in enumerate(zip(left, shares)):
            if w >= 8:
                ax.text(x + w / 2, i, f"{w:.0f}%", ha="center", va="center", fontsize=8,
                        color="white" if status != "hedged" else "black")
        left += shares
    ax.set_yticks(range(len(keys)), [outlets[k] for k in keys])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of claim sentences (%)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return fig


def sources_quoted(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str],
                   top: int = 12) -> Figure:
    """Who each outlet quotes: sentences crediting each of the most-quoted sources."""
    title = TITLES["sources_quoted"]
    sources = result["sources"]
    if sources.empty:
        return _empty(title, "No outlet credits a source")
    totals = sources.groupby("source").sentences.sum().sort_values(ascending=False).head(top)
    table = (sources.pivot_table(index="source", columns="outlet", values="sentences", aggfunc="sum", fill_value=0)
             .reindex(index=totals.index, columns=[k for k in outlets], fill_value=0))
    fig, ax = plt.subplots(figsize=(3.5 + 1.1 * len(table.columns), 1.3 + 0.38 * len(table)), layout="constrained")
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    ax.set_title(f"Sentences crediting each source (the {len(table)} most quoted)", fontsize=9.5, color="#444444", loc="left")
    ax.imshow(table.values, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, table.values.max()))
    for r in range(len(table)):
        for c in range(len(table.columns)):
            v = table.values[r, c]
            ax.text(c, r, str(v) if v else "·", ha="center", va="center", fontsize=8, in_layout=False,
                    color="white" if v > table.values.max() * 0.6 else "black")
    ax.set_xticks(range(len(table.columns)), [outlets[k] for k in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(table)), [s[:40] for s in table.index], fontsize=8)
    ax.set_xlabel("outlet")
    ax.set_ylabel("source (as credited, pronouns resolved)")
    return fig


ChartMaker = Callable[..., Figure]
CHARTS: dict[str, ChartMaker] = {
    "reading_ease": reading_ease,
    "grade_levels": grade_levels,
    "sentence_lengths": sentence_lengths,
    "article_length": article_length,
    "coverage_map": coverage_map,
    "attribution_status": attribution_status,
    "sources_quoted": sources_quoted,
}

from parallax.report.wording_charts import WORDING_CHARTS  # noqa: E402 (those charts use the helpers above)

CHARTS |= WORDING_CHARTS


def save_chart(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``charts/<name>.png`` (150 dpi) and ``charts/<name>.svg``; return both paths.

    Characters that no installed font has are drawn as boxes; that is said once, as a log
    warning naming the fix, instead of one matplotlib warning per character."""
    paths, missing = save_figure(fig, folder, name)
    say_missing_glyphs(missing)
    return paths


use_fallback_fonts()
