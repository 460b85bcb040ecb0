import type { OrderedInput } from '../../shared/resultsProtocol';
import { colourBar, divergingColour, stateLimit } from '../common/colourScale';
import { chartWidth, Plot, renderPlot } from '../explorer/charts';
import { el, percent } from '../explorer/dom';
import { formatNumber } from './format';
import type { ResultsView } from './view';

interface UnitCell {
  unit: number;
  value: number;
}

const norm = (xs: readonly number[]): number => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));

/**
 * The same symbols in different orders: each input's final hidden state as a heat strip on one
 * shared colour scale, its top predictions, and how far apart the states are.
 */
export class OrderView implements ResultsView {
  readonly root: HTMLElement;
  private readonly strips: HTMLElement[];
  private readonly scaleLegend = el('div', { class: 'state-scale' });

  constructor(
    title: string,
    private readonly inputs: OrderedInput[],
    private readonly distance: number,
    note: string,
  ) {
    this.strips = inputs.map((input) =>
      el('div', {
        class: 'chart state-strip',
        'data-units': String(input.finalState.length),
        role: 'img',
        'aria-label': `Final hidden state of “${input.input}”, ${input.finalState.length} units`,
      }),
    );
    this.root = el(
      'section',
      { class: 'results-view order-view', 'aria-label': 'Order comparison' },
      el('h1', {}, title),
      el('p', { class: 'note' }, note),
      el(
        'div',
        { class: 'order-inputs' },
        ...inputs.map((input, i) =>
          el(
            'section',
            { class: 'order-input', 'aria-label': `Input “${input.input}”` },
            el('div', { class: 'order-string' }, input.input),
            el('div', { class: 'caption' }, 'final hidden state'),
            this.strips[i]!,
            el('div', { class: 'caption' }, 'top predictions'),
            el(
              'ol',
              { class: 'top-predictions' },
              ...input.top.map((t) => {
                const fill = el('span', { class: 'fill' });
                fill.style.width = percent(Math.max(0, Math.min(1, t.probability)));
                return el(
                  'li',
                  {},
                  el('span', { class: 'label' }, t.label),
                  el('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
                  el('span', { class: 'value' }, percent(t.probability)),
                );
              }),
            ),
          ),
        ),
      ),
      this.scaleLegend,
      this.distanceSentence(),
    );
  }

  private distanceSentence(): HTMLElement {
    const [a, b] = this.inputs;
    if (!a || !b) return el('p', { class: 'distance' });
    const na = norm(a.finalState);
    const nb = norm(b.finalState);
    const mean = (na + nb) / 2;
    return el(
      'p',
      { class: 'distance' },
      `Distance between the final states of “${a.input}” and “${b.input}”: `,
      el('strong', {}, formatNumber(this.distance)),
      ` (Euclidean; their lengths are ${formatNumber(na)} and ${formatNumber(nb)}` +
        (mean > 0
          ? `, so the distance is ${percent(this.distance / mean)} of their mean length).`
          : ').'),
    );
  }

  draw(): void {
    // One scale for every strip, and the same as the Explorer's graph: negative red, 0 white,
    // positive blue, ±1 at the ends for tanh states (so equal colours mean equal values).
    const limit = stateLimit(this.inputs.flatMap((input) => input.finalState));
    const columns = Math.min(3, Math.max(1, this.inputs.length));
    this.inputs.forEach((input, i) => {
      // The column's own width once mounted; an estimate from the window while hidden.
      const width = Math.max(200, this.strips[i]!.clientWidth || chartWidth(columns) - 24);
      const cells: UnitCell[] = input.finalState.map((value, unit) => ({ unit, value }));
      const units = cells.length;
      const step = [1, 2, 4, 8, 16, 32, 64, 128, 256].find((s) => units / s <= 8) ?? 512;
      renderPlot(this.strips[i]!, {
        width,
        height: 58,
        marginLeft: 4,
        marginRight: 4,
        marginTop: 2,
        marginBottom: 22,
        x: {
          type: 'band',
          domain: cells.map((c) => c.unit),
          ticks: cells.map((c) => c.unit).filter((u) => u % step === 0),
          tickSize: 3,
          label: null,
        },
        // The fills are the shared scale's colours, drawn as they are.
        color: { type: 'identity' },
        marks: [
          Plot.cell(cells, {
            x: 'unit',
            fill: (c: UnitCell) => divergingColour(c.value, limit),
            inset: 0,
          }),
          // Near-zero units are near white: the frame keeps the strip's edge visible.
          Plot.frame({ stroke: 'currentColor', strokeOpacity: 0.35 }),
          Plot.tip(
            cells,
            Plot.pointerX({
              x: 'unit',
              title: (c: UnitCell) => `unit ${c.unit}: ${formatNumber(c.value)}`,
              fontSize: 11,
            }),
          ),
        ],
      });
    });
    this.scaleLegend.replaceChildren(
      colourBar({
        kind: 'diverging',
        domain: [-limit, limit],
        label: 'unit value, same scale for every input: negative red, 0 white, positive blue',
      }),
    );
  }
}
