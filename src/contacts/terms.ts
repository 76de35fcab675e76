// The email addresses and phone numbers in a piece of free text (a chat message someone wants to
// "Look up contact" on), in the order they appear, each once.
import type { CountryCode } from "libphonenumber-js";
import { digitsOnly } from "./phone.js";
import { classifyQuery } from "./query.js";

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// A run of digits with phone punctuation, optionally starting with "+": checked afterwards by the
// phone parser, which decides whether it really is a number.
const PHONE = /\+?\(?\d[\d\s().\-/\u2010-\u2015]{5,}\d/g;
// Dates look like numbers to a phone parser ("2024-01-15" has eight digits) and fill messages.
const DATE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;

export function contactTermsIn(text: string, region: CountryCode): string[] {
  const found: Array<{ at: number; term: string; key: string }> = [];
  for (const m of text.matchAll(EMAIL)) {
    const q = classifyQuery(m[0], region);
    if (q.kind === "email") found.push({ at: m.index, term: m[0], key: `e:${q.email}` });
  }
  // Digits inside an email address ("tom2024@…") are not a phone number.
  const withoutEmails = text.replace(EMAIL, (e) => " ".repeat(e.length));
  for (const m of withoutEmails.matchAll(PHONE)) {
    const term = m[0].trim();
    const digits = digitsOnly(term);
    if (digits.length < 7 || digits.length > 18 || DATE.test(term)) continue;
    const q = classifyQuery(term, region);
    // The same number written two ways ("555-123-4567", "(555) 123 4567") is looked up once.
    if (q.kind === "phone") found.push({ at: m.index, term, key: `p:${q.phone.e164 ?? digits}` });
  }
  found.sort((a, b) => a.at - b.at);
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.key) && seen.add(f.key)).map((f) => f.term);
}
