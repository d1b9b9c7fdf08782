"""Charts of the across-stories summary (``summary.outlet_summary`` and ``summary.over_time``),
chosen by name from ``SUMMARY_CHARTS``. Same conventions as ``charts``: one colour per outlet
everywhere (Okabe-Ito), outlets in a fixed order, a title that says what the chart shows, axes
with units. Here an outlet is its name: outlets are matched across stories by name."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from parallax.report import charts
from parallax.report.figures import _empty, _figure

OTHER = "#999999"  # an outlet missing from ``colors``


def _order(frame: pd.DataFrame, outlets: dict[str, str]) -> list[str]:
    """The outlets of ``frame``, in the order of ``outlets`` (any others after them)."""
    present = list(dict.fromkeys(frame.outlet.astype(str))) if not frame.empty else []
    return [o for o in outlets if o in present] + [o for o in present if o not in outlets]


def _label(outlets: dict[str, str], outlet: str) -> str:
    return outlets.get(outlet, outlet)


def omission_rates(summary: pd.DataFrame, outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Per outlet, the share of shared claims (carried by at least half of the other outlets of
    the story) that it leaves out, labelled with the counts behind it."""
    title = "How often does each outlet leave out claims the others carry?"
    names = _order(summary, outlets)
    if not names:
        return _empty(title, "No run with claims was read")
    rows = summary.set_index("outlet")
    fig, ax = _figure(len(names), title, "Share of the claims carried by at least half of the other outlets of the "
                                         "same story that the outlet leaves out")
    values = [float(rows.loc[n, "omission_rate"]) * 100 if pd.notna(rows.loc[n, "omission_rate"]) else 0.0
              for n in names]
    ax.barh(range(len(names)), values, color=[colors.get(n, OTHER) for n in names], height=0.6)
    for i, (name, value) in enumerate(zip(names, values)):
        r = rows.loc[name]
        if pd.isna(r.omission_rate):
            text = "no shared claims"
        else:
            text = f"{value:.0f}%  ({int(r.shared_omitted)} of {int(r.shared_claims)} shared claims)"
        if r.get("runs_other_language", 0) and r.runs_other_language > 0:
            text += "  (other language)"
        ax.text(value + 1, i, text, va="center", fontsize=9)
    ax.set_yticks(range(len(names)), [_label(outlets, n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 140)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("shared claims left out (%)")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    return fig


def voice_shares(summary: pd.DataFrame, outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Per outlet, the share of its claim sentences (all stories read) that credit a source,
    hedge, or state the claim in the outlet's own voice."""
    title = "Does each outlet credit its claims or state them itself, across stories?"
    said = summary[summary.claim_sentences.fillna(0) > 0] if not summary.empty else summary
    names = _order(said, outlets)
    if not names:
        return _empty(title, "No claim sentences were found")
    rows = said.set_index("outlet")
    fig, ax = _figure(len(names), title, "Share of the sentences that carry a claim, by how the outlet voices them "
                                         "(n = sentences)")
    left = np.zeros(len(names))
    for status in ("attributed", "hedged", "asserted"):
        shares = np.array([float(rows.loc[n, f"share_{status}"]) * 100 for n in names])
        ax.barh(range(len(names)), shares, left=left, color=charts.STATUS_COLORS[status], height=0.6,
                label=charts.STATUS_LABELS[status], edgecolor="white")
        for i, (x, w) in enumerate(zip(left, shares)):
            if w >= 8:
                ax.text(x + w / 2, i, f"{w:.0f}%", ha="center", va="center", fontsize=8,
                        color="white" if status != "hedged" else "black")
        left += shares
    for i, name in enumerate(names):
        ax.text(101, i, f"n = {int(rows.loc[name, 'claim_sentences'])}", va="center", fontsize=8, color="#444444")
    ax.set_yticks(range(len(names)), [_label(outlets, n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("share of claim sentences (%)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return fig


def sources_named_anonymous(summary: pd.DataFrame, outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Per outlet, claim sentences crediting a named source (solid) and an anonymous one
    (hatched), labelled with the anonymous share of all credited sentences."""
    title = "Does each outlet name its sources?"
    credited = summary[summary.credited_sentences.fillna(0) > 0] if not summary.empty else summary
    names = _order(credited, outlets)
    if not names:
        return _empty(title, "No outlet credits a claim to a source")
    rows = credited.set_index("outlet")
    fig, ax = _figure(len(names) * 1.3, title, "Claim sentences crediting a named person (solid) or an anonymous "
                                               "source (hatched)")
    y = np.arange(len(names))
    named = np.array([int(rows.loc[n, "named_sources"]) for n in names])
    anonymous = np.array([int(rows.loc[n, "anonymous_sources"]) for n in names])
    cols = [colors.get(n, OTHER) for n in names]
    ax.barh(y - 0.19, named, height=0.36, color=cols, edgecolor=cols)
    ax.barh(y + 0.19, anonymous, height=0.36, color="white", edgecolor=cols, hatch="////", lw=1.2)
    top = max(int(named.max()), int(anonymous.max()), 1)
    for i, name in enumerate(names):
        ax.text(named[i] + top * 0.01, i - 0.19, str(named[i]), va="center", fontsize=8)
        ax.text(anonymous[i] + top * 0.01, i + 0.19, str(anonymous[i]), va="center", fontsize=8)
        share = rows.loc[name, "share_anonymous"]
        ax.text(top * 1.12, i, f"{share:.0%} of credited\nare anonymous", va="center", fontsize=8.5, color="#444444")
    ax.set_yticks(y, [_label(outlets, n) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel("claim sentences crediting the source (count)")
    ax.legend(handles=[Patch(facecolor="#777777", edgecolor="#777777", label="named source"),
                       Patch(facecolor="white", edgecolor="#777777", hatch="////", label="anonymous source")],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return fig


def over_time(frame: pd.DataFrame, outlets: dict[str, str], colors: dict[str, str]) -> Figure:
    """Per outlet, the share of claim sentences stated in its own voice and the share of shared
    claims it leaves out, run by run (a line per outlet; a lone run is a point)."""
    title = "How does each outlet's coverage change from run to run?"
    data = frame[frame.run_time.astype(str) != ""] if not frame.empty else frame
    names = _order(data, outlets)
    if not names:
        return _empty(title, "No run was read (or none has a time)")
    data = data.assign(when=pd.to_datetime(data.run_time, utc=True, errors="coerce")).dropna(subset=["when"])
    fig, axes = plt.subplots(2, 1, figsize=(9, 6.2), sharex=True, layout="constrained")
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    panels = (("share_asserted", "own voice (%)", "Claim sentences the outlet states in its own voice "
                                                   "(each point is one run of a story)"),
              ("omission_rate", "left out (%)", "Shared claims the outlet leaves out"))
    for ax, (column, label, subtitle) in zip(axes, panels):
        for name in names:
            mine = data[data.outlet == name].sort_values("when").dropna(subset=[column])
            ax.plot(mine.when, mine[column] * 100, marker="o", ms=5, lw=1.6, color=colors.get(name, OTHER),
                    label=_label(outlets, name))
        ax.set_ylabel(label, fontsize=9)
        ax.set_title(subtitle, fontsize=9.5, color="#444444", loc="left")
        ax.set_ylim(-3, 103)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#dddddd", lw=0.6)
    locator = mdates.AutoDateLocator()
    axes[1].xaxis.set_major_locator(locator)
    axes[1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if data.when.nunique() == 1:  # one moment: give the axis some width around it
        moment = data.when.iloc[0]
        axes[1].set_xlim(moment - pd.Timedelta(hours=12), moment + pd.Timedelta(hours=12))
    axes[1].set_xlabel("run time (UTC)")
    axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False, title="outlet",
                   title_fontsize=8)
    return fig


ChartMaker = Callable[[pd.DataFrame, dict[str, str], dict[str, str]], Figure]
SUMMARY_CHARTS: dict[str, ChartMaker] = {
    "omission_rates": omission_rates,
    "voice_shares": voice_shares,
    "sources_named_anonymous": sources_named_anonymous,
    "over_time": over_time,
}


def make_charts(names: Sequence[str], data: pd.DataFrame, order: Sequence[str], folder: str | Path) -> dict[str, Path]:
    """Draw the named charts of ``SUMMARY_CHARTS`` from ``data``, outlets in ``order`` with their
    fixed colours, and save each as ``folder/charts/<name>.png`` and ``.svg``; return the PNGs by name."""
    outlets = {name: name for name in order}
    colors = charts.outlet_colors(list(order))
    saved: dict[str, Path] = {}
    for name in names:
        png, _ = charts.save_chart(SUMMARY_CHARTS[name](data, outlets, colors), Path(folder), name)
        saved[name] = png
    return saved
