// An in-memory index over every contact the API key can see: the only way to find contacts by
// name, by part of a number, or both contacts that share a number (ITFlow's own phone read stops
// at one). Names and digits live in one long string each and are searched with indexOf, which is
// fast over 50,000 contacts and costs far less memory than a map of every substring.
import type { CountryCode } from "libphonenumber-js";
import { gramHash, HashedKeys, PostingLists } from "./packed.js";
import { phoneKeys } from "./phone.js";
import { normalizeForSearch } from "./text.js";
import type { Contact } from "./types.js";

const SEP = "\u0001";
/** Name matches returned at most: a list shows ten; more means "refine the query". */
const NAME_RESULTS = 200;
/** Occurrences of a common word examined at most, so "jo" costs no more than "josephine". */
const NAME_SCAN = 1000;

export type MatchKind = "exact" | "number" | "partial" | "name";

export interface IndexHit {
  contact: Contact;
  match: MatchKind;
  /** Lower sorts first. */
  rank: number;
}

interface Haystack {
  text: string;
  /** starts[i] is where entry i begins in text; ids[i] is its contact. */
  starts: Int32Array;
  ids: Int32Array;
}

function buildHaystack(ids: readonly number[], texts: readonly string[]): Haystack {
  const starts = new Int32Array(ids.length);
  let at = 1;
  for (let i = 0; i < texts.length; i++) {
    starts[i] = at;
    at += (texts[i] ?? "").length + 1;
  }
  return { text: SEP + texts.join(SEP) + SEP, starts, ids: Int32Array.from(ids) };
}

