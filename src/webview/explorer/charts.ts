import * as Plot from '@observablehq/plot';
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

export function seriesColors(): string[] {
  return [
    themeColor('--vscode-charts-blue', '#3794ff'),
    themeColor('--vscode-charts-orange', '#d18616'),
    themeColor('--vscode-charts-green', '#89d185'),
    themeColor('--vscode-charts-red', '#f14c4c'),
    themeColor('--vscode-charts-purple', '#b180d7'),
  ];
}

export { Plot };
