import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPLORER_VIEWS, type ExplorerView } from '../shared/explorerProtocol';
import { BackendService } from './backendService';
import { ExplorerPanel, type ExplorerServices } from './explorer/explorerPanel';
import { registerCommands } from './commands';
import { Checkpoints } from './training/checkpoints';
import { ExplorerSubjects } from './explorer/subjects';
import { registerTaskCommands } from './commands/taskCommands';
import { ModelRegistry } from './modelRegistry';
import { LossChartView } from './lossChartView';
import { ModelsView } from './modelsView';
import { NameHoverProvider } from './nameHover';
import { createStatusBar } from './statusBar';
import { TrainingController } from './training/trainingController';
import { RunHistory } from './runs/runHistory';
import { RunsView } from './runs/runsView';
import { settings } from './settings';
import { registerRunCommands } from './commands/runCommands';

/**
 * Activation stays cheap: tfjs and the model load on the first prediction or hover, not here.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('RNN Explorer', { log: true });
  const backend = new BackendService(context.extensionPath, log);
  const registry = new ModelRegistry(context, log);
  const checkpoints = new Checkpoints(
    context.globalState,
    path.join(context.globalStorageUri.fsPath, 'checkpoints'),
    registry,
    log,
  );
  const runs = new RunHistory(path.join(context.globalStorageUri.fsPath, 'runs'), log, () =>
    settings.epochWeightsKept(),
  );
  runs.markInterrupted();
  const training = new TrainingController(
    context.extensionPath,
    registry,
    backend.wasmDirectory,
    log,
    checkpoints,
    runs,
  );
  const view = new ModelsView(registry, backend, training);
  const runsView = new RunsView(runs);

  const classifier = async () => {
    await backend.ready();
    const entry = registry.activeEntry();
    return {
      classifier: registry.classifier(),
      title: entry ? registry.title(entry) : 'default model',
    };
  };

  const explorer: ExplorerServices = {
    extensionUri: context.extensionUri,
    memento: context.workspaceState,
    log,
    training,
    backendName: () => backend.active?.name ?? 'starting',
    classifier,
    subjects: new ExplorerSubjects(registry, context.extensionPath, () => backend.ready()),
    checkpointsFor: (modelFile) => runs.checkpointsFor(modelFile),
  };

  context.subscriptions.push(
    log,
    ExplorerPanel.register(explorer),
    explorer.subjects,
    vscode.commands.registerCommand(
      'rnnExplorer.openExplorer',
      (input?: unknown, view?: unknown, task?: unknown) =>
        ExplorerPanel.show(
          explorer,
          typeof view === 'string' && (EXPLORER_VIEWS as readonly string[]).includes(view)
            ? (view as ExplorerView)
            : 'graph',
          typeof input === 'string' ? input : undefined,
          typeof task === 'string' ? task : undefined,
        ),
    ),
    vscode.commands.registerCommand('rnnExplorer.openExamples', async () => {
      const file = vscode.Uri.joinPath(context.extensionUri, 'media', 'examples', 'surnames.txt');
      await vscode.window.showTextDocument(file, { preview: false });
    }),
    backend,
    registry,
    training,
    view,
    vscode.window.createTreeView('rnnExplorer.models', {
      treeDataProvider: view,
      showCollapseAll: false,
    }),
    runs,
    runsView,
    vscode.window.createTreeView('rnnExplorer.runs', {
      treeDataProvider: runsView,
      canSelectMany: true,
      showCollapseAll: true,
    }),
    ...registerRunCommands({ extensionUri: context.extensionUri, runs, registry, log }),
    vscode.window.registerWebviewViewProvider(
      LossChartView.viewType,
      new LossChartView(context.extensionUri, training, log),
    ),
    createStatusBar(backend, training),
    vscode.languages.registerHoverProvider({ scheme: '*' }, new NameHoverProvider(classifier, log)),
    ...registerCommands({ registry, backend, training, log, classifier }),
    ...registerTaskCommands({
      extensionUri: context.extensionUri,
      registry,
      training,
      runs,
      wasmDirectory: backend.wasmDirectory,
      log,
      classifier,
      ready: () => backend.ready(),
    }),
    backend.onDidChange(() => registry.reloadOnNextUse()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('rnnExplorer.backend')) void backend.restart();
    }),
  );
  log.info(`RNN Explorer ${String(context.extension.packageJSON.version)} activated`);
  void checkpoints
    .offer()
    .catch((error: unknown) => log.error(`Checkpoint not restored: ${(error as Error).message}`));
  // Show the backend in the status bar and sidebar without waiting for a first hover.
  void backend
    .ready()
    .catch((error: unknown) => log.error(`No backend: ${(error as Error).message}`));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
