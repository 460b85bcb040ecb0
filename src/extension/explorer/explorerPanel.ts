import * as vscode from 'vscode';
import { gradientLab, REGIME_RULE, type CellGradients } from '../../core/explore/gradientLab';
import { trainedModelLab } from '../../core/explore/trainedLab';
import { traceSequence } from '../../core/explore/trace';
import { NAMES_TASK, type NamesClassifier } from '../../core/tasks/names';
import type { ExplorerSubjects, Subject } from './subjects';
import {
  parseWebviewMessage,
  type ExplorerView,
  type HostMessage,
  type LabControls,
  type TrainedLabInfo,
  type ModelSummary,
  type TrainingHeld,
  type WebviewMessage,
} from '../../shared/explorerProtocol';
import { trainingUpdate } from '../../shared/trainingCurves';
import { playgroundRequest } from '../training/playgroundRequest';
import type { TrainingController } from '../training/trainingController';
import { explorerHtml, explorerResourceRoots } from './explorerHtml';
import { AnalysisRunner } from './analysisRunner';
import { subjectFixedPoints } from './fixedPointHost';
import { StateSpaceHost } from './stateSpaceHost';
import { explorerUnitSearch } from './unitSearchHost';
import type { EpochCheckpoint } from '../../core/runs/epochCheckpoints';

export interface ExplorerServices {
  extensionUri: vscode.Uri;
  /** Where the panel remembers its view and input, so a reload restores them. */
  memento: vscode.Memento;
  log: vscode.LogOutputChannel;
  training: TrainingController;
  backendName(): string;
  classifier(): Promise<{ classifier: NamesClassifier; title: string }>;
  subjects: ExplorerSubjects;
  /** The epochs kept of the run that made a model file (the State space view's slider). */
  checkpointsFor(modelFile: string): EpochCheckpoint[] | undefined;
}

/** The lab's models are small and fixed so that a slider drag redraws within a frame or two. */
const LAB_HIDDEN = 64;
const LAB_SEED = 7;
/** Live training reaches the webview at most this often (5 per second). */
const TRAINING_POST_MS = 200;
/**
 * After a snapshot is drawn, the page stays idle at least this many times as long as the draw
 * took: on a loaded machine, redrawing every chart five times a second kept the browser so busy
 * that VS Code's own prompts and notifications came seconds late.
 */
const IDLE_PER_DRAW = 3;
const PLACE_KEY = 'rnnExplorer.explorerPlace';

interface Place {
  view: ExplorerView;
  input?: string;
  /** The task whose active model the graph traces. */
  subject?: string;
}

/**
 * The Explorer panel. One at a time; it survives window reloads through a serializer and keeps
 * its state in the webview (getState/setState) rather than retainContextWhenHidden.
 */
export class ExplorerPanel implements vscode.Disposable {
  static readonly viewType = 'rnnExplorer.explorer';
  private static current?: ExplorerPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private pending?: { view: ExplorerView; input?: string };
  private trainingTimer?: NodeJS.Timeout;
  private nextTrainingPost = 0;
  /** Training changed since the last snapshot posted. */
  private trainingChanged = false;
  /** A snapshot is posted and the page has not said it is drawn. */
  private awaitingDraw = false;
  /** The curves the page said it holds, so only the points after them are sent. */
  private held?: TrainingHeld;
  /** The last model summary sent, to skip a registry change that leaves it as it is. */
  private shownSummary?: string;
  /** The lab's last controls, to redraw it when they name the model in use and that changes. */
  private labControls?: LabControls;
  private readonly states: StateSpaceHost;
  /** The fixed-point search's worker: seconds of CPU that would otherwise hold this thread. */
  private readonly analysis: AnalysisRunner;

