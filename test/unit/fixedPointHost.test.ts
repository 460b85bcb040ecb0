import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  findFixedPoints,
  FIXED_TOLERANCE,
  SLOW_TOLERANCE,
} from '../../src/core/explore/fixedPoints';
import { applyMap, mapTrajectory, modelStepMap } from '../../src/core/explore/stepMap';
import { subjectReading } from '../../src/core/explore/subjects';
import { tokenInput } from '../../src/core/explore/trace';
import type { ModelConfig } from '../../src/core/model/config';
import { initialValues } from '../../src/core/model/params';
import { SequenceModel } from '../../src/core/model/sequenceModel';
import { AnalysisRunner } from '../../src/extension/explorer/analysisRunner';
import { HOST_SEARCH, subjectFixedPoints } from '../../src/extension/explorer/fixedPointHost';
import { StateSpaceHost } from '../../src/extension/explorer/stateSpaceHost';
import type { Subject } from '../../src/extension/explorer/subjects';
import { bundledNamesSubject, smallConfig, useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

const VOCABULARY = ['a', 'b', 'c', 'd'];
/** The analysis worker from its source (dist/analysisWorker.js is the built one). */
const WORKER = path.join(ROOT, 'scripts', 'analysisWorker.dev.mjs');

function subject(config: ModelConfig): Subject {
  const values = initialValues(config, 12);
  // Stronger than PyTorch's initialisation, so the cell is not nearly linear.
  for (const [name, array] of values)
    if (name.startsWith('rnn.')) for (let i = 0; i < array.length; i++) array[i] = 3 * array[i]!;
  const manifest = { task: 'names', vocabulary: VOCABULARY, labels: ['x', 'y'] };
  return {
    task: 'names',
    title: 'test model',
    file: 'test-model.json',
    loaded: {
      model: SequenceModel.fromValues(config, values),
      manifest: manifest as unknown as Subject['loaded']['manifest'],
    },
    reading: subjectReading(manifest),
    defaultInput: 'abc',
  };
}

describe("the Explorer host's fixed points", () => {
  before(async () => {
    await useTestBackend();
  });

  it("answers for a held symbol with points whose residuals are the map's own, and W_hh's blocks", async () => {
    const explored = subject(smallConfig('gru', { hiddenSize: 6 }));
    try {
      // A stand-in basis: each row of h projects to its first two values.
      const rows: Float64Array[] = [];
      const result = await subjectFixedPoints(
        explored,
        { kind: 'symbol', symbol: 'c' },
        'abba',
        new AnalysisRunner(WORKER).search,
        (hs) => {
          rows.push(hs);
          return Float64Array.from(
            { length: (hs.length / 6) * 2 },
            (_, i) => hs[Math.floor(i / 2) * 6 + (i % 2)]!,
          );
        },
      );
      assert.ok(result && !('reason' in result));
      assert.equal(result.starts, HOST_SEARCH.starts);
      assert.equal(result.dimension, 6);
      assert.deepEqual(
        result.blocks.map((b) => b.block),
        ['W_hr', 'W_hz', 'W_hn'],
      );
      assert.ok(result.points.length > 0);
      assert.equal(rows.length, 1);
      assert.deepEqual(
        result.projected,
        result.points.flatMap((p) => p.state.slice(0, 2)),
      );
      // The symbol held is c: the residual is that of the map under token 2, nothing else.
      const map = modelStepMap(explored.loaded.model, 0, { kind: 'token', token: 2 });
      for (const point of result.points) {
        const s = Float64Array.from(point.state);
        const r = Math.hypot(...applyMap(map, s).next.map((x, i) => x - s[i]!));
        assert.ok(Math.abs(r - point.residual) < 1e-12);
        assert.ok(r < (point.kind === 'fixed' ? FIXED_TOLERANCE : SLOW_TOLERANCE));
      }
    } finally {
      explored.loaded.model.dispose();
    }
  });

  it('says why when the symbol is not the model’s or the model is deeper than one layer', async () => {
    const shallow = subject(smallConfig('lstm', { hiddenSize: 4 }));
    const deep = subject(smallConfig('rnn', { hiddenSize: 4, numLayers: 2 }));
    try {
      const search = new AnalysisRunner(WORKER).search;
      const unknown = await subjectFixedPoints(
        shallow,
        { kind: 'symbol', symbol: 'z' },
        'ab',
        search,
      );
      assert.match(unknown && 'reason' in unknown ? unknown.reason : '', /“z” is not a symbol/);
      const layered = await subjectFixedPoints(deep, { kind: 'zero' }, 'ab', search);
      assert.match(layered && 'reason' in layered ? layered.reason : '', /2 deep/);
    } finally {
      shallow.loaded.model.dispose();
      deep.loaded.model.dispose();
    }
  });

  it('searches in the worker as in process, and a newer request supersedes the one under way', async () => {
    const explored = subject(smallConfig('lstm', { hiddenSize: 5 }));
    try {
      const map = modelStepMap(explored.loaded.model, 0, { kind: 'token', token: 1 });
      const visited = mapTrajectory(map, 10);
      const runner = new AnalysisRunner(WORKER);
      const first = runner.search(map, visited, HOST_SEARCH);
      const second = runner.search(map, visited, { ...HOST_SEARCH, seed: 2 });
      assert.equal(await first, undefined);
      const inProcess = findFixedPoints(map, visited, { ...HOST_SEARCH, seed: 2 });
      const answered = await second;
      assert.ok(answered);
      assert.deepEqual(answered.points, inProcess.points);
      assert.equal(answered.dimension, 10);
    } finally {
      explored.loaded.model.dispose();
    }
  });

  it("projects a state with the State space view's basis to where its picture draws it", () => {
    const names = bundledNamesSubject();
    const { loaded } = names;
    try {
      const host = new StateSpaceHost(ROOT, () => []);
      const picture = host.picture(names, 'Dostoevsky');
      assert.ok(!('reason' in picture));
      const item = picture.inputs[0]!;
      const traced = tokenInput(loaded.manifest.vocabulary, item.input)!;
      const H = loaded.model.config.hiddenSize;
      const run = loaded.model.trace(traced.data)[0]!;
      const final = Float64Array.from(run.hs.subarray((traced.data.steps - 1) * H));
      const [x, y] = host.project(names, 'Dostoevsky', final)!;
      // The picture rounds to 4 decimals.
      assert.ok(Math.abs(x! - item.path[item.path.length - 2]!) < 1e-4);
      assert.ok(Math.abs(y! - item.path[item.path.length - 1]!) < 1e-4);
    } finally {
      loaded.model.dispose();
    }
  });
});
