import type {
  ExplorerView,
  HostMessage,
  ModelSummary,
  TrainingSnapshot,
} from '../../shared/explorerProtocol';
import { heldCurves, mergeTraining } from '../../shared/trainingCurves';
import { el } from './dom';
import { FixedPointView } from './fixedPointView';
import { GradientsView } from './gradientsView';
import { GraphView } from './graphView';
import { PredictionsView } from './predictionsView';
import { StateSpaceView } from './stateSpaceView';
import { TrainingView } from './trainingView';
import { UnitSearchView } from './unitSearchView';
import { loadState, onHostMessage, post, saveState, type ExplorerState } from './vscodeApi';

const state: ExplorerState = loadState();
const persist = (change: Partial<ExplorerState>): void => {
  Object.assign(state, change);
  saveState(state);
};

const TITLES: Record<ExplorerView, string> = {
  graph: 'Unfolded graph',
  gradients: 'Gradient lab',
  training: 'Training',
  predictions: 'Predictions',
  states: 'State space',
  units: 'Units',
};

const graph = new GraphView(state.graph, {
  onState: (change) => persist({ graph: { ...state.graph, ...change } }),
});
let labTimer: number | undefined;
const gradients = new GradientsView(
  state.lab,
  (controls) => {
    persist({ lab: controls });
    // Coalesce a slider drag into one request per animation frame.
    if (labTimer !== undefined) cancelAnimationFrame(labTimer);
    labTimer = requestAnimationFrame(() => post({ type: 'lab', controls }));
  },
  () => post({ type: 'raceMemorySpan' }),
);
const training = new TrainingView(
  (action) => post({ type: 'trainingControl', action }),
  (actual, predicted) => post({ type: 'misclassified', actual, predicted }),
  (settings) => post({ type: 'playground', settings }),
);
const predictions = new PredictionsView();
const fixedPoints = new FixedPointView((input) => post({ type: 'fixedPoints', input }));
const states = new StateSpaceView({
  savedEpoch: () => state.states.epoch,
  request: (epoch) => post(epoch === undefined ? { type: 'states' } : { type: 'states', epoch }),
  open: (input) => post({ type: 'openInput', input }),
  onState: (change) => persist({ states: { ...state.states, ...change } }),
});
// Read before the first model and text clear it: `init` ranks that span again.
let savedUnits: ExplorerState['units'] | undefined = state.units;
const units = new UnitSearchView({
  request: (text, start, end) => post({ type: 'findUnits', text, start, end }),
  onState: (change) => persist({ units: change }),
});
// Beside the projection its points are drawn on.
states.root.append(fixedPoints.root);
const views: Record<ExplorerView, HTMLElement> = {
  graph: graph.root,
  gradients: gradients.root,
  training: training.root,
  predictions: predictions.root,
  states: states.root,
  units: units.root,
};

const nameInput = el('input', {
  type: 'text',
  id: 'name-input',
  maxlength: '200',
  placeholder: 'Type a name, e.g. Dostoevsky',
  'aria-label': 'Input sequence',
}) as HTMLInputElement;
nameInput.value = state.input;
nameInput.addEventListener('input', () => {
  persist({ input: nameInput.value });
  post({ type: 'input', text: nameInput.value });
  inputChanged();
});

/** A passage's or series' states follow the input, and so does the unit search's text. */
function inputChanged(): void {
  units.setText(nameInput.value);
  if (modelTask === 'names') return;
  states.stale = true;
  if (state.view === 'states') states.refresh();
}
const modelInfo = el('span', { class: 'model-info' });
const subject = el('select', {
  id: 'subject',
  'aria-label': 'Model to explore',
  title: 'Model to explore',
}) as HTMLSelectElement;
subject.addEventListener('change', () => post({ type: 'subject', task: subject.value }));

/** Shows which model is explored and what to type for it. */
/** The task of the model explored: a names picture does not follow the input. */
let modelTask = 'names';

function showModel(model: ModelSummary, backend?: string): void {
  modelTask = model.task;
  units.setModel(model.title, model.task);
  modelInfo.textContent = backend ? `${model.title} · ${backend}` : model.title;
  nameInput.placeholder = model.hint;
  subject.replaceChildren(
    ...model.subjects.map((choice) => {
      const option = el('option', { value: choice.task }, choice.title) as HTMLOptionElement;
      option.selected = choice.task === model.task;
      return option;
    }),
  );
  subject.hidden = model.subjects.length < 2;
}
const tabs = el('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Explorer views' });
const tabButtons = new Map<ExplorerView, HTMLButtonElement>();
for (const view of Object.keys(TITLES) as ExplorerView[]) {
  const button = el(
    'button',
    { role: 'tab', type: 'button', id: `tab-${view}`, 'aria-controls': `panel-${view}` },
    TITLES[view],
  ) as HTMLButtonElement;
  button.addEventListener('click', () => selectView(view, true));
  button.addEventListener('keydown', (event) => {
    const order = Object.keys(TITLES) as ExplorerView[];
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = order[(order.indexOf(view) + step + order.length) % order.length] as ExplorerView;
    selectView(next, true);
    tabButtons.get(next)?.focus();
  });
  tabButtons.set(view, button);
  tabs.append(button);
}
for (const [view, root] of Object.entries(views)) {
  root.id = `panel-${view}`;
  root.setAttribute('role', 'tabpanel');
}
document.body.append(
  el('header', {}, tabs, subject, el('label', { class: 'input' }, nameInput), modelInfo),
  ...Object.values(views),
);

