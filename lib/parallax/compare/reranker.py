"""The same-claim cross-encoder: reads two units together and gives the probability that they carry
the same claim.

all-MiniLM-L6-v2 fine-tuned on MSRP train and on cross-outlet pairs of hand-annotated BASIL triplets
(``bench/train_reranker.py``; model card in ``parallax/models/reranker/``), exported to ONNX and
quantised to int8. It runs with onnxruntime and ``tokenizers``: no torch. It costs milliseconds per
pair where the pair model's features cost microseconds, so the default matcher asks it only about the
pairs the features leave uncertain, up to a budget (:class:`parallax.compare.pairs.LearnedMatcher`).

The model is loaded once per process, on first use.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np

MAX_TOKENS = 128
BATCH = 32


class Reranker:
    """The ONNX cross-encoder and its word-piece tokenizer."""

    def __init__(self, folder) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def probability(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(same claim) of each pair, in order. Pairs are batched by length so little is padded."""
        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for start in range(0, len(order), BATCH):
            chosen = order[start:start + BATCH]
            encoded = self.tokenizer.encode_batch([pairs[i] for i in chosen])
            feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                    "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}
            logits = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0][:, 0]
            out[chosen] = 1.0 / (1.0 + np.exp(-logits))
        return out


def threads() -> int:
    """onnxruntime's threads: ``PARALLAX_THREADS`` when set, else the CPUs this process may use (at most 4)."""
    value = os.environ.get("PARALLAX_THREADS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:   # not on Linux
        return max(1, min(4, os.cpu_count() or 1))


@lru_cache(maxsize=1)
def reranker() -> Reranker:
    """The shipped cross-encoder, loaded once."""
    folder = resources.files("parallax").joinpath("models", "reranker")
    return Reranker(folder)
