// The caller-verification audit channel (VERIFY_AUDIT_SLACK_CHANNEL): one line per attempt, posted
// with chat.postMessage (the one thing the bot posts on its own, hence the chat:write scope). The
// line is escaped and names nobody with a mention, so it pings no one.
import type { VerifyAuditSink } from "../../commands/verify.js";
import { auditMessage } from "./render/verify.js";
import type { WebClient } from "./replies.js";

export function slackAuditSink(client: WebClient, channel: string): VerifyAuditSink {
  return {
    async post(event) {
      const message = auditMessage(event);
      await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        // No @name or #channel turned into a mention or link, no previews.
        link_names: false,
        parse: "none",
        unfurl_links: false,
        unfurl_media: false,
      });
    },
  };
}
