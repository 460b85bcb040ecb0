import * as Plot from '@observablehq/plot';
import { blend, faintOpacity, parseColour, toHex, withContrast } from '../../shared/contrast';
import { themeColor } from './dom';

/**
 * Observable Plot draws every chart (scales, axes, legends). Its one inline <style> element
 * would be blocked by the webview's CSP, so it is dropped: media/explorer.css carries the same
 * rules.
 */
export function renderPlot(
  container: HTMLElement,
  options: Plot.PlotOptions,
): SVGSVGElement | HTMLElement {
  const foreground = themeColor('--vscode-foreground', '#ccc');
  const chart = Plot.plot({
    style: { background: 'transparent', color: foreground, fontSize: '11px' },
    ...options,
  });
  chart.querySelectorAll('style').forEach((style) => style.remove());
  container.replaceChildren(chart);
  return chart;
}

/** Charts are drawn while their tab may be hidden, so size them from the window. */
export function chartWidth(columns: number): number {
  return Math.max(320, Math.floor((window.innerWidth - 60) / columns) - 12);
}

/** A legend of our own: Plot's HTML legend depends on the stylesheet the CSP blocks. */
export function legend(entries: Array<[string, string]>): HTMLElement {
  const list = document.createElement('div');
  list.className = 'legend';
  for (const [label, color] of entries) {
    const item = document.createElement('span');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = color;
    item.append(swatch, label);
    list.append(item);
  }
  return list;
}

/** The page's background colour as rendered (the theme's editor or sidebar background). */
export function backgroundColor(): string {
  const computed = getComputedStyle(document.body).backgroundColor;
  return computed && !/^rgba\(0, 0, 0, 0\)$|^transparent$/.test(computed)
    ? computed
    : themeColor('--vscode-editor-background', '#1f1f1f');
}

/**
 * The theme's chart colours, each nudged (only if needed) to keep 3:1 contrast with the
 * background: Light+'s charts.orange is 2.9:1 on white, and a theme may pick darker ones.
 */
export function seriesColors(): string[] {
  const background = backgroundColor();
  return [
    themeColor('--vscode-charts-blue', '#3794ff'),
    themeColor('--vscode-charts-orange', '#d18616'),
    themeColor('--vscode-charts-green', '#89d185'),
    themeColor('--vscode-charts-red', '#f14c4c'),
    themeColor('--vscode-charts-purple', '#b180d7'),
  ].map((c) => withContrast(c, background, 3));
}

/**
 * A faint version of a series colour for raw data under a smoothed line: the lowest opacity
 * that still keeps 3:1 against the background, and the colour that opacity renders as.
 */
export function faintStroke(color: string): { color: string; opacity: number } {
  const background = backgroundColor();
  const opacity = faintOpacity(color, background, 3);
  const c = parseColour(color);
  const bg = parseColour(background);
  return { color: c && bg ? toHex(blend(c, bg, opacity)) : color, opacity };
}

export { Plot };
