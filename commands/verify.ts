// `verify`: is this caller who they say they are? The technician types what the caller says; the
// bot compares it with the contact's ITFlow PIN (read fresh for every attempt, see
// src/itflow/pin.ts) and answers only "matches" or "does not match" — never the PIN, its length,
// its first characters or how close the attempt came. Attempts are limited and logged.
import type { ContactRow } from "../src/contacts/directory.js";
import { formatPhone } from "../src/contacts/phone.js";
import { classifyQuery } from "../src/contacts/query.js";
import { VERIFY_LIMITS, VerificationLimits } from "../src/contacts/verification-limits.js";
import type { Caller, Platform } from "./caller.js";
import { actionDeadline, type CommandContext } from "./context.js";
import { failureNotice } from "./failure.js";
import { viewOfRows } from "./find.js";
import type { NoticeView, View } from "./views.js";

/** Who is being verified, as every answer names them. */
export interface VerifiedContact {
  id: number;
  name: string;
  client: string;
}

/** Ask the technician what the caller says (the one-field form). */
export interface VerifyPromptView {
  kind: "verifyPrompt";
  contact: VerifiedContact;
}

export type VerifyOutcome =
  | { result: "match" }
  /** `lockedUntil` is set when this failure locked the contact. */
  | { result: "noMatch"; triesLeft: number; lockedUntil: number | null }
  /** No PIN on file: the safe alternative is calling back on the number ITFlow holds. */
  | { result: "noPin"; callBack: string | null }
  | { result: "locked"; until: number }
  /** The technician used all their attempts for now. */
  | { result: "capped"; until: number };

export interface VerifyResultView {
  kind: "verifyResult";
  contact: VerifiedContact;
  outcome: VerifyOutcome;
}

/** One verification attempt, for the audit channels. */
export interface VerifyAuditEvent {
  platform: Platform;
  /** The technician, as a person reads it (a display name, or the id when there is none). */
  who: string;
  contact: VerifiedContact;
  outcome: VerifyOutcome;
}

/** Somewhere attempts are posted as they happen (a Slack or Discord channel). */
export interface VerifyAuditSink {
  post(event: VerifyAuditEvent): Promise<void>;
}

/** Adds an audit sink to the bot's; returns what removes it again (when its platform stops). */
export function addAuditSink(ctx: CommandContext, sink: VerifyAuditSink): () => void {
  const sinks = ctx.verifyAudit;
  sinks?.push(sink);
  return () => {
    const at = sinks?.indexOf(sink) ?? -1;
    if (at >= 0) sinks?.splice(at, 1);
  };
}

export interface VerifyInput {
  contactId: number;
  /** What the caller said, as typed. Never logged, stored or echoed. */
  attempt: string;
  /** The technician's display name, for the audit line. */
  who?: string;
}

/** The longest answer a form accepts; ITFlow's PIN is a short free-text field. */
export const ATTEMPT_MAX = 200;

const DENIED: NoticeView = {
  kind: "notice",
  level: "denied",
  text: "You are not allowed to verify callers. An admin can add you to VERIFY_ALLOW.",
};

const minutes = (ms: number) => Math.round(ms / 60_000);

function verified(row: ContactRow): VerifiedContact {
  return {
    id: row.contact.id,
    name: row.contact.name || `Contact #${row.contact.id}`,
    client: row.client.name,
  };
}

function notFound(contactId: number): NoticeView {
  return { kind: "notice", level: "notFound", text: `Contact #${contactId} no longer exists in ITFlow.` };
}

/**
 * The verify form for a query (`#42`, an email, a phone, a name) or a contact id. From the index
 * only (no ITFlow call): Discord must show the form as its very first answer. A contact whose
 * verification is locked gets that answer instead of a form that could only be refused.
 */
