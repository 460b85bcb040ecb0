/**
 * Colours one document's characters by the active text model's reading of it (its surprise, or
 * one hidden unit's state) with editor decorations, keeps the colouring up to date as the user
 * types, and shows its legend in the status bar, where a click clears it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readText, type TextReading } from '../../core/explore/surprise';
import type { LoadedModel } from '../../core/io/modelFile';
import { TEXT_TASK } from '../../core/tasks/languageModel';
import type { ModelRegistry } from '../modelRegistry';
import { offerTraining } from '../commands/taskContext';
import {
  binsFor,
  colourRuns,
  SURPRISE_BINS,
  UNIT_BINS,
  type ColourBy,
} from '../../shared/readingColours';

/**
 * Read at most this many characters (the rest stays uncoloured): the read blocks the extension
 * host for about 16 ms per 1,000 characters with a GRU 128 (npm run bench:surprise), so a
 * 50,000-character document stalls hovers and commands for under a second.
 */
export const MAX_COLOURED_CHARACTERS = 50_000;
/**
 * Recolour this long after the last edit. Keystrokes of someone typing come 100 to 250 ms apart,
 * so 300 ms without one means a pause: reading the whole document again on every keystroke
 * would hold up the typing itself.
 */
export const RECOLOUR_DELAY_MS = 300;

export const CLEAR_COMMAND = 'rnnExplorer.clearColouring';

interface Colouring {
  document: vscode.TextDocument;
  by: ColourBy;
  reading: TextReading;
  /** The document's version the reading is of. */
  version: number;
}

export interface ColouringServices {
  registry: ModelRegistry;
  log: vscode.LogOutputChannel;
  /** Model tensors belong to a backend; a new backend needs the model loaded again. */
  onBackendChange: vscode.Event<unknown>;
}

export const describeColouring = (by: ColourBy): string =>
  by.kind === 'surprise' ? 'surprise' : `unit ${by.unit}`;

/** The legend: each bin's colour as a swatch (the tooltip's Markdown takes hex colours). */
function legend(by: ColourBy, name: string, truncated: boolean): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.supportHtml = true;
  const title =
    by.kind === 'surprise'
      ? 'Surprise: −log2 p(character | the text before it), in bits'
      : `Unit ${by.unit}: its hidden state after each character`;
  markdown.appendMarkdown(`**${title}** in `);
  markdown.appendText(name);
  markdown.appendMarkdown('\n\n');
  for (const bin of binsFor(by)) {
    markdown.appendMarkdown(
      `<span style="background-color:${bin.background};">&nbsp;&nbsp;&nbsp;&nbsp;</span> ${bin.label}  \n`,
    );
  }
  markdown.appendMarkdown(
    '\nUncoloured: no value (the first character, or one the model never saw).\n\n',
  );
  if (truncated) {
    markdown.appendMarkdown(
      `Only the first ${MAX_COLOURED_CHARACTERS.toLocaleString('en')} characters are read.\n\n`,
    );
  }
  markdown.appendMarkdown('Click to clear the colouring.');
  return markdown;
}

