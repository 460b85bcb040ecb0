import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { WALKTHROUGH_CONTEXT } from '../../src/extension/walkthroughContext';

interface Step {
  id: string;
  completionEvents: string[];
}
const manifest = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'),
) as { contributes: { walkthroughs: { steps: Step[] }[] } };
const steps = manifest.contributes.walkthroughs[0]!.steps;
const events = (id: string): string[] => steps.find((s) => s.id === id)!.completionEvents;

describe('the walkthrough ticks a step when it is really done', () => {
  it('ticks "Train" after a run of any task finishes, not on one command id', () => {
    assert.deepEqual(events('train'), [`onContext:${WALKTHROUGH_CONTEXT.trained}`]);
  });

  it('ticks "Hover" when a surname hover is shown', () => {
    assert.ok(events('hover').includes(`onContext:${WALKTHROUGH_CONTEXT.hovered}`));
  });

  it('sets every context key the walkthrough waits for', () => {
    const keys = new Set<string>(Object.values(WALKTHROUGH_CONTEXT));
    for (const event of steps.flatMap((s) => s.completionEvents))
      if (event.startsWith('onContext:')) assert.ok(keys.has(event.slice(10)), event);
  });
});
