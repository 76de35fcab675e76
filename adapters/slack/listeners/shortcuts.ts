// The two shortcuts the manifest declares: "Look up contact" on a message (private answer through
// the shortcut's response_url) and the global "New contact" (a modal; with no conversation behind
// it, the saved card is shown in the modal itself).
import type { AllMiddlewareArgs, App, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { openCreateForm } from "../../../commands/forms.js";
import { CALLBACK, exactly } from "../ids.js";
import { lookUpMessage } from "../message-lookup.js";
import { globalShortcutSchema, messageShortcutSchema } from "../payloads.js";
import { callerOf, type SlackDeps } from "./deps.js";
import { answerByResponseUrl, answerInModal } from "./flows.js";

type ShortcutArgs = SlackShortcutMiddlewareArgs & AllMiddlewareArgs;

export function registerShortcuts(app: App, deps: SlackDeps): void {
  const onShortcut: Record<string, (args: ShortcutArgs) => Promise<void>> = {
    [CALLBACK.lookupShortcut]: async ({ ack, body }) => {
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
      answerByResponseUrl(deps, parsed.data.response_url, () =>
        lookUpMessage(deps.ctx, caller, parsed.data.message.text),
      );
    },

    [CALLBACK.newShortcut]: async ({ ack, body, client }) => {
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
    },
  };
  // One listener for both, as for the buttons (listeners/actions.ts): every registered listener
  // costs every request Bolt receives.
  app.shortcut(exactly(Object.keys(onShortcut)), async (args) => {
    await onShortcut[args.payload.callback_id]?.(args);
  });
}
