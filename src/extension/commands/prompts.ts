import * as vscode from 'vscode';
import type { CellType } from '../../core/model/config';
import { markDefault, numberChoices, type ChoiceItem, type Choices } from './promptItems';

/**
 * A quick pick that opens with the default highlighted, so Enter takes it. showQuickPick
 * always highlights the first row; only a QuickPick's activeItems can name another. It stays
 * open when focus moves (a webview taking focus must not cancel a multi-step prompt).
 */
export function pickWithDefault<T>(
  choices: Choices<T>,
  options: { title: string; placeholder?: string },
): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<ChoiceItem<T>>();
  pick.title = options.title;
  pick.placeholder = options.placeholder ?? vscode.l10n.t('Enter takes the default');
  pick.ignoreFocusOut = true;
  pick.items = choices.items;
  pick.activeItems = [choices.active];
  return new Promise((resolve) => {
    let value: T | undefined;
    pick.onDidAccept(() => {
      value = pick.selectedItems[0]?.value;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(value);
    });
    pick.show();
  });
}

export function pickNumber(
  title: string,
  offered: number[],
  current: number,
  format = String,
): Promise<number | undefined> {
  return pickWithDefault(numberChoices(offered, current, format), {
    title,
    placeholder: vscode.l10n.t('Default: {0}', format(current)),
  });
}

const CELLS: ChoiceItem<CellType>[] = [
  { label: 'GRU', description: 'gated recurrent unit: r, z, n gates', value: 'gru' },
  { label: 'LSTM', description: 'long short-term memory: i, f, g, o gates', value: 'lstm' },
  { label: 'RNN', description: 'vanilla Elman RNN with tanh', value: 'rnn' },
];

export function pickCell(title: string, current: CellType): Promise<CellType | undefined> {
  return pickWithDefault(markDefault(CELLS, current), { title });
}

/** A whole number in [min, max], prefilled with the default so Enter takes it. */
export async function askNumber(
  title: string,
  value: number,
  min: number,
  max: number,
): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    ignoreFocusOut: true,
    title,
    value: String(value),
    prompt: vscode.l10n.t('Default: {0}', String(value)),
    validateInput: (text) => {
      const n = Number(text);
      return Number.isInteger(n) && n >= min && n <= max
        ? undefined
        : `A whole number from ${min} to ${max}.`;
    },
  });
  return answer === undefined ? undefined : Number(answer);
}

/** One file from the open dialog, or undefined when the person cancels. */
export async function pickOpenFile(
  title: string,
  filters: Record<string, string[]>,
): Promise<vscode.Uri | undefined> {
  return (await vscode.window.showOpenDialog({ title, filters, canSelectMany: false }))?.[0];
}

/** Restricted Mode must not read workspace files: says so and answers false there. */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    vscode.l10n.t(
      'RNN Explorer: {0} reads files from the workspace, which Restricted Mode does not allow. Trust the workspace to use it.',
      what,
    ),
  );
  return false;
}
