/**
 * What the task commands share: the services they are given, their training settings, and the
 * wrappers that report errors and reach the active model of a task.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NamesClassifier } from '../../core/tasks/names';
import { trainSettings } from '../../core/training/settings';
import type { TrainSettings } from '../../core/training/trainer';
import type { ResultsContent } from '../../shared/resultsProtocol';
import type { ModelRegistry } from '../modelRegistry';
import type { RunHistory } from '../runs/runHistory';
import { ResultsPanel } from '../results/resultsPanel';
import { settings } from '../settings';
import type { TrainingController } from '../training/trainingController';

export interface TaskCommandServices {
  extensionUri: vscode.Uri;
  registry: ModelRegistry;
  training: TrainingController;
  /** The races record their runs here. */
  runs: RunHistory;
  /** Where the race worker's tfjs loads its WebAssembly from. */
  wasmDirectory: string;
  log: vscode.LogOutputChannel;
  classifier(): Promise<{ classifier: NamesClassifier; title: string }>;
  /** Resolves once a tfjs backend runs; commands that touch a model wait for it. */
  ready(): Promise<unknown>;
}

export function taskTrainSettings(
  epochs: number,
  learningRate: number,
  batchSize: number,
): TrainSettings {
  const d = settings.training();
  return trainSettings({
    epochs,
    batchSize,
    optimizer: { name: 'adam', learningRate },
    clipNorm: d.clipNorm,
    seed: d.seed,
    recordGradients: true,
  });
}

/** Reads a workspace file after checking its size, so a huge file is refused before it loads. */
export async function readChecked(
  uri: vscode.Uri,
  check: (bytes: number, name: string) => void,
): Promise<Uint8Array> {
  const name = path.basename(uri.path);
  check((await vscode.workspace.fs.stat(uri)).size, name);
  return vscode.workspace.fs.readFile(uri);
}

/** A task has no model yet: says so, with a button that runs the task's training command. */
export async function offerTraining(label: string, trainCommand: string): Promise<void> {
  const train = await vscode.window.showInformationMessage(
    vscode.l10n.t('RNN Explorer: there is no {0} yet.', label),
    'Train One',
  );
  if (train) await vscode.commands.executeCommand(trainCommand);
}

/** The helpers every area's commands use, bound once to the services. */
export type TaskContext = ReturnType<typeof createTaskContext>;

export function createTaskContext(s: TaskCommandServices) {
  const { extensionUri, registry, log } = s;
  const media = (...parts: string[]): string => path.join(extensionUri.fsPath, 'media', ...parts);
  const fail = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(message);
    void vscode.window.showErrorMessage(vscode.l10n.t('RNN Explorer: {0}', message));
  };
  const guarded =
    <A extends unknown[]>(run: (...args: A) => Promise<void>) =>
    (...args: A): Promise<void> =>
      s
        .ready()
        .then(() => run(...args))
        .catch(fail);

  const withActive = async <T>(
    task: string,
    label: string,
    trainCommand: string,
    use: (loaded: NonNullable<ReturnType<ModelRegistry['loadActive']>>) => Promise<T>,
  ): Promise<T | undefined> => {
    const loaded = registry.loadActive(task);
    if (!loaded) {
      await offerTraining(label, trainCommand);
      return undefined;
    }
    try {
      return await use(loaded);
    } finally {
      loaded.model.dispose();
    }
  };

  // Both the forecast commands and the end of a forecast's training open the report.
  const showForecast = (content: ResultsContent): void =>
    ResultsPanel.show(extensionUri, log, content);

  return { media, fail, guarded, withActive, showForecast };
}
