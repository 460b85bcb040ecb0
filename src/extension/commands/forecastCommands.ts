/** The forecasting commands: train a forecaster on a bundled or workspace series, reopen its report. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkCsvSize, numericColumns, parseCsv } from '../../core/data/csv';
import {
  BUNDLED_SERIES,
  bundledSource,
  FORECAST_TASK,
  forecastEpochs,
  forecastReport,
  readBundledSeries,
  seriesFromCsv,
  type Series,
} from '../../core/tasks/forecasting';
import { askNumber, requireTrust } from './prompts';
import {
  readChecked,
  taskTrainSettings,
  type TaskCommandServices,
  type TaskContext,
} from './taskContext';

export function registerForecastCommands(
  s: TaskCommandServices,
  { media, guarded, withActive, showForecast }: TaskContext,
): vscode.Disposable[] {
  const { training } = s;

  const trainForecast = async (
    series: Series,
    defaults: { window: number; horizon: number },
  ): Promise<void> => {
    const window = await askNumber(
      `Window: past values the RNN reads (${series.values.length} in ${series.name})`,
      defaults.window,
      1,
      1000,
    );
    if (window === undefined) return;
    const horizon = await askNumber('Horizon: future values to forecast', defaults.horizon, 1, 365);
    if (horizon === undefined) return;
    const epochs = forecastEpochs(series.values.length);
    await training.train({
      job: {
        task: 'forecast',
        series: { ...series, values: Array.from(series.values) },
        model: { cell: 'gru', hiddenSize: 32, numLayers: 1, window, horizon },
      },
      title: vscode.l10n.t('GRU 32 on {0} {1}', series.name, series.column),
      settings: taskTrainSettings(epochs, 0.003, 32),
    });
  };

  const forecastCsv = guarded(async (uri?: vscode.Uri) => {
    if (training.refuseWhileTraining()) return;
    let target = uri instanceof vscode.Uri ? uri : undefined;
    if (!requireTrust('Forecasting a CSV file')) return;
    if (!target) {
      const files = await vscode.workspace.findFiles('**/*.csv', '**/node_modules/**', 500);
      const picked = await vscode.window.showQuickPick(
        files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
        { title: vscode.l10n.t('CSV file to forecast'), ignoreFocusOut: true },
      );
      target = picked?.uri;
    }
    if (!target) return;
    const name = path.basename(target.path);
    const text = new TextDecoder().decode(await readChecked(target, checkCsvSize));
    const columns = numericColumns(parseCsv(text, name));
    if (columns.length === 0)
      throw new Error(`${name} has no numeric column that changes; nothing to forecast.`);
    const column =
      columns.length === 1
        ? columns[0]
        : await vscode.window.showQuickPick(columns, {
            ignoreFocusOut: true,
            title: vscode.l10n.t('Column of {0} to forecast', name),
          });
    if (!column) return;
    const series = seriesFromCsv(text, name, column);
    await trainForecast(series, {
      window: Math.min(24, Math.floor(series.values.length / 6)) || 1,
      horizon: Math.min(12, Math.max(1, Math.floor(series.values.length / 20))),
    });
  });

  const forecastBundled = guarded(async () => {
    if (training.refuseWhileTraining()) return;
    const picked = await vscode.window.showQuickPick(
      [
        ...BUNDLED_SERIES.map((b) => ({ label: b.file, description: b.column, bundled: b })),
        { label: 'A CSV file in the workspace…', description: '', bundled: undefined },
      ],
      { title: vscode.l10n.t('RNN: Forecast Time Series: which series'), ignoreFocusOut: true },
    );
    if (!picked) return;
    if (!picked.bundled) return forecastCsv();
    await trainForecast(
      readBundledSeries(media('data', 'timeseries'), picked.bundled),
      picked.bundled,
    );
  });

  const showForecastOfActive = guarded(async () => {
    await withActive(
      FORECAST_TASK,
      'forecaster',
      'rnnExplorer.forecast',
      async ({ model, manifest }) => {
        const o = manifest.taskOptions ?? {};
        const bundled = bundledSource(o);
        if (!bundled)
          throw new Error(
            'Reopen a forecast of a workspace CSV by running "RNN: Forecast CSV Column..." again.',
          );
        const series = readBundledSeries(media('data', 'timeseries'), bundled);
        const report = forecastReport(
          model,
          series,
          {
            window: Number(o.window),
            horizon: Number(o.horizon),
            seasonPeriod: o.seasonPeriod === undefined ? undefined : Number(o.seasonPeriod),
          },
          { mean: Number(o.mean), std: Number(o.std) },
        );
        showForecast({
          kind: 'forecast',
          title: vscode.l10n.t('Forecast: {0} {1}', series.name, series.column),
          report,
        });
      },
    );
  });

  return [
    vscode.commands.registerCommand('rnnExplorer.forecast', forecastBundled),
    vscode.commands.registerCommand('rnnExplorer.forecastCsv', forecastCsv),
    vscode.commands.registerCommand('rnnExplorer.showForecast', showForecastOfActive),
  ];
}
