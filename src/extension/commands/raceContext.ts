import * as vscode from 'vscode';
import type { StartRace } from '../../shared/raceMessages';
import { raceRunning, runRace, type RaceEvent } from '../race/raceRunner';
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

/** Where a race is: the share done (0..1) and what trains now. */
export type ReportRace = (fraction: number, message: string) => void;

/**
 * Runs `start` in the race worker under a cancellable progress notification titled `title`;
 * `onEvent` gets every event and a way to move the notification's bar, which only moves forward.
 */
export async function raceWithProgress(
  extensionUri: vscode.Uri,
  title: string,
  start: StartRace,
  onEvent: (event: RaceEvent, report: ReportRace) => void,
): Promise<{ completed: boolean; seconds: number }> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      let reported = 0;
      const report: ReportRace = (fraction, message) => {
        progress.report({ increment: Math.max(0, 100 * (fraction - reported)), message });
        reported = Math.max(reported, fraction);
      };
      return runRace(extensionUri.fsPath, start, (event) => onEvent(event, report), token);
    },
  );
}
