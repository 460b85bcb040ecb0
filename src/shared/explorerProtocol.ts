/**
 * The one message protocol between the Explorer webview and the extension host. The webview
 * posts `ready` before the host sends anything; every message from the webview is checked by
 * `parseWebviewMessage` before use.
 */
import type { BlockEigenvalues } from '../core/explore/eigenvalues';
import type { FoundPoint } from '../core/explore/fixedPoints';
import type { UnitScore } from '../core/explore/unitSearch';
import type { GradientLabSettings, CellGradients } from '../core/explore/gradientLab';
import type { PlaneExtent } from '../core/explore/stateSpace';
import type { OutputEntry, SequenceTrace } from '../core/explore/trace';
import type { BlockRadius } from '../core/explore/trainedLab';
import type { TaskName } from '../core/tasks/jobs';
import { parsePlaygroundSettings, type PlaygroundSettings } from '../core/tasks/playground';
import type { EpochSummary } from './trainingMessages';

export type ExplorerView = 'graph' | 'gradients' | 'training' | 'predictions' | 'states' | 'units';
export const EXPLORER_VIEWS: readonly ExplorerView[] = [
  'graph',
  'gradients',
  'training',
  'predictions',
  'states',
  'units',
];

/** One input of the State space view: where its states go, letter by letter, in PC1/PC2. */
export interface StateInput {
  input: string;
  /** Index into the picture's labels (a name's language); -1 for none. */
  label: number;
  /** The model's most likely label after the last step; -1 for a regression. */
  predicted: number;
  /** x0, y0, x1, y1, …: the projected state after each step; the last pair is the final state. */
  path: number[];
  /** Each step's symbol, for a single sequence's points. */
  symbols?: string[];
}

/** What the State space view draws: one model's (or one epoch's) states on a fixed basis. */
export interface StateSpacePicture {
  title: string;
  /** 'names': many inputs, a point each; 'sequence': one passage or series, a point per step. */
  kind: 'names' | 'sequence';
  /** The share of variance PC1 and PC2 explain in the states the basis was fitted on. */
  explained: number[];
  /**
   * The axes' domains: the model's own states and these together, so that every epoch of a run
   * is drawn on the same axes (unless one strays outside them) and every point is inside.
   */
  domain: PlaneExtent;
  /** What the basis was fitted on, in words. */
  basis: string;
  labels: string[];
  inputs: StateInput[];
  /** The epochs kept of the run that made the model; empty when there are none. */
  epochs: number[];
  /** The epoch drawn; absent for the model itself. */
  epoch?: number;
  /** Why there is no epoch slider, when there is none. */
  noEpochs?: string;
}

/** One unit of a unit search: its rank's numbers, its state along the text, where else it fires. */
export interface RankedUnit extends UnitScore {
  /** The unit's h after each step the model read, [steps]. */
  values: number[];
  /** Where else it fires in its direction: UTF-16 [start, end) spans outside the selection. */
  elsewhere: Array<{ start: number; end: number }>;
}

/**
 * The units that fire on a span of the Explorer's text and not on the rest, as the host ranked
 * them with `rankUnits`, best first; or why there is no ranking. `text`, `start` and `end` say
 * what was asked, so a page whose text has changed since can tell the answer is not its own.
 */
export type UnitSearchResult =
  | {
      title: string;
      text: string;
      /** The selection, UTF-16 offsets [start, end) in `text`. */
      start: number;
      end: number;
      hiddenSize: number;
      /** A unit fires where its h is past ±threshold in its direction. */
      threshold: number;
      /** Each character's (code point's) UTF-16 offset, and the text's length last: [n+1]. */
      offsets: number[];
      /** The step that read each character, −1 for one outside the vocabulary: [n]. */
      steps: number[];
      /** The best units, best first (`rankUnits` order), at most UNITS_LISTED of them. */
      units: RankedUnit[];
    }
  | { title: string; text: string; start: number; end: number; reason: string };

/** The lab's hidden sizes; absent from LabControls means the host's default. */
export const LAB_HIDDEN_SIZES: readonly number[] = [16, 32, 64, 128, 256];

