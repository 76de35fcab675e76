// Caller verification on Discord: `/contact verify contact:` and the "Verify caller" button open the
// one-field modal (the first response, from the index); its submit checks the answer and replies
// privately. What was typed is read from the submission once, handed to the core, and never logged.
import { type Client, type ModalBuilder, type ModalSubmitInteraction, Routes } from "discord.js";
import type { Caller } from "../../../commands/caller.js";
import { openVerify, type VerifyAuditSink, verifyCaller } from "../../../commands/verify.js";
import type { MessageOut } from "../render/message.js";
import { auditContent, CALLER_SAYS_ID, verifyModal, verifyResultMessage } from "../render/verify.js";
import { type Deps, render } from "./deps.js";

/** The verify modal for a contact id (button) or what was typed (`#42` from autocomplete, or a query). */
export async function openVerifyModal(
  deps: Deps,
  caller: Caller,
  target: { contactId: number } | { query: string },
): Promise<ModalBuilder | MessageOut> {
  const view = await openVerify(deps.ctx, caller, target);
  if (view.kind === "verifyPrompt") return verifyModal(view);
  return view.kind === "verifyResult" ? verifyResultMessage(view) : render(deps, view);
}

/** A submitted verify modal: the private answer. */
export async function submitVerify(
  deps: Deps,
  caller: Caller,
  interaction: ModalSubmitInteraction,
  contactId: number,
): Promise<MessageOut> {
  const field = interaction.fields.fields.get(CALLER_SAYS_ID);
  const attempt = field && "value" in field && typeof field.value === "string" ? field.value : "";
  const view = await verifyCaller(deps.ctx, caller, {
    contactId,
    attempt,
    who: interaction.user.globalName ?? interaction.user.username,
  });
  return view.kind === "verifyResult" ? verifyResultMessage(view) : render(deps, view);
}

/**
 * VERIFY_AUDIT_DISCORD_CHANNEL: one line per attempt, posted as a channel message (the bot needs
 * View Channel and Send Messages there). No mention of any kind is allowed to ping.
 */
export function discordAuditSink(client: Client, channelId: string): VerifyAuditSink {
  return {
    async post(event) {
      await client.rest.post(Routes.channelMessages(channelId), {
        body: { content: auditContent(event), allowed_mentions: { parse: [] } },
      });
    },
  };
}
