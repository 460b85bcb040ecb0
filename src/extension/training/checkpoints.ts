import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { copyModel, removeModel } from '../../core/io/modelFile';
import { TASK_TITLES, type TaskName } from '../../core/tasks/jobs';
import { trainingActivates } from '../modelChoice';
import type { ModelRegistry } from '../modelRegistry';
import { offerForHover } from './trainingController';

/** A training that was running when the window went away. */
interface InterruptedRun {
  checkpointFile: string;
  title: string;
  task: TaskName;
  epochs: number;
  lastEpoch: number;
}

const KEY = 'rnnExplorer.runningTraining';

/**
 * The worker saves the weights after every epoch. If the window reloads or closes mid-training,
 * the record of the run survives in global state, and the next activation offers its last
 * completed epoch instead of losing it.
 */
export class Checkpoints {
  constructor(
    private readonly state: vscode.Memento,
    private readonly directory: string,
    private readonly registry: ModelRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Records a starting run; returns where its checkpoints go. */
  begin(run: Pick<InterruptedRun, 'title' | 'task' | 'epochs'>): string {
    fs.mkdirSync(this.directory, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const checkpointFile = path.join(this.directory, `${run.task}-${stamp}.json`);
    void this.state.update(KEY, { ...run, checkpointFile, lastEpoch: 0 } satisfies InterruptedRun);
    return checkpointFile;
  }

  saved(epoch: number): void {
    const run = this.state.get<InterruptedRun>(KEY);
    if (run) void this.state.update(KEY, { ...run, lastEpoch: epoch });
  }

  /** The run ended here (completed, cancelled or failed): its checkpoints are not needed. */
  async end(): Promise<void> {
    const run = this.state.get<InterruptedRun>(KEY);
    if (run) removeModel(run.checkpointFile);
    await this.state.update(KEY, undefined);
  }

  /** On activation: a run recorded as running did not end in this window, so offer its epoch. */
  async offer(): Promise<void> {
    const run = this.state.get<InterruptedRun>(KEY);
    if (!run) return;
    await this.state.update(KEY, undefined);
    if (run.lastEpoch === 0 || !fs.existsSync(run.checkpointFile)) {
      removeModel(run.checkpointFile);
      return;
    }
    const kind = TASK_TITLES[run.task] ?? run.task;
    const keep = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'RNN Explorer: training the {0} "{1}" was interrupted after epoch {2} of {3}. Keep the model from that epoch?',
        kind,
        run.title,
        run.lastEpoch,
        run.epochs,
      ),
      'Keep It',
      'Discard',
    );
    try {
      if (keep === 'Keep It') {
        const target = this.registry.newTrainedModelFile(`${run.task}-epoch${run.lastEpoch}`);
        copyModel(run.checkpointFile, target);
        this.log.info(`Kept the checkpoint of epoch ${run.lastEpoch} as ${target}`);
        // Like a finished training: a names model is offered for the hover, not put in use.
        if (trainingActivates(run.task)) await this.registry.setActive(target);
        else {
          this.registry.added();
          void offerForHover(this.registry, target);
        }
      }
    } finally {
      removeModel(run.checkpointFile);
    }
  }
}
