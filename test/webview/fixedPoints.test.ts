import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Complex } from '../../src/core/explore/eigenvalues';
import type { FoundPoint } from '../../src/core/explore/fixedPoints';
import { contrastRatio, parseColour } from '../../src/shared/contrast';
import type { FixedPointsResult, StateSpacePicture } from '../../src/shared/explorerProtocol';
import { openExplorerPage, type ExplorerPage } from './page';

const modulus = (z: Complex): number => Math.hypot(z.re, z.im);

function point(kind: FoundPoint['kind'], residual: number, eigenvalues: Complex[]): FoundPoint {
  return {
    kind,
    state: [0.1, -0.2, 0.3, 0.05],
    residual,
    eigenvalues,
    unstable: eigenvalues.filter((z) => modulus(z) > 1).length,
  };
}

const FIXED = [
  { re: 1.2, im: 0 },
  { re: 0.3, im: 0.4 },
  { re: 0.3, im: -0.4 },
  { re: -0.9, im: 0 },
];
const SLOW = [
  { re: 0.95, im: 0.5 },
  { re: 0.95, im: -0.5 },
  { re: -1.1, im: 0 },
  { re: 0.1, im: 0 },
];
const RESULT: FixedPointsResult = {
  title: 'GRU 4 (test)',
  input: { kind: 'symbol', symbol: 'a' },
  dimension: 4,
  starts: 8,
  millis: 1234,
  points: [point('fixed', 3e-12, FIXED), point('slow', 2e-3, SLOW)],
  tolerance: { fixed: 1e-6, slow: 1e-2 },
  blocks: ['W_hr', 'W_hz', 'W_hn'].map((block, k) => ({
    block,
    eigenvalues: [
      { re: 0.5 + k, im: 0 },
      { re: 0.2, im: 0.6 },
      { re: 0.2, im: -0.6 },
      { re: -0.4, im: 0 },
    ],
  })),
};

interface Drawn {
  marks: Array<{ kind: string; cx: number; cy: number }>;
  xTicks: Array<{ value: number; at: number }>;
  yTicks: Array<{ value: number; at: number }>;
  circle: { width: number; height: number; cx: number; cy: number };
}

/**
 * What one plane drew: its dots, its axes' tick labels (value and pixel) and the circle's box.
 * A string, not a function: tsx would add helpers to a serialised function that the page lacks.
 */
const DRAWN = `(selector) => {
  const svg = document.querySelector(selector + ' svg');
  const number = (text) => Number((text || '').replace('−', '-'));
  const ticks = (axis, coordinate) =>
    Array.from(svg.querySelectorAll('[aria-label="' + axis + '-axis tick label"] text')).map((t) => {
      const xy = (t.getAttribute('transform') || '').replace(/translate\\(|\\)/g, '').split(',').map(Number);
      return { value: number(t.textContent), at: xy[coordinate] };
    });
  const marks = ['eig-stable', 'eig-unstable'].flatMap((kind) =>
    Array.from(svg.querySelectorAll('.' + kind + ' circle')).map((c) => ({
      kind,
      cx: Number(c.getAttribute('cx')),
      cy: Number(c.getAttribute('cy')),
    })),
  );
  const box = svg.querySelector('.unit-circle path').getBBox();
  return {
    marks,
    xTicks: ticks('x', 0),
    yTicks: ticks('y', 1),
    circle: { width: box.width, height: box.height, cx: box.x + box.width / 2, cy: box.y + box.height / 2 },
  };
}`;

async function drawn(explorer: ExplorerPage, plane: string): Promise<Drawn> {
  return explorer.page.evaluate(`(${DRAWN})(${JSON.stringify(plane)})`) as Promise<Drawn>;
}

/** The linear scale the axis draws: pixels = at0 + perUnit * (value − value0). */
function scaleOf(ticks: Array<{ value: number; at: number }>) {
  const first = ticks[0]!;
  const last = ticks[ticks.length - 1]!;
  const perUnit = (last.at - first.at) / (last.value - first.value);
  return { perUnit, invert: (px: number) => first.value + (px - first.at) / perUnit };
}

/** Every expected eigenvalue read back from a mark of the right kind, and no other marks. */
function assertReadBack(plane: Drawn, expected: Complex[]): void {
  const x = scaleOf(plane.xTicks);
  const y = scaleOf(plane.yTicks);
  const read = plane.marks.map((m) => ({ kind: m.kind, re: x.invert(m.cx), im: y.invert(m.cy) }));
  assert.equal(read.length, expected.length);
  for (const z of expected) {
    const kind = modulus(z) > 1 ? 'eig-unstable' : 'eig-stable';
    const match = read.find(
      (r) => r.kind === kind && Math.abs(r.re - z.re) < 1e-3 && Math.abs(r.im - z.im) < 1e-3,
    );
    assert.ok(match, `no ${kind} mark at ${z.re} + ${z.im}i`);
  }
}

