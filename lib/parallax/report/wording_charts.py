"""Charts of the wording stage (distinctive terms, naming, lexicons, reuse), registered in
``charts.CHARTS``. Same conventions as ``charts``: outlets in spec order and colours, a title
that says what the chart shows, axes with units."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from parallax.report.figures import TITLES, _empty, _figure
from parallax.thresholds import value as limit

Z_SIGNIFICANT = limit("wording.z_significant")


def distinctive_terms(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str],
                      top: int = 8) -> Figure:
    """For each outlet, the words and phrases it uses more than the others (weighted log-odds z-scores)."""
    title = TITLES["distinctive_terms"]
    terms = result["distinctive_terms"]
    keys = [k for k in outlets if k in set(terms.outlet)] if not terms.empty else []
    if not keys:
        return _empty(title, "Fewer than two outlets have text")
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.5 + 2.6 * rows), layout="constrained", squeeze=False)
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    for ax, key in zip(axes.flat, keys):
        mine = terms[(terms.outlet == key) & (terms.z > 0)].nlargest(top, "z")
        ax.barh(range(len(mine)), mine.z, color=[colors[outlets[key]] if z >= Z_SIGNIFICANT else "#BBBBBB"
                                                 for z in mine.z], height=0.65)
        ax.set_yticks(range(len(mine)), [t[:28] for t in mine.term], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(outlets[key], fontsize=10, loc="left", color=colors[outlets[key]], fontweight="bold")
        ax.axvline(Z_SIGNIFICANT, color="#666666", lw=0.8, ls=":")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel("z-score (dotted line: 1.96)", fontsize=8)
        if mine.empty:
            ax.text(0.5, 0.5, "no term stands out", ha="center", va="center", transform=ax.transAxes, fontsize=9)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    return fig


def naming(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str],
           actors: int = 6, forms: int = 4) -> Figure:
    """How each outlet names the main actors: mentions of each form (rows) by outlet (columns)."""
    title = TITLES["naming"]
    table = result["naming"]
    if table.empty:
        return _empty(title, "No actor is named by two or more outlets")
    top_actors = table.groupby("actor", sort=False)["count"].sum().sort_values(ascending=False).head(actors).index
    rows: list[tuple[str, str]] = []
    for actor in top_actors:
        mine = table[table.actor == actor].groupby("form")["count"].sum().sort_values(ascending=False).head(forms)
        rows += [(actor, form) for form in mine.index]
    keys = list(outlets)
    counts = np.zeros((len(rows), len(keys)), dtype=int)
    for r, (actor, form) in enumerate(rows):
        cell = table[(table.actor == actor) & (table.form == form)].groupby("outlet")["count"].sum()
        counts[r] = [int(cell.get(k, 0)) for k in keys]
    fig, ax = plt.subplots(figsize=(4.5 + 1.1 * len(keys), 1.4 + 0.3 * len(rows)), layout="constrained")
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    ax.set_title(f"Mentions of each form of the {len(top_actors)} most-named actors (up to {forms} forms each)",
                 fontsize=9.5, color="#444444", loc="left")
    ax.imshow(counts, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, counts.max()))
    for r in range(len(rows)):
        for c in range(len(keys)):
            v = counts[r, c]
            ax.text(c, r, str(v) if v else "·", ha="center", va="center", fontsize=8, in_layout=False,
                    color="white" if v > counts.max() * 0.6 else "black")
    previous = None
    labels = []
    for r, (actor, form) in enumerate(rows):
        labels.append(f"{actor[:24]}: {form[:42]}" if actor != previous else f"{form[:42]}")
        if actor != previous and r:
            ax.axhline(r - 0.5, color="#333333", lw=0.8)
        previous = actor
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_xticks(range(len(keys)), [outlets[k] for k in keys], rotation=30, ha="right")
    ax.set_xlabel("outlet")
    return fig


def lexicon_rates(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Hedging, intensifying and loaded terms and each class of attribution verb, per 1,000 words."""
    title = TITLES["lexicon_rates"]
    rates = result["lexicon_rates"]
    if rates.empty:
        return _empty(title, "No outlet has text")
    rates = rates.assign(group=np.where(rates.lexicon == "attribution", "attribution: " + rates.category,
                                        rates.lexicon))
    per = rates.groupby(["group", "outlet"]).per_1000.sum().unstack(fill_value=0.0)
    keys = [k for k in outlets if k in per.columns]
    groups = list(per.index)
    fig, ax = _figure(len(groups) * 1.4, title, "Hits per 1,000 words of each outlet (word lists in data/lexicons, "
                      "data/hedges.txt, data/cues.txt)")
    height = 0.8 / max(len(keys), 1)
    for i, key in enumerate(keys):
        ys = np.arange(len(groups)) + i * height
        ax.barh(ys, per.loc[groups, key], height=height * 0.95, color=colors[outlets[key]], label=outlets[key])
    ax.set_yticks(np.arange(len(groups)) + 0.4 - height / 2, groups, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("hits per 1,000 words")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return fig


def text_reuse(result: dict[str, pd.DataFrame], outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Outlet × outlet: how much of each text reappears word for word in the other; copies outlined."""
    title = TITLES["text_reuse"]
    pairs = result["similarity"]
    keys = list(outlets)
    if pairs.empty:
        return _empty(title, "Fewer than two outlets have text")
    index = {k: i for i, k in enumerate(keys)}
    grid = np.full((len(keys), len(keys)), np.nan)
    copied = set()
    for r in pairs.itertuples():
        if r.outlet_a not in index or r.outlet_b not in index:
            continue
        a, b = index[r.outlet_a], index[r.outlet_b]
        grid[a, b] = r.containment_a * 100   # row a: share of a's text found in b
        grid[b, a] = r.containment_b * 100
        if r.copied:
            copied |= {(a, b), (b, a)}
    fig, ax = plt.subplots(figsize=(max(9.0, 3.5 + 1.0 * len(keys)), 1.6 + 0.6 * len(keys)), layout="constrained")
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    ax.set_title("Share of the row outlet's 5-word sequences found in the column outlet (%); "
                 "outlined: republished copy", fontsize=9.5, color="#444444", loc="left")
    ax.imshow(np.nan_to_num(grid, nan=0.0), cmap="Oranges", vmin=0, vmax=100, aspect="auto")
    for a in range(len(keys)):
        for b in range(len(keys)):
            if a == b:
                ax.text(b, a, "—", ha="center", va="center", color="#999999", in_layout=False)
                continue
            v = grid[a, b]
            ax.text(b, a, "" if np.isnan(v) else f"{v:.0f}", ha="center", va="center", fontsize=9, in_layout=False,
                    color="white" if v > 60 else "black")
            if (a, b) in copied:
                ax.add_patch(plt.Rectangle((b - 0.48, a - 0.48), 0.96, 0.96, fill=False, edgecolor="#000000", lw=2))
    ax.set_xticks(range(len(keys)), [outlets[k] for k in keys], rotation=30, ha="right")
    ax.set_yticks(range(len(keys)), [outlets[k] for k in keys])
    ax.set_xlabel("found in")
    ax.set_ylabel("text of")
    return fig


WORDING_CHARTS = {
    "distinctive_terms": distinctive_terms,
    "naming": naming,
    "lexicon_rates": lexicon_rates,
    "text_reuse": text_reuse,
}
