import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contrastRatio, parseColour } from '../../src/shared/contrast';
import { planeExtent } from '../../src/core/explore/stateSpace';
import type { StateSpacePicture } from '../../src/shared/explorerProtocol';
import { openExplorerPage, type ExplorerPage } from './page';

const LANGUAGES = ['Arabic', 'Chinese', 'Czech', 'Dutch'];

/** Four names of three languages (none Czech), each a path ending at its final state. */
const NAMES: StateSpacePicture['inputs'] = [
  { input: 'Abadi', label: 0, predicted: 0, path: [0, 0, -1.5, 0.5, -3, 1] },
  { input: 'Bai', label: 1, predicted: 1, path: [0, 0, 2, 2, 2.5, 3] },
  { input: 'Bao', label: 1, predicted: 3, path: [0, 0, 2.2, 1.8, 2.8, 2.6] },
  { input: 'Aalst', label: 3, predicted: 3, path: [0, 0, 0.5, -1, 1, -2.5] },
];

function picture(extra: Partial<StateSpacePicture> = {}): StateSpacePicture {
  const inputs = extra.inputs ?? NAMES;
  return {
    domain: planeExtent(inputs.flatMap((item) => item.path)),
    title: 'GRU 8',
    kind: 'names',
    explained: [0.4213, 0.1875],
    basis: 'PCA fitted on the final states of the 4 held-out names by the model in use.',
    labels: LANGUAGES,
    inputs,
    epochs: [],
    noEpochs:
      'This model came without its training epochs: train a run to scrub through its epochs.',
    ...extra,
  };
}

/** The final states' points as drawn, read back to data through the chart's own scales. */
interface Drawn {
  points: Array<{
    cx: number;
    cy: number;
    x: number;
    y: number;
    fill: string;
    left: number;
    top: number;
  }>;
  axes: string[];
  legend: Array<{ label: string; colour: string }>;
  background: string;
}

async function drawn(explorer: ExplorerPage): Promise<Drawn> {
  // A string, not a function: tsx would add helpers to a serialised function that the page lacks.
  return explorer.page.evaluate(`(() => {
    const svg = document.querySelector('.states-view svg[class^="plot"]');
    const [x, y] = [svg.scale('x'), svg.scale('y')];
    const box = svg.getBoundingClientRect();
    const points = [...svg.querySelectorAll('g[aria-label="dot"] circle')].map((c) => {
      const cx = Number(c.getAttribute('cx'));
      const cy = Number(c.getAttribute('cy'));
      return { cx, cy, x: x.invert(cx), y: y.invert(cy), fill: c.getAttribute('fill'), left: box.left + cx, top: box.top + cy };
    });
    const axes = [...svg.querySelectorAll('g[aria-label$="-axis label"] text')].map((t) => t.textContent);
    const legend = [...document.querySelectorAll('.states-view .legend > span')].map((s) => ({
      label: s.textContent, colour: getComputedStyle(s.querySelector('.swatch')).backgroundColor,
    }));
    return { points, axes, legend, background: getComputedStyle(document.body).backgroundColor };
  })()`);
}

