/**
 * The items of a pick with a default, without VS Code: which rows there are and which one is
 * highlighted, so that Enter takes the default.
 */
export interface ChoiceItem<T> {
  label: string;
  description?: string;
  value: T;
}

export interface Choices<T> {
  items: ChoiceItem<T>[];
  /** The row highlighted when the pick opens: the default's. */
  active: ChoiceItem<T>;
}

/**
 * Number choices with the default among them, marked and highlighted. A default from settings
 * that is not one of the offered values is added in order, so the pick never changes it.
 */
export function numberChoices(
  offered: readonly number[],
  current: number,
  format: (value: number) => string = String,
): Choices<number> {
  const values = [...new Set([...offered, current])].sort((a, b) => a - b);
  return markDefault(
    values.map((value) => ({ label: format(value), value })),
    current,
  );
}

/** Marks the item whose value is `current` as the default and makes it the active row. */
export function markDefault<T>(items: ChoiceItem<T>[], current: T): Choices<T> {
  const active = items.find((item) => item.value === current);
  if (!active) throw new Error(`No choice has the default ${String(current)}`);
  const marked = items.map((item) =>
    item === active
      ? { ...item, description: item.description ? `${item.description} (default)` : 'default' }
      : item,
  );
  return { items: marked, active: marked[items.indexOf(active)] as ChoiceItem<T> };
}
