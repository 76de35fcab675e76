// Read-only lookup tables packed into typed arrays, for the parts of the contact index that hold
// one entry per key per contact (emails, phone keys, name and digit trigrams). A Map of small
// arrays costs ~100 bytes per entry and gives the garbage collector an object to trace for each;
// these cost 8 bytes per entry and two objects in all, which keeps 50,000 contacts inside the
// memory budget, GC pauses short and the build fast.

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

/** The hash of `text.slice(at, at + 3)` (a trigram), without making that string. */
export function gramHash(text: string, at: number): number {
  let h = 0x811c9dc5;
  for (let i = at; i < at + 3; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** (hash, id) pairs in typed arrays that grow by doubling: no number per pair for the GC to see. */
class Pairs {
  hashes = new Uint32Array(1024);
  ids = new Int32Array(1024);
  length = 0;

  push(hash: number, id: number): void {
    if (this.length === this.hashes.length) {
      const hashes = new Uint32Array(this.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const ids = new Int32Array(this.length * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    this.hashes[this.length] = hash;
    this.ids[this.length] = id;
    this.length++;
  }
}

export interface HashedKeysBuilder {
  add(key: string, id: number): void;
  /** For keys hashed already (gramHash). */
  addHash(hash: number, id: number): void;
  /**
   * Sorts the pairs into the table. `unique`: an id filed twice under one hash (two of a contact's
   * trigrams colliding, or one repeated) is kept once, so a lookup lists each contact once.
   */
  done(options?: { unique?: boolean }): HashedKeys;
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
  static builder(): HashedKeysBuilder {
    const pairs = new Pairs();
    return {
      add: (key, id) => pairs.push(hashKey(key), id),
      addHash: (hash, id) => pairs.push(hash, id),
      done({ unique = false } = {}) {
        // Copies of exactly the pairs' length (the buffers have room to grow), sorted in place.
        const [hashes, ids] = radixSortByHash(
          pairs.hashes.slice(0, pairs.length),
          pairs.ids.slice(0, pairs.length),
        );
        return unique ? HashedKeys.deduplicated(hashes, ids) : new HashedKeys(hashes, ids);
      },
    };
  }

  // The sort is stable and a contact's pairs are added together, so a repeat sits right after the
  // pair it repeats.
  private static deduplicated(hashes: Uint32Array, ids: Int32Array): HashedKeys {
    let kept = 0;
    for (let i = 0; i < hashes.length; i++) {
      if (kept > 0 && hashes[i] === hashes[kept - 1] && ids[i] === ids[kept - 1]) continue;
      hashes[kept] = hashes[i] ?? 0;
      ids[kept] = ids[i] ?? 0;
      kept++;
    }
    return new HashedKeys(hashes.slice(0, kept), ids.slice(0, kept));
  }

  get size(): number {
    return this.ids.length;
  }

  /** Ids filed under a key hashing like `key` (unchecked; see the class comment). */
  candidates(key: string): Int32Array {
    return this.byHash(hashKey(key));
  }

  /** The same, for a hash computed already (gramHash). */
  byHash(h: number): Int32Array {
    const start = this.firstAbove(h - 1);
    if (start >= this.hashes.length || this.hashes[start] !== h) return EMPTY;
    // A common trigram files thousands of ids: its end is searched for too, not walked to.
    return this.ids.subarray(start, this.firstAbove(h));
  }

  /** The first position whose hash is greater than `h` (hashes are sorted ascending). */
  private firstAbove(h: number): number {
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.hashes[mid] ?? 0) <= h) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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
