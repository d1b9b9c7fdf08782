"""What changed in each outlet's article since the previous run of the story.

Outlets correct and update articles after publication (NewsDiffs, diffengine). When a page's
bytes differ from the previous run's snapshot, its headline and paragraphs are compared with
the previous run's extracted text: a changed headline, paragraphs added, removed or changed.
A page whose bytes changed but whose headline and text did not gets one ``markup`` row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from parallax.extract.extractors import Article
from parallax.parse.words import opcodes
from parallax.report.tables import read_table

REVISION_COLUMNS = ["outlet", "previous_run", "previous_fetched_at", "current_fetched_at", "change",
                    "paragraph_before", "paragraph_after", "before", "after"]


def empty() -> pd.DataFrame:
    """A revisions table with no rows."""
    return pd.DataFrame(columns=REVISION_COLUMNS)


def _previous(run_dir: Path) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The previous run's articles table (by outlet) and snapshot metadata."""
    articles = read_table(run_dir / "tables" / "articles.csv", keep_default_na=False, dtype=str).set_index("outlet")
    meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8")).get("snapshots", {})
    return articles, meta


def paragraph_changes(before: Sequence[str], after: Sequence[str]) -> list[tuple[str, int | None, int | None, str, str]]:
    """(change, paragraph before, paragraph after, text before, text after) turning ``before`` into ``after``."""
    out: list[tuple[str, int | None, int | None, str, str]] = []
    for op, i1, i2, j1, j2 in opcodes(list(before), list(after)):
        if op == "equal":
            continue
        if op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                out.append(("changed", i1 + k, j1 + k, before[i1 + k], after[j1 + k]))
            for k in range(i1 + pairs, i2):
                out.append(("removed", k, None, before[k], ""))
            for k in range(j1 + pairs, j2):
                out.append(("added", None, k, "", after[k]))
        elif op == "delete":
            out += [("removed", k, None, before[k], "") for k in range(i1, i2)]
        else:
            out += [("added", None, k, "", after[k]) for k in range(j1, j2)]
    return out


def compare(previous_run: Path | None, articles: Sequence[Article], snapshots: dict[str, dict]) -> pd.DataFrame:
    """tables/revisions.csv: every change of an outlet's article since ``previous_run``.

    ``snapshots`` is this run's snapshot metadata by outlet (``fetched_at``, ``sha256``). Outlets
    new to the story, or failed in either run, are left out.
    """
    if previous_run is None:
        return empty()
    try:
        before, before_meta = _previous(Path(previous_run))
    except (OSError, ValueError, KeyError):
        return empty()
    rows = []
    for article in articles:
        now, then = snapshots.get(article.outlet), before_meta.get(article.outlet)
        if not article.ok or now is None or then is None or article.outlet not in before.index:
            continue
        if now.get("sha256") == then.get("sha256"):
            continue
        old = before.loc[article.outlet]
        if old.get("status") != "ok":
            continue
        base = {"outlet": article.outlet, "previous_run": Path(previous_run).name,
                "previous_fetched_at": then.get("fetched_at", ""), "current_fetched_at": now.get("fetched_at", "")}
        changes = []
        if (old.get("title") or "") != article.title:
            changes.append(("headline", None, None, old.get("title") or "", article.title))
        changes += paragraph_changes([p for p in str(old.get("text", "")).split("\n\n") if p], article.paragraphs)
        if not changes:
            changes = [("markup", None, None, "", "")]  # the page changed, its headline and text did not
        for change, p_before, p_after, text_before, text_after in changes:
            rows.append(base | {"change": change, "paragraph_before": p_before, "paragraph_after": p_after,
                                "before": text_before, "after": text_after})
    frame = pd.DataFrame(rows, columns=REVISION_COLUMNS)
    for column in ("paragraph_before", "paragraph_after"):
        frame[column] = frame[column].astype("Int64")
    return frame
