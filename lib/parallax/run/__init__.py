"""Running a story: the spec, the stages the notebook calls, run folders and run.json, the runner, papermill, batches."""

import sys

# jsonschema, which nbformat (papermill, nbconvert) imports, compiles the 38 grammars of rfc3987-syntax at
# import whenever that package is installed (jupyter-events pulls it in): 0.8 s of every run, for IRI format
# checks that a notebook's schema never asks for. Marked absent, jsonschema leaves that one format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
