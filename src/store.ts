// Every piece of state the bot keeps (lookup cache, form sessions, dedupe keys, caller-verification
// attempts) goes through this one store, so that pointing STORE_URL at Redis lets several replicas
// share it. In-memory is the default and needs nothing installed.
import type { default as KeyvRedisAdapter, RedisClientType } from "@keyv/redis";
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
  /**
   * Counts events in a sliding window shared by every replica (attempts, failures): records the
   * event `id` under `key` at `now` unless `limit` events are already in the last `windowMs`.
   * Racing replicas cannot both take the last place.
   */
  hit(key: string, id: string, now: number, windowMs: number, limit: number): Promise<WindowCount>;
  /** Takes back one event recorded by `hit` (it turned out not to count). */
  unhit(key: string, id: string): Promise<void>;
  /** Forgets every event under `key`. */
  clearHits(key: string): Promise<void>;
  /** Whether the store answers (for health checks). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface WindowCount {
  /** Whether the event was recorded (false: `limit` events were already in the window). */
  taken: boolean;
  /** Events in the window, this one included when taken. */
  count: number;
  /** When the oldest event in the window happened (it leaves the window `windowMs` later). */
  oldestAt: number | null;
}

// keyv stores each value as JSON ending in its expiry time; reading just that tail is enough to
// drop expired entries without parsing whole values.
const EXPIRES = /"expires":(\d+)\}$/;

export class MemoryStore implements Store {
  readonly kind = "memory";
  private readonly spaces = new Map<string, { keyv: Keyv; data: Map<string, unknown> }>();
  private readonly claims = new Map<string, number>();
  /** Sliding windows: events in the order they were recorded, with when they stop counting. */
  private readonly windows = new Map<string, Array<{ id: string; at: number; until: number }>>();
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
    let n = this.claims.size + this.windows.size;
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

  async hit(key: string, id: string, now: number, windowMs: number, limit: number): Promise<WindowCount> {
    const events = (this.windows.get(key) ?? []).filter((e) => e.at > now - windowMs);
    const taken = events.length < limit;
    if (taken) events.push({ id, at: now, until: now + windowMs });
    this.windows.set(key, events);
    return { taken, count: events.length, oldestAt: events[0]?.at ?? null };
  }

  async unhit(key: string, id: string): Promise<void> {
    const events = this.windows.get(key)?.filter((e) => e.id !== id) ?? [];
    if (events.length > 0) this.windows.set(key, events);
    else this.windows.delete(key);
  }

  async clearHits(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.spaces.clear();
    this.claims.clear();
    this.windows.clear();
  }

  /** Drops every expired entry and claim. */
  sweep(now: number): void {
    for (const [key, until] of this.claims) if (until <= now) this.claims.delete(key);
    for (const [key, events] of this.windows) {
      if (events.every((e) => e.until <= now)) this.windows.delete(key);
    }
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

  private constructor(
    private readonly client: RedisClientType,
    private readonly Adapter: typeof KeyvRedisAdapter,
  ) {}

  static async connect(url: string): Promise<RedisStore> {
    // Loaded only for redis:// (the Redis client is ~15 MB of a process that never uses it otherwise).
    const { default: Adapter, createClient } = await import("@keyv/redis");
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
    return new RedisStore(client, Adapter);
  }

  namespace(name: string): Keyv {
    let space = this.spaces.get(name);
    if (!space) {
      const adapter = new this.Adapter(this.client, { namespace: `${PREFIX}:${name}` });
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

  async hit(key: string, id: string, now: number, windowMs: number, limit: number): Promise<WindowCount> {
    const zset = `${PREFIX}:window:${key}`;
    // One MULTI, so no other replica's command runs between these: drop what left the window, add
    // this event, count. More than `limit` means the window was already full and the event is
    // taken back out; of racing replicas, exactly the first `limit` to run their MULTI keep theirs.
    const [, , count, oldest] = await this.client
      .multi()
      .zRemRangeByScore(zset, "-inf", now - windowMs)
      .zAdd(zset, { score: now, value: id })
      .zCard(zset)
      .zRangeWithScores(zset, 0, 0)
      .pExpire(zset, Math.max(1, windowMs))
      .exec();
    const first = Array.isArray(oldest) ? (oldest[0] as { score: number } | undefined) : undefined;
    const oldestAt = first ? Number(first.score) : null;
    if (Number(count) <= limit) return { taken: true, count: Number(count), oldestAt };
    await this.client.zRem(zset, id);
    return { taken: false, count: limit, oldestAt };
  }

  async unhit(key: string, id: string): Promise<void> {
    await this.client.zRem(`${PREFIX}:window:${key}`, id);
  }

  async clearHits(key: string): Promise<void> {
    await this.client.del(`${PREFIX}:window:${key}`);
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
