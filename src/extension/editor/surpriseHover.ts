/**
 * The hover over a coloured character: how surprised the model was by it, the unit's state when
 * colouring by a unit, and the characters the model expects next.
 */
import * as vscode from 'vscode';
import { visible } from '../../core/explore/subjects';
import { characterAt, nextCharacters } from '../../core/explore/surprise';
import { characterValue } from '../../shared/readingColours';
import { CLEAR_COMMAND, type ModelColouring } from './modelColouring';

const percent = (probability: number): string => `${(100 * probability).toFixed(1)} %`;

export class SurpriseHoverProvider implements vscode.HoverProvider {
  constructor(private readonly colouring: ModelColouring) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const shown = this.colouring.shownReading(document);
    if (!shown) return undefined;
    const { reading, by } = shown;
    const i = characterAt(reading, document.offsetAt(position));
    if (i < 0) return undefined;
    const character = visible(reading.characters[i] as string);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [CLEAR_COMMAND] };
    md.appendMarkdown('$(symbol-color) **Model surprise** at ');
    md.appendText(`"${character}": `);
    const bits = reading.bits[i] as number;
    if ((reading.steps[i] as number) < 0) {
      md.appendText('not in the model’s vocabulary; it reads on as if it were not there');
    } else if (Number.isNaN(bits)) {
      md.appendText('no value, the first character read has no text before it');
    } else {
      md.appendText(`${bits.toFixed(2)} bits (p = ${percent(2 ** -bits)})`);
    }
    if (by.kind === 'unit') {
      const value = characterValue(reading, by, i);
      if (!Number.isNaN(value)) {
        md.appendMarkdown('\n\n');
        md.appendText(`Unit ${by.unit}: ${value.toFixed(2)}`);
      }
    }
    const next = nextCharacters(reading, i);
    if (next.length > 0) {
      md.appendMarkdown('\n\n');
      md.appendText(
        `Next: ${next.map(({ symbol, probability }) => `"${visible(symbol)}" ${percent(probability)}`).join(' · ')}`,
      );
    }
    md.appendMarkdown(`\n\n[Clear colouring](command:${CLEAR_COMMAND})`);
    const start = document.positionAt(reading.offsets[i] as number);
    const end = document.positionAt(reading.offsets[i + 1] as number);
    return new vscode.Hover(md, new vscode.Range(start, end));
  }
}
