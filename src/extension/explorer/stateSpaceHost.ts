import * as path from 'node:path';
import { projectPca, type PcaBasis } from '../../core/explore/pca';
import {
  collectNameStates,
  collectSequenceStates,
  fitStateBasis,
  planeExtent,
  unionExtent,
  type PlaneExtent,
  projectStates,
  type CollectedStates,
} from '../../core/explore/stateSpace';
import { loadNamesOnce } from '../../core/data/names';
import { loadModel } from '../../core/io/modelFile';
import type { SequenceModel } from '../../core/model/sequenceModel';
import type { EpochCheckpoint } from '../../core/runs/epochCheckpoints';
import { NAMES_TASK } from '../../core/tasks/names';
import type { StateInput, StateSpacePicture } from '../../shared/explorerProtocol';
import type { Subject } from './subjects';

/** Four decimals are finer than a pixel of the chart, and keep a names picture near 400 KB. */
const round = (value: number): number => Math.round(value * 1e4) / 1e4;

/** What the view reads through a model: the held-out names, or one input along its steps. */
interface Reading {
  kind: StateSpacePicture['kind'];
  key: string;
  basis: string;
  labels: string[];
  inputs: Array<Pick<StateInput, 'input' | 'label' | 'symbols'>>;
  collect(model: SequenceModel): CollectedStates;
}

/**
 * The State space view's pictures. The basis is fitted on the model in use and kept, so every
 * epoch of its run is projected on the same axes and a point's movement is its state's.
 */
export class StateSpaceHost {
  private fitted?: { key: string; basis: PcaBasis; extent: PlaneExtent };

  constructor(
    private readonly extensionPath: string,
    /** The epochs kept of the run that made a model file; undefined when no run here made it. */
    private readonly checkpointsFor: (modelFile: string) => EpochCheckpoint[] | undefined,
  ) {}

  picture(subject: Subject, input: string, epoch?: number): StateSpacePicture | { reason: string } {
    const reading = this.reading(subject, input);
    if ('reason' in reading) return reading;
    const made = this.checkpointsFor(subject.file);
    const epochs = made ?? [];
    // An epoch the run no longer keeps (pruned since the page chose it) shows the model itself.
    const checkpoint = epochs.find((e) => e.epoch === epoch);
    // The model's own states are read once, for the basis and the picture alike.
    const own = checkpoint ? undefined : reading.collect(subject.loaded.model);
    const { basis, extent } = this.fit(subject, reading, own);
    const states = own ?? this.collectEpoch(reading, (checkpoint as EpochCheckpoint).file);
    const projected = projectStates(basis, states);
    const inputs = reading.inputs.map((item, i) => {
      const from = (states.offsets[i] as number) * 2;
      const to = (states.offsets[i + 1] as number) * 2;
      return {
        ...item,
        predicted: reading.kind === 'names' ? (states.predicted[i] as number) : -1,
        path: Array.from(projected.steps.subarray(from, to), round),
      };
    });
    return {
      title: subject.title,
      kind: reading.kind,
      explained: basis.explainedRatio,
      domain: unionExtent(extent, planeExtent(projected.steps)),
      basis: reading.basis,
      labels: reading.labels,
      inputs,
      epochs: epochs.map((e) => e.epoch),
      ...(checkpoint ? { epoch: checkpoint.epoch } : {}),
      ...(epochs.length > 0
        ? {}
        : {
            noEpochs:
              made === undefined
                ? 'This model was not trained in this VS Code (it came with the extension or was imported), so it has no epochs to scrub through: train a run to see one learn.'
                : 'The run that made this model no longer keeps its epochs (only the newest runs do: rnnExplorer.runs.epochWeights): train a run to scrub through its epochs.',
          }),
    };
  }

  /**
   * Other states of the model's top layer (rows of H) on the view's own basis, x0, y0, x1, …,
   * so they can be drawn on its picture; undefined when the view has no picture to draw on.
   */
  project(subject: Subject, input: string, states: Float64Array): Float64Array | undefined {
    const reading = this.reading(subject, input);
    if ('reason' in reading) return undefined;
    return projectPca(this.fit(subject, reading).basis, states);
  }

  /**
   * The basis, and the extent of the model's own states on it: every epoch is drawn within at
   * least that extent, so the axes hold still while the slider moves. `own`: the model's states
   * when already read.
   */
  private fit(
    subject: Subject,
    reading: Reading,
    own?: CollectedStates,
  ): { basis: PcaBasis; extent: PlaneExtent } {
    const key = `${subject.file}\n${reading.key}`;
    if (this.fitted?.key !== key) {
      const states = own ?? reading.collect(subject.loaded.model);
      const basis = fitStateBasis(states);
      this.fitted = { key, basis, extent: planeExtent(projectStates(basis, states).steps) };
    }
    return this.fitted;
  }

  private collectEpoch(reading: Reading, file: string): CollectedStates {
    const { model } = loadModel(file);
    try {
      return reading.collect(model);
    } finally {
      model.dispose();
    }
  }

  private reading(subject: Subject, input: string): Reading | { reason: string } {
    const { manifest } = subject.loaded;
    if (subject.task === NAMES_TASK) {
      const dataset = loadNamesOnce(path.join(this.extensionPath, 'media', 'data', 'names'));
      const names = dataset.test.map((n) => n.name);
      return {
        kind: 'names',
        key: 'held-out names',
        basis: `PCA fitted on the final states of the ${names.length.toLocaleString('en-US')} held-out names by the model in use; every epoch is drawn on these same axes.`,
        labels: manifest.labels,
        inputs: dataset.test.map((n) => ({
          input: n.name,
          label: manifest.labels.indexOf(dataset.languages[n.label] as string),
        })),
        collect: (model) => collectNameStates(model, manifest.vocabulary, names),
      };
    }
    const traced = subject.reading.input(input);
    if ('reason' in traced) return traced;
    if (traced.symbols.length < 2)
      return { reason: 'Type at least two steps to draw their states.' };
    return {
      kind: 'sequence',
      key: input,
      basis: `PCA fitted on the states along this input by the model in use; every epoch is drawn on these same axes.`,
      labels: [],
      inputs: [{ input, label: -1, symbols: traced.symbols }],
      collect: (model) => collectSequenceStates(model, traced.data),
    };
  }
}
