import * as path from 'node:path';
import * as vscode from 'vscode';
import { BACKEND_ORDER, engineMemory, type BackendPreference } from '../core/backend';
import { copyModel } from '../core/io/modelFile';
import { trainSettings } from '../core/training/settings';
import { MAX_NAME_LENGTH, NAMES_TASK, type NamesClassifier } from '../core/tasks/names';
import type { BackendService } from './backendService';
import { pickCell, pickNumber, pickOpenFile, pickWithDefault } from './commands/prompts';
import { plural } from './modelChoice';
import type { ModelEntry, ModelRegistry } from './modelRegistry';
import type { ViewNode } from './modelsView';
import { settings, type TrainingDefaults } from './settings';
import type { TrainingController } from './training/trainingController';

export interface CommandServices {
  registry: ModelRegistry;
  backend: BackendService;
  training: TrainingController;
  log: vscode.LogOutputChannel;
  classifier(): Promise<{ classifier: NamesClassifier; title: string }>;
}

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const bar = (p: number): string => '█'.repeat(Math.round(p * 20)).padEnd(20, '░');

/** Quick picks for every choice, or one step with the defaults from settings. */
async function askTrainingChoices(
  defaults: TrainingDefaults,
): Promise<TrainingDefaults | undefined> {
  const summary = `${defaults.cell.toUpperCase()}, hidden ${defaults.hiddenSize}, ${plural(defaults.numLayers, 'layer')}, ${plural(defaults.epochs, 'epoch')}, lr ${defaults.learningRate}`;
  // The first step of a multi-step prompt, so a pick with a default that stays open when focus
  // moves, like the steps after it: the palette that ran this command hands focus back to a
  // webview, which completes that asynchronously and would cancel a plain showQuickPick.
  const useDefaults = { label: '$(play) Train with defaults', description: summary, value: false };
  const custom = await pickWithDefault(
    {
      items: [
        useDefaults,
        {
          label: '$(settings-gear) Choose cell, size, layers, epochs and learning rate…',
          value: true,
        },
      ],
      active: useDefaults,
    },
    {
      title: vscode.l10n.t('RNN: Train Name Classifier'),
      placeholder: vscode.l10n.t('Train on the bundled names data set (18 languages)'),
    },
  );
  if (custom === undefined) return undefined;
  if (!custom) return defaults;
  const cell = await pickCell(vscode.l10n.t('Cell (1/5)'), defaults.cell);
  if (!cell) return undefined;
  const hiddenSize = await pickNumber('Hidden size (2/5)', [32, 64, 128, 256], defaults.hiddenSize);
  if (hiddenSize === undefined) return undefined;
  const numLayers = await pickNumber('Layers (3/5)', [1, 2, 3], defaults.numLayers);
  if (numLayers === undefined) return undefined;
  const epochs = await pickNumber('Epochs (4/5)', [1, 3, 5, 10, 20], defaults.epochs);
  if (epochs === undefined) return undefined;
  const learningRate = await pickNumber(
    'Learning rate, Adam (5/5)',
    [0.0003, 0.001, 0.003, 0.01],
    defaults.learningRate,
  );
  if (learningRate === undefined) return undefined;
  return { ...defaults, cell, hiddenSize, numLayers, epochs, learningRate };
}

function validateName(value: string): string | undefined {
  if (value.trim().length === 0) return 'Type a surname, for example Dostoevsky.';
  if ([...value.trim()].length > MAX_NAME_LENGTH)
    return `A surname has at most ${MAX_NAME_LENGTH} characters.`;
  return undefined;
}

