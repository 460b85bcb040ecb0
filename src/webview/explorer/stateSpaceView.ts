import { brush, pointer, select } from 'd3';
import type {
  FixedPointsResult,
  StateInput,
  StateSpacePicture,
} from '../../shared/explorerProtocol';
import { categoryColours } from '../common/categoryColours';
import { colourBar } from '../common/colourScale';
import { backgroundColor, chartWidth, legend, Plot, renderPlot, seriesColors } from './charts';
import { el, percent, themeColor } from './dom';

/** What the view keeps across hide, show and reload: the epoch asked for (absent: the model). */
export interface StateSpaceState {
  epoch?: number;
}

export interface StateSpaceCallbacks {
  /** The epoch last chosen (kept in the page's state); absent: the model itself. */
  savedEpoch(): number | undefined;
  /** Ask the host for the picture of the model (no epoch) or of one kept epoch. */
  request(epoch?: number): void;
  /** Show this input in the unfolded graph. */
  open(input: string): void;
  onState(state: StateSpaceState): void;
}

/** One point the chart draws: an input's state after a step. */
interface Point {
  x: number;
  y: number;
  /** The input's index in the picture. */
  index: number;
  step: number;
}

const HEIGHT = 520;
const MARGIN = { top: 20, right: 20, bottom: 44, left: 64 };
/**
 * Trajectories are context under the points, thousands of them over one another: drawn this
 * faint, a region many names pass through darkens and a lone path stays quiet. The points carry
 * the colours, at 3:1 against the background.
 */
const TRAJECTORY_OPACITY = 0.12;
/** How near, in px, a click must land to a drawn point to open its input. */
const CLICK_PX = 6;

interface BrushEnd {
  selection: [[number, number], [number, number]] | null;
  /** The pointer event that ended the gesture; absent when code moved the brush. */
  sourceEvent?: MouseEvent;
}

const axisLabel = (component: number, share: number | undefined): string =>
  `PC${component} (${percent(share ?? 0)} of variance)`;

const pathPoints = (item: StateInput, index: number): Point[] =>
  Array.from({ length: item.path.length / 2 }, (_, step) => ({
    x: item.path[2 * step] as number,
    y: item.path[2 * step + 1] as number,
    index,
    step,
  }));

/**
 * The State space view: hidden states projected on their first two principal components.
 * Names are points coloured by language with faint trajectories; a passage or series is one
 * path with a point per step. A slider scrubs the run's kept epochs on one fixed basis.
 */
export class StateSpaceView {
  readonly root: HTMLElement;
  /** The host must be asked again (a new model or input since the last picture). */
  stale = true;
  private picture?: StateSpacePicture;
  private readonly basis = el('p', { class: 'states-basis' });
  private readonly epochLabel = el('span', { id: 'states-epoch-label' });
  private readonly slider = el('input', {
    type: 'range',
    id: 'states-epoch',
    min: '0',
    step: '1',
    'aria-labelledby': 'states-epoch-label',
  }) as HTMLInputElement;
  private readonly epochs = el(
    'div',
    { class: 'states-epochs' },
    el('label', { class: 'field' }, this.epochLabel, this.slider),
  );
  private readonly noEpochs = el('p', { class: 'states-no-epochs' });
  private readonly chart = el('div', { class: 'chart states-chart' });
  private readonly key = el('div', { class: 'states-key' });
  private readonly selectionTitle = el('h3', { class: 'states-selection-title' });
  private readonly selection = el('ul', { class: 'states-selection', 'aria-live': 'polite' });
  private frame?: number;
  /** The model's fixed and slow points on this basis, drawn over the model's own picture. */
  private fixedPoints: Array<{ x: number; y: number; kind: 'fixed' | 'slow' }> = [];

