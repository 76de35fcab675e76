// Every piece of state the bot keeps (lookup cache, form sessions, dedupe keys) goes through this
// one store, so that pointing STORE_URL at Redis lets several replicas share it. In-memory is the
// default and needs nothing installed.
import KeyvRedis, { createClient, type RedisClientType } from "@keyv/redis";
import Keyv from "keyv";

export interface Store {
  readonly kind: "memory" | "redis";
  /** A keyv instance whose keys live under `name`, so different uses never collide. */
  namespace(name: string): Keyv;
  /**
   * Claims `key` for `ttlMs`: true for the first caller, false for every other caller until the
   * claim expires. This is what makes a Slack retry or a double click do the work only once.
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back early, when the work failed and may be tried again. */
  release(key: string): Promise<void>;
  /** Whether the store answers (for health checks). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// keyv stores each value as JSON ending in its expiry time; reading just that tail is enough to
// drop expired entries without parsing whole values.
const EXPIRES = /"expires":(\d+)\}$/;

export class MemoryStore implements Store {
  readonly kind = "memory";
  private readonly spaces = new Map<string, { keyv: Keyv; data: Map<string, unknown> }>();
  private readonly claims = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  /** `sweepMs`: how often expired entries are dropped (keyv alone drops them only when read). */
  constructor(sweepMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), sweepMs);
    this.sweeper.unref();
  }

  namespace(name: string): Keyv {
    let space = this.spaces.get(name);
    if (!space) {
      const data = new Map<string, unknown>();
      space = { keyv: new Keyv({ store: data, namespace: name }), data };
      this.spaces.set(name, space);
    }
    return space.keyv;
  }

  /** How many entries the store holds (expired ones not yet swept included). */
  get size(): number {
    let n = this.claims.size;
    for (const { data } of this.spaces.values()) n += data.size;
    return n;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, now + ttlMs);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.spaces.clear();
    this.claims.clear();
  }

  /** Drops every expired entry and claim. */
  sweep(now: number): void {
    for (const [key, until] of this.claims) if (until <= now) this.claims.delete(key);
    for (const { data } of this.spaces.values()) {
      for (const [key, raw] of data) {
        const expires = typeof raw === "string" ? EXPIRES.exec(raw)?.[1] : undefined;
        if (expires !== undefined && Number(expires) <= now) data.delete(key);
      }
    }
  }
}

const PREFIX = "itflow-bot";

/** Shared state for several replicas: one Redis connection, one keyv adapter per namespace. */
export class RedisStore implements Store {
  readonly kind = "redis";
  private readonly spaces = new Map<string, Keyv>();

  private constructor(private readonly client: RedisClientType) {}

  static async connect(url: string): Promise<RedisStore> {
    let connectedOnce = false;
    const client = createClient({
      url,
      socket: {
        connectTimeout: 5000,
        // At start-up, fail at once: a wrong STORE_URL should stop the bot with a clear message.
        // Once running, ride out a Redis restart by reconnecting with a growing pause.
        reconnectStrategy: (retries, cause) =>
          connectedOnce
            ? Math.min(retries * 200, 5000)
            : cause instanceof Error
              ? cause
              : new Error("no Redis"),
      },
      disableOfflineQueue: true,
    }) as RedisClientType;
    client.on("ready", () => {
      connectedOnce = true;
    });
    // Without a listener a connection error would crash the process; reconnects are automatic.
    client.on("error", () => {});
    await client.connect();
    return new RedisStore(client);
  }

  namespace(name: string): Keyv {
    let space = this.spaces.get(name);
    if (!space) {
      const adapter = new KeyvRedis(this.client, { namespace: `${PREFIX}:${name}` });
      space = new Keyv({ store: adapter, namespace: `${PREFIX}:${name}`, useKeyPrefix: false });
      this.spaces.set(name, space);
    }
    return space;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    // SET NX is atomic across replicas: exactly one of two racing retries gets "OK".
    const answer = await this.client.set(`${PREFIX}:claim:${key}`, "1", { NX: true, PX: Math.max(1, ttlMs) });
    return answer === "OK";
  }

  async release(key: string): Promise<void> {
    await this.client.del(`${PREFIX}:claim:${key}`);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.spaces.clear();
    if (this.client.isOpen) await this.client.close();
  }
}

/** The store STORE_URL names: memory:// (default) or redis(s)://. The URL is never echoed (it may hold a password). */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith("memory://")) return new MemoryStore();
  if (/^rediss?:\/\//.test(url)) {
    try {
      return await RedisStore.connect(url);
    } catch (error) {
      const code = error instanceof Error && "code" in error ? String(error.code) : "";
      throw new Error(
        `Could not connect to Redis at STORE_URL${code ? ` (${code})` : ""}: is it running and reachable?`,
      );
    }
  }
  throw new Error("STORE_URL must be memory:// or a redis:// URL");
}
