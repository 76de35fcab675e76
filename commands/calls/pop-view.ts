// The caller's card as it pops into a helpdesk channel: a view like any other, rendered by the
// Slack and Discord adapters. Everyone in the channel sees it, so it holds only what identifies the
// caller (name, title, client, flags) — never notes, email, PIN or anything else on the card.
import { formatPhone } from "../../src/contacts/phone.js";
import { contactUrl } from "../summary.js";
import type { CallerLookup } from "./lookup.js";

export type CallState = "ringing" | "answered" | "ended" | "missed";

/** A call only moves forward: a late or repeated event never takes its message back. */
export const STATE_ORDER: Record<CallState, number> = { ringing: 0, answered: 1, ended: 2, missed: 2 };

/** Callers listed by name on one pop; the rest are counted. */
export const POP_CALLERS_MAX = 5;

export interface PopCaller {
  id: number;
  name: string;
  title: string;
  client: { id: number; name: string };
  important: boolean;
  primary: boolean;
  itflowUrl: string;
}

export interface CallPopView {
  kind: "callPop";
  state: CallState;
  /** The caller's number for people ("(555) 123-4567"); null when withheld. */
  number: string | null;
  /** Who the number belongs to, best first, at most POP_CALLERS_MAX. */
  callers: PopCaller[];
  /** How many contacts have this number in all. */
  total: number;
  /** ITFlow did not answer in time, so "unknown" may be wrong. */
  lookupIncomplete: boolean;
  /** What the Create contact button prefills (an unknown caller's number); null: no button. */
  createFrom: string | null;
  agent: string | null;
  durationSec: number | null;
}

/** The part of a pop fixed when the call is first seen: who is calling. */
export type PopCallerPart = Pick<
  CallPopView,
  "number" | "callers" | "total" | "lookupIncomplete" | "createFrom"
>;

/** `canCreate`: whether the bot's ITFlow key may create contacts (a read-only key offers no Create). */
export function callerPart(
  lookup: CallerLookup,
  region: Parameters<typeof formatPhone>[2],
  itflowUrl: string,
  canCreate: boolean,
) {
  const { number, matches } = lookup;
  if (number.kind === "withheld") {
    return {
      number: null,
      callers: [],
      total: 0,
      lookupIncomplete: false,
      createFrom: null,
    } satisfies PopCallerPart;
  }
  const display =
    number.kind === "number"
      ? formatPhone(number.query?.e164 ?? number.digits, null, region)
      : number.received;
  const callers = matches.slice(0, POP_CALLERS_MAX).map(({ row }) => ({
    id: row.contact.id,
    name: row.contact.name,
    title: row.contact.title,
    client: { id: row.client.id, name: row.client.name },
    important: row.contact.important,
    primary: row.contact.primary,
    itflowUrl: contactUrl(itflowUrl, row.client.id, row.contact.id),
  }));
  return {
    number: display,
    callers,
    total: matches.length,
    lookupIncomplete: lookup.incomplete,
    createFrom: canCreate && matches.length === 0 && number.kind === "number" ? display : null,
  } satisfies PopCallerPart;
}

/** "45 s", "3 min 12 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ""}`;
}

/** The status line every renderer shows under the caller: "Answered by Bob · Ended · 3 min 12 s". */
export function statusLine(view: CallPopView): string {
  const answered = view.agent ? `Answered by ${view.agent}` : null;
  switch (view.state) {
    case "ringing":
      return "Incoming call";
    case "answered":
      return answered ?? "Answered";
    case "ended": {
      const ended = view.durationSec !== null ? `Ended · ${formatDuration(view.durationSec)}` : "Ended";
      return answered ? `${answered} · ${ended}` : ended;
    }
    case "missed":
      return "Missed call";
  }
}

/** The one-line summary of who is calling, for notification text and the caller-ID name. */
export function callerHeadline(view: CallPopView): string {
  if (view.number === null) return "Withheld number";
  const first = view.callers[0];
  if (!first) return "Unknown caller";
  if (view.total === 1) return `${first.name} (${first.client.name})`;
  return `${first.name} (${first.client.name}) +${view.total - 1}`;
}
