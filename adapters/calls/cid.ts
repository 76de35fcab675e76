// GET /calls/cid: the caller's name as plain text for FreePBX Caller ID Superfecta, Asterisk's
// CURL() and any PBX that puts a URL's answer on the desk phone's display. Empty when unknown.
import type { CallerLookup } from "../../commands/calls/lookup.js";

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Cuts to at most `max` characters as people count them (an emoji or "é" is one, never split). */
export function cutCharacters(text: string, max: number): string {
  const parts = [...graphemes.segment(text)].map((s) => s.segment);
  return parts.length <= max ? text : parts.slice(0, max).join("").trimEnd();
}

// A desk phone shows one line; control characters, line breaks and bidirectional overrides from
// ITFlow text have no place there (a newline would end the answer a dialplan reads). Joiners stay:
// they hold emoji and some scripts together.
function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * "Alice Anderson (Acme Corp)"; several contacts at one client → "Acme Corp"; at several clients →
 * "Alice Anderson +2" (the best match and how many others). "" when nobody has the number.
 */
export function callerIdName(lookup: CallerLookup, maxLength: number): string {
  const [first] = lookup.matches;
  if (!first) return "";
  const name = oneLine(first.row.contact.name);
  const client = oneLine(first.row.client.name);
  if (lookup.matches.length === 1) return cutCharacters(client ? `${name} (${client})` : name, maxLength);
  const clients = new Set(lookup.matches.map((m) => m.row.client.id));
  if (clients.size === 1) return cutCharacters(client, maxLength);
  // The count matters more than the end of a long name: the name gives way.
  const more = ` +${lookup.matches.length - 1}`;
  return `${cutCharacters(name, Math.max(1, maxLength - more.length))}${more}`;
}
