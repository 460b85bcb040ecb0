#!/usr/bin/env python3
"""PyTorch reference for the character model on tiny Shakespeare: the peer of `npm run bench:text`.

The same task as the engine's text model (src/core/tasks/languageModel.ts): the vocabulary is the
text's characters sorted by code point; the last tenth is held out; the first nine tenths are read
as B parallel streams cut into chunks of k characters (char-rnn's layout), each epoch's chunk
boundaries shifted by a random offset below k; the state is carried from chunk to chunk and
detached (truncated BPTT); the input is one-hot (as the lessons feed it, and as the engine's
token input multiplies W_ih); nn.GRU / nn.LSTM / nn.RNN, then nn.Linear at every step;
cross-entropy averaged over the chunk's characters; Adam, clip_grad_norm_ 5.

Two timed regions, the same two that scripts/bench/oursText.ts times on our side:
  step        zero_grad, forward, cross-entropy, backward, clip_grad_norm_, Adam.step. Each
              chunk's one-hot input and targets are built before this timer starts.
  epoch wall  from cutting the epoch's chunks to the end of its last step: slicing the streams,
              building every chunk's tensors (one gather + one_hot) and the steps. Held-out
              evaluation is not in it.
The held-out score reads the held-out tenth as 8 streams with the state carried, as the engine
scores it, and is printed in bits per character.

Run with Debian's PyTorch at its best thread setting on 2 cores:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/peer/pytorch_text.py --cell gru --epochs 1
"""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_common import blas_library

HELD_OUT_FRACTION = 0.1
EVALUATION_STREAMS = 8


def stream_chunks(ids, streams, k, offset):
    """(inputs, targets) index pairs, [length, B] each: B parallel streams cut into chunks of k."""
    usable = len(ids) - 1 - offset
    b = max(1, min(streams, usable // k))
    span = usable // b
    # Row r of `rows` is stream r's characters, so a chunk is one column slice of it.
    starts = torch.arange(b) * span + offset
    rows = ids[starts.unsqueeze(1) + torch.arange(span + 1)]
    return [(rows[:, start : start + min(k, span - start)].t(), rows[:, start + 1 : start + min(k, span - start) + 1].t())
            for start in range(0, span, k)]


class Model(nn.Module):
    def __init__(self, cell, vocabulary, hidden, layers):
        super().__init__()
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = kind(vocabulary, hidden, num_layers=layers)
        self.fc = nn.Linear(hidden, vocabulary)

    def forward(self, x, state):
        out, state = self.rnn(x, state)
        return self.fc(out), state


def detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def held_out_bits(model, chunks, vocabulary):
    model.eval()
    nats, count, state = 0.0, 0, None
    with torch.no_grad():
        for inputs, targets in chunks:
            logits, state = model(F.one_hot(inputs, vocabulary).float(), state)
            nats += float(F.cross_entropy(logits.reshape(-1, vocabulary), targets.reshape(-1), reduction="sum"))
            count += targets.numel()
    model.train()
    return nats / count / math.log(2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", default="gru", choices=["rnn", "lstm", "gru"])
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--seq", type=int, default=100, help="characters per chunk: the k of truncated BPTT")
    parser.add_argument("--batch", type=int, default=32, help="parallel streams")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--clip", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--text", default=os.path.join(os.path.dirname(__file__), "..", "..", "media", "data", "text", "tinyshakespeare.txt"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    with open(args.text, encoding="utf-8") as handle:
        text = handle.read()  # universal newlines: \r\n and \r read as \n, as the engine decodes them
    vocabulary = sorted(set(text))
    index = {ch: i for i, ch in enumerate(vocabulary)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)
    split = int(len(ids) * (1 - HELD_OUT_FRACTION))
    train, held_out = ids[:split], ids[split - 1 :]
    k = min(args.seq, max(1, (len(train) - 1) // 2))
    V = len(vocabulary)
    model = Model(args.cell, V, args.hidden, args.layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    evaluation = stream_chunks(held_out, EVALUATION_STREAMS, k, 0)
    train_seconds, wall_seconds, trained, history = 0.0, 0.0, 0, []
    for epoch in range(1, args.epochs + 1):
        epoch_started = time.perf_counter()
        offset = int(torch.randint(k, (1,), generator=generator))
        state = None
        for inputs, targets in stream_chunks(train, args.batch, k, offset):
            x = F.one_hot(inputs, V).float()
            y = targets.reshape(-1)
            started = time.perf_counter()
            optimizer.zero_grad()
            logits, state = model(x, detach(state))
            loss = F.cross_entropy(logits.reshape(-1, V), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            train_seconds += time.perf_counter() - started
            trained += y.numel()
        wall_seconds += time.perf_counter() - epoch_started
        bits = held_out_bits(model, evaluation, V)
        history.append({"bitsPerChar": bits, "seconds": train_seconds, "wallSeconds": wall_seconds})
        print(f"epoch {epoch}/{args.epochs} held-out {bits:.3f} bits/char, step {trained / train_seconds:.0f} chars/s, "
              f"epoch wall {trained / wall_seconds:.0f} chars/s", flush=True)
    print(json.dumps({"side": "pytorch", "cell": args.cell, "hidden": args.hidden, "seq": k, "batch": args.batch,
                      "vocabulary": V, "epochs": args.epochs, "heldOutBitsPerChar": history[-1]["bitsPerChar"],
                      "charsPerSecond": trained / train_seconds, "stepSeconds": train_seconds,
                      "wallCharsPerSecond": trained / wall_seconds, "wallSeconds": wall_seconds,
                      "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
                      "blas": blas_library(), "history": history}))


if __name__ == "__main__":
    main()