for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast'] as const) {
  describe(`the State space view draws the projected states (${theme})`, () => {
    let explorer: ExplorerPage;
    before(async () => {
      explorer = await openExplorerPage(theme);
      await explorer.page.locator('#tab-states').click();
    });
    after(async () => explorer?.close());

    it('asks the host for the picture when its tab opens', async () => {
      const posted = await explorer.posted();
      assert.deepEqual(
        posted.filter((m) => m.type === 'states'),
        [{ type: 'states' }],
      );
    });

    it('puts each final state where its projection says, in its language’s colour', async () => {
      const shown = picture();
      await explorer.send({ type: 'states', picture: shown });
      const { points, axes, legend, background } = await drawn(explorer);
      assert.equal(points.length, shown.inputs.length);
      shown.inputs.forEach((item, i) => {
        const point = points[i]!;
        const [x, y] = item.path.slice(-2) as [number, number];
        assert.ok(Math.abs(point.x - x) < 1e-6 && Math.abs(point.y - y) < 1e-6, item.input);
        const entry = legend.find((l) => l.label === LANGUAGES[item.label]);
        assert.equal(parseColour(point.fill)?.join(), parseColour(entry!.colour)?.join());
      });
      // Plot's arrows say which way each axis grows (the y label is turned, so its arrow points up).
      assert.deepEqual(axes.sort(), ['PC1 (42.1% of variance) →', 'PC2 (18.8% of variance) →']);
      // Czech has no name here, so it has no legend entry; each colour is its own.
      assert.deepEqual(
        legend.map((l) => l.label),
        ['Arabic', 'Chinese', 'Dutch'],
      );
      assert.equal(new Set(legend.map((l) => l.colour)).size, 3);
      for (const { label, colour } of legend) {
        const ratio = contrastRatio(parseColour(colour)!, parseColour(background)!);
        assert.ok(ratio >= 3, `${label}: ${ratio.toFixed(2)}:1`);
      }
    });

    it('says why there is no epoch slider for a model without kept epochs', async () => {
      await explorer.send({ type: 'states', picture: picture() });
      assert.equal(await explorer.page.locator('#states-epoch').isVisible(), false);
      assert.match(
        await explorer.page.locator('.states-no-epochs').innerText(),
        /train a run to scrub through its epochs/,
      );
    });

    it('labels the slider with the epoch drawn, and asks for the epoch it is moved to', async () => {
      await explorer.send({ type: 'states', picture: picture({ epochs: [1, 2, 3], epoch: 2 }) });
      assert.equal(await explorer.page.locator('#states-epoch-label').innerText(), 'Epoch 2 of 3');
      assert.equal(await explorer.page.locator('#states-epoch').inputValue(), '1');
      assert.equal(await explorer.page.locator('.states-no-epochs').isVisible(), false);
      await explorer.page.locator('#states-epoch').fill('2');
      await explorer.page.waitForFunction(
        `window.__posted.some((m) => m.type === 'states' && m.epoch === 3)`,
      );
      // The label follows the data, not the thumb: it changes when epoch 3's picture arrives.
      assert.equal(await explorer.page.locator('#states-epoch-label').innerText(), 'Epoch 2 of 3');
      await explorer.send({ type: 'states', picture: picture({ epochs: [1, 2, 3], epoch: 3 }) });
      assert.equal(await explorer.page.locator('#states-epoch-label').innerText(), 'Epoch 3 of 3');
      // The epoch chosen is kept with setState, for the page that comes back after a hide.
      const saved = await explorer.page.evaluate(`window.__state.states`);
      assert.deepEqual(saved, { epoch: 3 });
    });

    it('keeps the axes still across epochs, and every point inside them', async () => {
      const domain = { x: [-4, 4] as [number, number], y: [-3, 3.5] as [number, number] };
      const scales = (): Promise<{ x: number[]; y: number[] }> =>
        explorer.page.evaluate(`(() => {
          const svg = document.querySelector('.states-view svg[class^="plot"]');
          return { x: svg.scale('x').domain, y: svg.scale('y').domain };
        })()`);
      await explorer.send({ type: 'states', picture: picture({ epochs: [1, 2], domain }) });
      const last = await scales();
      // Epoch 1's states lie closer together, inside the model's own extent.
      const shrunk = NAMES.map((item) => ({ ...item, path: item.path.map((v) => v / 4) }));
      await explorer.send({
        type: 'states',
        picture: picture({ epochs: [1, 2], epoch: 1, inputs: shrunk, domain }),
      });
      assert.deepEqual(await scales(), last, 'the same axes for both epochs');
      assert.ok(last.x[0]! <= -4 && last.x[1]! >= 4 && last.y[0]! <= -3 && last.y[1]! >= 3.5);
      for (const point of (await drawn(explorer)).points) {
        assert.ok(point.x >= last.x[0]! && point.x <= last.x[1]!, `x ${point.x} inside`);
        assert.ok(point.y >= last.y[0]! && point.y <= last.y[1]!, `y ${point.y} inside`);
      }
    });

    it('lists exactly the names inside a brushed region, with language and prediction', async () => {
      await explorer.send({ type: 'states', picture: picture() });
      const { points } = await drawn(explorer);
      // A box around the two Chinese names' points (Bai, Bao) and nothing else.
      const [bai, bao] = [points[1]!, points[2]!];
      const mouse = explorer.page.mouse;
      await mouse.move(Math.min(bai.left, bao.left) - 8, Math.min(bai.top, bao.top) - 8);
      await mouse.down();
      await mouse.move(Math.max(bai.left, bao.left) + 8, Math.max(bai.top, bao.top) + 8, {
        steps: 5,
      });
      await mouse.up();
      const listed = await explorer.page.locator('.states-selection li').allInnerTexts();
      assert.deepEqual(listed, [
        'Bai: Chinese, predicted Chinese',
        'Bao: Chinese, predicted Dutch',
      ]);
      assert.match(
        await explorer.page.locator('.states-selection-title').innerText(),
        /^2 names in the selected region/,
      );
    });

    it('opens a clicked point’s name in the unfolded graph', async () => {
      await explorer.send({ type: 'states', picture: picture() });
      const { points } = await drawn(explorer);
      const aalst = points[3]!;
      await explorer.page.mouse.click(aalst.left, aalst.top);
      const posted = await explorer.posted();
      assert.deepEqual(posted.at(-1), { type: 'openInput', input: 'Aalst' });
    });
  });
}

