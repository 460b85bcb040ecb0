import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { describeAttempts } from '../../core/backend';
import { TASK_TITLES, type TaskJob } from '../../core/tasks/jobs';
import type { ForecastReport } from '../../core/tasks/forecasting';
import type { TrainSettings } from '../../core/training/trainer';
import { loadNames } from '../../core/data/names';
import { heldOutNames, misclassifiedNames, type HeldOutNames } from '../../core/tasks/names';
import { CurveSampler } from '../../core/runs/curveSampler';
import type { BatchPoint, GradientSample, TrainingSnapshot } from '../../shared/explorerProtocol';
import type { ControlTraining, EpochSummary, WorkerEvent } from '../../shared/trainingMessages';
import { plural, trainedNamesNotice, trainingActivates, USE_FOR_HOVER } from '../modelChoice';
import type { ModelRegistry } from '../modelRegistry';
import { settings } from '../settings';
import type { Checkpoints } from './checkpoints';
import type { RunRecorder } from '../../core/runs/runRecorder';
import type { RunHistory } from '../runs/runHistory';
import { formatHeadline } from '../../shared/format';
import { progressLine, throughput, throughputUnit } from '../../shared/trainingFigures';
import {
  playgroundDefaults,
  playgroundSettingsOf,
  type PlaygroundSettings,
} from '../../core/tasks/playground';
import { TrainingWorker } from './trainingWorker';

export interface TrainingStatus {
  task: TaskJob['task'];
  epoch: number;
  epochs: number;
  fraction: number;
  loss?: number;
  sequencesPerSecond?: number;
  tokensPerSecond?: number;
  backend?: string;
  history: EpochSummary[];
  paused: boolean;
}

/** What the Explorer's dashboard draws; kept after a run ends so reopening shows it. */
interface RunRecord {
  title: string;
  task: TaskJob['task'];
  /** The epoch running (from 1), or the last that ran: see formatEpoch. */
  epoch: number;
  epochs: number;
  state: TrainingSnapshot['state'];
  /** Evenly spaced over the whole run (CurveSampler). */
  batches: CurveSampler<BatchPoint>;
  history: EpochSummary[];
  gradients: CurveSampler<GradientSample>;
  clipNorm: number;
  /** The run's settings as the playground's controls show them. */
  settings: PlaygroundSettings;
  /** Counts the runs of this window, to name each run's curves (TrainingSnapshot.curves). */
  serial: number;
}

/** What a run tells its progress notification. */
type ProgressStep = { message?: string; increment?: number };

/** Enough loss points for a smooth curve, few enough to post five times a second. */
const MAX_BATCH_POINTS = 2000;
/** Rows of the gradient heatmap. */
const MAX_GRADIENT_SAMPLES = 300;

export interface TrainingRequest {
  job: TaskJob;
  settings: TrainSettings;
  /** The run's name in progress, the log and the dashboard, e.g. "GRU 128 on tinyshakespeare.txt". */
  title: string;
}

/** A completed run, for whoever shows its results (a forecast plot, generated text, ...). */
export interface FinishedTraining {
  request: TrainingRequest;
  manifestFile: string;
  forecast?: ForecastReport;
}

/**
 * Runs one training at a time in a worker thread, with a cancellable progress notification.
 * A new names model is offered for the hover, never put in use silently (trainingActivates).
 */
