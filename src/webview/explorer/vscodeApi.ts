import type {
  ExplorerView,
  HostMessage,
  LabControls,
  WebviewMessage,
} from '../../shared/explorerProtocol';
import { createVsCodeApi } from '../common/vscodeApi';
import type { StateSpaceState } from './stateSpaceView';
import type { UnitSearchState } from './unitSearchView';

/** What the Explorer remembers across hide/show and window reloads (getState/setState). */
export interface ExplorerState {
  view: ExplorerView;
  input: string;
  lab: LabControls;
  graph: { zoom: number; showGates: boolean; showGradients: boolean; cursor: number };
  states: StateSpaceState;
  units: UnitSearchState;
}

export const DEFAULT_STATE: ExplorerState = {
  view: 'graph',
  input: 'Dostoevsky',
  lab: { activation: 'tanh', spectralRadius: 1, length: 50, clipNorm: 5 },
  graph: { zoom: 1, showGates: false, showGradients: true, cursor: -1 },
  states: {},
  units: {},
};

const api = createVsCodeApi<WebviewMessage, ExplorerState>();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): ExplorerState {
  const saved = api.getState() as Partial<ExplorerState> | undefined;
  return {
    ...DEFAULT_STATE,
    ...saved,
    lab: { ...DEFAULT_STATE.lab, ...saved?.lab },
    graph: { ...DEFAULT_STATE.graph, ...saved?.graph },
    states: { ...DEFAULT_STATE.states, ...saved?.states },
  };
}

export function saveState(state: ExplorerState): void {
  api.setState(state);
}

export function onHostMessage(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<HostMessage>) => handler(event.data));
}