/** A State space picture of two names, on which the points are drawn. */
const PICTURE: StateSpacePicture = {
  title: 'GRU 4 (test)',
  kind: 'names',
  explained: [0.5, 0.2],
  domain: { x: [-2, 2], y: [-1, 1] },
  basis: 'PCA fitted on 2 names.',
  labels: ['Arabic', 'Czech'],
  inputs: [
    { input: 'Abadi', label: 0, predicted: 0, path: [0, 0, -2, 1] },
    { input: 'Adamek', label: 1, predicted: 1, path: [0, 0, 2, -1] },
  ],
  epochs: [],
};
/** Where the host put the fixed point and the slow point on the picture's basis. */
const PROJECTED = [1.5, 0.75, -0.5, -1.25];

describe('fixed points in headless Chromium', { timeout: 120_000 }, () => {
  let explorer: ExplorerPage;
  before(async () => {
    explorer = await openExplorerPage();
    await explorer.page.locator('#tab-states').click();
    await explorer.send({ type: 'fixedPoints', result: RESULT });
  });
  after(async () => explorer?.close());

  it("draws the chosen point's eigenvalues and W_hn's where they are, by the axes' own scales", async () => {
    assertReadBack(await drawn(explorer, '.fp-point-plane'), FIXED);
    assert.equal(await explorer.page.locator('#fp-block').inputValue(), '2', 'W_hn first');
    assertReadBack(await drawn(explorer, '.fp-block-plane'), RESULT.blocks[2]!.eigenvalues);
  });

  it('draws the unit circle round, of radius 1 on both scales, centred on 0, and the same in both planes', async () => {
    const planes = [
      await drawn(explorer, '.fp-point-plane'),
      await drawn(explorer, '.fp-block-plane'),
    ];
    for (const plane of planes) {
      const x = scaleOf(plane.xTicks);
      const y = scaleOf(plane.yTicks);
      assert.ok(Math.abs(plane.circle.width - plane.circle.height) < 0.5, 'as wide as high');
      assert.ok(Math.abs(plane.circle.width / 2 - x.perUnit) < 0.5, 'radius 1 on x');
      assert.ok(Math.abs(plane.circle.height / 2 + y.perUnit) < 0.5, 'radius 1 on y (y grows up)');
      assert.ok(
        Math.abs(x.invert(plane.circle.cx)) < 1e-2 && Math.abs(y.invert(plane.circle.cy)) < 1e-2,
      );
    }
    assert.deepEqual(planes[0]!.xTicks, planes[1]!.xTicks);
    assert.deepEqual(planes[0]!.yTicks, planes[1]!.yTicks);
    const label = await explorer.page.locator('.fp-point-plane .unit-circle-label').textContent();
    assert.match(label ?? '', /\|λ\| = 1/);
  });

  it('has a legend entry for each kind of mark, and lists fixed points apart from slow ones', async () => {
    const legend = (await explorer.page.locator('.fixed-points .legend').textContent()) ?? '';
    for (const entry of [/stable: \|λ\| ≤ 1/, /unstable: \|λ\| > 1/, /unit circle/])
      assert.match(legend, entry);
    assert.match((await explorer.page.locator('.fp-fixed h4').textContent()) ?? '', /< 1e-6/);
    assert.match((await explorer.page.locator('.fp-slow h4').textContent()) ?? '', /< 1e-2/);
    const fixed = await explorer.page.locator('.fp-fixed .fp-point').allTextContents();
    const slow = await explorer.page.locator('.fp-slow .fp-point').allTextContents();
    assert.deepEqual(fixed.length, 1);
    assert.match(fixed[0]!, /3\.0e-12/);
    assert.deepEqual(slow.length, 1);
    assert.match(slow[0]!, /2\.0e-3/);
  });

  it("says in words how many directions grow, the data's own count, for each chosen point", async () => {
    const { page } = explorer;
    const count = (values: Complex[]) => values.filter((z) => modulus(z) > 1).length;
    assert.match(
      (await page.locator('.fp-caption').textContent()) ?? '',
      new RegExp(`${count(FIXED)} of ${FIXED.length} directions grows?: \\|λ\\| > 1`),
    );
    await page.locator('.fp-slow .fp-point').click();
    assert.match(
      (await page.locator('.fp-caption').textContent()) ?? '',
      new RegExp(`${count(SLOW)} of ${SLOW.length} directions grow: \\|λ\\| > 1`),
    );
    assertReadBack(await drawn(explorer, '.fp-point-plane'), SLOW);
    assert.match(
      (await page.locator('.fp-block-caption').textContent()) ?? '',
      /ρ\(W_hn\) = 2\.50/,
    );
  });

  it('asks for the symbol typed, or for zero input when none is', async () => {
    const { page } = explorer;
    await page.locator('#fp-symbol').fill('k');
    await page.locator('#fp-find').click();
    await page.locator('#fp-symbol').fill('');
    await page.locator('#fp-find').click();
    const asked = (await explorer.posted()).filter((m) => m.type === 'fixedPoints');
    assert.deepEqual(asked, [
      { type: 'fixedPoints', input: { kind: 'symbol', symbol: 'k' } },
      { type: 'fixedPoints', input: { kind: 'zero' } },
    ]);
  });

  it("draws the fixed point as a star and the slow one as a triangle at their places on the State space view's basis", async () => {
    const { page } = explorer;
    await explorer.send({ type: 'states', picture: PICTURE });
    await explorer.send({ type: 'fixedPoints', result: { ...RESULT, projected: PROJECTED } });
    const marks = (await page.evaluate(`(() => {
      const svg = document.querySelector('.states-view svg[class^="plot"]');
      const [x, y] = [svg.scale('x'), svg.scale('y')];
      return ['states-fixed-point', 'states-slow-point'].map((kind) =>
        [...svg.querySelectorAll('.' + kind + ' path')].map((p) => {
          const [px, py] = (p.getAttribute('transform') || '').replace(/translate\\(|\\)/g, '').split(',').map(Number);
          return { x: x.invert(px), y: y.invert(py) };
        }),
      );
    })()`)) as Array<Array<{ x: number; y: number }>>;
    const [fixed, slow] = marks as [
      Array<{ x: number; y: number }>,
      Array<{ x: number; y: number }>,
    ];
    assert.equal(fixed.length, 1);
    assert.equal(slow.length, 1);
    assert.ok(Math.abs(fixed[0]!.x - 1.5) < 1e-6 && Math.abs(fixed[0]!.y - 0.75) < 1e-6);
    assert.ok(Math.abs(slow[0]!.x + 0.5) < 1e-6 && Math.abs(slow[0]!.y + 1.25) < 1e-6);
    const key = (await page.locator('.states-view .states-key').textContent()) ?? '';
    assert.match(key, /fixed point of the model in use \(star\)/);
    assert.match(key, /slow point \(triangle\)/);
    // The eigenvalue panel sits beside the projection, in the same view.
    assert.equal(await page.locator('.states-view .fixed-points .fp-point-plane svg').count(), 1);
  });

  it('forgets the points when another model is explored', async () => {
    const { page } = explorer;
    await explorer.send({ type: 'states', picture: PICTURE });
    await explorer.send({ type: 'fixedPoints', result: { ...RESULT, projected: PROJECTED } });
    assert.equal(await page.locator('.states-fixed-point path').count(), 1);
    await explorer.send({
      type: 'model',
      model: {
        title: 'LSTM 8',
        cell: 'lstm',
        hiddenSize: 8,
        numLayers: 1,
        labels: ['x'],
        task: 'names',
        hint: 'a name',
        subjects: [],
      },
      input: 'Kim',
    });
    await explorer.send({ type: 'states', picture: PICTURE });
    assert.equal(await page.locator('.states-fixed-point path').count(), 0);
    assert.equal(await page.locator('.fixed-points .fp-point').count(), 0);
    assert.equal(await page.locator('.fp-point-plane svg').count(), 0);
    // No empty block selector or planes wait under the button before a search.
    assert.equal(await page.locator('.fixed-points .fp-planes').isVisible(), false);
    await explorer.send({ type: 'fixedPoints', result: RESULT });
    assert.equal(await page.locator('.fixed-points .fp-planes').isVisible(), true);
  });

  for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast'] as const) {
    it(`keeps every mark at 3:1 or more against the background (${theme})`, async () => {
      const themed = await openExplorerPage(theme);
      try {
        await themed.page.locator('#tab-states').click();
        await themed.send({ type: 'fixedPoints', result: RESULT });
        const colours = await themed.page.evaluate(() => {
          const svg = document.querySelector('.fp-point-plane svg') as SVGSVGElement;
          return {
            background: getComputedStyle(document.body).backgroundColor,
            stable: svg.querySelector('.eig-stable')?.getAttribute('stroke') ?? '',
            unstable: svg.querySelector('.eig-unstable')?.getAttribute('fill') ?? '',
            circle: svg.querySelector('.unit-circle')?.getAttribute('stroke') ?? '',
          };
        });
        const background = parseColour(colours.background)!;
        for (const name of ['stable', 'unstable', 'circle'] as const) {
          const ratio = contrastRatio(parseColour(colours[name])!, background);
          assert.ok(ratio >= 3, `${name} ${colours[name]} is ${ratio.toFixed(2)}:1`);
        }
      } finally {
        await themed.close();
      }
    });
  }
});
