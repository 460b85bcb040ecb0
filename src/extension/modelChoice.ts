import * as path from 'node:path';
import type { ModelManifest } from '../core/io/modelFile';
import { describeConfig } from '../core/model/config';
import { TASK_TITLES, type TaskName } from '../core/tasks/jobs';
import { NAMES_SPLIT, NAMES_TASK } from '../core/tasks/names';

/*
 * What the sidebar, quick picks, notifications and the hover say about models, and which model
 * answers the hover. Kept free of the vscode module so that unit tests can check it.
 */

export type ModelOrigin = 'default' | 'trained' | 'loaded';

export interface ModelEntry {
  /** The manifest's absolute path. */
  id: string;
  origin: ModelOrigin;
  manifest: ModelManifest;
}

/** "GRU 128 (default)", "Text model: LSTM 256", "GRU 64 (my.json)": two models may share it. */
export function baseTitle(entry: ModelEntry): string {
  const suffix =
    entry.origin === 'default'
      ? ' (default)'
      : entry.origin === 'loaded'
        ? ` (${path.basename(entry.id)})`
        : '';
  const task = entry.manifest.task;
  const kind = task === NAMES_TASK ? '' : `${TASK_TITLES[task as TaskName] ?? task}: `;
  return `${kind}${describeConfig(entry.manifest.config)}${suffix}`;
}

/**
 * The titles already given, so that a model keeps its number when another is removed ("GRU 128
 * #3" stays #3), and a number once given is not given to another model of that kind.
 */
export interface TitleMemory {
  /** Each listed model's title, by id. */
  titles: Record<string, string>;
  /** The highest number given to each base title. */
  highest: Record<string, number>;
}

export const NO_TITLES: TitleMemory = { titles: {}, highest: {} };

/**
 * Every listed model's title, none shared: a model keeps the title it was given (`memory`); a new
 * one gets its base title if it is the first of its kind, else the next number of that kind
 * (" #2", " #3", ...), in list order: the default, then trained ones oldest first, then loaded
 * ones. Returned with the memory to keep for the next listing.
 */
export function uniqueTitles(
  entries: readonly ModelEntry[],
  memory: TitleMemory = NO_TITLES,
): TitleMemory {
  const titles: Record<string, string> = {};
  const highest = { ...memory.highest };
  const taken = new Set<string>();
  const fresh: ModelEntry[] = [];
  // Remembered titles first, so that a new model never takes a title an older one holds.
  for (const entry of entries) {
    const kept = memory.titles[entry.id];
    const base = baseTitle(entry);
    if (kept && (kept === base || kept.startsWith(`${base} #`)) && !taken.has(kept)) {
      titles[entry.id] = kept;
      taken.add(kept);
      const number = kept === base ? 1 : Number(kept.slice(base.length + 2));
      highest[base] = Math.max(highest[base] ?? 0, number);
    } else if (!(entry.id in titles)) fresh.push(entry);
  }
  for (const entry of fresh) {
    if (entry.id in titles) continue;
    const base = baseTitle(entry);
    let number = highest[base] ?? 0;
    let title: string;
    do {
      number += 1;
      title = number === 1 ? base : `${base} #${number}`;
    } while (taken.has(title));
    highest[base] = number;
    taken.add(title);
    titles[entry.id] = title;
  }
  return { titles, highest };
}

/** "1 epoch", "3 epochs". */
export function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/**
 * Whether a finished training makes its model the one in use. A names model never replaces the
 * hover's model by itself: the user compares the two and chooses. Other tasks' models have no
 * hover; their commands (Generate Text, Forecast, ...) run on the task's last trained model,
 * which the user asked for by training it, and a task's first model has nothing to compare with.
 */
export function trainingActivates(task: string): boolean {
  return task !== NAMES_TASK;
}

/** The button of the notification that ends a names training. */
export const USE_FOR_HOVER = 'Use for Hover';

/** "81.2 %": the held-out accuracy of a names model, or undefined when it has none. */
export function heldOutPercent(manifest: Pick<ModelManifest, 'heldOut'>): string | undefined {
  const accuracy = manifest.heldOut?.accuracy;
  return accuracy === undefined ? undefined : `${(100 * accuracy).toFixed(1)} %`;
}

export interface NoticeModel {
  title: string;
  manifest: Pick<ModelManifest, 'heldOut'>;
}

/**
 * The notification at the end of a names training: the new model's held-out accuracy next to
 * that of the model in use (the bundled default counts), so the user can choose.
 */
export function trainedNamesNotice(trained: NoticeModel, inUse: NoticeModel | undefined): string {
  const figure = heldOutPercent(trained.manifest);
  const reached = figure
    ? `${trained.title} reached ${figure} held-out`
    : `${trained.title} finished training (no held-out figure)`;
  if (!inUse) return `RNN Explorer: ${reached}.`;
  const theirs = heldOutPercent(inUse.manifest);
  const has = theirs ? `has ${theirs}` : 'has no held-out figure';
  return `RNN Explorer: ${reached}; the model in use, ${inUse.title}, ${has} and stays in use until you choose ${USE_FOR_HOVER}.`;
}

/** The held-out split a manifest records, in plain words. */
export function describeSplit(split: string): string {
  return split === NAMES_SPLIT
    ? 'held-out split: 1 name in 5, chosen by a hash of the name, the same in every run'
    : split;
}
