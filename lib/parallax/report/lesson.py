"""The classroom lesson: a "guess the outlet" exercise, and the HTML style for a projector.

The lesson notebook (``notebooks/lesson_compare_coverage.ipynb``) runs the same stages as the
report; this module adds what only the lesson needs. The exercise shuffles the outlets'
headlines (lettered A, B, C...) and ledes (numbered 1, 2, 3...) with a seed taken from the story
id, so the student sheet and the answer key of one story always match; the key is shown only
when the notebook runs with ``answers=True``.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from parallax.extract.extractors import Article

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Exercise:
    """Headlines and ledes in shuffled order, and which outlet wrote each."""

    headlines: tuple[tuple[str, str], ...]   # (letter, headline)
    ledes: tuple[tuple[str, str], ...]       # (number, first paragraph)
    outlets: tuple[str, ...]                 # outlet names, in spec order (the choices)
    key: pd.DataFrame                        # letter / number -> outlet


def _seed(story: str) -> int:
    return int.from_bytes(hashlib.sha256(story.encode("utf-8")).digest()[:8], "big")


def guess_the_outlet(articles: Sequence[Article], story: str, max_lede_words: int = 70) -> Exercise:
    """The exercise for the outlets that have text: the same shuffle every time for one story."""
    ok = [a for a in articles if a.ok]
    rng = random.Random(_seed(story))
    by_headline = ok[:]
    rng.shuffle(by_headline)
    by_lede = ok[:]
    rng.shuffle(by_lede)
    hide = _masker([a.name for a in articles])
    headlines = tuple((LETTERS[i], hide(a.title or "(no headline)")) for i, a in enumerate(by_headline))
    ledes = tuple((str(i + 1), hide(_cut(a.paragraphs[0] if a.paragraphs else "", max_lede_words)))
                  for i, a in enumerate(by_lede))
    key = pd.DataFrame(
        [{"item": f"headline {LETTERS[i]}", "outlet": a.name} for i, a in enumerate(by_headline)]
        + [{"item": f"lede {i + 1}", "outlet": a.name} for i, a in enumerate(by_lede)])
    return Exercise(headlines, ledes, tuple(a.name for a in ok), key)


def _masker(names: Sequence[str]) -> Callable[[str], str]:
    """Replaces any outlet's name (with or without a leading "The") by "[outlet]": a dateline such
    as "(Meridian Wire)" would give the answer away."""
    forms = sorted({f for n in names for f in (n, re.sub(r"^the\s+", "", n, flags=re.I)) if len(f) >= 3},
                   key=len, reverse=True)
    if not forms:
        return lambda text: text
    pattern = re.compile(r"\b(?:the\s+)?(?:" + "|".join(map(re.escape, forms)) + r")\b", re.IGNORECASE)
    return lambda text: pattern.sub("[outlet]", text)


def _cut(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


def exercise_html(exercise: Exercise) -> str:
    """The student sheet: headlines, ledes and the outlets to match them with (escaped)."""
    heads = "".join(f"<li><b>{h}</b>: {html.escape(t)}</li>" for h, t in exercise.headlines)
    ledes = "".join(f"<li><b>{n}</b>: {html.escape(t)}</li>" for n, t in exercise.ledes)
    outlets = ", ".join(f"<b>{html.escape(o)}</b>" for o in exercise.outlets)
    return (f'<div class="px-lesson"><p>The outlets: {outlets}.</p>'
            f"<h4>Headlines</h4><ul class=\"px-plain\">{heads}</ul>"
            f"<h4>First paragraphs</h4><ul class=\"px-plain\">{ledes}</ul></div>")


#: Larger type and wider lines for a classroom projector; code is hidden by the exporter.
PROJECTOR_CSS = """
<style>
body, .jp-Notebook, .jp-RenderedHTMLCommon { font-size: 21px !important; line-height: 1.55 !important; }
.jp-RenderedHTMLCommon h1 { font-size: 2.0em !important; }
.jp-RenderedHTMLCommon h2 { font-size: 1.55em !important; margin-top: 1.6em !important;
  border-bottom: 3px solid #0072B2; padding-bottom: 0.2em; }
.jp-RenderedHTMLCommon h3, .jp-RenderedHTMLCommon h4 { font-size: 1.25em !important; }
.jp-RenderedHTMLCommon blockquote { border-left: 6px solid #E69F00; background: #FFF6E5; padding: 0.6em 1em;
  color: #222; }
.jp-RenderedHTMLCommon table { font-size: 0.85em !important; }
.jp-OutputArea-output img { max-width: 100% !important; height: auto; }
.jp-Cell { max-width: 1200px; margin: 0 auto; }
ul.px-plain li { margin: 0.45em 0; }
</style>
"""


def story_intro(title: str, articles: Sequence[Article], answers: bool = False) -> str:
    """Markdown: the story and the outlets the class compares."""
    from parallax.report.narrate import esc

    ok = [a for a in articles if a.ok]
    names = ", ".join(f"**{esc(a.name)}**" for a in ok)
    lines = [f"## Today's story: {esc(title)}", f"You will compare **{len(ok)} versions** of this story, from {names}."]
    missing = [a for a in articles if not a.ok]
    if missing:
        lines.append("Some pages could not be read and are left out: "
                     + ", ".join(esc(a.name) for a in missing) + ".")
    if answers:
        lines.append("**This is the answer key**: it shows the solution of the exercise and suggested answers. "
                     "Give students the version without answers.")
    return "\n\n".join(lines)


def voice_answer(summary: pd.DataFrame, names: dict[str, str]) -> str:
    """Markdown for the answer key: the outlet that asserts most and the one that attributes most."""
    from parallax.report.narrate import esc

    said = summary.dropna(subset=["share_asserted"])
    if said.empty:
        return "No claims were found, so there is nothing to compare."
    most, least = said.loc[said.share_asserted.idxmax()], said.loc[said.share_attributed.idxmax()]
    return (f"**Suggested answer.** {esc(names.get(most.outlet, most.outlet))} states the largest share of its "
            f"claims as fact ({most.share_asserted:.0%}); {esc(names.get(least.outlet, least.outlet))} credits a "
            f"source most often ({least.share_attributed:.0%}). Stating a claim as fact is normal for what the outlet "
            "has checked itself (a date, a place); it matters when the claim is disputed, as an accusation is.")