export type LabControls = Pick<
  GradientLabSettings,
  'activation' | 'spectralRadius' | 'length' | 'clipNorm'
> &
  Partial<Pick<GradientLabSettings, 'hiddenSize' | 'forgetBias' | 'updateBias'>> & {
    /** 'model': the names model in use, with its own weights; absent: random weights. */
    weights?: 'model';
  };

/** What the lab drew on when it followed the trained model in use. */
export type TrainedLabInfo =
  { title: string; radii: BlockRadius[] } | { title: string; reason: string };

/** The gate biases the lab offers besides PyTorch's initialisation (absent). */
export const LAB_GATE_BIASES: readonly number[] = [1, 3];

const isLabBias = (raw: unknown): boolean =>
  raw === undefined || LAB_GATE_BIASES.includes(raw as number);

/** A model the Explorer can look inside: the active one of each task that has one. */
export interface SubjectChoice {
  task: string;
  title: string;
}

export interface ModelSummary {
  title: string;
  cell: string;
  hiddenSize: number;
  numLayers: number;
  labels: string[];
  /** Which model the graph traces, and what to type for it. */
  task: string;
  hint: string;
  subjects: SubjectChoice[];
}

/** An epoch's metrics, without the per-name predictions the worker also sends. */
export type EpochPoint = Omit<EpochSummary, 'confusion' | 'predictions'>;

export interface BatchPoint {
  /** Fractional epoch, for the x axis. */
  progress: number;
  loss: number;
  learningRate: number;
  sequencesPerSecond: number;
  /** Names per second for a classifier, characters per second for a next-token model. */
  tokensPerSecond?: number;
}

/** Gradient norms recorded at a sampled training step. */
export interface GradientSample {
  progress: number;
  /** ||dL/dh_t|| of the top layer, per time step of that batch. */
  stepNorms: number[];
  /** Each parameter's gradient norm before clipping. */
  paramNorms: Record<string, number>;
}

export interface TrainingSnapshot {
  state: 'idle' | 'running' | 'paused' | 'finished' | 'stopped';
  title?: string;
  /** Which task is training: the dashboard shows the figures that fit it. */
  task?: TaskName;
  /**
   * The epoch running now, from 1 (or the last one that ran, once the run has ended): the
   * `epoch 3/10` of the notification and the status bar (see formatEpoch).
   */
  epoch?: number;
  epochs: number;
  batches: BatchPoint[];
  history: EpochPoint[];
  /** confusion[actual][predicted] of the latest held-out evaluation. */
  confusion?: number[][];
  labels: string[];
  gradients: GradientSample[];
  clipNorm: number;
  /**
   * The playground's controls: the settings of the run shown, or before any run the extension's
   * defaults. Absent from hosts before the playground.
   */
  settings?: PlaygroundSettings;
  /**
   * Names this run's curves as sampled now; it changes when a new run starts or the sampling
   * halves them. A page that holds curves with this id can take just the points after them.
   */
  curves?: string;
}

/** Where a `training` message's batches and gradients start, when they extend the page's copy. */
export interface TrainingSince {
  batches: number;
  gradients: number;
}

/** What the page holds, so the host sends only the points after it. */
export interface TrainingHeld extends TrainingSince {
  curves: string;
}

/** The constant input the fixed points are searched under: nothing, or one symbol repeated. */
export type FixedPointInput = { kind: 'zero' } | { kind: 'symbol'; symbol: string };

/** The longest symbol a page may ask for (the name generator's `<Language>` tokens). */
export const MAX_SYMBOL_CHARS = 40;

/** Fixed and slow points of the explored model's top layer under a constant input. */
export type FixedPointsResult =
  | {
      title: string;
      input: FixedPointInput;
      /** The state's size: H, or the LSTM's 2H ([h; c]). */
      dimension: number;
      starts: number;
      millis: number;
      points: FoundPoint[];
      /** Each gate block of the layer's W_hh, named as the gradient lab names its radii. */
      blocks: BlockEigenvalues[];
      /** ‖F(s) − s‖ under `fixed` is a fixed point, under `slow` a slow one. */
      tolerance: { fixed: number; slow: number };
      /** Each point's h on the State space view's basis, x0, y0, x1, …; absent without one. */
      projected?: number[];
    }
  | { title: string; input: FixedPointInput; reason: string };

