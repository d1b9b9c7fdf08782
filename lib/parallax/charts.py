"""Charts: one function per chart, chosen by name from ``CHARTS``.

Every chart shows outlets in spec order, each outlet in the same colour
everywhere (Okabe-Ito, a colour-blind-safe palette), with a title that says
what it shows and axes with units. ``save_chart`` writes PNG (150 dpi) and SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .extract import Article
from .readability import MEASURE_BY_NAME
from .segment import sentences, words

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


def _figure(rows: int, title: str, subtitle: str = "") -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * max(rows, 2)), layout="constrained")
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    if subtitle:
        ax.set_title(subtitle, fontsize=9.5, color="#444444", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _empty(title: str, why: str) -> Figure:
    fig, ax = _figure(2, title)
    ax.axis("off")
    ax.text(0.5, 0.5, why, ha="center", va="center", fontsize=11, color="#444444", transform=ax.transAxes)
    return fig


def reading_ease(tidy: pd.DataFrame, order: list[str], colors: dict[str, str]) -> Figure:
    """Flesch reading ease per outlet, with the usual bands (higher is easier)."""
    title = "How easy is each version to read?"
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


def grade_levels(tidy: pd.DataFrame, order: list[str], colors: dict[str, str]) -> Figure:
    """US school grade by five formulas, outlets side by side (English outlets only)."""
    title = "How many years of school does each version ask for?"
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


def sentence_lengths(articles: list[Article], order: list[str], colors: dict[str, str]) -> Figure:
    """Distribution of sentence length per outlet (box: middle half; line: median)."""
    title = "How long are each version's sentences?"
    by_name = _with_text(articles, order)
    if not by_name:
        return _empty(title, "No outlet has text")
    names = list(by_name)
    lengths = [[len(words(s.text)) for s in sentences(by_name[n].paragraphs, by_name[n].language)] for n in names]
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


def article_length(articles: list[Article], order: list[str], colors: dict[str, str]) -> Figure:
    """Words in each outlet's article body."""
    title = "How long is each version?"
    by_name = _with_text(articles, order)
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


ChartMaker = Callable[..., Figure]
CHARTS: dict[str, ChartMaker] = {
    "reading_ease": reading_ease,
    "grade_levels": grade_levels,
    "sentence_lengths": sentence_lengths,
    "article_length": article_length,
}


def save_chart(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``charts/<name>.png`` (150 dpi) and ``charts/<name>.svg``; return both paths."""
    target = Path(folder) / "charts"
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{name}.png", target / f"{name}.svg"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    plt.close(fig)  # shown by the report with display(), not again at the end of the cell
    return paths
