/**
 * The sidebar's small live loss chart. It shares the Explorer's protocol: it posts `ready`, then
 * draws every `training` snapshot the host sends.
 */
import { formatHeadline } from '../../shared/format';
import type { HostMessage, WebviewMessage } from '../../shared/explorerProtocol';
import { evaluatedOn, formatEpoch, lossKind } from '../../shared/trainingFigures';
import { createVsCodeApi } from '../common/vscodeApi';
import { Plot, renderPlot, seriesColors } from '../explorer/charts';
import { el } from '../explorer/dom';

const api = createVsCodeApi<WebviewMessage>();

const status = el('p', { class: 'status', 'aria-live': 'polite' }, 'No training yet.');
const chart = el('div', { class: 'chart', 'aria-hidden': 'true' });
document.body.append(status, chart);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.type !== 'training') return;
  const s = message.snapshot;
  const last = s.history[s.history.length - 1];
  const loss = s.batches[s.batches.length - 1]?.loss;
  const kind = lossKind(s.task);
  status.textContent =
    s.state === 'idle'
      ? 'No training yet.'
      : `${s.title ?? ''} ${s.state} · ${formatEpoch(s.epoch ?? last?.epoch ?? 1, s.epochs)}: ` +
        `training ${kind.name}, last batch ${loss?.toFixed(3) ?? '–'}` +
        (last ? ` · ${evaluatedOn(last)} ${kind.name} ${last.heldOutLoss.toFixed(3)}` : '') +
        (last ? ` · ${formatHeadline(last.headline)}` : '');
  if (s.batches.length === 0) {
    chart.replaceChildren();
    return;
  }
  // As wide as the body's content box, so the svg is never scaled down (its text stays 11 px).
  const style = getComputedStyle(document.body);
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) || 0;
  renderPlot(chart, {
    width: Math.max(160, document.body.clientWidth - padding),
    height: 120,
    marginLeft: 40,
    marginBottom: 24,
    x: { label: null, domain: [0, Math.max(1, s.epochs)] },
    y: { label: null, grid: true },
    marks: [Plot.line(s.batches, { x: 'progress', y: 'loss', stroke: seriesColors()[0] })],
  });
  chart.setAttribute('aria-label', `training ${kind.axis}, per batch, by epoch`);
});

api.postMessage({ type: 'ready' });
