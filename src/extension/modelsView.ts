import * as vscode from 'vscode';
import type { BackendService } from './backendService';
import { modelTitle, type ModelEntry, type ModelRegistry } from './modelRegistry';
import type { TrainingController } from './training/trainingController';

export type ViewNode =
  | { kind: 'backend' }
  | { kind: 'training' }
  | { kind: 'model'; entry: ModelEntry; active: boolean };

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The sidebar: the active backend, a running training's progress, and every model. */
export class ModelsView implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly registry: ModelRegistry,
    private readonly backend: BackendService,
    private readonly training: TrainingController,
  ) {
    const refresh = (): void => this.changed.fire();
    this.subscriptions = [
      registry.onDidChange(refresh),
      backend.onDidChange(refresh),
      training.onDidChange(refresh),
    ];
  }

  getChildren(node?: ViewNode): ViewNode[] {
    if (node) return [];
    const nodes: ViewNode[] = [{ kind: 'backend' }];
    if (this.training.running) nodes.push({ kind: 'training' });
    for (const entry of this.registry.entries())
      nodes.push({ kind: 'model', entry, active: this.registry.isActive(entry) });
    return nodes;
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    if (node.kind === 'backend') {
      const info = this.backend.active;
      const item = new vscode.TreeItem(`Backend: ${info?.name ?? 'starting…'}`);
      item.iconPath = new vscode.ThemeIcon('server-process');
      item.contextValue = 'backend';
      item.tooltip = info
        ? info.attempts
            .map((a) => (a.error ? `${a.name}: unavailable (${a.error})` : `${a.name}: active`))
            .join('\n')
        : 'The backend starts with the first prediction.';
      item.command = {
        command: 'rnnExplorer.selectBackend',
        title: vscode.l10n.t('Select Backend'),
      };
      return item;
    }
    if (node.kind === 'training') {
      const run = this.training.running;
      const item = new vscode.TreeItem(`Training: epoch ${run?.epoch ?? 0}/${run?.epochs ?? 0}`);
      const last = run?.history[run.history.length - 1];
      item.description = [
        `${Math.round(100 * (run?.fraction ?? 0))}%`,
        run?.loss !== undefined ? `loss ${run.loss.toFixed(3)}` : undefined,
        last ? `held-out ${percent(last.heldOutAccuracy)}` : undefined,
        run?.sequencesPerSecond ? `${Math.round(run.sequencesPerSecond)} names/s` : undefined,
      ]
        .filter(Boolean)
        .join(' · ');
      item.iconPath = new vscode.ThemeIcon('sync~spin');
      item.contextValue = 'training';
      item.tooltip = 'Open the live training dashboard';
      item.command = {
        command: 'rnnExplorer.openExplorer',
        title: vscode.l10n.t('Open Explorer'),
        arguments: [undefined, 'training'],
      };
      return item;
    }
    const { entry, active } = node;
    const item = new vscode.TreeItem(modelTitle(entry));
    const heldOut = entry.manifest.heldOut;
    // Date and time, so that two models of the same size can be told apart.
    const created = entry.manifest.createdAt.slice(0, 16).replace('T', ' ');
    const epochs = entry.manifest.training ? `${entry.manifest.training.epochs} epochs` : undefined;
    item.description = [modelFigure(entry.manifest), epochs, created, active ? 'active' : undefined]
      .filter(Boolean)
      .join(' · ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${modelTitle(entry)}\n\n`);
    if (heldOut) {
      tooltip.appendText(
        `Held-out accuracy ${percent(heldOut.accuracy)}, macro ${percent(heldOut.macroAccuracy)} on ${heldOut.size} names (${heldOut.split})\n\n`,
      );
    }
    const t = entry.manifest.training;
    if (t)
      tooltip.appendText(
        `Trained ${t.epochs} epochs on ${t.backend}, ${Math.round(t.sequencesPerSecond)} names/s\n\n`,
      );
    tooltip.appendText(entry.id);
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(active ? 'pass-filled' : 'circle-large-outline');
    item.contextValue = active
      ? 'model.active'
      : entry.origin === 'default'
        ? 'model'
        : 'model.removable';
    if (!active)
      item.command = {
        command: 'rnnExplorer.useModel',
        title: vscode.l10n.t('Use Model'),
        arguments: [node],
      };
    return item;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

/** The one figure that says how good a model is, in its task's terms. */
function modelFigure(manifest: ModelEntry['manifest']): string {
  const m = manifest.metrics ?? {};
  if (manifest.heldOut) return percent(manifest.heldOut.accuracy);
  if (m.bitsPerChar !== undefined) return `${m.bitsPerChar.toFixed(2)} bits/char`;
  if (m.rmse !== undefined) return `RMSE ${m.rmse.toPrecision(3)}`;
  return 'not evaluated';
}
