import type { EpochFigures } from '../core/tasks/jobs';

/** "held-out accuracy 80.1%", "held-out bits per character 2.12", "test RMSE 46.8". */
export function formatHeadline(headline: EpochFigures['headline']): string {
  const { name, value, unit } = headline;
  if (unit === '%') return `${name} ${(100 * value).toFixed(1)}%`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${name} ${value.toFixed(digits)}${unit && unit !== 'bits' ? ` ${unit}` : ''}`;
}

/**
 * A signed contribution: `significant` digits, a true minus sign and a + on the positive side,
 * so a reader sees which way it pushed ("+0.42", "−1.3", "0").
 */
export function formatSigned(value: number, significant = 2): string {
  if (value === 0 || !Number.isFinite(value)) return String(value === 0 ? 0 : value);
  const text = String(Number(Math.abs(value).toPrecision(significant)));
  return `${value < 0 ? '−' : '+'}${text}`;
}
