// How a contact looks in Slack: the neutral views (card, list, notice, help) turned into Block Kit.
// One set of block builders serves three places a card appears: the private reply (Edit, Share),
// the public copy posted by "Share in channel" (no notes, no buttons that act), and a modal (after
// a save from a global shortcut, or a conflict), where sharing has no channel to go to.

import { flagNames } from "../../../commands/summary.js";
import type {
  ContactCardView,
  ContactListView,
  ContactSummary,
  HelpView,
  NoticeView,
  View,
} from "../../../commands/views.js";
import type { FieldChange, StoredDifference } from "../../../src/contacts/fields.js";
import { ACTION } from "../ids.js";
import {
  actions,
  type Block,
  type Button,
  button,
  context,
  header,
  linkButton,
  mrkdwn,
  plain,
  section,
} from "./blocks.js";
import { clip, escapeMrkdwn, escapeProse, mrkdwnLink } from "./escape.js";
import { LIMITS } from "./limits.js";
import { verifyButton } from "./verify-button.js";

/** Where a rendering goes; decides which buttons make sense. */
export type Audience = "private" | "public" | "modal";

export interface SlackMessage {
  /** Fallback for notifications and screen readers: escaped like any mrkdwn. */
  text: string;
  blocks: Block[];
}

const NOTICE_ICON: Record<NoticeView["level"], string> = {
  info: ":information_source:",
  notFound: ":mag:",
  error: ":warning:",
  denied: ":no_entry:",
  conflict: ":warning:",
  duplicate: ":warning:",
};

function fallback(text: string): string {
  return clip(escapeMrkdwn(text), LIMITS.fallbackText);
}

function field(label: string, valueMrkdwn: string): string {
  return `*${label}*\n${valueMrkdwn}`;
}

function phoneLine(phone: ContactSummary["phones"][number]): string {
  const shown = phone.tel ? mrkdwnLink(phone.tel, phone.display) : escapeMrkdwn(phone.display);
  return phone.extension ? `${shown} ext. ${escapeMrkdwn(phone.extension)}` : shown;
}

function flagText(flags: ContactSummary["flags"]): string {
  return flagNames(flags).join(" · ");
}

function cardFields(c: ContactSummary): string[] {
  const fields = [field("Client", escapeProse(c.client.name))];
  if (c.title) fields.push(field("Title", escapeProse(c.title)));
  if (c.email) fields.push(field("Email", mrkdwnLink(`mailto:${c.email}`, c.email)));
  for (const phone of c.phones) fields.push(field(phone.label, phoneLine(phone)));
  if (c.department) fields.push(field("Department", escapeProse(c.department)));
  if (c.location) fields.push(field("Location", escapeProse(c.location.name)));
  const flags = flagText(c.flags);
  if (flags) fields.push(field("Flags", flags));
  return fields.slice(0, LIMITS.sectionFields).map((f) => clip(f, LIMITS.fieldText));
}

function describeValue(value: FieldChange["before"]): string {
  if (value === null || value === "") return "(empty)";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return clip(String(value), 60);
}

function changeLine(change: FieldChange, contact: ContactSummary): string {
  switch (change.key) {
    case "notes":
      return "Notes updated";
    case "locationId":
      return `Location → ${escapeProse(contact.location?.name ?? "(none)")}`;
    default:
      return `${change.label}: ${escapeProse(describeValue(change.before))} → ${escapeProse(describeValue(change.after))}`;
  }
}

function differenceLine(difference: StoredDifference): string {
  const typed = escapeProse(describeValue(difference.typed));
  const stored = escapeProse(describeValue(difference.stored));
  return `• ${escapeProse(difference.label)}: you typed ${typed}, ITFlow holds ${stored}`;
}

function savedLines(view: ContactCardView): string[] {
  const saved = view.saved;
  if (!saved) return [];
  const lines: string[] = [];
  if (saved.created) lines.push(":white_check_mark: *Created in ITFlow.*");
  else if (saved.changes.length === 0)
    lines.push(":white_check_mark: *No changes:* ITFlow already had these values.");
  else {
    lines.push(":white_check_mark: *Saved.* What changed:");
    for (const change of saved.changes) lines.push(`• ${changeLine(change, view.contact)}`);
  }
  if (saved.differences.length > 0) {
    lines.push(":warning: *ITFlow stored some fields differently from what you typed:*");
    for (const difference of saved.differences) lines.push(differenceLine(difference));
  }
  if (saved.cleaned.length > 0) {
    lines.push(`Invisible control characters were removed from: ${escapeProse(saved.cleaned.join(", "))}.`);
  }
  if (saved.demotedPrimary) {
    lines.push(`${escapeProse(saved.demotedPrimary)} is no longer the client's primary contact.`);
  }
  return lines;
}

/** The buttons under a card; which ones depends on where it is shown and who looks. */
function cardButtons(c: ContactSummary, canEdit: boolean, audience: Audience, canVerify = false): Button[] {
  const buttons: Button[] = [];
  const id = String(c.id);
  if (canEdit && audience !== "public" && !c.archived)
    buttons.push(button("Edit", ACTION.edit, id, "primary"));
  if (canVerify && audience !== "public") buttons.push(verifyButton(c.id));
  if (audience === "private") buttons.push(button("Share in channel", ACTION.share, id));
  if (c.itflowUrl.length <= LIMITS.buttonUrl) {
    buttons.push(linkButton("Open in ITFlow", ACTION.itflowLink, c.itflowUrl));
  }
  return buttons;
}

