// A fake Slack on 127.0.0.1 for the real Bolt app to talk to: the Web API methods the bot calls
// (form-encoded like @slack/web-api sends them, `view`/`blocks` decoded for assertions), the
// response_urls Slack hands out with each command and interaction, and a Socket Mode websocket.
// Everything that reaches it is recorded so tests assert on what the bot actually sent.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface ApiCall {
  method: string;
  /** The bearer token the call was made with. */
  token: string | undefined;
  /** The decoded body; `view`, `blocks` and other JSON-valued fields parsed. */
  body: Record<string, unknown>;
  at: number;
}

export interface ResponsePost {
  /** The id in the response_url (each command/interaction gets its own). */
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
}

export interface FakeSlackOptions {
  teamId?: string;
  enterpriseId?: string;
  botUserId?: string;
  botId?: string;
  /** Tokens auth.test accepts; any other is `invalid_auth`. */
  botToken?: string;
  appToken?: string;
  /**
   * Channels the bot is a member of. When set, chat.postMessage/chat.update elsewhere answer
   * `not_in_channel` (or `channel_not_found` for ids listed in `unknownChannels`), as Slack does.
   */
  memberOf?: string[];
  unknownChannels?: string[];
}

/** A message posted with chat.postMessage, as it stands after every chat.update. */
export interface ChannelMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  /** How many times chat.update changed it. */
  updates: number;
}

export interface SocketEnvelope {
  type: "slash_commands" | "interactive" | "events_api";
  payload: Record<string, unknown>;
}

