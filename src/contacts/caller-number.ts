// A caller's number as phone systems hand it over: E.164 with or without "+", "00" or the region's
// IDD in front, national with a trunk 0, only the last N digits (3CX's MaxLength), a SIP or tel:
// URI, a word for a withheld number, or an internal extension. Everything that can be a number goes
// through the same reading as a number typed into /contact find (phone.ts), so a caller is found
// however the trunk delivered the number.
import type { CountryCode } from "libphonenumber-js";
import { digitsOnly, type PhoneQuery, parsePhoneQuery } from "./phone.js";

export type CallerNumber =
  /** No number to look up: the caller withheld it (or the PBX sent nothing usable as a number). */
  | { kind: "withheld"; received: string }
  /** Fewer digits than a subscriber number has: an internal extension. */
  | { kind: "extension"; received: string; digits: string }
  | {
      kind: "number";
      received: string;
      /** The digits as received (after "+", IDD, trunk 0 — all kept). */
      digits: string;
      /** null when too few digits arrived to be a whole number: only its tail can be matched. */
      query: PhoneQuery | null;
      /** One spelling per number, whatever form it arrived in: E.164 when the country is known. */
      key: string;
    };

/** What PBXs put in the caller-ID field when there is no number to show. */
const WITHHELD =
  /^(?:anonymous|withheld|private|restricted|unknown|unavailable|blocked|no ?caller ?id|clid ?withheld)$/i;

/** Fewer digits than this are no whole number anywhere (phone.ts reads from 7 on). */
const MIN_WHOLE_NUMBER = 7;

export class UnreadableNumber extends Error {
  override readonly name = "UnreadableNumber";
}

/**
 * Reads a number from a PBX. `minDigits`: below this many digits a number is an extension
 * (CALLS_MIN_DIGITS). Throws UnreadableNumber, with a one-line reason, for anything that is
 * neither a number nor a withheld marker.
 */
export function readCallerNumber(raw: string, region: CountryCode, minDigits: number): CallerNumber {
  const received = raw.trim();
  // sip:+15551234567@pbx.example;user=phone → +15551234567 ; tel:+1-555-123-4567 → +1-555-123-4567
  const user = received.replace(/^(?:sips?|tel):/i, "").replace(/[@;].*$/, "");
  if (user === "" || WITHHELD.test(user)) return { kind: "withheld", received };
  if (/[A-Za-z]/.test(user)) throw new UnreadableNumber(`"${clip(received)}" is not a phone number`);
  const digits = digitsOnly(user);
  if (digits === "" || /^0+$/.test(digits)) return { kind: "withheld", received };
  if (digits.length < minDigits) return { kind: "extension", received, digits };
  if (digits.length < MIN_WHOLE_NUMBER) return { kind: "number", received, digits, query: null, key: digits };
  const query = parsePhoneQuery(user, region);
  if (!query) throw new UnreadableNumber(`"${clip(received)}" is not a phone number`);
  return { kind: "number", received, digits, query, key: query.e164 ?? digits };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
