// `npm start`: starts every chat platform whose variables are set, the caller-ID service for phone
// systems when CALLS_PORT is set, plus the optional health endpoint, and shuts down cleanly on
// SIGTERM/SIGINT (writes under way are finished first). With none of them configured there is
// nothing to run: it says how to configure one and exits 2.
import type http from "node:http";
import type { PopPlatform, PopPublisher } from "../commands/calls/pops.js";
import { ConfigError, loadCoreConfig } from "../src/config.js";
import { createLogger, type Logger, registerSecret } from "../src/log.js";
import { type Core, startCore } from "./bootstrap.js";
import { type CallsConfig, callsConfigured, loadCallsConfig } from "./calls/config.js";
import type { CallsService } from "./calls/server.js";
import { discordConfigured, loadDiscordConfig } from "./discord/config.js";
import { healthReporter, startHealthServer } from "./health.js";
import { loadSlackConfig, slackConfigured } from "./slack/config.js";

const NOTHING_CONFIGURED = `No chat platform is configured, so there is nothing to start.
  Slack:   set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode, no public URL needed),
           or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP mode on SLACK_PORT).
  Discord: set DISCORD_TOKEN, DISCORD_APPLICATION_ID and DISCORD_GUILD_IDS.
  Phone systems only (caller ID): set CALLS_PORT and CALLS_TOKEN.
See README.md and .env.example.`;

interface Running {
  name: PopPlatform;
  connected(): boolean;
  pops: PopPublisher;
  stop(): Promise<void>;
}

function healthPort(env: NodeJS.ProcessEnv): number | null {
  const raw = env.HEALTH_PORT?.trim();
  if (!raw) return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError([
      "HEALTH_PORT must be a port number — where GET /health answers (unset = no health endpoint)",
    ]);
  }
  return port;
}

/** Every configuration problem at once, before anything connects anywhere. */
function checkConfiguration(env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  const collect = (load: () => unknown) => {
    try {
      load();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  };
  collect(() => loadCoreConfig(env));
  if (slackConfigured(env)) collect(() => loadSlackConfig(env));
  if (discordConfigured(env)) collect(() => loadDiscordConfig(env));
  if (callsConfigured(env)) collect(() => checkPopPlatforms(loadCallsConfig(env, regionOf(env)), env));
  collect(() => healthPort(env));
  if (problems.length > 0) throw new ConfigError(problems);
}

// The region only changes how CALLS_ROUTES numbers are read; a bad DEFAULT_PHONE_REGION is
// reported by the core's check, so the default stands in here.
function regionOf(env: NodeJS.ProcessEnv) {
  try {
    return loadCoreConfig(env).phoneRegion;
  } catch {
    return "US" as const;
  }
}

/** A pop channel on a platform that is not configured could never receive a pop: say so at start. */
function checkPopPlatforms(calls: CallsConfig, env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  const used = new Set(
    [...calls.defaultTargets, ...calls.routes.flatMap((r) => r.targets)].map((t) => t.platform),
  );
  if (used.has("slack") && !slackConfigured(env)) {
    problems.push(
      "CALLS_SLACK_CHANNEL or CALLS_ROUTES names a Slack channel, but Slack is not configured (SLACK_BOT_TOKEN)",
    );
  }
  if (used.has("discord") && !discordConfigured(env)) {
    problems.push(
      "CALLS_DISCORD_CHANNEL or CALLS_ROUTES names a Discord channel, but Discord is not configured (DISCORD_TOKEN)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

async function startPlatforms(core: Core, env: NodeJS.ProcessEnv, logger: Logger): Promise<Running[]> {
  const running: Running[] = [];
  try {
    // Bolt and discord.js load only for the platforms in use (they take seconds to import), and
    // only after the configuration was found good, so a typo is reported at once.
    if (slackConfigured(env)) {
      const { startSlack } = await import("./slack/app.js");
      const slack = await startSlack(core, env, logger);
      running.push({
        name: "slack",
        connected: () => slack.connected(),
        pops: slack.pops,
        stop: () => slack.stop(),
      });
      logger.info({ mode: slack.mode, port: slack.port, workspaces: slack.workspaces }, "Slack connected");
    }
    if (discordConfigured(env)) {
      const { startDiscord } = await import("./discord/client.js");
      const discord = await startDiscord(core, env, logger);
      running.push({
        name: "discord",
        connected: () => discord.client.isReady(),
        pops: discord.pops,
        stop: () => discord.stop(),
      });
      logger.info({ guilds: discord.config.guildIds }, "Discord connected");
    }
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw error;
  }
  return running;
}

async function startCalls(core: Core, env: NodeJS.ProcessEnv, running: Running[], logger: Logger) {
  if (!callsConfigured(env)) return null;
  const config = loadCallsConfig(env, core.ctx.region);
  registerSecret(config.token);
  const { startCallsService } = await import("./calls/server.js");
  return startCallsService({
    ctx: core.ctx,
    config,
    publishers: Object.fromEntries(running.map((r) => [r.name, r.pops])),
    logger,
  });
}

export async function serve(env: NodeJS.ProcessEnv): Promise<number> {
  if (!slackConfigured(env) && !discordConfigured(env) && !callsConfigured(env)) {
    process.stderr.write(`${NOTHING_CONFIGURED}\n`);
    return 2;
  }
  checkConfiguration(env);
  const config = loadCoreConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const core = await startCore(config, logger);
  let running: Running[];
  let calls: CallsService | null;
  try {
    running = await startPlatforms(core, env, logger);
  } catch (error) {
    await core.close(0);
    throw error;
  }
  try {
    calls = await startCalls(core, env, running, logger);
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.stop()));
    await core.close(0);
    throw error;
  }
  // Platforms and phone systems first: a slow or hanging ITFlow must not keep the bot unreachable.
  // The list loads behind; until it has, exact lookups (email, phone, #id) ask ITFlow and name
  // search says it is still loading. A failed load is logged and retried by the refresh timer.
  core.ctx.directory.warm().catch(() => {});
  const stopRefresh = core.ctx.directory.autoRefresh();
  let health: http.Server | null = null;
  const port = healthPort(env);
  if (port !== null) {
    const report = healthReporter({
      itflow: core.itflow,
      store: core.ctx.store,
      directory: core.ctx.directory,
      adapters: Object.fromEntries(running.map((r) => [r.name, r.connected])),
      ...(calls ? { calls: calls.health } : {}),
      logger,
    });
    health = await startHealthServer(port, env.HEALTH_HOST?.trim() || "127.0.0.1", report);
    logger.info({ port }, "health endpoint at GET /health");
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  logger.info({ signal }, "shutting down: no new requests, finishing writes under way");
  stopRefresh();
  // Stop taking new events first (pops under way still reach chat), then let saves that already
  // started reach ITFlow.
  await calls?.stop();
  await Promise.allSettled(running.map((r) => r.stop()));
  await core.close(10_000);
  await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
  logger.info("stopped");
  return 0;
}
