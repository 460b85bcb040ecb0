import type { Complex } from '../../core/explore/eigenvalues';
import { Plot, renderPlot } from './charts';
import { themeColor } from './dom';

/** Stable and unstable eigenvalues' colours, and the side of the square plot in pixels. */
export interface PlaneStyle {
  stable: string;
  unstable: string;
  side: number;
}

/** Equal margins on all four sides, so a square plot has a square inner area. */
const MARGIN = 36;
const CIRCLE_POINTS = 181;

export const isUnstable = (z: Complex): boolean => Math.hypot(z.re, z.im) > 1;

/** The half-width of a square domain that holds the unit circle and every eigenvalue. */
export function planeExtent(...sets: Complex[][]): number {
  let largest = 1;
  for (const set of sets)
    for (const z of set) largest = Math.max(largest, Math.abs(z.re), Math.abs(z.im));
  return Math.ceil(largest * 11) / 10;
}

/**
 * Eigenvalues on the complex plane with the unit circle, drawn and labelled. The plot is square
 * with equal margins and one domain [−extent, extent] on both axes, so a unit is as many pixels
 * across as up and the circle looks round. Two planes with the same extent share their scales.
 */
export function drawPlane(
  container: HTMLElement,
  values: Complex[],
  extent: number,
  style: PlaneStyle,
  label: string,
): void {
  const foreground = themeColor('--vscode-foreground', '#ccc');
  const circle = Array.from({ length: CIRCLE_POINTS }, (_, k) => {
    const angle = (2 * Math.PI * k) / (CIRCLE_POINTS - 1);
    return { re: Math.cos(angle), im: Math.sin(angle) };
  });
  const title = (z: Complex): string =>
    `${z.re.toPrecision(4)} ${z.im < 0 ? '−' : '+'} ${Math.abs(z.im).toPrecision(4)}i, |λ| = ${Math.hypot(z.re, z.im).toPrecision(4)}`;
  const chart = renderPlot(container, {
    width: style.side,
    height: style.side,
    marginTop: MARGIN,
    marginRight: MARGIN,
    marginBottom: MARGIN,
    marginLeft: MARGIN,
    x: { domain: [-extent, extent], label: 'Re λ', ticks: 5 },
    y: { domain: [-extent, extent], label: 'Im λ', ticks: 5 },
    marks: [
      Plot.ruleX([0], { stroke: foreground, strokeOpacity: 0.3 }),
      Plot.ruleY([0], { stroke: foreground, strokeOpacity: 0.3 }),
      Plot.line(circle, { x: 're', y: 'im', stroke: foreground, className: 'unit-circle' }),
      Plot.text([{ re: Math.SQRT1_2, im: Math.SQRT1_2 }], {
        x: 're',
        y: 'im',
        text: () => '|λ| = 1',
        dx: 4,
        dy: -4,
        textAnchor: 'start',
        fill: foreground,
        className: 'unit-circle-label',
      }),
      Plot.dot(
        values.filter((z) => !isUnstable(z)),
        {
          x: 're',
          y: 'im',
          r: 3.5,
          stroke: style.stable,
          strokeWidth: 1.5,
          title,
          className: 'eig-stable',
        },
      ),
      Plot.dot(values.filter(isUnstable), {
        x: 're',
        y: 'im',
        r: 4,
        fill: style.unstable,
        title,
        className: 'eig-unstable',
      }),
    ],
  });
  chart.setAttribute('aria-label', label);
}
