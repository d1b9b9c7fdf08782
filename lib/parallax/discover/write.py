"""What a discovery leaves: a story spec to review and run, and a table of every candidate considered."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from parallax.discover.find import Discovery
from parallax.discover.match import FEATURES, Judged, why
from parallax.errors import SpecError, printable
from parallax.spec import KEY_MAX_CHARS, load_spec, slugify

TABLE_COLUMNS = ("outlet", "url", "title", "date", "source", "score", "accepted", "reason",
                 *FEATURES, "note")


def story_id(title: str) -> str:
    """A story id from a title: its first words, slugified ("Russia says Ukraine targeted..." -> "russia-says-ukraine-targeted")."""
    words = slugify(title).split("-")
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > 40 or len(out.split("-")) >= 6:
            break
        out = f"{out}-{w}" if out else w
    return (out or "story")[:KEY_MAX_CHARS]


def table_path(spec_path: Path, kept: bool = False) -> Path:
    """Where the candidates table of a spec goes: ``story.yaml`` -> ``story.candidates.csv``; with
    ``kept`` (no new spec, and an earlier one is kept with its table) -> ``story.candidates.unused.csv``."""
    return spec_path.with_name(spec_path.stem + (".candidates.unused.csv" if kept else ".candidates.csv"))


def check_out(spec_path: Path) -> str:
    """Why the spec cannot be written at ``spec_path`` ("" when it can), asked before discovering."""
    parent = spec_path.resolve().parent
    if spec_path.is_dir():
        return f"{spec_path} is a folder; give the spec's file name (e.g. {spec_path / 'story.yaml'})"
    if not parent.is_dir():
        return f"{parent} is not a folder (it does not exist or is a file); create it or choose another --out"
    if not os.access(parent, os.W_OK):
        return f"{parent} cannot be written to; choose another --out"
    return ""


def write_table(discovery: Discovery, path: Path) -> None:
    """Every candidate, the chosen first, then by score: outlet, URL, title, date, source, score,
    accepted, reason and the signals."""
    rows = sorted(discovery.judged, key=lambda j: (not j.accepted, -(j.score if j.signals else -1.0)))
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(TABLE_COLUMNS)
        for j in rows:
            c = j.candidate
            w.writerow([c.outlet, c.url, c.title, c.published.isoformat() if c.published else "", c.source,
                        f"{j.score:.3f}" if j.signals else "", "yes" if j.accepted else "no", j.reason,
                        *[f"{j.signals[k]:.3f}" if k in j.signals and (k != "lede" or j.confirmed) else ""
                          for k in FEATURES], j.note])
    os.replace(tmp, path)


def _q(text: str) -> str:
    """A YAML scalar: JSON's quoting, which YAML reads as written."""
    return json.dumps(text, ensure_ascii=False)


def spec_text(discovery: Discovery, spec_path: Path, seed_arg: str) -> str:
    """The story spec: the seed first, then each chosen version with its score and why as a comment."""
    seed = discovery.seed
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"# Written by `parallax discover` at {now} from the seed {seed_arg}",
        "# Review it before `parallax run`: each version below was chosen by its title, description, date and lede",
        f"# (score = the model's probability that it is the same story); every candidate is in {table_path(spec_path).name}.",
        "# Sources: " + "; ".join(f"{r.name} {r.candidates} candidates" if not r.error else f"{r.name} FAILED ({r.error})"
                                  for r in discovery.reports),
    ]
    if discovery.since is not None:
        lines.append(f"# Window: {discovery.since:%Y-%m-%d %H:%M} to {discovery.until:%Y-%m-%d %H:%M} UTC")
    lines += [f"story: {story_id(seed.title)}", f"title: {_q(seed.title)}", f"language: {seed.language or 'en'}",
              "outlets:"]
    if discovery.seed_from is not None:
        lines.append(f"  # the seed: {discovery.seed_from.reason}")
    else:
        lines.append("  # the seed")
    lines.append(f"  - name: {_q(seed.outlet or 'Seed')}")
    if seed.file:
        rel = os.path.relpath(Path(seed.file).resolve(), spec_path.resolve().parent)
        lines.append(f"    file: {_q(rel)}")
    else:
        lines.append(f"    url: {_q(seed.url)}")
    for j in discovery.chosen:
        lines.append(f"  # score {j.score:.2f}: {_comment(why(j))}")
        if j.note:
            lines.append(f"  # {_comment(j.note)}")
        lines.append(f"  #   {_comment(j.candidate.title)} ({j.candidate.source})")
        lines += [f"  - name: {_q(j.candidate.outlet)}", f"    url: {_q(j.candidate.url)}"]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return printable(" ".join(text.split()))


def write_spec(discovery: Discovery, spec_path: Path, seed_arg: str) -> None:
    """Write the spec (atomically) and check that it loads; an earlier file is replaced only by a valid one."""
    text = spec_text(discovery, spec_path, seed_arg)
    tmp = spec_path.with_name(spec_path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        load_spec(tmp)
    except SpecError as exc:
        tmp.unlink(missing_ok=True)
        raise SpecError(str(spec_path), exc.field, exc.problem, exc.fix) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, spec_path)


def summary(discovery: Discovery) -> str:
    """A few lines for the terminal: the sources, what was chosen and how many were not."""
    out = []
    for r in discovery.reports:
        out.append(f"  {r.name}: " + (f"FAILED: {r.error}" if r.error else f"{r.candidates} candidates ({r.seconds:.1f} s)"))
    out += [f"  note: {n}" for n in discovery.notes[:10]]
    if len(discovery.notes) > 10:
        out.append(f"  ... and {len(discovery.notes) - 10} more notes")
    for j in discovery.chosen:
        out.append(f"  + {j.candidate.outlet}: {j.candidate.title} (score {j.score:.2f})")
    rejected = [j for j in discovery.judged if not j.accepted]
    out.append(f"  {len(discovery.chosen)} chosen, {len(rejected)} not")
    return printable("\n".join(out))

