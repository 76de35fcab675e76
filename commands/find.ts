// `find`: who is this? One match → a card, several → a short list, none → an offer to create, or,
// when only archived contacts match, an offer to show them (creating would make a duplicate).
import type { ContactRow } from "../src/contacts/directory.js";
import { classifyQuery, type Query } from "../src/contacts/query.js";
import type { Deadline } from "../src/itflow/deadline.js";
import { mayEdit } from "./access.js";
import type { Caller } from "./caller.js";
import { actionDeadline, type CommandContext } from "./context.js";
import { failureNotice } from "./failure.js";
import { summarize } from "./summary.js";
import type { NoticeView, View } from "./views.js";

/** A list longer than this asks the user to refine the query. */
export const LIST_MAX = 10;
/** How much of a query an answer repeats: enough to recognise it, never a wall of pasted text. */
export const ECHO_MAX = 80;
/** A longer search cannot be a name or email ITFlow keeps (200 characters), so no form is prefilled with it. */
const PREFILL_MAX = 200;

export interface FindInput {
  query: string;
  includeArchived?: boolean;
}

/** The query as an answer repeats it: trimmed, one line, cut with "…" past ECHO_MAX characters. */
export function echo(query: string): string {
  const text = query.replace(/\s+/g, " ").trim();
  const chars = [...text];
  return chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX - 1).join("")}…` : text;
}

export async function findContacts(ctx: CommandContext, caller: Caller, input: FindInput): Promise<View> {
  const query = classifyQuery(input.query, ctx.region);
  if (query.kind === "empty") {
    return {
      kind: "notice",
      level: "info",
      text: "Type a name, email, phone number or #id to look up, e.g. `find (555) 123-4567`.",
    };
  }
  if (query.kind === "invalidEmail") {
    return {
      kind: "notice",
      level: "error",
      text: `"${echo(query.input)}" is not a complete email address.`,
    };
  }
  const deadline = actionDeadline(ctx);
  try {
    if (input.includeArchived) {
      const rows = await ctx.directory.find(query, { includeArchived: true, deadline });
      return viewOfRows(ctx, caller, input.query, rows);
    }
    const found = await findActive(ctx, input.query, query, deadline);
    return "kind" in found ? found : viewOfRows(ctx, caller, input.query, found);
  } catch (error) {
    return failureNotice(error, ctx.logger, "looking up the contact");
  }
}

/**
 * The active contacts matching `query` (typed as `text`); when there are none but archived ones
 * match, the notice that says so and offers them instead.
 */
export async function findActive(
  ctx: CommandContext,
  text: string,
  query: Query,
  deadline: Deadline,
): Promise<ContactRow[] | NoticeView> {
  const rows = await ctx.directory.find(query, { deadline });
  if (rows.length > 0) return rows;
  const archived = await ctx.directory.find(query, { includeArchived: true, deadline });
  return archived.length > 0 ? archivedOnly(ctx, text, archived) : rows;
}

/** Only archived contacts match: say so and offer them, rather than invite a duplicate. */
export function archivedOnly(ctx: CommandContext, query: string, rows: ContactRow[]): NoticeView {
  const which = rows.length === 1 ? "an archived contact does" : `${rows.length} archived contacts do`;
  return {
    kind: "notice",
    level: "notFound",
    text: `No active contact matches "${echo(query)}", but ${which}.`,
    archived: rows.slice(0, LIST_MAX).map((row) => summarize(row, ctx.region, ctx.itflowUrl)),
  };
}

export function viewOfRows(ctx: CommandContext, caller: Caller, query: string, rows: ContactRow[]): View {
  const canEdit = mayEdit(ctx, caller);
  const shown = echo(query);
  if (rows.length === 0) {
    const prefill = query.trim();
    return {
      kind: "notice",
      level: "notFound",
      text: `No contact matches "${shown}".`,
      ...(canEdit && [...prefill].length <= PREFILL_MAX ? { createFrom: prefill } : {}),
    };
  }
  const summaries = rows.map((row) => summarize(row, ctx.region, ctx.itflowUrl));
  if (summaries.length === 1 && summaries[0]) {
    return { kind: "card", contact: summaries[0], canEdit, canVerify: ctx.policy.canVerify(caller) };
  }
  return {
    kind: "list",
    query: shown,
    items: summaries.slice(0, LIST_MAX),
    total: summaries.length,
    canEdit,
  };
}

/** Whether answering `text` takes the whole contact list: a name or part of a number does. */
export function needsList(ctx: CommandContext, text: string): boolean {
  const kind = classifyQuery(text, ctx.region).kind;
  return kind === "name" || kind === "partialPhone";
}

/**
 * Every match, unpaged, for machine-readable output (the terminal's --json). An email, a number or
 * an id is read from ITFlow directly (exact reads); a name loads the whole list first.
 */
export async function findAll(ctx: CommandContext, input: FindInput): Promise<ContactRow[]> {
  const query = classifyQuery(input.query, ctx.region);
  if (query.kind === "empty" || query.kind === "invalidEmail") return [];
  const deadline = actionDeadline(ctx);
  if (needsList(ctx, input.query)) await deadline.race(ctx.directory.warm());
  return ctx.directory.find(query, { includeArchived: input.includeArchived ?? false, deadline });
}
