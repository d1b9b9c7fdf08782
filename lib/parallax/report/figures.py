"""Chart scaffolding shared by every chart module: a titled figure, and the figure that says why a
chart is empty.

Importing it turns matplotlib's mathtext off: outlet names, titles and page text reach charts as
plain text ("$5 million", or a name such as ``$\\undefinedmacro$``, is drawn as written, never parsed
as TeX)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

matplotlib.rcParams["text.parse_math"] = False


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
