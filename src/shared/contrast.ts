/**
 * WCAG 2 contrast of two colours, and a colour nudged until it reaches a contrast: charts use
 * it so a theme's series colour stays legible on that theme's background (≥ 3:1 for lines and
 * large text, WCAG 1.4.11), and the webview tests use it to check what a page renders.
 */
export type Rgb = [number, number, number];

/** Parses #rgb, #rrggbb, #rrggbbaa, rgb() and rgba(); alpha is dropped. Undefined if unreadable. */
export function parseColour(text: string): Rgb | undefined {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s)?.[1];
  if (hex) {
    const full =
      hex.length === 3 || hex.length === 4
        ? [...hex.slice(0, 3)].map((c) => c + c).join('')
        : hex.slice(0, 6);
    if (full.length !== 6) return undefined;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(s)?.[1];
  if (rgb) {
    const parts = rgb
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    if (parts.length >= 3 && parts.slice(0, 3).every((v) => Number.isFinite(v)))
      return [parts[0], parts[1], parts[2]] as Rgb;
  }
  return undefined;
}

/** The alpha of an rgba() or #rrggbbaa colour, 1 otherwise. */
export function colourAlpha(text: string): number {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{8}|[0-9a-f]{4})$/.exec(s)?.[1];
  if (hex) return parseInt(hex.length === 8 ? hex.slice(6) : hex[3]! + hex[3]!, 16) / 255;
  const parts = /^rgba\(([^)]+)\)$/
    .exec(s)?.[1]
    ?.split(/[\s,/]+/)
    .filter(Boolean);
  const alpha = parts?.[3];
  if (alpha === undefined) return 1;
  return alpha.endsWith('%') ? parseFloat(alpha) / 100 : Number(alpha);
}

/** WCAG relative luminance of an sRGB colour. */
export function relativeLuminance([r, g, b]: Rgb): number {
  const linear = (c: number): number => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG contrast ratio, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}

/** `top` drawn with `alpha` over `bottom`. */
export function blend(top: Rgb, bottom: Rgb, alpha: number): Rgb {
  return top.map((c, i) => Math.round(alpha * c + (1 - alpha) * (bottom[i] as number))) as Rgb;
}

export function toHex(rgb: Rgb): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.max(0, Math.min(255, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * `colour` (opaque), or the nearest colour towards black or white (whichever the background is further
 * from) that has at least `minimum` contrast against `background`. Unreadable input is returned
 * as it is.
 */
export function withContrast(colour: string, background: string, minimum = 3): string {
  const c = parseColour(colour);
  const bg = parseColour(background);
  if (!c || !bg) return colour;
  // A translucent theme colour is drawn opaque: Dark Modern's charts.orange is
  // rgba(234, 92, 0, 0.33), which renders dark brown (1.6:1) on the editor background.
  if (contrastRatio(c, bg) >= minimum) return colourAlpha(colour) < 1 ? toHex(c) : colour;
  const target: Rgb = relativeLuminance(bg) > 0.18 ? [0, 0, 0] : [255, 255, 255];
  for (let t = 0.05; t <= 1.0001; t += 0.05) {
    const mixed = blend(target, c, t);
    if (contrastRatio(mixed, bg) >= minimum) return toHex(mixed);
  }
  return toHex(target);
}

/**
 * The lowest opacity (of 0.35 to 1) at which `colour` drawn over `background` still has
 * `minimum` contrast: a faint line that stays visible.
 */
export function faintOpacity(colour: string, background: string, minimum = 3): number {
  const c = parseColour(colour);
  const bg = parseColour(background);
  if (!c || !bg) return 1;
  for (let alpha = 0.35; alpha < 1; alpha += 0.05) {
    if (contrastRatio(blend(c, bg, alpha), bg) >= minimum) return Number(alpha.toFixed(2));
  }
  return 1;
}
