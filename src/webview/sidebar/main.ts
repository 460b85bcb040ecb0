/**
 * The sidebar's small live loss chart. It shares the Explorer's protocol: it posts `ready`, then
 * draws every `training` snapshot the host sends.
 */
import { formatHeadline } from '../../shared/format';
import type { HostMessage, WebviewMessage } from '../../shared/explorerProtocol';
import { Plot, renderPlot, seriesColors } from '../explorer/charts';
import { el } from '../explorer/dom';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };
const api = acquireVsCodeApi();

const status = el('p', { class: 'status', 'aria-live': 'polite' }, 'No training yet.');
const chart = el('div', { class: 'chart', 'aria-hidden': 'true' });
document.body.append(status, chart);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.type !== 'training') return;
  const s = message.snapshot;
  const last = s.history[s.history.length - 1];
  const loss = s.batches[s.batches.length - 1]?.loss;
  status.textContent =
    s.state === 'idle'
      ? 'No training yet.'
      : `${s.title ?? ''} ${s.state}: loss ${loss?.toFixed(3) ?? '–'}` +
        (last ? `, ${formatHeadline(last.headline)}` : '');
  if (s.batches.length === 0) {
    chart.replaceChildren();
    return;
  }
  renderPlot(chart, {
    width: Math.max(160, window.innerWidth - 16),
    height: 110,
    marginLeft: 34,
    marginBottom: 22,
    x: { label: null, domain: [0, Math.max(1, s.epochs)] },
    y: { label: null, grid: true },
    marks: [Plot.line(s.batches, { x: 'progress', y: 'loss', stroke: seriesColors()[0] })],
  });
});

api.postMessage({ type: 'ready' });
