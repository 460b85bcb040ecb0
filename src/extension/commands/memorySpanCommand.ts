/**
 * `RNN: Memory Span…`: races the three cells on the long-memory task over a range of spans T in
 * the race worker, with cancellable progress, and draws held-out accuracy against T in the
 * Results panel as each training finishes.
 */
import * as vscode from 'vscode';
import { CELL_LABELS } from '../../core/model/config';
import { describeSweep, measuredFinding, type SpanReport } from '../../core/tasks/memorySpanReport';
import {
  DEFAULT_SPAN_RECIPE,
  SPAN_RECIPES,
  type SpanRecipe,
} from '../../core/tasks/memorySpanRecipes';
import { summariseSweep, type SpanSweep } from '../../core/tasks/memorySpanSweep';
import type { SpanResult } from '../../core/tasks/memorySpan';
import { markDefault } from './promptItems';
import { pickWithDefault } from './prompts';
import { ResultsPanel } from '../results/resultsPanel';
import { settings } from '../settings';
import { raceWithProgress, refuseRace } from './raceContext';
import type { TaskCommandServices, TaskContext } from './taskContext';

export function registerMemorySpanCommand(
  s: TaskCommandServices,
  { guarded }: TaskContext,
): vscode.Disposable[] {
  const { extensionUri, log, training } = s;

  const memorySpan = guarded(async () => {
    if (refuseRace(training)) return;
    const recipe = await pickWithDefault<SpanRecipe>(
      markDefault(
        SPAN_RECIPES.map((r) => ({ label: r.label, description: r.description, value: r })),
        DEFAULT_SPAN_RECIPE,
      ),
      { title: vscode.l10n.t('RNN: Memory Span: how to train the cells') },
    );
    if (!recipe) return;
    const sweep: SpanSweep = { ...recipe.sweep, ...settings.memorySpan() };
    const results: Array<SpanResult & { seed: number }> = [];
    const spanReport = (state: SpanReport['state']): SpanReport => {
      const summary = summariseSweep(results);
      const base = {
        cells: sweep.cells,
        spans: sweep.spans,
        chance: 1 / sweep.symbols,
        summary,
      };
      return {
        ...base,
        settings: describeSweep(sweep),
        trained: results.length,
        trainings: sweep.cells.length * sweep.spans.length * sweep.seeds.length,
        state,
        finding: state === 'finished' ? `${measuredFinding(base)} ${recipe.why}` : '',
      };
    };
    const title = vscode.l10n.t('Memory span: the cells raced');
    const show = (state: SpanReport['state']): void =>
      ResultsPanel.show(extensionUri, log, {
        kind: 'memory-span',
        title,
        report: spanReport(state),
      });
    show('running');
    const race = raceWithProgress(
      extensionUri,
      vscode.l10n.t('RNN: Memory Span'),
      { type: 'span-sweep', sweep, wasmDirectory: s.wasmDirectory, backend: settings.backend() },
      (event, report) => {
        if (event.type === 'sweep-progress') {
          const { fraction, cell, span, seed } = event.progress;
          report(fraction, `${CELL_LABELS[cell]} at T = ${span}, seed ${seed}`);
        } else if (event.type === 'span-result') {
          results.push(event.result);
          ResultsPanel.update({ kind: 'memory-span', title, report: spanReport('running') });
        }
      },
    );
    const outcome = await race.catch((error: unknown) => {
      show('stopped');
      throw error;
    });
    show(outcome.completed ? 'finished' : 'stopped');
    log.info(
      `Memory span: ${outcome.completed ? 'finished' : 'stopped'} after ${results.length} trainings in ${outcome.seconds.toFixed(1)} s (${describeSweep(sweep)})`,
    );
  });

  return [vscode.commands.registerCommand('rnnExplorer.memorySpan', memorySpan)];
}
