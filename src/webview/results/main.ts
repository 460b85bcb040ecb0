/**
 * The Results panel: a forecast with its baselines, a side-by-side comparison of training runs,
 * the final states of the same symbols in different orders, or the cells raced on memory span.
 * It posts `ready`, then draws every `show` the host sends; the last one is kept with setState
 * so a reloaded panel redraws at once.
 */
import type { ResultsContent } from '../../shared/resultsProtocol';
import { el } from '../explorer/dom';
import { ComparisonView } from './comparisonView';
import { ForecastView } from './forecastView';
import { MemorySpanView } from './memorySpanView';
import { OrderView } from './orderView';
import { RunComparisonView } from './runComparisonView';
import type { ResultsView } from './view';
import { loadState, onHostMessage, post, saveState } from './vscodeApi';

const state = loadState();
const root = el('main', { class: 'results' });
document.body.append(root);
let current: ResultsView | undefined;

function build(content: ResultsContent): ResultsView {
  switch (content.kind) {
    case 'forecast':
      return new ForecastView(content.title, content.report, state.testOnly, (testOnly) => {
        state.testOnly = testOnly;
        saveState(state);
      });
    case 'comparison':
      return new ComparisonView(content.title, content.lossLabel, content.runs, content.note);
    case 'order':
      return new OrderView(content.title, content.inputs, content.distance, content.note);
    case 'memory-span':
      return new MemorySpanView(content.title, content.report);
    case 'runs':
      return new RunComparisonView(
        content.title,
        content.runs,
        content.note,
        state.runs,
        (runs) => {
          state.runs = runs;
          saveState(state);
        },
        (id) => post({ type: 'openRun', id }),
      );
  }
}

function show(content: ResultsContent): void {
  try {
    current = build(content);
    root.replaceChildren(current.root);
    current.draw();
  } catch (error) {
    current = undefined;
    console.error('Results: cannot show this content', error);
    root.replaceChildren(el('p', { class: 'empty' }, 'These results cannot be shown.'));
  }
}

onHostMessage((message) => {
  state.content = message.content;
  saveState(state);
  show(message.content);
});

// Redraw the charts in the new colours on a theme change, and at the new width on a resize.
new MutationObserver(() => current?.draw()).observe(document.body, {
  attributes: true,
  attributeFilter: ['class'],
});
let resizeFrame: number | undefined;
window.addEventListener('resize', () => {
  if (resizeFrame !== undefined) cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => current?.draw());
});

post({ type: 'ready' });
if (state.content) show(state.content);
else root.append(el('p', { class: 'empty' }, 'Waiting for results…'));
