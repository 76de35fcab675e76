// "Look up contact" on a message: every email address and phone number in it is looked up. Slack
// delivers a message's text with its own markup (`<mailto:a@b.c|a@b.c>`, `<tel:…|…>`, `&amp;`),
// which is unwrapped first so that the visible text is what gets searched.
import type { CountryCode } from "libphonenumber-js";
import type { Caller } from "../../commands/caller.js";
import type { CommandContext } from "../../commands/context.js";
import { findContacts } from "../../commands/find.js";
import type { View } from "../../commands/views.js";
import { contactTermsIn } from "../../src/contacts/terms.js";
import { type Block, context, mrkdwn, section } from "./render/blocks.js";
import { archivedRow, fitMessage, rowBlock, type SlackMessage } from "./render/cards.js";
import { escapeMrkdwn } from "./render/escape.js";

/** More than this many lookups from one message would be a flood; the rest are named, not searched. */
export const MAX_LOOKUPS = 5;

/** The text a person sees: link labels instead of link markup, entities decoded. */
export function visibleText(slackText: string): string {
  return slackText
    .replace(/<([^<>|]*)\|([^<>]*)>/g, " $2 ")
    .replace(/<(?:mailto:|tel:)?([^<>]*)>/g, " $1 ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Every distinct email and phone number in a message, in the order they appear. */
export function lookupsIn(slackText: string, region: CountryCode): string[] {
  return contactTermsIn(visibleText(slackText), region);
}

function resultBlocks(query: string, view: View): Block[] {
  const title = section(mrkdwn(`*${escapeMrkdwn(query)}*`));
  switch (view.kind) {
    case "card":
      return [title, rowBlock(view.contact, "private", view.canEdit)];
    case "list": {
      const rows = view.items.slice(0, 5).map((c) => rowBlock(c, "private", view.canEdit));
      const more = view.total - rows.length;
      return [
        title,
        ...rows,
        ...(more > 0 ? [context(`${more} more — search for it to see them all.`)] : []),
      ];
    }
    case "notice":
      return [title, context(escapeMrkdwn(view.text)), ...(view.archived ?? []).slice(0, 5).map(archivedRow)];
    default:
      return [title];
  }
}

/** The private answer to "Look up contact" on a message. */
export async function lookUpMessage(
  ctx: CommandContext,
  caller: Caller,
  slackText: string,
): Promise<View | SlackMessage> {
  const all = lookupsIn(slackText, ctx.region);
  if (all.length === 0) {
    return {
      kind: "notice",
      level: "info",
      text: "That message has no email address or phone number to look up.",
    };
  }
  const queries = all.slice(0, MAX_LOOKUPS);
  const views = await Promise.all(queries.map((query) => findContacts(ctx, caller, { query })));
  // One thing looked up: the usual answer (a card, a list, or "no match" with a Create button).
  if (views.length === 1 && views[0]) return views[0];
  const blocks = queries.flatMap((q, i) => {
    const view = views[i];
    return view ? resultBlocks(q, view) : [];
  });
  if (all.length > queries.length) {
    blocks.push(
      context(`Also in the message, not looked up: ${all.slice(MAX_LOOKUPS).map(escapeMrkdwn).join(", ")}`),
    );
  }
  const found = views.filter((v) => v.kind === "card" || v.kind === "list").length;
  return {
    text: `Looked up ${queries.length} emails and numbers; ${found} matched.`,
    blocks: fitMessage(blocks),
  };
}