/** Which entry a position in the haystack text belongs to (binary search over starts). */
function entryAt(hay: Haystack, position: number): number {
  let lo = 0;
  let hi = hay.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((hay.starts[mid] ?? 0) <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Ids of the entries containing `needle`, at most `limit`, in index order, each once (one entry
 * per contact).
 */
function searchHaystack(hay: Haystack, needle: string, limit: number): number[] {
  const found: number[] = [];
  if (needle === "" || hay.ids.length === 0) return found;
  let from = 0;
  while (found.length < limit) {
    const at = hay.text.indexOf(needle, from);
    if (at < 0) break;
    const entry = entryAt(hay, at);
    found.push(hay.ids[entry] ?? -1);
    // Skip to the next entry: one hit per contact is enough.
    const next = hay.starts[entry + 1];
    from = next === undefined ? hay.text.length : next;
  }
  return found;
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

/**
 * Every field of a contact, for telling an unchanged contact from a changed one. Written as an
 * object the compiler checks against Contact: a field added there and forgotten here would make a
 * refresh keep the old copy of every contact whose only change is in that field.
 */
const CONTACT_KEYS = Object.keys({
  id: true,
  clientId: true,
  locationId: true,
  name: true,
  title: true,
  email: true,
  phone: true,
  phoneCountryCode: true,
  extension: true,
  mobile: true,
  mobileCountryCode: true,
  department: true,
  notes: true,
  primary: true,
  important: true,
  billing: true,
  technical: true,
  createdAt: true,
  updatedAt: true,
  archivedAt: true,
} satisfies Record<keyof Contact, true>) as (keyof Contact)[];

/** Whether two copies of a contact hold the same values. */
export function sameContact(a: Contact, b: Contact): boolean {
  for (const key of CONTACT_KEYS) if (a[key] !== b[key]) return false;
  return true;
}

/** What an index is made of once assembled. */
interface IndexParts {
  byId: Map<number, Contact>;
  searchNames: Map<number, string>;
  emails: HashedKeys;
  phoneKeys: HashedKeys;
  trigrams: PostingLists;
  sortedNames: string[];
  sortedIds: Int32Array;
  names: Haystack;
  digits: Haystack;
}

export interface BuildOptions {
  now?: number;
  /** Longest stretch of building between two turns of the event loop (ms). */
  sliceMs?: number;
  /** Gives the event loop a turn; the default waits for setImmediate. */
  pause?: () => Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Contacts added between two checks of the clock during a build. */
const CHECK_EVERY = 256;

/** Runs a generator's steps, giving the event loop a turn whenever ~`sliceMs` have passed. */
async function runSliced<R>(
  steps: Generator<void, R>,
  sliceMs: number,
  pause: () => Promise<void>,
): Promise<R> {
  let sliceStarted = performance.now();
  let step = steps.next();
  while (!step.done) {
    if (performance.now() - sliceStarted >= sliceMs) {
      await pause();
      sliceStarted = performance.now();
    }
    step = steps.next();
  }
  return step.value;
}

function runAtOnce<R>(steps: Generator<void, R>): R {
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * A new index, gathered a page of contacts at a time while the rest of the list is still on its
 * way, then assembled by `finish`. Given the index it replaces, it keeps that index's objects for
 * every contact that did not change: during a refresh the old and the new list then share them,
 * instead of two full lists being alive at once.
 */
export class IndexBuilder {
  private readonly byId = new Map<number, Contact>();
  private readonly searchNames = new Map<number, string>();
  private readonly emails = HashedKeys.builder();
  private readonly phones = HashedKeys.builder();
  private readonly nameIds: number[] = [];
  private readonly nameTexts: string[] = [];
  private readonly digitIds: number[] = [];
  private readonly digitTexts: string[] = [];

  constructor(
    private readonly region: CountryCode,
    private readonly previous: ContactIndex | null = null,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  add(fresh: Contact): void {
    // Pages are de-duplicated upstream; a repeat here would file one contact twice.
    if (this.byId.has(fresh.id)) return;
    const old = this.previous?.get(fresh.id);
    const contact = old !== undefined && sameContact(old, fresh) ? old : fresh;
    const oldName = old && old.name === contact.name ? this.previous?.searchNameOf(old.id) : undefined;
    const name = oldName ?? normalizeForSearch(contact.name);
    this.byId.set(contact.id, contact);
    this.searchNames.set(contact.id, name);
    if (contact.email) this.emails.add(contact.email.toLowerCase(), contact.id);
    if (contact.phone) {
      for (const key of phoneKeys(contact.phone, contact.phoneCountryCode, this.region)) {
        this.phones.add(key, contact.id);
      }
    }
    if (contact.mobile) {
      for (const key of phoneKeys(contact.mobile, contact.mobileCountryCode, this.region)) {
        this.phones.add(key, contact.id);
      }
    }
    this.nameIds.push(contact.id);
    this.nameTexts.push(name);
    const numbers =
      contact.phone && contact.mobile
        ? contact.phone + SEP + contact.mobile
        : contact.phone || contact.mobile;
    if (numbers) {
      this.digitIds.push(contact.id);
      this.digitTexts.push(numbers);
    }
  }

  /** Adds `contacts`, giving the event loop a turn every ~`sliceMs`. */
  addAll(contacts: Iterable<Contact>, { sliceMs = 8, pause = nextTurn }: BuildOptions = {}): Promise<void> {
    return runSliced(this.adding(contacts), sliceMs, pause);
  }

  /** The index, assembled in slices (see addAll). */
  async finish({
    now = Date.now(),
    sliceMs = 8,
    pause = nextTurn,
  }: BuildOptions = {}): Promise<ContactIndex> {
    return ContactIndex.of(await runSliced(this.assembling(), sliceMs, pause), this.region, now);
  }

  /** The same steps in one piece (ContactIndex.from). */
  static buildAtOnce(contacts: Iterable<Contact>, region: CountryCode, now: number): ContactIndex {
    const builder = new IndexBuilder(region);
    runAtOnce(builder.adding(contacts));
    return ContactIndex.of(runAtOnce(builder.assembling()), region, now);
  }

  private *adding(contacts: Iterable<Contact>): Generator<void, void> {
    let added = 0;
    for (const contact of contacts) {
      this.add(contact);
      if (++added % CHECK_EVERY === 0) yield;
    }
  }

  private *assembling(): Generator<void, IndexParts> {
    const emails = this.emails.done();
    const phoneKeys = this.phones.done();
    yield;
    const trigrams = PostingLists.ofTrigrams(this.nameIds, this.nameTexts);
    yield;
    const names = buildHaystack(this.nameIds, this.nameTexts);
    yield;
    const digits = buildHaystack(this.digitIds, this.digitTexts);
    yield;
    // Sorted by first character, then each group on its own: one sort of 50,000 names is ~50 ms
    // without a break; strings compare by their first code unit first, so the order is the same.
    const texts = this.nameTexts;
    const groups = new Map<number, number[]>();
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] ?? "";
      const first = text.length > 0 ? text.charCodeAt(0) : -1;
      const group = groups.get(first);
      if (group) group.push(i);
      else groups.set(first, [i]);
    }
    const sortedNames: string[] = [];
    const sortedIds = new Int32Array(texts.length);
    for (const first of [...groups.keys()].sort((a, b) => a - b)) {
      const group = groups.get(first) ?? [];
      group.sort((a, b) => {
        const x = texts[a] ?? "";
        const y = texts[b] ?? "";
        return x < y ? -1 : x > y ? 1 : 0;
      });
      for (const i of group) {
        sortedIds[sortedNames.length] = this.nameIds[i] ?? -1;
        sortedNames.push(texts[i] ?? "");
      }
      yield;
    }
    return {
      byId: this.byId,
      searchNames: this.searchNames,
      emails,
      phoneKeys,
      trigrams,
      sortedNames,
      sortedIds,
      names,
      digits,
    };
  }
}

export class ContactIndex {
  private readonly byId: Map<number, Contact>;
  /** Lower-cased email → contacts, as built (packed; candidates are checked on lookup)... */
  private readonly emails: HashedKeys;
  /** ...and for the contacts upserted since (see `recent`). */
  private readonly recentEmails = new Map<string, number[]>();
  /** Phone match keys (see phone.ts) → contacts, as built and since, the same way. */
  private readonly phoneKeys: HashedKeys;
  private readonly recentPhoneKeys = new Map<string, number[]>();
  /** Each contact's name as search compares it, computed once, not per query. */
  private readonly searchNames: Map<number, string>;
  /** Every three-character run of a name → the contacts whose name holds it (as built). */
  private readonly trigrams: PostingLists;
  /** Search names in sorted order (with their ids), for names that start with the query. */
  private readonly sortedNames: string[];
  private readonly sortedIds: Int32Array;
  private readonly names: Haystack;
  private readonly digits: Haystack;
  /** Contacts added or changed since the index was built; searched one by one. */
  private readonly recent = new Set<number>();

  private constructor(
    parts: IndexParts,
    private readonly region: CountryCode,
    readonly builtAt: number,
  ) {
    this.byId = parts.byId;
    this.searchNames = parts.searchNames;
    this.emails = parts.emails;
    this.phoneKeys = parts.phoneKeys;
    this.trigrams = parts.trigrams;
    this.sortedNames = parts.sortedNames;
    this.sortedIds = parts.sortedIds;
    this.names = parts.names;
    this.digits = parts.digits;
  }

  /** @internal Used by IndexBuilder once the parts are assembled. */
  static of(parts: IndexParts, region: CountryCode, builtAt: number): ContactIndex {
    return new ContactIndex(parts, region, builtAt);
  }

  /**
   * Builds an index in slices of at most ~`sliceMs`, giving the event loop a turn between them:
   * indexing 50,000 contacts takes a few hundred milliseconds, which in one piece would hold up
   * every command (and Slack's acknowledgements) arriving meanwhile.
   */
  static async build(
    contacts: Iterable<Contact>,
    region: CountryCode,
    options: BuildOptions = {},
  ): Promise<ContactIndex> {
    const builder = new IndexBuilder(region);
    await builder.addAll(contacts, options);
    return builder.finish(options);
  }

  /** The same build in one piece, for small lists (and tests). */
  static from(contacts: Iterable<Contact>, region: CountryCode, now = Date.now()): ContactIndex {
    return IndexBuilder.buildAtOnce(contacts, region, now);
  }

  /**
   * The same index rebuilt from the contacts it holds, with their objects: what was upserted
   * since it was built (searched one by one) joins the packed tables. Writes that land on `index`
   * while this runs are carried over.
   */
  static async compact(
    index: ContactIndex,
    region: CountryCode,
    options: BuildOptions = {},
  ): Promise<ContactIndex> {
    const contacts = [...index.all()];
    const builder = new IndexBuilder(region, index);
    await builder.addAll(contacts, options);
    const fresh = await builder.finish(options);
    for (const c of index.all()) if (fresh.get(c.id) !== c) fresh.upsert(c);
    for (const c of contacts) if (!index.get(c.id)) fresh.remove(c.id);
    return fresh;
  }

  /** Contacts changed since the index was built, which every search walks one by one. */
  get pending(): number {
    return this.recent.size;
  }

  /** The name as search compares it, for a builder reusing it. */
  searchNameOf(id: number): string | undefined {
    return this.searchNames.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<Contact> {
    return this.byId.values();
  }

  get(id: number): Contact | undefined {
    return this.byId.get(id);
  }

  /** Adds or replaces one contact (after a write, or a contact found by an exact read). */
  upsert(contact: Contact): void {
    this.remove(contact.id);
    this.byId.set(contact.id, contact);
    this.searchNames.set(contact.id, normalizeForSearch(contact.name));
    if (contact.email) push(this.recentEmails, contact.email.toLowerCase(), contact.id);
    for (const key of this.keysOf(contact)) push(this.recentPhoneKeys, key, contact.id);
    this.recent.add(contact.id);
  }

  /** The packed tables keep the id; lookups drop it because it is no longer in `byId`. */
  remove(id: number): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    this.searchNames.delete(id);
    const drop = (map: Map<string, number[]>, key: string) => {
      const list = map.get(key);
      if (!list) return;
      const rest = list.filter((x) => x !== id);
      if (rest.length) map.set(key, rest);
      else map.delete(key);
    };
    if (old.email) drop(this.recentEmails, old.email.toLowerCase());
    for (const key of this.keysOf(old)) drop(this.recentPhoneKeys, key);
  }

  byEmailAddress(email: string): Contact[] {
    const key = email.trim().toLowerCase();
    const ids = new Set<number>(this.emails.candidates(key));
    for (const id of this.recentEmails.get(key) ?? []) ids.add(id);
    const out: Contact[] = [];
    for (const id of ids) {
      const contact = this.byId.get(id);
      if (contact && contact.email.toLowerCase() === key) out.push(contact);
    }
    return out;
  }

  /**
   * Contacts whose phone or mobile denotes the same number as one of `keys`; contacts whose
   * stored digits equal `typedDigits` exactly come first (what the user typed is what ITFlow holds).
   */
  byPhone(keys: readonly string[], typedDigits: string): IndexHit[] {
    const ids = new Set<number>();
    for (const key of keys) {
      for (const id of this.phoneKeys.candidates(key)) ids.add(id);
      for (const id of this.recentPhoneKeys.get(key) ?? []) ids.add(id);
    }
    const hits: IndexHit[] = [];
    for (const id of ids) {
      const contact = this.byId.get(id);
      if (!contact) continue;
      const own = this.keysOf(contact);
      if (!keys.some((key) => own.includes(key))) continue;
      const exact = contact.phone === typedDigits || contact.mobile === typedDigits;
      hits.push({ contact, match: exact ? "exact" : "number", rank: exact ? 0 : 1 });
    }
    return hits;
  }

  /** Contacts whose phone or mobile digits contain `digits` (3+ digits typed, e.g. "4567"). */
  byPartialDigits(digits: string, limit = NAME_RESULTS): IndexHit[] {
    // One indexOf walk over every number (~1 MB of digits at 50,000 contacts) costs a fraction of a
    // millisecond: digits need no trigram table, which would hold ~18 entries per contact.
    const candidates = searchHaystack(this.digits, digits, Math.max(limit, NAME_SCAN));
    // Numbers ending in the digits (the last four of a number read out on the phone) rank first.
    const ending: IndexHit[] = [];
    const inside: IndexHit[] = [];
    const consider = (id: number) => {
      const contact = this.byId.get(id);
      if (!contact || !(contact.phone.includes(digits) || contact.mobile.includes(digits))) return;
      if (contact.phone.endsWith(digits) || contact.mobile.endsWith(digits)) {
        ending.push({ contact, match: "partial", rank: 2 });
      } else inside.push({ contact, match: "partial", rank: 3 });
    };
    for (const id of this.recent) consider(id);
    // Indexed loops and no "seen" set: a search can walk thousands of candidates, and per-candidate
    // garbage is what turns into GC pauses. A candidate list holds each contact once; recent
    // contacts were considered above, with their current numbers.
    for (let i = 0; i < candidates.length && ending.length < limit; i++) {
      const id = candidates[i] ?? -1;
      if (!this.recent.has(id)) consider(id);
    }
    const hits = ending.length >= limit ? ending : ending.concat(inside);
    return hits.length > limit ? hits.slice(0, limit) : hits;
  }

  /**
   * Case- and accent-insensitive name search: every word typed must appear in the name. Names that
   * start with the query are looked up on their own, so they are always among the results and rank
   * first; for very common words the remaining matches stop after a bounded scan.
   */
  byName(query: string, limit = NAME_RESULTS): IndexHit[] {
    const normalized = normalizeForSearch(query);
    const words = normalized.split(" ").filter(Boolean);
    if (words.length === 0) return [];
    // Ranks: 0 exact name, 1 name starts with the query, 2 every word starts a word, 3 anywhere.
    const buckets: number[][] = [[], [], [], []];
    const consider = (id: number) => {
      const name = this.searchNames.get(id);
      if (name === undefined || !containsAll(name, words)) return;
      const rank =
        name === normalized ? 0 : name.startsWith(normalized) ? 1 : wordStarts(name, words) ? 2 : 3;
      buckets[rank]?.push(id);
    };
    const good = () => (buckets[0]?.length ?? 0) + (buckets[1]?.length ?? 0) + (buckets[2]?.length ?? 0);
    // Names starting with the query come from the sorted list, so they are never missed...
    const considered = new Set<number>();
    for (let i = this.lowerBound(normalized); i < this.sortedNames.length; i++) {
      if (!this.sortedNames[i]?.startsWith(normalized) || (buckets[1]?.length ?? 0) >= limit) break;
      const id = this.sortedIds[i] ?? -1;
      considered.add(id);
      consider(id);
    }
    for (const id of this.recent) {
      if (considered.has(id)) continue;
      considered.add(id);
      consider(id);
    }
    // ...and the rest stops once enough good matches are in: "smith" must not cost 2,500 checks.
    // A candidate list holds each contact once, so only the few ids above need remembering.
    const candidates = this.nameCandidates(normalized, words, limit);
    for (let i = 0; i < candidates.length && good() < limit; i++) {
      const id = candidates[i] ?? -1;
      if (!considered.has(id)) consider(id);
    }
    const hits: IndexHit[] = [];
    buckets.forEach((bucket, rank) => {
      for (const id of bucket) {
        if (hits.length >= limit) return;
        const contact = this.byId.get(id);
        if (contact) hits.push({ contact, match: "name", rank: 10 + rank });
      }
    });
    return hits;
  }

  /** The first position in the sorted names not below `text`. */
  private lowerBound(text: string): number {
    let lo = 0;
    let hi = this.sortedNames.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sortedNames[mid] ?? "") < text) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Contacts that may match: those holding the query's rarest trigram (every match holds all of
   * them), or, for words too short to have one, a bounded scan of the names.
   */
  private nameCandidates(normalized: string, words: string[], limit: number): ArrayLike<number> {
    let rarest: Int32Array | null = null;
    for (const word of words) {
      for (const gram of trigramsOf(word)) {
        const list = this.trigrams.byHash(gram);
        if (!rarest || list.length < rarest.length) rarest = list;
      }
    }
    if (rarest) return rarest;
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a), normalized.slice(0, 0));
    return searchHaystack(this.names, longest, Math.max(limit, NAME_SCAN));
  }

  private keysOf(contact: Contact): string[] {
    return phoneKeysOf(contact, this.region);
  }
}

function phoneKeysOf(contact: Contact, region: CountryCode): string[] {
  return [
    ...(contact.phone ? phoneKeys(contact.phone, contact.phoneCountryCode, region) : []),
    ...(contact.mobile ? phoneKeys(contact.mobile, contact.mobileCountryCode, region) : []),
  ];
}

/** The hashes of the trigrams of `text`, each once (a posting list may hold a colliding gram too). */
function trigramsOf(text: string): Set<number> {
  const grams = new Set<number>();
  for (let i = 0; i + 3 <= text.length; i++) grams.add(gramHash(text, i));
  return grams;
}

/** Every word typed appears in the name (a loop, not `every`: no closure per name checked). */
function containsAll(name: string, words: readonly string[]): boolean {
  for (const w of words) if (!name.includes(w)) return false;
  return true;
}

/** Every word typed begins a word of the name ("jo sm" for "John Smith"). */
function wordStarts(name: string, words: readonly string[]): boolean {
  for (const w of words) if (!(name.startsWith(w) || name.includes(` ${w}`))) return false;
  return true;
}
