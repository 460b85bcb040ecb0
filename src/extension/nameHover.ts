import * as vscode from 'vscode';
import type { LanguageScore, NamesClassifier } from '../core/tasks/names';
import { drivingLetters, type DrivingLetters } from './hoverSaliency';
import { surnameSpanAt } from '../core/tasks/surnameSpan';
import { settings } from './settings';
import { WALKTHROUGH_CONTEXT } from './walkthroughContext';

export const EXPLAIN_COMMAND = 'rnnExplorer.explainPrediction';
export const EXPLORER_COMMAND = 'rnnExplorer.openExplorer';

function bar(probability: number): string {
  const width = 12;
  const filled = Math.round(probability * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function hoverMarkdown(
  name: string,
  top: readonly LanguageScore[],
  modelTitle: string,
  letters?: DrivingLetters,
): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  // Only our own command may run from the hover; names and labels are escaped text.
  md.isTrusted = { enabledCommands: [EXPLAIN_COMMAND, EXPLORER_COMMAND] };
  md.appendMarkdown('$(globe) **Language of origin** for ');
  md.appendText(name);
  md.appendMarkdown('\n\n');
  for (const { language, probability } of top) {
    md.appendMarkdown(`\`${bar(probability)}\` `);
    md.appendText(`${(100 * probability).toFixed(1)}%  ${language}`);
    md.appendMarkdown('  \n');
  }
  if (letters) {
    md.appendMarkdown('\n$(search) **Letters that drove it:** ');
    md.appendText(letters.letters);
    md.appendMarkdown('  \n');
    md.appendText(letters.meaning);
    md.appendMarkdown('\n');
  }
  const args = encodeURIComponent(JSON.stringify([name]));
  md.appendMarkdown(
    `\n[$(lightbulb) Explain prediction](command:${EXPLAIN_COMMAND}?${args} "See the prediction after each letter")`,
  );
  md.appendMarkdown(
    ` · [$(graph) Explore](command:${EXPLORER_COMMAND}?${args} "Open the unfolded graph on this name")`,
  );
  md.appendMarkdown(' · ');
  md.appendText(modelTitle);
  return md;
}

export interface HoverTimings {
  record(ms: number): void;
}

export class NameHoverProvider implements vscode.HoverProvider {
  private walkthroughTicked = false;

  constructor(
    private readonly classifier: () => Promise<{ classifier: NamesClassifier; title: string }>,
    private readonly log: vscode.LogOutputChannel,
    private readonly timings?: HoverTimings,
  ) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.Hover | undefined> {
    if (!settings.hoverEnabled()) return undefined;
    const languages = settings.hoverLanguages();
    if (!languages.includes('*') && !languages.includes(document.languageId)) return undefined;
    const line = document.lineAt(position.line).text;
    const span = surnameSpanAt(line, position.character, settings.hoverMinLength());
    if (!span) return undefined;
    const word = span.name;
    const range = new vscode.Range(position.line, span.start, position.line, span.end);
    try {
      const { classifier, title } = await this.classifier();
      const started = performance.now();
      const result = classifier.predict(word, 3);
      const language = result.ok ? result.top[0]?.language : undefined;
      const contributions =
        result.ok && language ? classifier.letterContributions(result.folded, language) : [];
      this.timings?.record(performance.now() - started);
      if (!result.ok) return undefined;
      if (!this.walkthroughTicked) {
        // Once is enough: the walkthrough keeps the step ticked across sessions.
        this.walkthroughTicked = true;
        void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.hovered, true);
      }
      const letters = drivingLetters(
        contributions,
        result.top[0]?.language ?? '',
        result.top[0]?.probability ?? 0,
      );
      return new vscode.Hover(hoverMarkdown(result.name, result.top, title, letters), range);
    } catch (error) {
      // A hover must never throw at the user; the log keeps the reason.
      this.log.warn(`No hover for "${word}": ${(error as Error).message}`);
      return undefined;
    }
  }
}
