/**
 * The Runs view's commands: rename, delete, use a run's model or open it in the Explorer, compare
 * runs, export runs as CSV or JSON or a run as a PyTorch script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../core/runs/runRecord';
import { pytorchScript, ScriptExportError } from '../../core/runs/pytorchScript';
import { runsCsv, runsJson } from '../../core/runs/runTable';
import { plural } from '../modelChoice';
import type { ModelRegistry } from '../modelRegistry';
import type { RunHistory } from '../runs/runHistory';
import type { RunsNode } from '../runs/runsView';
import { ResultsPanel } from '../results/resultsPanel';
import { TASK_TITLES } from '../../core/tasks/jobs';

export interface RunCommandServices {
  extensionUri: vscode.Uri;
  runs: RunHistory;
  registry: ModelRegistry;
  log: vscode.LogOutputChannel;
}

/** The runs a context-menu command acts on: every selected run, or the one clicked. */
function chosenRuns(node?: RunsNode, selected?: readonly RunsNode[]): RunRecord[] {
  const nodes = selected && selected.length > 0 ? selected : node ? [node] : [];
  return nodes.flatMap((n) => (n.kind === 'run' ? [n.run] : []));
}

const MAX_RUN_NAME = 100;

/** More lines than the chart has distinct colours would be read as the same run. */
export const MAX_COMPARED_RUNS = 5;

