// The client picker's options (external_select on the create form). Slack waits 3 s for them, so the
// search gets a budget; when ITFlow is too slow the picker shows nothing and the user types again.
import type { App } from "@slack/bolt";
import { ACTION } from "../ids.js";
import { blockSuggestionSchema } from "../payloads.js";
import { plain } from "../render/blocks.js";
import { clip } from "../render/escape.js";
import { LIMITS } from "../render/limits.js";
import { within } from "../replies.js";
import type { SlackDeps } from "./deps.js";

export function registerOptions(app: App, deps: SlackDeps): void {
  app.options(ACTION.client, async ({ ack, body }) => {
    const parsed = blockSuggestionSchema.safeParse(body);
    if (!parsed.success) {
      await ack({ options: [] });
      return;
    }
    const search = deps.ctx.directory.searchClients(parsed.data.value).catch((error: unknown) => {
      deps.logger.warn({ err: error }, "client search for the Slack picker failed");
      return [];
    });
    const found = await within(search, deps.timing.optionsBudgetMs);
    const clients = found.done ? found.value : [];
    await ack({
      options: clients.slice(0, LIMITS.externalSelectOptions).map((c) => ({
        text: plain(c.name, LIMITS.optionText),
        value: clip(String(c.id), LIMITS.optionValue),
      })),
    });
  });
}
