import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { batchData, packBatch } from '../../src/core/data/batches';
import { loadModel } from '../../src/core/io/modelFile';
import { infer, logSoftmaxRows } from '../../src/core/model/inference';
import { NamesClassifier } from '../../src/core/tasks/names';
import { drivingLetters } from '../../src/extension/hoverSaliency';
import { useTestBackend } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

describe("the hover's letters that drove the prediction", () => {
  before(useTestBackend);

  it('ranks letters by the size of their occlusion, either sign, and names repeated ones', () => {
    const line = drivingLetters(
      [
        { letter: 'a', position: 0, nats: 0.05 },
        { letter: 'b', position: 1, nats: -0.6 },
        { letter: 'a', position: 2, nats: 0.31 },
        { letter: 'c', position: 3, nats: 0.002 },
      ],
      'Czech',
      0.5,
    );
    // P(without) = P·e^(−nats): 0.5·e^0.6, 0.5·e^−0.31, 0.5·e^−0.05.
    assert.equal(line?.letters, 'b → 91.1% · a (letter 3) → 36.7% · a (letter 1) → 47.6%');
    assert.match(line!.meaning, /^P\(Czech\) is 50\.0%; each letter shows what it becomes/);
    assert.match(line!.meaning, /Lower: the letter pushed towards Czech; higher: away from it/);
    assert.equal(drivingLetters([], 'Czech', 0.5), undefined);
  });

  it("the bundled model's contributions are log P without each letter, re-run one at a time", () => {
    const { manifest, model } = loadModel(path.join(ROOT, 'media', 'models', 'names-gru.json'));
    try {
      const classifier = new NamesClassifier(model, manifest);
      const result = classifier.predict('Dostoevsky', 1);
      assert.ok(result.ok);
      const language = result.top[0]!.language;
      const contributions = classifier.letterContributions(result.folded, language);
      const index = manifest.labels.indexOf(language);
      const V = manifest.vocabulary.length;
      const ids = [...result.folded].map((ch) => manifest.vocabulary.indexOf(ch));
      const logP = (x: Float32Array): number => {
        const { probabilities, stepOutputs } = infer(model, {
          steps: ids.length,
          batch: 1,
          mask: new Float32Array(ids.length).fill(1),
          dense: x,
          features: V,
        });
        assert.ok(probabilities.length > 0);
        const last = stepOutputs.subarray((ids.length - 1) * probabilities.length);
        return logSoftmaxRows(last, probabilities.length)[index]!;
      };
      const whole = new Float32Array(ids.length * V);
      ids.forEach((id, t) => (whole[t * V + id] = 1));
      const full = Math.log(
        infer(model, batchData(packBatch([{ ids, label: 0 }]))).probabilities[index]!,
      );
      assert.ok(Math.abs(logP(whole) - full) < 1e-5, 'one-hot rows read as the tokens do');
      assert.deepEqual(
        contributions.map((c) => c.letter),
        [...'Dostoevsky'],
      );
      contributions.forEach(({ position, nats }) => {
        const without = whole.slice();
        without.fill(0, position * V, (position + 1) * V);
        assert.ok(Math.abs(nats - (full - logP(without))) < 1e-5, `letter ${position}`);
      });
      // The line lists the three largest of these, as the hover shows them.
      const probability = result.top[0]!.probability;
      const line = drivingLetters(contributions, language, probability)!;
      const largest = [...contributions].sort((a, b) => Math.abs(b.nats) - Math.abs(a.nats))[0]!;
      assert.ok(line.letters.startsWith(`${largest.letter} `), line.letters);
      // What the hover says P becomes is what the model gives with that letter blanked.
      const without = whole.slice();
      without.fill(0, largest.position * V, (largest.position + 1) * V);
      const shown = `${(100 * Math.exp(logP(without))).toFixed(1)}%`;
      assert.ok(
        line.letters.split(' · ')[0]!.endsWith(`→ ${shown}`),
        `${line.letters} vs ${shown}`,
      );
      assert.equal(line.letters.split(' · ').length, 3);
    } finally {
      model.dispose();
    }
  });
});