export class ModelColouring implements vscode.Disposable {
  private textModel?: { id: string; loaded: LoadedModel };
  private current?: Colouring;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly types = {
    surprise: SURPRISE_BINS.map((bin) =>
      vscode.window.createTextEditorDecorationType({ backgroundColor: bin.background }),
    ),
    unit: UNIT_BINS.map((bin) =>
      vscode.window.createTextEditorDecorationType({ backgroundColor: bin.background }),
    ),
  };
  private readonly status = vscode.window.createStatusBarItem(
    'rnnExplorer.colouring',
    vscode.StatusBarAlignment.Right,
    99,
  );
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly s: ColouringServices) {
    this.status.name = vscode.l10n.t('RNN Explorer: model colouring');
    this.status.command = CLEAR_COMMAND;
    this.disposables = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === this.current?.document && event.contentChanges.length > 0)
          this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document === this.current?.document) this.clear();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.apply()),
      // Another text model made active, or a new backend: read again with the model now in use.
      s.registry.onDidChange(() => this.modelChanged()),
      s.onBackendChange(() => this.modelChanged()),
    ];
  }

  /** The reading shown for `document`, if it is the coloured one and not edited since. */
  shownReading(document: vscode.TextDocument): Colouring | undefined {
    const current = this.current;
    return current?.document === document && current.version === document.version
      ? current
      : undefined;
  }

  /**
   * The active text model's reading of `document`: the one shown if it is current, else read
   * now. Undefined, after offering to train one, when there is no text model.
   */
  async read(document: vscode.TextDocument): Promise<TextReading | undefined> {
    const shown = this.shownReading(document);
    if (shown) return shown.reading;
    const loaded = await this.loadModel();
    if (!loaded) return undefined;
    const end = document.positionAt(MAX_COLOURED_CHARACTERS);
    const text = document.getText(new vscode.Range(new vscode.Position(0, 0), end));
    // After an edit, the chunks before it are the shown reading's (see readText).
    const previous = this.current?.document === document ? this.current.reading : undefined;
    return readText(loaded.model, loaded.manifest.vocabulary, text, { previous });
  }

  /** Colours `document` by `by` in every editor that shows it. */
  async show(document: vscode.TextDocument, by: ColourBy): Promise<TextReading | undefined> {
    const started = performance.now();
    const version = document.version;
    const reading = await this.read(document);
    if (!reading) return undefined;
    const previous = this.current;
    if (previous && previous.document !== document) this.clear();
    this.current = { document, by, reading, version };
    this.apply();
    const scored = Array.from(reading.bits).filter((bits) => !Number.isNaN(bits));
    const mean = scored.reduce((sum, bits) => sum + bits, 0) / Math.max(1, scored.length);
    this.s.log.info(
      `Coloured ${path.basename(document.fileName)} by ${describeColouring(by)}: ` +
        `${reading.characters.length} characters, mean surprise ${mean.toFixed(3)} bits, ` +
        `${(performance.now() - started).toFixed(0)} ms`,
    );
    return reading;
  }

  clear(): void {
    clearTimeout(this.timer);
    if (!this.current) return;
    const { document } = this.current;
    this.current = undefined;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      for (const type of [...this.types.surprise, ...this.types.unit])
        editor.setDecorations(type, []);
    }
    this.status.hide();
    this.s.log.info(`Cleared the model colouring of ${path.basename(document.fileName)}`);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const current = this.current;
      if (!current) return;
      // The text model was removed meanwhile: nothing to colour with, and no prompt unasked.
      if (!this.s.registry.activeFor(TEXT_TASK)) return this.clear();
      this.show(current.document, current.by).catch((error: unknown) =>
        this.s.log.error(`Recolouring failed: ${(error as Error).message}`),
      );
    }, RECOLOUR_DELAY_MS);
  }

  private modelChanged(): void {
    this.textModel?.loaded.model.dispose();
    this.textModel = undefined;
    if (this.current) {
      // The reading is of the old model: read again once the change has settled.
      this.current.version = -1;
      this.schedule();
    }
  }

  private async loadModel(): Promise<LoadedModel | undefined> {
    const id = this.s.registry.activeFor(TEXT_TASK);
    if (!id) {
      await offerTraining('text model', 'rnnExplorer.trainTextModel');
      return undefined;
    }
    if (this.textModel?.id !== id) {
      this.textModel?.loaded.model.dispose();
      this.textModel = undefined;
      this.textModel = { id, loaded: this.s.registry.loadActive(TEXT_TASK) as LoadedModel };
    }
    return this.textModel.loaded;
  }

  /** Sets the decorations of every visible editor of the coloured document, and the legend. */
  private apply(): void {
    const current = this.current;
    if (!current) return;
    const { document, by, reading } = current;
    const runs = colourRuns(reading, by);
    const ranges = runs.map((binRuns) =>
      binRuns.map(
        ([start, end]) => new vscode.Range(document.positionAt(start), document.positionAt(end)),
      ),
    );
    const [shown, hidden] =
      by.kind === 'surprise'
        ? [this.types.surprise, this.types.unit]
        : [this.types.unit, this.types.surprise];
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      shown.forEach((type, bin) => editor.setDecorations(type, ranges[bin] ?? []));
      hidden.forEach((type) => editor.setDecorations(type, []));
    }
    const name = path.basename(document.fileName);
    this.status.text =
      by.kind === 'surprise'
        ? `$(symbol-color) Surprise: 0–${SURPRISE_BINS.length} bits`
        : `$(symbol-color) Unit ${by.unit}: −1 to +1`;
    const documentEnd = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    const readEnd = reading.offsets[reading.offsets.length - 1] as number;
    this.status.tooltip = legend(by, name, readEnd < documentEnd);
    this.status.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.textModel?.loaded.model.dispose();
    for (const type of [...this.types.surprise, ...this.types.unit]) type.dispose();
    this.status.dispose();
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}
