/** The character language model's commands: train a text model, generate text with it. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkText, checkTextSize, decodeText } from '../../core/data/text';
import { CLASSIC_SETTINGS } from '../../core/explore/teacherForcing';
import {
  CLASSIC_SENTENCES,
  generateText,
  readShakespeare,
  SHAKESPEARE_FILE,
  TEXT_TASK,
  textEpochs,
  type TextCorpus,
} from '../../core/tasks/languageModel';
import { askNumber, pickCell, requireTrust } from './prompts';
import {
  readChecked,
  taskTrainSettings,
  type TaskCommandServices,
  type TaskContext,
} from './taskContext';

export function registerTextCommands(
  s: TaskCommandServices,
  { media, guarded, withActive }: TaskContext,
): vscode.Disposable[] {
  const { training, log } = s;

  const textCorpus = async (
    uri?: vscode.Uri,
  ): Promise<{ corpus: TextCorpus; name: string } | undefined> => {
    if (uri) {
      if (!requireTrust('Training on a file')) return undefined;
      const name = path.basename(uri.path);
      return {
        corpus: { kind: 'stream', text: decodeText(await readChecked(uri, checkTextSize), name) },
        name,
      };
    }
    const editor = vscode.window.activeTextEditor;
    const choices = [
      {
        label: 'The three sentences',
        description: CLASSIC_SENTENCES.map((l) => `"${l}"`).join(', '),
        id: 'classic',
      },
      {
        label: 'Tiny Shakespeare',
        description: 'bundled, 1.1 million characters',
        id: 'shakespeare',
      },
      ...(editor
        ? [
            {
              label: editor.selection.isEmpty ? 'The active editor' : 'The selection',
              description: path.basename(editor.document.fileName),
              id: 'editor',
            },
          ]
        : []),
      { label: 'A text file in the workspace…', description: '.txt, .md', id: 'file' },
    ];
    const picked = await vscode.window.showQuickPick(choices, {
      ignoreFocusOut: true,
      title: vscode.l10n.t('RNN: Train Text Model: what to learn from'),
    });
    if (!picked) return undefined;
    if (picked.id === 'classic')
      return {
        corpus: { kind: 'sentences', lines: CLASSIC_SENTENCES },
        name: 'the three sentences',
      };
    if (picked.id === 'shakespeare')
      return { corpus: readShakespeare(media('data', 'text')), name: SHAKESPEARE_FILE };
    if (picked.id === 'editor' && editor) {
      const name = path.basename(editor.document.fileName);
      const raw = editor.selection.isEmpty
        ? editor.document.getText()
        : editor.document.getText(editor.selection);
      checkTextSize(Buffer.byteLength(raw), name);
      return {
        corpus: {
          kind: 'stream',
          text: checkText(raw, editor.selection.isEmpty ? name : `The selection in ${name}`),
        },
        name,
      };
    }
    if (!requireTrust('Training on a file')) return undefined;
    const files = await vscode.workspace.findFiles('**/*.{txt,md}', '**/node_modules/**', 500);
    const file = await vscode.window.showQuickPick(
      files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
      { title: vscode.l10n.t('Text file to learn from'), ignoreFocusOut: true },
    );
    return file ? textCorpus(file.uri) : undefined;
  };

  const trainText = guarded(async (uri?: vscode.Uri) => {
    if (training.refuseWhileTraining()) return;
    const source = await textCorpus(uri instanceof vscode.Uri ? uri : undefined);
    if (!source) return;
    const classic = source.corpus.kind === 'sentences';
    const cell = await pickCell('Cell', classic ? 'rnn' : 'gru');
    if (!cell) return;
    let sequenceLength = 100;
    let truncatedBptt = true;
    if (!classic) {
      const k = await askNumber(
        'Characters per chunk: the k of truncated backpropagation through time',
        100,
        2,
        1000,
      );
      if (k === undefined) return;
      sequenceLength = k;
      const carry = await vscode.window.showQuickPick(
        [
          {
            label: 'Truncated BPTT',
            description: `carry the state from chunk to chunk, backpropagate ${k} steps`,
            carry: true,
          },
          {
            label: 'Independent chunks',
            description: 'start every chunk from a zero state',
            carry: false,
          },
        ],
        { title: vscode.l10n.t('How chunks connect'), ignoreFocusOut: true },
      );
      if (!carry) return;
      truncatedBptt = carry.carry;
    }
    const forcing = await vscode.window.showQuickPick(
      [
        {
          label: 'Teacher forcing',
          description: 'feed the true previous character (the usual way)',
          on: true,
        },
        { label: 'Free-running', description: "feed the model's own previous guess", on: false },
      ],
      { title: vscode.l10n.t('Inputs during training'), ignoreFocusOut: true },
    );
    if (!forcing) return;
    const characters = classic ? 45 : (source.corpus as { text: string }).text.length;
    const epochs = classic ? CLASSIC_SETTINGS.epochs : textEpochs(characters);
    await training.train({
      job: {
        task: 'text',
        corpus: source.corpus,
        sourceName: source.name,
        model: {
          cell,
          hiddenSize: classic ? 32 : 128,
          numLayers: 1,
          sequenceLength,
          truncatedBptt,
          teacherForcing: forcing.on,
        },
      },
      title: vscode.l10n.t('{0} on {1}', cell.toUpperCase(), source.name),
      settings: taskTrainSettings(epochs, classic ? 0.01 : 0.003, classic ? 64 : 32),
    });
  });

  const generate = guarded(async () => {
    await withActive(
      TEXT_TASK,
      'text model',
      'rnnExplorer.trainTextModel',
      async ({ model, manifest }) => {
        const classic = manifest.taskOptions?.source === 'the three sentences';
        const prime = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: vscode.l10n.t('RNN: Generate Text: priming string'),
          value: classic
            ? 'good'
            : manifest.vocabulary.includes('R')
              ? 'ROMEO:'
              : (manifest.vocabulary[0] ?? ''),
          validateInput: (v) => (v.length === 0 ? 'Give at least one character.' : undefined),
        });
        if (prime === undefined) return;
        const length = await askNumber(
          'Length of the result, priming string included',
          classic ? 15 : 400,
          1,
          20000,
        );
        if (length === undefined) return;
        const temperature = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: vscode.l10n.t(
            'Temperature: 0 always takes the most likely character; 1 samples as trained',
          ),
          value: classic ? '0' : '0.5',
          validateInput: (v) =>
            Number.isFinite(Number(v)) && Number(v) >= 0 && Number(v) <= 5
              ? undefined
              : 'A number from 0 to 5.',
        });
        if (temperature === undefined) return;
        const text = generateText(model, manifest.vocabulary, {
          prime,
          length,
          temperature: Number(temperature),
          seed: Date.now() % 2 ** 31,
        });
        log.info(
          `Generated ${text.length} characters from "${prime}" at temperature ${temperature}`,
        );
        const document = await vscode.workspace.openTextDocument({
          content: text,
          language: 'plaintext',
        });
        await vscode.window.showTextDocument(document, { preview: false });
      },
    );
  });

  return [
    vscode.commands.registerCommand('rnnExplorer.trainTextModel', trainText),
    vscode.commands.registerCommand('rnnExplorer.generateText', generate),
  ];
}
