import type { FoundPoint } from '../../core/explore/fixedPoints';
import {
  MAX_SYMBOL_CHARS,
  type FixedPointInput,
  type FixedPointsResult,
} from '../../shared/explorerProtocol';
import { legend, seriesColors } from './charts';
import { el, themeColor } from './dom';
import { drawPlane, isUnstable, planeExtent } from './eigenPlane';

type Found = Extract<FixedPointsResult, { points: FoundPoint[] }>;

const SIDE = 300;

/** "2 of 64 directions grow: |λ| > 1", in words for a screen reader and for the eye. */
export function growthCaption(point: FoundPoint): string {
  const total = point.eigenvalues.length;
  if (point.unstable === 0) return `None of ${total} directions grows: every |λ| ≤ 1.`;
  const verb = point.unstable === 1 ? 'grows' : 'grow';
  return `${point.unstable} of ${total} directions ${verb}: |λ| > 1.`;
}

/**
 * The fixed points of the explored model's top layer under a constant input: the points found,
 * fixed ones apart from slow ones, and for the chosen point the eigenvalues of its linearised
 * step beside those of a block of W_hh, on the same square scales with the unit circle.
 */
export class FixedPointView {
  readonly root = el('section', { class: 'fixed-points', 'aria-label': 'Fixed points' });
  private readonly symbol = el('input', {
    type: 'text',
    id: 'fp-symbol',
    maxlength: String(MAX_SYMBOL_CHARS),
    placeholder: 'symbol; empty: zero input',
    'aria-label': 'Constant input symbol (empty for zero input)',
  }) as HTMLInputElement;
  private readonly status = el('p', { class: 'rule fp-status', 'aria-live': 'polite' });
  private readonly lists = el('div', { class: 'fp-lists' });
  private readonly block = el('select', {
    id: 'fp-block',
    'aria-label': 'Block of W_hh',
  }) as HTMLSelectElement;
  private readonly pointPlane = el('div', { class: 'chart fp-plane fp-point-plane' });
  private readonly blockPlane = el('div', { class: 'chart fp-plane fp-block-plane' });
  private readonly pointCaption = el('p', { class: 'rule fp-caption' });
  private readonly blockCaption = el('p', { class: 'rule fp-block-caption' });
  private readonly legendSlot = el('div', { class: 'fp-legend' });
  /** The two planes and the block selector, hidden until there are points to draw. */
  private readonly planes = el('div', { class: 'fp-planes' });
  private result: Found | undefined;
  private chosen = 0;

  constructor(onSearch: (input: FixedPointInput) => void) {
    const find = el('button', { type: 'button', id: 'fp-find' }, 'Find fixed points');
    find.addEventListener('click', () => {
      const symbol = this.symbol.value;
      this.status.textContent = 'Searching…';
      onSearch(symbol === '' ? { kind: 'zero' } : { kind: 'symbol', symbol });
    });
    this.block.addEventListener('change', () => this.draw());
    this.root.append(
      el('h3', {}, 'Fixed points'),
      el('div', { class: 'toolbar' }, this.symbol, find),
      this.status,
      this.lists,
      this.legendSlot,
      this.planes,
    );
    this.planes.append(
      el('figure', {}, this.pointPlane, this.pointCaption),
      el('figure', {}, el('label', {}, 'Block ', this.block), this.blockPlane, this.blockCaption),
    );
    this.planes.hidden = true;
  }

  show(result: FixedPointsResult): void {
    const input =
      result.input.kind === 'zero' ? 'zero input' : `input “${result.input.symbol}” held`;
    if ('reason' in result) {
      this.result = undefined;
      this.status.textContent = `${result.title}, ${input}: ${result.reason}`;
      this.lists.replaceChildren();
      this.planes.hidden = true;
      return;
    }
    this.result = result;
    this.planes.hidden = false;
    this.chosen = 0;
    const fixed = result.points.filter((p) => p.kind === 'fixed').length;
    this.status.textContent =
      `${result.title}, ${input}: ${fixed} fixed and ${result.points.length - fixed} slow ` +
      `points from ${result.starts} starts in ${(result.millis / 1000).toFixed(1)} s ` +
      `(state of ${result.dimension} values).`;
    this.block.replaceChildren(
      ...result.blocks.map((b, k) => el('option', { value: String(k) }, b.block)),
    );
    // First the block through which the state writes its new content: W_hn, W_hg, or W_hh.
    this.block.selectedIndex = Math.max(
      0,
      result.blocks.findIndex((b) => ['W_hh', 'W_hn', 'W_hg'].includes(b.block)),
    );
    this.draw();
  }

