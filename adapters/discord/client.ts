// The discord.js gateway client: only the Guilds intent (interactions need no other), caches kept
// to what interactions use, every Client and shard event logged, and a stop() that lets answers
// in flight finish before the connection closes.
import { Client, Events, GatewayIntentBits, type Interaction, Options } from "discord.js";
import type { PopPublisher } from "../../commands/calls/pops.js";
import { addAuditSink } from "../../commands/verify.js";
import { type Logger, registerSecret } from "../../src/log.js";
import type { Core } from "../bootstrap.js";
import { type DiscordConfig, loadDiscordConfig } from "./config.js";
import type { Deps } from "./interactions/deps.js";
import { createRouter } from "./interactions/router.js";
import { FormSessions } from "./interactions/sessions.js";
import { discordAuditSink } from "./interactions/verify.js";
import { discordPopPublisher } from "./pop.js";

export interface DiscordBot {
  client: Client;
  config: DiscordConfig;
  /** Posts and edits call pops in channels (the caller-ID service). */
  pops: PopPublisher;
  stop(): Promise<void>;
}

/** How long stop() waits for answers in flight before closing anyway. */
const DRAIN_MS = 5000;
/** How long start-up waits for the gateway's READY. */
const READY_TIMEOUT_MS = 30_000;

// Interactions carry everything the bot needs (user, member roles, channel id, the target message),
// so nothing else is worth caching. Guilds, channels and roles stay (discord.js relies on them, and
// roles give members' role list for EDIT_ALLOW); they are small.
function makeCache() {
  return Options.cacheWithLimits({
    MessageManager: 0,
    GuildMessageManager: 0,
    DMMessageManager: 0,
    GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
    UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
    PresenceManager: 0,
    ReactionManager: 0,
    ReactionUserManager: 0,
    VoiceStateManager: 0,
    ThreadManager: 0,
    ThreadMemberManager: 0,
    GuildEmojiManager: 0,
    BaseGuildEmojiManager: 0,
    GuildStickerManager: 0,
    GuildScheduledEventManager: 0,
    StageInstanceManager: 0,
    GuildInviteManager: 0,
    GuildBanManager: 0,
    AutoModerationRuleManager: 0,
    ApplicationCommandManager: 0,
    ApplicationEmojiManager: 0,
    EntitlementManager: 0,
  });
}

export async function startDiscord(core: Core, env: NodeJS.ProcessEnv, logger: Logger): Promise<DiscordBot> {
  const config = loadDiscordConfig(env);
  registerSecret(config.token);
  const log = logger.child({ adapter: "discord" });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    makeCache: makeCache(),
    allowedMentions: { parse: [] },
    ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}),
  });

  const deps: Deps = { ctx: core.ctx, config, sessions: new FormSessions(core.ctx.store), logger: log };
  const route = createRouter(deps);
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (stopping) return;
    const done = route(interaction).finally(() => inFlight.delete(done));
    inFlight.add(done);
  });
  // Without an "error" listener an EventEmitter error kills the process.
  client.on(Events.Error, (error) => log.error({ err: error }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn(message));
  client.on(Events.ShardError, (error, shardId) =>
    log.error({ err: error, shardId }, "gateway connection error"),
  );
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.warn({ code: event.code, shardId }, "gateway disconnected"),
  );
  client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, "gateway reconnecting"));
  client.on(Events.ShardResume, (shardId, replayed) =>
    log.info({ shardId, replayed }, "gateway session resumed"),
  );
  client.on(Events.Invalidated, () => log.error("gateway session invalidated; the bot must be restarted"));

  let readyTimer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    readyTimer = setTimeout(
      () => reject(new Error(`Discord did not become ready within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    client.once(Events.ClientReady, (c) => {
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, "connected to Discord");
      resolve();
    });
  });
  try {
    await client.login(config.token);
    await ready;
  } catch (error) {
    ready.catch(() => {});
    await client.destroy().catch(() => {});
    throw error;
  } finally {
    clearTimeout(readyTimer);
  }

  // Every caller verification, from any platform, is posted to the audit channel once connected.
  const removeAudit = config.verifyAuditChannel
    ? addAuditSink(core.ctx, discordAuditSink(client, config.verifyAuditChannel))
    : () => {};

  return {
    client,
    config,
    pops: discordPopPublisher(client),
    async stop() {
      if (stopping) return;
      stopping = true;
      removeAudit();
      const drained = Promise.allSettled([...inFlight]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        drained,
        new Promise((r) => {
          timer = setTimeout(r, DRAIN_MS);
        }),
      ]);
      clearTimeout(timer);
      client.removeAllListeners(Events.InteractionCreate);
      await client.destroy();
      log.info("disconnected from Discord");
    },
  };
}
