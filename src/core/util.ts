/** Index access that fails loudly, for arrays whose length the code already guarantees. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined)
    throw new RangeError(`Index ${index} out of range 0..${items.length - 1}`);
  return item;
}

/** Consecutive slices of at most `size` items. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}
