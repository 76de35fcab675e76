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
  /** Sorts the pairs into the table. */
  done(): HashedKeys;
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
      done() {
        const [hashes, ids] = radixSortByHash(Uint32Array.from(pairs.hashes), Int32Array.from(pairs.ids));
        return new HashedKeys(hashes, ids);
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

/** Buckets of a trigram table (2^17): even tens of thousands of distinct grams rarely share one. */
const GRAM_BITS = 17;
const GRAM_MASK = (1 << GRAM_BITS) - 1;

/**
 * Trigram → ids: every id filed under each trigram of its text, in a bucket picked by the gram's
 * hash. A bucket may also hold ids of another gram with a colliding hash, so callers MUST check each
 * candidate against the real text (as with HashedKeys). Built in two counting passes over the texts
 * (count, then fill), which at 50,000 names takes a few milliseconds and makes no garbage: filing
 * ~750,000 (gram, id) pairs one by one and sorting them cost ~100 ms of the list's build.
 */
export class PostingLists {
  private constructor(
    /** Bucket b's ids are ids[starts[b]] up to ids[starts[b + 1]]. */
    private readonly starts: Uint32Array,
    private readonly ids: Int32Array,
  ) {}

  /** Files ids[i] under every trigram of texts[i]; an id is listed once per bucket. */
  static ofTrigrams(ids: ArrayLike<number>, texts: readonly string[]): PostingLists {
    const buckets = GRAM_MASK + 1;
    const starts = new Uint32Array(buckets + 1);
    // The id last filed in each bucket: a name's grams are filed together, so a repeat of the same
    // id in a bucket (a repeated gram, or two of its grams colliding) sits right after it.
    const last = new Int32Array(buckets).fill(-1);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] ?? "";
      const id = ids[i] ?? -1;
      for (let at = 0; at + 3 <= text.length; at++) {
        const b = gramHash(text, at) & GRAM_MASK;
        if (last[b] === id) continue;
        last[b] = id;
        starts[b + 1] = (starts[b + 1] ?? 0) + 1;
      }
    }
    for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] ?? 0) + (starts[b] ?? 0);
    const filled = starts.slice(0, buckets);
    const out = new Int32Array(starts[buckets] ?? 0);
    // The same walk again, filling: written out twice because a shared walk taking a callback per
    // gram (750,000 calls at 50k names) made this ~40 % slower.
    last.fill(-1);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] ?? "";
      const id = ids[i] ?? -1;
      for (let at = 0; at + 3 <= text.length; at++) {
        const b = gramHash(text, at) & GRAM_MASK;
        if (last[b] === id) continue;
        last[b] = id;
        out[filled[b] ?? 0] = id;
        filled[b] = (filled[b] ?? 0) + 1;
      }
    }
    return new PostingLists(starts, out);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Ids filed under a gram hashing like `h` (gramHash), or a colliding one (see the class comment). */
  byHash(h: number): Int32Array {
    const b = h & GRAM_MASK;
    return this.ids.subarray(this.starts[b] ?? 0, this.starts[b + 1] ?? 0);
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
