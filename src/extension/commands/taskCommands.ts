/**
 * Commands for the tasks beyond the name classifier: a character language model, name
 * generation, forecasting, PyTorch interop, the lessons' two comparisons and the cells raced. Each area
 * registers its own commands; this file wires them up with what they share.
 */
import * as vscode from 'vscode';
import { ResultsPanel } from '../results/resultsPanel';
import { WALKTHROUGH_CONTEXT } from '../walkthroughContext';
import { registerCompareCellsCommand } from './compareCellsCommand';
import { registerForecastCommands } from './forecastCommands';
import { registerGeneratorCommands } from './generatorCommands';
import { registerInteropCommands } from './interopCommands';
import { registerLessonCommands } from './lessonCommands';
import { registerMemorySpanCommand } from './memorySpanCommand';
import { createTaskContext, type TaskCommandServices } from './taskContext';
import { registerTextCommands } from './textCommands';

export type { TaskCommandServices } from './taskContext';

export function registerTaskCommands(s: TaskCommandServices): vscode.Disposable[] {
  const { extensionUri, training, log } = s;
  const context = createTaskContext(s);
  const { showForecast } = context;

  return [
    ResultsPanel.register(extensionUri, log),
    training.onDidFinish((run) => {
      void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.trained, true);
      if (run.forecast) {
        showForecast({
          kind: 'forecast',
          title: vscode.l10n.t('Forecast: {0} {1}', run.forecast.name, run.forecast.column),
          report: run.forecast,
        });
      }
      if (run.request.job.task === 'text')
        void vscode.commands.executeCommand('rnnExplorer.generateText');
    }),
    ...registerTextCommands(s, context),
    ...registerGeneratorCommands(s, context),
    ...registerForecastCommands(s, context),
    ...registerLessonCommands(s, context),
    ...registerInteropCommands(s, context),
    ...registerMemorySpanCommand(s, context),
    ...registerCompareCellsCommand(s, context),
  ];
}
