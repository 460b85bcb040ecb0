import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { blend, colourAlpha, contrastRatio, parseColour } from '../../src/shared/contrast';
import type {
  ModelSummary,
  RankedUnit,
  UnitSearchResult,
  WebviewMessage,
} from '../../src/shared/explorerProtocol';
import { binOf, UNIT_BINS } from '../../src/shared/readingColours';
import { openExplorerPage, type ExplorerPage } from './page';

/** The emoji is two UTF-16 units and outside the vocabulary: offsets and characters differ. */
const TEXT = 'a😀 said "hello there" and "yes" ok';
const CHARACTERS = [...TEXT];
const OFFSETS = [...CHARACTERS.map((_, i) => CHARACTERS.slice(0, i).join('').length), TEXT.length];
const STEPS = (() => {
  let step = 0;
  return CHARACTERS.map((ch) => (ch === '😀' ? -1 : step++));
})();
const STEP_COUNT = STEPS.filter((s) => s >= 0).length;
/** Character i's index among the characters the model reads. */
const characterOfStep = CHARACTERS.map((_, i) => i).filter((i) => (STEPS[i] as number) >= 0);

const MODEL: ModelSummary = {
  title: 'LSTM 64 (tiny shakespeare)',
  cell: 'lstm',
  hiddenSize: 64,
  numLayers: 1,
  labels: [],
  task: 'text',
  hint: 'Text to read',
  subjects: [],
};

/** Inside quotes, counting the opening mark, as a quote unit fires. */
const insideQuotes = (i: number): boolean =>
  CHARACTERS.slice(0, i + 1).filter((ch) => ch === '"').length % 2 === 1;

function unit(index: number, score: number, value: (i: number) => number): RankedUnit {
  return {
    unit: index,
    score,
    direction: 1,
    inside: 0.5 + score / 2,
    outside: 0.5 - score / 2,
    values: characterOfStep.map(value),
    elsewhere: [],
  };
}

function result(start: number, end: number): UnitSearchResult {
  const yes = TEXT.indexOf('"yes');
  return {
    title: MODEL.title,
    text: TEXT,
    start,
    end,
    hiddenSize: 64,
    threshold: 0.5,
    offsets: OFFSETS,
    steps: STEPS,
    units: [
      {
        ...unit(41, 0.8312, (i) => (insideQuotes(i) ? 0.9 : -0.2)),
        elsewhere: [{ start: yes, end: yes + 4 }],
      },
      // Every bin of the scale, from −1 to +1 and past them.
      unit(7, 0.4021, (i) => -1.1 + (2.2 * i) / (CHARACTERS.length - 1)),
      { ...unit(12, 0.1, (i) => (i % 3 === 0 ? -0.7 : 0.1)), direction: -1 },
    ],
  };
}

async function findUnitsPosted(explorer: ExplorerPage): Promise<WebviewMessage[]> {
  return (await explorer.posted()).filter((m) => m.type === 'findUnits');
}