export async function openVerify(
  ctx: CommandContext,
  caller: Caller,
  target: { contactId: number } | { query: string },
): Promise<VerifyPromptView | VerifyResultView | View> {
  if (!ctx.policy.canVerify(caller)) return DENIED;
  const deadline = actionDeadline(ctx);
  try {
    let row: ContactRow | null;
    if ("contactId" in target) {
      row =
        (await ctx.directory.getCached(target.contactId)) ??
        (await ctx.directory.getFresh(target.contactId, deadline));
      if (!row) return notFound(target.contactId);
    } else {
      const query = classifyQuery(target.query, ctx.region);
      if (query.kind === "empty") {
        return {
          kind: "notice",
          level: "info",
          text: "Say whose PIN to check, e.g. `verify alice@acme.example` or `verify #42`.",
        };
      }
      if (query.kind === "phone" && !ctx.directory.loaded) {
        // Before the list has loaded a number is looked up by ITFlow's own read, which returns one
        // contact even when several share it: verifying the wrong one of them must not be possible.
        return {
          kind: "notice",
          level: "info",
          text: "The contact list is still loading, so a number cannot tell who shares it yet: verify by email or #id, or try again in a moment.",
        };
      }
      const rows = query.kind === "invalidEmail" ? [] : await ctx.directory.find(query, { deadline });
      row = rows.length === 1 ? (rows[0] ?? null) : null;
      if (!row) {
        const view = viewOfRows(ctx, caller, target.query.trim(), rows);
        // "No contact matches" offers to create one, which is not what someone verifying wants.
        return view.kind === "notice" ? { ...view, createFrom: undefined } : view;
      }
    }
    const until = await new VerificationLimits(ctx.store).lockedUntil(row.contact.id);
    const contact = verified(row);
    return until === null
      ? { kind: "verifyPrompt", contact }
      : { kind: "verifyResult", contact, outcome: { result: "locked", until } };
  } catch (error) {
    return failureNotice(error, ctx.logger, "looking up the contact to verify");
  }
}

/** The technician for the attempt limits: the same person on one platform and workspace. */
function technicianOf(caller: Caller): string {
  return `${caller.platform}:${caller.workspaceId ?? "-"}:${caller.userId}`;
}

/** The number to call back on: the contact's phone, else mobile, formatted as people read it. */
function callBackNumber(row: ContactRow, ctx: CommandContext): string | null {
  const { contact } = row;
  if (contact.phone) return formatPhone(contact.phone, contact.phoneCountryCode, ctx.region);
  if (contact.mobile) return formatPhone(contact.mobile, contact.mobileCountryCode, ctx.region);
  return null;
}

/** Checks what the caller said against the contact's PIN, within the attempt limits. */
export async function verifyCaller(
  ctx: CommandContext,
  caller: Caller,
  input: VerifyInput,
): Promise<VerifyResultView | NoticeView> {
  if (!ctx.policy.canVerify(caller)) return DENIED;
  if (input.attempt.trim() === "") {
    return { kind: "notice", level: "error", text: "Type what the caller says, then submit." };
  }
  if (input.attempt.length > ATTEMPT_MAX) {
    return {
      kind: "notice",
      level: "error",
      text: `That is longer than any PIN (${ATTEMPT_MAX} characters at most); nothing was checked.`,
    };
  }
  const limits = new VerificationLimits(ctx.store);
  const technician = technicianOf(caller);
  // One deadline for the whole attempt (finding the contact, then reading its PIN), as for a find.
  const deadline = actionDeadline(ctx);
  let known: ContactRow | null;
  try {
    known =
      (await ctx.directory.getCached(input.contactId)) ??
      (await ctx.directory.getFresh(input.contactId, deadline));
  } catch (error) {
    return failureNotice(error, ctx.logger, "looking up the contact to verify");
  }
  if (!known) return notFound(input.contactId);

  const gate = await limits.begin(technician, input.contactId);
  if (gate.kind !== "go") {
    const outcome: VerifyOutcome = { result: gate.kind, until: gate.until };
    if (gate.kind === "capped") {
      ctx.logger.warn(
        { platform: caller.platform, user: caller.userId, attempts: VERIFY_LIMITS.attemptsPerTechnician },
        `a technician reached ${VERIFY_LIMITS.attemptsPerTechnician} caller verifications in ${minutes(VERIFY_LIMITS.windowMs)} minutes`,
      );
    }
    return record(ctx, caller, input, known, outcome);
  }
  let checked: Awaited<ReturnType<CommandContext["directory"]["checkPin"]>>;
  try {
    checked = await ctx.directory.checkPin(input.contactId, input.attempt, deadline);
  } catch (error) {
    await limits.abandon(gate.ticket);
    return failureNotice(error, ctx.logger, "checking the PIN");
  }
  if (!checked) {
    await limits.abandon(gate.ticket);
    return notFound(input.contactId);
  }
  const settled = await limits.finish(gate.ticket, checked.result);
  let outcome: VerifyOutcome;
  switch (checked.result) {
    case "match":
      outcome = { result: "match" };
      break;
    case "noPin":
      outcome = { result: "noPin", callBack: callBackNumber(checked.row, ctx) };
      break;
    case "noMatch":
      outcome = { result: "noMatch", triesLeft: settled.triesLeft, lockedUntil: settled.lockedUntil };
      if (settled.lockedUntil !== null) {
        ctx.logger.warn(
          {
            platform: caller.platform,
            user: caller.userId,
            contactId: checked.row.contact.id,
            clientId: checked.row.client.id,
            until: new Date(settled.lockedUntil).toISOString(),
          },
          `caller verification locked for ${minutes(VERIFY_LIMITS.lockMs)} minutes after ${VERIFY_LIMITS.failuresPerContact} failed attempts`,
        );
      }
      break;
  }
  return record(ctx, caller, input, checked.row, outcome);
}

