import {
  gateCount,
  type CellType,
  type HeadKind,
  type InputKind,
  type ModelConfig,
  type Nonlinearity,
} from '../model/config';
import { paramSpecs, REVERSE_SUFFIX } from '../model/params';
import { SequenceModel } from '../model/sequenceModel';
import type { ModelManifest } from './modelFile';
import {
  readSafetensors,
  writeSafetensors,
  SafetensorsError,
  type NamedTensor,
} from './safetensors';

/**
 * PyTorch interop through safetensors: a module holding an nn.RNN / nn.LSTM / nn.GRU and a
 * final nn.Linear, saved with its state_dict names (any attribute names: the recurrent layer is
 * found by its `weight_ih_l0`, the head as the one remaining Linear). A bidirectional layer
 * (`*_reverse` tensors) is read as one layer whose head takes [forward final state, backward
 * final state], PyTorch's usual `fc(torch.cat([h_n[0], h_n[1]], dim=1))`.
 */
export interface ImportOptions {
  /** PyTorch's nn.RNN does not store its nonlinearity; tanh unless the file's metadata says. */
  nonlinearity?: Nonlinearity;
  inputKind?: InputKind;
  head?: HeadKind;
}

export interface ImportedModel {
  model: SequenceModel;
  config: ModelConfig;
  metadata: Record<string, string>;
}

const CELL_BY_GATES: Record<number, CellType> = { 1: 'rnn', 3: 'gru', 4: 'lstm' };

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback;
}

export function importPyTorch(bytes: Uint8Array, options: ImportOptions = {}): ImportedModel {
  const { tensors, metadata } = readSafetensors(bytes);
  const recurrentKey = [...tensors.keys()].find((k) => k.endsWith('weight_ih_l0'));
  if (!recurrentKey)
    throw new SafetensorsError('no recurrent layer: expected a tensor named like rnn.weight_ih_l0');
  const prefix = recurrentKey.slice(0, -'weight_ih_l0'.length);
  const bidirectional = [...tensors.keys()].some(
    (k) => k.startsWith(prefix) && k.endsWith(REVERSE_SUFFIX),
  );
  const heads = [...tensors.keys()].filter(
    (k) =>
      !k.startsWith(prefix) &&
      k.endsWith('weight') &&
      tensors.get(k)?.shape.length === 2 &&
      tensors.has(`${k.slice(0, -'weight'.length)}bias`),
  );
  if (heads.length !== 1)
    throw new SafetensorsError(`expected exactly one nn.Linear head, found ${heads.length}`);
  const headPrefix = (heads[0] as string).slice(0, -'weight'.length);
  const get = (name: string): NamedTensor => {
    const tensor = tensors.get(name);
    if (!tensor) throw new SafetensorsError(`missing tensor ${name}`);
    return tensor;
  };
  const wHH = get(`${prefix}weight_hh_l0`);
  const hiddenSize = wHH.shape[1] as number;
  const gates = (get(recurrentKey).shape[0] as number) / hiddenSize;
  const cell = CELL_BY_GATES[gates];
  if (!cell)
    throw new SafetensorsError(
      `weight_ih_l0 has ${gates} gate blocks; nn.RNN has 1, nn.GRU 3, nn.LSTM 4`,
    );
  let numLayers = 0;
  while (tensors.has(`${prefix}weight_ih_l${numLayers}`)) numLayers++;
  const head = options.head ?? pick<HeadKind>(metadata.head, ['last', 'all'], 'last');
  if (bidirectional && numLayers > 1) {
    throw new SafetensorsError(
      `a bidirectional recurrent layer is supported with one layer only (num_layers=1); this one has ${numLayers}`,
    );
  }
  if (bidirectional && head !== 'last') {
    throw new SafetensorsError(
      'a bidirectional model here classifies whole sequences: it needs the `last` head, not `all`',
    );
  }
  const config: ModelConfig = {
    cell,
    nonlinearity:
      options.nonlinearity ?? pick(metadata.nonlinearity, ['tanh', 'relu', 'sigmoid'], 'tanh'),
    inputKind: options.inputKind ?? pick(metadata.inputKind, ['tokens', 'dense'], 'tokens'),
    inputSize: get(recurrentKey).shape[1] as number,
    hiddenSize,
    numLayers,
    outputSize: get(`${headPrefix}weight`).shape[0] as number,
    head,
    ...(bidirectional ? { bidirectional } : {}),
  };
  const values = new Map<string, Float32Array>();
  for (const spec of paramSpecs(config)) {
    const source = spec.name.startsWith('rnn.')
      ? prefix + spec.name.slice(4)
      : headPrefix + spec.name.slice(3);
    const tensor = get(source);
    if (tensor.shape.join('x') !== spec.shape.join('x')) {
      throw new SafetensorsError(
        `${source} has shape [${tensor.shape.join(', ')}], expected [${spec.shape.join(', ')}]`,
      );
    }
    if (!tensor.data.every(Number.isFinite))
      throw new SafetensorsError(`${source} holds values that are not finite`);
    values.set(spec.name, tensor.data);
  }
  if (gateCount(cell) * hiddenSize !== (get(recurrentKey).shape[0] as number))
    throw new SafetensorsError('inconsistent gate sizes');
  return { model: SequenceModel.fromValues(config, values), config, metadata };
}

/**
 * state_dict names (`rnn.*`, `fc.*`, `rnn.*_reverse` for a bidirectional layer), so
 * `model.load_state_dict(load_file(path))` works on the matching PyTorch module.
 */
export function exportPyTorch(
  model: SequenceModel,
  metadata: Record<string, string> = {},
): Uint8Array {
  const tensors = new Map<string, NamedTensor>();
  const values = model.weightValues();
  for (const spec of paramSpecs(model.config))
    tensors.set(spec.name, { shape: spec.shape, data: values.get(spec.name) as Float32Array });
  const { cell, nonlinearity, inputKind, head, bidirectional } = model.config;
  return writeSafetensors(tensors, {
    format: 'rnn-explorer',
    cell,
    nonlinearity,
    inputKind,
    head,
    ...(bidirectional ? { bidirectional: 'true' } : {}),
    ...metadata,
  });
}

/** What a model file knows beyond its weights, as safetensors metadata (string values only). */
export function taskMetadata(
  manifest: Pick<ModelManifest, 'task' | 'vocabulary' | 'labels'>,
): Record<string, string> {
  return {
    task: manifest.task,
    vocabulary: JSON.stringify(manifest.vocabulary),
    labels: JSON.stringify(manifest.labels),
  };
}

/** A list taskMetadata wrote (`vocabulary`, `labels`), or undefined if absent or malformed. */
export function metadataList(metadata: Record<string, string>, key: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(metadata[key] ?? 'null');
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}
