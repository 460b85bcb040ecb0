import * as vscode from 'vscode';
import { pytorchLine } from './pytorchLine';
import { NAMES_TASK } from '../core/tasks/names';
import type { BackendService } from './backendService';
import { describeSplit, plural } from './modelChoice';
import type { ModelEntry, ModelRegistry } from './modelRegistry';
import type { TrainingController } from './training/trainingController';
import { formatEpoch, trainingRowDescription } from '../shared/trainingFigures';

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
      const item = new vscode.TreeItem(
        run ? `Training: ${formatEpoch(run.epoch, run.epochs)}` : 'Training',
      );
      item.description = run ? trainingRowDescription(run) : undefined;
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
    const item = new vscode.TreeItem(this.registry.title(entry));
    const heldOut = entry.manifest.heldOut;
    // Date and time, so that two models of the same size can be told apart.
    const created = entry.manifest.createdAt.slice(0, 16).replace('T', ' ');
    const epochs = entry.manifest.training
      ? plural(entry.manifest.training.epochs, 'epoch')
      : undefined;
    const forHover = entry.manifest.task === NAMES_TASK;
    const inUse = active ? (forHover ? 'in use for hover' : 'in use') : undefined;
    item.description = [modelFigure(entry.manifest), epochs, created, inUse]
      .filter(Boolean)
      .join(' · ');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${this.registry.title(entry)}\n\n`);
    if (heldOut) {
      tooltip.appendText(
        `Held-out accuracy ${percent(heldOut.accuracy)}, ${percent(heldOut.macroAccuracy)} averaged over the languages, on ${plural(heldOut.size, 'name')} (${describeSplit(heldOut.split)})\n\n`,
      );
    }
    const t = entry.manifest.training;
    if (t)
      tooltip.appendText(
        `Trained ${plural(t.epochs, 'epoch')} on ${t.backend}, ${Math.round(t.sequencesPerSecond)} ${forHover ? 'names' : 'sequences'}/s\n\n`,
      );
    tooltip.appendMarkdown(`${pytorchLine(entry.manifest.config)}\n\n`);
    if (active)
      tooltip.appendText(
        forHover
          ? 'In use for the hover and predictions.\n\n'
          : "In use for this task's commands.\n\n",
      );
    tooltip.appendText(entry.id);
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(active ? 'pass-filled' : 'circle-large-outline');
    // package.json's menus read these: ".names" models get "Use for Hover", others "Use Model".
    item.contextValue = active
      ? 'model.active'
      : `${entry.origin === 'default' ? 'model' : 'model.removable'}${forHover ? '.names' : ''}`;
    if (!active)
      item.command = forHover
        ? {
            command: 'rnnExplorer.useModelForHover',
            title: vscode.l10n.t('Use Model for Hover'),
            arguments: [node],
          }
        : { command: 'rnnExplorer.useModel', title: vscode.l10n.t('Use Model'), arguments: [node] };
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
