// Deterministic choices, so every run measures the same queries in the same order.

/** mulberry32. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
