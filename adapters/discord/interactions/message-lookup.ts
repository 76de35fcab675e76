// "Look up contact" on a message: every email address and phone number in it, looked up at once.
import type { MessageContextMenuCommandInteraction } from "discord.js";
import type { CountryCode } from "libphonenumber-js";
import type { Caller } from "../../../commands/caller.js";
import { actionDeadline } from "../../../commands/context.js";
import { failureNotice } from "../../../commands/failure.js";
import { viewOfRows } from "../../../commands/find.js";
import type { ContactRow } from "../../../src/contacts/directory.js";
import { classifyQuery } from "../../../src/contacts/query.js";
import { contactTermsIn } from "../../../src/contacts/terms.js";
import type { MessageOut } from "../render/message.js";
import { type Deps, render } from "./deps.js";
import { noticeMessage } from "./respond.js";

/** More than this in one message is a pasted list, not a conversation: look up the first ones. */
export const MAX_TERMS = 10;

/** The email addresses and phone numbers in a message's text, in order, without repeats. */
export function termsInMessage(text: string, region: CountryCode): string[] {
  return contactTermsIn(text, region).slice(0, MAX_TERMS);
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
    const deadline = actionDeadline(ctx);
    const results = await Promise.all(
      terms.map((t) => ctx.directory.find(classifyQuery(t, ctx.region), { deadline })),
    );
    for (const row of results.flat()) if (!rows.has(row.contact.id)) rows.set(row.contact.id, row);
  } catch (error) {
    return render(deps, failureNotice(error, ctx.logger, "looking up the message's contacts"));
  }
  const view = viewOfRows(ctx, caller, terms.join(", "), [...rows.values()]);
  // "Create contact" from several searched terms would not know which one to use.
  if (view.kind === "notice" && terms.length > 1) delete view.createFrom;
  return render(deps, view);
}
