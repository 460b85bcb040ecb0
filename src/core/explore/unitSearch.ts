/**
 * Unit search as LSTMVis does it: which hidden units fire on a selected span of text and not on
 * the rest, and where else in the text a chosen unit fires.
 */

/**
 * A unit "fires" at a step when its activation is past this in the unit's direction. Hidden
 * states lie in −1…1 (tanh, or an LSTM's o·tanh(c)); 0.5 is clearly on, and LSTMVis's own
 * default threshold is a user's slider, so it is a parameter here too.
 */
export const FIRING_THRESHOLD = 0.5;

export interface UnitScore {
  unit: number;
  /**
   * LSTMVis's match: the share of the span's steps on which the unit fires minus the share of
   * the other steps on which it fires, −1…1; 1 is a unit on exactly the span.
   */
  score: number;
  /** +1: it fires by going above +threshold; −1: below −threshold. */
  direction: 1 | -1;
  inside: number;
  outside: number;
}

/** Activations of the steps of a text, [steps*H], as `readText` returns them. */
export interface Activations {
  activations: Float32Array;
  hiddenSize: number;
}

/**
 * Every unit's score for the steps [from, to), best first (ties: the lower unit first).
 * LSTMVis's threshold rule is used rather than a standardised mean difference because its score
 * says something a user can check on the page ("on for 90 % of the span, 3 % elsewhere"), and the
 * same threshold then gives the spans where the unit fires. Units fire either way, as tanh units
 * do (a quote unit may sit at −0.9 inside quotes), so each unit is scored in both directions and
 * keeps the better.
 */
export function rankUnits(
  { activations, hiddenSize: H }: Activations,
  from: number,
  to: number,
  threshold = FIRING_THRESHOLD,
): UnitScore[] {
  const steps = activations.length / H;
  const insideSteps = to - from;
  const outsideSteps = steps - insideSteps;
  if (insideSteps <= 0) throw new Error('The selection holds no character the model reads.');
  const above = new Int32Array(H * 2);
  const aboveInside = new Int32Array(H * 2);
  for (let t = 0; t < steps; t++) {
    const within = t >= from && t < to;
    for (let unit = 0; unit < H; unit++) {
      const value = activations[t * H + unit] as number;
      const slot = value > threshold ? unit * 2 : value < -threshold ? unit * 2 + 1 : -1;
      if (slot < 0) continue;
      above[slot] = (above[slot] as number) + 1;
      if (within) aboveInside[slot] = (aboveInside[slot] as number) + 1;
    }
  }
  const scores = Array.from({ length: H }, (_, unit): UnitScore => {
    const sides = ([1, -1] as const).map((direction, side) => {
      const inFiring = aboveInside[unit * 2 + side] as number;
      const outFiring = (above[unit * 2 + side] as number) - inFiring;
      const inside = inFiring / insideSteps;
      const outside = outsideSteps > 0 ? outFiring / outsideSteps : 0;
      return { unit, score: inside - outside, direction, inside, outside };
    });
    const [up, down] = sides as [UnitScore, UnitScore];
    return down.score > up.score ? down : up;
  });
  return scores.sort((a, b) => b.score - a.score || a.unit - b.unit);
}

/** Runs of consecutive steps [from, to) on which `unit` fires in `direction`. */
export function firingSpans(
  { activations, hiddenSize: H }: Activations,
  unit: number,
  direction: 1 | -1 = 1,
  threshold = FIRING_THRESHOLD,
): Array<{ from: number; to: number }> {
  const steps = activations.length / H;
  const spans: Array<{ from: number; to: number }> = [];
  let start = -1;
  for (let t = 0; t <= steps; t++) {
    const fires = t < steps && direction * (activations[t * H + unit] as number) > threshold;
    if (fires && start < 0) start = t;
    if (!fires && start >= 0) {
      spans.push({ from: start, to: t });
      start = -1;
    }
  }
  return spans;
}
