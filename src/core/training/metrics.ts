export interface ClassificationMetrics {
  accuracy: number;
  /** Mean of per-class recall over the classes present, so small languages count as much. */
  macroAccuracy: number;
  /** confusion[actual][predicted] counts. */
  confusion: number[][];
}

export function classificationMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): ClassificationMetrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    (confusion[a] as number[])[p] = ((confusion[a] as number[])[p] as number) + 1;
    if (a === p) correct++;
  }
  const recalls = confusion
    .map((row, c) => {
      const support = row.reduce((s, n) => s + n, 0);
      return support > 0 ? (row[c] as number) / support : undefined;
    })
    .filter((r): r is number => r !== undefined);
  return {
    accuracy: actual.length > 0 ? correct / actual.length : 0,
    macroAccuracy: recalls.length > 0 ? recalls.reduce((s, r) => s + r, 0) / recalls.length : 0,
    confusion,
  };
}

/** The class with the largest value in values[offset, offset + classes): the first of ties, as tf.argMax. */
export function argMaxAt(values: ArrayLike<number>, offset: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) {
    if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
  }
  return best;
}

/** Arg-max hits of [N, C] logit values against targets, skipping positions whose weight is 0. */
export function argMaxHits(
  logits: ArrayLike<number>,
  targets: Int32Array,
  weights?: Float32Array,
): number {
  const C = logits.length / targets.length;
  let correct = 0;
  for (let i = 0; i < targets.length; i++) {
    if (weights?.[i] === 0) continue;
    if (argMaxAt(logits, i * C, C) === targets[i]) correct++;
  }
  return correct;
}
