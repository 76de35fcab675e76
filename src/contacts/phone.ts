// Phone numbers as ITFlow holds them (digits only, exactly as typed, a country code in a separate
// column that only the web UI sets) versus as people type them. Built on libphonenumber-js with
// its default ("min") metadata: everything here decides on number LENGTH (isPossible), never on
// isValid, because the strict patterns of the "max" set reject fictional ranges (555-0100,
// 07700 900xxx) and freshly assigned ones, and a directory must still find those contacts. Min
// metadata carries the same lengths, prefixes and formats, in half the size.
//
// Match keys. A number is read in one of three ways:
//   explicit (cc, nsn)  the country is known: typed with +, 00 or the region's IDD, the country
//                       code is inside the digits (15557654321, 447700900789), or ITFlow's
//                       country-code column is set;
//   implicit (nsn)      national digits read with the default region, country only assumed;
//   unknown (digits)    neither reading gives a number of possible length (07700900123 in the US).
// Stored numbers and queries emit different key sets so that two explicit numbers meet only when
// their country codes agree, while an assumed or unknown country meets on the national digits:
//   stored explicit  "+<cc><nsn>", "<nsn>", "<raw>"      query explicit  "+<cc><nsn>", "?<nsn>"
//   stored implicit  "<nsn>", "?<nsn>", "<raw>"          query implicit  "<nsn>", "<typed>"
//   stored unknown   "<raw>", "?<raw>" (+ without a leading 0)   query unknown  "<typed>" (+ without 0)
// So "+1 207 946 0018" does not find London's 020 7946 0018 stored with country code 44, but
// "7700900123" still finds a UK mobile stored as 7700900123 / 44.

import libParse, { type CountryCode, getCountries, getCountryCallingCode, Metadata } from "libphonenumber-js";

export interface PhoneQuery {
  input: string;
  /** The digits typed, without the extension. */
  digits: string;
  extension: string | null;
  /** "+15551234567" when the country is known or assumed from the region; null otherwise. */
  e164: string | null;
  /** Digit strings ITFlow may hold for this number (exact-match lookups), most likely first. */
  variants: string[];
  /** Match keys in the space of `phoneKeys` (see the comment at the top of this module). */
  keys: string[];
}

type Reading =
  | { kind: "explicit"; cc: string; nsn: string }
  | { kind: "implicit"; cc: string; nsn: string }
  | { kind: "unknown" };

interface Possible {
  cc: string;
  nsn: string;
}

const MIN_DIGITS = 7;
// E.164 allows 15 digits; an IDD such as 011 in front makes 18.
const MAX_DIGITS = 18;

export function digitsOnly(s: string): string {
  // ITFlow stores numbers as bare digits: those need no new string (every stored number of the
  // list comes through here when it is indexed).
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return s.replace(/\D+/g, "");
  }
  return s;
}

// --- Reading a digit string -------------------------------------------------------------------

// libphonenumber-js spends 5-60 µs per parse, most of it guessing which of the 25 countries
// sharing +1 a number belongs to, which keys never need. So the usual shapes are decided here from
// the same metadata, replaying libphonenumber's steps for a bare digit string (IDD, country code
// without "+", national prefix, possible length); whatever this cannot decide with certainty goes
// to libphonenumber. test/unit/phone.test.ts checks both agree on numbers from every region.

