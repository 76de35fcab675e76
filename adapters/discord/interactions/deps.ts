// What every interaction handler receives: the core's command context plus the adapter's own state.
import type { CommandContext } from "../../../commands/context.js";
import type { View } from "../../../commands/views.js";
import type { Logger } from "../../../src/log.js";
import type { DiscordConfig } from "../config.js";
import { type RenderOptions, renderView } from "../render/embeds.js";
import { COLORS, type MessageOut } from "../render/message.js";
import type { FormSessions } from "./sessions.js";

export interface Deps {
  ctx: CommandContext;
  config: DiscordConfig;
  sessions: FormSessions;
  logger: Logger;
}

/**
 * Renders a view as a message, looking up location names when a saved card lists a change of
 * location. Forms are opened as modals by forms.ts; one arriving here is shown as its errors.
 */
export async function render(
  deps: Deps,
  view: View,
  extra: Partial<RenderOptions> = {},
): Promise<MessageOut> {
  if (view.kind === "form") {
    return {
      embeds: [
        { description: "This needs a form; use /contact new or the Edit button.", color: COLORS.info },
      ],
      components: [],
      ephemeral: true,
    };
  }
  const options: RenderOptions = { region: deps.ctx.region, ...extra };
  if (view.kind === "card" && view.saved?.changes.some((c) => c.key === "locationId")) {
    try {
      const names = new Map(
        (await deps.ctx.directory.locationsOf(view.contact.client.id)).map((l) => [l.id, l.name]),
      );
      options.locationName = (id) => names.get(id);
    } catch {
      // Names are a nicety; "location #3" still says what changed.
    }
  }
  return renderView(view, options);
}
