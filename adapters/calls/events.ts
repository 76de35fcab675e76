// POST /calls/events: the generic call-event webhook, modelled on Zammad's generic CTI API. A small
// script on any PBX (or its own webhook feature) sends one JSON object per call event:
//   {"event": "ringing"|"answered"|"ended"|"missed", "callId": "…", "from": "…",
//    "to": "…", "direction": "in"|"out", "agent": "…"}      (to, direction, agent optional)
import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import type { CallState } from "../../commands/calls/pop-view.js";
import { type CallerNumber, readCallerNumber, UnreadableNumber } from "../../src/contacts/caller-number.js";
import { RequestRefused } from "./request.js";

// Some PBXs send numbers as JSON numbers; a number is text here either way.
const numberText = z.union([z.string(), z.number().int().nonnegative()]).transform(String);

const eventSchema = z.object({
  event: z.enum(["ringing", "answered", "ended", "missed"], {
    error: '"event" must be one of ringing, answered, ended, missed',
  }),
  callid: z
    .union([z.string(), z.number()], { error: '"callId" is missing' })
    .transform(String)
    .pipe(z.string().trim().min(1, '"callId" is empty').max(200, '"callId" is longer than 200 characters')),
  from: numberText.pipe(z.string().max(200, '"from" is longer than 200 characters')).optional(),
  to: numberText.pipe(z.string().max(200, '"to" is longer than 200 characters')).optional(),
  direction: z.enum(["in", "out"], { error: '"direction" must be in or out' }).optional().default("in"),
  agent: z.string().trim().max(100, '"agent" is longer than 100 characters').optional(),
});

export interface CallWebhookEvent {
  callId: string;
  event: CallState;
  from: CallerNumber;
  to: string | null;
  direction: "in" | "out";
  agent: string | null;
}

/** Fields arrive lower-cased (bodyFields); a missing or unreadable number is refused here, with 400. */
export function parseCallEvent(
  fields: Record<string, unknown>,
  region: CountryCode,
  minDigits: number,
): CallWebhookEvent {
  const parsed = eventSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue?.message.startsWith('"')
      ? issue.message
      : `"${String(issue?.path[0] ?? "body")}" ${issue?.message ?? "is not valid"}`;
    throw new RequestRefused(400, message);
  }
  const e = parsed.data;
  if (e.from === undefined) throw new RequestRefused(400, 'missing number: "from" is required');
  let from: CallerNumber;
  try {
    from = readCallerNumber(e.from, region, minDigits);
  } catch (error) {
    if (error instanceof UnreadableNumber)
      throw new RequestRefused(400, `unreadable number in "from": ${error.message}`);
    throw error;
  }
  return {
    callId: e.callid,
    event: e.event,
    from,
    to: e.to?.trim() || null,
    direction: e.direction,
    agent: e.agent || null,
  };
}

/** Outgoing calls and calls between two extensions are nobody's business in the helpdesk channel. */
export function shouldPop(event: CallWebhookEvent, region: CountryCode, minDigits: number): boolean {
  if (event.direction === "out") return false;
  if (event.from.kind !== "extension") return true;
  if (event.to === null) return false;
  try {
    return readCallerNumber(event.to, region, minDigits).kind === "number";
  } catch {
    return false;
  }
}
