"""Chart scaffolding shared by every chart module: each chart's title and the table behind it, a titled
figure, the figure that says why a chart is empty, and the one that says a story has more outlets than
a chart can show.

Importing it turns matplotlib's mathtext off: outlet names, titles and page text reach charts as
plain text ("$5 million", or a name such as ``$\\undefinedmacro$``, is drawn as written, never parsed
as TeX)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

matplotlib.rcParams["text.parse_math"] = False

#: Each chart's title (a question the chart answers) and the table in ``tables/`` that holds its data.
TITLES = {
    "reading_ease": "How easy is each version to read?",
    "grade_levels": "How many years of school does each version ask for?",
    "sentence_lengths": "How long are each version's sentences?",
    "article_length": "How long is each version?",
    "coverage_map": "Which outlet carries which claim, and how?",
    "attribution_status": "Does each outlet credit its claims or state them itself?",
    "sources_quoted": "Whom does each outlet quote?",
    "distinctive_terms": "Which words does each outlet use more than the others?",
    "naming": "How does each outlet name the same people and places?",
    "lexicon_rates": "Hedges, intensifiers, loaded words and attribution verbs",
    "text_reuse": "Which outlets share text word for word?",
}
TABLES = {
    "reading_ease": "readability.csv", "grade_levels": "readability.csv", "sentence_lengths": "articles.csv",
    "article_length": "articles.csv", "coverage_map": "claims.csv", "attribution_status": "claim_summary.csv",
    "sources_quoted": "sources.csv", "distinctive_terms": "distinctive_terms.csv", "naming": "naming.csv",
    "lexicon_rates": "lexicon_rates.csv", "text_reuse": "similarity.csv",
}


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


def not_drawn(name: str, outlets: int, most: int) -> Figure:
    """The figure that stands for chart ``name`` when a story has more ``outlets`` than the ``most`` a
    chart can show readably: it says so and names the table that has every outlet."""
    return _empty(TITLES[name], f"Not drawn: this story has {outlets} outlets, and a chart shows at most {most}.\n"
                                f"tables/{TABLES[name]} has every outlet; or split the story into smaller specs.")
