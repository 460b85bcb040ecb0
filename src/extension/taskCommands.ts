/**
 * Commands for the tasks beyond the name classifier: a character language model, name
 * generation, forecasting, PyTorch interop, and the lessons' two comparisons.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkCsvSize, numericColumns, parseCsv } from '../core/data/csv';
import { checkText, checkTextSize, decodeText } from '../core/data/text';
import { compareOrders, reorder } from '../core/explore/order';
import { CLASSIC_SETTINGS, compareTeacherForcing } from '../core/explore/teacherForcing';
import { saveModel } from '../core/io/modelFile';
import {
  exportPyTorch,
  importPyTorch,
  metadataList,
  taskMetadata,
} from '../core/io/pytorchInterop';
import {
  BUNDLED_SERIES,
  bundledSource,
  FORECAST_TASK,
  forecastReport,
  readBundledSeries,
  seriesFromCsv,
  type Series,
} from '../core/tasks/forecasting';
import {
  CLASSIC_SENTENCES,
  generateText,
  TEXT_TASK,
  type TextCorpus,
} from '../core/tasks/languageModel';
import {
  generateNames,
  generatorLanguages,
  NAME_GENERATION_TASK,
} from '../core/tasks/nameGeneration';
import type { NamesClassifier } from '../core/tasks/names';
import { trainSettings } from '../core/training/settings';
import type { TrainSettings } from '../core/training/trainer';
import type { ModelRegistry } from './modelRegistry';
import type { ViewNode } from './modelsView';
import { askNumber, pickCell, pickOpenFile, requireTrust } from './commands/prompts';
import { ResultsPanel } from './results/resultsPanel';
import type { ResultsContent } from '../shared/resultsProtocol';
import { settings } from './settings';
import { WALKTHROUGH_CONTEXT } from './walkthroughContext';
import type { TrainingController } from './training/trainingController';

export interface TaskCommandServices {
  extensionUri: vscode.Uri;
  registry: ModelRegistry;
  training: TrainingController;
  log: vscode.LogOutputChannel;
  classifier(): Promise<{ classifier: NamesClassifier; title: string }>;
  /** Resolves once a tfjs backend runs; commands that touch a model wait for it. */
  ready(): Promise<unknown>;
}