/**
 * Live training is drawn only in the view on screen (the dashboard, or the lab's heatmap); the
 * other draws the latest snapshot when it is shown. Drawing both five times a second, one of them
 * hidden, kept the browser busy.
 */
let liveSnapshot: TrainingSnapshot | undefined;
const undrawn = new Set<ExplorerView>();

function drawLive(view: ExplorerView): void {
  if (!liveSnapshot || !undrawn.delete(view)) return;
  if (view === 'training') training.show(liveSnapshot);
  else gradients.showTraining(liveSnapshot);
}

function selectView(view: ExplorerView, notify: boolean): void {
  persist({ view });
  for (const [name, root] of Object.entries(views)) root.hidden = name !== view;
  drawLive(view);
  if (view === 'states') states.refresh();
  for (const [name, button] of tabButtons) {
    button.setAttribute('aria-selected', String(name === view));
    button.tabIndex = name === view ? 0 : -1;
  }
  if (notify) post({ type: 'view', view });
}

/** The last chart data per kind, to redraw with the new colours when the theme changes. */
const lastCharts = new Map<HostMessage['type'], HostMessage>();
new MutationObserver(() => {
  lastCharts.forEach((message) => handle(message));
  units.redraw();
}).observe(document.body, {
  attributes: true,
  attributeFilter: ['class'],
});

onHostMessage(handle);

function handle(message: HostMessage): void {
  // A training message may extend what the page holds; the merged copy is what a theme change
  // redraws (set below), not the message.
  if (['gradients', 'prediction', 'trace', 'states', 'fixedPoints'].includes(message.type))
    lastCharts.set(message.type, message);
  switch (message.type) {
    case 'init':
      showModel(message.model, message.backend);
      if (message.input && !state.input) {
        nameInput.value = message.input;
        persist({ input: message.input });
      }
      post({ type: 'input', text: nameInput.value });
      units.setText(nameInput.value);
      if (savedUnits) units.restore(savedUnits);
      savedUnits = undefined;
      post({ type: 'lab', controls: state.lab });
      break;
    case 'showView':
      selectView(message.view, false);
      if (message.input !== undefined) {
        nameInput.value = message.input;
        persist({ input: message.input });
        post({ type: 'input', text: message.input });
        inputChanged();
      }
      break;
    case 'model':
      // Another model: its states, and its run's epochs, are another picture.
      persist({ states: {} });
      states.stale = true;
      // The fixed points found were the last model's.
      lastCharts.delete('fixedPoints');
      fixedPoints.clear();
      states.clearFixedPoints();
      showModel(message.model);
      if (state.view === 'states') states.refresh();
      nameInput.value = message.input;
      persist({ input: message.input });
      units.setText(message.input);
      post({ type: 'input', text: message.input });
      break;
    case 'trace':
      graph.show(message.trace, message.reason);
      break;
    case 'prediction':
      predictions.show(message);
      break;
    case 'gradients':
      gradients.show(message);
      break;
    case 'training': {
      const started = performance.now();
      liveSnapshot = mergeTraining(liveSnapshot, message.snapshot, message.since);
      lastCharts.set('training', { type: 'training', snapshot: liveSnapshot });
      undrawn.add('training').add('gradients');
      try {
        drawLive(state.view);
      } finally {
        // Timed to just after the next frame, so style, layout and paint of the new charts count.
        requestAnimationFrame(() =>
          setTimeout(() =>
            post({
              type: 'trainingDrawn',
              ms: performance.now() - started,
              held: heldCurves(liveSnapshot),
            }),
          ),
        );
      }
      break;
    }
    case 'fixedPoints':
      fixedPoints.show(message.result);
      states.showFixedPoints(message.result);
      break;
    case 'states':
      states.show(message.picture, message.reason);
      break;
    case 'units':
      units.show(message.result);
      break;
    case 'misclassified':
      training.showMisclassified(message.actual, message.predicted, message.names);
      break;
  }
}

selectView(state.view, false);
post({ type: 'ready' });
