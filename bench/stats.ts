// Summaries of latency samples. p99 is nearest-rank: the smallest sample at or above which 99% of
// the samples lie, so with 1,000 samples it is the 10th-slowest — a real observed value, never an
// interpolation between two.

export interface Summary {
  n: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank quantile of already sorted values; q in (0, 1]. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** The middle value (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = sortedCopy(values);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  return n % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

export function p99(values: readonly number[]): number {
  return quantileSorted(sortedCopy(values), 0.99);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = sortedCopy(values);
  return {
    n: sorted.length,
    median: median(sorted),
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}
