// Starts the Slack side of the bot: checks the bot token with auth.test (which also says which
// workspace it belongs to), builds a Bolt App in Socket Mode (SLACK_APP_TOKEN) or HTTP mode
// (SLACK_SIGNING_SECRET), guards it with the workspace boundary and registers the listeners.

import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { format } from "node:util";
import { App, type Logger as BoltLogger, LogLevel, SocketModeReceiver, webApi } from "@slack/bolt";
import type { PopPublisher } from "../../commands/calls/pops.js";
import { addAuditSink } from "../../commands/verify.js";
import { type Logger, registerSecret } from "../../src/log.js";
import type { Core } from "../bootstrap.js";
import { trackAcks } from "./ack-first.js";
import { slackAuditSink } from "./audit.js";
import { loadSlackConfig, type SlackMode } from "./config.js";
import { DEFAULT_TIMING, type SlackDeps, type Timing } from "./listeners/deps.js";
import { registerListeners } from "./listeners/index.js";
import { authTestSchema } from "./payloads.js";
import { slackPopPublisher } from "./pop.js";
import { Replies } from "./replies.js";
import { boundaryFrom, workspaceGuard } from "./workspaces.js";

export interface SlackOptions {
  /** Override the deadlines (tests make ITFlow slow on purpose and do not want to wait seconds). */
  timing?: Partial<Timing>;
}

export interface RunningSlack {
  mode: SlackMode;
  /** The HTTP port actually listened on (HTTP mode), else null. */
  port: number | null;
  /** The workspace / org ids requests are accepted from. */
  workspaces: string[];
  /** Socket Mode: the websocket is up; HTTP mode: the port is listening. For health checks. */
  connected(): boolean;
  /** Posts and edits call pops in channels (the caller-ID service). */
  pops: PopPublisher;
  stop(): Promise<void>;
}

/**
 * A line from Bolt or Slack's SDKs without what may be contact data. At debug level they log whole
 * request and response bodies (a form's name, email, phones and notes; a card), websocket messages
 * and acks; a warning can quote a body. Whatever follows the first "{", "[" or '"' is left out.
 */
export function withoutContents(text: string): string {
  const at = text.search(/[{["]/);
  return at < 0 ? text : `${text.slice(0, at).trimEnd()} [contents not logged]`;
}

/** Bolt's logger interface on top of ours, so Bolt's lines are JSON, leveled and scrubbed like ours. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line = (msg: unknown[]) => withoutContents(format(...msg));
  return {
    debug: (...msg: unknown[]) => logger.debug(line(msg)),
    info: (...msg: unknown[]) => logger.info(line(msg)),
    warn: (...msg: unknown[]) => logger.warn(line(msg)),
    error: (...msg: unknown[]) => logger.error(line(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

async function whoAmI(botToken: string, clientOptions: webApi.WebClientOptions) {
  const web = new webApi.WebClient(botToken, clientOptions);
  try {
    return authTestSchema.parse(await web.auth.test());
  } catch (error) {
    const code =
      error && typeof error === "object" && "data" in error
        ? String((error.data as { error?: unknown }).error ?? "")
        : error instanceof Error
          ? error.message
          : "";
    throw new Error(
      `Slack did not accept SLACK_BOT_TOKEN${code ? ` (${code})` : ""}: copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page.`,
    );
  }
}

export async function startSlack(
  core: Core,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  options: SlackOptions = {},
): Promise<RunningSlack> {
  const config = loadSlackConfig(env);
  for (const secret of [config.botToken, config.appToken, config.signingSecret]) registerSecret(secret);
  const log = logger.child({ component: "slack" });
  const bolt = boltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // A modal update retried for minutes is useless (its trigger is long gone): fail fast, log it.
    retryConfig: { retries: 2, minTimeout: 200, maxTimeout: 1000 },
    timeout: 10_000,
    logger: bolt,
  };

  const auth = await whoAmI(config.botToken, clientOptions);
  const boundary = boundaryFrom(config.teamIds, auth);
  const replies = new Replies(log);
  const deps: SlackDeps = {
    ctx: core.ctx,
    replies,
    logger: log,
    timing: { ...DEFAULT_TIMING, ...options.timing },
  };

  // Socket Mode's receiver is built here rather than by Bolt so its connection state can be
  // watched (for health checks); a receiver built by hand does not inherit the App's clientOptions,
  // so it gets them through installerOptions (SLACK_API_URL, retries).
  let socketUp = false;
  const receiver =
    config.mode === "socket" && config.appToken
      ? new SocketModeReceiver({
          appToken: config.appToken,
          logger: bolt,
          installerOptions: { clientOptions },
        })
      : null;
  if (receiver) {
    receiver.client.on("connected", () => {
      socketUp = true;
    });
    for (const state of ["disconnected", "reconnecting", "connecting"]) {
      receiver.client.on(state, () => {
        socketUp = false;
      });
    }
  }
  const transport = receiver
    ? { socketMode: true, receiver }
    : {
        signingSecret: config.signingSecret,
        customRoutes: [
          {
            path: "/healthz",
            method: ["GET"],
            // For a load balancer or uptime check in front of the HTTP mode.
            handler: (_req: unknown, res: ServerResponse) => {
              res.writeHead(200);
              res.end("ok");
            },
          },
        ],
      };
  const app = new App({
    token: config.botToken,
    // Known from auth.test already: without them Bolt would call auth.test again.
    ...(auth.bot_id ? { botId: auth.bot_id } : {}),
    ...(auth.user_id ? { botUserId: auth.user_id } : {}),
    ...transport,
    // The HTTP answer leaves at ack(); the work goes on after it (what keeps the 3 s deadline).
    processBeforeResponse: false,
    convoStore: false,
    clientOptions,
    logger: bolt,
  });
  app.use(
    workspaceGuard(boundary, log, (url, text) => replies.post(url, { text, blocks: [] }).then(() => {})),
  );
  registerListeners(app, deps);
  app.error(async (error) => {
    log.error({ err: error }, "a Slack listener failed");
  });

  let port: number | null = null;
  let server: Server | null = null;
  if (receiver) {
    await app.start();
  } else {
    server = (await app.start({
      port: config.port,
      ...(config.host ? { host: config.host } : {}),
    })) as Server;
    port = (server.address() as AddressInfo).port;
    trackAcks(server);
  }
  // Every caller verification, from any platform, is posted to the audit channel once running.
  const removeAudit = config.verifyAuditChannel
    ? addAuditSink(core.ctx, slackAuditSink(app.client, config.verifyAuditChannel))
    : () => {};
  log.info(
    { mode: config.mode, port, workspaces: boundary.describe(), team: auth.team_id },
    config.mode === "socket"
      ? "Slack connected (Socket Mode)"
      : `Slack listening on port ${port} (HTTP mode)`,
  );
  return {
    mode: config.mode,
    port,
    workspaces: boundary.describe(),
    connected: () => (receiver ? socketUp : (server?.listening ?? false)),
    pops: slackPopPublisher(app.client),
    async stop() {
      removeAudit();
      await app.stop();
    },
  };
}
