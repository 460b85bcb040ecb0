/** The name generator's commands: train one, then generate names for a language. */
import * as vscode from 'vscode';
import {
  generateNames,
  generatorLanguages,
  NAME_GENERATION_TASK,
} from '../../core/tasks/nameGeneration';
import { NAME_GENERATION_EPOCHS } from '../../core/tasks/playground';
import { askNumber, pickCell } from './prompts';
import { taskTrainSettings, type TaskCommandServices, type TaskContext } from './taskContext';

export function registerGeneratorCommands(
  s: TaskCommandServices,
  { guarded, withActive }: TaskContext,
): vscode.Disposable[] {
  const { training, log } = s;

  const trainGenerator = guarded(async () => {
    if (training.refuseWhileTraining()) return;
    const cell = await pickCell('RNN: Train Name Generator: cell', 'gru');
    if (!cell) return;
    const epochs = await askNumber('Epochs', NAME_GENERATION_EPOCHS, 1, 100);
    if (epochs === undefined) return;
    await training.train({
      job: {
        task: 'name-generation',
        dataDirectory: training.namesDirectory,
        model: { cell, hiddenSize: 128, numLayers: 1, teacherForcing: true },
      },
      title: vscode.l10n.t('{0} 128 name generator', cell.toUpperCase()),
      settings: taskTrainSettings(epochs, 0.003, 64),
    });
  });

  const generateNamesCommand = guarded(async () => {
    await withActive(
      NAME_GENERATION_TASK,
      'name generator',
      'rnnExplorer.trainNameGenerator',
      async ({ model, manifest }) => {
        const language = await vscode.window.showQuickPick(generatorLanguages(manifest), {
          ignoreFocusOut: true,
          title: vscode.l10n.t('RNN: Generate Names: language'),
        });
        if (!language) return;
        const prefix = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: vscode.l10n.t('First letters of the {0} names (optional)', language),
          placeHolder: vscode.l10n.t('for example: Ko'),
        });
        if (prefix === undefined) return;
        const names = generateNames(model, manifest, {
          language,
          prefix,
          count: 10,
          temperature: 0.7,
          seed: Date.now() % 2 ** 31,
        });
        log.info(
          `Generated ${language} names from "${prefix}": ${names.map((n) => n.name).join(', ')}`,
        );
        const picked = await vscode.window.showQuickPick(
          names.map((n) => ({
            label: n.name,
            description: `p = ${n.probability.toExponential(1)}`,
          })),
          {
            ignoreFocusOut: true,
            title: vscode.l10n.t(
              '{0} names{1}: pick one to copy it',
              language,
              prefix ? ` starting with ${prefix}` : '',
            ),
          },
        );
        if (picked) await vscode.env.clipboard.writeText(picked.label);
      },
    );
  });

  return [
    vscode.commands.registerCommand('rnnExplorer.trainNameGenerator', trainGenerator),
    vscode.commands.registerCommand('rnnExplorer.generateNames', generateNamesCommand),
  ];
}
