import * as vscode from 'vscode';
import { describeKernel } from '../core/backend';
import { formatEpoch } from '../shared/trainingFigures';
import type { BackendService } from './backendService';
import type { TrainingController } from './training/trainingController';

/** Always shows the active tfjs backend, and training progress while a run is going. */
export function createStatusBar(
  backend: BackendService,
  training: TrainingController,
): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(
    'rnnExplorer.status',
    vscode.StatusBarAlignment.Right,
    100,
  );
  item.name = 'RNN Explorer';
  item.command = 'rnnExplorer.selectBackend';
  const render = (): void => {
    const name = backend.active?.name ?? 'starting…';
    const run = training.running;
    item.text = run
      ? `$(sync~spin) RNN ${name} · ${formatEpoch(run.epoch, run.epochs)}`
      : `$(pulse) RNN: ${name}`;
    // "wasm" names tfjs's backend; the recurrence kernel is WebAssembly whichever it is, so the
    // tooltip names both, and which of the two a click changes.
    const kernel = backend.active
      ? `; recurrence kernel: ${describeKernel(backend.active.kernel)}`
      : '';
    item.tooltip = `RNN Explorer's tfjs backend: ${name}${kernel}. Click to choose another backend.`;
    item.show();
  };
  render();
  return vscode.Disposable.from(item, backend.onDidChange(render), training.onDidChange(render));
}
