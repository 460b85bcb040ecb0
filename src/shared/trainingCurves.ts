/**
 * Live training reaches the Explorer as deltas: once the page holds a run's curves, the host
 * sends only the points after them (a long run's full snapshot is about 400 KB, five times a
 * second, through the workbench). The page says what it holds with every `trainingDrawn`.
 */
import type { TrainingHeld, TrainingSince, TrainingSnapshot } from './explorerProtocol';

/** The page's copy after a `training` message: the snapshot itself, or the held curves extended. */
export function mergeTraining(
  held: TrainingSnapshot | undefined,
  next: TrainingSnapshot,
  since?: TrainingSince,
): TrainingSnapshot {
  if (!since) return next;
  const extends_ =
    held !== undefined &&
    held.curves === next.curves &&
    held.batches.length === since.batches &&
    held.gradients.length === since.gradients;
  // Not the curves these points continue: show what came, and hold nothing, so the host sends
  // the whole snapshot next.
  if (!extends_) return { ...next, curves: undefined };
  return {
    ...next,
    batches: [...held.batches, ...next.batches],
    gradients: [...held.gradients, ...next.gradients],
  };
}

export function heldCurves(snapshot: TrainingSnapshot | undefined): TrainingHeld | undefined {
  return snapshot?.curves === undefined
    ? undefined
    : {
        curves: snapshot.curves,
        batches: snapshot.batches.length,
        gradients: snapshot.gradients.length,
      };
}

/** What to send a page that holds `held`: only the points after it when they continue it. */
export function trainingUpdate(
  full: TrainingSnapshot,
  held: TrainingHeld | undefined,
): { snapshot: TrainingSnapshot; since?: TrainingSince } {
  if (
    held === undefined ||
    full.curves === undefined ||
    held.curves !== full.curves ||
    held.batches > full.batches.length ||
    held.gradients > full.gradients.length
  )
    return { snapshot: full };
  return {
    snapshot: {
      ...full,
      batches: full.batches.slice(held.batches),
      gradients: full.gradients.slice(held.gradients),
    },
    since: { batches: held.batches, gradients: held.gradients },
  };
}
