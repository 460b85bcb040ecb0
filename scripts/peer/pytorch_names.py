#!/usr/bin/env python3
"""PyTorch reference for the names task, the peer of ../shared/docs/benchmarks.md.

nn.RNN / nn.LSTM / nn.GRU over pack_padded_sequence, a final nn.Linear, cross-entropy; the
name-disjoint split (test when crc32(utf8(name)) % 5 == 0); batch 64, Adam, clip 5.
Prints one line per epoch and a final JSON line.

Two timed regions, the same two that scripts/bench/ours.ts times on our side:
  step        forward (pack_padded_sequence included), cross-entropy, backward,
              clip_grad_norm_, Adam, and the weight-average update when on. Each batch's tensors
              are built before this timer starts.
  epoch wall  from the epoch's shuffle to the end of its last step: shuffling, length
              bucketing, building every batch (index gather + torch.nn.functional.one_hot) and
              the steps. Held-out evaluation is not in it.
Names are turned into a padded index matrix once, before training (as the engine encodes them
once); each batch is then one gather and one one_hot call. By default batches are bucketed as
the engine's are (shuffle, sort by length within pools of 16 batches, shuffle the batches), so
both sides see batches of about one length; --no-bucket gives plain shuffled batches.

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
import resource
import string
import time
import unicodedata
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

from peer_common import blas_library

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
    def __init__(self, cell, hidden, classes, dropout, layers=1, bidirectional=False):
        super().__init__()
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = kind(len(ALPHABET), hidden, num_layers=layers, bidirectional=bidirectional)
        self.bidirectional = bidirectional
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x, lengths):
        # Batches come sorted by length, longest first, so no sort happens here.
        packed = pack_padded_sequence(x, lengths, enforce_sorted=True)
        _, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        # The top layer's last states: both directions' side by side, as the engine's head reads them.
        last = torch.cat([h[-2], h[-1]], dim=1) if self.bidirectional else h[-1]
        return self.fc(self.drop(last))


def index_matrix(items):
    """All names as one padded [N, max length] index matrix, their lengths and labels, once."""
    lengths = torch.tensor([len(n) for n, _ in items])
    ids = torch.zeros(len(items), int(lengths.max()), dtype=torch.long)
    for row, (name, _) in enumerate(items):
        ids[row, : len(name)] = torch.tensor([ALPHABET.index(ch) for ch in name])
    return ids, lengths, torch.tensor([label for _, label in items])


def make_batch(data, rows):
    """One batch, vectorised: rows sorted longest first, one gather, one one_hot; time-major."""
    ids, lengths, labels = data
    batch_lengths = lengths[rows]
    batch_lengths, order = batch_lengths.sort(descending=True)
    rows = rows[order]
    x = F.one_hot(ids[rows, : int(batch_lengths[0])].t(), len(ALPHABET)).float()
    return x, batch_lengths, labels[rows]


def epoch_batches(data, batch, generator, bucket):
    """Each batch's rows, shuffled; with bucket, of about one length each (the engine's
    bucketedBatches). The batches' tensors are built one at a time, just before each step's timer
    starts, so only one batch's one-hot input is alive at a time (peak memory as a DataLoader's)."""
    order = torch.randperm(len(data[0]), generator=generator)
    if bucket:
        pools = []
        for pool in order.split(batch * 16):
            pools.extend(pool[data[1][pool].argsort(stable=True)].split(batch))
        chunks = [pools[i] for i in torch.randperm(len(pools), generator=generator).tolist()]
    else:
        chunks = list(order.split(batch))
    return chunks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", default="gru", choices=["rnn", "lstm", "gru"])
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--clip", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--average", type=float, default=0.0, help="weight-average decay; 0 is off")
    parser.add_argument("--no-bucket", dest="bucket", action="store_false", help="plain shuffled batches")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "media", "data", "names"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    languages, train, test = load(args.data)
    model = Model(args.cell, args.hidden, len(languages), args.dropout, args.layers, args.bidirectional)
    averages = [p.detach().clone() for p in model.parameters()]
    updates = 0
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    train_data = index_matrix(train)
    test_data = index_matrix(test)
    test_batches = [make_batch(test_data, rows) for rows in torch.arange(len(test)).split(512)]
    train_seconds, wall_seconds, trained, history, seconds_at, wall_at = 0.0, 0.0, 0, [], [], []
    for epoch in range(1, args.epochs + 1):
        model.train()
        epoch_started = time.perf_counter()
        for rows in epoch_batches(train_data, args.batch, generator, args.bucket):
            x, lengths, y = make_batch(train_data, rows)
            started = time.perf_counter()
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
            train_seconds += time.perf_counter() - started
            trained += len(y)
        wall_seconds += time.perf_counter() - epoch_started
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
        wall_at.append(wall_seconds)
        print(f"epoch {epoch}/{args.epochs} held-out acc {100 * accuracy:.2f}% step {trained / train_seconds:.0f} names/s, "
              f"epoch wall {trained / wall_seconds:.0f} names/s", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cell": args.cell, "epochs": args.epochs, "heldOutAccuracy": history[-1], "bestAccuracy": max(history),
                      "namesPerSecond": trained / train_seconds, "seconds": train_seconds, "stepSeconds": train_seconds,
                      "wallNamesPerSecond": trained / wall_seconds, "wallSeconds": wall_seconds, "peakMB": peak_mb,
                      "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"), "blas": blas_library(), "bucket": args.bucket,
                      "history": [{"accuracy": a, "seconds": s, "wallSeconds": w} for a, s, w in zip(history, seconds_at, wall_at)]}))


if __name__ == "__main__":
    main()
