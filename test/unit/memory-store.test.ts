import { afterEach, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store.js";

describe("MemoryStore", () => {
  const store = new MemoryStore(60_000);
  afterEach(() => store.close());

  it("claims once until the claim expires or is released", async () => {
    expect(await store.claim("k", 50)).toBe(true);
    expect(await store.claim("k", 50)).toBe(false);
    await store.release("k");
    expect(await store.claim("k", 20)).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(await store.claim("k", 20)).toBe(true);
  });

  it("counts events in a sliding window, refusing past the limit, and forgets them", async () => {
    const t = 1_000_000;
    expect(await store.hit("w", "a", t, 1000, 2)).toEqual({ taken: true, count: 1, oldestAt: t });
    expect(await store.hit("w", "b", t + 10, 1000, 2)).toEqual({ taken: true, count: 2, oldestAt: t });
    expect(await store.hit("w", "c", t + 20, 1000, 2)).toEqual({ taken: false, count: 2, oldestAt: t });
    await store.unhit("w", "b");
    expect((await store.hit("w", "d", t + 30, 1000, 2)).taken).toBe(true);
    // "a" leaves the window 1000 ms after it happened.
    expect(await store.hit("w", "e", t + 1000, 1000, 2)).toEqual({ taken: true, count: 2, oldestAt: t + 30 });
    await store.clearHits("w");
    expect((await store.hit("w", "f", t + 1001, 1000, 2)).count).toBe(1);
    store.sweep(t + 5000);
    expect(store.size).toBe(0);
  });

  it("keeps namespaces apart and sweeps expired entries that nobody reads again", async () => {
    const forms = store.namespace("forms");
    await forms.set("a", { step: 1 }, 20);
    await forms.set("b", { step: 2 }, 60_000);
    await store.namespace("lookup").set("a", [1], 60_000);
    expect(await store.namespace("lookup").get("a")).toEqual([1]);
    expect(store.size).toBe(3);
    await new Promise((r) => setTimeout(r, 30));
    store.sweep(Date.now());
    expect(store.size).toBe(2);
    expect(await forms.get("b")).toEqual({ step: 2 });
  });
});
