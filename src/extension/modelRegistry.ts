import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { inspectModel, loadModel, removeModel, type LoadedModel } from '../core/io/modelFile';
import {
  baseTitle,
  NO_TITLES,
  uniqueTitles,
  type ModelEntry,
  type ModelOrigin,
  type TitleMemory,
} from './modelChoice';
import { NAMES_TASK, NamesClassifier } from '../core/tasks/names';

export type { ModelEntry, ModelOrigin } from './modelChoice';

/** The names key predates the other tasks; keeping it keeps users' chosen model. */
const activeKey = (task: string): string =>
  task === NAMES_TASK ? 'rnnExplorer.activeModel' : `rnnExplorer.activeModel.${task}`;
const LOADED_KEY = 'rnnExplorer.loadedModels';
const TITLES_KEY = 'rnnExplorer.modelTitles';

/**
 * The models the user can pick from: the bundled default, those trained here (kept in global
 * storage) and those loaded from files. Exactly one is active and answers predictions.
 */
export class ModelRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private cached?: { id: string; classifier: NamesClassifier };
  /** The list reads every manifest from disk; the tree asks for it on each training update. */
  private listed?: ModelEntry[];
  /** The listed models' titles, worked out with the list. */
  private titles?: TitleMemory;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Every change (a new, loaded, removed or activated model) re-reads the list once.
    this.changed.event(() => {
      this.listed = undefined;
      this.titles = undefined;
    });
  }

  get defaultModelFile(): string {
    return path.join(this.context.extensionPath, 'media', 'models', 'names-gru.json');
  }

  get trainedDirectory(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'models');
  }

  newTrainedModelFile(prefix: string): string {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return path.join(this.trainedDirectory, `${prefix}-${stamp}.json`);
  }

  entries(): ModelEntry[] {
    this.listed ??= this.readEntries();
    return this.listed;
  }

  private readEntries(): ModelEntry[] {
    const entries: ModelEntry[] = [];
    const add = (id: string, origin: ModelOrigin): void => {
      try {
        entries.push({ id, origin, manifest: inspectModel(id) });
      } catch (error) {
        this.log.warn(`Skipping model ${id}: ${(error as Error).message}`);
      }
    };
    add(this.defaultModelFile, 'default');
    let trained: string[] = [];
    try {
      trained = fs
        .readdirSync(this.trainedDirectory)
        .filter((f) => f.endsWith('.json'))
        .sort();
    } catch {
      // No model trained yet.
    }
    for (const file of trained) add(path.join(this.trainedDirectory, file), 'trained');
    for (const file of this.loadedFiles()) add(file, 'loaded');
    return entries;
  }

  /** The names classifier the hover and predictions use (the bundled default until changed). */
  activeId(): string {
    return this.activeFor(NAMES_TASK) ?? this.defaultModelFile;
  }

  /** The model each task's commands use: the last trained, loaded or chosen for that task. */
  activeFor(task: string): string | undefined {
    const stored = this.context.globalState.get<string>(activeKey(task));
    return stored && fs.existsSync(stored) ? stored : undefined;
  }

  isActive(entry: ModelEntry): boolean {
    return entry.manifest.task === NAMES_TASK
      ? entry.id === this.activeId()
      : entry.id === this.activeFor(entry.manifest.task);
  }

  /**
   * The entry's title, unique among the listed models ("GRU 128", "GRU 128 #2"), and kept across
   * removals and restarts: a number names one model only.
   */
  title(entry: ModelEntry): string {
    if (!this.titles) {
      const remembered = this.context.globalState.get<TitleMemory>(TITLES_KEY) ?? NO_TITLES;
      this.titles = uniqueTitles(this.entries(), remembered);
      if (JSON.stringify(this.titles) !== JSON.stringify(remembered))
        void this.context.globalState.update(TITLES_KEY, this.titles);
    }
    return this.titles.titles[entry.id] ?? baseTitle(entry);
  }

  /** A model was added without becoming active (a finished training): list it again. */
  added(): void {
    this.changed.fire();
  }

  activeEntry(): ModelEntry | undefined {
    const entries = this.entries();
    return entries.find((e) => e.id === this.activeId()) ?? entries[0];
  }

  async setActive(id: string): Promise<void> {
    await this.context.globalState.update(activeKey(inspectModel(id).task), id);
    this.changed.fire();
  }

  /** A listed model, loaded fresh; the caller disposes it. */
  loadEntry(entry: ModelEntry): LoadedModel {
    return loadModel(entry.id);
  }

  /** The active model of a task, loaded fresh; the caller disposes it. */
  loadActive(task: string): LoadedModel | undefined {
    const id = this.activeFor(task);
    return id ? loadModel(id) : undefined;
  }

  /** Validates the whole file first, so a bad model changes nothing. */
  async addLoaded(file: string): Promise<ModelEntry> {
    const { manifest, model } = loadModel(file);
    model.dispose();
    const files = this.loadedFiles().filter((f) => f !== file);
    await this.context.globalState.update(LOADED_KEY, [...files, file]);
    await this.setActive(file);
    return { id: file, origin: 'loaded', manifest };
  }

  async remove(entry: ModelEntry): Promise<void> {
    if (entry.origin === 'default') return;
    if (entry.origin === 'trained') {
      removeModel(entry.id);
    } else {
      await this.context.globalState.update(
        LOADED_KEY,
        this.loadedFiles().filter((f) => f !== entry.id),
      );
    }
    if (this.isActive(entry))
      await this.context.globalState.update(activeKey(entry.manifest.task), undefined);
    this.changed.fire();
  }

  /** Drops the loaded model, so the next prediction loads it on the backend now running. */
  reloadOnNextUse(): void {
    this.cached?.classifier.model.dispose();
    this.cached = undefined;
  }

  /** The active model, loaded once; a model that fails to load falls back to the default. */
  classifier(): NamesClassifier {
    const id = this.activeId();
    if (this.cached?.id === id) return this.cached.classifier;
    let loaded;
    try {
      loaded = loadModel(id);
    } catch (error) {
      this.log.error(`Model ${id} failed to load, using the default: ${(error as Error).message}`);
      loaded = loadModel(this.defaultModelFile);
    }
    this.cached?.classifier.model.dispose();
    this.cached = { id, classifier: new NamesClassifier(loaded.model, loaded.manifest) };
    return this.cached.classifier;
  }

  private loadedFiles(): string[] {
    const value = this.context.globalState.get<unknown>(LOADED_KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  dispose(): void {
    this.cached?.classifier.model.dispose();
    this.changed.dispose();
  }
}
