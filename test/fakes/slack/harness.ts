// One bot as a test sees it: the real core (bootstrap, ITFlow client, directory, store) against the
// fake ITFlow, the real Slack adapter (Bolt's HTTP receiver) against the fake Slack, and helpers to
// send it signed requests. Nothing of ours is stubbed; the fakes are the only stand-ins.
import { Writable } from "node:stream";
import { type Core, startCore } from "../../../adapters/bootstrap.js";
import { type RunningSlack, type SlackOptions, startSlack } from "../../../adapters/slack/app.js";
import { loadCoreConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import type { FakeItflow } from "../itflow/index.js";
import { type SendOptions, SlackPayloads, type SlackReply, sendSigned } from "./requests.js";
import type { FakeSlack } from "./server.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const BOT_TOKEN = "xoxb-1111-2222-faketoken";
export const APP_TOKEN = "xapp-1-A0FAKE-3333-fakeapptoken";

export interface BotUnderTest {
  core: Core;
  slack: RunningSlack;
  endpoint: string;
  payloads: SlackPayloads;
  /** Every log line the bot wrote, as parsed JSON. */
  logs: Array<Record<string, unknown>>;
  send(form: Record<string, string>, options?: SendOptions): Promise<SlackReply>;
  stop(): Promise<void>;
}

export interface BotOptions extends SlackOptions {
  env?: Record<string, string>;
}

export async function startBot(
  itflow: FakeItflow,
  fakeSlack: FakeSlack,
  options: BotOptions = {},
): Promise<BotUnderTest> {
  const env: Record<string, string> = {
    ITFLOW_URL: itflow.url,
    ITFLOW_API_KEY: "KEY_ADMIN",
    ITFLOW_TIMEOUT_MS: "800",
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: "0",
    SLACK_HOST: "127.0.0.1",
    SLACK_API_URL: fakeSlack.apiUrl,
    ...options.env,
  };
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split("\n"))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadCoreConfig(env);
  const logger = createLogger({ level: config.logLevel, destination });
  const core = await startCore(config, logger);
  let slack: RunningSlack;
  try {
    slack = await startSlack(core, env, logger, options);
  } catch (error) {
    await core.close();
    throw error;
  }
  let stopped = false;
  const endpoint = `http://127.0.0.1:${slack.port}/slack/events`;
  return {
    core,
    slack,
    endpoint,
    payloads: new SlackPayloads(fakeSlack),
    logs,
    send: (form, sendOptions) => sendSigned(endpoint, SIGNING_SECRET, form, sendOptions),
    // Idempotent, so a test may stop its bot early and afterEach can still call it.
    async stop() {
      if (stopped) return;
      stopped = true;
      await slack.stop();
      await core.close();
    },
  };
}
