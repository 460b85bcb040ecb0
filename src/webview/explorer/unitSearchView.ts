import type { RankedUnit, UnitSearchResult } from '../../shared/explorerProtocol';
import { binOf, UNIT_BINS } from '../../shared/readingColours';
import { chartWidth, legend, Plot, renderPlot, seriesColors } from './charts';
import { el, themeColor } from './dom';

export interface UnitSearchCallbacks {
  /** Ask the host to rank the units on [start, end) (UTF-16 offsets) of `text`. */
  request(text: string, start: number, end: number): void;
  /** The span ranked and the unit picked changed, to be kept in the page's state. */
  onState(state: UnitSearchState): void;
}

/**
 * What the page remembers of a unit search across hide/show: the span last ranked, in UTF-16
 * offsets of the text it was ranked on, and the unit picked. Empty when none is shown.
 */
export interface UnitSearchState {
  text?: string;
  start?: number;
  end?: number;
  picked?: number;
}

type Found = Extract<UnitSearchResult, { units: RankedUnit[] }>;

const CHART_HEIGHT = 240;
const TEXT_TASK = 'text';

const percent = (share: number): string => `${Math.round(100 * share)} %`;
const signed = (value: number): string => `${value < 0 ? '−' : '+'}${Math.abs(value).toFixed(2)}`;
/** "h > +0.5" or "h < −0.5": what firing means for a unit in its direction. */
const firingRule = (direction: 1 | -1, threshold: number): string =>
  direction > 0 ? `h > +${threshold}` : `h < −${threshold}`;
/** Characters as a person counts them: the first is 1, and a span names its first and last. */
/** Characters that would not show in a quotation: a space is ␣, a newline ⏎, a tab ⇥. */
const visible = (text: string): string =>
  text.replace(/ /g, '␣').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
const characterSpan = (from: number, to: number): string =>
  to - from === 1 ? `character ${from + 1}` : `characters ${from + 1}–${to}`;

/** Each code point's UTF-16 offset, the text's length last, as `readText` counts them. */
function codePointOffsets(text: string): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const character of text) {
    offsets.push(offset);
    offset += character.length;
  }
  offsets.push(offset);
  return offsets;
}

/**
 * Unit search, as LSTMVis does it, on the Explorer's own text (the input the unfolded graph
 * reads): select a span with the mouse or the keyboard, and the host ranks the hidden units by
 * how selectively they fire on it; a unit picked colours every character by its state, draws
 * that state over the steps, and lists where else in the text it fires.
 */
export class UnitSearchView {
  readonly root: HTMLElement;
  private text = '';
  private characters: string[] = [];
  private offsets: number[] = [0];
  private title = '';
  private task = TEXT_TASK;
  /** The selection's two ends as character boundaries, 0…n; the span is between them. */
  private anchor = 0;
  private focus = 0;
  private dragging = false;
  /** The span asked for and not yet superseded: only its answer is shown. */
  private asked?: { text: string; start: number; end: number };
  private found?: Found;
  private picked = 0;
  /** The unit to pick when the ranking being restored arrives. */
  private restoredPick?: number;

  private readonly intro = el('p', { class: 'units-intro' });
  private readonly textBox = el('div', {
    class: 'units-text',
    id: 'units-text',
    tabindex: '0',
    role: 'textbox',
    'aria-readonly': 'true',
    'aria-multiline': 'false',
    'aria-label':
      'The text the model reads. Shift with the arrow keys selects a span, Enter ranks the units on it.',
    'aria-describedby': 'units-span',
  });
  private readonly spanLabel = el('p', { class: 'units-span', id: 'units-span' });
  private readonly status = el('p', { class: 'units-status', role: 'status' });
  private readonly heading = el('h3', { class: 'units-heading' });
  private readonly note = el('p', { class: 'units-note' });
  private readonly list = el('ol', { class: 'units-list', 'aria-label': 'Units, best first' });
  private readonly key = el('div', { class: 'units-key' });
  private readonly chartTitle = el('p', { class: 'units-chart-title' });
  private readonly chart = el('div', { class: 'chart units-chart' });
  private readonly elsewhereTitle = el('h3', { class: 'units-elsewhere-title' });
  private readonly elsewhere = el('ul', { class: 'units-elsewhere' });
  private readonly results = el(
    'div',
    { class: 'units-results' },
    this.heading,
    this.note,
    this.list,
    this.key,
    this.chartTitle,
    this.chart,
    this.elsewhereTitle,
    this.elsewhere,
  );

