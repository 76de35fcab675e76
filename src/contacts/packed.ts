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

/**
 * (hash, id) pairs gathered in plain arrays, which live on V8's heap: the growing is V8's to do and
 * to give back, where typed arrays grown by doubling left freed buffers behind in the process's
 * memory (RSS) long after the build.
 */
class Pairs {
  readonly hashes: number[] = [];
  readonly ids: number[] = [];

  get length(): number {
    return this.ids.length;
  }

  push(hash: number, id: number): void {
    this.hashes.push(hash);
    this.ids.push(id);
  }
}

export interface HashedKeysBuilder {
  add(key: string, id: number): void;
  /** For keys hashed already (gramHash). */
  addHash(hash: number, id: number): void;
  /** Sorts the pairs into the table. */
  done(): HashedKeys;
  /**
   * The same as posting lists (PostingLists): each distinct hash once with its ids, and an id filed
   * twice under one hash (two of a contact's trigrams colliding, or one repeated) kept once.
   */
  lists(): PostingLists;
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
      done() {
        const [hashes, ids] = radixSortByHash(Uint32Array.from(pairs.hashes), Int32Array.from(pairs.ids));
        return new HashedKeys(hashes, ids);
      },
      lists() {
        const [hashes, ids] = radixSortByHash(Uint32Array.from(pairs.hashes), Int32Array.from(pairs.ids));
        return PostingLists.of(hashes, ids);
      },
    };
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
 * Hash → ids, for keys that each file many ids (trigrams): the distinct hashes once, each with
 * where its ids start, so an id costs 4 bytes rather than 8. Unchecked like HashedKeys.
 */
export class PostingLists {
  private constructor(
    private readonly keys: Uint32Array,
    private readonly starts: Uint32Array,
    private readonly ids: Int32Array,
  ) {}

  /** From pairs sorted by hash (stably: a contact's pairs, added together, stay together). */
  static of(hashes: Uint32Array, ids: Int32Array): PostingLists {
    let distinct = 0;
    for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[i - 1]) distinct++;
    const keys = new Uint32Array(distinct);
    const starts = new Uint32Array(distinct + 1);
    let kept = 0;
    let key = -1;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i] ?? 0;
      const id = ids[i] ?? 0;
      if (i === 0 || h !== hashes[i - 1]) {
        keys[++key] = h;
        starts[key] = kept;
      } else if (id === ids[kept - 1]) {
        continue; // the same id again under this hash: a repeat sits right after what it repeats
      }
      ids[kept++] = id;
    }
    starts[distinct] = kept;
    return new PostingLists(keys, starts, ids.slice(0, kept));
  }

  get size(): number {
    return this.ids.length;
  }

  byHash(h: number): Int32Array {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.keys[mid] ?? 0) < h) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.keys.length || this.keys[lo] !== h) return EMPTY;
    return this.ids.subarray(this.starts[lo] ?? 0, this.starts[lo + 1] ?? 0);
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
