// An in-memory index over every contact the API key can see: the only way to find contacts by
// name, by part of a number, or both contacts that share a number (ITFlow's own phone read stops
// at one). Names and digits live in one long string each and are searched with indexOf, which is
// fast over 50,000 contacts and costs far less memory than a map of every substring.
import type { CountryCode } from "libphonenumber-js";
import { phoneKeys } from "./phone.js";
import { normalizeForSearch } from "./text.js";
import type { Contact } from "./types.js";

const SEP = "\u0001";

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

function buildHaystack(entries: Array<[number, string]>): Haystack {
  const starts = new Int32Array(entries.length);
  const ids = new Int32Array(entries.length);
  const parts: string[] = [];
  let at = 1;
  entries.forEach(([id, text], i) => {
    starts[i] = at;
    ids[i] = id;
    parts.push(text);
    at += text.length + 1;
  });
  return { text: SEP + parts.join(SEP) + SEP, starts, ids };
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

function searchHaystack(hay: Haystack, needle: string, limit: number): Set<number> {
  const found = new Set<number>();
  if (needle === "" || hay.ids.length === 0) return found;
  let from = 0;
  while (found.size < limit) {
    const at = hay.text.indexOf(needle, from);
    if (at < 0) break;
    const entry = entryAt(hay, at);
    found.add(hay.ids[entry] ?? -1);
    // Skip to the next entry: one hit per contact is enough.
    const next = hay.starts[entry + 1];
    from = next === undefined ? hay.text.length : next;
  }
  found.delete(-1);
  return found;
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

export class ContactIndex {
  private readonly byId = new Map<number, Contact>();
  private readonly byEmail = new Map<string, number[]>();
  private readonly byPhoneKey = new Map<string, number[]>();
  /** Each contact's name as search compares it, computed once, not per query. */
  private readonly searchNames = new Map<number, string>();
  private names: Haystack = buildHaystack([]);
  private digits: Haystack = buildHaystack([]);
  /** Contacts added or changed since the haystacks were built; searched one by one. */
  private readonly recent = new Set<number>();
  readonly builtAt: number;

  constructor(
    contacts: Iterable<Contact>,
    private readonly region: CountryCode,
    now = Date.now(),
  ) {
    this.builtAt = now;
    const nameEntries: Array<[number, string]> = [];
    const digitEntries: Array<[number, string]> = [];
    for (const contact of contacts) {
      this.addToMaps(contact);
      nameEntries.push([contact.id, this.searchNames.get(contact.id) ?? ""]);
      const numbers = [contact.phone, contact.mobile].filter(Boolean).join(SEP);
      if (numbers) digitEntries.push([contact.id, numbers]);
    }
    this.names = buildHaystack(nameEntries);
    this.digits = buildHaystack(digitEntries);
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
    this.addToMaps(contact);
    this.recent.add(contact.id);
  }

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
    if (old.email) drop(this.byEmail, old.email.toLowerCase());
    for (const key of this.keysOf(old)) drop(this.byPhoneKey, key);
  }

  byEmailAddress(email: string): Contact[] {
    return this.resolve(this.byEmail.get(email.trim().toLowerCase()) ?? []);
  }

  /**
   * Contacts whose phone or mobile denotes the same number as one of `keys`; contacts whose
   * stored digits equal `typedDigits` exactly come first (what the user typed is what ITFlow holds).
   */
  byPhone(keys: readonly string[], typedDigits: string): IndexHit[] {
    const ids = new Set<number>();
    for (const key of keys) for (const id of this.byPhoneKey.get(key) ?? []) ids.add(id);
    return this.resolve([...ids]).map((contact) => {
      const exact = contact.phone === typedDigits || contact.mobile === typedDigits;
      return { contact, match: exact ? "exact" : "number", rank: exact ? 0 : 1 } satisfies IndexHit;
    });
  }

  /** Contacts whose phone or mobile digits contain `digits` (3+ digits typed, e.g. "4567"). */
  byPartialDigits(digits: string, limit = 1000): IndexHit[] {
    const ids = searchHaystack(this.digits, digits, limit);
    for (const id of this.recent) {
      const c = this.byId.get(id);
      if (c && (c.phone.includes(digits) || c.mobile.includes(digits))) ids.add(id);
    }
    return this.resolve([...ids])
      .filter((c) => c.phone.includes(digits) || c.mobile.includes(digits))
      .map((contact) => {
        const suffix = contact.phone.endsWith(digits) || contact.mobile.endsWith(digits);
        return { contact, match: "partial", rank: suffix ? 2 : 3 };
      });
  }

  /**
   * Case- and accent-insensitive name search: every word typed must appear in the name; names
   * that start with the query rank above names that merely contain it. All matches are ranked
   * before `limit` applies, so a common surname never hides the best match.
   */
  byName(query: string, limit = 1000): IndexHit[] {
    const normalized = normalizeForSearch(query);
    const words = normalized.split(" ").filter(Boolean);
    if (words.length === 0) return [];
    // The longest word narrows the candidates most; the others are checked per candidate.
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
    const ids = searchHaystack(this.names, longest, Number.MAX_SAFE_INTEGER);
    for (const id of this.recent) ids.add(id);
    const hits: IndexHit[] = [];
    for (const id of ids) {
      const name = this.searchNames.get(id);
      const contact = this.byId.get(id);
      if (name === undefined || !contact || !words.every((w) => name.includes(w))) continue;
      const rank =
        name === normalized ? 10 : name.startsWith(normalized) ? 11 : wordStarts(name, words) ? 12 : 13;
      hits.push({ contact, match: "name", rank });
    }
    if (hits.length > limit) {
      hits.sort((a, b) => a.rank - b.rank);
      hits.length = limit;
    }
    return hits;
  }

  private addToMaps(contact: Contact): void {
    this.byId.set(contact.id, contact);
    this.searchNames.set(contact.id, normalizeForSearch(contact.name));
    if (contact.email) push(this.byEmail, contact.email.toLowerCase(), contact.id);
    for (const key of this.keysOf(contact)) push(this.byPhoneKey, key, contact.id);
  }

  private keysOf(contact: Contact): string[] {
    return [
      ...(contact.phone ? phoneKeys(contact.phone, contact.phoneCountryCode, this.region) : []),
      ...(contact.mobile ? phoneKeys(contact.mobile, contact.mobileCountryCode, this.region) : []),
    ];
  }

  private resolve(ids: number[]): Contact[] {
    const out: Contact[] = [];
    for (const id of ids) {
      const c = this.byId.get(id);
      if (c) out.push(c);
    }
    return out;
  }
}

function wordStarts(name: string, words: string[]): boolean {
  const parts = name.split(" ");
  return words.every((w) => parts.some((p) => p.startsWith(w)));
}
