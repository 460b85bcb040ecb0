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