/** Drags from the first to the last character (indices into CHARACTERS) of a span. */
async function drag(explorer: ExplorerPage, first: number, last: number): Promise<void> {
  const { page } = explorer;
  const box = async (i: number) => {
    const b = (await page.locator(`#units-text .ch[data-index="${i}"]`).boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const [from, to] = [await box(first), await box(last)];
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
}

async function openUnits(theme?: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast') {
  const explorer = await openExplorerPage(theme);
  await explorer.send({ type: 'model', model: MODEL, input: TEXT });
  await explorer.page.locator('#tab-units').click();
  return explorer;
}

/** Each character's computed colours, and the body's background. */
async function painted(explorer: ExplorerPage) {
  return explorer.page.evaluate(`(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    characters: [...document.querySelectorAll('#units-text .ch')].map((c) => ({
      background: getComputedStyle(c).backgroundColor,
      colour: getComputedStyle(c).color,
      elsewhere: c.classList.contains('fires-elsewhere'),
      inSpan: c.classList.contains('in-span'),
    })),
  }))()`) as Promise<{
    background: string;
    characters: Array<{ background: string; colour: string; elsewhere: boolean; inSpan: boolean }>;
  }>;
}

describe('unit search in the Explorer: a span of its text, the units that fire on it', () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openUnits();
  });
  after(async () => explorer?.close());

  it('shows the text the graph reads, and a drag asks for its span in UTF-16 offsets', async () => {
    const { page } = explorer;
    assert.equal(await page.locator('#units-text').innerText(), TEXT);
    const hello = CHARACTERS.indexOf('h', 4);
    await drag(explorer, hello, hello + 4);
    // The emoji before the span is one character but two UTF-16 units.
    assert.deepEqual(await findUnitsPosted(explorer), [
      {
        type: 'findUnits',
        text: TEXT,
        start: TEXT.indexOf('hello'),
        end: TEXT.indexOf('hello') + 5,
      },
    ]);
    assert.match(await page.locator('#units-span').innerText(), /characters 10–14, “hello”/);
    // A drag backwards selects the same characters.
    await drag(explorer, hello + 4, hello);
    assert.deepEqual((await findUnitsPosted(explorer)).at(-1), {
      type: 'findUnits',
      text: TEXT,
      start: TEXT.indexOf('hello'),
      end: TEXT.indexOf('hello') + 5,
    });
  });

  it('selects by keyboard: Shift+Arrow extends from the caret, Enter asks', async () => {
    const { page } = explorer;
    await page.locator('#units-text').focus();
    await page.keyboard.press('Home');
    for (let k = 0; k < CHARACTERS.indexOf('y'); k++) await page.keyboard.press('ArrowRight');
    for (let k = 0; k < 3; k++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Enter');
    const yes = TEXT.indexOf('yes');
    assert.deepEqual((await findUnitsPosted(explorer)).at(-1), {
      type: 'findUnits',
      text: TEXT,
      start: yes,
      end: yes + 3,
    });
  });

  it('lists the units in the order sent, with the scores and shares sent, the best picked', async () => {
    const { page } = explorer;
    const hello = CHARACTERS.indexOf('h', 4);
    await drag(explorer, hello, hello + 4);
    const start = TEXT.indexOf('hello');
    const sent = result(start, start + 5);
    await explorer.send({ type: 'units', result: sent });
    const rows = await page.locator('.units-list button.unit-choice').allInnerTexts();
    assert.deepEqual(
      rows.map((row) => row.split(/\s+/).slice(0, 4).join(' ')),
      ['Unit 41 score +0.83', 'Unit 7 score +0.40', 'Unit 12 score +0.10'],
    );
    assert.match(rows[0]!, /h > \+0\.5 on 92 % of the span, 8 % of the rest/);
    assert.match(rows[2]!, /h < −0\.5/);
    assert.deepEqual(
      await page
        .locator('.units-list button')
        .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-pressed'))),
      ['true', 'false', 'false'],
    );
    assert.match(
      await page.locator('.units-heading').innerText(),
      /Units of LSTM 64 \(tiny shakespeare\) for “hello” \(characters 10–14\), best first: the top 3 of 64/,
    );
  });

  it('colours every character read by the picked unit’s state, on the editor’s scale', async () => {
    const sent = result(TEXT.indexOf('hello'), TEXT.indexOf('hello') + 5);
    if (!('units' in sent)) throw new Error('unreachable');
    for (const [k, shown] of sent.units.entries()) {
      if (k > 0) await explorer.page.locator('.units-list button.unit-choice').nth(k).click();
      const { characters } = await painted(explorer);
      CHARACTERS.forEach((ch, i) => {
        const step = STEPS[i] as number;
        const { background } = characters[i]!;
        if (step < 0) {
          assert.equal(colourAlpha(background), 0, `${ch} is not read, so not coloured`);
          return;
        }
        const bin = UNIT_BINS[binOf(shown.values[step]!, { kind: 'unit', unit: shown.unit })]!;
        assert.deepEqual(parseColour(background), parseColour(bin.background), `${ch} ${i}`);
        assert.ok(Math.abs(colourAlpha(background) - colourAlpha(bin.background)) < 0.01);
      });
      assert.match(
        await explorer.page.locator('.units-key-title').innerText(),
        new RegExp(`unit ${shown.unit}'s h .* from −1 \\(red\\) to \\+1 \\(blue\\)`),
      );
    }
    await explorer.page.locator('.units-list button.unit-choice').first().click();
  });

  it('plots the state at every step where the line chart’s scale puts it, on −1…1', async () => {
    const sent = result(TEXT.indexOf('hello'), TEXT.indexOf('hello') + 5);
    if (!('units' in sent)) throw new Error('unreachable');
    await explorer.page.locator('.units-list button.unit-choice').nth(1).click();
    const chart = (await explorer.page.evaluate(`(() => {
      const svg = document.querySelector('.units-chart svg[class^="plot"]');
      const [x, y] = [svg.scale('x'), svg.scale('y')];
      return {
        points: [...svg.querySelectorAll('g[aria-label="dot"] circle')].map((c) => ({
          x: x.invert(Number(c.getAttribute('cx'))), y: y.invert(Number(c.getAttribute('cy'))),
        })),
        domain: y.domain,
        axes: [...svg.querySelectorAll('g[aria-label$="-axis label"] text')].map((t) => t.textContent),
      };
    })()`)) as { points: Array<{ x: number; y: number }>; domain: number[]; axes: string[] };
    const shown = sent.units[1]!;
    assert.equal(chart.points.length, STEP_COUNT);
    chart.points.forEach((point, step) => {
      assert.ok(Math.abs(point.y - shown.values[step]!) < 1e-9, `step ${step}`);
      assert.ok(Math.abs(point.x - ((characterOfStep[step] as number) + 1)) < 1e-9);
    });
    // ±1, widened to hold the −1.1 and +1.1 this unit reaches.
    assert.ok(Math.abs(chart.domain[0]! + 1.1) < 1e-9 && Math.abs(chart.domain[1]! - 1.1) < 1e-9);
    assert.deepEqual(chart.axes.sort(), ['character of the text →', "unit 7's h →"]);
    assert.match(
      await explorer.page.locator('.units-chart-title').innerText(),
      /^Unit 7's h after each character .* \(h > \+0\.5\)\.$/,
    );
    await explorer.page.locator('.units-list button.unit-choice').first().click();
    const best = (await explorer.page.evaluate(
      `document.querySelector('.units-chart svg[class^="plot"]').scale('y').domain`,
    )) as number[];
    assert.deepEqual(best, [-1, 1]);
  });

  it('lists and marks where else the unit fires, and the span selected', async () => {
    const { page } = explorer;
    const { characters } = await painted(explorer);
    const yes = CHARACTERS.indexOf('"', CHARACTERS.indexOf('y') - 2);
    characters.forEach((c, i) => {
      assert.equal(c.elsewhere, i >= yes && i < yes + 4, `elsewhere ${i}`);
      assert.equal(c.inSpan, i >= 9 && i < 14, `span ${i}`);
    });
    assert.match(
      await page.locator('.units-elsewhere-title').innerText(),
      /Where else unit 41 fires \(h > \+0\.5\) in this text: 1 place/,
    );
    assert.deepEqual(await page.locator('.units-elsewhere li').allInnerTexts(), [
      'characters 27–30: “"yes”',
    ]);
  });

  it('says which listed units fire nowhere in the text, tied at 0', async () => {
    const sent = result(TEXT.indexOf('hello'), TEXT.indexOf('hello') + 5);
    if (!('units' in sent)) throw new Error('unreachable');
    const silent = { ...unit(3, 0, () => 0.1), inside: 0, outside: 0 };
    await explorer.send({ type: 'units', result: { ...sent, units: [...sent.units, silent] } });
    const note = await explorer.page.locator('.units-note').innerText();
    assert.match(note, /\+1 is a unit past ±0\.5 on every character of the span and on no other/);
    assert.match(note, /Unit 3 fires nowhere in this text: ties, listed by number\./);
    assert.doesNotMatch(note, /No unit fires more often/);
    await explorer.send({ type: 'units', result: sent });
    assert.doesNotMatch(await explorer.page.locator('.units-note').innerText(), /nowhere/);
  });

  it('drops the ranking when the text changes, and ignores a late answer for the old text', async () => {
    const { page } = explorer;
    await page.locator('#name-input').fill(`${TEXT}!`);
    assert.equal(await page.locator('.units-results').isVisible(), false);
    assert.equal(await page.locator('#units-text').innerText(), `${TEXT}!`);
    await explorer.send({
      type: 'units',
      result: result(TEXT.indexOf('hello'), TEXT.indexOf('hello') + 5),
    });
    assert.equal(await page.locator('.units-results').isVisible(), false);
    const { characters } = await painted(explorer);
    assert.ok(characters.every((c) => colourAlpha(c.background) === 0));
    await page.locator('#name-input').fill(TEXT);
  });

  it('drops the ranking when another model is explored', async () => {
    const { page } = explorer;
    const hello = CHARACTERS.indexOf('h', 4);
    await drag(explorer, hello, hello + 4);
    await explorer.send({
      type: 'units',
      result: result(TEXT.indexOf('hello'), TEXT.indexOf('hello') + 5),
    });
    assert.equal(await page.locator('.units-results').isVisible(), true);
    await explorer.send({
      type: 'model',
      model: { ...MODEL, title: 'GRU 128 (names)', task: 'names' },
      input: 'Dostoevsky',
    });
    assert.equal(await page.locator('.units-results').isVisible(), false);
    assert.match(await page.locator('.units-intro').innerText(), /GRU 128 \(names\) is not one/);
  });
});