export class TrainingController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TrainingStatus | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly finishedRuns = new vscode.EventEmitter<FinishedTraining>();
  readonly onDidFinish = this.finishedRuns.event;
  private readonly thread: TrainingWorker;
  private status?: TrainingStatus;
  /** Ends the run training now, as stopped, without waiting for the worker (restart). */
  private interruptRun?: () => void;
  private record?: RunRecord;
  private heldOutNames?: HeldOutNames;

  constructor(
    private readonly extensionPath: string,
    private readonly registry: ModelRegistry,
    private readonly wasmDirectory: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly checkpoints: Checkpoints,
    private readonly runs: RunHistory,
  ) {
    this.thread = new TrainingWorker(path.join(extensionPath, 'dist', 'trainWorker.js'));
  }

  get running(): TrainingStatus | undefined {
    return this.status;
  }

  cancel(): void {
    this.post({ type: 'stop' });
  }

  pause(): void {
    if (!this.status || this.status.paused) return;
    this.status.paused = true;
    if (this.record) this.record.state = 'paused';
    this.post({ type: 'pause' });
    this.changed.fire(this.status);
  }

  resume(): void {
    if (!this.status?.paused) return;
    this.status.paused = false;
    if (this.record) this.record.state = 'running';
    this.post({ type: 'resume' });
    this.changed.fire(this.status);
  }

  snapshot(): TrainingSnapshot {
    const r = this.record;
    const last = r?.history[r.history.length - 1];
    return {
      state: r?.state ?? 'idle',
      title: r?.title,
      task: r?.task,
      epoch: r?.epoch,
      epochs: r?.epochs ?? 0,
      batches: r?.batches.points ?? [],
      history: r?.history.map(({ confusion: _c, predictions: _p, ...point }) => point) ?? [],
      confusion: last?.confusion,
      labels: this.languages(),
      gradients: r?.gradients.points ?? [],
      clipNorm: r?.clipNorm ?? 0,
      settings: r?.settings ?? playgroundDefaults(settings.training()),
      ...(r ? { curves: `${r.serial}:${r.batches.generation}:${r.gradients.generation}` } : {}),
    };
  }

  /** Held-out names of one language that the last evaluation assigned to another. */
  misclassified(
    actual: number,
    predicted: number,
  ): { actual: string; predicted: string; names: string[] } {
    const heldOut = this.heldOut();
    const last = this.record?.history[this.record.history.length - 1];
    const names = last ? misclassifiedNames(heldOut, last.predictions, actual, predicted) : [];
    return {
      actual: heldOut.languages[actual] ?? '?',
      predicted: heldOut.languages[predicted] ?? '?',
      names,
    };
  }

  private heldOut(): HeldOutNames {
    this.heldOutNames ??= heldOutNames(loadNames(this.namesDirectory));
    return this.heldOutNames;
  }

  private languages(): string[] {
    return this.heldOut().languages;
  }

  get namesDirectory(): string {
    return path.join(this.extensionPath, 'media', 'data', 'names');
  }

  /**
   * One training at a time. A training command asks this before its first prompt, so nobody
   * chooses settings for a run that cannot start; says why and returns true while one runs.
   */
  refuseWhileTraining(): boolean {
    if (!this.status) return false;
    const { epoch, epochs } = this.status;
    this.log.warn(`Did not start another training: already training (epoch ${epoch}/${epochs})`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'RNN Explorer is already training (epoch {0}/{1}). Cancel it first, or wait for it to finish.',
        epoch,
        epochs,
      ),
    );
    return true;
  }

  async train(request: TrainingRequest): Promise<void> {
    // Checked again: two prompts may have been open at once.
    if (this.refuseWhileTraining()) return;
    await this.launch(request);
  }

  /** The Training view is open: have the worker ready for the playground's first run. */
  warm(): void {
    this.thread.warm({ wasmDirectory: this.wasmDirectory, backend: settings.backend() });
  }

  /**
   * The playground's run: starts at once, with no prompt. A run training now stops, and stays
   * in the history as stopped; the warm worker starts the new one as soon as the old one has
   * left its batch.
   */
  async restart(request: TrainingRequest): Promise<void> {
    this.interruptRun?.();
    await this.launch(request);
  }

  private async launch(request: TrainingRequest): Promise<void> {
    // Epoch 1 is the one starting: every counter shows the epoch running (formatEpoch).
    const status: TrainingStatus = {
      task: request.job.task,
      epoch: 1,
      epochs: request.settings.epochs,
      fraction: 0,
      history: [],
      paused: false,
    };
    this.status = status;
    this.record = {
      title: request.title,
      task: request.job.task,
      epoch: 1,
      epochs: request.settings.epochs,
      state: 'running',
      batches: new CurveSampler(MAX_BATCH_POINTS),
      history: status.history,
      gradients: new CurveSampler(MAX_GRADIENT_SAMPLES),
      clipNorm: request.settings.clipNorm,
      settings: playgroundSettingsOf(request.job, request.settings),
      serial: (this.record?.serial ?? 0) + 1,
    };
    // The run starts before anything is awaited, so a restart right after it finds it to stop.
    let report: (step: ProgressStep) => void = () => undefined;
    const done = this.runWorker(
      request,
      status,
      this.runs.begin(request.title, request.job, request.settings),
      (step) => report(step),
    );
    void vscode.commands.executeCommand('setContext', 'rnnExplorer.training', true);
    this.changed.fire(status);
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('RNN: Training the {0}', TASK_TITLES[request.job.task]),
          cancellable: true,
        },
        (progress, token) => {
          report = (step) => progress.report(step);
          const cancel = token.onCancellationRequested(() => {
            this.log.info('Training cancel requested');
            this.post({ type: 'stop' });
          });
          return done.finally(() => cancel.dispose());
        },
      );
    } finally {
      // A restart has already put another run in its place.
      if (this.status === status) {
        this.status = undefined;
        await vscode.commands.executeCommand('setContext', 'rnnExplorer.training', false);
        this.changed.fire(undefined);
      }
    }
  }

  private runWorker(
    request: TrainingRequest,
    status: TrainingStatus,
    run: RunRecorder,
    report: (step: ProgressStep) => void,
  ): Promise<void> {
    const { job, settings: s } = request;
    const manifestFile = this.registry.newTrainedModelFile(
      `${job.task}-${job.model.cell}-h${job.model.hiddenSize}`,
    );
    const record = this.record;
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = Date.now();
    let reported = 0;
    const unit = throughputUnit(job.task).short;
    this.log.info(
      `Training started: ${TASK_TITLES[job.task]}, ${request.title}, ${plural(s.epochs, 'epoch')}, ` +
        `batch ${s.batchSize}, ${s.optimizer.name} lr ${s.optimizer.learningRate}, clip ${s.clipNorm}, seed ${s.seed}`,
    );
    return new Promise<void>((resolve) => {
      let ended = false;
      const finish = (): void => {
        if (ended) return;
        ended = true;
        if (this.interruptRun === interrupt) this.interruptRun = undefined;
        delay.disable();
        const p99 = delay.percentile(99) / 1e6;
        this.log.info(
          `Extension host event-loop delay during training: p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, ` +
            `p99 ${p99.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`,
        );
        resolve();
      };
      const interrupt = (): void => {
        this.post({ type: 'stop' });
        this.runs.end(run, 'stopped');
        void this.checkpoints.end();
        if (record) record.state = 'stopped';
        this.log.info(`Training restarted from the playground: "${request.title}" stopped`);
        finish();
      };
      this.interruptRun = interrupt;
      // After a restart, this run's last events are not news: its record is closed.
      const onEvent = (message: WorkerEvent): void => {
        if (ended) return;
        switch (message.type) {
          case 'backend':
            status.backend = message.info.name;
            this.log.info(`Training backend: ${describeAttempts(message.info)}`);
            break;
          case 'batch': {
            status.epoch = message.epoch;
            if (record) record.epoch = message.epoch;
            status.loss = message.loss;
            status.sequencesPerSecond = message.sequencesPerSecond;
            status.tokensPerSecond = message.tokensPerSecond;
            const fraction = (message.epoch - 1 + message.batch / message.batches) / message.epochs;
            report({
              increment: Math.max(0, (fraction - reported) * 100),
              message: progressLine(job.task, message),
            });
            reported = Math.max(reported, fraction);
            status.fraction = fraction;
            run.batch(fraction * message.epochs, message.loss, Date.now());
            record?.batches.add({
              progress: fraction * message.epochs,
              loss: message.loss,
              learningRate: message.learningRate,
              sequencesPerSecond: message.sequencesPerSecond,
              tokensPerSecond: message.tokensPerSecond,
            });
            record?.gradients.add({
              progress: fraction * message.epochs,
              stepNorms: message.stepGradNorms,
              paramNorms: message.paramGradNorms,
            });
            break;
          }
          case 'epoch': {
            const e = message.summary;
            status.history.push(e);
            this.runs.epoch(run, e);
            this.log.info(
              `Epoch ${e.epoch}/${e.epochs}: train loss ${e.trainLoss.toFixed(4)}, held-out loss ${e.heldOutLoss.toFixed(4)}, ` +
                `${formatHeadline(e.headline)}, ${Math.round(throughput(job.task, e))} ${unit}`,
            );
            break;
          }
          case 'checkpoint':
            this.checkpoints.saved(message.epoch);
            break;
          case 'done':
            this.runs.end(run, message.completed ? 'finished' : 'stopped', message.manifestFile);
            void this.checkpoints.end();
            void this.finished(request, message, status, Date.now() - started);
            this.thread.idle();
            finish();
            return;
          case 'error':
            this.runs.end(run, 'failed');
            void this.checkpoints.end();
            this.log.error(`Training failed: ${message.message}`);
            void vscode.window.showErrorMessage(
              vscode.l10n.t(
                'RNN Explorer: training failed: {0}. The active model is unchanged.',
                message.message,
              ),
            );
            this.thread.idle();
            finish();
            return;
        }
        this.changed.fire(status);
      };
      const onCrash = (error: Error): void => {
        if (ended) return;
        this.runs.end(run, 'failed');
        void this.checkpoints.end();
        this.log.error(`Training worker crashed: ${error.message}`);
        void vscode.window.showErrorMessage(
          vscode.l10n.t(
            'RNN Explorer: training stopped unexpectedly: {0}. The active model is unchanged.',
            error.message,
          ),
        );
        finish();
      };
      this.thread.start(
        {
          wasmDirectory: this.wasmDirectory,
          backend: settings.backend(),
          job,
          settings: s,
          threads: settings.trainingThreads(),
          manifestFile,
          epochDirectory: this.runs.epochDirectory(run),
          checkpointFile: this.checkpoints.begin({
            title: request.title,
            task: job.task,
            epochs: s.epochs,
          }),
        },
        { onEvent, onCrash },
      );
    });
  }

  private async finished(
    request: TrainingRequest,
    message: Extract<WorkerEvent, { type: 'done' }>,
    status: TrainingStatus,
    wallMs: number,
  ): Promise<void> {
    if (this.record) this.record.state = message.completed ? 'finished' : 'stopped';
    this.changed.fire(undefined);
    if (!message.completed || !message.manifestFile) {
      this.log.info(
        `Training cancelled after ${(wallMs / 1000).toFixed(1)} s; the active model is unchanged.`,
      );
      void vscode.window.showInformationMessage(
        vscode.l10n.t('RNN Explorer: training cancelled. The active model is unchanged.'),
      );
      return;
    }
    const last = status.history[status.history.length - 1];
    const figure = last ? formatHeadline(last.headline) : 'no epoch finished';
    this.log.info(
      `Training finished in ${(wallMs / 1000).toFixed(1)} s (${Math.round(message.sequencesPerSecond)} sequences/s` +
        `${message.helperSteps ? `; a helper thread took part in ${message.helperSteps} steps` : ''}); ` +
        `${figure}; saved ${message.manifestFile}`,
    );
    const manifestFile = message.manifestFile;
    if (trainingActivates(request.job.task)) await this.registry.setActive(manifestFile);
    else this.registry.added();
    this.finishedRuns.fire({ request, manifestFile, forecast: message.forecast });
    if (trainingActivates(request.job.task)) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'RNN Explorer: the {0} finished training ({1}); it is now the active {2}.',
          TASK_TITLES[request.job.task],
          figure,
          TASK_TITLES[request.job.task],
        ),
      );
      return;
    }
    await offerForHover(this.registry, manifestFile);
  }

  private post(message: ControlTraining): void {
    this.thread.control(message);
  }

  dispose(): void {
    this.thread.dispose();
    this.changed.dispose();
    this.finishedRuns.dispose();
  }
}

/**
 * Compares a new names model with the one in use (the bundled default counts) and switches the
 * hover to it only when the user picks "Use for Hover".
 */
export async function offerForHover(registry: ModelRegistry, manifestFile: string): Promise<void> {
  const trained = registry.entries().find((e) => e.id === manifestFile);
  if (!trained) return;
  const inUse = registry.activeEntry();
  const notice = trainedNamesNotice(
    { title: registry.title(trained), manifest: trained.manifest },
    inUse && { title: registry.title(inUse), manifest: inUse.manifest },
  );
  const choice = await vscode.window.showInformationMessage(notice, USE_FOR_HOVER);
  if (choice === USE_FOR_HOVER) await registry.setActive(manifestFile);
}