describe('the State space view draws a passage as one path, a point per step', () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openExplorerPage();
    await explorer.page.locator('#tab-states').click();
  });
  after(async () => explorer?.close());

  const passage: StateSpacePicture = {
    title: 'Text RNN 32',
    kind: 'sequence',
    explained: [0.6, 0.25],
    domain: { x: [0, 4], y: [-2, 1] },
    basis: 'PCA fitted on the states along this input by the model in use.',
    labels: [],
    inputs: [
      {
        input: 'good i am',
        label: -1,
        predicted: -1,
        path: [0, 0, 1, 0.5, 2, 1, 3, -1, 4, -2],
        symbols: ['g', 'o', 'o', 'd', '␣'],
      },
    ],
    epochs: [],
    noEpochs:
      'This model came without its training epochs: train a run to scrub through its epochs.',
  };

  it('puts every step where its projection says, with a colour bar for the step', async () => {
    await explorer.send({ type: 'states', picture: passage });
    const { points } = await drawn(explorer);
    assert.deepEqual(
      // `+ 0` makes the -0 a scale's inversion can give equal 0.
      points.map((p) => [Number(p.x.toFixed(6)) + 0, Number(p.y.toFixed(6)) + 0]),
      [
        [0, 0],
        [1, 0.5],
        [2, 1],
        [3, -1],
        [4, -2],
      ],
    );
    // Steps are told apart by a sequential scale, so the first and last differ.
    assert.notEqual(points[0]!.fill, points[4]!.fill);
    assert.match(await explorer.page.locator('.states-key').innerText(), /step along the input/);
  });

  it('lists the steps in a brushed region by their symbols', async () => {
    await explorer.send({ type: 'states', picture: passage });
    const { points } = await drawn(explorer);
    const [from, to] = [points[1]!, points[2]!];
    const mouse = explorer.page.mouse;
    await mouse.move(from.left - 6, to.top - 6);
    await mouse.down();
    await mouse.move(to.left + 6, from.top + 6, { steps: 5 });
    await mouse.up();
    assert.deepEqual(await explorer.page.locator('.states-selection li').allInnerTexts(), [
      'step 2: o',
      'step 3: o',
    ]);
  });
});
