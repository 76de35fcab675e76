// Read-only lookup tables packed into typed arrays, for the parts of the contact index that hold
// one entry per key per contact. A Map of small arrays costs ~100 bytes per entry and gives the
// garbage collector an object to trace for each; these cost 4–8 bytes per entry and one object in
// all, which is what keeps 50,000 contacts inside the memory budget and GC pauses short.

const EMPTY = new Int32Array(0);

/** 32-bit FNV-1a over UTF-16 code units: cheap, allocation-free, well spread for short keys. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Key → ids, storing only each key's hash. A lookup returns every id filed under a key with the
 * same hash, so a caller MUST check each candidate against the real key (a collision, or a contact
 * that has changed since the table was built, is a candidate that does not match).
 */
export class HashedKeys {
  private constructor(
    private readonly hashes: Uint32Array,
    private readonly ids: Int32Array,
  ) {}

  /** Collects (key, id) pairs; `done()` sorts them into the table. */
  static builder(): { add(key: string, id: number): void; done(): HashedKeys } {
    const hashes: number[] = [];
    const ids: number[] = [];
    return {
      add(key, id) {
        hashes.push(hashKey(key));
        ids.push(id);
      },
      done() {
        const [sortedHashes, sortedIds] = radixSortByHash(Uint32Array.from(hashes), Int32Array.from(ids));
        return new HashedKeys(sortedHashes, sortedIds);
      },
    };
  }

  get size(): number {
    return this.ids.length;
  }

  /** Ids filed under a key hashing like `key` (unchecked; see the class comment). */
  candidates(key: string): Int32Array {
    const h = hashKey(key);
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.hashes[mid] ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.hashes.length && this.hashes[end] === h) end++;
    return end === lo ? EMPTY : this.ids.subarray(lo, end);
  }
}

/** Key → list of ids (a posting list), all lists in one Int32Array. Exact: no check needed. */
export class PackedLists {
  private constructor(
    private readonly slots: Map<string, number>,
    private readonly offsets: Int32Array,
    private readonly ids: Int32Array,
  ) {}

  /** `lists` may be consumed; its arrays are copied. */
  static build(lists: Map<string, number[]>): PackedLists {
    const slots = new Map<string, number>();
    const offsets = new Int32Array(lists.size + 1);
    let total = 0;
    for (const list of lists.values()) total += list.length;
    const ids = new Int32Array(total);
    let slot = 0;
    let at = 0;
    for (const [key, list] of lists) {
      slots.set(key, slot);
      offsets[slot] = at;
      ids.set(list, at);
      at += list.length;
      slot++;
    }
    offsets[slot] = at;
    return new PackedLists(slots, offsets, ids);
  }

  get(key: string): Int32Array {
    const slot = this.slots.get(key);
    if (slot === undefined) return EMPTY;
    return this.ids.subarray(this.offsets[slot] ?? 0, this.offsets[slot + 1] ?? 0);
  }
}

/**
 * Sorts ids by their 32-bit hashes, stably (equal hashes keep their order): two counting passes of
 * 16 bits. A comparator sort of 160,000 keys held the event loop for ~130 ms; this takes a few.
 */
function radixSortByHash(hashes: Uint32Array, ids: Int32Array): [Uint32Array, Int32Array] {
  const n = hashes.length;
  let fromHashes: Uint32Array = hashes;
  let fromIds: Int32Array = ids;
  let toHashes: Uint32Array = new Uint32Array(n);
  let toIds: Int32Array = new Int32Array(n);
  const starts = new Uint32Array(0x10001);
  for (const shift of [0, 16]) {
    starts.fill(0);
    for (let i = 0; i < n; i++) {
      const bucket = ((fromHashes[i] ?? 0) >>> shift) & 0xffff;
      starts[bucket + 1] = (starts[bucket + 1] ?? 0) + 1;
    }
    for (let b = 0; b < 0x10000; b++) starts[b + 1] = (starts[b + 1] ?? 0) + (starts[b] ?? 0);
    for (let i = 0; i < n; i++) {
      const hash = fromHashes[i] ?? 0;
      const bucket = (hash >>> shift) & 0xffff;
      const to = starts[bucket] ?? 0;
      starts[bucket] = to + 1;
      toHashes[to] = hash;
      toIds[to] = fromIds[i] ?? 0;
    }
    [fromHashes, toHashes] = [toHashes, fromHashes];
    [fromIds, toIds] = [toIds, fromIds];
  }
  return [fromHashes, fromIds];
}
