/**
 * Keeps at most `max` points of a stream of unknown length, evenly spaced over all of it: every
 * `stride`-th point is kept, and when the points outgrow `max`, every other one is dropped and the
 * stride doubles. (Only halving, without the stride, keeps the latest part of a run denser than
 * the start.)
 */
export class CurveSampler<T> {
  private kept: T[] = [];
  private stride = 1;
  private seen = 0;
  private halvings = 0;

  constructor(private readonly max: number) {}

  add(point: T): void {
    if (this.seen++ % this.stride === 0) this.kept.push(point);
    if (this.kept.length > this.max) {
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
      this.halvings += 1;
    }
  }

  /** Changes whenever points already handed out were dropped: a copy must then start over. */
  get generation(): number {
    return this.halvings;
  }

  get points(): T[] {
    return this.kept;
  }
}