describe('unit search survives the panel being hidden and shown again', () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openUnits();
  });
  after(async () => explorer?.close());

  it('ranks the same span again after a reload and picks the same unit, not the best', async () => {
    const { page } = explorer;
    const hello = CHARACTERS.indexOf('h', 4);
    const start = TEXT.indexOf('hello');
    await drag(explorer, hello, hello + 4);
    await explorer.send({ type: 'units', result: result(start, start + 5) });
    await page.locator('.units-list button.unit-choice').nth(1).click();
    // VS Code tears a hidden webview down; shown again, it loads afresh and the host sends init.
    await page.reload();
    await explorer.send({
      type: 'init',
      view: 'units',
      model: MODEL,
      backend: 'wasm',
      input: TEXT,
    });
    assert.deepEqual((await findUnitsPosted(explorer)).at(-1), {
      type: 'findUnits',
      text: TEXT,
      start,
      end: start + 5,
    });
    assert.match(await page.locator('#units-span').innerText(), /characters 10–14, “hello”/);
    await explorer.send({ type: 'units', result: result(start, start + 5) });
    assert.deepEqual(
      await page
        .locator('.units-list button')
        .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-pressed'))),
      ['false', 'true', 'false'],
    );
    assert.match(await page.locator('.units-chart-title').innerText(), /^Unit 7's h/);
  });

  it('forgets the span once the text changes, so a reload asks for nothing', async () => {
    const { page } = explorer;
    await page.locator('#name-input').fill(`${TEXT}!`);
    await page.reload();
    await explorer.send({
      type: 'init',
      view: 'units',
      model: MODEL,
      backend: 'wasm',
      input: `${TEXT}!`,
    });
    assert.deepEqual(await findUnitsPosted(explorer), []);
    assert.equal(await page.locator('.units-results').isVisible(), false);
  });
});