interface PlanInternals {
  IDDPrefix(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalNumberPattern(): string | undefined;
  possibleLengths(): number[] | undefined;
}

interface MetadataInternals {
  selectNumberingPlan(countryOrCallingCode: string): void;
  hasCallingCode(callingCode: string): boolean;
  numberingPlan?: PlanInternals;
}

interface Profile {
  cc: string;
  /** Anchored IDD pattern: in region mode a number starting with it is international. */
  idd: RegExp | null;
  npp: RegExp | null;
  /** The national-prefix pattern has no capture groups, so a match is simply cut off. */
  nppPlain: boolean;
  nationalPattern: RegExp;
  /** Possible lengths of this plan itself (not of the countries sharing its calling code). */
  ownLengths: number[] | undefined;
  /** By length: is a national number possible; undefined when the countries sharing cc disagree. */
  possible: (boolean | undefined)[];
  /** By length: would libphonenumber keep a number with its national prefix cut off. */
  keepStripped: (boolean | undefined)[];
}

let countriesByCallingCode: Map<string, CountryCode[]> | undefined;
let metadata: MetadataInternals | null | undefined;
const profiles = new Map<string, Profile | null>();

function countriesFor(cc: string): CountryCode[] {
  if (!countriesByCallingCode) {
    countriesByCallingCode = new Map();
    for (const country of getCountries()) {
      const code = getCountryCallingCode(country);
      const list = countriesByCallingCode.get(code) ?? [];
      list.push(country);
      countriesByCallingCode.set(code, list);
    }
  }
  return countriesByCallingCode.get(cc) ?? [];
}

/** The metadata's internals, or null when this libphonenumber-js lays them out differently. */
function internals(): MetadataInternals | null {
  if (metadata === undefined) {
    const meta = new Metadata() as unknown as MetadataInternals;
    meta.selectNumberingPlan("US");
    const plan = meta.numberingPlan;
    const usable =
      typeof meta.hasCallingCode === "function" &&
      !!plan &&
      typeof plan.nationalPrefixForParsing === "function" &&
      typeof plan.nationalNumberPattern === "function" &&
      typeof plan.IDDPrefix === "function" &&
      typeof plan.possibleLengths === "function";
    metadata = usable ? meta : null;
  }
  return metadata;
}

// libphonenumber's checkNumberLength, reduced to the answers the parse depends on.
function lengthVerdict(lengths: number[] | undefined, n: number): "possible" | "long" | "no" {
  if (!lengths || lengths.length === 0) return "possible";
  const min = lengths[0] ?? 0;
  const max = lengths[lengths.length - 1] ?? 0;
  if (n === min) return "possible";
  if (n < min) return "no";
  if (n > max) return "long";
  return lengths.includes(n) ? "possible" : "no";
}

function agreed(values: boolean[]): boolean | undefined {
  return values.every((v) => v === values[0]) ? values[0] : undefined;
}

/** `key` is a region ("US") or "+" and a calling code ("+44"). */
function profileFor(key: string): Profile | null {
  const cached = profiles.get(key);
  if (cached !== undefined) return cached;
  let profile: Profile | null = null;
  try {
    profile = buildProfile(key);
  } catch {
    profile = null;
  }
  profiles.set(key, profile);
  return profile;
}

function buildProfile(key: string): Profile | null {
  const meta = internals();
  if (!meta) return null;
  const regionMode = !key.startsWith("+");
  const cc = regionMode ? getCountryCallingCode(key as CountryCode) : key.slice(1);
  const countries = countriesFor(cc);
  if (countries.length === 0) return null;
  // The plan libphonenumber selects: the region itself, or the calling code's main country.
  meta.selectNumberingPlan(regionMode ? key : cc);
  const plan = meta.numberingPlan;
  const nationalSource = plan?.nationalNumberPattern();
  if (!plan || !nationalSource) return null;
  const iddSource = plan.IDDPrefix();
  const nppSource = plan.nationalPrefixForParsing();
  const ownLengths = plan.possibleLengths();
  const lengthsByCountry = countries.map((country) => {
    meta.selectNumberingPlan(country);
    return meta.numberingPlan?.possibleLengths();
  });
  const possible: (boolean | undefined)[] = [];
  const keepStripped: (boolean | undefined)[] = [];
  for (let n = 0; n <= MAX_DIGITS; n++) {
    const verdicts = lengthsByCountry.map((lengths) => lengthVerdict(lengths, n));
    possible.push(agreed(verdicts.map((v) => v === "possible")));
    keepStripped.push(agreed(verdicts.map((v) => v !== "no")));
  }
  return {
    cc,
    idd: regionMode && iddSource ? new RegExp(`^(?:${iddSource})`) : null,
    npp: nppSource ? new RegExp(`^(?:${nppSource})`) : null,
    nppPlain: nppSource ? (new RegExp(`(?:${nppSource})|`).exec("")?.length ?? 2) === 1 : true,
    nationalPattern: new RegExp(`^(?:${nationalSource})$`),
    ownLengths,
    possible,
    keepStripped,
  };
}

/** libphonenumber's extractNationalNumber; undefined when it cannot be replayed here. */
function stripNationalPrefix(x: string, p: Profile): string | undefined {
  const prefix = p.npp?.exec(x);
  if (!prefix) return x;
  if (!p.nppPlain) return undefined;
  const stripped = x.slice(prefix[0].length);
  if (stripped === x) return x;
  if (p.nationalPattern.test(x) && !p.nationalPattern.test(stripped)) return x;
  const keep = p.keepStripped[stripped.length];
  if (keep === undefined) return undefined;
  return keep ? stripped : x;
}

function possibleNumber(nsn: string | undefined, p: Profile): Possible | null | undefined {
  if (nsn === undefined || nsn.length < 2 || nsn.length > 17) return undefined;
  const ok = p.possible[nsn.length];
  if (ok === undefined) return undefined;
  return ok ? { cc: p.cc, nsn } : null;
}

/** Digits without "+" read in a region or a calling code. null: not possible; undefined: ask the lib. */
function fastNational(d: string, key: string): Possible | null | undefined {
  const p = profileFor(key);
  if (!p || d.length < 4 || d.length > 17 || p.idd?.test(d)) return undefined;
  if (d.startsWith(p.cc)) {
    // Digits may start with the country code typed without "+" (15551234567, 447700900123).
    const main = key.startsWith("+") ? p : profileFor(`+${p.cc}`);
    const shorter = d.slice(p.cc.length);
    const full = stripNationalPrefix(d, p);
    const short = stripNationalPrefix(shorter, p);
    if (!main || full === undefined || short === undefined) return undefined;
    const ccTyped =
      (!p.nationalPattern.test(full) && p.nationalPattern.test(short)) ||
      lengthVerdict(p.ownLengths, full.length) === "long";
    if (ccTyped) return possibleNumber(stripNationalPrefix(shorter, main), main);
    return possibleNumber(full, p);
  }
  return possibleNumber(stripNationalPrefix(d, p), p);
}

/** Digits that follow a "+". */
function fastInternational(d: string): Possible | null | undefined {
  const meta = internals();
  if (!meta || d.length < 4 || d.length > 17) return undefined;
  if (d.startsWith("0")) return null;
  for (let i = 1; i <= 3; i++) {
    const cc = d.slice(0, i);
    if (!meta.hasCallingCode(cc)) continue;
    const p = countriesFor(cc).length > 0 ? profileFor(`+${cc}`) : null;
    return p ? possibleNumber(stripNationalPrefix(d.slice(i), p), p) : undefined;
  }
  return null;
}

type ParseArg = CountryCode | { defaultCallingCode: string };

function slowRead(text: string, arg?: ParseArg): Possible | null {
  try {
    const n = arg === undefined ? libParse(text) : libParse(text, arg);
    return n?.isPossible() ? { cc: n.countryCallingCode, nsn: n.nationalNumber } : null;
  } catch {
    return null; // unknown calling code in the country-code column, and the like
  }
}

// Index rebuilds read the same numbers again and again; remember the slow answers.
const slowCache = new Map<string, Possible | null>();
const SLOW_CACHE_MAX = 100_000;

function cachedSlowRead(cacheKey: string, text: string, arg?: ParseArg): Possible | null {
  const hit = slowCache.get(cacheKey);
  if (hit !== undefined) return hit;
  const result = slowRead(text, arg);
  if (slowCache.size >= SLOW_CACHE_MAX) slowCache.clear();
  slowCache.set(cacheKey, result);
  return result;
}

function readNational(d: string, mode: { region: CountryCode } | { cc: string }): Possible | null {
  const key = "region" in mode ? mode.region : `+${mode.cc}`;
  const fast = fastNational(d, key);
  if (fast !== undefined) return fast;
  return cachedSlowRead(`${key}|${d}`, d, "region" in mode ? mode.region : { defaultCallingCode: mode.cc });
}

function readInternational(d: string): Possible | null {
  const fast = fastInternational(d);
  if (fast !== undefined) return fast;
  return cachedSlowRead(`+|${d}`, `+${d}`);
}

function regionCallingCode(region: CountryCode): string {
  return profileFor(region)?.cc ?? getCountryCallingCode(region);
}

/**
 * How to read `d`: the country-code column wins when set; then the region (which also strips a
 * trunk prefix and the region's IDD); then "00" or the bare digits as an international number.
 */
function read(d: string, cc: string | null, region: CountryCode, plusTyped: boolean): Reading {
  if (d.length < 2 || d.length > MAX_DIGITS) return { kind: "unknown" };
  if (plusTyped) {
    const p = readInternational(d);
    return p ? { kind: "explicit", ...p } : { kind: "unknown" };
  }
  if (cc && /^\d{1,3}$/.test(cc)) {
    const p = readNational(d, { cc });
    if (p) return { kind: "explicit", ...p };
  } else {
    const p = readNational(d, { region });
    // The country code is among the digits (15557654321, 011 44 …): the country was said.
    if (p) return { kind: d.endsWith(p.cc + p.nsn) ? "explicit" : "implicit", ...p };
  }
  const p = d.startsWith("00")
    ? readInternational(d.slice(2))
    : d.startsWith("0")
      ? null
      : readInternational(d);
  return p ? { kind: "explicit", ...p } : { kind: "unknown" };
}

function withoutTrunkZero(d: string): string | null {
  return d.length > 1 && d.startsWith("0") && !d.startsWith("00") ? d.slice(1) : null;
}

function unique(values: (string | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v && !out.includes(v)) out.push(v);
  return out;
}

/** Match keys for a number as ITFlow stores it; see the top of this module. */
export function phoneKeys(stored: string, countryCode: string | null, defaultRegion: CountryCode): string[] {
  const d = digitsOnly(stored);
  if (d === "") return [];
  const r = read(d, digitsOnly(countryCode ?? "") || null, defaultRegion, false);
  switch (r.kind) {
    case "explicit":
      return unique([`+${r.cc}${r.nsn}`, r.nsn, d]);
    case "implicit":
      return unique([r.nsn, `?${r.nsn}`, d]);
    default: {
      const short = withoutTrunkZero(d);
      return unique([d, `?${d}`, short, short && `?${short}`]);
    }
  }
}

function keysForQuery(r: Reading, d: string): string[] {
  switch (r.kind) {
    case "explicit":
      return [`+${r.cc}${r.nsn}`, `?${r.nsn}`];
    case "implicit":
      return unique([r.nsn, d]);
    default:
      return unique([d, withoutTrunkZero(d)]);
  }
}

/** Match keys of a query, in the key space of `phoneKeys`. */
export function queryKeys(q: PhoneQuery): string[] {
  return q.keys;
}

// --- Parsing what people type -------------------------------------------------------------------

// An extension at the end: "x101", "x 101", "ext. 101", "extension: 101", "#101", RFC 3966 ";ext=101".
const EXTENSION = /\s*(?:;\s*ext\s*=|(?<![a-z])(?:ext(?:ension|n)?|x)\.?|#)\s*[:.#-]?\s*(\d{1,10})\s*#?$/i;
// Digits and the punctuation people put in phone numbers; "+" only in front.
const PHONE_TEXT = /^[(\s]*\+?[\d\s().\-/\u2010-\u2015\u2212]+$/;

/**
 * Reads a typed phone number. Letters are refused (no vanity numbers like 1-800-FLOWERS): a query
 * with letters is far more often a name ("Suite 5B", "Room 101") than a vanity number, and ITFlow
 * only holds digits anyway. Returns null for fewer than 7 or more than 18 digits, for text with
 * letters other than an extension marker, and for anything with an "@".
 */
export function parsePhoneQuery(input: string, defaultRegion: CountryCode): PhoneQuery | null {
  return readTyped(input, defaultRegion)?.query ?? null;
}

function readTyped(input: string, region: CountryCode): { query: PhoneQuery; reading: Reading } | null {
  // NFKC turns full-width digits and punctuation (from CJK keyboards) into ASCII.
  let s = input.normalize("NFKC").trim();
  if (s.includes("@")) return null;
  s = s.replace(/^tel:/i, "").replace(/;(?!\s*ext\s*=)[^;]*/gi, "");
  let extension: string | null = null;
  const ext = EXTENSION.exec(s);
  if (ext?.[1]) {
    extension = ext[1];
    s = s.slice(0, ext.index);
  }
  if (!PHONE_TEXT.test(s)) return null;
  const digits = digitsOnly(s);
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return null;
  const reading = read(digits, null, region, /^[(\s]*\+/.test(s));
  let e164: string | null = null;
  let variants: string[];
  if (reading.kind === "unknown") {
    variants = unique([digits, withoutTrunkZero(digits)]);
  } else {
    e164 = `+${reading.cc}${reading.nsn}`;
    const national = digitsOnly(libParse(e164)?.format("NATIONAL") ?? "");
    // The web UI stores national digits with the country code aside; the API stores what was
    // typed, trunk 0 or country code included.
    variants = unique([reading.nsn, national, reading.cc + reading.nsn, digits]);
  }
  const keys = keysForQuery(reading, digits);
  return { query: { input, digits, extension, e164, variants, keys }, reading };
}

// --- Showing and storing ------------------------------------------------------------------------

function readStored(stored: string, countryCode: string | null, region: CountryCode): Possible | null {
  const d = digitsOnly(stored);
  if (d === "") return null;
  const r = read(d, digitsOnly(countryCode ?? "") || null, region, /^\s*\+/.test(stored));
  return r.kind === "unknown" ? null : r;
}

/**
 * For display: national format for numbers of the default region's calling code ("(555) 123-4567",
 * also Canada's for a US bot), international for others ("+44 7700 900123"); the stored text when
 * the number cannot be read.
 */
export function formatPhone(stored: string, countryCode: string | null, defaultRegion: CountryCode): string {
  const key = `${defaultRegion}|${countryCode ?? ""}|${stored}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const r = readStored(stored, countryCode, defaultRegion);
  const n = r ? libParse(`+${r.cc}${r.nsn}`) : undefined;
  const text =
    !r || !n
      ? stored.trim()
      : n.format(r.cc === regionCallingCode(defaultRegion) ? "NATIONAL" : "INTERNATIONAL");
  if (formatted.size >= FORMATTED_MAX) formatted.clear();
  formatted.set(key, text);
  return text;
}

// Every card, list row, pop and form shows its numbers formatted, and libphonenumber's formatter
// (a parse, then pattern matching over the region's formats) was ~11% of the bot's CPU answering
// under load; the same numbers are shown again and again. Bounded, like slowCache: cleared when full.
const formatted = new Map<string, string>();
const FORMATTED_MAX = 20_000;

/** "+15551234567" for a stored number, or null when the country cannot be determined. */
export function e164Of(
  stored: string,
  countryCode: string | null,
  defaultRegion: CountryCode,
): string | null {
  const r = readStored(stored, countryCode, defaultRegion);
  return r ? `+${r.cc}${r.nsn}` : null;
}

/** RFC 3966 URI ("tel:+15551234567;ext=101"), or null when the country cannot be determined. */
export function telUri(
  stored: string,
  countryCode: string | null,
  defaultRegion: CountryCode,
  extension?: string | null,
): string | null {
  const e164 = e164Of(stored, countryCode, defaultRegion);
  if (!e164) return null;
  const ext = digitsOnly(extension ?? "");
  return `tel:${e164}${ext ? `;ext=${ext}` : ""}`;
}

/** Whether a number as ITFlow stores it is the number `query` names, by the index's match rules. */
export function isSameNumber(
  stored: string,
  countryCode: string | null,
  defaultRegion: CountryCode,
  query: PhoneQuery,
): boolean {
  if (!stored) return false;
  const keys = phoneKeys(stored, countryCode, defaultRegion);
  return query.keys.some((k) => keys.includes(k));
}

/** A number typed into a form, as ITFlow should store it, with the extension typed after it. */
export interface StoredPhone {
  digits: string;
  /** "12" from "555 123 4567 ext. 12" or "5551234567 x12": it belongs in the extension field. */
  extension: string | null;
}

/**
 * What to send ITFlow for a number typed into a form: the national digits for numbers of the
 * default region ("5551234567"), country code and national digits for others ("447700900123",
 * since the API cannot set the country-code column), the typed digits when the country is
 * unknown; and the extension written after the number, apart. null when it is not a phone number.
 */
export function phoneForStorage(input: string, defaultRegion: CountryCode): StoredPhone | null {
  const typed = readTyped(input, defaultRegion);
  if (!typed) return null;
  const r = typed.reading;
  const extension = typed.query.extension;
  if (r.kind === "unknown") return { digits: typed.query.digits, extension };
  return { digits: r.cc === regionCallingCode(defaultRegion) ? r.nsn : r.cc + r.nsn, extension };
}

/** @internal Exposed so tests can check the fast path against libphonenumber itself. */
export const phoneInternals = {
  /** `key`: a region ("US"), a calling code ("+44"), or "+" for digits that followed a "+". */
  fastRead(d: string, key: string): Possible | null | undefined {
    return key === "+" ? fastInternational(d) : fastNational(d, key);
  },
  slowRead(d: string, key: string): Possible | null {
    if (key === "+") return slowRead(`+${d}`);
    return key.startsWith("+")
      ? slowRead(d, { defaultCallingCode: key.slice(1) })
      : slowRead(d, key as CountryCode);
  },
};
