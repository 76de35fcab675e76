// Caller verification on Discord: the "Verify caller" button (for cards, and anything else showing a
// contact such as a caller-ID pop), the one-field modal, the private answer and the audit line.
// Nothing here ever holds a PIN; what the technician typed stays in the modal submission.
import {
  type APIButtonComponent,
  ButtonStyle,
  ComponentType,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import {
  ATTEMPT_MAX,
  aboutLine,
  auditLine,
  type TextStyle,
  type VerifyAuditEvent,
  type VerifyPromptView,
  type VerifyResultView,
  verifyAnswerText,
} from "../../../commands/verify.js";
import { encodeAction } from "../custom-id.js";
import { clip, escapeMarkdown } from "./escape.js";
import { COLORS, EMBED_LIMITS, type MessageOut } from "./message.js";

export const VERIFY_TITLE = "Verify caller";
/** The modal's one input: what the caller says. */
export const CALLER_SAYS_ID = "caller_says";
const CALLER_SAYS_LABEL = "What the caller says";

/** The "Verify caller" button for a contact: put it on anything that shows one. */
export function verifyButton(contactId: number, label = VERIFY_TITLE): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodeAction({ kind: "verify", contactId }),
  };
}

/** Contact data escaped for markdown; times as Discord timestamps, shown in each reader's time zone. */
const DISCORD_TEXT: TextStyle = {
  text: escapeMarkdown,
  time: (ms) => `<t:${Math.floor(ms / 1000)}:t>`,
};

/** The one-field form; its title names whom it verifies. */
export function verifyModal(prompt: VerifyPromptView): ModalBuilder {
  const input = new TextInputBuilder()
    .setCustomId(CALLER_SAYS_ID)
    .setStyle(TextInputStyle.Short)
    .setRequired(true)
    .setMaxLength(ATTEMPT_MAX);
  const label = new LabelBuilder()
    .setLabel(CALLER_SAYS_LABEL)
    .setDescription(
      clip(`The PIN ${prompt.contact.name} gives you; the bot only says whether it matches.`, 100),
    )
    .setTextInputComponent(input);
  return new ModalBuilder()
    .setCustomId(encodeAction({ kind: "verifyForm", contactId: prompt.contact.id }))
    .setTitle(clip(`Verify ${prompt.contact.name || "caller"}`, 45))
    .addLabelComponents(label);
}

const COLOR: Record<VerifyResultView["outcome"]["result"], number> = {
  match: COLORS.saved,
  noMatch: COLORS.error,
  noPin: COLORS.conflict,
  locked: COLORS.error,
  capped: COLORS.conflict,
};

/** The private answer; after a wrong answer (not yet locked) a button to try again. */
export function verifyResultMessage(view: VerifyResultView): MessageOut {
  const { outcome } = view;
  const retry = outcome.result === "noMatch" && outcome.lockedUntil === null;
  return {
    embeds: [
      {
        description: clip(verifyAnswerText(view, DISCORD_TEXT), EMBED_LIMITS.description),
        color: COLOR[outcome.result],
        footer: { text: clip(aboutLine(view.contact), EMBED_LIMITS.footer) },
      },
    ],
    components: retry
      ? [{ type: ComponentType.ActionRow, components: [verifyButton(view.contact.id, "Try again")] }]
      : [],
    ephemeral: true,
  };
}

/** One line for the audit channel, escaped; sent with no mentions allowed. */
export function auditContent(event: VerifyAuditEvent): string {
  const who = event.platform === "discord" ? event.who : `${event.who} (${event.platform})`;
  return clip(auditLine({ ...event, who }, { text: escapeMarkdown }), 2000);
}