export function registerRunCommands({
  extensionUri,
  runs,
  registry,
  log,
}: RunCommandServices): vscode.Disposable[] {
  const rename = async (node?: RunsNode): Promise<void> => {
    const [run] = chosenRuns(node);
    if (!run) return;
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('RNN: Rename Run'),
      value: run.name,
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.trim().length === 0
          ? 'A run needs a name.'
          : value.trim().length > MAX_RUN_NAME
            ? `At most ${MAX_RUN_NAME} characters.`
            : undefined,
    });
    if (name === undefined) return;
    runs.rename(run.id, name.trim());
    log.info(`Run history: renamed "${run.name}" to "${name.trim()}"`);
  };

  const remove = async (node?: RunsNode, selected?: readonly RunsNode[]): Promise<void> => {
    const chosen = chosenRuns(node, selected);
    if (chosen.length === 0) return;
    const what = chosen.length === 1 ? `"${chosen[0]?.name}"` : plural(chosen.length, 'run');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete {0} from the run history? Their models stay in the Models view.', what),
      { modal: true },
      'Delete',
    );
    if (answer !== 'Delete') return;
    runs.remove(chosen.map((run) => run.id));
    log.info(`Run history: deleted ${chosen.map((run) => `"${run.name}"`).join(', ')}`);
  };

  /** Puts the run's model in use for its task; the run, or undefined when its model is gone. */
  const useModel = async (node?: RunsNode): Promise<RunRecord | undefined> => {
    const [run] = chosenRuns(node);
    if (!run?.modelFile) return undefined;
    if (!fs.existsSync(run.modelFile)) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('RNN Explorer: the model of "{0}" was removed.', run.name),
      );
      return undefined;
    }
    await registry.setActive(run.modelFile);
    log.info(`Run history: the model of "${run.name}" is now in use (${run.modelFile})`);
    return run;
  };

  // The Explorer traces each task's model in use, so opening a run there puts its model in use,
  // and says so: for names that is the hover's model too, which never changes silently. Compare
  // Runs' table names the run by its id.
  const openInExplorer = async (target?: RunsNode | string): Promise<void> => {
    const byId = typeof target === 'string' ? runs.get(target) : undefined;
    const node: RunsNode | undefined =
      typeof target === 'string' ? byId && { kind: 'run', run: byId } : target;
    const run = await useModel(node);
    if (!run) return;
    await vscode.commands.executeCommand('rnnExplorer.openExplorer', undefined, 'graph', run.task);
    void vscode.window.showInformationMessage(
      run.task === 'names'
        ? vscode.l10n.t(
            'RNN Explorer: the model of "{0}" is now in use, in the Explorer and for the hover.',
            run.name,
          )
        : vscode.l10n.t('RNN Explorer: the model of "{0}" is now in use.', run.name),
    );
  };

  const exportRuns = async (node?: RunsNode, selected?: readonly RunsNode[]): Promise<void> => {
    const chosen = chosenRuns(node, selected);
    const toExport = chosen.length > 0 ? chosen : runs.runs();
    if (toExport.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('RNN Explorer: no runs yet.'));
      return;
    }
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export {0}', plural(toExport.length, 'run')),
      filters: { 'CSV (one row per run)': ['csv'], 'JSON (every epoch and curve)': ['json'] },
      defaultUri: vscode.Uri.file(
        path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', 'runs.csv'),
      ),
    });
    if (!target) return;
    const json = target.fsPath.toLowerCase().endsWith('.json');
    fs.writeFileSync(target.fsPath, json ? runsJson(toExport) : runsCsv(toExport));
    log.info(`Run history: exported ${plural(toExport.length, 'run')} to ${target.fsPath}`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'RNN Explorer: exported {0} to {1}.',
        plural(toExport.length, 'run'),
        target.fsPath,
      ),
    );
  };

  const compare = (node?: RunsNode, selected?: readonly RunsNode[]): void => {
    const all = runs.runs();
    const chosen = chosenRuns(node, selected);
    // Nothing chosen (the palette, the view's title bar): the latest runs of the latest task.
    const task = (chosen[0] ?? all.at(-1))?.task;
    if (!task) {
      void vscode.window.showInformationMessage(vscode.l10n.t('RNN Explorer: no runs yet.'));
      return;
    }
    const pool = chosen.length > 0 ? chosen : all.filter((run) => run.task === task).reverse();
    const sameTask = pool.filter((run) => run.task === task);
    const shown = sameTask.slice(0, MAX_COMPARED_RUNS);
    const notes = [
      chosen.length > 0 && sameTask.length < chosen.length
        ? `${plural(chosen.length - sameTask.length, 'chosen run')} of another task left out: runs compare only within a task.`
        : undefined,
      sameTask.length > shown.length
        ? `Showing ${shown.length} of ${sameTask.length} runs: choose at most ${MAX_COMPARED_RUNS} in the Runs view.`
        : undefined,
      chosen.length === 0
        ? 'The latest runs of this task; choose runs in the Runs view to compare others.'
        : undefined,
    ].filter(Boolean);
    ResultsPanel.show(extensionUri, log, {
      kind: 'runs',
      title: `Runs compared: ${TASK_TITLES[task]}`,
      runs: shown,
      note: notes.join(' ') || 'Every run chosen is shown.',
    });
  };

  const exportScript = async (node?: RunsNode): Promise<void> => {
    const [run] = chosenRuns(node);
    if (!run) return;
    let script: string;
    try {
      script = pytorchScript(
        run,
        vscode.Uri.joinPath(extensionUri, 'media', 'data', 'names').fsPath,
      );
    } catch (error) {
      if (!(error instanceof ScriptExportError)) throw error;
      void vscode.window.showWarningMessage(`RNN Explorer: ${error.message}.`);
      return;
    }
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export "{0}" as a PyTorch script', run.name),
      filters: { Python: ['py'] },
      defaultUri: vscode.Uri.file(
        path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', `${run.id}.py`),
      ),
    });
    if (!target) return;
    fs.writeFileSync(target.fsPath, script);
    log.info(`Run history: exported "${run.name}" as a PyTorch script to ${target.fsPath}`);
    const open = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'RNN Explorer: wrote {0}. Run it with python3; it saves model.safetensors, which "Import PyTorch Model" reads.',
        target.fsPath,
      ),
      'Open',
    );
    if (open === 'Open') await vscode.window.showTextDocument(target);
  };

  return [
    vscode.commands.registerCommand('rnnExplorer.exportRunScript', exportScript),
    vscode.commands.registerCommand('rnnExplorer.compareRuns', compare),
    vscode.commands.registerCommand('rnnExplorer.renameRun', rename),
    vscode.commands.registerCommand('rnnExplorer.deleteRun', remove),
    vscode.commands.registerCommand('rnnExplorer.useRunModel', useModel),
    vscode.commands.registerCommand('rnnExplorer.openRunInExplorer', openInExplorer),
    vscode.commands.registerCommand('rnnExplorer.exportRuns', exportRuns),
  ];
}
