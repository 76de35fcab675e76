// Everything an end-to-end Discord test needs: the fake ITFlow (seeded), the fake Discord, the
// real core and the real adapter (startDiscord → discord.js Client), and the adapter's log lines.
import { Writable } from "node:stream";
import { SnowflakeUtil } from "discord.js";
import { type Core, startCore } from "../../../adapters/bootstrap.js";
import { type DiscordBot, startDiscord } from "../../../adapters/discord/client.js";
import { loadCoreConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import { type FakeItflow, type FakeSeed, startFakeItflow } from "../itflow/index.js";
import { type InteractionPayload, Interactions, newUserId, type Who } from "./payloads.js";
import { type FakeDiscord, type RecordedCallback, startFakeDiscord } from "./server.js";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface HarnessOptions {
  /** EDIT_ALLOW = discord:role:<the tech role> (otherwise empty: everyone may edit). */
  editAllowTechRole?: boolean;
  /** Extra core variables (e.g. ITFLOW_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Synthetic contacts added to the seed before the directory is built. */
  generate?: { contacts: number; clients: number };
  /** The fake ITFlow's database (default: the recorded seed). */
  seed?: FakeSeed;
  /** The bot's log level (default debug). */
  logLevel?: string;
  /** Post caller verifications to the guild's channel (VERIFY_AUDIT_DISCORD_CHANNEL). */
  auditChannel?: boolean;
}

export interface DiscordHarness {
  itflow: FakeItflow;
  discord: FakeDiscord;
  core: Core;
  bot: DiscordBot;
  ix: Interactions;
  logs: LogLine[];
  guildId: string;
  foreignGuildId: string;
  techRoleId: string;
  /** A technician in the allowed server (with the tech role). */
  tech: Who;
  /** The same person in another server, and in a DM. */
  elsewhere: Who;
  inDm: Who;
  /** Someone in the allowed server without the tech role. */
  visitor: Who;
  env: Record<string, string>;
  /** Dispatches an interaction and waits for its first callback. */
  send(payload: InteractionPayload): Promise<RecordedCallback>;
  close(): Promise<void>;
}

export async function startDiscordHarness(options: HarnessOptions = {}): Promise<DiscordHarness> {
  const guildId = SnowflakeUtil.generate().toString();
  const foreignGuildId = SnowflakeUtil.generate().toString();
  const channelId = SnowflakeUtil.generate().toString();
  const techRoleId = SnowflakeUtil.generate().toString();
  const itflow = await startFakeItflow(options.seed ? { seed: options.seed } : {});
  if (options.generate) itflow.generate(options.generate);
  const discord = await startFakeDiscord({
    guilds: [{ id: guildId, name: "Helpdesk", channelId, roles: [{ id: techRoleId, name: "Techs" }] }],
  });
  const logs: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const logger = createLogger({ level: options.logLevel ?? "debug", destination });
  const env: Record<string, string> = {
    ITFLOW_URL: itflow.url,
    ITFLOW_API_KEY: "KEY_ADMIN",
    ITFLOW_TIMEOUT_MS: "1000",
    EDIT_ALLOW: options.editAllowTechRole ? `discord:role:${techRoleId}` : "",
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_GUILD_IDS: guildId,
    DISCORD_API_URL: discord.apiUrl,
    ...(options.auditChannel ? { VERIFY_AUDIT_DISCORD_CHANNEL: channelId } : {}),
    ...options.env,
  };
  const core = await startCore(loadCoreConfig(env), logger);
  await core.ctx.directory.warm();
  const bot = await startDiscord(core, env, logger);
  const userId = newUserId();
  const tech: Who = { guildId, channelId, userId, username: "tech", roles: [techRoleId] };
  return {
    itflow,
    discord,
    core,
    bot,
    ix: new Interactions(discord.applicationId),
    logs,
    guildId,
    foreignGuildId,
    techRoleId,
    tech,
    elsewhere: { ...tech, guildId: foreignGuildId, channelId: SnowflakeUtil.generate().toString() },
    inDm: { ...tech, guildId: null, channelId: SnowflakeUtil.generate().toString() },
    visitor: { guildId, channelId, userId: newUserId(), username: "visitor", roles: [] },
    env,
    async send(payload) {
      discord.dispatch(payload);
      return discord.callbackFor(payload.id);
    },
    async close() {
      await bot.stop();
      await core.close();
      await discord.close();
      await itflow.close();
    },
  };
}

// --- Reading what reached the fake ------------------------------------------------------------

export interface SentComponent {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  options?: Array<{ label: string; value: string; description?: string; default?: boolean }>;
}

export interface SentEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string };
}

export interface SentMessage {
  embeds: SentEmbed[];
  components: Array<{ type: number; components: SentComponent[] }>;
  flags?: number;
  allowed_mentions?: { parse: string[] };
}

export interface SentModalField {
  type: number;
  label?: string;
  description?: string;
  component?: SentComponent & {
    value?: string;
    required?: boolean;
    max_length?: number;
    placeholder?: string;
  };
  content?: string;
}

export interface SentModal {
  custom_id: string;
  title: string;
  components: SentModalField[];
}

/** The message a callback (type 4/7) or webhook call carried. */
export function messageOf(sent: { body: unknown }): SentMessage {
  const body = sent.body as { type?: number; data?: unknown };
  const data = (body.type === undefined ? body : body.data) as SentMessage;
  return { ...data, embeds: data.embeds ?? [], components: data.components ?? [] };
}

export function modalOf(callback: RecordedCallback): SentModal {
  if (callback.body.type !== 9)
    throw new Error(`expected a modal (9), got ${callback.body.type}: ${JSON.stringify(callback.body)}`);
  return callback.body.data as unknown as SentModal;
}

/** Every custom_id (and link url) on a message's buttons and selects, in order. */
export function controlsOf(message: SentMessage): string[] {
  return message.components.flatMap((row) => row.components.map((c) => c.custom_id ?? `link:${c.url ?? ""}`));
}

/** A modal's inputs by custom_id. */
export function fieldsOf(modal: SentModal): Record<string, SentModalField> {
  const out: Record<string, SentModalField> = {};
  for (const f of modal.components) if (f.component?.custom_id) out[f.component.custom_id] = f;
  return out;
}

export function warnings(logs: LogLine[], pattern: RegExp): LogLine[] {
  return logs.filter((l) => l.level >= 40 && pattern.test(l.msg));
}
