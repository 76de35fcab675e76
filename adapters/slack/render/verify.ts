// Caller verification in Slack: the one-field form, the answer, and the audit line (the button that
// opens the form, for cards and anything else showing a contact, is in verify-button.ts).
// Nothing here ever holds a PIN; what the technician typed lives only in Slack's form state.
import { z } from "zod";
import {
  aboutLine,
  auditLine,
  clockTime,
  type TextStyle,
  type VerifyAuditEvent,
  type VerifyPromptView,
  type VerifyResultView,
  verifyAnswerText,
} from "../../../commands/verify.js";
import { ACTION, CALLBACK, CALLER_SAYS_BLOCK } from "../ids.js";
import { actions, button, context, mrkdwn, plain, section } from "./blocks.js";
import type { SlackMessage } from "./cards.js";
import { clip, escapeProse } from "./escape.js";
import { LIMITS } from "./limits.js";
import { type ModalView, messageModal } from "./modals.js";
import { VERIFY_TITLE } from "./verify-button.js";

export { VERIFY_TITLE, verifyButton } from "./verify-button.js";

export const CALLER_SAYS_LABEL = "What the caller says";

/**
 * Contact data escaped for mrkdwn; times as Slack date tokens, which every technician sees in their
 * own time zone (the fallback after "|" is the bot's clock).
 */
export const SLACK_TEXT: TextStyle = {
  text: escapeProse,
  time: (ms) => `<!date^${Math.floor(ms / 1000)}^{time}|${clockTime(ms)}>`,
};

// ---- the form, and what it carries to its submit -----------------------------------------------

const metadataSchema = z.object({
  c: z.number().int().positive(),
  /** The response_url of the command or button that opened the form (Edit flows reuse it). */
  r: z.url().max(2000).nullable(),
});

export interface VerifyMetadata {
  contactId: number;
  responseUrl: string | null;
}

export function decodeVerifyMetadata(text: string): VerifyMetadata | null {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? { contactId: parsed.data.c, responseUrl: parsed.data.r } : null;
  } catch {
    return null;
  }
}

function encodeMetadata(contactId: number, responseUrl: string | null): string {
  const full = JSON.stringify({ c: contactId, r: responseUrl });
  return full.length <= LIMITS.privateMetadata ? full : JSON.stringify({ c: contactId, r: null });
}

/** The form: who is being verified, and one input for what the caller says. */
export function verifyModal(
  prompt: VerifyPromptView,
  responseUrl: string | null,
  maxLength: number,
): ModalView {
  const { contact } = prompt;
  return {
    type: "modal",
    callback_id: CALLBACK.verify,
    title: plain(VERIFY_TITLE, LIMITS.modalTitle),
    submit: plain("Check", LIMITS.modalTitle),
    close: plain("Cancel", LIMITS.modalTitle),
    private_metadata: encodeMetadata(contact.id, responseUrl),
    blocks: [
      section(mrkdwn(`*${escapeProse(contact.name)}* — ${escapeProse(contact.client)}`)),
      {
        type: "input",
        block_id: CALLER_SAYS_BLOCK,
        label: plain(CALLER_SAYS_LABEL, LIMITS.inputLabel),
        element: {
          type: "plain_text_input",
          action_id: CALLER_SAYS_BLOCK,
          max_length: maxLength,
          focus_on_load: true,
        },
        hint: plain(
          "Ask for the PIN and type what they say. The bot only answers whether it matches.",
          LIMITS.hint,
        ),
      },
      context("Only you see this form and its answer."),
    ],
  };
}

// ---- the answer ------------------------------------------------------------------------------

/** The answer in the form's place; after a wrong answer, a button to try again. */
export function verifyResultModal(view: VerifyResultView, responseUrl: string | null): ModalView {
  const blocks = [
    section(mrkdwn(verifyAnswerText(view, SLACK_TEXT))),
    context(escapeProse(aboutLine(view.contact))),
  ];
  const { outcome } = view;
  if (outcome.result === "noMatch" && outcome.lockedUntil === null) {
    blocks.push(actions([button("Try again", ACTION.verify, String(view.contact.id))]));
  }
  return messageModal(VERIFY_TITLE, blocks, responseUrl);
}

/** One line for the audit channel, escaped so nothing in it is read as a mention or a link. */
export function auditMessage(event: VerifyAuditEvent): SlackMessage {
  const line = auditLine(
    { ...event, who: event.platform === "slack" ? event.who : `${event.who} (${event.platform})` },
    { text: escapeProse },
  );
  return { text: clip(line, LIMITS.fallbackText), blocks: [section(mrkdwn(line))] };
}
