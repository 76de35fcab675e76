// Deterministic choices, so every run measures the same queries in the same order.

// The fake ITFlow's generator and the bench draw from the same mulberry32.
export { createRandom } from "../test/fakes/itflow/generate.js";

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** `count` items drawn from `pool` in a shuffled cycle: every item is used before any repeats. */
export function cycle<T>(pool: readonly T[], count: number, random: () => number): T[] {
  if (pool.length === 0) return [];
  const out: T[] = [];
  while (out.length < count) out.push(...shuffled(pool, random).slice(0, count - out.length));
  return out;
}

/** Every `step`-th item of `items`, starting at `offset`. */
export function everyNth<T>(items: readonly T[], step: number, offset = 0): T[] {
  const out: T[] = [];
  for (let i = offset; i < items.length; i += step) out.push(items[i] as T);
  return out;
}
