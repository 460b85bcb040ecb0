import { createVsCodeApi } from '../common/vscodeApi';
import { DEFAULT_RUNS_VIEW, type RunsViewState } from './runComparisonView';
import type {
  ResultsContent,
  ResultsHostMessage,
  ResultsWebviewMessage,
} from '../../shared/resultsProtocol';

/** What the Results panel remembers across hide/show and window reloads (getState/setState). */
export interface ResultsState {
  /** The last content the host sent: a restored panel redraws it at once. */
  content?: ResultsContent;
  /** The forecast's "Show test period only" checkbox. */
  testOnly: boolean;
  /** The runs comparison's axes, sort and chosen run. */
  runs: RunsViewState;
}

const api = createVsCodeApi<ResultsWebviewMessage, ResultsState>();

export function post(message: ResultsWebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): ResultsState {
  const saved = api.getState() as Partial<ResultsState> | undefined;
  return {
    testOnly: saved?.testOnly === true,
    runs: runsViewState(saved?.runs),
    ...(isContent(saved?.content) ? { content: saved.content } : {}),
  };
}

/** The saved axes if they are ones this version draws, else the defaults. */
function runsViewState(saved: Partial<RunsViewState> | undefined): RunsViewState {
  return {
    x: saved?.x === 'seconds' ? 'seconds' : DEFAULT_RUNS_VIEW.x,
    y: saved?.y === 'heldOutLoss' || saved?.y === 'trainLoss' ? saved.y : DEFAULT_RUNS_VIEW.y,
    ...(saved?.sort && typeof saved.sort.column === 'string'
      ? { sort: { column: saved.sort.column, descending: saved.sort.descending === true } }
      : {}),
  };
}

export function saveState(state: ResultsState): void {
  api.setState(state);
}

function isContent(value: unknown): value is ResultsContent {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return (
    kind === 'forecast' ||
    kind === 'comparison' ||
    kind === 'order' ||
    kind === 'runs' ||
    kind === 'memory-span'
  );
}

export function onHostMessage(handler: (message: ResultsHostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as Partial<ResultsHostMessage> | null;
    if (data?.type === 'show' && isContent(data.content)) handler(data as ResultsHostMessage);
  });
}