export type HostMessage =
  | { type: 'init'; view: ExplorerView; model: ModelSummary; backend: string; input: string }
  | { type: 'trace'; trace: SequenceTrace | null; reason?: string }
  | {
      type: 'prediction';
      input: string;
      top: OutputEntry[];
      reason?: string;
    }
  | {
      type: 'gradients';
      controls: LabControls;
      cells: CellGradients[];
      rule: string;
      millis: number;
      /** Present when the controls asked for the trained model's weights. */
      trained?: TrainedLabInfo;
    }
  | { type: 'training'; snapshot: TrainingSnapshot; since?: TrainingSince }
  | { type: 'misclassified'; actual: string; predicted: string; names: string[] }
  | { type: 'showView'; view: ExplorerView; input?: string }
  /** Another model to explore (the user picked it): redraw with `input`. */
  | { type: 'model'; model: ModelSummary; input: string }
  | { type: 'fixedPoints'; result: FixedPointsResult }
  | { type: 'states'; picture: StateSpacePicture | null; reason?: string }
  | { type: 'units'; result: UnitSearchResult };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'view'; view: ExplorerView }
  | { type: 'input'; text: string }
  | { type: 'lab'; controls: LabControls }
  | { type: 'trainingControl'; action: 'pause' | 'resume' | 'stop' }
  /** Train with these settings now; a run training stops first (the playground). */
  | { type: 'playground'; settings: PlaygroundSettings }
  /** A `training` snapshot was handled, taking `ms` to draw: the host sends the next after it. */
  | { type: 'trainingDrawn'; ms: number; held?: TrainingHeld }
  | { type: 'misclassified'; actual: number; predicted: number }
  | { type: 'subject'; task: string }
  /** The gradient lab's "see it in training": race the cells on the memory-span task. */
  | { type: 'raceMemorySpan' }
  /** Search the explored model's fixed points under this constant input. */
  | { type: 'fixedPoints'; input: FixedPointInput }
  /** The State space view's picture, of the model itself or of one kept epoch of its run. */
  | { type: 'states'; epoch?: number }
  /** A State space point or trajectory clicked: show that input in the unfolded graph. */
  | { type: 'openInput'; input: string }
  /** Rank the units by how they fire on [start, end) (UTF-16 offsets) of `text`. */
  | { type: 'findUnits'; text: string; start: number; end: number };

/** The most a webview may send in one message; anything larger is dropped. */
export const MAX_MESSAGE_CHARS = 20_000;
export const MAX_INPUT_CHARS = 200;

/** An input the Explorer reads: a string of at most MAX_INPUT_CHARS. */
function isInputText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_INPUT_CHARS;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNumber = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

