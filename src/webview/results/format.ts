/** Number and date formatting shared by the Results views. */

/** About three significant digits, whole numbers kept whole: 3,011 · 45.7 · 2.35 · 0.0345. */
export function formatNumber(value: number, minimumDigits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)));
  const fraction = Math.min(8, Math.max(0, minimumDigits - 1 - magnitude));
  return value.toLocaleString(undefined, { maximumFractionDigits: fraction });
}

export function formatPercent(fraction: number, digits = 1): string {
  return (
    (100 * fraction).toLocaleString(undefined, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }) + '%'
  );
}

const DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/**
 * The time axis of a series: dates when every label looks like YYYY-MM or YYYY-MM-DD, else the
 * index. `at(i)` extends past the last label (for the forecast beyond the data).
 */
export interface TimeAxis {
  kind: 'index' | 'date';
  at(index: number): number | Date;
  /** The label shown for an index: the original text, or the index. */
  label(index: number): string;
}

export function timeAxis(times: readonly string[] | undefined, length: number): TimeAxis {
  const index: TimeAxis = { kind: 'index', at: (i) => i, label: (i) => String(i) };
  if (!times || times.length !== length || length < 2) return index;
  const dates: Date[] = [];
  let monthly = true;
  for (const text of times) {
    const m = DATE.exec(text.trim());
    if (!m) return index;
    const [year, month, day] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
    if (month < 1 || month > 12 || day < 1 || day > 31) return index;
    if (m[3] !== undefined && day !== Number(DATE.exec(times[0]!.trim())?.[3])) monthly = false;
    dates.push(new Date(Date.UTC(year, month - 1, day)));
  }
  const last = dates[length - 1] as Date;
  const before = dates[length - 2] as Date;
  const stepMonths =
    (last.getUTCFullYear() - before.getUTCFullYear()) * 12 +
    last.getUTCMonth() -
    before.getUTCMonth();
  const stepMs = last.getTime() - before.getTime();
  const useMonths = monthly && stepMonths >= 1;
  const at = (i: number): Date => {
    if (i >= 0 && i < length) return dates[i] as Date;
    const ahead = i - (length - 1);
    if (useMonths)
      return new Date(
        Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + ahead * stepMonths, last.getUTCDate()),
      );
    return new Date(last.getTime() + ahead * stepMs);
  };
  const daily = times[0]!.trim().length > 7;
  const label = (i: number): string => {
    if (i >= 0 && i < length) return (times[i] as string).trim();
    const iso = at(i).toISOString();
    return daily ? iso.slice(0, 10) : iso.slice(0, 7);
  };
  return { kind: 'date', at, label };
}