for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast'] as const) {
  describe(`unit search is legible in ${theme}`, () => {
    let explorer: ExplorerPage;
    before(async () => {
      explorer = await openUnits(theme);
      const hello = CHARACTERS.indexOf('h', 4);
      await drag(explorer, hello, hello + 4);
      await explorer.send({
        type: 'units',
        result: result(TEXT.indexOf('hello'), TEXT.indexOf('hello') + 5),
      });
    });
    after(async () => explorer?.close());

    it('keeps every coloured character at 3:1 or more against its own background', async () => {
      for (const k of [0, 1]) {
        await explorer.page.locator('.units-list button.unit-choice').nth(k).click();
        const { background, characters } = await painted(explorer);
        const page = parseColour(background)!;
        for (const [i, c] of characters.entries()) {
          const under = blend(parseColour(c.background) ?? page, page, colourAlpha(c.background));
          const ratio = contrastRatio(parseColour(c.colour)!, under);
          assert.ok(ratio >= 3, `${CHARACTERS[i]}: ${ratio.toFixed(2)}:1`);
        }
      }
    });

    it('draws the line, the list and the labels at 3:1 or more', async () => {
      const colours = (await explorer.page.evaluate(`(() => {
        const bg = getComputedStyle(document.body).backgroundColor;
        const text = [...document.querySelectorAll(
          '.units-intro, .units-span, .units-note, .units-heading, .units-elsewhere-title, .units-key-title, .units-chart-title, .units-elsewhere li, .units-view .legend span'
        )].map((n) => getComputedStyle(n).color);
        const lineMark = document.querySelector('.units-chart g[aria-label="line"]');
        const line = lineMark.getAttribute('stroke') ?? lineMark.querySelector('path').getAttribute('stroke');
        const pressed = document.querySelector('.unit-choice[aria-pressed="true"]');
        const unpressed = document.querySelector('.unit-choice[aria-pressed="false"]');
        return {
          bg, text, line,
          buttons: [pressed, unpressed].map((b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]),
          looks: [pressed, unpressed].map((b) => {
            const s = getComputedStyle(b);
            return [s.backgroundColor, s.outlineStyle, s.outlineWidth].join(' ');
          }),
        };
      })()`)) as {
        bg: string;
        text: string[];
        line: string;
        buttons: string[][];
        looks: string[];
      };
      // The unit picked is told apart from the others in every theme, not by colour alone.
      assert.notEqual(colours.looks[0], colours.looks[1]);
      assert.match(colours.looks[0]!, /solid 2px/);
      const bg = parseColour(colours.bg)!;
      for (const colour of [...colours.text, colours.line]) {
        const ratio = contrastRatio(parseColour(colour)!, bg);
        assert.ok(ratio >= 3, `${colour}: ${ratio.toFixed(2)}:1`);
      }
      for (const [colour, background] of colours.buttons) {
        const under = blend(parseColour(background!) ?? bg, bg, colourAlpha(background!));
        const ratio = contrastRatio(parseColour(colour!)!, under);
        assert.ok(ratio >= 3, `button ${colour} on ${background}: ${ratio.toFixed(2)}:1`);
      }
    });
  });
}