async function pickModel(
  registry: ModelRegistry,
  title: string,
  task?: string,
): Promise<ModelEntry | undefined> {
  const entries = registry.entries().filter((e) => task === undefined || e.manifest.task === task);
  const items = entries.map((entry) => ({
    label: registry.title(entry),
    description: [
      entry.manifest.heldOut ? percent(entry.manifest.heldOut.accuracy) : undefined,
      registry.isActive(entry) ? 'in use' : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    detail: entry.id,
    entry,
  }));
  return (await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }))?.entry;
}

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const { registry, backend, training, log } = s;
  const entryOf = (node?: ViewNode): ModelEntry | undefined =>
    node?.kind === 'model' ? node.entry : undefined;

  const predict = async (): Promise<void> => {
    // Every prompt stays open when focus moves: a palette run from a focused webview hands the
    // focus back to it a moment later, which would cancel the prompt (see askTrainingChoices).
    const name = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: vscode.l10n.t('RNN: Predict Name Origin'),
      prompt: vscode.l10n.t('A surname; accents are folded away as in training.'),
      placeHolder: vscode.l10n.t('Dostoevsky'),
      validateInput: validateName,
    });
    if (name === undefined) return;
    const { classifier, title } = await s.classifier();
    const result = classifier.predict(name, 5);
    if (!result.ok) {
      void vscode.window.showWarningMessage(result.reason);
      return;
    }
    log.info(
      `Predict ${result.name}: ${result.top.map((t) => `${t.language} ${percent(t.probability)}`).join(', ')}`,
    );
    const pick = await vscode.window.showQuickPick(
      result.top.map((t) => ({
        label: t.language,
        description: percent(t.probability),
        detail: bar(t.probability),
      })),
      {
        title: vscode.l10n.t(
          '{0}: most likely {1} ({2})',
          result.name,
          result.top[0]?.language ?? '?',
          title,
        ),
        placeHolder: vscode.l10n.t('Top 5 languages of origin'),
        ignoreFocusOut: true,
      },
    );
    if (pick) await vscode.commands.executeCommand('rnnExplorer.explainPrediction', result.name);
  };

  const explain = async (arg?: unknown): Promise<void> => {
    let name = typeof arg === 'string' ? arg : undefined;
    name ??= await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: vscode.l10n.t('RNN: Explain Prediction'),
      placeHolder: vscode.l10n.t('Dostoevsky'),
      validateInput: validateName,
    });
    if (name === undefined) return;
    const { classifier } = await s.classifier();
    const result = classifier.predict(name, 3);
    if (!result.ok) {
      void vscode.window.showWarningMessage(result.reason);
      return;
    }
    await vscode.window.showQuickPick(
      result.prefixes.map((p) => ({
        label: p.prefix,
        description: p.top.map((t) => `${t.language} ${percent(t.probability)}`).join(' · '),
      })),
      {
        title: vscode.l10n.t('How the prediction for {0} evolves, letter by letter', result.name),
        placeHolder: vscode.l10n.t(
          'Each line: the name so far and the top 3 languages after reading it',
        ),
        ignoreFocusOut: true,
      },
    );
  };

  const train = async (): Promise<void> => {
    if (training.refuseWhileTraining()) return;
    const choices = await askTrainingChoices(settings.training());
    if (!choices) return;
    const bidirectional = choices.bidirectional && choices.numLayers === 1;
    if (choices.bidirectional && !bidirectional) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'RNN Explorer: a bidirectional model has one layer here; training a one-directional stack instead.',
        ),
      );
    }
    await training.train({
      job: {
        task: 'names',
        dataDirectory: training.namesDirectory,
        model: {
          cell: choices.cell,
          hiddenSize: choices.hiddenSize,
          numLayers: choices.numLayers,
          dropout: choices.dropout,
          bidirectional,
        },
      },
      title: vscode.l10n.t(
        '{0} {1}{2}{3}',
        choices.cell.toUpperCase(),
        choices.hiddenSize,
        choices.numLayers > 1 ? ` x${choices.numLayers}` : '',
        bidirectional ? ' bidirectional' : '',
      ),
      settings: trainSettings({
        epochs: choices.epochs,
        schedule: settings.schedule(),
        batchSize: choices.batchSize,
        optimizer: { name: 'adam', learningRate: choices.learningRate },
        clipNorm: choices.clipNorm,
        seed: choices.seed,
        // The Explorer's gradient views read these; they cost a few arithmetic passes per step.
        recordGradients: true,
        weightAveraging: choices.weightAveraging,
      }),
    });
  };

  const save = async (node?: ViewNode): Promise<void> => {
    const entry = entryOf(node) ?? registry.activeEntry();
    if (!entry) return;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save {0}', registry.title(entry)),
      filters: { 'RNN Explorer model': ['json'] },
      defaultUri: vscode.Uri.file(
        path.join(
          vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '',
          `names-${entry.manifest.config.cell}.json`,
        ),
      ),
    });
    if (!target) return;
    try {
      copyModel(entry.id, target.fsPath);
      log.info(`Saved ${entry.id} to ${target.fsPath}`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Saved the model to {0} (and its .weights.bin beside it).', target.fsPath),
      );
    } catch (error) {
      log.error(`Save failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'RNN Explorer: could not save the model: {0}. Nothing was overwritten.',
          (error as Error).message,
        ),
      );
    }
  };

  const load = async (): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Loading model files needs a trusted workspace. The bundled model keeps working.',
        ),
      );
      return;
    }
    const file = await pickOpenFile(vscode.l10n.t('RNN: Load Model'), {
      'RNN Explorer model': ['json'],
    });
    if (!file) return;
    try {
      const entry = await registry.addLoaded(file.fsPath);
      log.info(`Loaded ${file.fsPath}`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Loaded {0}; it is now the active model.', registry.title(entry)),
      );
    } catch (error) {
      log.warn(`Load failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'RNN Explorer: cannot load this model. {0}. The active model is unchanged.',
          (error as Error).message,
        ),
      );
    }
  };

  const selectBackend = async (): Promise<void> => {
    const current = settings.backend();
    const active = backend.active?.name;
    const describe: Record<BackendPreference, string> = {
      auto: 'fastest that loads: tensorflow, then wasm, then cpu',
      tensorflow: 'native TensorFlow via @tensorflow/tfjs-node',
      wasm: 'WebAssembly with SIMD',
      cpu: 'plain JavaScript, always available, slowest',
    };
    const picked = await vscode.window.showQuickPick(
      (['auto', ...BACKEND_ORDER] as BackendPreference[]).map((name) => ({
        label: name,
        description: [
          name === current ? 'selected' : undefined,
          name === active ? 'running' : undefined,
        ]
          .filter(Boolean)
          .join(', '),
        detail: describe[name],
        name,
      })),
      {
        title: vscode.l10n.t('RNN: Select Backend (running: {0})', active ?? 'not started'),
        ignoreFocusOut: true,
      },
    );
    if (!picked) return;
    await settings.setBackend(picked.name);
  };

  const use = async (node?: ViewNode): Promise<void> => {
    const entry = entryOf(node) ?? (await pickModel(registry, 'RNN: Use Model'));
    if (entry) await registry.setActive(entry.id);
  };

  /** The one way besides the sidebar to change the hover's model: a finished training never does. */
  const useForHover = async (node?: ViewNode): Promise<void> => {
    const entry =
      entryOf(node) ?? (await pickModel(registry, 'RNN: Use Model for Hover', NAMES_TASK));
    if (entry) await registry.setActive(entry.id);
  };

  const remove = async (node?: ViewNode): Promise<void> => {
    const entry = entryOf(node);
    if (!entry || entry.origin === 'default') return;
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove {0}?', registry.title(entry)),
      { modal: true },
      'Remove',
    );
    if (answer === 'Remove') await registry.remove(entry);
  };

  return [
    vscode.commands.registerCommand('rnnExplorer.train', train),
    vscode.commands.registerCommand('rnnExplorer.cancelTraining', () => training.cancel()),
    vscode.commands.registerCommand('rnnExplorer.predict', predict),
    vscode.commands.registerCommand('rnnExplorer.explainPrediction', explain),
    vscode.commands.registerCommand('rnnExplorer.saveModel', save),
    vscode.commands.registerCommand('rnnExplorer.loadModel', load),
    vscode.commands.registerCommand('rnnExplorer.useModel', use),
    vscode.commands.registerCommand('rnnExplorer.useModelForHover', useForHover),
    vscode.commands.registerCommand('rnnExplorer.removeModel', remove),
    vscode.commands.registerCommand('rnnExplorer.selectBackend', selectBackend),
    vscode.commands.registerCommand('rnnExplorer.showLog', () => log.show()),
    vscode.commands.registerCommand('rnnExplorer.showMemory', async () => {
      await backend.ready();
      const { tensors, bytes, kernelBytes, keptRegions } = engineMemory();
      const rss = process.memoryUsage().rss;
      const mb = (n: number): string => (n / 2 ** 20).toFixed(1);
      const line = `Memory: ${tensors} tensors (${mb(bytes)} MB) in the extension host, whose resident memory is ${(rss / 2 ** 20).toFixed(0)} MB; the recurrence kernel has ${mb(kernelBytes)} MB and holds ${keptRegions} forward passes for backward passes`;
      log.info(line);
      void vscode.window.showInformationMessage(vscode.l10n.t('RNN Explorer: {0}', line));
    }),
  ];
}
