/**
 * The weights of every epoch of recent runs, so the Explorer can show how a network learned:
 * one folder per run, one model file per epoch. The run records stay small JSON; these are
 * binary weights (a GRU 128 names model is about 300 KB an epoch), so only the newest runs
 * keep them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EpochCheckpoint {
  epoch: number;
  /** A model manifest, read with loadModel. */
  file: string;
}

const EPOCH_FILE = /^epoch-(\d+)\.json$/;
/** Run ids are also folder names: the same rule as parseRun's, so no id can leave the folder. */
const RUN_ID = /^[\w-]{1,80}$/;

/** Where a run's checkpoint of one epoch goes. */
export const epochCheckpointFile = (runDirectory: string, epoch: number): string =>
  path.join(runDirectory, `epoch-${epoch}.json`);

export class EpochCheckpointStore {
  constructor(private readonly directory: string) {}

  /** The folder a run's epochs are saved in. */
  directoryOf(runId: string): string {
    if (!RUN_ID.test(runId)) throw new Error(`not a run id: "${runId}"`);
    return path.join(this.directory, runId);
  }

  /** A run's saved epochs, in order; none when it kept none or they were pruned. */
  list(runId: string): EpochCheckpoint[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.directoryOf(runId));
    } catch {
      return [];
    }
    return names
      .map((name) => ({ name, match: EPOCH_FILE.exec(name) }))
      .filter(({ match }) => match !== null)
      .map(({ name, match }) => ({
        epoch: Number((match as RegExpExecArray)[1]),
        file: path.join(this.directoryOf(runId), name),
      }))
      .sort((a, b) => a.epoch - b.epoch);
  }

  remove(runId: string): void {
    fs.rmSync(this.directoryOf(runId), { recursive: true, force: true });
  }

  /** Removes the epochs of every run not in `keep`: runs gone from the history, or too old. */
  keepOnly(keep: ReadonlySet<string>): string[] {
    let folders: string[];
    try {
      folders = fs.readdirSync(this.directory);
    } catch {
      return [];
    }
    const dropped = folders.filter((folder) => RUN_ID.test(folder) && !keep.has(folder));
    for (const folder of dropped) this.remove(folder);
    return dropped;
  }
}
