/** Index access that fails loudly, for arrays whose length the code already guarantees. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined)
    throw new RangeError(`Index ${index} out of range 0..${items.length - 1}`);
  return item;
}
