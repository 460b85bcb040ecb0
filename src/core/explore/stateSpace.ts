import { batchData, packBatch } from '../data/batches';
import { Vocabulary } from '../data/alphabet';
import { outputsAt } from '../model/inference';
import type { SequenceData } from '../model/recurrentStack';
import type { SequenceModel } from '../model/sequenceModel';
import { argMaxAt } from '../training/metrics';
import { inBatches } from '../util';
import { fitPca, projectPca, type PcaBasis } from './pca';

/**
 * Hidden states of the top layer, as the State space view draws them. A bidirectional model's
 * are its forward direction's: the state after each letter read so far, which is what a
 * trajectory means (the backward direction's state after a letter depends on the letters after
 * it).
 */
export interface CollectedStates {
  dimensions: number;
  /** Every input's state after each of its steps, row-major; input i has rows offsets[i]..offsets[i+1]. */
  steps: Float32Array;
  offsets: Int32Array;
  /** Each input's state after its last step, [inputs * dimensions]: its last row of `steps`. */
  finals: Float32Array;
  /** The model's most likely class after each input's last step. */
  predicted: Int32Array;
}

/** Names per forward pass: large enough that per-call costs vanish, small enough for memory. */
const NAMES_PER_BATCH = 512;

/**
 * Every name's states after each of its letters. Names are run sorted by length in batches, so
 * almost no step is padding, and written back in the order given.
 */
export function collectNameStates(
  model: SequenceModel,
  vocabulary: readonly string[],
  names: readonly string[],
): CollectedStates {
  const vocab = new Vocabulary(vocabulary);
  const H = model.config.hiddenSize;
  const C = model.config.outputSize;
  const ids = names.map((name, index) => {
    const encoded = vocab.encode(vocab.fold(name));
    if (encoded.length === 0) throw new Error(`"${name}" has no symbol of the vocabulary`);
    return { ids: encoded, label: index };
  });
  const offsets = new Int32Array(names.length + 1);
  ids.forEach((item, i) => (offsets[i + 1] = (offsets[i] as number) + item.ids.length));
  const steps = new Float32Array((offsets[names.length] as number) * H);
  const finals = new Float32Array(names.length * H);
  const predicted = new Int32Array(names.length);
  const byLength = [...ids].sort((a, b) => a.ids.length - b.ids.length);
  for (const batch of inBatches(byLength, NAMES_PER_BATCH)) {
    const packed = packBatch(batch);
    const data = batchData(packed);
    const { states: hs, outputs: scores } = outputsAt(model, data, data.steps - 1);
    const B = packed.size;
    batch.forEach((item, b) => {
      const index = item.label;
      const at = offsets[index] as number;
      for (let t = 0; t < item.ids.length; t++) {
        steps.set(hs.subarray((t * B + b) * H, (t * B + b + 1) * H), (at + t) * H);
      }
      const last = (item.ids.length - 1) * B + b;
      finals.set(hs.subarray(last * H, (last + 1) * H), index * H);
      predicted[index] = argMaxAt(scores, b * C, C);
    });
  }
  return { dimensions: H, steps, offsets, finals, predicted };
}

/** One sequence's states along it (a passage for a text model, a series for a forecaster). */
export function collectSequenceStates(model: SequenceModel, data: SequenceData): CollectedStates {
  if (data.batch !== 1) throw new Error('One sequence at a time');
  const H = model.config.hiddenSize;
  const C = model.config.outputSize;
  const { states: hs, outputs: scores } = outputsAt(model, data, data.steps - 1);
  const steps = hs.slice(0, data.steps * H);
  return {
    dimensions: H,
    steps,
    offsets: Int32Array.of(0, data.steps),
    finals: steps.slice((data.steps - 1) * H),
    predicted: Int32Array.of(argMaxAt(scores, 0, C)),
  };
}

/**
 * The basis a picture keeps across epochs: fitted on the final states when there are several
 * inputs (the names' points), on the states along the sequence when there is one.
 */
export function fitStateBasis(states: CollectedStates): PcaBasis {
  const inputs = states.offsets.length - 1;
  return fitPca(inputs > 1 ? states.finals : states.steps, states.dimensions, 2);
}

export interface ProjectedStates {
  /** [inputs * 2]. */
  finals: Float64Array;
  /** [steps * 2], rows as in CollectedStates.steps. */
  steps: Float64Array;
}

export function projectStates(basis: PcaBasis, states: CollectedStates): ProjectedStates {
  return { finals: projectPca(basis, states.finals), steps: projectPca(basis, states.steps) };
}

/** The smallest box that holds a set of points on the plane: [lowest, highest] on each axis. */
export interface PlaneExtent {
  x: [number, number];
  y: [number, number];
}

/** The extent of x0, y0, x1, y1, … points. */
export function planeExtent(xy: ArrayLike<number>): PlaneExtent {
  const extent: PlaneExtent = { x: [Infinity, -Infinity], y: [Infinity, -Infinity] };
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const x = xy[i] as number;
    const y = xy[i + 1] as number;
    extent.x = [Math.min(extent.x[0], x), Math.max(extent.x[1], x)];
    extent.y = [Math.min(extent.y[0], y), Math.max(extent.y[1], y)];
  }
  return extent;
}

export function unionExtent(a: PlaneExtent, b: PlaneExtent): PlaneExtent {
  return {
    x: [Math.min(a.x[0], b.x[0]), Math.max(a.x[1], b.x[1])],
    y: [Math.min(a.y[0], b.y[0]), Math.max(a.y[1], b.y[1])],
  };
}
