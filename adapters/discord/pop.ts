// Posts and edits call pops in a Discord channel (REST: channel messages). The bot needs View
// Channel, Send Messages and Embed Links there; when Discord refuses, the reason is turned into what
// the helpdesk has to fix. Mentions are off for these messages as for every other.
import { type Client, DiscordAPIError, Routes } from "discord.js";
import { z } from "zod";
import type { CallPopView } from "../../commands/calls/pop-view.js";
import { type PopPublisher, PopRefused } from "../../commands/calls/pops.js";
import { popNotification, renderPop } from "./render/pop.js";

const postedSchema = z.object({ id: z.string().min(1) });

function bodyOf(view: CallPopView) {
  const out = renderPop(view);
  return {
    content: popNotification(view),
    embeds: out.embeds,
    components: out.components,
    allowed_mentions: { parse: [] },
  };
}

function refusal(error: unknown, channel: string): Error {
  if (!(error instanceof DiscordAPIError)) return error instanceof Error ? error : new Error(String(error));
  switch (error.code) {
    case 50001:
      return new PopRefused(
        `Missing Access: the bot cannot see Discord channel ${channel}; give it View Channel there`,
      );
    case 50013:
      return new PopRefused(
        `Missing Permissions: the bot needs Send Messages and Embed Links in Discord channel ${channel}`,
      );
    case 10003:
      return new PopRefused(
        `Unknown Channel: Discord channel ${channel} does not exist (check CALLS_DISCORD_CHANNEL)`,
      );
    case 10008:
      return new PopRefused(`Unknown Message: the call's message in Discord channel ${channel} was deleted`);
    default:
      return new PopRefused(`${error.code}: Discord refused the message for channel ${channel}`);
  }
}

export function discordPopPublisher(client: Client): PopPublisher {
  return {
    async post(channel: string, view: CallPopView) {
      try {
        const answer = await client.rest.post(Routes.channelMessages(channel), { body: bodyOf(view) });
        return postedSchema.parse(answer).id;
      } catch (error) {
        throw refusal(error, channel);
      }
    },
    async update(channel: string, messageId: string, view: CallPopView) {
      try {
        await client.rest.patch(Routes.channelMessage(channel, messageId), { body: bodyOf(view) });
      } catch (error) {
        throw refusal(error, channel);
      }
    },
  };
}