export interface FakeSlack {
  /** Base for SLACK_API_URL, ending in "/". */
  apiUrl: string;
  calls: ApiCall[];
  responses: ResponsePost[];
  views: Map<string, FakeView>;
  /** Messages posted to channels (chat.postMessage), by ts, updated in place by chat.update. */
  messages: Map<string, ChannelMessage>;
  /** A new response_url served by this fake, as Slack would send with a command or click. */
  newResponseUrl(): string;
  /** A new trigger_id (views.open refuses unknown or reused ones, like Slack). */
  newTriggerId(): string;
  callsTo(method: string): ApiCall[];
  postsTo(responseUrl: string): ResponsePost[];
  /** Waits until `check` returns something truthy (polling the records), or fails after `ms`. */
  waitFor<T>(check: () => T | undefined | null | false, ms?: number): Promise<T>;
  /** Socket Mode: resolves once an app is connected (after hello). */
  socketConnected(): Promise<void>;
  /** Socket Mode: sends an envelope and resolves with the app's ack payload. */
  sendEnvelope(envelope: SocketEnvelope): Promise<Record<string, unknown>>;
  /** Resolves when the app's socket has closed (after app.stop()). */
  socketClosed(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(["view", "blocks", "attachments", "metadata"]);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function decodeApiBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        out[key] = JSON.parse(value) as unknown;
        continue;
      } catch {
        // Not JSON after all: keep the text, so a test sees what was really sent.
      }
    }
    out[key] = value;
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
  res.end(text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = options.teamId ?? "T0HOME";
  const calls: ApiCall[] = [];
  const responses: ResponsePost[] = [];
  const views = new Map<string, FakeView>();
  const responseUseCount = new Map<string, number>();
  const triggers = new Set<string>();
  const sockets = new Set<Socket>();
  const messages = new Map<string, ChannelMessage>();
  let messageSeq = 0;
  let viewSeq = 0;
  let port = 0;

  function viewAnswer(id: string, view: Record<string, unknown>): FakeView {
    const stored = { id, hash: `h${++viewSeq}`, view };
    views.set(id, stored);
    return stored;
  }

  function channelProblem(channel: string): string | null {
    if (options.unknownChannels?.includes(channel)) return "channel_not_found";
    if (options.memberOf && !options.memberOf.includes(channel)) return "not_in_channel";
    return null;
  }

  function api(method: string, token: string | undefined, body: Record<string, unknown>): unknown {
    switch (method) {
      case "auth.test":
        if (options.botToken && token !== options.botToken) return { ok: false, error: "invalid_auth" };
        return {
          ok: true,
          url: "https://fake.slack.test/",
          team: "Home",
          user: "contactbot",
          team_id: teamId,
          user_id: options.botUserId ?? "U0BOT",
          bot_id: options.botId ?? "B0BOT",
          ...(options.enterpriseId ? { enterprise_id: options.enterpriseId } : {}),
          is_enterprise_install: false,
        };
      case "apps.connections.open":
        if (!token?.startsWith("xapp-") || (options.appToken && token !== options.appToken)) {
          return { ok: false, error: "invalid_auth" };
        }
        return { ok: true, url: `ws://127.0.0.1:${port}/socket?ticket=${randomUUID()}` };
      case "views.open": {
        const trigger = String(body.trigger_id ?? "");
        if (!triggers.delete(trigger)) return { ok: false, error: "expired_trigger_id" };
        const v = viewAnswer(`V${String(++viewSeq).padStart(6, "0")}`, body.view as Record<string, unknown>);
        return { ok: true, view: { ...v.view, id: v.id, hash: v.hash } };
      }
      case "views.update":
      case "views.push": {
        const id = String(body.view_id ?? "");
        const known = views.get(id);
        if (method === "views.update" && !known) return { ok: false, error: "not_found" };
        if (method === "views.update" && body.hash && known && body.hash !== known.hash) {
          return { ok: false, error: "hash_conflict" };
        }
        const v = viewAnswer(id || `V${++viewSeq}`, body.view as Record<string, unknown>);
        return { ok: true, view: { ...v.view, id: v.id, hash: v.hash } };
      }
      case "chat.postMessage": {
        const channel = String(body.channel ?? "");
        const refused = channelProblem(channel);
        if (refused) return { ok: false, error: refused };
        // Unique even for posts in the same millisecond, like Slack's.
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++messageSeq).padStart(6, "0")}`;
        messages.set(ts, {
          channel,
          ts,
          text: String(body.text ?? ""),
          blocks: Array.isArray(body.blocks) ? body.blocks : [],
          updates: 0,
        });
        return { ok: true, channel, ts, message: { ts, text: body.text } };
      }
      case "chat.update": {
        const channel = String(body.channel ?? "");
        const refused = channelProblem(channel);
        if (refused) return { ok: false, error: refused };
        const message = messages.get(String(body.ts ?? ""));
        if (!message || message.channel !== channel) return { ok: false, error: "message_not_found" };
        message.text = String(body.text ?? "");
        message.blocks = Array.isArray(body.blocks) ? body.blocks : [];
        message.updates++;
        return { ok: true, channel, ts: message.ts, text: message.text };
      }
      case "chat.postEphemeral":
        return { ok: true, channel: body.channel, ts: `${Date.now() / 1000}`, message_ts: "1" };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    if (url.pathname.startsWith("/api/")) {
      const method = url.pathname.slice("/api/".length);
      const body = decodeApiBody(raw, req.headers["content-type"]);
      const auth = req.headers.authorization;
      const token = auth?.startsWith("Bearer ") ? auth.slice(7) : (body.token as string | undefined);
      calls.push({ method, token, body, at: Date.now() });
      send(res, 200, api(method, token, body));
      return;
    }
    if (url.pathname.startsWith("/response/")) {
      const id = url.pathname.slice("/response/".length);
      // Slack allows 5 posts per response_url.
      const used = (responseUseCount.get(id) ?? 0) + 1;
      responseUseCount.set(id, used);
      if (used > 5) {
        send(res, 404, "used_url");
        return;
      }
      responses.push({ id, body: JSON.parse(raw || "{}") as Record<string, unknown>, at: Date.now() });
      send(res, 200, "ok");
      return;
    }
    send(res, 404, "not found");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, String(error)));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  // ---- Socket Mode ----
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let appSocket: WebSocket | null = null;
  const pendingAcks = new Map<string, (payload: Record<string, unknown>) => void>();
  let connected: Promise<void> = Promise.resolve();
  let markConnected: () => void = () => {};
  let closed: Promise<void> = Promise.resolve();
  let markClosed: () => void = () => {};
  const armSocketPromises = () => {
    connected = new Promise((r) => {
      markConnected = r;
    });
    closed = new Promise((r) => {
      markClosed = r;
    });
  };
  armSocketPromises();

  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/socket")) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      appSocket = ws;
      ws.on("message", (data) => {
        const message = JSON.parse(String(data)) as {
          envelope_id?: string;
          payload?: Record<string, unknown>;
        };
        const resolve = message.envelope_id ? pendingAcks.get(message.envelope_id) : undefined;
        if (resolve && message.envelope_id) {
          pendingAcks.delete(message.envelope_id);
          resolve(message.payload ?? {});
        }
      });
      ws.on("close", () => {
        if (appSocket === ws) appSocket = null;
        markClosed();
      });
      ws.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "fake", approximate_connection_time: 3600 },
          connection_info: { app_id: "A0FAKE" },
        }),
      );
      markConnected();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    calls,
    responses,
    views,
    messages,
    newResponseUrl: () => `${base}/response/${randomUUID()}`,
    newTriggerId() {
      const id = `${Date.now()}.${randomUUID()}`;
      triggers.add(id);
      return id;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    postsTo(responseUrl) {
      const id = responseUrl.slice(responseUrl.lastIndexOf("/") + 1);
      return responses.filter((r) => r.id === id);
    },
    async waitFor(check, ms = 5000) {
      const until = Date.now() + ms;
      for (;;) {
        const value = check();
        if (value) return value;
        if (Date.now() > until) throw new Error(`fake Slack: condition not met within ${ms} ms`);
        await sleep(10);
      }
    },
    socketConnected: () => connected,
    socketClosed: () => closed,
    sendEnvelope(envelope) {
      const ws = appSocket;
      if (!ws) return Promise.reject(new Error("no app connected over Socket Mode"));
      const envelopeId = randomUUID();
      return new Promise((resolve) => {
        pendingAcks.set(envelopeId, resolve);
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type: envelope.type,
            payload: envelope.payload,
            accepts_response_payload: envelope.type !== "events_api",
          }),
        );
      });
    },
    reset() {
      calls.length = 0;
      responses.length = 0;
      views.clear();
      messages.clear();
      responseUseCount.clear();
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      const done = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await done;
      armSocketPromises();
    },
  };
}
