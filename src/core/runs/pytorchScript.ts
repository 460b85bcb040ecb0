/**
 * One runnable Python file that reproduces a names run with PyTorch: the same data files and
 * name-disjoint split, the same model (PyTorch's own modules and initialisation), optimiser,
 * learning-rate schedule, clipping, weight averaging, batch size, epochs and seed. PyTorch's
 * random numbers are not ours, so its weights and figures come out close, not bit-identical. At
 * the end it saves the weights as safetensors with the metadata this extension's import reads.
 * The same file runs on a GPU with --device cuda (not tried here: these machines have none); it is
 * not written for distributed training.
 */
import { pytorchEquivalent } from '../model/pytorchModules';
import { NAME_ALPHABET } from '../data/alphabet';
import type { HyperValue, RunRecord } from './runRecord';

export class ScriptExportError extends Error {}

const num = (hyper: Record<string, HyperValue>, key: string, fallback: number): number =>
  typeof hyper[key] === 'number' ? (hyper[key] as number) : fallback;

/** The run's settings as the script's defaults; each one can be changed on its command line. */
export function scriptSettings(run: RunRecord): Record<string, string | number | boolean> {
  const { hyper } = run;
  const cell = String(hyper.cell);
  if (!['rnn', 'lstm', 'gru'].includes(cell)) throw new ScriptExportError(`unknown cell ${cell}`);
  return {
    cell,
    hidden: num(hyper, 'hiddenSize', 128),
    layers: num(hyper, 'numLayers', 1),
    bidirectional: hyper.bidirectional === true,
    dropout: num(hyper, 'dropout', 0),
    epochs: num(hyper, 'epochs', 10),
    batch: num(hyper, 'batchSize', 64),
    optimizer: String(hyper.optimizer ?? 'adam'),
    lr: num(hyper, 'learningRate', 0.003),
    momentum: num(hyper, 'momentum', 0),
    schedule: String(hyper.schedule ?? 'constant'),
    clip: num(hyper, 'clipNorm', 5),
    average: num(hyper, 'weightAveraging', 0),
    seed: num(hyper, 'seed', 42),
  };
}

const py = (value: string | number | boolean): string =>
  typeof value === 'boolean' ? (value ? 'True' : 'False') : JSON.stringify(value);

