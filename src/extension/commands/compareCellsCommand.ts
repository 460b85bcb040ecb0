/**
 * `RNN: Compare Cells…`: a vanilla RNN, an LSTM and a GRU trained in turn on the name classifier's
 * bundled data, with the same split, seed, settings and budget. Each is recorded in the run
 * history as it trains, and Compare Runs' chart and table in the Results panel follow them live.
 */
import * as vscode from 'vscode';
import { CELL_LABELS, type CellType } from '../../core/model/config';
import type { RunRecorder } from '../../core/runs/runRecorder';
import type { TaskJob } from '../../core/tasks/jobs';
import { trainSettings } from '../../core/training/settings';
import { plural } from '../modelChoice';
import { ResultsPanel } from '../results/resultsPanel';
import { settings } from '../settings';
import { pickNumber } from './prompts';
import { raceWithProgress, refuseRace } from './raceContext';
import type { TaskCommandServices, TaskContext } from './taskContext';

const CELLS: CellType[] = ['rnn', 'lstm', 'gru'];
/** Small enough that three trainings take minutes, large enough to tell the cells apart. */
const DEFAULT_HIDDEN = 32;
const DEFAULT_EPOCHS = 3;

/** Tests may name the budget; anything else is asked for. */
function budgetArg(raw: unknown, key: 'hiddenSize' | 'epochs', max: number): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = (raw as Record<string, unknown>)[key];
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max
    ? (value as number)
    : undefined;
}

export function registerCompareCellsCommand(
  s: TaskCommandServices,
  { guarded }: TaskContext,
): vscode.Disposable[] {
  const { extensionUri, log, runs, training } = s;

  const compare = guarded(async (raw?: unknown) => {
    if (refuseRace(training)) return;
    const hiddenSize =
      budgetArg(raw, 'hiddenSize', 1024) ??
      (await pickNumber(
        vscode.l10n.t('RNN: Compare Cells: hidden size of every cell (1/2)'),
        [16, 32, 64, 128],
        DEFAULT_HIDDEN,
      ));
    if (hiddenSize === undefined) return;
    const epochs =
      budgetArg(raw, 'epochs', 200) ??
      (await pickNumber(
        vscode.l10n.t('RNN: Compare Cells: epochs, the same for every cell (2/2)'),
        [1, 2, 3, 5, 10],
        DEFAULT_EPOCHS,
      ));
    if (epochs === undefined) return;
    const d = settings.training();
    const job: TaskJob = {
      task: 'names',
      dataDirectory: training.namesDirectory,
      model: { cell: 'rnn', hiddenSize, numLayers: 1, dropout: d.dropout, bidirectional: false },
    };
    const trainingSettings = trainSettings({
      epochs,
      schedule: settings.schedule(),
      batchSize: d.batchSize,
      optimizer: { name: 'adam', learningRate: d.learningRate },
      clipNorm: d.clipNorm,
      seed: d.seed,
      weightAveraging: d.weightAveraging,
    });
    const recorders = new Map<CellType, RunRecorder>();
    const title = vscode.l10n.t('Cells compared: name classifier');
    const content = (note: string) =>
      ({ kind: 'runs', title, note, runs: [...recorders.values()].map((r) => r.run) }) as const;
    const same = `The same names, split, seed (${d.seed}), settings and budget (${plural(epochs, 'epoch')}, hidden ${hiddenSize}) for each cell; only the cell differs. All three are in the Runs view.`;
    const race = raceWithProgress(
      extensionUri,
      vscode.l10n.t('RNN: Compare Cells'),
      {
        type: 'cells',
        job,
        cells: CELLS,
        settings: trainingSettings,
        wasmDirectory: s.wasmDirectory,
        backend: settings.backend(),
      },
      (event, report) => {
        if (event.type === 'sweep-progress' || event.type === 'span-result') return;
        const index = CELLS.indexOf(event.cell);
        const running = `Training the ${CELL_LABELS[event.cell]} (${index + 1} of ${CELLS.length}); its curve grows as its epochs finish.`;
        switch (event.type) {
          case 'cell-start': {
            const model = { ...job.model, cell: event.cell };
            const name = `${CELL_LABELS[event.cell]} ${hiddenSize} (Compare Cells)`;
            recorders.set(
              event.cell,
              runs.begin(name, { ...job, model } as TaskJob, trainingSettings),
            );
            ResultsPanel.show(extensionUri, log, content(running));
            break;
          }
          case 'cell-batch': {
            recorders.get(event.cell)?.batch(event.progress, event.loss, Date.now());
            report(
              (index + event.progress / epochs) / CELLS.length,
              `${CELL_LABELS[event.cell]}, epoch ${Math.min(epochs, Math.floor(event.progress) + 1)}/${epochs}`,
            );
            break;
          }
          case 'cell-epoch': {
            const recorder = recorders.get(event.cell);
            if (recorder) runs.epoch(recorder, event.figures);
            ResultsPanel.update(content(running));
            break;
          }
          case 'cell-end': {
            const recorder = recorders.get(event.cell);
            if (recorder) runs.end(recorder, event.completed ? 'finished' : 'stopped');
            break;
          }
        }
      },
    );
    const outcome = await race.catch((error: unknown) => {
      for (const recorder of recorders.values())
        if (recorder.run.state === 'running') runs.end(recorder, 'failed');
      throw error;
    });
    ResultsPanel.show(
      extensionUri,
      log,
      content(outcome.completed ? same : `Stopped before the last cell finished. ${same}`),
    );
    log.info(
      `Compare Cells: ${outcome.completed ? 'finished' : 'stopped'} in ${outcome.seconds.toFixed(1)} s (${same})`,
    );
  });

  return [vscode.commands.registerCommand('rnnExplorer.compareCells', compare)];
}
