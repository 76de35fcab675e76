// `/contact find|new|edit|help …`; a bare `/contact <query>` means find. The ack goes out first,
// always within milliseconds; the answer follows through the response_url or a modal.
import type { App } from "@slack/bolt";
import { mayEdit } from "../../../commands/access.js";
import { findContacts } from "../../../commands/find.js";
import { openCreateForm, openEditForm } from "../../../commands/forms.js";
import { help } from "../../../commands/help.js";
import { COMMAND } from "../ids.js";
import { slashCommandSchema } from "../payloads.js";
import { renderMessage } from "../render/cards.js";
import { callerOf, type SlackDeps } from "./deps.js";
import { answerByResponseUrl, answerInModal } from "./flows.js";
import { verifyFromCommand } from "./verify.js";

export type ParsedCommand =
  | { kind: "find"; query: string }
  | { kind: "new"; client: string }
  | { kind: "edit"; query: string }
  | { kind: "verify"; query: string }
  | { kind: "help" };

/** Reads the text after `/contact`. Subcommands are case-insensitive; anything else is a search. */
export function parseCommandText(text: string): ParsedCommand {
  const trimmed = text.trim();
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
  const word = match?.[1]?.toLowerCase() ?? "";
  const rest = (match?.[2] ?? "").trim();
  switch (word) {
    case "":
    case "help":
      return { kind: "help" };
    case "find":
      return { kind: "find", query: rest };
    case "new":
      return { kind: "new", client: rest };
    case "edit":
      return { kind: "edit", query: rest };
    case "verify":
      return { kind: "verify", query: rest };
    default:
      return { kind: "find", query: trimmed };
  }
}

export function registerCommand(app: App, deps: SlackDeps): void {
  app.command(COMMAND, async ({ ack, body, client }) => {
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn(
        { issues: parsed.error.issues.length },
        "Slack sent a slash command the bot cannot read",
      );
      await ack({
        response_type: "ephemeral",
        text: "Sorry, Slack sent something I could not read. Try again.",
      });
      return;
    }
    const cmd = parsed.data;
    const caller = callerOf(body);
    const request = parseCommandText(cmd.text);
    switch (request.kind) {
      case "help":
        // Needs nothing from ITFlow: the answer travels in the ack itself.
        await ack({ response_type: "ephemeral", ...renderMessage(help(COMMAND)) });
        return;
      case "verify":
        await ack();
        await verifyFromCommand(
          deps,
          client,
          { triggerId: cmd.trigger_id, responseUrl: cmd.response_url },
          caller,
          request.query,
        );
        return;
      case "find":
        await ack();
        answerByResponseUrl(deps, cmd.response_url, () =>
          findContacts(deps.ctx, caller, { query: request.query }),
        );
        return;
      case "new":
      case "edit": {
        await ack();
        if (request.kind === "edit" && !request.query) {
          await deps.replies.post(
            cmd.response_url,
            renderMessage({
              kind: "notice",
              level: "info",
              text: `Say which contact to edit, e.g. \`${COMMAND} edit alice@example.com\` or \`${COMMAND} edit #42\`.`,
            }),
          );
          return;
        }
        if (!mayEdit(deps.ctx, caller)) {
          // No modal for someone who may not edit: the core's refusal, privately.
          const denied = await openCreateForm(deps.ctx, caller);
          await deps.replies.post(cmd.response_url, renderMessage(denied));
          return;
        }
        const title = request.kind === "new" ? "New contact" : "Edit contact";
        await answerInModal(deps, client, { triggerId: cmd.trigger_id }, title, cmd.response_url, () =>
          request.kind === "new"
            ? openCreateForm(deps.ctx, caller, request.client)
            : openEditForm(deps.ctx, caller, { query: request.query }),
        );
        return;
      }
    }
  });
}