  /** `task` names whose model in use to explore; an `input` alone is a name. */
  static show(
    services: ExplorerServices,
    view: ExplorerView = 'graph',
    input?: string,
    task?: string,
  ): void {
    if (ExplorerPanel.current) {
      ExplorerPanel.current.panel.reveal();
      ExplorerPanel.current.navigate(view, input, task);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      ExplorerPanel.viewType,
      'RNN Explorer',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: explorerResourceRoots(services.extensionUri),
      },
    );
    if (input !== undefined || task !== undefined) {
      const place = services.memento.get<Place>(PLACE_KEY);
      void services.memento.update(PLACE_KEY, {
        ...place,
        view,
        input,
        subject: task ?? NAMES_TASK,
      });
    }
    ExplorerPanel.current = new ExplorerPanel(panel, services, { view, input });
  }

  static register(services: ExplorerServices): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(ExplorerPanel.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        panel.webview.options = {
          enableScripts: true,
          localResourceRoots: explorerResourceRoots(services.extensionUri),
        };
        ExplorerPanel.current?.dispose();
        // The webview keeps its own state too; this copy also covers a reload right after a change.
        ExplorerPanel.current = new ExplorerPanel(
          panel,
          services,
          services.memento.get<Place>(PLACE_KEY),
        );
      },
    });
  }

  /** Fixed-point searches asked for so far; only the latest one's answer is shown. */
  private fixedPointSearches = 0;
  /** Unit searches asked for so far; an answer overtaken by a newer question is not sent. */
  private unitSearches = 0;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExplorerServices,
    initial?: { view: ExplorerView; input?: string },
  ) {
    this.pending = initial;
    this.states = new StateSpaceHost(services.extensionUri.fsPath, services.checkpointsFor);
    this.analysis = new AnalysisRunner(
      vscode.Uri.joinPath(services.extensionUri, 'dist', 'analysisWorker.js').fsPath,
    );
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'activity.svg');
    panel.webview.html = explorerHtml(panel.webview, services.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down (no retainContextWhenHidden); it posts `ready` again when
      // shown, and nothing may be sent before that.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      services.training.onDidChange(() => this.scheduleTraining()),
      // The header names the model in use: follow a model chosen elsewhere (sidebar, command,
      // a finished training's "Use for Hover").
      services.subjects.onDidChange(() => void this.modelChanged()),
    );
  }

  private async modelChanged(): Promise<void> {
    if (!this.ready) return; // `ready` sends the model in use then.
    // The lab on the trained weights follows the names model in use.
    if (this.labControls?.weights === 'model') await this.lab(this.labControls);
    const subject = await this.subject();
    const shown = this.shownSummary;
    const model = this.summary(subject);
    if (JSON.stringify(model) === shown) return;
    const input = this.services.memento.get<Place>(PLACE_KEY)?.input ?? subject.defaultInput;
    this.post({ type: 'model', model, input });
  }

  /**
   * An input from outside (a hover link, a command) is a name: explore the names classifier,
   * unless `task` names another task's model in use (a run opened from the Runs view).
   */
  private navigate(view: ExplorerView, input?: string, task?: string): void {
    const current = this.services.memento.get<Place>(PLACE_KEY)?.subject ?? NAMES_TASK;
    const target = task ?? (input !== undefined ? NAMES_TASK : current);
    const switching = target !== current;
    this.remember(input === undefined && !switching ? { view } : { view, input, subject: target });
    if (!this.ready) {
      this.pending = { view, input };
      return;
    }
    if (switching) {
      void this.subject().then((subject) => {
        const shown = input ?? subject.defaultInput;
        this.remember({ input: shown });
        this.post({ type: 'model', model: this.summary(subject), input: shown });
      });
    }
    this.post({ type: 'showView', view, input });
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if ('error' in parsed) {
      this.services.log.warn(`Explorer: dropped a webview message: ${parsed.error}`);
      return;
    }
    this.handle(parsed.message).catch((error: unknown) =>
      this.services.log.error(
        `Explorer: ${parsed.message.type} failed: ${(error as Error).message}`,
      ),
    );
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const subject = await this.subject();
        this.post({
          type: 'init',
          view: this.pending?.view ?? 'graph',
          backend: this.services.backendName(),
          input: this.pending?.input ?? subject.defaultInput,
          model: this.summary(subject),
        });
        if (this.pending)
          this.post({ type: 'showView', view: this.pending.view, input: this.pending.input });
        // The page opens on its last view, which the memento follows.
        const view = this.pending?.view ?? this.services.memento.get<Place>(PLACE_KEY)?.view;
        if (view === 'training') this.services.training.warm();
        this.pending = undefined;
        // A new page: whatever the old one was drawing, it will never say so, and holds nothing.
        clearTimeout(this.trainingTimer);
        this.trainingTimer = undefined;
        this.held = undefined;
        this.postTraining();
        return;
      }
      case 'subject': {
        this.remember({ subject: message.task });
        const subject = await this.subject();
        this.remember({ input: subject.defaultInput });
        this.post({ type: 'model', model: this.summary(subject), input: subject.defaultInput });
        return;
      }
      case 'input':
        this.remember({ input: message.text });
        return this.explain(message.text);
      case 'lab':
        return this.lab(message.controls);
      case 'trainingControl':
        if (message.action === 'pause') this.services.training.pause();
        else if (message.action === 'resume') this.services.training.resume();
        else this.services.training.cancel();
        return;
      case 'playground':
        return this.services.training.restart(
          playgroundRequest(this.services.extensionUri.fsPath, message.settings),
        );
      case 'trainingDrawn':
        this.awaitingDraw = false;
        this.held = message.held;
        this.nextTrainingPost = Date.now() + Math.max(TRAINING_POST_MS, IDLE_PER_DRAW * message.ms);
        if (this.trainingChanged) this.scheduleTraining();
        return;
      case 'misclassified':
        this.post({
          type: 'misclassified',
          ...this.services.training.misclassified(message.actual, message.predicted),
        });
        return;
      case 'view':
        this.remember({ view: message.view });
        if (message.view === 'training') this.services.training.warm();
        return;
      case 'raceMemorySpan':
        await vscode.commands.executeCommand('rnnExplorer.memorySpan');
        return;
      case 'fixedPoints': {
        const place = this.services.memento.get<Place>(PLACE_KEY);
        const subject = await this.subject();
        const text = place?.input ?? subject.defaultInput;
        const asked = ++this.fixedPointSearches;
        const result = await subjectFixedPoints(
          subject,
          message.input,
          text,
          this.analysis.search,
          (hs) => this.states.project(subject, text, hs),
        );
        // A search asked for later answers instead: this one's input is no longer on screen.
        if (result && asked === this.fixedPointSearches) this.post({ type: 'fixedPoints', result });
        return;
      }
      case 'states': {
        const subject = await this.subject();
        const input = this.services.memento.get<Place>(PLACE_KEY)?.input ?? subject.defaultInput;
        const picture = this.states.picture(subject, input, message.epoch);
        this.post(
          'reason' in picture
            ? { type: 'states', picture: null, reason: picture.reason }
            : { type: 'states', picture },
        );
        return;
      }
      case 'findUnits': {
        const asked = ++this.unitSearches;
        const subject = await this.subject();
        if (asked !== this.unitSearches) return;
        const result = explorerUnitSearch(subject, message.text, message.start, message.end);
        if ('units' in result)
          this.services.log.info(
            `Explorer: units of ${subject.title} for characters ${message.start}–${message.end}: best unit ${result.units[0]?.unit} scores ${result.units[0]?.score.toFixed(3)}`,
          );
        this.post({ type: 'units', result });
        return;
      }
      case 'openInput':
        this.remember({ view: 'graph', input: message.input });
        this.post({ type: 'showView', view: 'graph', input: message.input });
        return;
    }
  }

  private remember(change: Partial<Place>): void {
    const place = {
      view: 'graph' as ExplorerView,
      ...this.services.memento.get<Place>(PLACE_KEY),
      ...change,
    };
    void this.services.memento.update(PLACE_KEY, place);
  }

  /** The remembered task's active model, or the names classifier when that task has none. */
  private async subject(): Promise<Subject> {
    const task = this.services.memento.get<Place>(PLACE_KEY)?.subject ?? NAMES_TASK;
    const subject =
      (await this.services.subjects.get(task)) ?? (await this.services.subjects.get(NAMES_TASK));
    if (!subject) throw new Error('No model to explore');
    return subject;
  }

  private summary(subject: Subject): ModelSummary {
    const { config } = subject.loaded.model;
    const summary: ModelSummary = {
      title: subject.title,
      cell: config.cell,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      labels: subject.loaded.manifest.labels,
      task: subject.task,
      hint: subject.reading.hint,
      subjects: this.services.subjects.choices(),
    };
    this.shownSummary = JSON.stringify(summary);
    return summary;
  }

  private async explain(text: string): Promise<void> {
    const subject = await this.subject();
    if (subject.task !== NAMES_TASK) {
      const trace = subject.reading.trace(subject.loaded.model, text);
      const reason = 'reason' in trace ? trace.reason : undefined;
      this.post({ type: 'trace', trace: 'reason' in trace ? null : trace, reason });
      this.post({
        type: 'prediction',
        input: text,
        top: 'reason' in trace ? [] : trace.prediction,
        reason,
      });
      return;
    }
    const { classifier } = await this.services.classifier();
    const result = classifier.predict(text, classifier.manifest.labels.length);
    if (!result.ok) {
      this.post({ type: 'trace', trace: null, reason: result.reason });
      this.post({ type: 'prediction', input: text, top: [], reason: result.reason });
      return;
    }
    const trace = traceSequence(
      classifier.model,
      classifier.manifest.vocabulary,
      classifier.manifest.labels,
      text,
    );
    this.post({ type: 'trace', trace: trace ?? null });
    this.post({
      type: 'prediction',
      input: text,
      top: result.top.map((t) => ({ label: t.language, probability: t.probability })),
    });
  }

  private async lab(controls: LabControls): Promise<void> {
    this.labControls = controls;
    const started = performance.now();
    const settings = { ...controls, hiddenSize: controls.hiddenSize ?? LAB_HIDDEN, seed: LAB_SEED };
    let cells: CellGradients[] | undefined;
    let trained: TrainedLabInfo | undefined;
    if (controls.weights === 'model') {
      const { classifier, title } = await this.services.classifier();
      const result = trainedModelLab(classifier.model, settings);
      if (result.ok) {
        cells = [result.cell];
        trained = { title, radii: result.radii };
      } else {
        trained = { title, reason: result.reason };
      }
    }
    cells ??= gradientLab(settings);
    this.post({
      type: 'gradients',
      controls,
      cells,
      rule: REGIME_RULE,
      millis: performance.now() - started,
      ...(trained ? { trained } : {}),
    });
  }

  /** Throttles live training to TRAINING_POST_MS, always sending the latest state last. */
  /** The next snapshot waits for the page to draw the last one, so a slow page gets fewer. */
  private scheduleTraining(): void {
    this.trainingChanged = true;
    if (!this.ready || this.trainingTimer || this.awaitingDraw) return;
    const wait = Math.max(0, this.nextTrainingPost - Date.now());
    this.trainingTimer = setTimeout(() => {
      this.trainingTimer = undefined;
      this.postTraining();
    }, wait);
  }

  private postTraining(): void {
    this.trainingChanged = false;
    this.awaitingDraw = true;
    this.post({
      type: 'training',
      ...trainingUpdate(this.services.training.snapshot(), this.held),
    });
  }

  dispose(): void {
    if (ExplorerPanel.current === this) ExplorerPanel.current = undefined;
    clearTimeout(this.trainingTimer);
    this.analysis.stop();
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
