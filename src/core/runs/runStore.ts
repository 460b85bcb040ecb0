/**
 * The run history on disk: one JSON file per run in a folder, each written atomically, within a
 * bound on their number and their total size. Over the bound, the oldest runs lose their
 * per-batch curves first (their epochs, settings and results stay); only then are whole runs
 * removed, oldest first. Whoever saves is told what was dropped, to tell the user.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomic } from '../io/atomicFile';
import { parseRun, RunFileError, type RunRecord } from './runRecord';

export interface RunLimits {
  maxRuns: number;
  maxBytes: number;
}

/** About 200 long runs with their curves: a few megabytes of extension storage. */
export const DEFAULT_RUN_LIMITS: RunLimits = { maxRuns: 200, maxBytes: 8 * 1024 * 1024 };

export interface Eviction {
  /** Names of runs whose per-batch curves were dropped. */
  curvesDropped: string[];
  /** Names of runs removed. */
  removed: string[];
}

export interface RunListing {
  /** Oldest first. */
  runs: RunRecord[];
  /** One sentence per file that is not a run this version reads; those files are left alone. */
  problems: string[];
}

const serialise = (run: RunRecord): string => JSON.stringify(run) + '\n';

export class RunStore {
  constructor(
    private readonly directory: string,
    private readonly limits: RunLimits = DEFAULT_RUN_LIMITS,
  ) {}

  private fileOf(id: string): string {
    return path.join(this.directory, `${id}.json`);
  }

  list(): RunListing {
    let names: string[];
    try {
      names = fs.readdirSync(this.directory).filter((f) => f.endsWith('.json'));
    } catch {
      return { runs: [], problems: [] };
    }
    const runs: RunRecord[] = [];
    const problems: string[] = [];
    for (const name of names) {
      try {
        const run = parseRun(fs.readFileSync(path.join(this.directory, name), 'utf8'));
        if (`${run.id}.json` !== name) throw new RunFileError(`its id is "${run.id}"`);
        runs.push(run);
      } catch (error) {
        if (!(error instanceof RunFileError)) throw error;
        problems.push(`${name}: ${error.message}; left as it is`);
      }
    }
    runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
    return { runs, problems };
  }

  get(id: string): RunRecord | undefined {
    return this.list().runs.find((run) => run.id === id);
  }

  /** Writes the run (replacing its earlier state), then brings the history within its bounds. */
  save(run: RunRecord): Eviction {
    fs.mkdirSync(this.directory, { recursive: true });
    writeAtomic(this.fileOf(run.id), serialise(run));
    return this.enforceLimits(run.id);
  }

  remove(id: string): void {
    fs.rmSync(this.fileOf(id), { force: true });
  }

  rename(id: string, name: string): RunRecord | undefined {
    const run = this.get(id);
    if (!run) return undefined;
    run.name = name;
    writeAtomic(this.fileOf(id), serialise(run));
    return run;
  }

  /** The run just saved is never evicted, so saving always keeps what was saved. */
  private enforceLimits(keep: string): Eviction {
    const dropped = new Set<RunRecord>();
    const removed = new Set<RunRecord>();
    const runs = this.list().runs;
    const size = new Map(runs.map((run) => [run.id, Buffer.byteLength(serialise(run))]));
    const total = (): number => [...size.values()].reduce((sum, bytes) => sum + bytes, 0);
    const oldest = runs.filter((run) => run.id !== keep && run.state !== 'running');
    for (const run of oldest) {
      if (total() <= this.limits.maxBytes) break;
      if (run.batches.length === 0) continue;
      run.batches = [];
      run.batchesDropped = true;
      const text = serialise(run);
      writeAtomic(this.fileOf(run.id), text);
      size.set(run.id, Buffer.byteLength(text));
      dropped.add(run);
    }
    for (const run of oldest) {
      if (total() <= this.limits.maxBytes && size.size <= this.limits.maxRuns) break;
      this.remove(run.id);
      size.delete(run.id);
      removed.add(run);
    }
    return {
      curvesDropped: [...dropped].filter((run) => !removed.has(run)).map((run) => run.name),
      removed: [...removed].map((run) => run.name),
    };
  }
}