/** The blocks of one contact card. */
export function cardBlocks(view: ContactCardView, audience: Audience, sharedBy?: string): Block[] {
  const c = view.contact;
  const blocks: Block[] = [];
  const saved = savedLines(view);
  if (saved.length > 0 && audience !== "public") blocks.push(section(mrkdwn(saved.join("\n"))));
  blocks.push(header(c.archived ? `${c.name} (archived)` : c.name));
  blocks.push({ type: "section", fields: cardFields(c).map((f) => mrkdwn(f, LIMITS.fieldText)) });
  // Notes are often internal ("prefers phone after 3pm; gate code …"): never in the public copy.
  // plain_text, because notes are free prose and Slack never reads markup in plain_text.
  if (c.notes && audience !== "public") {
    blocks.push(section(plain(`Notes: ${c.notes}${c.notesTruncated ? " (more in ITFlow)" : ""}`)));
  }
  const footer = [`ITFlow contact #${c.id}`];
  if (sharedBy) footer.push(`shared by <@${sharedBy}>`);
  blocks.push(context(footer.join(" · ")));
  const buttons = cardButtons(c, view.canEdit, audience, view.canVerify);
  if (buttons.length > 0) blocks.push(actions(buttons, `card:${c.id}`));
  return blocks;
}

function oneLine(c: ContactSummary): string {
  const about = [c.title, c.client.name].filter(Boolean).map(escapeProse).join(" · ");
  const reach = [
    ...c.phones.map((p) => escapeMrkdwn(p.extension ? `${p.display} ext. ${p.extension}` : p.display)),
    ...(c.email ? [escapeMrkdwn(c.email)] : []),
  ].join(" · ");
  const name = `*${escapeProse(c.name)}*${c.archived ? " (archived)" : ""}`;
  return `${name}${about ? ` — ${about}` : ""}${reach ? `\n${reach}` : ""}`;
}

/** One list row: who it is in a line or two, and a button that opens the card (or the form in a modal). */
export function rowBlock(c: ContactSummary, audience: Audience, canEdit: boolean): Block {
  const accessory =
    audience === "modal"
      ? canEdit && !c.archived
        ? button("Edit", ACTION.edit, String(c.id))
        : undefined
      : button("Open", ACTION.open, String(c.id));
  // No block_id: the same contact can appear twice in one message (found by its email and by its
  // number), and Slack refuses a message whose block ids repeat.
  return section(mrkdwn(oneLine(c)), accessory);
}

export function listBlocks(view: ContactListView, audience: Audience): Block[] {
  const count = view.total === 1 ? "1 contact matches" : `${view.total} contacts match`;
  const blocks: Block[] = [section(mrkdwn(`*${count}* “${escapeProse(view.query)}”`))];
  for (const item of view.items) blocks.push(rowBlock(item, audience, view.canEdit));
  if (view.total > view.items.length) {
    blocks.push(context(`${view.total - view.items.length} more — refine the query to see them.`));
  }
  return blocks;
}

/** An archived contact offered after "no active contact matches": who it is, and a button to show it. */
export function archivedRow(c: ContactSummary): Block {
  return section(mrkdwn(oneLine(c)), button("Show archived contact", ACTION.open, String(c.id)));
}

export function noticeBlocks(view: NoticeView, audience: Audience): Block[] {
  const blocks: Block[] = [section(mrkdwn(`${NOTICE_ICON[view.level]} ${escapeMrkdwn(view.text)}`))];
  if (view.archived && audience !== "public") blocks.push(...view.archived.map(archivedRow));
  if (view.contact) {
    const canEdit = view.level === "conflict" || view.level === "duplicate";
    blocks.push(...cardBlocks({ kind: "card", contact: view.contact, canEdit }, audience));
  }
  if (view.createFrom !== undefined && audience !== "public") {
    blocks.push(actions([button("Create contact", ACTION.create, view.createFrom, "primary")]));
  }
  return blocks;
}

export function helpBlocks(view: HelpView): Block[] {
  const lines = view.lines.map((l) => `\`${escapeMrkdwn(l.usage)}\` — ${escapeMrkdwn(l.description)}`);
  return [
    section(mrkdwn("*Look up and edit ITFlow contacts*")),
    section(mrkdwn(lines.join("\n"))),
    context("Right-click a message › *Look up contact* finds every email and phone number in it."),
  ];
}

function fallbackOf(view: View): string {
  switch (view.kind) {
    case "card": {
      const c = view.contact;
      return fallback([c.name, c.title, c.client.name].filter(Boolean).join(" — "));
    }
    case "list":
      return fallback(`${view.total} contacts match "${view.query}"`);
    case "notice":
      return fallback(view.text);
    case "help":
      return "How to use /contact";
    case "form":
      return fallback(view.title);
  }
}

/**
 * A view as a Slack message. A form never arrives here (forms are modals); if one does, it says so
 * rather than throwing, since the user is waiting for an answer.
 */
export function renderMessage(
  view: View,
  audience: Exclude<Audience, "modal"> = "private",
  sharedBy?: string,
): SlackMessage {
  let blocks: Block[];
  switch (view.kind) {
    case "card":
      blocks = cardBlocks(view, audience, sharedBy);
      break;
    case "list":
      blocks = listBlocks(view, audience);
      break;
    case "notice":
      blocks = noticeBlocks(view, audience);
      break;
    case "help":
      blocks = helpBlocks(view);
      break;
    case "form":
      blocks = [section(mrkdwn("Open this form from a command or a button."))];
      break;
  }
  return { text: fallbackOf(view), blocks: fitMessage(blocks) };
}

/** Keeps a message inside Slack's block limit, saying that something was left out. */
export function fitMessage(blocks: Block[], max: number = LIMITS.messageBlocks): Block[] {
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), context("More results were left out — refine the query.")];
}
