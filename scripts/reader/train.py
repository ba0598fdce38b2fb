"""Fine-tune all-MiniLM-L6-v2 as a cross-encoder on groups (one positive, hard negatives).

Loss per group: softmax cross-entropy of the positive against its negatives (ranking) plus a
pointwise binary cross-entropy on every pair (an absolute score, so "no passage answers" can
be read from the best score). Unanswerable groups only have the pointwise part. The embeddings
and the first ``frozen_layers`` encoder layers can be frozen (0 by default: a full fine-tune
runs at ~13 pairs/s on 2 quiet cores), the head trains at its own, larger learning rate. Fixed seeds, 2 threads.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scripts.reader.groups import Group


@dataclass
class TrainConfig:
    """Hyper-parameters of one training run (all recorded in the model card)."""

    seed: int = 13
    epochs: int = 1
    groups_per_step: int = 4
    lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.1
    max_length: int = 128
    frozen_layers: int = 0
    pointwise_weight: float = 0.5
    threads: int = 2


def _torch() -> Any:
    import torch

    return torch


def load_base(path: str, threads: int, seed: int) -> tuple[Any, Any]:
    """The MiniLM body with a fresh 1-logit head, and its tokenizer (local files only)."""
    torch = _torch()
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=1, local_files_only=True
    )
    return model, tokenizer


def freeze(model: Any, layers: int) -> None:
    """Freeze the embeddings and the first ``layers`` encoder layers (no backward through them)."""
    frozen = [model.bert.embeddings, *model.bert.encoder.layer[:layers]]
    for module in frozen:
        for param in module.parameters():
            param.requires_grad = False


def _logits(
    model: Any, tokenizer: Any, query: str, passages: Sequence[str], max_length: int
) -> Any:
    encoded = tokenizer(
        [query] * len(passages),
        list(passages),
        truncation="only_second",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    return model(**encoded).logits.squeeze(-1)


def _batch_logits(
    model: Any, tokenizer: Any, groups: Sequence[Group], max_length: int
) -> list[Any]:
    """One forward pass over every pair of the step's groups, split back per group."""
    queries = [g.query for g in groups for _ in g.passages]
    passages = [p for g in groups for p in g.passages]
    encoded = tokenizer(
        queries,
        passages,
        truncation="only_second",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    logits = model(**encoded).logits.squeeze(-1)
    return list(logits.split([len(g.passages) for g in groups]))


def group_loss(logits: Any, group: Group, pointwise_weight: float) -> Any:
    """Listwise CE (positive at index 0) + weighted pointwise BCE."""
    torch = _torch()
    labels = torch.tensor(group.labels, dtype=torch.float32)
    loss = pointwise_weight * torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
    if group.has_positive:
        target = torch.zeros(1, dtype=torch.long)
        loss = loss + torch.nn.functional.cross_entropy(logits.unsqueeze(0), target)
    return loss


def train(model: Any, tokenizer: Any, groups: list[Group], cfg: TrainConfig) -> dict[str, float]:
    """Train in place; returns timing figures (pairs/s, seconds)."""
    torch = _torch()
    rng = random.Random(cfg.seed)
    freeze(model, cfg.frozen_layers)
    params = [p for p in model.parameters() if p.requires_grad]
    # The 1-logit head (and pooler) start from random weights: they need a far larger step
    # than the pre-trained body, or the score spread stays tiny after a short run.
    body, head = [], []
    for name, param in model.named_parameters():
        if param.requires_grad:
            is_body = name.startswith(("bert.encoder", "bert.embeddings"))
            (body if is_body else head).append(param)
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": cfg.lr}, {"params": head, "lr": cfg.head_lr}], weight_decay=0.01
    )
    steps = math.ceil(len(groups) / cfg.groups_per_step) * cfg.epochs
    warm = max(1, int(cfg.warmup * steps))

    def schedule(step: int) -> float:
        return (step + 1) / warm if step < warm else max(0.0, (steps - step) / (steps - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    started, pairs, step = time.perf_counter(), 0, 0
    for epoch in range(cfg.epochs):
        order = list(groups)
        rng.shuffle(order)
        for start in range(0, len(order), cfg.groups_per_step):
            batch = order[start : start + cfg.groups_per_step]
            logits = _batch_logits(model, tokenizer, batch, cfg.max_length)
            loss = sum(
                group_loss(part, g, cfg.pointwise_weight)
                for part, g in zip(logits, batch, strict=True)
            ) / len(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            pairs += sum(len(g.passages) for g in batch)
            step += 1
            if step % 20 == 0 or step == steps:
                rate = pairs / (time.perf_counter() - started)
                print(
                    f"epoch {epoch} step {step}/{steps} loss {float(loss.detach()):.4f} {rate:.1f} pairs/s",
                    flush=True,
                )
    seconds = time.perf_counter() - started
    model.eval()
    return {
        "train_seconds": round(seconds, 1),
        "pairs": pairs,
        "pairs_per_s": round(pairs / seconds, 2),
    }


def sanity(model: Any, tokenizer: Any, groups: list[Group], max_length: int) -> dict[str, float]:
    """Held-out check: share of groups whose positive scores highest, and the mean positive
    minus best-negative margin (answerable groups only)."""
    torch = _torch()
    model.eval()
    top1, margins = 0, []
    with torch.no_grad():
        for g in groups:
            if not g.has_positive:
                continue
            scores = _logits(model, tokenizer, g.query, g.passages, max_length).tolist()
            top1 += int(scores[0] > max(scores[1:]))
            margins.append(scores[0] - max(scores[1:]))
    n = max(1, len(margins))
    return {
        "groups": len(margins),
        "top1": round(top1 / n, 4),
        "margin": round(sum(margins) / n, 4),
    }