/** The message if it is well-formed, else a reason to drop (and log) it. */
export function parseWebviewMessage(raw: unknown): { message: WebviewMessage } | { error: string } {
  let size = 0;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { error: 'not serialisable' };
  }
  if (size > MAX_MESSAGE_CHARS) return { error: `too large (${size} characters)` };
  if (!isObject(raw) || typeof raw.type !== 'string') return { error: 'no message type' };
  switch (raw.type) {
    case 'ready':
      return { message: { type: 'ready' } };
    case 'view':
      return EXPLORER_VIEWS.includes(raw.view as ExplorerView)
        ? { message: { type: 'view', view: raw.view as ExplorerView } }
        : { error: 'unknown view' };
    case 'input':
      return isInputText(raw.text)
        ? { message: { type: 'input', text: raw.text } }
        : { error: 'input must be a string of at most 200 characters' };
    case 'lab': {
      const c = raw.controls;
      if (
        isObject(c) &&
        (c.activation === 'tanh' || c.activation === 'relu' || c.activation === 'sigmoid') &&
        isNumber(c.spectralRadius, 0.05, 5) &&
        isInt(c.length, 2, 200) &&
        isNumber(c.clipNorm, 0, 1000) &&
        (c.hiddenSize === undefined || LAB_HIDDEN_SIZES.includes(c.hiddenSize as number)) &&
        isLabBias(c.forgetBias) &&
        isLabBias(c.updateBias) &&
        (c.weights === undefined || c.weights === 'model')
      ) {
        return {
          message: {
            type: 'lab',
            controls: {
              activation: c.activation,
              spectralRadius: c.spectralRadius,
              length: c.length,
              clipNorm: c.clipNorm,
              ...(c.hiddenSize === undefined ? {} : { hiddenSize: c.hiddenSize as number }),
              ...(c.forgetBias === undefined ? {} : { forgetBias: c.forgetBias as number }),
              ...(c.updateBias === undefined ? {} : { updateBias: c.updateBias as number }),
              ...(c.weights === undefined ? {} : { weights: 'model' as const }),
            },
          },
        };
      }
      return { error: 'invalid gradient-lab controls' };
    }
    case 'trainingControl':
      return raw.action === 'pause' || raw.action === 'resume' || raw.action === 'stop'
        ? { message: { type: 'trainingControl', action: raw.action } }
        : { error: 'unknown training action' };
    case 'playground': {
      const settings = parsePlaygroundSettings(raw.settings);
      return settings
        ? { message: { type: 'playground', settings } }
        : { error: 'invalid playground settings' };
    }
    case 'trainingDrawn': {
      if (!isNumber(raw.ms, 0, 3_600_000)) return { error: 'invalid draw time' };
      const held = raw.held;
      if (held === undefined) return { message: { type: 'trainingDrawn', ms: raw.ms } };
      return isObject(held) &&
        typeof held.curves === 'string' &&
        held.curves.length <= 100 &&
        isInt(held.batches, 0, 1_000_000) &&
        isInt(held.gradients, 0, 1_000_000)
        ? {
            message: {
              type: 'trainingDrawn',
              ms: raw.ms,
              held: { curves: held.curves, batches: held.batches, gradients: held.gradients },
            },
          }
        : { error: 'invalid held curves' };
    }
    case 'misclassified':
      return isInt(raw.actual, 0, 1000) && isInt(raw.predicted, 0, 1000)
        ? { message: { type: 'misclassified', actual: raw.actual, predicted: raw.predicted } }
        : { error: 'invalid confusion cell' };
    case 'subject':
      return typeof raw.task === 'string' && /^[a-z-]{1,40}$/.test(raw.task)
        ? { message: { type: 'subject', task: raw.task } }
        : { error: 'invalid subject' };
    case 'states':
      return raw.epoch === undefined
        ? { message: { type: 'states' } }
        : isInt(raw.epoch, 1, 100_000)
          ? { message: { type: 'states', epoch: raw.epoch } }
          : { error: 'invalid epoch' };
    case 'openInput':
      return isInputText(raw.input)
        ? { message: { type: 'openInput', input: raw.input } }
        : { error: 'input must be a string of at most 200 characters' };
    case 'findUnits': {
      const { text, start, end } = raw;
      return isInputText(text) &&
        isInt(start, 0, text.length) &&
        isInt(end, 0, text.length) &&
        start < end
        ? { message: { type: 'findUnits', text, start, end } }
        : { error: 'invalid unit search span' };
    }
    case 'raceMemorySpan':
      // It runs a command, so nothing the page adds reaches it: the race asks its own questions.
      return { message: { type: 'raceMemorySpan' } };
    case 'fixedPoints': {
      const input = raw.input;
      if (isObject(input) && input.kind === 'zero')
        return { message: { type: 'fixedPoints', input: { kind: 'zero' } } };
      return isObject(input) &&
        input.kind === 'symbol' &&
        typeof input.symbol === 'string' &&
        input.symbol.length >= 1 &&
        input.symbol.length <= MAX_SYMBOL_CHARS
        ? { message: { type: 'fixedPoints', input: { kind: 'symbol', symbol: input.symbol } } }
        : { error: 'invalid fixed-point input' };
    }
    default:
      return { error: `unknown message type "${String(raw.type).slice(0, 40)}"` };
  }
}
