import * as path from 'node:path';
import * as vscode from 'vscode';
import { subjectReading, type SubjectReading } from '../../core/explore/subjects';
import type { LoadedModel } from '../../core/io/modelFile';
import { bundledSource, readBundledSeries } from '../../core/tasks/forecasting';
import { NAMES_TASK } from '../../core/tasks/names';
import type { SubjectChoice } from '../../shared/explorerProtocol';
import type { ModelRegistry } from '../modelRegistry';

export interface Subject {
  task: string;
  /** The model's manifest file. */
  file: string;
  title: string;
  loaded: Pick<LoadedModel, 'model' | 'manifest'>;
  reading: SubjectReading;
  defaultInput: string;
}

/**
 * The models the Explorer can trace: the active one of every task. Each is loaded once and kept
 * until the registry changes (a new, chosen or removed model).
 */
export class ExplorerSubjects implements vscode.Disposable {
  private readonly cache = new Map<string, { id: string; subject: Subject }>();
  private readonly subscription: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<void>();
  /** After the registry changed (a model chosen, added or removed) and the cache was cleared. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly extensionPath: string,
    private readonly ready: () => Promise<unknown>,
  ) {
    this.subscription = registry.onDidChange(() => {
      this.clear();
      this.changed.fire();
    });
  }

  choices(): SubjectChoice[] {
    const tasks = [...new Set(this.registry.entries().map((e) => e.manifest.task))];
    return tasks
      .map((task) => {
        const entry = this.registry.entries().find((e) => e.id === this.activeId(task));
        return entry ? { task, title: this.registry.title(entry) } : undefined;
      })
      .filter((c): c is SubjectChoice => c !== undefined);
  }

  async get(task: string): Promise<Subject | undefined> {
    await this.ready();
    const id = this.activeId(task);
    if (!id) return undefined;
    const cached = this.cache.get(task);
    if (cached?.id === id) return cached.subject;
    const entry = this.registry.entries().find((e) => e.id === id);
    if (!entry) return undefined;
    const loaded =
      task === NAMES_TASK
        ? { model: this.registry.classifier().model, manifest: entry.manifest }
        : this.registry.loadEntry(entry);
    const subject: Subject = {
      task,
      file: id,
      title: this.registry.title(entry),
      loaded,
      reading: subjectReading(loaded.manifest),
      defaultInput: this.defaultInput(loaded.manifest),
    };
    if (cached && task !== NAMES_TASK) cached.subject.loaded.model.dispose();
    this.cache.set(task, { id, subject });
    return subject;
  }

  private activeId(task: string): string | undefined {
    return task === NAMES_TASK ? this.registry.activeId() : this.registry.activeFor(task);
  }

  private defaultInput(manifest: LoadedModel['manifest']): string {
    const o = manifest.taskOptions ?? {};
    switch (manifest.task) {
      case 'text':
        return o.source === 'the three sentences' ? 'good i am' : 'ROMEO:';
      case 'name-generation':
        return 'Russian: Ko';
      case 'forecast': {
        const bundled = bundledSource(o);
        if (!bundled) return '';
        const directory = path.join(this.extensionPath, 'media', 'data', 'timeseries');
        const series = readBundledSeries(directory, bundled);
        return Array.from(series.values.slice(-Number(o.window))).join(', ');
      }
      default:
        return 'Dostoevsky';
    }
  }

  private clear(): void {
    // The names classifier belongs to the registry, which disposes it itself.
    for (const { subject } of this.cache.values()) {
      if (subject.task !== NAMES_TASK) subject.loaded.model.dispose();
    }
    this.cache.clear();
  }

  dispose(): void {
    this.clear();
    this.subscription.dispose();
    this.changed.dispose();
  }
}
