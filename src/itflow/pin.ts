// The ONE place the bot reads `contact_pin`, ITFlow's caller-verification secret. Everywhere else the
// contact schema (wire.ts) drops it. Here a contact row just read by id is checked against what a
// caller said, and only the outcome leaves: match, no match, or no PIN on file. The PIN itself, its
// length or any part of it never leaves this module: not in a return value, an error, a log line.
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Contact } from "../contacts/types.js";
import { parseRows } from "./decode.js";
import { ItflowError } from "./errors.js";
import { contactRowSchema } from "./wire.js";

export type PinResult = "match" | "noMatch" | "noPin";

export interface PinCheck {
  /** The contact as ITFlow holds it now, decoded like every other row (so without the PIN). */
  contact: Contact;
  result: PinResult;
}

// Only the one column; ITFlow sends text or null (a number is tolerated, like every other column).
const pinColumnSchema = z.object({
  contact_pin: z.union([z.string(), z.number(), z.null()]).optional(),
});

/** What both sides are compared as: trimmed, inner whitespace collapsed, case-insensitive. */
export function normalizePin(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

// Digests have one length whatever the inputs, which timingSafeEqual requires; comparing them
// takes the same time wherever the first difference is, so timing says nothing about closeness.
const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Compares what the caller said with the PIN on file, in constant time. */
export function comparePin(stored: string | number | null | undefined, attempt: string): PinResult {
  const onFile = stored === null || stored === undefined ? "" : normalizePin(String(stored));
  if (onFile === "") return "noPin";
  return timingSafeEqual(digest(onFile), digest(normalizePin(attempt))) ? "match" : "noMatch";
}

/**
 * Checks `attempt` against the PIN in the rows of a contacts/read.php?contact_id= answer. Null
 * when the rows hold no contact `contactId` (it was deleted, or the key cannot see it).
 */
export function checkPinInRows(rows: unknown[], contactId: number, attempt: string): PinCheck | null {
  for (const row of rows) {
    const [contact] = parseRows(contactRowSchema, [row], "contact");
    if (contact?.id !== contactId) continue;
    const pin = pinColumnSchema.safeParse(row);
    // zod's issue would quote the offending value: the message names the column only.
    if (!pin.success) {
      throw new ItflowError("malformed", "ITFlow sent a contact whose PIN the bot could not read.", {
        status: 200,
      });
    }
    return { contact, result: comparePin(pin.data.contact_pin, attempt) };
  }
  return null;
}
