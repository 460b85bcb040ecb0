/** The Runs view's commands: rename, delete, use a run's model, export runs as CSV or JSON. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../core/runs/runRecord';
import { runsCsv, runsJson } from '../../core/runs/runTable';
import { plural } from '../modelChoice';
import type { ModelRegistry } from '../modelRegistry';
import type { RunHistory } from '../runs/runHistory';
import type { RunsNode } from '../runs/runsView';

export interface RunCommandServices {
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

export function registerRunCommands({
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

  const useModel = async (node?: RunsNode): Promise<void> => {
    const [run] = chosenRuns(node);
    if (!run?.modelFile) return;
    if (!fs.existsSync(run.modelFile)) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('RNN Explorer: the model of "{0}" was removed.', run.name),
      );
      return;
    }
    await registry.setActive(run.modelFile);
    log.info(`Run history: the model of "${run.name}" is now in use (${run.modelFile})`);
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

  return [
    vscode.commands.registerCommand('rnnExplorer.renameRun', rename),
    vscode.commands.registerCommand('rnnExplorer.deleteRun', remove),
    vscode.commands.registerCommand('rnnExplorer.useRunModel', useModel),
    vscode.commands.registerCommand('rnnExplorer.exportRuns', exportRuns),
  ];
}
