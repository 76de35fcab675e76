// A fake Discord on 127.0.0.1 for the real discord.js Client: the gateway (a websocket speaking
// HELLO / IDENTIFY → READY / heartbeats) and the REST endpoints this bot uses, with Discord's
// rules that matter to it: one callback per interaction (400/40060 for a second), a token that
// dies 3 s after the interaction was created (404/10062), limits on what a callback may hold.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SnowflakeUtil } from "discord.js";
import { type WebSocket, WebSocketServer } from "ws";
import { checkChoices, checkCommands, checkMessage, checkModal } from "./limits.js";

export interface FakeGuild {
  id: string;
  name: string;
  /** Extra roles besides @everyone (whose id is the guild's). */
  roles?: Array<{ id: string; name: string }>;
  channelId: string;
}

export interface RecordedCallback {
  interactionId: string;
  token: string;
  /** The JSON body as it reached the fake: `{type, data}`. */
  body: { type: number; data?: Record<string, unknown> };
  status: number;
  at: number;
}

export interface RecordedWebhook {
  method: "PATCH" | "POST";
  token: string;
  /** "@original" for editReply, null for a follow-up. */
  messageId: string | null;
  body: Record<string, unknown>;
  status: number;
  at: number;
}

/** A message the bot posted to a channel itself (not an interaction answer). */
export interface RecordedChannelMessage {
  channelId: string;
  body: Record<string, unknown>;
  status: number;
  at: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface FakeDiscordOptions {
  token?: string;
  applicationId?: string;
  guilds?: FakeGuild[];
  /** How long an interaction token accepts its first callback (Discord: 3 s). */
  callbackWindowMs?: number;
  heartbeatIntervalMs?: number;
}

export interface FakeDiscord {
  /** For the Client's `rest.api` / DISCORD_API_URL: REST calls land under `${apiUrl}/v10`. */
  apiUrl: string;
  token: string;
  applicationId: string;
  botUserId: string;
  guilds: FakeGuild[];
  callbacks: RecordedCallback[];
  webhooks: RecordedWebhook[];
  /** POST /channels/{id}/messages: messages the bot sent on its own. */
  channelMessages: RecordedChannelMessage[];
  requests: RecordedRequest[];
  /** Application commands as Discord holds them, per scope ("global" or a guild id). */
  commands: Map<string, Array<Record<string, unknown>>>;
  /** How many PUTs changed commands (bulk overwrites received). */
  commandWrites: number;
  /** Sessions that sent IDENTIFY. */
  identifies: number;
  /** Sends INTERACTION_CREATE to the connected bot; the interaction then accepts one callback. */
  dispatch(interaction: { id: string; token: string } & Record<string, unknown>): void;
  /** The first callback for an interaction, once it arrives. */
  callbackFor(interactionId: string, timeoutMs?: number): Promise<RecordedCallback>;
  /** All callbacks for an interaction after a short settle (to prove there was no second one). */
  callbacksOf(interactionId: string): RecordedCallback[];
  /** The first webhook call (editReply / follow-up) for an interaction token, once it arrives. */
  webhookFor(token: string, timeoutMs?: number): Promise<RecordedWebhook>;
  waitForIdentify(timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

interface KnownInteraction {
  id: string;
  token: string;
  createdAt: number;
  answered: RecordedCallback | null;
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (!text) return resolve(null);
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        resolve(text);
      }
    });
  });
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  response.end(text);
}