  /** Forgets the points shown: another model is explored. */
  clear(): void {
    this.result = undefined;
    this.planes.hidden = true;
    this.status.textContent = '';
    for (const part of [this.lists, this.legendSlot, this.pointPlane, this.blockPlane, this.block])
      part.replaceChildren();
    this.pointCaption.textContent = '';
    this.blockCaption.textContent = '';
  }

  /** Redraws with the theme's colours (after a theme change). */
  draw(): void {
    const result = this.result;
    if (!result) return;
    this.lists.replaceChildren(this.list(result, 'fixed'), this.list(result, 'slow'));
    const [stable, unstable] = this.colours();
    this.legendSlot.replaceChildren(
      legend([
        ['stable: |λ| ≤ 1 (ring)', stable],
        ['unstable: |λ| > 1 (filled)', unstable],
        ['unit circle |λ| = 1', themeColor('--vscode-foreground', '#ccc')],
      ]),
    );
    const point = result.points[this.chosen];
    const block = result.blocks[this.block.selectedIndex];
    const extent = planeExtent(point?.eigenvalues ?? [], block?.eigenvalues ?? []);
    const style = { stable, unstable, side: SIDE };
    if (point) {
      drawPlane(
        this.pointPlane,
        point.eigenvalues,
        extent,
        style,
        `Eigenvalues of the step at point ${this.chosen + 1}`,
      );
      this.pointCaption.textContent = `Point ${this.chosen + 1} (${point.kind}): ${growthCaption(point)}`;
    } else {
      this.pointPlane.replaceChildren();
      this.pointCaption.textContent = 'No fixed or slow point found from these starts.';
    }
    if (block) {
      drawPlane(this.blockPlane, block.eigenvalues, extent, style, `Eigenvalues of ${block.block}`);
      const outside = block.eigenvalues.filter(isUnstable).length;
      const radius = Math.hypot(block.eigenvalues[0]?.re ?? 0, block.eigenvalues[0]?.im ?? 0);
      this.blockCaption.textContent = `ρ(${block.block}) = ${radius.toFixed(2)}: ${outside} of ${block.eigenvalues.length} eigenvalues outside the unit circle.`;
    }
  }

  private colours(): [string, string] {
    const colours = seriesColors();
    return [colours[0] as string, colours[3] as string];
  }

  private list(result: Found, kind: FoundPoint['kind']): HTMLElement {
    const heading =
      kind === 'fixed'
        ? `Fixed points: ‖F(s) − s‖ < ${result.tolerance.fixed.toExponential(0)}`
        : `Slow points: ‖F(s) − s‖ < ${result.tolerance.slow.toExponential(0)}`;
    const items = result.points.flatMap((point, index) => {
      if (point.kind !== kind) return [];
      const button = el(
        'button',
        {
          type: 'button',
          class: 'fp-point',
          'data-index': String(index),
          'aria-pressed': String(index === this.chosen),
        },
        `${index + 1}: ‖F(s) − s‖ = ${point.residual.toExponential(1)}, ${point.unstable} unstable`,
      );
      button.addEventListener('click', () => {
        this.chosen = index;
        this.draw();
      });
      return [el('li', {}, button)];
    });
    return el(
      'div',
      { class: `fp-list fp-${kind}` },
      el('h4', {}, heading),
      items.length > 0 ? el('ul', {}, ...items) : el('p', { class: 'rule' }, 'none'),
    );
  }
}
