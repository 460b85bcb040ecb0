import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CurveSampler } from '../../src/core/runs/curveSampler';
import type {
  BatchPoint,
  GradientSample,
  TrainingSnapshot,
} from '../../src/shared/explorerProtocol';
import { heldCurves, mergeTraining, trainingUpdate } from '../../src/shared/trainingCurves';

/** The host's side: samplers as the training controller keeps them, and its full snapshot. */
function host(serial: number) {
  const batches = new CurveSampler<BatchPoint>(50);
  const gradients = new CurveSampler<GradientSample>(8);
  let step = 0;
  return {
    add(): void {
      step += 1;
      batches.add({
        progress: step / 10,
        loss: 1 / step,
        learningRate: 0.003,
        sequencesPerSecond: 1,
      });
      if (step % 3 === 0) gradients.add({ progress: step / 10, stepNorms: [step], paramNorms: {} });
    },
    full(): TrainingSnapshot {
      return {
        state: 'running',
        epochs: 10,
        epoch: 1 + Math.floor(step / 10),
        batches: batches.points.slice(),
        history: [],
        labels: [],
        gradients: gradients.points.slice(),
        clipNorm: 5,
        curves: `${serial}:${batches.generation}:${gradients.generation}`,
      };
    },
  };
}

describe('live training as deltas', () => {
  it('the page’s copy equals the host’s curves after every update, through halvings and a new run', () => {
    let page: TrainingSnapshot | undefined;
    let sentPoints = 0;
    let fullSends = 0;
    for (const serial of [1, 2]) {
      const h = host(serial);
      for (let update = 0; update < 120; update++) {
        for (let k = 0; k < 1 + (update % 4); k++) h.add();
        const { snapshot, since } = trainingUpdate(h.full(), heldCurves(page));
        if (!since) fullSends += 1;
        sentPoints += snapshot.batches.length;
        page = mergeTraining(page, snapshot, since);
        assert.deepEqual(page.batches, h.full().batches, `run ${serial}, update ${update}`);
        assert.deepEqual(page.gradients, h.full().gradients);
        assert.equal(page.epoch, h.full().epoch);
      }
    }
    // Whole snapshots only at each run's start and each halving; the rest are a few points each.
    assert.ok(fullSends < 20, `${fullSends} full snapshots`);
    assert.ok(sentPoints < 120 * 2 * 50 * 0.3, `${sentPoints} points sent`);
  });

  it('sends everything when the page holds nothing, other curves, or more than there is', () => {
    const h = host(1);
    for (let i = 0; i < 10; i++) h.add();
    const full = h.full();
    assert.equal(trainingUpdate(full, undefined).since, undefined);
    assert.equal(
      trainingUpdate(full, { curves: '9:0:0', batches: 3, gradients: 1 }).since,
      undefined,
    );
    assert.equal(
      trainingUpdate(full, { curves: full.curves!, batches: 11, gradients: 0 }).since,
      undefined,
    );
    const delta = trainingUpdate(full, { curves: full.curves!, batches: 7, gradients: 2 });
    assert.deepEqual(delta.since, { batches: 7, gradients: 2 });
    assert.deepEqual(delta.snapshot.batches, full.batches.slice(7));
  });

  it('a delta that does not continue the page’s copy leaves the page holding nothing', () => {
    const h = host(1);
    for (let i = 0; i < 10; i++) h.add();
    const page = h.full();
    const odd = mergeTraining(page, { ...h.full(), batches: [] }, { batches: 4, gradients: 3 });
    assert.equal(heldCurves(odd), undefined, 'so the host sends the whole snapshot next');
  });
});
