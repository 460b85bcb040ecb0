import * as vscode from 'vscode';
import { raceRunning } from '../race/raceRunner';
import type { TrainingController } from '../training/trainingController';

/**
 * Races start one at a time, and not beside a training: they would share the same two cores, and
 * the budget each cell is given would not be the same. Says why and returns true when refused.
 */
export function refuseRace(training: TrainingController): boolean {
  if (training.refuseWhileTraining()) return true;
  if (!raceRunning()) return false;
  void vscode.window.showWarningMessage(
    vscode.l10n.t('RNN Explorer is already racing the cells. Cancel it first, or wait for it.'),
  );
  return true;
}
