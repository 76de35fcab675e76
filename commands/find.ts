// `find`: who is this? One match → a card, several → a short list, none → an offer to create.
import type { ContactRow } from "../src/contacts/directory.js";
import { classifyQuery } from "../src/contacts/query.js";
import type { Caller } from "./caller.js";
import type { CommandContext } from "./context.js";
import { failureNotice } from "./failure.js";
import { summarize } from "./summary.js";
import type { View } from "./views.js";

/** A list longer than this asks the user to refine the query. */
export const LIST_MAX = 10;

export interface FindInput {
  query: string;
  includeArchived?: boolean;
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
    return { kind: "notice", level: "error", text: `"${query.input}" is not a complete email address.` };
  }
  let rows: ContactRow[];
  try {
    rows = await ctx.directory.find(query, { includeArchived: input.includeArchived ?? false });
  } catch (error) {
    return failureNotice(error, ctx.logger, "looking up the contact");
  }
  return viewOfRows(ctx, caller, input.query.trim(), rows);
}

export function viewOfRows(ctx: CommandContext, caller: Caller, query: string, rows: ContactRow[]): View {
  const canEdit = ctx.policy.canEdit(caller);
  if (rows.length === 0) {
    return {
      kind: "notice",
      level: "notFound",
      text: `No contact matches "${query}".`,
      ...(canEdit ? { createFrom: query } : {}),
    };
  }
  const summaries = rows.map((row) => summarize(row, ctx.region, ctx.itflowUrl));
  if (summaries.length === 1 && summaries[0]) {
    return { kind: "card", contact: summaries[0], canEdit, canVerify: ctx.policy.canVerify(caller) };
  }
  return { kind: "list", query, items: summaries.slice(0, LIST_MAX), total: summaries.length, canEdit };
}

/** Every match, unpaged, for machine-readable output (the terminal's --json). */
export async function findAll(ctx: CommandContext, input: FindInput): Promise<ContactRow[]> {
  const query = classifyQuery(input.query, ctx.region);
  if (query.kind === "empty" || query.kind === "invalidEmail") return [];
  return ctx.directory.find(query, { includeArchived: input.includeArchived ?? false });
}