/** Logs the attempt (never what was typed), posts it to the audit channels, and answers. */
function record(
  ctx: CommandContext,
  caller: Caller,
  input: VerifyInput,
  row: ContactRow,
  outcome: VerifyOutcome,
): VerifyResultView {
  const contact = verified(row);
  ctx.logger.info(
    {
      platform: caller.platform,
      user: caller.userId,
      contactId: row.contact.id,
      clientId: row.client.id,
      result: outcome.result,
    },
    "caller verification",
  );
  const event: VerifyAuditEvent = {
    platform: caller.platform,
    who: input.who || caller.userId,
    contact,
    outcome,
  };
  for (const sink of ctx.verifyAudit ?? []) {
    // The technician's answer does not wait for the audit channel, and a failing channel is only logged.
    sink.post(event).catch((error: unknown) => {
      ctx.logger.warn({ err: error }, "could not post a caller verification to the audit channel");
    });
  }
  return { kind: "verifyResult", contact, outcome };
}

// ---- the words, once for every platform ---------------------------------------------------------

/** How a platform writes contact data and times into its text (escaping, time zone). */
export interface TextStyle {
  text(plain: string): string;
  time(epochMs: number): string;
}

const LOCK_MINUTES = minutes(VERIFY_LIMITS.lockMs);

/** "14:32": a time of day on the bot's clock, in its time zone (TZ). */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** The answer a technician reads. */
export function verifyAnswerText(view: VerifyResultView, style: TextStyle): string {
  const name = style.text(view.contact.name);
  const client = style.text(view.contact.client);
  const outcome = view.outcome;
  const locked = (until: number) =>
    `Verification for ${name} is locked until ${style.time(until)} after ${VERIFY_LIMITS.failuresPerContact} failed attempts.`;
  switch (outcome.result) {
    case "match":
      return `✅ ${name} (${client}) gave the right PIN.`;
    case "noMatch": {
      const head = `❌ That is not ${name}'s PIN.`;
      if (outcome.lockedUntil !== null) return `${head} ${locked(outcome.lockedUntil)}`;
      const tries = outcome.triesLeft === 1 ? "1 try" : `${outcome.triesLeft} tries`;
      return `${head} ${tries} left before verification is locked for ${LOCK_MINUTES} minutes.`;
    }
    case "noPin":
      return outcome.callBack
        ? `⚠️ No PIN is on file for ${name} (${client}). To verify the caller, call back on the number on record: ${style.text(outcome.callBack)}`
        : `⚠️ No PIN and no phone number are on file for ${name} (${client}). Verify the caller another way before changing anything.`;
    case "locked":
      return `🔒 ${locked(outcome.until)}`;
    case "capped":
      return `⏳ You have made ${VERIFY_LIMITS.attemptsPerTechnician} verification attempts in the last ${minutes(VERIFY_LIMITS.windowMs)} minutes; you can verify again at ${style.time(outcome.until)}.`;
  }
}

/** The result as one short phrase, for the audit line. */
function resultPhrase(outcome: VerifyOutcome): string {
  switch (outcome.result) {
    case "match":
      return "match";
    case "noMatch":
      return outcome.lockedUntil === null ? "no match" : "no match, now locked";
    case "noPin":
      return "no PIN on file";
    case "locked":
      return "refused, locked";
    case "capped":
      return "refused, too many attempts by this technician";
  }
}

/** "🔐 <who> verified Alice Anderson (Acme Corp): match" */
export function auditLine(event: VerifyAuditEvent, style: Pick<TextStyle, "text">): string {
  const { contact } = event;
  return `🔐 ${style.text(event.who)} verified ${style.text(contact.name)} (${style.text(contact.client)}): ${resultPhrase(event.outcome)}`;
}

/** Name, client and id, shown under every answer. */
export function aboutLine(contact: VerifiedContact): string {
  return `${contact.name} · ${contact.client} · ITFlow contact #${contact.id}`;
}
