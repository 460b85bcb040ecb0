#!/usr/bin/env python3
"""PyTorch reference for the names task, the peer of ../shared/docs/benchmarks.md.

nn.RNN / nn.LSTM / nn.GRU over pack_padded_sequence, a final nn.Linear, cross-entropy; the
name-disjoint split (test when crc32(utf8(name)) % 5 == 0); batch 64, Adam, clip 5.
Prints one line per epoch and a final JSON line.

Run with Debian's PyTorch at its best thread setting on 2 cores:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/peer/pytorch_names.py --cell gru --epochs 10

--dropout and --average give it the recipe our engine ships (nn.Dropout before the head; an
exponential moving average of the weights, evaluated instead of them, with TensorFlow's warm-up
min(decay, (1 + n) / (10 + n))), so time to a target accuracy compares like with like.
"""
import argparse
import glob
import json
import os
import random
import resource
import string
import time
import unicodedata
import zlib

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

ALPHABET = string.ascii_letters + " .,;'"


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn" and c in ALPHABET)


def load(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.txt")))
    languages = [os.path.splitext(os.path.basename(f))[0] for f in files]
    seen, train, test = set(), [], []
    for label, f in enumerate(files):
        with open(f, encoding="utf-8") as handle:
            for line in handle:
                name = fold(line.strip())
                if not name or (label, name) in seen:
                    continue
                seen.add((label, name))
                (test if zlib.crc32(name.encode("utf-8")) % 5 == 0 else train).append((name, label))
    return languages, train, test


class Model(nn.Module):
    def __init__(self, cell, hidden, classes, dropout):
        super().__init__()
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = kind(len(ALPHABET), hidden)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        return self.fc(self.drop(h[-1]))


def encode(batch):
    lengths = torch.tensor([len(n) for n, _ in batch])
    x = torch.zeros(int(lengths.max()), len(batch), len(ALPHABET))
    for b, (name, _) in enumerate(batch):
        for t, ch in enumerate(name):
            x[t, b, ALPHABET.index(ch)] = 1
    return x, lengths, torch.tensor([label for _, label in batch])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", default="gru", choices=["rnn", "lstm", "gru"])
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--clip", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--average", type=float, default=0.0, help="weight-average decay; 0 is off")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "media", "data", "names"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    languages, train, test = load(args.data)
    model = Model(args.cell, args.hidden, len(languages), args.dropout)
    averages = [p.detach().clone() for p in model.parameters()]
    updates = 0
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    test_batches = [encode(test[i : i + 512]) for i in range(0, len(test), 512)]
    train_seconds, trained, history, seconds_at = 0.0, 0, [], []
    for epoch in range(1, args.epochs + 1):
        random.shuffle(train)
        model.train()
        started = time.perf_counter()
        for i in range(0, len(train), args.batch):
            x, lengths, y = encode(train[i : i + args.batch])
            optimizer.zero_grad()
            loss = loss_fn(model(x, lengths), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            if args.average > 0:
                decay = min(args.average, (1 + updates) / (10 + updates))
                updates += 1
                with torch.no_grad():
                    for average, p in zip(averages, model.parameters()):
                        average.mul_(decay).add_(p, alpha=1 - decay)
            trained += len(y)
        train_seconds += time.perf_counter() - started
        model.eval()
        correct = 0
        with torch.no_grad():
            current = [p.detach().clone() for p in model.parameters()]
            if args.average > 0:
                for p, average in zip(model.parameters(), averages):
                    p.copy_(average)
            for x, lengths, y in test_batches:
                correct += int((model(x, lengths).argmax(-1) == y).sum())
            for p, value in zip(model.parameters(), current):
                p.copy_(value)
        accuracy = correct / len(test)
        history.append(accuracy)
        seconds_at.append(train_seconds)
        print(f"epoch {epoch}/{args.epochs} held-out acc {100 * accuracy:.2f}% {trained / train_seconds:.0f} names/s", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cell": args.cell, "epochs": args.epochs, "heldOutAccuracy": history[-1], "bestAccuracy": max(history),
                      "namesPerSecond": trained / train_seconds, "seconds": train_seconds, "peakMB": peak_mb, "torch": torch.__version__,
                      "history": [{"accuracy": a, "seconds": s} for a, s in zip(history, seconds_at)]}))


if __name__ == "__main__":
    main()