  constructor(private readonly callbacks: StateSpaceCallbacks) {
    this.root = el(
      'section',
      { class: 'view states-view', 'aria-label': 'State space' },
      this.basis,
      this.epochs,
      this.noEpochs,
      this.key,
      this.chart,
      this.selectionTitle,
      this.selection,
    );
    this.slider.addEventListener('input', () => {
      const epoch = this.picture?.epochs[Number(this.slider.value)];
      if (epoch === undefined) return;
      this.callbacks.onState({ epoch });
      // Coalesce a drag into one request per frame; the label changes when the picture comes.
      if (this.frame !== undefined) cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => this.callbacks.request(epoch));
    });
    this.chart.append(el('p', { class: 'empty' }, 'Reading the hidden states…'));
  }

  /** Asks for the picture if the one held is out of date. */
  refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.callbacks.request(this.callbacks.savedEpoch());
  }

  show(picture: StateSpacePicture | null, reason?: string): void {
    if (!picture) {
      this.picture = undefined;
      this.chart.replaceChildren(el('p', { class: 'empty' }, reason ?? 'No states to draw.'));
      this.key.replaceChildren();
      this.epochs.hidden = true;
      this.noEpochs.hidden = true;
      this.showSelection([]);
      return;
    }
    this.picture = picture;
    this.basis.textContent = picture.basis;
    this.showEpochs(picture);
    this.draw(picture);
  }

  /** Draws the fixed points found (projected on this view's basis by the host) over the picture. */
  showFixedPoints(result: FixedPointsResult): void {
    const projected = 'points' in result ? result.projected : undefined;
    this.fixedPoints =
      'points' in result && projected
        ? result.points.map((point, k) => ({
            x: projected[2 * k] as number,
            y: projected[2 * k + 1] as number,
            kind: point.kind,
          }))
        : [];
    this.redraw();
  }

  /** Forgets the fixed points (they were another model's). */
  clearFixedPoints(): void {
    this.fixedPoints = [];
    this.redraw();
  }

  /** Redraws the picture held (the theme changed). */
  redraw(): void {
    if (this.picture) this.draw(this.picture);
  }

  private showEpochs(picture: StateSpacePicture): void {
    const count = picture.epochs.length;
    this.epochs.hidden = count === 0;
    this.noEpochs.hidden = count > 0;
    this.noEpochs.textContent = picture.noEpochs ?? '';
    if (count === 0) return;
    const last = picture.epochs[count - 1] as number;
    this.slider.max = String(count - 1);
    const shown = picture.epoch === undefined ? count - 1 : picture.epochs.indexOf(picture.epoch);
    this.slider.value = String(Math.max(0, shown));
    this.epochLabel.textContent =
      picture.epoch === undefined
        ? `The model in use (its run kept epochs ${picture.epochs[0]}–${last})`
        : `Epoch ${picture.epoch} of ${last}`;
  }

  private colours(picture: StateSpacePicture): string[] {
    return categoryColours(picture.labels.length, backgroundColor());
  }

  private draw(picture: StateSpacePicture): void {
    const points = picture.inputs.flatMap(pathPoints);
    const finals = picture.inputs.map((item, index) => {
      const steps = item.path.length / 2;
      return pathPoints(item, index)[steps - 1] as Point;
    });
    const width = Math.min(1100, chartWidth(1));
    const names = picture.kind === 'names';
    const colours = this.colours(picture);
    const [series = '#3794ff'] = seriesColors();
    const colourOf = (index: number): string =>
      names ? (colours[picture.inputs[index]?.label ?? -1] ?? series) : series;
    const svg = renderPlot(this.chart, {
      width,
      height: HEIGHT,
      marginTop: MARGIN.top,
      marginRight: MARGIN.right,
      marginBottom: MARGIN.bottom,
      marginLeft: MARGIN.left,
      x: {
        label: axisLabel(1, picture.explained[0]),
        domain: picture.domain.x,
        labelAnchor: 'center',
        grid: true,
        nice: true,
      },
      y: {
        label: axisLabel(2, picture.explained[1]),
        domain: picture.domain.y,
        labelAnchor: 'center',
        grid: true,
        nice: true,
      },
      color: names
        ? undefined
        : { type: 'sequential', scheme: 'viridis', domain: [1, points.length] },
      marks: [
        Plot.line(points, {
          x: 'x',
          y: 'y',
          z: 'index',
          stroke: (d: Point) => colourOf(d.index),
          strokeOpacity: names ? TRAJECTORY_OPACITY : 0.6,
          strokeWidth: 1,
        }),
        Plot.dot(names ? finals : points, {
          x: 'x',
          y: 'y',
          r: names ? 2.5 : 4,
          fill: names ? (d: Point) => colourOf(d.index) : (d: Point) => d.step + 1,
          stroke: names ? null : series,
          strokeWidth: 0.5,
        }),
        ...this.fixedPointMarks(picture),
      ],
    });
    this.key.replaceChildren(
      names
        ? legend(
            picture.labels
              .map((label, i) => [label, colours[i] as string] as [string, string])
              .filter((_, i) => picture.inputs.some((item) => item.label === i)),
          )
        : colourBar({
            kind: 'sequential',
            domain: [1, points.length],
            label: 'step along the input',
          }),
    );
    if (picture.epoch === undefined && this.fixedPoints.length > 0)
      this.key.append(
        legend([
          ['fixed point of the model in use (star)', this.fixedColours()[0]],
          ['slow point (triangle)', this.fixedColours()[1]],
        ]),
      );
    this.wire(svg, picture, names ? finals : points, points);
    this.showSelection([]);
  }

  /** Fixed points in the foreground colour, slow ones in the second chart colour (3:1 both). */
  private fixedColours(): [string, string] {
    return [themeColor('--vscode-foreground', '#ccc'), seriesColors()[1] as string];
  }

  /** Stars and triangles, apart from the names' dots; the model's points fit no other epoch. */
  private fixedPointMarks(picture: StateSpacePicture): Plot.Markish[] {
    if (picture.epoch !== undefined) return [];
    const [fixed, slow] = this.fixedColours();
    return [
      Plot.dot(
        this.fixedPoints.filter((p) => p.kind === 'slow'),
        {
          x: 'x',
          y: 'y',
          symbol: 'triangle',
          r: 6,
          stroke: slow,
          strokeWidth: 2,
          className: 'states-slow-point',
        },
      ),
      Plot.dot(
        this.fixedPoints.filter((p) => p.kind === 'fixed'),
        { x: 'x', y: 'y', symbol: 'star', r: 8, fill: fixed, className: 'states-fixed-point' },
      ),
    ];
  }

  /**
   * One layer on top takes both gestures: a drag brushes a region and lists the inputs whose
   * points lie in it; a click opens the input whose point (a name's final state, else any step
   * of a trajectory) is nearest, within CLICK_PX.
   */
  private wire(svg: Element, picture: StateSpacePicture, drawn: Point[], all: Point[]): void {
    const plot = svg as SVGSVGElement & {
      scale(name: 'x' | 'y'): { apply(value: number): number };
    };
    const x = plot.scale('x');
    const y = plot.scale('y');
    const width = Number(svg.getAttribute('width'));
    const nearest = (px: number, py: number, among: Point[]): Point | undefined => {
      let best: Point | undefined;
      let bestDistance = CLICK_PX;
      for (const point of among) {
        const distance = Math.hypot(x.apply(point.x) - px, y.apply(point.y) - py);
        if (distance <= bestDistance) [best, bestDistance] = [point, distance];
      }
      return best;
    };
    select(svg as SVGSVGElement)
      .append('g')
      .attr('class', 'states-brush')
      .call(
        brush<unknown>()
          // The whole chart, margins too: a box can start beside a point on the plot's edge.
          .extent([
            [0, 0],
            [width, HEIGHT],
          ])
          .on('end', (event: BrushEnd) => {
            const box = event.selection;
            if (!box) {
              this.showSelection([]);
              if (!event.sourceEvent) return;
              const [px, py] = pointer(event.sourceEvent, svg);
              // A drawn point (a name's final state) before a trajectory's step under it.
              const hit = nearest(px, py, drawn) ?? nearest(px, py, all);
              const item = hit && picture.inputs[hit.index];
              if (item) this.callbacks.open(item.input);
              return;
            }
            const [[x0, y0], [x1, y1]] = box;
            this.showSelection(
              drawn.filter((p) => {
                const px = x.apply(p.x);
                const py = y.apply(p.y);
                return px >= x0 && px <= x1 && py >= y0 && py <= y1;
              }),
            );
          }),
      );
  }

  private describe(picture: StateSpacePicture, point: Point): string {
    const item = picture.inputs[point.index] as StateInput;
    if (picture.kind !== 'names')
      return `step ${point.step + 1}: ${item.symbols?.[point.step] ?? ''}`;
    const language = picture.labels[item.label] ?? 'unknown';
    const predicted = picture.labels[item.predicted] ?? 'unknown';
    return `${item.input}: ${language}, predicted ${predicted}`;
  }

  private showSelection(points: Point[]): void {
    const picture = this.picture;
    if (!picture || points.length === 0) {
      this.selectionTitle.textContent =
        picture?.kind === 'names'
          ? 'Drag over the chart to list the names in a region; click a point to open it in the unfolded graph.'
          : 'Drag over the chart to list the steps in a region; click a point to open the input in the unfolded graph.';
      this.selection.replaceChildren();
      return;
    }
    const noun = picture.kind === 'names' ? 'names' : 'steps';
    this.selectionTitle.textContent = `${points.length} ${points.length === 1 ? noun.slice(0, -1) : noun} in the selected region`;
    this.selection.replaceChildren(
      ...points.map((point) => {
        const item = picture.inputs[point.index] as StateInput;
        const button = el(
          'button',
          { type: 'button', class: 'link' },
          this.describe(picture, point),
        );
        button.addEventListener('click', () => this.callbacks.open(item.input));
        return el('li', {}, button);
      }),
    );
  }
}