export function pytorchScript(run: RunRecord, dataDirectory: string): string {
  if (run.task !== 'names') {
    throw new ScriptExportError(
      `exporting a ${run.task} run as a PyTorch script is not supported yet: names runs only`,
    );
  }
  const s = scriptSettings(run);
  const modules = pytorchEquivalent({
    cell: s.cell as 'rnn' | 'lstm' | 'gru',
    nonlinearity: 'tanh',
    inputKind: 'tokens',
    inputSize: NAME_ALPHABET.length,
    hiddenSize: s.hidden as number,
    numLayers: s.layers as number,
    outputSize: 18,
    head: 'last',
    dropout: s.dropout as number,
    bidirectional: s.bidirectional as boolean,
  }).modules;
  const defaults = Object.entries(s)
    .map(([key, value]) => `    ${JSON.stringify(key)}: ${py(value)},`)
    .join('\n');
  return `#!/usr/bin/env python3
"""Reproduces the RNN Explorer run ${JSON.stringify(run.name)} (${run.startedAt}) with PyTorch.

Task: the name classifier on ${run.data}; the name-disjoint split (a name is held out when
crc32(utf8(name)) % 5 == 0). Model: ${modules.join(' -> ')} over one-hot letters,
the head reading each name's last state. Every setting below is the run's; each can be changed on
the command line (--help). PyTorch's random numbers are not RNN Explorer's, so the weights and the
figures come out close to the run's, not identical.

  python3 ${run.id}.py                       # train, print each epoch, save model.safetensors
  python3 ${run.id}.py --device cuda         # the same on a GPU (untested by RNN Explorer)
  python3 ${run.id}.py --predict Nakamura    # load the saved model and print its probabilities

The saved file loads with "RNN: Import PyTorch Model (safetensors)".
"""
import argparse
import glob
import json
import math
import os
import struct
import unicodedata
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

ALPHABET = ${JSON.stringify(NAME_ALPHABET)}
DATA = ${JSON.stringify(dataDirectory)}
RUN = {
${defaults}
}


def fold(s):
    """NFD, then only the alphabet's symbols: accents fold away as in the PyTorch tutorial."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if c in ALPHABET)


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
    def __init__(self, cell, hidden, layers, bidirectional, dropout, classes):
        super().__init__()
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = kind(len(ALPHABET), hidden, num_layers=layers, bidirectional=bidirectional)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * hidden if bidirectional else hidden, classes)
        self.bidirectional = bidirectional

    def forward(self, x, lengths):
        _, h = self.rnn(pack_padded_sequence(x, lengths.cpu(), enforce_sorted=False))
        if isinstance(h, tuple):
            h = h[0]
        state = torch.cat([h[-2], h[-1]], dim=1) if self.bidirectional else h[-1]
        return self.fc(self.drop(state))


def batch_of(items, device):
    lengths = torch.tensor([len(name) for name, _ in items])
    ids = torch.zeros(int(lengths.max()), len(items), dtype=torch.long)
    for column, (name, _) in enumerate(items):
        ids[: len(name), column] = torch.tensor([ALPHABET.index(ch) for ch in name])
    x = F.one_hot(ids, len(ALPHABET)).float().to(device)
    return x, lengths, torch.tensor([label for _, label in items], device=device)


def save_safetensors(path, state, metadata):
    """The safetensors format (what safetensors.torch.save_file writes), without the package."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(state):
        data = state[name].detach().float().cpu().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - (8 + len(raw)) % 8) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def load_safetensors(path):
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(size))
        body = handle.read()
    metadata = header.pop("__metadata__", {})
    state = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        state[name] = torch.frombuffer(bytearray(body[start:end]), dtype=torch.float32).reshape(entry["shape"])
    return state, metadata


def train(args, device):
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    languages, train_items, test_items = load(args.data)
    model = Model(args.cell, args.hidden, args.layers, args.bidirectional, args.dropout, len(languages)).to(device)
    if args.optimizer == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    averages = [p.detach().clone() for p in model.parameters()]
    updates = 0
    loss_fn = nn.CrossEntropyLoss()
    batches_per_epoch = (len(train_items) + args.batch - 1) // args.batch
    test_batch = batch_of(test_items, device)
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train_items), generator=generator).tolist()
        total, seen = 0.0, 0
        for index, start in enumerate(range(0, len(order), args.batch)):
            if args.schedule == "cosine":
                progress = (epoch - 1 + index / batches_per_epoch) / args.epochs
                for group in optimizer.param_groups:
                    group["lr"] = args.lr * (1 + math.cos(math.pi * progress)) / 2
            x, lengths, y = batch_of([train_items[i] for i in order[start : start + args.batch]], device)
            optimizer.zero_grad()
            loss = loss_fn(model(x, lengths), y)
            loss.backward()
            if args.clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            if args.average > 0:
                # An exponential moving average of the weights, with TensorFlow's warm-up.
                decay = min(args.average, (1 + updates) / (10 + updates))
                updates += 1
                with torch.no_grad():
                    for average, p in zip(averages, model.parameters()):
                        average.mul_(decay).add_(p, alpha=1 - decay)
            total += loss.item() * len(y)
            seen += len(y)
        if args.average > 0:
            # Evaluated (and, after the last epoch, saved) with the averaged weights.
            current = [p.detach().clone() for p in model.parameters()]
            with torch.no_grad():
                for p, average in zip(model.parameters(), averages):
                    p.copy_(average)
        model.eval()
        with torch.no_grad():
            x, lengths, y = test_batch
            logits = model(x, lengths)
            held_out = loss_fn(logits, y).item()
            accuracy = (logits.argmax(-1) == y).float().mean().item()
        print(f"epoch {epoch}/{args.epochs}: training loss {total / seen:.4f}, held-out loss {held_out:.4f}, "
              f"held-out accuracy {100 * accuracy:.1f}%", flush=True)
        if args.average > 0 and epoch < args.epochs:
            # Training goes on from the last step's weights, not the average.
            with torch.no_grad():
                for p, value in zip(model.parameters(), current):
                    p.copy_(value)
    metadata = {
        "format": "rnn-explorer",
        "task": "names",
        "cell": args.cell,
        "nonlinearity": "tanh",
        "inputKind": "tokens",
        "head": "last",
        "vocabulary": json.dumps(list(ALPHABET)),
        "labels": json.dumps(languages),
    }
    if args.bidirectional:
        metadata["bidirectional"] = "true"
    save_safetensors(args.out, model.state_dict(), metadata)
    print(f"saved {args.out}")


def predict(args, names):
    state, metadata = load_safetensors(args.out)
    languages = json.loads(metadata["labels"])
    model = Model(args.cell, args.hidden, args.layers, args.bidirectional, args.dropout, len(languages))
    model.load_state_dict(state)
    model.eval()
    folded = [fold(name) for name in names]
    with torch.no_grad():
        x, lengths, _ = batch_of([(name, 0) for name in folded], "cpu")
        probabilities = torch.softmax(model(x, lengths), dim=-1)
    print(json.dumps({name: dict(zip(languages, p.tolist())) for name, p in zip(names, probabilities)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
    for key, value in RUN.items():
        if isinstance(value, bool):
            parser.add_argument(f"--{key}", action=argparse.BooleanOptionalAction, default=value)
        else:
            parser.add_argument(f"--{key}", type=type(value), default=value)
    parser.add_argument("--data", default=DATA, help="the folder of <Language>.txt files")
    parser.add_argument("--out", default="model.safetensors")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--predict", nargs="+", metavar="NAME", help="print the saved model's probabilities")
    args = parser.parse_args()
    if args.predict:
        predict(args, args.predict)
    else:
        train(args, torch.device(args.device))


if __name__ == "__main__":
    main()
`;
}
