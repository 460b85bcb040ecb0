/**
 * Messages between the extension host and its analysis worker, which searches a layer's fixed
 * points off the host's main thread. The map's weights and the starts' states travel as
 * Float64Arrays (structured clone copies them), so the worker needs no model and no tfjs.
 */
import type { FixedPointOptions, FixedPointSearch } from '../core/explore/fixedPoints';
import type { StepMap } from '../core/explore/stepMap';

export interface FixedPointRequest {
  type: 'fixedPoints';
  map: StepMap;
  visited: Float64Array[];
  options: FixedPointOptions;
}

export type AnalysisToHost =
  { type: 'fixedPoints'; search: FixedPointSearch } | { type: 'error'; message: string };