  constructor(private readonly callbacks: UnitSearchCallbacks) {
    this.root = el(
      'section',
      { class: 'view units-view', 'aria-label': 'Unit search' },
      this.intro,
      this.textBox,
      this.spanLabel,
      this.status,
      this.results,
    );
    this.results.hidden = true;
    this.textBox.addEventListener('pointerdown', (event) => {
      const at = this.characterAt(event.clientX, event.clientY);
      if (at < 0 || event.button !== 0) return;
      event.preventDefault();
      this.textBox.focus();
      this.dragging = true;
      this.select(at, at + 1);
    });
    this.textBox.addEventListener('pointermove', (event) => {
      if (!this.dragging) return;
      const at = this.characterAt(event.clientX, event.clientY);
      if (at < 0) return;
      const first = this.anchor < this.focus ? this.anchor : this.anchor - 1;
      if (at >= first) this.select(first, at + 1);
      else this.select(first + 1, at);
    });
    window.addEventListener('pointerup', () => {
      if (!this.dragging) return;
      this.dragging = false;
      this.rank();
    });
    this.textBox.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** The text on screen changed (typed, or another model's default): any ranking is another's. */
  setText(text: string): void {
    if (text === this.text && this.characters.length > 0) return;
    this.text = text;
    this.characters = [...text];
    this.offsets = codePointOffsets(text);
    this.textBox.replaceChildren(
      ...this.characters.map((character, i) =>
        el('span', { class: 'ch', 'data-index': String(i) }, character),
      ),
    );
    this.anchor = 0;
    this.focus = 0;
    this.forget();
    this.paintSelection();
  }

  /** Another model is explored: its units are not the last one's. */
  setModel(title: string, task: string): void {
    this.title = title;
    this.task = task;
    this.forget();
    const text = task === TEXT_TASK;
    this.textBox.hidden = !text;
    this.spanLabel.hidden = !text;
    this.intro.textContent = text
      ? `Select a span of the text above (the input the unfolded graph reads): drag over it, or click into it and press Shift with ← or →, then Enter. The hidden units of ${title} are ranked by how much more often they fire (|h| > 0.5) on the span than on the rest of the text.`
      : `Unit search reads a text model; ${title} is not one. Pick a text model in the model list above, or train one with RNN: Train Text Model….`;
  }

  show(result: UnitSearchResult): void {
    const asked = this.asked;
    // An answer to a question no longer on screen (the text or the span changed since).
    if (
      !asked ||
      result.text !== asked.text ||
      result.start !== asked.start ||
      result.end !== asked.end ||
      result.text !== this.text
    )
      return;
    if ('reason' in result) {
      this.found = undefined;
      this.results.hidden = true;
      this.status.textContent = result.reason;
      return;
    }
    this.found = result;
    const restored = this.restoredPick;
    this.restoredPick = undefined;
    this.picked = restored !== undefined && restored < result.units.length ? restored : 0;
    this.status.textContent = '';
    this.remember();
    this.draw();
  }

  /**
   * Ranks again the span a hidden and re-shown page had ranked, and picks the same unit; the
   * host reads the text again, since the page keeps no ranking. Nothing when the text differs.
   */
  restore(saved: UnitSearchState): void {
    const { text, start, end, picked } = saved;
    if (text !== this.text || start === undefined || end === undefined) return;
    const from = this.offsets.indexOf(start);
    const to = this.offsets.indexOf(end);
    if (from < 0 || to <= from) return;
    this.select(from, to);
    this.restoredPick = picked;
    this.rank();
  }

  /** Redraws with the theme's colours. */
  redraw(): void {
    if (this.found) this.draw();
  }

  private forget(): void {
    this.asked = undefined;
    this.found = undefined;
    this.callbacks.onState({});
    this.results.hidden = true;
    this.paintCharacters();
    this.status.textContent =
      this.task === TEXT_TASK ? 'No span selected yet: the units are ranked for a span.' : '';
  }

  private characterAt(x: number, y: number): number {
    const hit = document.elementFromPoint(x, y);
    const character = hit instanceof HTMLElement ? hit.closest('.ch') : null;
    if (!character || !this.textBox.contains(character)) return -1;
    return Number((character as HTMLElement).dataset.index);
  }

  private select(anchor: number, focus: number): void {
    const n = this.characters.length;
    this.anchor = Math.max(0, Math.min(n, anchor));
    this.focus = Math.max(0, Math.min(n, focus));
    this.paintSelection();
  }

  private get span(): { from: number; to: number } {
    return { from: Math.min(this.anchor, this.focus), to: Math.max(this.anchor, this.focus) };
  }

  private onKey(event: KeyboardEvent): void {
    const n = this.characters.length;
    const moves: Record<string, number> = {
      ArrowLeft: this.focus - 1,
      ArrowRight: this.focus + 1,
      Home: 0,
      End: n,
    };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      this.select(event.shiftKey ? this.anchor : to, to);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      this.rank();
    } else if (event.key === 'Escape') {
      this.select(this.focus, this.focus);
    }
  }

  private rank(): void {
    const { from, to } = this.span;
    if (to <= from) return;
    const start = this.offsets[from] as number;
    const end = this.offsets[to] as number;
    this.asked = { text: this.text, start, end };
    this.paintSelection();
    this.found = undefined;
    this.results.hidden = true;
    this.paintCharacters();
    this.status.textContent = `Ranking the units of ${this.title} for ${characterSpan(from, to)}…`;
    this.callbacks.request(this.text, start, end);
  }

  private remember(): void {
    const asked = this.asked;
    if (asked) this.callbacks.onState({ ...asked, picked: this.picked });
  }

  private paintSelection(): void {
    const { from, to } = this.span;
    this.textBox.querySelectorAll<HTMLElement>('.ch').forEach((node, i) => {
      node.classList.toggle('in-span', i >= from && i < to);
      node.classList.toggle('caret', i === Math.min(this.focus, this.characters.length - 1));
      node.classList.toggle('caret-end', this.focus === this.characters.length);
    });
    const words = this.characters.slice(from, to).join('');
    const ranked = this.asked?.start === this.offsets[from] && this.asked?.end === this.offsets[to];
    this.spanLabel.textContent =
      to > from
        ? `Selected: ${characterSpan(from, to)}, “${visible(words)}”.${ranked ? '' : ' Release the mouse or press Enter to rank the units on it.'}`
        : 'Nothing selected.';
  }

  /** Colours each character by the picked unit's state; none when no ranking is shown. */
  private paintCharacters(): void {
    const found = this.found;
    const unit = found?.units[this.picked];
    const nodes = this.textBox.querySelectorAll<HTMLElement>('.ch');
    nodes.forEach((node, i) => {
      node.style.backgroundColor = '';
      node.removeAttribute('title');
      node.classList.remove('fires-elsewhere', 'unread');
      if (!found || !unit) return;
      const step = found.steps[i] ?? -1;
      if (step < 0) {
        node.classList.add('unread');
        node.title = 'Not in the model’s vocabulary: it reads on past it.';
        return;
      }
      const value = unit.values[step] as number;
      const bin = UNIT_BINS[binOf(value, { kind: 'unit', unit: unit.unit })];
      node.style.backgroundColor = bin?.background ?? '';
      node.title = `Unit ${unit.unit}: h = ${signed(value)}`;
      const offset = found.offsets[i] as number;
      if (unit.elsewhere.some((span) => offset >= span.start && offset < span.end))
        node.classList.add('fires-elsewhere');
    });
  }

  private draw(): void {
    const found = this.found as Found;
    const { from, to } = this.span;
    const words = this.characters.slice(from, to).join('');
    this.results.hidden = false;
    this.heading.textContent = `Units of ${found.title} for “${visible(words)}” (${characterSpan(from, to)}), best first: the top ${found.units.length} of ${found.hiddenSize}. Score = share of the span's steps where the unit fires − share of the other steps.`;
    // A unit that fires nowhere in the text scores 0 whatever the span: listed only as a tie.
    const silent = found.units.filter((unit) => unit.inside === 0 && unit.outside === 0);
    const best = found.units[0] as RankedUnit;
    this.note.textContent =
      `A score runs from −1 to +1: +1 is a unit past ±${found.threshold} on every character of the span and on no other.` +
      (best.score <= 0 ? ' No unit fires more often on this span than on the rest.' : '') +
      (silent.length > 0
        ? ` ${silent.length === 1 ? 'Unit' : 'Units'} ${silent.map((unit) => unit.unit).join(', ')} ${silent.length === 1 ? 'fires' : 'fire'} nowhere in this text: ties, listed by number.`
        : '');
    this.list.replaceChildren(
      ...found.units.map((unit, k) => {
        const button = el(
          'button',
          {
            type: 'button',
            class: 'unit-choice',
            'aria-pressed': String(k === this.picked),
            'data-unit': String(unit.unit),
          },
          el('span', { class: 'unit-name' }, `Unit ${unit.unit}`),
          el('span', { class: 'unit-score' }, `score ${signed(unit.score)}`),
          el(
            'span',
            { class: 'unit-shares' },
            `${firingRule(unit.direction, found.threshold)} on ${percent(unit.inside)} of the span, ${percent(unit.outside)} of the rest`,
          ),
        );
        button.addEventListener('click', () => {
          this.picked = k;
          this.remember();
          this.draw();
          (this.list.querySelectorAll('button')[k] as HTMLButtonElement | undefined)?.focus();
        });
        return el('li', {}, button);
      }),
    );
    this.drawUnit(found, found.units[this.picked] as RankedUnit);
  }

  private drawUnit(found: Found, unit: RankedUnit): void {
    this.paintCharacters();
    const rule = firingRule(unit.direction, found.threshold);
    const caption = el(
      'p',
      { class: 'units-key-title' },
      `Each character's colour: unit ${unit.unit}'s h after the model in use (${found.title}) reads it, on the editor's RdBu scale from −1 (red) to +1 (blue). Solid underline: the span selected; dotted: where else it fires (${rule}).`,
    );
    this.key.replaceChildren(
      caption,
      legend(UNIT_BINS.map((bin) => [bin.label, bin.background] as [string, string])),
    );
    this.drawChart(found, unit);
    const others = unit.elsewhere.map(({ start, end }) => {
      const first = found.offsets.indexOf(start);
      const last = found.offsets.indexOf(end);
      return { first, last, words: found.text.slice(start, end) };
    });
    this.elsewhereTitle.textContent =
      others.length === 0
        ? `Unit ${unit.unit} fires (${rule}) nowhere else in this text.`
        : `Where else unit ${unit.unit} fires (${rule}) in this text: ${others.length} ${others.length === 1 ? 'place' : 'places'}`;
    this.elsewhere.replaceChildren(
      ...others.map(({ first, last, words }) =>
        el('li', {}, `${characterSpan(first, last)}: “${visible(words)}”`),
      ),
    );
  }

  private drawChart(found: Found, unit: RankedUnit): void {
    const characterOfStep: number[] = [];
    found.steps.forEach((step, i) => {
      if (step >= 0) characterOfStep[step] = i;
    });
    const points = unit.values.map((value, step) => ({
      x: (characterOfStep[step] as number) + 1,
      y: value,
    }));
    const limit = Math.max(1, ...unit.values.map(Math.abs));
    const n = this.characters.length;
    const { from, to } = this.span;
    const [series = '#3794ff'] = seriesColors();
    const foreground = themeColor('--vscode-foreground', '#ccc');
    this.chartTitle.textContent = `Unit ${unit.unit}'s h after each character it reads: the shaded band is the span selected, the dashed line where it starts to fire (${firingRule(unit.direction, found.threshold)}).`;
    renderPlot(this.chart, {
      width: Math.min(1100, chartWidth(1)),
      height: CHART_HEIGHT,
      marginLeft: 56,
      marginBottom: 40,
      x: {
        label: 'character of the text',
        domain: [0.5, n + 0.5],
        labelAnchor: 'center',
      },
      y: {
        label: `unit ${unit.unit}'s h`,
        domain: [-limit, limit],
        labelAnchor: 'center',
        grid: true,
      },
      marks: [
        Plot.rect([{ x1: from + 0.5, x2: to + 0.5 }], {
          x1: 'x1',
          x2: 'x2',
          y1: -limit,
          y2: limit,
          fill: foreground,
          fillOpacity: 0.12,
          className: 'units-chart-span',
        }),
        Plot.ruleY([0], { stroke: foreground, strokeOpacity: 0.6 }),
        Plot.ruleY([unit.direction * found.threshold], {
          stroke: foreground,
          strokeDasharray: '4,3',
          className: 'units-chart-threshold',
        }),
        Plot.line(points, { x: 'x', y: 'y', stroke: series, strokeWidth: 1.5 }),
        Plot.dot(points, { x: 'x', y: 'y', r: 2.5, fill: series }),
      ],
    });
  }
}
