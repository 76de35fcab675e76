// Every piece of state the bot keeps (lookup cache, form sessions, dedupe keys) goes through this
// one store, so that pointing STORE_URL at Redis lets several replicas share it. In-memory is the
// default and needs nothing installed.
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
  close(): Promise<void>;
}

export class MemoryStore implements Store {
  readonly kind = "memory";
  private readonly spaces = new Map<string, Keyv>();
  private readonly claims = new Map<string, number>();

  namespace(name: string): Keyv {
    let space = this.spaces.get(name);
    if (!space) {
      space = new Keyv({ namespace: name });
      this.spaces.set(name, space);
    }
    return space;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    this.claims.set(key, now + ttlMs);
    if (this.claims.size > 10_000) this.sweepClaims(now);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }

  async close(): Promise<void> {
    this.spaces.clear();
    this.claims.clear();
  }

  private sweepClaims(now: number): void {
    for (const [key, until] of this.claims) if (until <= now) this.claims.delete(key);
  }
}

export async function openStore(url: string): Promise<Store> {
  if (url.startsWith("memory://")) return new MemoryStore();
  throw new Error(`STORE_URL ${new URL(url).protocol}// is not supported yet; use memory://`);
}
