import * as vscode from 'vscode';
import { finalHeadline, type RunRecord } from '../../core/runs/runRecord';
import { TASK_TITLES, type TaskName } from '../../core/tasks/jobs';
import { formatHeadline } from '../../shared/format';
import { plural } from '../modelChoice';
import type { RunHistory } from './runHistory';
import { inspectModel } from '../../core/io/modelFile';
import { pytorchLine } from '../pytorchLine';

export type RunsNode =
  { kind: 'task'; task: TaskName; count: number } | { kind: 'run'; run: RunRecord };

const STATE_ICONS: Record<RunRecord['state'], string> = {
  running: 'sync~spin',
  finished: 'pass',
  stopped: 'debug-stop',
  failed: 'error',
};

/** The final figure in few characters: "72.6%", "2.12 bits", "RMSE 0.31 normalised". */
function shortHeadline(headline: NonNullable<ReturnType<typeof finalHeadline>>): string {
  if (headline.unit === '%') return `${(100 * headline.value).toFixed(1)}%`;
  return formatHeadline(headline).replace(/^held-out |^test /, '');
}

/**
 * "72.6% · 10 epochs · 41 s", with the state first unless it finished (the icon shows it too):
 * short enough for the sidebar; the tooltip says it all.
 */
export function runDescription(run: RunRecord): string {
  const headline = finalHeadline(run);
  const seconds = run.epochs[run.epochs.length - 1]?.seconds;
  return [
    run.state === 'finished' ? undefined : run.state,
    headline ? shortHeadline(headline) : 'no epoch finished',
    plural(run.epochs.length, 'epoch'),
    seconds !== undefined ? `${Math.round(seconds)} s` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The run's model in PyTorch's terms, read from its model file; undefined without one. */
function runPytorchLine(run: RunRecord): string | undefined {
  if (!run.modelFile) return undefined;
  try {
    return pytorchLine(inspectModel(run.modelFile).config);
  } catch {
    return undefined; // The model was removed, or its file cannot be read: the tooltip says less.
  }
}

function runTooltip(run: RunRecord, pytorch?: string): vscode.MarkdownString {
  const rows = Object.entries(run.hyper).map(([key, value]) => `| ${key} | ${String(value)} |`);
  const tip = new vscode.MarkdownString(
    [
      `**${run.name}**: ${TASK_TITLES[run.task]} on ${run.data}`,
      '',
      `${run.state} · ${finalHeadline(run) ? formatHeadline(finalHeadline(run)!) : 'no epoch finished'} · ${plural(run.epochs.length, 'epoch')} · started ${new Date(run.startedAt).toLocaleString()}`,
      run.batchesDropped
        ? '\n_Its per-batch loss curve was dropped to keep the history small._'
        : '',
      pytorch ? `\n${pytorch}` : '',
      '',
      '| setting | value |',
      '| --- | --- |',
      ...rows,
    ].join('\n'),
  );
  return tip;
}

/** The sidebar's Runs: every recorded training, grouped by task, newest first. */
export class RunsView implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly history: RunHistory) {
    this.subscription = history.onDidChange(() => this.changed.fire());
  }

  getChildren(node?: RunsNode): RunsNode[] {
    const runs = this.history.runs().reverse();
    if (!node) {
      const tasks = [...new Set(runs.map((run) => run.task))];
      return tasks.map((task) => ({
        kind: 'task',
        task,
        count: runs.filter((run) => run.task === task).length,
      }));
    }
    if (node.kind === 'run') return [];
    return runs.filter((run) => run.task === node.task).map((run) => ({ kind: 'run', run }));
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'task') {
      const title = TASK_TITLES[node.task];
      const item = new vscode.TreeItem(
        `${title[0]?.toUpperCase() ?? ''}${title.slice(1)}s`,
        vscode.TreeItemCollapsibleState.Expanded,
      );
      item.description = plural(node.count, 'run');
      item.contextValue = 'runTask';
      return item;
    }
    const { run } = node;
    const item = new vscode.TreeItem(run.name);
    item.id = run.id;
    item.description = runDescription(run);
    item.iconPath = new vscode.ThemeIcon(STATE_ICONS[run.state]);
    // package.json's menus read these: ".model" runs can be put in use, ".names" exported as a script.
    item.contextValue = `run${run.modelFile ? '.model' : ''}${run.task === 'names' ? '.names' : ''}`;
    return item;
  }

  /** Fills the tooltip on hover (getTreeItem leaves it unset): its PyTorch line reads a file. */
  resolveTreeItem(item: vscode.TreeItem, node: RunsNode): vscode.TreeItem {
    if (node.kind === 'run') item.tooltip = runTooltip(node.run, runPytorchLine(node.run));
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
