/**
 * Context keys that tick the Get Started walkthrough's steps (package.json's completionEvents
 * `onContext:`). They are set when the step is really done, whichever command or link did it:
 * `onCommand:` named one command id, so the palette's other train commands never ticked the
 * step, and a cancelled prompt ticked it although nothing was trained.
 */
export const WALKTHROUGH_CONTEXT = {
  /** A training run of any task finished and its model was saved. */
  trained: 'rnnExplorer.walkthrough.trained',
  /** A surname hover was shown. */
  hovered: 'rnnExplorer.walkthrough.hovered',
} as const;
