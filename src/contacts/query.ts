// What a person typed after "find": an id, an email, a phone number, part of one, or a name.

import type { CountryCode } from "libphonenumber-js";
import { digitsOnly, type PhoneQuery, parsePhoneQuery } from "./phone.js";
import { normalizeForSearch } from "./text.js";

export type Query =
  | { kind: "empty" }
  /** "#42", "id:42", "id 42". A bare number is never an id: it may be (part of) a phone number. */
  | { kind: "id"; id: number }
  /** Trimmed and lower-cased; from "x@y", "mailto:x@y" or "Name <x@y>". */
  | { kind: "email"; email: string }
  /**
   * One token with an "@" that is not an address ("alice@", "@acme.example"), so the caller can
   * say so instead of answering "no contact named alice@". `input` is the token as typed.
   */
  | { kind: "invalidEmail"; input: string }
  | { kind: "phone"; phone: PhoneQuery }
  /** 3–6 digits with only phone punctuation ("4567", "123-45"): a search inside stored digits. */
  | { kind: "partialPhone"; digits: string }
  /** Anything else, including 1–2 digits. `normalized` is `normalizeForSearch(text)`. */
  | { kind: "name"; text: string; normalized: string };

const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  "'": "'",
  "`": "`",
  "“": "”",
  "‘": "’",
  "„": "“",
  "«": "»",
};
// ITFlow's ids are MySQL INT.
const MAX_ID = 2_147_483_647;
const ID = /^(?:#|id\s*[:#=]?)\s*(\d{1,10})$/i;
const PARTIAL_PHONE = /^\+?[\d\s().\-/\u2010-\u2015\u2212]+$/;
// Deliberately loose: ITFlow checks nothing, so whatever it holds must stay findable. One "@",
// something on both sides, no spaces or characters that cannot be in an address, no empty labels.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@(?:[^\s@<>()[\]\\,;:".]+\.)*[^\s@<>()[\]\\,;:".]+$/;

export function classifyQuery(input: string, defaultRegion: CountryCode): Query {
  const text = clean(input);
  if (text === "") return { kind: "empty" };

  const id = ID.exec(text);
  if (id?.[1]) {
    const n = Number(id[1]);
    if (n >= 1 && n <= MAX_ID) return { kind: "id", id: n };
  }

  const address = emailCandidate(text);
  if (address !== null) {
    const email = address.toLowerCase();
    return EMAIL.test(email) ? { kind: "email", email } : { kind: "invalidEmail", input: address };
  }

  const phone = parsePhoneQuery(text, defaultRegion);
  if (phone) return { kind: "phone", phone };

  if (PARTIAL_PHONE.test(text)) {
    const digits = digitsOnly(text);
    if (digits.length >= 3 && digits.length <= 6) return { kind: "partialPhone", digits };
  }

  const normalized = normalizeForSearch(text);
  // Text that normalizes to nothing ("<b></b>") would match every name.
  if (normalized === "") return { kind: "empty" };
  return { kind: "name", text, normalized };
}

function clean(input: string): string {
  // Zero-width characters arrive with pasted text and would defeat every comparison.
  let s = input
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const close = s.length >= 2 ? QUOTE_PAIRS[s[0] ?? ""] : undefined;
  if (close !== undefined && s.endsWith(close)) s = s.slice(1, -1).trim();
  // Chat apps send links as <target|label> (Slack: <mailto:a@b|a@b>, <tel:+1555…|…>).
  const link = /^<([^<>|]+)(?:\|[^<>]*)?>$/.exec(s);
  if (link?.[1]) s = link[1].trim();
  if (/^tel:/i.test(s)) s = s.slice(4).trim();
  return s;
}

/** The address part when `text` looks like an attempt at an email, else null. */
function emailCandidate(text: string): string | null {
  // "Grace Hopper <grace@globex.example>" and "<grace@globex.example>"
  const angle = /^[^<>]*<([^<>]*)>$/.exec(text);
  let s = angle ? (angle[1] ?? "").trim() : text;
  if (/^mailto:/i.test(s)) {
    s = s.slice(7).replace(/\?.*$/, "");
    try {
      s = decodeURIComponent(s);
    } catch {
      // a stray "%" is left as typed
    }
  }
  if (!s.includes("@") || /\s/.test(s)) return null;
  return s;
}
