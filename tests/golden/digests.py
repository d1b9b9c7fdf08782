"""SHA-256 of each table a bundled example's run writes, with the example's folder written as <example>
(articles.csv names the saved pages by path). ``python tests/golden/digests.py RUN_FOLDER EXAMPLE_DIR``
prints them as JSON; example_tables.json holds those of the code before issue 14's speed work
(ba8fbbe), which every later run must match byte for byte."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def table_digests(run_folder: Path, example_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_text(encoding="utf-8").replace(str(example_dir), "<example>")
                                   .encode("utf-8")).hexdigest()
            for p in sorted((Path(run_folder) / "tables").glob("*.csv"))}


if __name__ == "__main__":
    print(json.dumps(table_digests(Path(sys.argv[1]), Path(sys.argv[2])), indent=1))
