/**
 * The Explorer's unit search, without VS Code: the text on screen read by the model in use with
 * `readText`, ranked with `rankUnits` (the same reading and ranking as the editor's Find Units
 * for Selection), and what the page needs to draw the best units.
 */
import { readText, stepsBetween } from '../../core/explore/surprise';
import { FIRING_THRESHOLD, rankUnits } from '../../core/explore/unitSearch';
import type { SequenceModel } from '../../core/model/sequenceModel';
import { TEXT_TASK } from '../../core/tasks/languageModel';
import type { UnitSearchResult } from '../../shared/explorerProtocol';
import { otherFirings } from '../editor/unitChoices';

/** Units sent to the page: a list a learner reads, not every unit of a 256-wide layer. */
export const UNITS_LISTED = 10;

export interface UnitSearchSubject {
  task: string;
  title: string;
  loaded: { model: SequenceModel; manifest: { vocabulary: readonly string[] } };
}

/** The ranked units of `subject` on [start, end) (UTF-16 offsets) of `text`, best first. */
export function explorerUnitSearch(
  subject: UnitSearchSubject,
  text: string,
  start: number,
  end: number,
): UnitSearchResult {
  const asked = { title: subject.title, text, start, end };
  if (subject.task !== TEXT_TASK)
    return {
      ...asked,
      reason:
        'Unit search reads a text model: pick one in the model list above, or train one with RNN: Train Text Model….',
    };
  const { model, manifest } = subject.loaded;
  const reading = readText(model, manifest.vocabulary, text, { topK: 1 });
  const { from, to } = stepsBetween(reading, start, end);
  if (to <= from)
    return {
      ...asked,
      reason: 'The selection holds no character the model reads: select some that it does.',
    };
  const H = reading.hiddenSize;
  const steps = reading.activations.length / H;
  const units = rankUnits(reading, from, to)
    .slice(0, UNITS_LISTED)
    .map((score) => ({
      ...score,
      values: Array.from(
        { length: steps },
        (_, t) => reading.activations[t * H + score.unit] as number,
      ),
      elsewhere: otherFirings(reading, score, from, to),
    }));
  return {
    ...asked,
    hiddenSize: H,
    threshold: FIRING_THRESHOLD,
    offsets: Array.from(reading.offsets),
    steps: Array.from(reading.steps),
    units,
  };
}
