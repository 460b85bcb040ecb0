/**
 * The text model in the editor: Show Model Surprise, Colour by Unit…, Find Units for Selection
 * and Clear Model Colouring, with the hover over a coloured character.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { stepsBetween } from '../../core/explore/surprise';
import { rankUnits } from '../../core/explore/unitSearch';
import { pickWithDefault } from '../commands/prompts';
import { createTaskContext, type TaskCommandServices } from '../commands/taskContext';
import { CLEAR_COMMAND, ModelColouring } from './modelColouring';
import { SurpriseHoverProvider } from './surpriseHover';
import { firingRule, otherFirings, rankedUnitChoices, unitChoices } from './unitChoices';

/** Lines listed in the message that says where else a unit fires. */
const LINES_LISTED = 8;

export function registerEditorCommands(
  s: TaskCommandServices,
  onBackendChange: vscode.Event<unknown>,
): vscode.Disposable[] {
  const { guarded } = createTaskContext(s);
  const { log } = s;
  const colouring = new ModelColouring({ registry: s.registry, log, onBackendChange });

  const activeDocument = (): vscode.TextEditor | undefined => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('RNN Explorer: open a text file first; its characters are what is coloured.'),
      );
    }
    return editor;
  };

  const showSurprise = guarded(async () => {
    const editor = activeDocument();
    if (editor) await colouring.show(editor.document, { kind: 'surprise' });
  });

  const colourByUnit = guarded(async () => {
    const editor = activeDocument();
    if (!editor) return;
    const reading = await colouring.read(editor.document);
    if (!reading) return;
    const shown = colouring.shownReading(editor.document)?.by;
    const unit = await pickWithDefault(
      unitChoices(reading, shown?.kind === 'unit' ? shown.unit : undefined),
      { title: vscode.l10n.t('RNN: Colour by Unit: which hidden unit of the top layer') },
    );
    if (unit !== undefined) await colouring.show(editor.document, { kind: 'unit', unit });
  });

  const findUnits = guarded(async () => {
    const editor = activeDocument();
    if (!editor) return;
    const { document, selection } = editor;
    const reading = await colouring.read(document);
    if (!reading) return;
    const { from, to } = stepsBetween(
      reading,
      document.offsetAt(selection.start),
      document.offsetAt(selection.end),
    );
    if (to <= from) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'RNN Explorer: select some text the model can read; the units are ranked by how they fire on it.',
        ),
      );
      return;
    }
    const ranked = rankUnits(reading, from, to);
    const best = ranked[0];
    log.info(
      `Units for the selection ${document.getText(selection).slice(0, 40)} in ` +
        `${path.basename(document.fileName)}: best unit ${best?.unit} scores ${best?.score.toFixed(3)}`,
    );
    const picked = await pickWithDefault(rankedUnitChoices(ranked), {
      title: vscode.l10n.t(
        'RNN: Find Units for Selection: units by how selectively they fire on it',
      ),
      placeholder: vscode.l10n.t('The top unit is highlighted; Enter colours the document by it'),
    });
    if (!picked) return;
    await colouring.show(document, { kind: 'unit', unit: picked.unit });
    const elsewhere = otherFirings(reading, picked, from, to);
    const lines = [...new Set(elsewhere.map((span) => document.positionAt(span.start).line + 1))];
    const listed = lines.slice(0, LINES_LISTED).join(', ');
    void vscode.window.showInformationMessage(
      elsewhere.length === 0
        ? vscode.l10n.t(
            'RNN Explorer: unit {0} ({1}) fires nowhere else in this document.',
            picked.unit,
            firingRule(picked.direction),
          )
        : vscode.l10n.t(
            'RNN Explorer: unit {0} ({1}) also fires in {2} other places, on lines {3}{4}.',
            picked.unit,
            firingRule(picked.direction),
            elsewhere.length,
            listed,
            lines.length > LINES_LISTED ? ', …' : '',
          ),
    );
  });

  return [
    colouring,
    vscode.languages.registerHoverProvider({ scheme: '*' }, new SurpriseHoverProvider(colouring)),
    vscode.commands.registerCommand('rnnExplorer.showSurprise', showSurprise),
    vscode.commands.registerCommand('rnnExplorer.colourByUnit', colourByUnit),
    vscode.commands.registerCommand('rnnExplorer.findUnits', findUnits),
    vscode.commands.registerCommand(CLEAR_COMMAND, () => colouring.clear()),
  ];
}
