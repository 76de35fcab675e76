// Timing helpers: performance.now() around each awaited call, one call at a time.
import { type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";

export interface Timed<R> {
  ms: number;
  value: R;
}

export async function timed<R>(fn: () => Promise<R>): Promise<Timed<R>> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Runs `fn` over `items` sequentially and returns each call's duration in ms. */
export async function timeEach<T>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<unknown>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const started = performance.now();
    await fn(items[i] as T, i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Runs `fn` over `items` without timing it (JIT warm-up, connection pool warm-up). */
export async function warmUp<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (const item of items) await fn(item);
}

/** A full garbage collection when the process runs with --expose-gc; returns whether it ran. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") return false;
  gc();
  return true;
}

export interface GcStats {
  pauses: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Starts recording garbage-collection pauses; the returned function stops and summarises the ones
 * that began in between. GC entries are delivered asynchronously, so stopping waits a moment.
 */
export function observeGc(): () => Promise<GcStats> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    entries.push(...list.getEntries());
  });
  observer.observe({ entryTypes: ["gc"] });
  const from = performance.now();
  return async () => {
    const to = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    const inside = entries.filter((e) => e.startTime >= from && e.startTime <= to);
    return {
      pauses: inside.length,
      totalMs: inside.reduce((sum, e) => sum + e.duration, 0),
      maxMs: inside.reduce((max, e) => Math.max(max, e.duration), 0),
    };
  };
}