function taskTrainSettings(epochs: number, learningRate: number, batchSize: number): TrainSettings {
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
async function readChecked(
  uri: vscode.Uri,
  check: (bytes: number, name: string) => void,
): Promise<Uint8Array> {
  const name = path.basename(uri.path);
  check((await vscode.workspace.fs.stat(uri)).size, name);
  return vscode.workspace.fs.readFile(uri);
}

export function registerTaskCommands(s: TaskCommandServices): vscode.Disposable[] {
  const { extensionUri, registry, training, log } = s;
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

  const textCorpus = async (
    uri?: vscode.Uri,
  ): Promise<{ corpus: TextCorpus; name: string } | undefined> => {
    if (uri) {
      if (!requireTrust('Training on a file')) return undefined;
      const name = path.basename(uri.path);
      return {
        corpus: { kind: 'stream', text: decodeText(await readChecked(uri, checkTextSize), name) },
        name,
      };
    }
    const editor = vscode.window.activeTextEditor;
    const choices = [
      {
        label: 'The three sentences',
        description: CLASSIC_SENTENCES.map((l) => `"${l}"`).join(', '),
        id: 'classic',
      },
      {
        label: 'Tiny Shakespeare',
        description: 'bundled, 1.1 million characters',
        id: 'shakespeare',
      },
      ...(editor
        ? [
            {
              label: editor.selection.isEmpty ? 'The active editor' : 'The selection',
              description: path.basename(editor.document.fileName),
              id: 'editor',
            },
          ]
        : []),
      { label: 'A text file in the workspace…', description: '.txt, .md', id: 'file' },
    ];
    const picked = await vscode.window.showQuickPick(choices, {
      ignoreFocusOut: true,
      title: vscode.l10n.t('RNN: Train Text Model: what to learn from'),
    });
    if (!picked) return undefined;
    if (picked.id === 'classic')
      return {
        corpus: { kind: 'sentences', lines: CLASSIC_SENTENCES },
        name: 'the three sentences',
      };
    if (picked.id === 'shakespeare') {
      const file = media('data', 'text', 'tinyshakespeare.txt');
      return {
        corpus: { kind: 'stream', text: decodeText(fs.readFileSync(file), 'tinyshakespeare.txt') },
        name: 'tinyshakespeare.txt',
      };
    }
    if (picked.id === 'editor' && editor) {
      const name = path.basename(editor.document.fileName);
      const raw = editor.selection.isEmpty
        ? editor.document.getText()
        : editor.document.getText(editor.selection);
      checkTextSize(Buffer.byteLength(raw), name);
      return {
        corpus: {
          kind: 'stream',
          text: checkText(raw, editor.selection.isEmpty ? name : `The selection in ${name}`),
        },
        name,
      };
    }
    if (!requireTrust('Training on a file')) return undefined;
    const files = await vscode.workspace.findFiles('**/*.{txt,md}', '**/node_modules/**', 500);
    const file = await vscode.window.showQuickPick(
      files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
      { title: vscode.l10n.t('Text file to learn from'), ignoreFocusOut: true },
    );
    return file ? textCorpus(file.uri) : undefined;
  };

  const trainText = guarded(async (uri?: vscode.Uri) => {
    if (training.refuseWhileTraining()) return;
    const source = await textCorpus(uri instanceof vscode.Uri ? uri : undefined);
    if (!source) return;
    const classic = source.corpus.kind === 'sentences';
    const cell = await pickCell('Cell', classic ? 'rnn' : 'gru');
    if (!cell) return;
    let sequenceLength = 100;
    let truncatedBptt = true;
    if (!classic) {
      const k = await askNumber(
        'Characters per chunk: the k of truncated backpropagation through time',
        100,
        2,
        1000,
      );
      if (k === undefined) return;
      sequenceLength = k;
      const carry = await vscode.window.showQuickPick(
        [
          {
            label: 'Truncated BPTT',
            description: `carry the state from chunk to chunk, backpropagate ${k} steps`,
            carry: true,
          },
          {
            label: 'Independent chunks',
            description: 'start every chunk from a zero state',
            carry: false,
          },
        ],
        { title: vscode.l10n.t('How chunks connect'), ignoreFocusOut: true },
      );
      if (!carry) return;
      truncatedBptt = carry.carry;
    }
    const forcing = await vscode.window.showQuickPick(
      [
        {
          label: 'Teacher forcing',
          description: 'feed the true previous character (the usual way)',
          on: true,
        },
        { label: 'Free-running', description: "feed the model's own previous guess", on: false },
      ],
      { title: vscode.l10n.t('Inputs during training'), ignoreFocusOut: true },
    );
    if (!forcing) return;
    const characters = classic ? 45 : (source.corpus as { text: string }).text.length;
    const epochs = classic
      ? CLASSIC_SETTINGS.epochs
      : Math.max(1, Math.min(50, Math.round(400_000 / characters)));
    await training.train({
      job: {
        task: 'text',
        corpus: source.corpus,
        sourceName: source.name,
        model: {
          cell,
          hiddenSize: classic ? 32 : 128,
          numLayers: 1,
          sequenceLength,
          truncatedBptt,
          teacherForcing: forcing.on,
        },
      },
      title: vscode.l10n.t('{0} on {1}', cell.toUpperCase(), source.name),
      settings: taskTrainSettings(epochs, classic ? 0.01 : 0.003, classic ? 64 : 32),
    });
  });

  const withActive = async <T>(
    task: string,
    label: string,
    trainCommand: string,
    use: (loaded: NonNullable<ReturnType<ModelRegistry['loadActive']>>) => Promise<T>,
  ): Promise<T | undefined> => {
    const loaded = registry.loadActive(task);
    if (!loaded) {
      const train = await vscode.window.showInformationMessage(
        vscode.l10n.t('RNN Explorer: there is no {0} yet.', label),
        'Train One',
      );
      if (train) await vscode.commands.executeCommand(trainCommand);
      return undefined;
    }
    try {
      return await use(loaded);
    } finally {
      loaded.model.dispose();
    }
  };

  const generate = guarded(async () => {
    await withActive(
      TEXT_TASK,
      'text model',
      'rnnExplorer.trainTextModel',
      async ({ model, manifest }) => {
        const classic = manifest.taskOptions?.source === 'the three sentences';
        const prime = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: vscode.l10n.t('RNN: Generate Text: priming string'),
          value: classic
            ? 'good'
            : manifest.vocabulary.includes('R')
              ? 'ROMEO:'
              : (manifest.vocabulary[0] ?? ''),
          validateInput: (v) => (v.length === 0 ? 'Give at least one character.' : undefined),
        });
        if (prime === undefined) return;
        const length = await askNumber(
          'Length of the result, priming string included',
          classic ? 15 : 400,
          1,
          20000,
        );
        if (length === undefined) return;
        const temperature = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: vscode.l10n.t(
            'Temperature: 0 always takes the most likely character; 1 samples as trained',
          ),
          value: classic ? '0' : '0.5',
          validateInput: (v) =>
            Number.isFinite(Number(v)) && Number(v) >= 0 && Number(v) <= 5
              ? undefined
              : 'A number from 0 to 5.',
        });
        if (temperature === undefined) return;
        const text = generateText(model, manifest.vocabulary, {
          prime,
          length,
          temperature: Number(temperature),
          seed: Date.now() % 2 ** 31,
        });
        log.info(
          `Generated ${text.length} characters from "${prime}" at temperature ${temperature}`,
        );
        const document = await vscode.workspace.openTextDocument({
          content: text,
          language: 'plaintext',
        });
        await vscode.window.showTextDocument(document, { preview: false });
      },
    );
  });

  const trainGenerator = guarded(async () => {
    if (training.refuseWhileTraining()) return;
    const cell = await pickCell('RNN: Train Name Generator: cell', 'gru');
    if (!cell) return;
    const epochs = await askNumber('Epochs', 5, 1, 100);
    if (epochs === undefined) return;
    await training.train({
      job: {
        task: 'name-generation',
        dataDirectory: training.namesDirectory,
        model: { cell, hiddenSize: 128, numLayers: 1, teacherForcing: true },
      },
      title: vscode.l10n.t('{0} 128 name generator', cell.toUpperCase()),
      settings: taskTrainSettings(epochs, 0.003, 64),
    });
  });

  const generateNamesCommand = guarded(async () => {
    await withActive(
      NAME_GENERATION_TASK,
      'name generator',
      'rnnExplorer.trainNameGenerator',
      async ({ model, manifest }) => {
        const language = await vscode.window.showQuickPick(generatorLanguages(manifest), {
          ignoreFocusOut: true,
          title: vscode.l10n.t('RNN: Generate Names: language'),
        });
        if (!language) return;
        const prefix = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: vscode.l10n.t('First letters of the {0} names (optional)', language),
          placeHolder: vscode.l10n.t('for example: Ko'),
        });
        if (prefix === undefined) return;
        const names = generateNames(model, manifest, {
          language,
          prefix,
          count: 10,
          temperature: 0.7,
          seed: Date.now() % 2 ** 31,
        });
        log.info(
          `Generated ${language} names from "${prefix}": ${names.map((n) => n.name).join(', ')}`,
        );
        const picked = await vscode.window.showQuickPick(
          names.map((n) => ({
            label: n.name,
            description: `p = ${n.probability.toExponential(1)}`,
          })),
          {
            ignoreFocusOut: true,
            title: vscode.l10n.t(
              '{0} names{1}: pick one to copy it',
              language,
              prefix ? ` starting with ${prefix}` : '',
            ),
          },
        );
        if (picked) await vscode.env.clipboard.writeText(picked.label);
      },
    );
  });

  const trainForecast = async (
    series: Series,
    defaults: { window: number; horizon: number },
  ): Promise<void> => {
    const window = await askNumber(
      `Window: past values the RNN reads (${series.values.length} in ${series.name})`,
      defaults.window,
      1,
      1000,
    );
    if (window === undefined) return;
    const horizon = await askNumber('Horizon: future values to forecast', defaults.horizon, 1, 365);
    if (horizon === undefined) return;
    const epochs = series.values.length < 500 ? 60 : 15;
    await training.train({
      job: {
        task: 'forecast',
        series: { ...series, values: Array.from(series.values) },
        model: { cell: 'gru', hiddenSize: 32, numLayers: 1, window, horizon },
      },
      title: vscode.l10n.t('GRU 32 on {0} {1}', series.name, series.column),
      settings: taskTrainSettings(epochs, 0.003, 32),
    });
  };

  const forecastCsv = guarded(async (uri?: vscode.Uri) => {
    if (training.refuseWhileTraining()) return;
    let target = uri instanceof vscode.Uri ? uri : undefined;
    if (!requireTrust('Forecasting a CSV file')) return;
    if (!target) {
      const files = await vscode.workspace.findFiles('**/*.csv', '**/node_modules/**', 500);
      const picked = await vscode.window.showQuickPick(
        files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
        { title: vscode.l10n.t('CSV file to forecast'), ignoreFocusOut: true },
      );
      target = picked?.uri;
    }
    if (!target) return;
    const name = path.basename(target.path);
    const text = new TextDecoder().decode(await readChecked(target, checkCsvSize));
    const columns = numericColumns(parseCsv(text, name));
    if (columns.length === 0)
      throw new Error(`${name} has no numeric column that changes; nothing to forecast.`);
    const column =
      columns.length === 1
        ? columns[0]
        : await vscode.window.showQuickPick(columns, {
            ignoreFocusOut: true,
            title: vscode.l10n.t('Column of {0} to forecast', name),
          });
    if (!column) return;
    const series = seriesFromCsv(text, name, column);
    await trainForecast(series, {
      window: Math.min(24, Math.floor(series.values.length / 6)) || 1,
      horizon: Math.min(12, Math.max(1, Math.floor(series.values.length / 20))),
    });
  });

  const forecastBundled = guarded(async () => {
    if (training.refuseWhileTraining()) return;
    const picked = await vscode.window.showQuickPick(
      [
        ...BUNDLED_SERIES.map((b) => ({ label: b.file, description: b.column, bundled: b })),
        { label: 'A CSV file in the workspace…', description: '', bundled: undefined },
      ],
      { title: vscode.l10n.t('RNN: Forecast Time Series: which series'), ignoreFocusOut: true },
    );
    if (!picked) return;
    if (!picked.bundled) return forecastCsv();
    await trainForecast(
      readBundledSeries(media('data', 'timeseries'), picked.bundled),
      picked.bundled,
    );
  });

  const showForecast = (content: ResultsContent): void =>
    ResultsPanel.show(extensionUri, log, content);

  const compareForcing = guarded(async () => {
    const runs = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('RNN: Teacher forcing against free-running'),
        cancellable: true,
      },
      (progress, token) =>
        compareTeacherForcing(CLASSIC_SETTINGS, {
          shouldStop: () => token.isCancellationRequested,
          onEpoch: (r) =>
            progress.report({ message: `epoch ${r.epoch}/${r.epochs}`, increment: 50 / r.epochs }),
        }),
    );
    if (runs.length < 2) return;
    ResultsPanel.show(extensionUri, log, {
      kind: 'comparison',
      title: vscode.l10n.t('Teacher forcing vs free-running'),
      lossLabel: 'cross-entropy on the sentences',
      note: `The same vanilla RNN (hidden 32) trained ${CLASSIC_SETTINGS.epochs} epochs on the three sentences, once fed the true previous character and once its own guess. Then each sentence's first word primes it at temperature 0.`,
      runs,
    });
  });

  const compareOrder = guarded(async (arg?: unknown) => {
    const name =
      typeof arg === 'string'
        ? arg
        : await vscode.window.showInputBox({
            ignoreFocusOut: true,
            title: vscode.l10n.t('RNN: Input Order Matters: a surname'),
            value: 'Dostoevsky',
          });
    if (!name) return;
    const { classifier, title } = await s.classifier();
    const inputs = [name, reorder(name)];
    const result = compareOrders(classifier, inputs);
    ResultsPanel.show(extensionUri, log, {
      kind: 'order',
      title: vscode.l10n.t('Input order: {0}', result.inputs.map((i) => i.input).join(' vs ')),
      note: `The same letters read by ${title} in two orders. A recurrent state depends on the order of its inputs, not just on which inputs came.`,
      inputs: result.inputs,
      distance: result.distance,
    });
  });

  const importModel = guarded(async () => {
    if (!requireTrust('Importing a model')) return;
    const file = await pickOpenFile(vscode.l10n.t('RNN: Import PyTorch Model'), {
      safetensors: ['safetensors'],
    });
    if (!file) return;
    const bytes = await vscode.workspace.fs.readFile(file);
    const imported = importPyTorch(bytes);
    try {
      const meta = imported.metadata;
      const { classifier } = await s.classifier();
      const namesShaped =
        imported.config.inputSize === classifier.manifest.vocabulary.length &&
        imported.config.outputSize === classifier.manifest.labels.length;
      const vocabulary =
        metadataList(meta, 'vocabulary') ??
        (namesShaped ? [...classifier.manifest.vocabulary] : undefined);
      const labels =
        metadataList(meta, 'labels') ?? (namesShaped ? [...classifier.manifest.labels] : undefined);
      if (!vocabulary || !labels) {
        throw new Error(
          `${path.basename(file.path)} has no "vocabulary" and "labels" metadata and is not shaped like the names task (${classifier.manifest.vocabulary.length} letters in, ${classifier.manifest.labels.length} languages out). Save it with metadata={"vocabulary": json.dumps([...]), "labels": json.dumps([...])}.`,
        );
      }
      const target = registry.newTrainedModelFile(
        `imported-${path.basename(file.path, '.safetensors')}`,
      );
      saveModel(target, imported.model, {
        task: meta.task ?? 'names',
        createdAt: new Date().toISOString(),
        vocabulary,
        labels,
      });
      await registry.setActive(target);
      log.info(`Imported ${file.fsPath} as ${target}`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'RNN Explorer: imported {0}; it is now the active {1} model.',
          path.basename(file.path),
          meta.task ?? 'names',
        ),
      );
    } finally {
      imported.model.dispose();
    }
  });

  const exportModel = guarded(async (node?: ViewNode) => {
    const entry = node?.kind === 'model' ? node.entry : registry.activeEntry();
    if (!entry) return;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('RNN: Export Model as safetensors'),
      filters: { safetensors: ['safetensors'] },
      defaultUri: vscode.Uri.file(
        path.join(path.dirname(entry.id), `${path.basename(entry.id, '.json')}.safetensors`),
      ),
    });
    if (!target) return;
    const loaded = registry.loadEntry(entry);
    try {
      const bytes = exportPyTorch(loaded.model, taskMetadata(entry.manifest));
      await vscode.workspace.fs.writeFile(target, bytes);
      log.info(`Exported ${entry.id} to ${target.fsPath} (${bytes.length} bytes)`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'RNN Explorer: exported to {0}. Load it in PyTorch with safetensors.torch.load_file.',
          path.basename(target.path),
        ),
      );
    } finally {
      loaded.model.dispose();
    }
  });

  const showForecastOfActive = guarded(async () => {
    await withActive(
      FORECAST_TASK,
      'forecaster',
      'rnnExplorer.forecast',
      async ({ model, manifest }) => {
        const o = manifest.taskOptions ?? {};
        const bundled = bundledSource(o);
        if (!bundled)
          throw new Error(
            'Reopen a forecast of a workspace CSV by running "RNN: Forecast CSV Column..." again.',
          );
        const series = readBundledSeries(media('data', 'timeseries'), bundled);
        const report = forecastReport(
          model,
          series,
          {
            window: Number(o.window),
            horizon: Number(o.horizon),
            seasonPeriod: o.seasonPeriod === undefined ? undefined : Number(o.seasonPeriod),
          },
          { mean: Number(o.mean), std: Number(o.std) },
        );
        showForecast({
          kind: 'forecast',
          title: vscode.l10n.t('Forecast: {0} {1}', series.name, series.column),
          report,
        });
      },
    );
  });

  return [
    ResultsPanel.register(extensionUri, log),
    training.onDidFinish((run) => {
      void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.trained, true);
      if (run.forecast) {
        showForecast({
          kind: 'forecast',
          title: vscode.l10n.t('Forecast: {0} {1}', run.forecast.name, run.forecast.column),
          report: run.forecast,
        });
      }
      if (run.request.job.task === 'text')
        void vscode.commands.executeCommand('rnnExplorer.generateText');
    }),
    vscode.commands.registerCommand('rnnExplorer.trainTextModel', trainText),
    vscode.commands.registerCommand('rnnExplorer.generateText', generate),
    vscode.commands.registerCommand('rnnExplorer.trainNameGenerator', trainGenerator),
    vscode.commands.registerCommand('rnnExplorer.generateNames', generateNamesCommand),
    vscode.commands.registerCommand('rnnExplorer.forecast', forecastBundled),
    vscode.commands.registerCommand('rnnExplorer.forecastCsv', forecastCsv),
    vscode.commands.registerCommand('rnnExplorer.showForecast', showForecastOfActive),
    vscode.commands.registerCommand('rnnExplorer.compareTeacherForcing', compareForcing),
    vscode.commands.registerCommand('rnnExplorer.compareOrder', compareOrder),
    vscode.commands.registerCommand('rnnExplorer.importPyTorch', importModel),
    vscode.commands.registerCommand('rnnExplorer.exportPyTorch', exportModel),
  ];
}
