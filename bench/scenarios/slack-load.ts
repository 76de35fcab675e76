// Run by scenarios/slack-ack.ts in its own Node process: "Slack" for row (d) — the fake Slack Web
// API and response_urls, and the load generator — so that building, signing and sending requests,
// reading acks and receiving the answers does not share the bot's event loop (Slack is another
// machine). Protocol, one JSON line each way:
//   → stdout {"apiUrl": …}                 the fake Slack is up (the bot's SLACK_API_URL)
//   ← stdin  {"endpoint": …}               the bot's /slack/events
//   ← stdin  {"emails": [...]}             one round: `/contact find <email>` for each, all at once
//   → stdout [LoadResult, …]               per request: ack time and status, answer time, checked
// Usage: slack-load <signing secret>
import { createInterface } from "node:readline";
import { SlackPayloads, sendSigned, startFakeSlack } from "../../test/fakes/slack/index.js";

export interface LoadResult {
  /** Request sent → HTTP response (the ack) read, performance.now() in this process. */
  ackMs: number;
  status: number;
  /** Request sent → the answer's POST to the response_url received; null when none came. */
  answerMs: number | null;
  /** The answer names the email looked up. */
  answerOk: boolean;
}

/** How long a round waits for its answers on the response_urls. */
const ANSWER_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const secret = process.argv[2];
  if (!secret) throw new Error("usage: slack-load <signing secret>");
  const slack = await startFakeSlack();
  const payloads = new SlackPayloads(slack);
  let endpoint = "";
  process.stdout.write(`${JSON.stringify({ apiUrl: slack.apiUrl })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { endpoint?: string; emails?: string[] };
    if (message.endpoint) {
      endpoint = message.endpoint;
      continue;
    }
    slack.reset();
    const commands = (message.emails ?? []).map((email) => ({
      email,
      ...payloads.slashCommand(`find ${email}`),
    }));
    const sent = await Promise.all(
      commands.map(async (cmd) => {
        const wallSent = Date.now();
        const reply = await sendSigned(endpoint, secret, cmd.form);
        return { wallSent, ackMs: reply.ms, status: reply.status };
      }),
    );
    const until = Date.now() + ANSWER_TIMEOUT_MS;
    while (slack.responses.length < commands.length && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const results = commands.map((cmd, i): LoadResult => {
      const s = sent[i] ?? { wallSent: 0, ackMs: Number.NaN, status: 0 };
      const post = slack.postsTo(cmd.responseUrl)[0];
      return {
        ackMs: s.ackMs,
        status: s.status,
        answerMs: post ? post.at - s.wallSent : null,
        answerOk: post ? JSON.stringify(post.body).toLowerCase().includes(cmd.email) : false,
      };
    });
    process.stdout.write(`${JSON.stringify(results)}\n`);
  }
  await slack.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
