// "Look up contact" on a message: every email address and phone number in it, looked up at once.
import type { MessageContextMenuCommandInteraction } from "discord.js";
import type { CountryCode } from "libphonenumber-js";
import type { Caller } from "../../../commands/caller.js";
import { failureNotice } from "../../../commands/failure.js";
import { viewOfRows } from "../../../commands/find.js";
import type { ContactRow } from "../../../src/contacts/directory.js";
import { classifyQuery } from "../../../src/contacts/query.js";
import type { MessageOut } from "../render/message.js";
import { type Deps, render } from "./deps.js";
import { noticeMessage } from "./respond.js";

/** More than this in one message is a pasted list, not a conversation: look up the first ones. */
export const MAX_TERMS = 10;

const EMAIL = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[^\s@<>()[\]"',;:]+/g;
// A run of digits with phone punctuation, optionally "+"-prefixed: 7 or more digits is a number.
const PHONE = /\+?\(?\d[\d\s().\-/\u2010-\u2015]{5,}\d/g;

// Dates and times look like numbers to a phone parser ("2026-03-14" has eight digits).
const DATE = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** The email addresses and phone numbers in a message's text, in order, without repeats. */
export function termsInMessage(text: string, region: CountryCode): string[] {
  const found: Array<{ at: number; term: string; key: string }> = [];
  const withoutEmails = text.replace(EMAIL, (match, offset: number) => {
    const term = match.replace(/[.]+$/, "");
    const query = classifyQuery(term, region);
    if (query.kind === "email") found.push({ at: offset, term, key: query.email });
    return " ".repeat(match.length);
  });
  for (const m of withoutEmails.matchAll(PHONE)) {
    const term = m[0].trim();
    const digits = term.replace(/\D/g, "").length;
    if (digits < 7 || digits > 18 || DATE.test(term)) continue;
    const query = classifyQuery(term, region);
    if (query.kind === "phone")
      found.push({ at: m.index ?? 0, term, key: query.phone.e164 ?? query.phone.digits });
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.at - b.at)
    .filter((f) => !seen.has(f.key) && seen.add(f.key))
    .map((f) => f.term)
    .slice(0, MAX_TERMS);
}

export async function lookUpMessage(
  deps: Deps,
  caller: Caller,
  interaction: MessageContextMenuCommandInteraction,
): Promise<MessageOut> {
  const { ctx } = deps;
  const message = interaction.targetMessage;
  const text = [message.content, ...message.embeds.flatMap((e) => [e.title ?? "", e.description ?? ""])].join(
    "\n",
  );
  const terms = termsInMessage(text, ctx.region);
  if (terms.length === 0)
    return noticeMessage("That message holds no email address or phone number to look up.");
  const rows = new Map<number, ContactRow>();
  try {
    const results = await Promise.all(terms.map((t) => ctx.directory.find(classifyQuery(t, ctx.region))));
    for (const row of results.flat()) if (!rows.has(row.contact.id)) rows.set(row.contact.id, row);
  } catch (error) {
    return render(deps, failureNotice(error, ctx.logger, "looking up the message's contacts"));
  }
  const view = viewOfRows(ctx, caller, terms.join(", "), [...rows.values()]);
  // "Create contact" from several searched terms would not know which one to use.
  if (view.kind === "notice" && terms.length > 1) delete view.createFrom;
  return render(deps, view);
}
