// 3CX's side of a call: it sends no ringing event, only the CRM lookup when a call comes in and,
// when the call is over, its call journal (the template's ReportCall scenario). So a 3CX lookup
// pops the caller's card (at most once per number a minute: 3CX repeats lookups on transfers), and
// the journal closes that pop — found by the caller's number, since 3CX journals carry no call id.
import type { CountryCode } from "libphonenumber-js";
import type { CallEvent } from "../../commands/calls/pops.js";
import { type CallerNumber, readCallerNumber, UnreadableNumber } from "../../src/contacts/caller-number.js";
import type { Store } from "../../src/store.js";
import { RequestRefused } from "./request.js";

/** A number's lookup pops once in this window. */
export const LOOKUP_POP_WINDOW_MS = 60_000;
/** How long a journal can still find the pop its lookup opened (a long call). */
const OPEN_POP_TTL_MS = 6 * 3600_000;

export type JournalCallType = "inbound" | "outbound" | "missed";

export interface Journal {
  callType: JournalCallType;
  number: CallerNumber;
  agent: string | null;
  durationSec: number | null;
  /** When the call started, when 3CX said so (for a call id when no lookup opened a pop). */
  startedAt: string | null;
}

const CALL_TYPES: Record<string, JournalCallType> = {
  inbound: "inbound",
  outbound: "outbound",
  missed: "missed",
  notanswered: "missed",
  unanswered: "missed",
};

function text(value: unknown): string | null {
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** "00:03:12", "3:12", "192", "192.5", .NET's "00:03:12.1234567" → seconds; null when unreadable. */
export function parseDuration(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value));
  const clock = /^(?:(\d+)\.)?(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$/.exec(value);
  if (!clock) return null;
  const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = clock;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

function parseTime(value: string | null): number | null {
  if (value === null) return null;
  // "2026-12-01 14:32:05" (3CX's default) is UTC here, as the field names say.
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value)
    ? `${value.replace(" ", "T")}Z`
    : value;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** A ReportCall request's fields (lower-cased keys; JSON, form or query). */
export function parseJournal(
  fields: Record<string, unknown>,
  region: CountryCode,
  minDigits: number,
): Journal {
  const rawType = text(fields.calltype);
  if (!rawType) throw new RequestRefused(400, 'missing "CallType" (Inbound, Outbound, Missed, Notanswered)');
  const callType = CALL_TYPES[rawType.toLowerCase()];
  if (!callType) {
    throw new RequestRefused(
      400,
      `unknown "CallType" "${rawType.slice(0, 30)}" (Inbound, Outbound, Missed, Notanswered)`,
    );
  }
  const rawNumber = text(fields.number);
  if (rawNumber === null) throw new RequestRefused(400, 'missing number: "Number" is required');
  let number: CallerNumber;
  try {
    number = readCallerNumber(rawNumber, region, minDigits);
  } catch (error) {
    if (error instanceof UnreadableNumber)
      throw new RequestRefused(400, `unreadable "Number": ${error.message}`);
    throw error;
  }
  const start = parseTime(text(fields.callstarttimeutc));
  const end = parseTime(text(fields.callendtimeutc));
  const measured = start !== null && end !== null && end >= start ? Math.round((end - start) / 1000) : null;
  return {
    callType,
    number,
    agent: text(fields.agent),
    durationSec: parseDuration(text(fields.duration)) ?? measured,
    startedAt: text(fields.callstarttimeutc) ?? text(fields.datetime),
  };
}

function numberKeyOf(number: CallerNumber): string {
  if (number.kind === "number") return number.key;
  if (number.kind === "extension") return `ext:${number.digits}`;
  return "withheld";
}

/** The call a lookup pops as, or null when this number popped within the last minute. */
export async function lookupPopCall(store: Store, number: CallerNumber, now: number): Promise<string | null> {
  if (number.kind !== "number") return null;
  if (!(await store.claim(`3cx-lookup:${number.key}`, LOOKUP_POP_WINDOW_MS))) return null;
  const callId = `3cx:${number.key}:${now}`;
  await store.namespace("calls-3cx").set(number.key, callId, OPEN_POP_TTL_MS);
  return callId;
}

/**
 * The event a journal means for the call it closes: the pop its lookup opened, or else a call of
 * its own (a number 3CX found in its phonebook is not looked up, and still belongs in the channel).
 * null when there is nothing to show (an outgoing call nobody popped, an internal one).
 */
export async function journalEvent(store: Store, journal: Journal, now: number): Promise<CallEvent | null> {
  const { number } = journal;
  if (number.kind === "extension") return null;
  const open = store.namespace("calls-3cx");
  const key = numberKeyOf(number);
  const opened = number.kind === "number" ? await open.get<string>(key) : undefined;
  if (!opened && journal.callType === "outbound") return null;
  if (opened) await open.delete(key);
  return {
    callId: opened ?? `3cx:${key}:${journal.startedAt ?? now}`,
    event: journal.callType === "missed" ? "missed" : "ended",
    from: number,
    agent: journal.callType === "inbound" ? journal.agent : null,
    durationSec: journal.callType === "missed" ? null : journal.durationSec,
  };
}
