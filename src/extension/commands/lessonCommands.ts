/** The lessons' two comparisons: teacher forcing against free-running, and input order. */
import * as vscode from 'vscode';
import { compareOrders, reorder } from '../../core/explore/order';
import { CLASSIC_SETTINGS, compareTeacherForcing } from '../../core/explore/teacherForcing';
import { ResultsPanel } from '../results/resultsPanel';
import type { TaskCommandServices, TaskContext } from './taskContext';

export function registerLessonCommands(
  s: TaskCommandServices,
  { guarded }: TaskContext,
): vscode.Disposable[] {
  const { extensionUri, log } = s;

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

  return [
    vscode.commands.registerCommand('rnnExplorer.compareTeacherForcing', compareForcing),
    vscode.commands.registerCommand('rnnExplorer.compareOrder', compareOrder),
  ];
}
