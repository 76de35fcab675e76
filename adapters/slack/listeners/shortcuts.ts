// The two shortcuts the manifest declares: "Look up contact" on a message (private answer through
// the shortcut's response_url) and the global "New contact" (a modal; with no conversation behind
// it, the saved card is shown in the modal itself).
import type { App } from "@slack/bolt";
import { openCreateForm } from "../../../commands/forms.js";
import { CALLBACK } from "../ids.js";
import { lookUpMessage } from "../message-lookup.js";
import { globalShortcutSchema, messageShortcutSchema } from "../payloads.js";
import { callerOf, type SlackDeps } from "./deps.js";
import { answerByResponseUrl, answerInModal } from "./flows.js";

export function registerShortcuts(app: App, deps: SlackDeps): void {
  app.shortcut(CALLBACK.lookupShortcut, async ({ ack, body }) => {
    await ack();
    const parsed = messageShortcutSchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn(
        { issues: parsed.error.issues.length },
        "Slack sent a message shortcut the bot cannot read",
      );
      return;
    }
    const caller = callerOf(body);
    await answerByResponseUrl(deps, parsed.data.response_url, () =>
      lookUpMessage(deps.ctx, caller, parsed.data.message.text),
    );
  });

  app.shortcut(CALLBACK.newShortcut, async ({ ack, body, client }) => {
    await ack();
    const parsed = globalShortcutSchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn({ issues: parsed.error.issues.length }, "Slack sent a shortcut the bot cannot read");
      return;
    }
    const caller = callerOf(body);
    await answerInModal(deps, client, { triggerId: parsed.data.trigger_id }, "New contact", null, () =>
      openCreateForm(deps.ctx, caller),
    );
  });
}
