import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fitPca, projectPca } from '../../src/core/explore/pca';
import { maxAbsDiff } from './helpers';

/** Written by scripts/fixtures/make_pca.py from numpy's SVD; read here without numpy. */
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'pca.json');

interface PcaFixture {
  dimensions: number;
  k: number;
  states: number[];
  other: number[];
  mean: number[];
  components: number[];
  explained: number[];
  projected: number[];
  projectedOther: number[];
}

const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as PcaFixture;
const basis = fitPca(Float64Array.from(fixture.states), fixture.dimensions, fixture.k);

describe('PCA against numpy', () => {
  it('finds the mean and the top components, signed by the largest loading', () => {
    assert.ok(maxAbsDiff(basis.mean, fixture.mean) < 1e-12);
    // numpy reached them by an SVD of the data, this by the covariance: both signed by one rule.
    assert.ok(maxAbsDiff(basis.components, fixture.components) < 1e-9);
  });

  it('gives each component its share of the variance', () => {
    assert.ok(maxAbsDiff(basis.explainedRatio, fixture.explained) < 1e-12);
    const first = basis.explainedRatio[0] as number;
    assert.ok(first > 0.5 && first < 1, `the widest axis (scale 5 of 12) explains ${first}`);
  });

  it('projects the fitted states and another set with the same basis', () => {
    assert.ok(
      maxAbsDiff(projectPca(basis, Float64Array.from(fixture.states)), fixture.projected) < 1e-9,
    );
    assert.ok(
      maxAbsDiff(projectPca(basis, Float64Array.from(fixture.other)), fixture.projectedOther) <
        1e-9,
    );
  });

  it('makes the largest loading of every component positive', () => {
    for (let c = 0; c < fixture.k; c++) {
      const row = basis.components.subarray(c * fixture.dimensions, (c + 1) * fixture.dimensions);
      const largest = Array.from(row).reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a), 0);
      assert.ok(largest > 0, `component ${c + 1}'s largest loading is ${largest}`);
    }
  });

  it('reads float32 states, as the model gives them', () => {
    const single = fitPca(Float32Array.from(fixture.states), fixture.dimensions, fixture.k);
    assert.ok(maxAbsDiff(single.components, fixture.components) < 1e-5);
  });

  it('refuses fewer than two states', () => {
    assert.throws(() => fitPca(new Float64Array(fixture.dimensions), fixture.dimensions));
  });
});
