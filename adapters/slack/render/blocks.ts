// Small constructors for the Block Kit pieces the renderers use, each clipping to Slack's limit so
// that an overlong contact field shortens instead of making Slack reject the whole message.
import type { types } from "@slack/bolt";
import { clip } from "./escape.js";
import { LIMITS } from "./limits.js";

export type Block = types.KnownBlock;
export type Button = types.Button;

/** A mrkdwn text object. `text` must already be escaped; verbatim stops Slack from auto-linking. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: "mrkdwn", text: clip(text || " ", max), verbatim: true };
}

/**
 * A plain_text object: never parsed for markup. `emoji` stays off unless asked for, so a contact
 * named "Bob :fire:" shows the colons as typed, like every other character of contact data.
 */
export function plain(text: string, max: number = LIMITS.sectionText, emoji = false): types.PlainTextElement {
  return { type: "plain_text", text: clip(text || " ", max), emoji };
}

export function section(text: types.MrkdwnElement | types.PlainTextElement, accessory?: Button): Block {
  return accessory ? { type: "section", text, accessory } : { type: "section", text };
}

export function header(text: string): Block {
  return { type: "header", text: plain(text, LIMITS.header) };
}

export function context(text: string): Block {
  return { type: "context", elements: [mrkdwn(text)] };
}

export function button(label: string, actionId: string, value: string, style?: "primary" | "danger"): Button {
  return {
    type: "button",
    text: plain(label, LIMITS.buttonText),
    action_id: actionId,
    value: clip(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export function linkButton(label: string, actionId: string, url: string): Button {
  return { type: "button", text: plain(label, LIMITS.buttonText), action_id: actionId, url };
}

export function actions(elements: Button[], blockId?: string): Block {
  return blockId ? { type: "actions", block_id: blockId, elements } : { type: "actions", elements };
}