const discordError = (code: number, message: string, errors?: unknown) => ({
  code,
  message,
  ...(errors ? { errors } : {}),
});

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`fake Discord: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? "fake-bot-token.for-tests.only-0123456789";
  const applicationId = options.applicationId ?? SnowflakeUtil.generate().toString();
  const botUserId = applicationId;
  const guilds = options.guilds ?? [];
  const callbackWindowMs = options.callbackWindowMs ?? 3000;
  const interactions = new Map<string, KnownInteraction>();
  const sockets = new Set<Socket>();
  const clients = new Set<WebSocket>();
  let seq = 0;

  const fake: FakeDiscord = {
    apiUrl: "",
    token,
    applicationId,
    botUserId,
    guilds,
    callbacks: [],
    webhooks: [],
    channelMessages: [],
    requests: [],
    commands: new Map(),
    commandWrites: 0,
    identifies: 0,
    dispatch(interaction) {
      interactions.set(interaction.id, {
        id: interaction.id,
        token: interaction.token,
        createdAt: SnowflakeUtil.timestampFrom(interaction.id),
        answered: null,
      });
      for (const ws of clients) sendOp(ws, { op: 0, t: "INTERACTION_CREATE", s: ++seq, d: interaction });
    },
    callbackFor(interactionId, timeoutMs = 5000) {
      return until(
        () => fake.callbacks.find((c) => c.interactionId === interactionId),
        timeoutMs,
        `a callback for ${interactionId}`,
      );
    },
    callbacksOf(interactionId) {
      return fake.callbacks.filter((c) => c.interactionId === interactionId);
    },
    webhookFor(tokenOf, timeoutMs = 8000) {
      return until(() => fake.webhooks.find((w) => w.token === tokenOf), timeoutMs, "a webhook call");
    },
    waitForIdentify(timeoutMs = 5000) {
      return until(() => (fake.identifies > 0 ? true : undefined), timeoutMs, "IDENTIFY").then(() => {});
    },
    reset() {
      fake.callbacks.length = 0;
      fake.webhooks.length = 0;
      fake.channelMessages.length = 0;
      fake.requests.length = 0;
      interactions.clear();
    },
    async close() {
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };

  function message(data: Record<string, unknown>, flags = 0): Record<string, unknown> {
    return {
      id: SnowflakeUtil.generate().toString(),
      channel_id: guilds[0]?.channelId ?? "0",
      author: {
        id: botUserId,
        username: "ContactBot",
        discriminator: "0",
        global_name: null,
        avatar: null,
        bot: true,
      },
      content: "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      webhook_id: applicationId,
      application_id: applicationId,
      ...data,
      flags,
    };
  }

  function answerCallback(path: string[], body: unknown, response: ServerResponse): number {
    const [, interactionId = "", interactionToken = ""] = path;
    const known = interactions.get(interactionId);
    const payload = asRecord(body) as RecordedCallback["body"];
    const record = (status: number) => {
      fake.callbacks.push({ interactionId, token: interactionToken, body: payload, status, at: Date.now() });
      return status;
    };
    if (!known || known.token !== interactionToken || Date.now() - known.createdAt > callbackWindowMs) {
      send(response, 404, discordError(10062, "Unknown interaction"));
      return record(404);
    }
    if (known.answered) {
      send(response, 400, discordError(40060, "Interaction has already been acknowledged."));
      return record(400);
    }
    const data = payload.data;
    const problems =
      payload.type === 9
        ? checkModal(data)
        : payload.type === 8
          ? checkChoices(data)
          : payload.type === 4 || payload.type === 7
            ? checkMessage(data)
            : [];
    if (problems.length > 0) {
      send(response, 400, discordError(50035, "Invalid Form Body", problems));
      return record(400);
    }
    const recorded: RecordedCallback = {
      interactionId,
      token: interactionToken,
      body: payload,
      status: 204,
      at: Date.now(),
    };
    known.answered = recorded;
    fake.callbacks.push(recorded);
    send(response, 204);
    return 204;
  }

  function answerWebhook(method: string, path: string[], body: unknown, response: ServerResponse): number {
    // webhooks/{app}/{token}[/messages/{id}]
    const [, app = "", webhookToken = "", messages, messageId] = path;
    const original = [...interactions.values()].find((i) => i.token === webhookToken);
    if (app !== applicationId || !original) {
      send(response, 404, discordError(10015, "Unknown Webhook"));
      return 404;
    }
    const data = asRecord(body);
    const record = (status: number) => {
      fake.webhooks.push({
        method: method === "PATCH" ? "PATCH" : "POST",
        token: webhookToken,
        messageId: messages === "messages" ? decodeURIComponent(messageId ?? "") : null,
        body: data,
        status,
        at: Date.now(),
      });
      return status;
    };
    const replyType = original.answered?.body.type;
    if (method === "PATCH" && replyType !== 4 && replyType !== 5) {
      send(response, 404, discordError(10008, "Unknown Message"));
      return record(404);
    }
    const problems = checkMessage({ ...data, allowed_mentions: data.allowed_mentions });
    if (problems.length > 0) {
      send(response, 400, discordError(50035, "Invalid Form Body", problems));
      return record(400);
    }
    const flags = asRecord(original.answered?.body.data).flags;
    send(response, 200, message(data, typeof flags === "number" ? flags : 0));
    return record(200);
  }

  function answerCommands(method: string, path: string[], body: unknown, response: ServerResponse): number {
    // applications/{app}/commands or applications/{app}/guilds/{guild}/commands
    const scope = path[2] === "guilds" ? (path[3] ?? "") : "global";
    if (method === "GET") {
      send(response, 200, fake.commands.get(scope) ?? []);
      return 200;
    }
    const list = Array.isArray(body) ? body.map(asRecord) : [];
    const problems = checkCommands(list);
    if (problems.length > 0) {
      send(response, 400, discordError(50035, "Invalid Form Body", problems));
      return 400;
    }
    const before = fake.commands.get(scope) ?? [];
    const stored = list.map((cmd) => {
      const same = before.find((b) => b.name === cmd.name && (b.type ?? 1) === (cmd.type ?? 1));
      // What Discord answers: our fields plus ids, version and its defaults.
      return {
        id: same?.id ?? SnowflakeUtil.generate().toString(),
        application_id: applicationId,
        version: SnowflakeUtil.generate().toString(),
        default_member_permissions: null,
        nsfw: false,
        description: "",
        ...(scope === "global" ? {} : { guild_id: scope }),
        ...cmd,
        type: cmd.type ?? 1,
      };
    });
    fake.commands.set(scope, stored);
    fake.commandWrites++;
    send(response, 200, stored);
    return 200;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const body = await readJson(request);
    const path = url.pathname.replace(/^\/api\/v10\//, "").split("/");
    let status = 404;
    const authorized = request.headers.authorization === `Bot ${token}`;
    if (path[0] === "interactions" && path[3] === "callback" && method === "POST") {
      status = answerCallback(path, body, response);
    } else if (path[0] === "webhooks") {
      status = answerWebhook(method, path, body, response);
    } else if (!authorized) {
      status = 401;
      send(response, 401, discordError(0, "401: Unauthorized"));
    } else if (path[0] === "gateway" && path[1] === "bot") {
      status = 200;
      send(response, 200, {
        url: fake.apiUrl.replace(/^http/, "ws").replace(/\/api$/, ""),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    } else if (path[0] === "channels" && path[2] === "messages" && method === "POST") {
      const data = asRecord(body);
      const channelId = path[1] ?? "";
      const problems = checkMessage(data);
      const known = guilds.some((g) => g.channelId === channelId);
      status = problems.length > 0 ? 400 : known ? 200 : 404;
      if (status === 200) send(response, 200, message({ ...data, channel_id: channelId }));
      else if (status === 404) send(response, 404, discordError(10003, "Unknown Channel"));
      else send(response, 400, discordError(50035, "Invalid Form Body", problems));
      fake.channelMessages.push({ channelId, body: data, status, at: Date.now() });
    } else if (
      path[0] === "applications" &&
      path[1] === applicationId &&
      path.at(-1) === "commands" &&
      (method === "GET" || method === "PUT")
    ) {
      status = answerCommands(method, path, body, response);
    } else {
      send(response, 404, discordError(0, "404: Not Found"));
    }
    fake.requests.push({ method, path: url.pathname, status, at: Date.now() });
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });

  function sendOp(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  function guildCreate(guild: FakeGuild): Record<string, unknown> {
    const role = (id: string, name: string, position: number) => ({
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: "0",
      managed: false,
      mentionable: false,
      flags: 0,
    });
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: "1",
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [
        role(guild.id, "@everyone", 0),
        ...(guild.roles ?? []).map((r, i) => role(r.id, r.name, i + 1)),
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: "en-US",
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      joined_at: new Date().toISOString(),
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [],
      channels: [
        {
          id: guild.channelId,
          type: 0,
          guild_id: guild.id,
          name: "helpdesk",
          position: 0,
          permission_overwrites: [],
          nsfw: false,
          parent_id: null,
          topic: null,
          last_message_id: null,
          rate_limit_per_user: 0,
        },
      ],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  wss.on("connection", (ws) => {
    clients.add(ws);
    ws.on("close", () => clients.delete(ws));
    sendOp(ws, { op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 } });
    ws.on("message", (raw) => {
      let packet: Record<string, unknown>;
      try {
        packet = asRecord(JSON.parse(String(raw)));
      } catch {
        return;
      }
      switch (packet.op) {
        case 1:
          sendOp(ws, { op: 11 });
          break;
        case 2:
          fake.identifies++;
          sendOp(ws, {
            op: 0,
            t: "READY",
            s: ++seq,
            d: {
              v: 10,
              user: {
                id: botUserId,
                username: "ContactBot",
                discriminator: "0",
                global_name: null,
                avatar: null,
                bot: true,
                flags: 0,
              },
              guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
              session_id: randomBytes(16).toString("hex"),
              resume_gateway_url: fake.apiUrl.replace(/^http/, "ws").replace(/\/api$/, ""),
              shard: [0, 1],
              application: { id: applicationId, flags: 0 },
            },
          });
          for (const g of guilds) sendOp(ws, { op: 0, t: "GUILD_CREATE", s: ++seq, d: guildCreate(g) });
          break;
        case 6:
          sendOp(ws, { op: 0, t: "RESUMED", s: ++seq, d: {} });
          break;
        default:
          break;
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  fake.apiUrl = `http://127.0.0.1:${port}/api`;
  return fake;
}
