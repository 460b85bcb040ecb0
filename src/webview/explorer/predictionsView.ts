import type { HostMessage } from '../../shared/explorerProtocol';
import { chartWidth, Plot, renderPlot, seriesColors } from './charts';
import type { OutputEntry } from '../../core/explore/trace';
import { el, percent } from './dom';

type PredictionMessage = Extract<HostMessage, { type: 'prediction' }>;

/** Bars per language, redrawn on every keystroke. */
export class PredictionsView {
  readonly root: HTMLElement;
  private readonly chart = el('div', { class: 'chart' });
  private readonly list = el('ol', { class: 'numbers', 'aria-label': 'Languages by probability' });

  constructor() {
    this.root = el(
      'section',
      { class: 'view predictions-view', 'aria-label': 'Predictions' },
      this.chart,
      this.list,
    );
  }

  show(message: PredictionMessage): void {
    if (message.reason || message.top.length === 0) {
      this.chart.replaceChildren(el('p', { class: 'empty' }, message.reason ?? 'Type a name.'));
      this.list.replaceChildren();
      return;
    }
    const [color] = seriesColors();
    // Forecasts carry their value as text; their bars compare magnitudes.
    const values = message.top.some((t) => t.display !== undefined);
    renderPlot(this.chart, {
      width: Math.min(900, chartWidth(1)),
      height: 24 * message.top.length + 40,
      marginLeft: 90,
      // Room for the value printed after a bar that reaches the end of the axis.
      marginRight: 60,
      // `percent` shows a [0, 1] value as 0-100, so its domain is in percent too.
      x: values
        ? { domain: [0, 1], label: 'relative to the largest forecast', grid: true }
        : { domain: [0, 100], label: 'probability (%)', grid: true, percent: true },
      y: { label: null, domain: message.top.map((t) => t.label) },
      marks: [
        Plot.barX(message.top, { y: 'label', x: 'probability', fill: color }),
        Plot.text(message.top, {
          y: 'label',
          x: 'probability',
          text: (d: OutputEntry) => d.display ?? percent(d.probability),
          dx: 4,
          textAnchor: 'start',
        }),
      ],
    });
    this.list.replaceChildren(
      ...message.top.map((t) => el('li', {}, `${t.label}: ${t.display ?? percent(t.probability)}`)),
    );
  }
}
