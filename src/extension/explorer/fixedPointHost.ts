import { blockEigenvalues, type BlockEigenvalues } from '../../core/explore/eigenvalues';
import {
  FIXED_TOLERANCE,
  SLOW_TOLERANCE,
  type FixedPointOptions,
} from '../../core/explore/fixedPoints';
import {
  mapTrajectory,
  modelStepMap,
  type ConstantInput,
  type StepMap,
} from '../../core/explore/stepMap';
import { tokenInput } from '../../core/explore/trace';
import type { SequenceModel } from '../../core/model/sequenceModel';
import type { FixedPointInput, FixedPointsResult } from '../../shared/explorerProtocol';
import type { FixedPointSearcher } from './analysisRunner';
import type { Subject } from './subjects';

/**
 * The Explorer's budget (scripts/bench-fixed-points.ts measures it): each start runs Adam then
 * Newton, in the analysis worker. On the bundled GRU 128, 8 starts found a fixed point under
 * zero input and under 'a' held, where 16 with a shorter polish found only slow points; each
 * start and each reported point's eigenvalues cost a few tenths of a second.
 */
export const HOST_SEARCH: FixedPointOptions = { starts: 8, iterations: 300, noise: 0.05, seed: 1 };
/** Steps of F from zeros under the constant input, whose states seed the starts. */
const TRAJECTORY_STEPS = 30;

/** W_hh's blocks do not change once a model is trained; their eigenvalues are computed once. */
const BLOCKS = new WeakMap<SequenceModel, BlockEigenvalues[]>();

function blocksOf(model: SequenceModel, map: StepMap): BlockEigenvalues[] {
  let blocks = BLOCKS.get(model);
  if (!blocks) {
    blocks = blockEigenvalues(map.weights.cell, map.weights.hidden, map.weights.wHH);
    BLOCKS.set(model, blocks);
  }
  return blocks;
}

/** The states the layer visits reading `text` (tokens models), in the map's layout. */
function textStates(subject: Subject, text: string): Float64Array[] {
  const { model, manifest } = subject.loaded;
  if (model.config.inputKind !== 'tokens') return [];
  const traced = tokenInput(manifest.vocabulary, text);
  if (!traced) return [];
  const [run] = model.trace(traced.data);
  const H = model.config.hiddenSize;
  if (!run) return [];
  return Array.from({ length: traced.data.steps }, (_, t) => {
    const state = new Float64Array(run.cs ? 2 * H : H);
    state.set(run.hs.subarray(t * H, (t + 1) * H));
    if (run.cs) state.set(run.cs.subarray(t * H, (t + 1) * H), H);
    return state;
  });
}

/**
 * The fixed and slow points of the explored model's recurrent layer under a constant input,
 * started from the states it visits under that input and while reading `text`, searched by
 * `search` (the Explorer's worker). One layer only: above the first, a layer's input is the
 * state below, which a constant symbol does not fix. Undefined if a later search superseded it.
 */
export async function subjectFixedPoints(
  subject: Subject,
  input: FixedPointInput,
  text: string,
  search: FixedPointSearcher,
  /** Rows of h on the State space view's basis (x, y each), if it has one. */
  project?: (states: Float64Array) => Float64Array | undefined,
): Promise<FixedPointsResult | undefined> {
  const { model, manifest } = subject.loaded;
  const { config } = model;
  const title = subject.title;
  if (config.numLayers > 1)
    return { title, input, reason: `One layer only; this model is ${config.numLayers} deep.` };
  let constant: ConstantInput = { kind: 'zero' };
  if (input.kind === 'symbol') {
    const token = manifest.vocabulary.indexOf(input.symbol);
    if (config.inputKind !== 'tokens' || token < 0)
      return { title, input, reason: `“${input.symbol}” is not a symbol of this model.` };
    constant = { kind: 'token', token };
  }
  const map = modelStepMap(model, 0, constant);
  const visited = [...mapTrajectory(map, TRAJECTORY_STEPS), ...textStates(subject, text)];
  const found = await search(map, visited, HOST_SEARCH);
  if (!found) return undefined;
  const H = config.hiddenSize;
  // The view draws h; the LSTM's points are [h; c], so their h is the first H values.
  const hs = new Float64Array(found.points.length * H);
  found.points.forEach((point, k) => hs.set(point.state.slice(0, H), k * H));
  const projected = found.points.length > 0 ? project?.(hs) : undefined;
  return {
    title,
    input,
    dimension: found.dimension,
    starts: found.starts,
    millis: found.elapsedMs,
    points: found.points,
    blocks: blocksOf(model, map),
    tolerance: { fixed: FIXED_TOLERANCE, slow: SLOW_TOLERANCE },
    ...(projected ? { projected: Array.from(projected) } : {}),
  };
}
