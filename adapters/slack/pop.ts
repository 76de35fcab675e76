// Posts and edits call pops in a Slack channel (chat.postMessage / chat.update, scope chat:write).
// Unlike answers to a command, a pop goes to a channel nobody asked from, so the bot must be a
// member: when Slack refuses, the reason is turned into what the helpdesk has to do about it.
import { z } from "zod";
import type { CallPopView } from "../../commands/calls/pop-view.js";
import { type PopPublisher, PopRefused } from "../../commands/calls/pops.js";
import { renderPop } from "./render/pop.js";
import type { WebClient } from "./replies.js";

const postedSchema = z.object({ ts: z.string().min(1) });
const platformErrorSchema = z.object({ data: z.object({ error: z.string() }) });

function refusal(error: unknown, channel: string): Error {
  const parsed = platformErrorSchema.safeParse(error);
  if (!parsed.success) return error instanceof Error ? error : new Error(String(error));
  const code = parsed.data.data.error;
  switch (code) {
    case "not_in_channel":
      return new PopRefused(
        `not_in_channel: the bot is not in Slack channel ${channel}; invite it there (/invite @the bot)`,
      );
    case "channel_not_found":
      return new PopRefused(
        `channel_not_found: Slack channel ${channel} does not exist or is private and the bot was not invited`,
      );
    case "missing_scope":
      return new PopRefused(
        "missing_scope: the Slack app lacks chat:write; add it (see the manifest) and reinstall the app",
      );
    case "is_archived":
      return new PopRefused(`is_archived: Slack channel ${channel} is archived`);
    case "restricted_action":
      return new PopRefused(`restricted_action: the workspace does not let the bot post in ${channel}`);
    default:
      return new PopRefused(`${code}: Slack refused the message for channel ${channel}`);
  }
}

export function slackPopPublisher(client: WebClient): PopPublisher {
  return {
    async post(channel: string, view: CallPopView) {
      const message = renderPop(view);
      try {
        const answer = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
        return postedSchema.parse(answer).ts;
      } catch (error) {
        throw refusal(error, channel);
      }
    },
    async update(channel: string, ts: string, view: CallPopView) {
      const message = renderPop(view);
      try {
        await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
      } catch (error) {
        throw refusal(error, channel);
      }
    },
  };
}
