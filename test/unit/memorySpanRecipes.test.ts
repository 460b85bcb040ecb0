import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MEMORY_SPAN_DEFAULTS } from '../../src/core/tasks/memorySpan';
import { DEFAULT_SPAN_RECIPE, SPAN_RECIPES } from '../../src/core/tasks/memorySpanRecipes';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('the ways Memory Span trains the cells', () => {
  it('races all three cells on the measured task, gates biased by 3 first', () => {
    assert.equal(DEFAULT_SPAN_RECIPE, SPAN_RECIPES[0]);
    assert.deepEqual(DEFAULT_SPAN_RECIPE.sweep.init, { forgetGateBias: 3, updateGateBias: 3 });
    for (const { sweep } of SPAN_RECIPES) {
      assert.deepEqual(sweep.cells, ['rnn', 'lstm', 'gru']);
      assert.equal(sweep.symbols, MEMORY_SPAN_DEFAULTS.symbols);
      assert.equal(sweep.distractors, MEMORY_SPAN_DEFAULTS.distractors);
      assert.equal(sweep.trainSize, MEMORY_SPAN_DEFAULTS.trainSize);
    }
  });

  it('states the share a biased gate keeps per step, and after 20 steps, as its bias gives it', () => {
    const biased = SPAN_RECIPES.filter((r) => r.sweep.init.forgetGateBias !== undefined);
    assert.ok(biased.length >= 2);
    for (const recipe of biased) {
      const bias = recipe.sweep.init.forgetGateBias as number;
      assert.equal(recipe.sweep.init.updateGateBias, bias, 'both gated cells get the same bias');
      const kept = sigmoid(bias).toFixed(2);
      assert.ok(recipe.why.includes(`about ${kept} of its state per step`), recipe.why);
      const after20 = Number(kept) ** 20;
      const printed = /\^20 ≈ ([\d.]+)/.exec(recipe.why)?.[1];
      assert.ok(printed, recipe.why);
      assert.equal(Number(printed).toPrecision(1), after20.toPrecision(1), recipe.id);
    }
  });
});
