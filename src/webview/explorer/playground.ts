/**
 * The Training view's playground: one menu per setting, preset to the run shown. Changing any
 * of them trains again at once with the new settings; "Train" starts a run with them as they are.
 */
import {
  menuValues,
  PLAYGROUND_CELLS,
  PLAYGROUND_TASKS,
  type PlaygroundNumber,
  type PlaygroundSettings,
} from '../../core/tasks/playground';
import type { TrainingSnapshot } from '../../shared/explorerProtocol';
import { el } from './dom';

const NUMBER_LABELS: Record<PlaygroundNumber, string> = {
  hiddenSize: 'Hidden size',
  numLayers: 'Layers',
  learningRate: 'Learning rate',
  clipNorm: 'Clip gradient norm at',
  batchSize: 'Batch size',
};

const numberText = (control: PlaygroundNumber, value: number): string =>
  control === 'clipNorm' && value === 0 ? 'off' : String(value);

/** "GRU, hidden 64, 1 layer": what a run's settings are, in the words the menus use. */
export function describeModel(s: PlaygroundSettings): string {
  return `${s.cell.toUpperCase()}, hidden ${s.hiddenSize}, ${s.numLayers} layer${s.numLayers > 1 ? 's' : ''}`;
}

export class Playground {
  readonly root: HTMLElement;
  private readonly task = el('select', {
    id: 'playground-task',
    'aria-label': 'Task',
  }) as HTMLSelectElement;
  private readonly cell = el('select', {
    id: 'playground-cell',
    'aria-label': 'Cell',
  }) as HTMLSelectElement;
  private readonly numbers = {} as Record<PlaygroundNumber, HTMLSelectElement>;
  private readonly train = el('button', { type: 'button', id: 'playground-train' }, 'Train');
  private readonly caption = el('p', { class: 'playground-caption', 'aria-live': 'polite' });
  /** The snapshot settings last put in the menus: a later snapshot of the same run leaves them. */
  private shown?: string;

  constructor(private readonly onTrain: (settings: PlaygroundSettings) => void) {
    for (const { task, label } of PLAYGROUND_TASKS)
      this.task.append(el('option', { value: task }, label));
    for (const cell of PLAYGROUND_CELLS)
      this.cell.append(el('option', { value: cell }, cell.toUpperCase()));
    const field = (label: string, select: HTMLSelectElement): HTMLElement =>
      el('label', { class: 'field', for: select.id }, label, select);
    const fields = [field('Task', this.task), field('Cell', this.cell)];
    for (const control of Object.keys(NUMBER_LABELS) as PlaygroundNumber[]) {
      const select = el('select', {
        id: `playground-${control}`,
        'aria-label': NUMBER_LABELS[control],
      }) as HTMLSelectElement;
      this.numbers[control] = select;
      fields.push(field(NUMBER_LABELS[control], select));
    }
    for (const select of [this.task, this.cell, ...Object.values(this.numbers)])
      select.addEventListener('change', () => this.start());
    this.train.addEventListener('click', () => this.start());
    this.root = el(
      'section',
      { class: 'playground', 'aria-label': 'Playground' },
      el('h3', {}, 'Playground: change a setting and training starts again with it'),
      el('div', { class: 'toolbar' }, ...fields, this.train),
      this.caption,
    );
    // Until the host says which run is shown, there is nothing to preset the menus to.
    this.root.hidden = true;
  }

  /** Presets the menus to the run shown when it is another run (or other settings). */
  show(snapshot: TrainingSnapshot): void {
    const active = snapshot.state === 'running' || snapshot.state === 'paused';
    this.train.textContent = active ? 'Restart' : 'Train';
    const settings = snapshot.settings;
    this.root.hidden = !settings;
    if (!settings) return;
    this.caption.textContent =
      snapshot.state === 'idle'
        ? `The extension's defaults: ${describeModel(settings)}`
        : `Run shown: ${snapshot.title ?? ''} (${describeModel(settings)}), ${snapshot.state}`;
    const key = JSON.stringify(settings);
    if (key === this.shown) return;
    this.shown = key;
    this.set(settings);
  }

  private set(s: PlaygroundSettings): void {
    this.task.value = s.task;
    this.cell.value = s.cell;
    for (const [control, select] of Object.entries(this.numbers) as Array<
      [PlaygroundNumber, HTMLSelectElement]
    >) {
      select.replaceChildren(
        ...menuValues(control, s[control]).map((v) =>
          el('option', { value: String(v) }, numberText(control, v)),
        ),
      );
      select.value = String(s[control]);
    }
  }

  private settings(): PlaygroundSettings {
    const number = (control: PlaygroundNumber): number => Number(this.numbers[control].value);
    return {
      task: this.task.value as PlaygroundSettings['task'],
      cell: this.cell.value as PlaygroundSettings['cell'],
      hiddenSize: number('hiddenSize'),
      numLayers: number('numLayers'),
      learningRate: number('learningRate'),
      clipNorm: number('clipNorm'),
      batchSize: number('batchSize'),
    };
  }

  private start(): void {
    const settings = this.settings();
    this.caption.textContent = `Starting: ${describeModel(settings)}…`;
    this.onTrain(settings);
  }
}
