"""Sentence vectors without a neural network at run time: a static model distilled from all-MiniLM-L6-v2.

The model (``parallax/models/encoder/``: ``embeddings.npy`` and ``tokenizer.json``, model card next to
them) was made by model2vec's distillation (Tulkens and van Dongen 2024): every word piece of
all-MiniLM-L6-v2's vocabulary passed through the transformer once, its output vector reduced by PCA
to 256 dimensions and weighted by how rare the piece is (``make train``). A sentence's vector is the
mean of its pieces' vectors, normalised: microseconds a sentence on a CPU, where the transformer
itself takes about 10 ms (bench/paraphrase.py measures both). What it cannot see: word order and
negation ("Kyiv denied" and "Kyiv did not deny" are close); the pair model adds those signals.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Sequence

import numpy as np

MODEL_DIR = ("models", "encoder")
MAX_PIECES = 512          # a longer text is cut (the model was distilled on pieces, not positions)


@dataclass
class StaticEncoder:
    """Mean of word-piece vectors, unit length. Loaded on first use, once per process."""

    name: str = "minilm-l6-static-256"
    _vectors: Any = field(default=None, repr=False)
    _tokenizer: Any = field(default=None, repr=False)
    _unk: int | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _load(self) -> None:
        with self._lock:
            if self._vectors is not None:
                return
            from tokenizers import Tokenizer

            folder = resources.files("parallax").joinpath(*MODEL_DIR)
            with resources.as_file(folder.joinpath("embeddings.npy")) as path:
                vectors = np.load(path).astype(np.float32)
            with resources.as_file(folder.joinpath("tokenizer.json")) as path:
                tokenizer = Tokenizer.from_file(str(path))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            unk = tokenizer.token_to_id("[UNK]")
            self._tokenizer, self._unk, self._vectors = tokenizer, unk, vectors

    @property
    def dim(self) -> int:
        self._load()
        return int(self._vectors.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length vector per text (zeros for a text without a known piece)."""
        self._load()
        out = np.zeros((len(texts), self._vectors.shape[1]), dtype=np.float32)
        if not texts:
            return out
        for i, enc in enumerate(self._tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            ids = [t for t in enc.ids[:MAX_PIECES] if t != self._unk]
            if ids:
                out[i] = self._vectors[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


_ENCODER = StaticEncoder()


def encoder() -> StaticEncoder:
    """The process's one encoder (loaded on first use)."""
    return _ENCODER
