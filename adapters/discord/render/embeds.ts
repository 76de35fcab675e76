// Views → embeds and buttons. Contact data is escaped here (see escape.ts) and every text is cut to
// Discord's limits, so no contact, however long or strange its fields, can make a reply fail.

import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
  type APISelectMenuOption,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import type { CountryCode } from "libphonenumber-js";
import { flagNames } from "../../../commands/summary.js";
import type {
  ContactCardView,
  ContactListView,
  ContactSummary,
  FormView,
  HelpView,
  NoticeView,
  View,
} from "../../../commands/views.js";
import type { FieldChange, StoredDifference } from "../../../src/contacts/fields.js";
import { formatPhone } from "../../../src/contacts/phone.js";
import type { Client } from "../../../src/contacts/types.js";
import { encodeAction, type FormStep } from "../custom-id.js";
import { clip, md } from "./escape.js";
import { stepOfField } from "./form-steps.js";
import { COLORS, EMBED_LIMITS, embedLength, type MessageOut } from "./message.js";
import { verifyButton } from "./verify.js";

export interface RenderOptions {
  region: CountryCode;
  /** Location names by id, to describe a change of location in words. */
  locationName?: (id: number) => string | undefined;
  /** A card posted publicly by this person: no private-only buttons, and a footer that says who. */
  sharedBy?: string;
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

const SELECT_MAX_OPTIONS = 25;
const LABEL_MAX = 80;
const URL_MAX = 512;

type ActionStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

export function button(
  label: string,
  customId: string,
  style: ActionStyle = ButtonStyle.Secondary,
): APIButtonComponent {
  return { type: ComponentType.Button, style, label: clip(label, LABEL_MAX), custom_id: customId };
}

export function linkButton(label: string, url: string): APIButtonComponent | null {
  if (url.length > URL_MAX || !/^https?:\/\//.test(url)) return null;
  return { type: ComponentType.Button, style: ButtonStyle.Link, label, url };
}

export function row(components: APIComponentInMessageActionRow[]): Row {
  return { type: ComponentType.ActionRow, components };
}

/**
 * Makes an embed fit Discord's 6000-character total: the longest field values are cut first, then
 * trailing fields dropped, then the description shortened.
 */
function fitEmbed(embed: APIEmbed): APIEmbed {
  const over = () => embedLength(embed) - EMBED_LIMITS.total;
  const fields = embed.fields ?? [];
  while (over() > 0) {
    const longest = fields.reduce<APIEmbedField | null>(
      (a, b) => (a && a.value.length >= b.value.length ? a : b),
      null,
    );
    if (!longest || longest.value.length <= 64) break;
    longest.value = clip(longest.value, Math.max(64, longest.value.length - over()));
  }
  while (over() > 0 && fields.length > 1) fields.pop();
  if (over() > 0 && embed.description) {
    embed.description = clip(embed.description, Math.max(1, embed.description.length - over()));
  }
  return embed;
}

function field(name: string, value: string, inline = true): APIEmbedField {
  return { name: clip(name, EMBED_LIMITS.fieldName), value: clip(value, EMBED_LIMITS.fieldValue), inline };
}

function flagText(flags: ContactSummary["flags"]): string {
  return flagNames(flags).join(", ");
}

function describeValue(change: FieldChange, value: FieldChange["before"], options: RenderOptions): string {
  if (value === null || value === "") return "(empty)";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (change.key === "locationId" && typeof value === "number") {
    return options.locationName?.(value) ?? `location #${value}`;
  }
  if ((change.key === "phone" || change.key === "mobile") && typeof value === "string") {
    return formatPhone(value, null, options.region);
  }
  const text = String(value).replace(/\s+/g, " ");
  return text.length > 80 ? `${[...text].slice(0, 79).join("")}…` : text;
}

function differencesText(differences: StoredDifference[], options: RenderOptions): string {
  return differences
    .map((d) => {
      const as = { key: d.key, label: d.label, before: d.typed, after: d.stored };
      return `**${md(d.label, 45)}:** you typed ${md(describeValue(as, d.typed, options), 200)}, ITFlow holds ${md(describeValue(as, d.stored, options), 200)}`;
    })
    .join("\n");
}

function changesText(changes: FieldChange[], options: RenderOptions): string {
  return changes
    .map(
      (c) =>
        `**${md(c.label, 45)}:** ${md(describeValue(c, c.before, options), 200)} → ${md(describeValue(c, c.after, options), 200)}`,
    )
    .join("\n");
}

export function contactEmbed(contact: ContactSummary, options: RenderOptions): APIEmbed {
  const fields: APIEmbedField[] = [field("Client", md(contact.client.name, 300))];
  if (contact.email) fields.push(field("Email", md(contact.email, 400)));
  for (const phone of contact.phones) {
    const text = phone.extension ? `${phone.display} ext. ${phone.extension}` : phone.display;
    fields.push(field(phone.label, md(text, 300)));
  }
  if (contact.location) fields.push(field("Location", md(contact.location.name, 300)));
  if (contact.department) fields.push(field("Department", md(contact.department, 300)));
  const flags = flagText(contact.flags);
  if (flags) fields.push(field("Flags", flags));
  // Notes are often internal ("gate code …"): never in a copy shared with the channel.
  if (contact.notes && !options.sharedBy) {
    const more = contact.notesTruncated ? "\n*(more in ITFlow)*" : "";
    fields.push(field("Notes", md(contact.notes, EMBED_LIMITS.fieldValue - more.length) + more, false));
  }
  const footer = [`ITFlow contact #${contact.id}`];
  if (contact.archived) footer.push("archived");
  if (options.sharedBy) footer.push(`shared by ${options.sharedBy}`);
  const embed: APIEmbed = { title: md(contact.name || `Contact #${contact.id}`, EMBED_LIMITS.title) };
  if (contact.itflowUrl.length <= URL_MAX) embed.url = contact.itflowUrl;
  if (contact.title) embed.description = md(contact.title, 400);
  embed.color = contact.archived ? COLORS.archived : COLORS.card;
  embed.fields = fields;
  embed.footer = { text: clip(footer.join(" · "), EMBED_LIMITS.footer) };
  return embed;
}

/** A card's buttons. A copy shared with the channel has none that act: only Open in ITFlow, as on Slack. */
export function contactButtons(
  contact: ContactSummary,
  canEdit: boolean,
  options: RenderOptions,
  canVerify = false,
): Row {
  const buttons: APIButtonComponent[] = [];
  const shared = options.sharedBy !== undefined;
  if (canEdit && !shared && !contact.archived) {
    buttons.push(
      button("Edit", encodeAction({ kind: "edit", step: 1, contactId: contact.id }), ButtonStyle.Primary),
      button("More details", encodeAction({ kind: "edit", step: 2, contactId: contact.id })),
    );
  }
  if (canVerify && !shared) buttons.push(verifyButton(contact.id));
  if (!shared)
    buttons.push(button("Share in channel", encodeAction({ kind: "share", contactId: contact.id })));
  const open = linkButton("Open in ITFlow", contact.itflowUrl);
  if (open) buttons.push(open);
  return row(buttons);
}

export function renderCard(view: ContactCardView, options: RenderOptions): MessageOut {
  const embed = contactEmbed(view.contact, options);
  if (view.saved) {
    const { created, changes, demotedPrimary, differences, cleaned } = view.saved;
    const head = created
      ? "✅ Created in ITFlow."
      : changes.length === 0
        ? "No changes: ITFlow already holds these values."
        : `✅ Saved ${changes.length} change${changes.length === 1 ? "" : "s"}.`;
    const lines = [head];
    if (demotedPrimary) lines.push(`${md(demotedPrimary, 200)} is no longer the client's primary contact.`);
    if (cleaned.length > 0) {
      lines.push(`Invisible control characters were removed from: ${md(cleaned.join(", "), 200)}.`);
    }
    if (embed.description) lines.push("", embed.description);
    embed.description = lines.join("\n");
    embed.color = COLORS.saved;
    if (changes.length > 0)
      embed.fields = [field("Changes", changesText(changes, options), false), ...(embed.fields ?? [])];
    if (differences.length > 0) {
      embed.fields = [
        field("⚠️ ITFlow stored these differently", differencesText(differences, options), false),
        ...(embed.fields ?? []),
      ];
    }
  }
  return {
    embeds: [fitEmbed(embed)],
    components: [contactButtons(view.contact, view.canEdit, options, view.canVerify)],
    ephemeral: !options.sharedBy,
  };
}

function listOption(item: ContactSummary): APISelectMenuOption {
  const detail = [item.client.name, item.email || item.phones[0]?.display].filter(Boolean).join(" — ");
  const option: APISelectMenuOption = {
    label: clip(item.name || `Contact #${item.id}`, 100),
    value: String(item.id),
  };
  if (detail) option.description = clip(detail, 100);
  return option;
}

export function renderList(view: ContactListView): MessageOut {
  const lines = view.items.map((item, i) => {
    const head = `**${i + 1}. ${md(item.name || `Contact #${item.id}`, 100)}** — ${md(item.client.name, 80)}${item.archived ? " *(archived)*" : ""}`;
    const phone = item.phones[0];
    const detail = [
      item.title,
      item.email,
      phone && (phone.extension ? `${phone.display} ext. ${phone.extension}` : phone.display),
    ]
      .filter((s): s is string => Boolean(s))
      .map((s) => md(s, 120))
      .join(" · ");
    return detail ? `${head}\n${detail}` : head;
  });
  const more = view.total - view.items.length;
  const embed: APIEmbed = {
    title: md(`${view.total} contacts match "${view.query}"`, EMBED_LIMITS.title),
    description: clip(lines.join("\n\n"), EMBED_LIMITS.description),
    color: COLORS.card,
  };
  if (more > 0) embed.footer = { text: `${more} more — refine the query to narrow it down` };
  const select = {
    type: ComponentType.StringSelect as const,
    custom_id: encodeAction({ kind: "open" }),
    placeholder: "Open a contact's card",
    // A select refuses two options with one value; a contact listed twice is offered once.
    options: view.items
      .filter((item, i) => view.items.findIndex((other) => other.id === item.id) === i)
      .slice(0, SELECT_MAX_OPTIONS)
      .map(listOption),
  };
  return {
    embeds: [fitEmbed(embed)],
    components: view.items.length > 0 ? [row([select])] : [],
    ephemeral: true,
  };
}

export function renderNotice(view: NoticeView, options: RenderOptions): MessageOut {
  const embeds: APIEmbed[] = [
    { description: md(view.text, EMBED_LIMITS.description), color: COLORS[view.level] },
  ];
  const components: Row[] = [];
  if (view.archived && view.archived.length > 0) {
    // The list's "open a contact" select: opening one shows its card, archived as it is.
    components.push(
      row([
        {
          type: ComponentType.StringSelect,
          custom_id: encodeAction({ kind: "open" }),
          placeholder: "Show an archived contact",
          options: view.archived.slice(0, SELECT_MAX_OPTIONS).map(listOption),
        },
      ]),
    );
  }
  if (view.createFrom !== undefined) {
    components.push(
      row([
        button(
          "Create contact",
          encodeAction({ kind: "create", prefill: view.createFrom }),
          ButtonStyle.Success,
        ),
      ]),
    );
  }
  if (view.contact) {
    embeds.push(fitEmbed(contactEmbed(view.contact, options)));
    // A conflict or duplicate is about a contact the user was editing, so they may edit it.
    components.push(contactButtons(view.contact, view.level !== "denied", options));
  }
  return { embeds, components, ephemeral: true };
}

const MESSAGE_COMMAND_HELP = {
  usage: "Right-click a message → Apps → Look up contact",
  description: "Looks up every email address and phone number in that message.",
};

export function renderHelp(view: HelpView): MessageOut {
  // The neutral help lists "/contact <query>", which Discord's subcommands cannot take.
  const lines = view.lines.filter((l) => !/^\/contact <query>/.test(l.usage));
  const fields = [...lines, MESSAGE_COMMAND_HELP]
    .slice(0, EMBED_LIMITS.fields)
    .map((l) =>
      field(md(l.usage, EMBED_LIMITS.fieldName), md(l.description, EMBED_LIMITS.fieldValue), false),
    );
  return {
    embeds: [
      fitEmbed({
        title: "ITFlow contacts",
        color: COLORS.info,
        fields,
        footer: { text: "Answers are private unless you press Share in channel." },
      }),
    ],
    components: [],
    ephemeral: true,
  };
}

/** A form that came back with errors: name each bad field, and offer to reopen the form. */
export function renderFormErrors(form: FormView, sessionId: string): MessageOut {
  const entries = Object.entries(form.errors).filter((e): e is [string, string] => typeof e[1] === "string");
  const lines = entries.map(([, message]) => `• ${md(message, 600)}`);
  if (form.notice) lines.push("", md(form.notice, 400));
  const steps = new Set<FormStep>(entries.map(([key]) => stepOfField(key)));
  const buttons: APIButtonComponent[] = [];
  if (steps.has(1) || steps.size === 0)
    buttons.push(button("Fix it", encodeAction({ kind: "fix", step: 1, sessionId }), ButtonStyle.Primary));
  if (steps.has(2)) {
    buttons.push(
      button(
        steps.has(1) ? "Fix more details" : "Fix it",
        encodeAction({ kind: "fix", step: 2, sessionId }),
        ButtonStyle.Primary,
      ),
    );
  }
  const title = form.mode === "create" ? "Not created yet: please fix" : "Not saved yet: please fix";
  return {
    embeds: [
      fitEmbed({
        title: `${title} ${entries.length === 1 ? "this field" : "these fields"}`,
        description: clip(lines.join("\n"), EMBED_LIMITS.description),
        color: COLORS.conflict,
        footer: { text: "Fix it reopens the form with what you typed." },
      }),
    ],
    components: [row(buttons)],
    ephemeral: true,
  };
}

/** A save that failed (ITFlow down): the reason, and a button that reopens the form as typed. */
export function renderSaveFailure(
  notice: NoticeView,
  sessionId: string,
  step: FormStep,
  options: RenderOptions,
): MessageOut {
  const out = renderNotice(notice, options);
  out.components.push(
    row([button("Open the form again", encodeAction({ kind: "fix", step, sessionId }), ButtonStyle.Primary)]),
  );
  const first = out.embeds[0];
  if (first) first.footer = { text: "Nothing was lost: the form reopens with what you typed." };
  return out;
}

/** Before a create form: which client the contact belongs to (a modal cannot hold this choice too). */
export function renderClientPicker(clients: Client[], sessionId: string, hint: string | null): MessageOut {
  const shown = clients.slice(0, SELECT_MAX_OPTIONS);
  const lines = [hint ? md(hint, 400) : "Which client does the new contact belong to?"];
  if (clients.length > shown.length) {
    lines.push(
      `Showing the first ${shown.length} of ${clients.length}: type \`/contact new client:\` to search them all.`,
    );
  }
  return {
    embeds: [{ description: lines.join("\n"), color: COLORS.info }],
    components: [
      row([
        {
          type: ComponentType.StringSelect,
          custom_id: encodeAction({ kind: "pickClient", sessionId }),
          placeholder: "Choose the client",
          options: shown.map((c) => ({ label: clip(c.name || `Client #${c.id}`, 100), value: String(c.id) })),
        },
      ]),
    ],
    ephemeral: true,
  };
}

/** Any view except a form, which becomes a modal (see modals.ts) or an error message. */
export function renderView(view: Exclude<View, FormView>, options: RenderOptions): MessageOut {
  switch (view.kind) {
    case "card":
      return renderCard(view, options);
    case "list":
      return renderList(view);
    case "notice":
      return renderNotice(view, options);
    case "help":
      return renderHelp(view);
  }
}
